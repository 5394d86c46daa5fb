"""The key that signs session tokens: only this service is given it. ``boucle keys rotate``
replaces its file; the next token is signed with the new key, without a restart."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from litestar import Request

from shared.config import Settings
from shared.web.problems import Problem


@lru_cache(maxsize=2)
def _load_signing_key(value: str, _version: tuple[int, int, int] | None) -> Ed25519PrivateKey:
    pem = value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()
    key = serialization.load_pem_private_key(pem, None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("BOUCLE_AUTH_PRIVATE_KEY is not an Ed25519 private key")
    return key


def _version(value: str) -> tuple[int, int, int] | None:
    """Which file the setting names now (a rotation replaces it), None for a PEM text."""
    if value.lstrip().startswith("-----BEGIN"):
        return None
    status = os.stat(value)
    return status.st_ino, status.st_mtime_ns, status.st_size


def signing_key(request: Request[Any, Any, Any]) -> Ed25519PrivateKey:
    settings: Settings = request.app.state.settings
    if not settings.auth_private_key:
        raise Problem(503, "This service has no signing key (BOUCLE_AUTH_PRIVATE_KEY).")
    return _load_signing_key(settings.auth_private_key, _version(settings.auth_private_key))
