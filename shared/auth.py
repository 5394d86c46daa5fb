"""Signed tokens (Ed25519) verified by every service with the public key, and role guards."""

from __future__ import annotations

import base64
import time
import uuid
from pathlib import Path
from typing import Literal

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import NotSignedIn

Role = Literal[
    "collector", "refurbisher", "erasure_officer", "social_worker", "coordinator", "admin"
]
ROLES: tuple[str, ...] = (
    "collector",
    "refurbisher",
    "erasure_officer",
    "social_worker",
    "coordinator",
    "admin",
)
UNSCOPED_ROLES = frozenset({"coordinator", "admin"})
PRIVATE_KEY_FILE = "auth-ed25519.pem"
PUBLIC_KEY_FILE = "auth-ed25519.pub.pem"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling: subject, roles and scopes (collection points, workshops, organisation)."""

    sub: str
    roles: tuple[Role, ...]
    scopes: tuple[str, ...] = ()
    exp: int
    iat: int
    jti: str = ""

    def has_any(self, roles: tuple[str, ...]) -> bool:
        return any(role in roles for role in self.roles)

    def scoped_ids(self, kind: str) -> list[uuid.UUID] | None:
        """The ids of ``kind`` scopes (``workshop:<id>``…) this caller may reach; ``None``
        for coordinators and admins, who reach them all."""
        if any(role in UNSCOPED_ROLES for role in self.roles):
            return None
        ids = []
        for scope in self.scopes:
            scope_kind, _, value = scope.partition(":")
            if scope_kind == kind:
                try:
                    ids.append(uuid.UUID(value))
                except ValueError:
                    continue
        return ids

    def may_reach(self, scope: str) -> bool:
        """Coordinators and admins reach everything; others only what their scopes name."""
        return any(role in UNSCOPED_ROLES for role in self.roles) or scope in self.scopes


class InvalidToken(NotSignedIn):
    """A token that is malformed, forged or expired."""


EXPIRED = "The token has expired: sign in again."
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Principal)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(
    private_key: Ed25519PrivateKey,
    subject: str,
    roles: tuple[Role, ...],
    scopes: tuple[str, ...] = (),
    ttl_seconds: int = 12 * 3600,
) -> str:
    now = int(time.time())
    claims = Principal(
        sub=subject,
        roles=roles,
        scopes=scopes,
        iat=now,
        exp=now + ttl_seconds,
        jti=str(uuid.uuid4()),
    )
    body = _b64(_encoder.encode(claims))
    return f"{body}.{_b64(private_key.sign(body.encode()))}"


def verify_token(public_key: Ed25519PublicKey, token: str) -> Principal:
    try:
        body, signature = token.split(".")
        public_key.verify(_unb64(signature), body.encode())
        principal = _decoder.decode(_unb64(body))
    except (ValueError, InvalidSignature, msgspec.DecodeError) as error:
        raise InvalidToken(
            "The token is malformed or its signature is wrong.", code="account.token_invalid"
        ) from error
    if principal.exp < time.time():
        raise InvalidToken(EXPIRED, code="account.token_expired")
    return principal


def ensure_keypair(folder: Path) -> Path:
    """Create the signing key pair in ``folder`` if missing; return the public key path."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path = folder / PRIVATE_KEY_FILE
    public_path = folder / PUBLIC_KEY_FILE
    if not private_path.exists():
        key = Ed25519PrivateKey.generate()
        private_path.touch(mode=0o600)
        private_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        public_path.write_bytes(
            key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
    return public_path


def load_private_key(folder: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key((folder / PRIVATE_KEY_FILE).read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key is not an Ed25519 key")
    return key


def load_public_key(value: str) -> Ed25519PublicKey:
    """``value`` is a PEM text or the path of a PEM file."""
    pem = value.encode() if value.lstrip().startswith("-----BEGIN") else Path(value).read_bytes()
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("BOUCLE_AUTH_PUBLIC_KEY is not an Ed25519 public key")
    return key
