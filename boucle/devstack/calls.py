"""JSON calls to the running services, as any API client would make them."""

from __future__ import annotations

import json
import urllib.request
from typing import Any


def call(url: str, token: str, body: object | None = None, method: str = "POST") -> Any:
    """A JSON call as any API client would make it; None for an empty answer."""
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method=method,
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = response.read()
    return json.loads(answer) if answer else None
