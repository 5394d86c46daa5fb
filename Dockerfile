# syntax=docker/dockerfile:1
# One image for the four services: `docker run boucle serve inventory` (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin boucle

# The sources are mounted for the install only, so no copy of them stays in a layer.
RUN --mount=type=bind,target=/src,rw pip install /src

USER boucle
EXPOSE 8001 8002 8003 8004
ENTRYPOINT ["boucle"]
CMD ["--help"]
