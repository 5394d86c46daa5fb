"""HTTP side of idempotency: the ``Idempotency-Key`` header and the stored answer replayed."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response
from litestar.params import HeaderParameter

from shared.auth import Principal
from shared.idempotency import StoredResponse, fingerprint

IdempotencyKey = Annotated[
    str | None, HeaderParameter(name="Idempotency-Key", max_length=200, required=False)
]


async def request_fingerprint(request: Request[Any, Any, Any], principal: Principal) -> str:
    """Who sent which body: a replayed key with another body is refused."""
    return fingerprint(principal.sub, await request.body())


def replayable(answer: StoredResponse) -> Response[bytes]:
    """The answer as first given (a replay gets the very same bytes)."""
    return Response(answer.body, status_code=answer.status_code, media_type="application/json")
