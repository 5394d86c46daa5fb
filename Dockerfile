# syntax=docker/dockerfile:1
# One image for the four services: `docker run boucle serve inventory` (see docker-compose.yml).
# The same versions as every other install: uv (pinned with its hashes) installs uv.lock.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/boucle \
    PATH=/opt/boucle/bin:$PATH

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin boucle

# The sources are mounted for the install only, so no copy of them stays in a layer.
RUN --mount=type=bind,target=/src,rw \
    pip install --require-hashes --no-deps -r /src/requirements-uv.txt \
    && cd /src && uv sync --locked --no-dev --no-editable --python python3.11 \
    && pip uninstall --yes uv

USER boucle
EXPOSE 8001 8002 8003 8004
ENTRYPOINT ["boucle"]
CMD ["--help"]
