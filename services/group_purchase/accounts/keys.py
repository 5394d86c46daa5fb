"""The key that signs session tokens: only this service is given it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Request

from shared.config import Settings
from shared.web.problems import Problem


@lru_cache(maxsize=2)
def _load_signing_key(value: str) -> Ed25519PrivateKey:
    pem = value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()
    key = serialization.load_pem_private_key(pem, None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("BOUCLE_AUTH_PRIVATE_KEY is not an Ed25519 private key")
    return key


def signing_key(request: Request[Any, Any, Any]) -> Ed25519PrivateKey:
    settings: Settings = request.app.state.settings
    if not settings.auth_private_key:
        raise Problem(503, "This service has no signing key (BOUCLE_AUTH_PRIVATE_KEY).")
    return _load_signing_key(settings.auth_private_key)
