"""Signed tokens (Ed25519): each names the key that signed it, every service verifies it with
the public keys it trusts (a key ring that rotates); and role guards."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import stat
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import NotSignedIn
from shared.events import Clock, utc_now
from shared.logging import get_logger

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
# The roles that reach every scope: those who coordinate the whole territory.
COORDINATION: tuple[str, ...] = ("coordinator", "admin")
UNSCOPED_ROLES = frozenset(COORDINATION)
log = get_logger("boucle.auth")
# In a keys folder (.boucle/keys, deploy/keys): the signing key, for group_purchase only, and
# the key ring every service reads, in a folder of its own that can be given to all.
PRIVATE_KEY_FILE = "auth-ed25519.pem"
TRUSTED_KEYS_FILE = "public/auth-keys.json"
KEY_ID_LENGTH = 16
# The longest a token lives (sessions last 10 minutes, development tokens up to this); a key
# that stops signing is trusted this long after, clocks a few minutes apart included.
MAX_TOKEN_SECONDS = 12 * 3600
RETIREMENT_DELAY = timedelta(seconds=MAX_TOKEN_SECONDS + 300)


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling: subject, roles and scopes (collection points, workshops, organisation)."""

    sub: str
    roles: tuple[Role, ...]
    scopes: tuple[str, ...] = ()
    exp: int
    iat: int
    jti: str = ""

    def expired_at(self, moment: datetime) -> bool:
        """True once the token's lifetime is over at ``moment``."""
        return self.exp < moment.timestamp()

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
    """A token that is malformed, forged, signed by a key no longer trusted, or expired."""


class TrustedKey(msgspec.Struct, frozen=True, kw_only=True):
    """A public key services accept tokens from; one that no longer signs is trusted until
    ``retires_at``, when every token it signed has expired."""

    kid: str
    public_key: str  # PEM
    added_at: datetime
    retires_at: datetime | None = None


class KeyRing(msgspec.Struct, kw_only=True):
    """The file every service reads its trusted keys from (``public/auth-keys.json``)."""

    keys: list[TrustedKey] = msgspec.field(default_factory=list)


EXPIRED = "The token has expired: sign in again."
_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Principal)
_ring_decoder = msgspec.json.Decoder(KeyRing)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's RFC 7638 thumbprint (as a JWK), in hexadecimal and shortened: the same key,
    the same id, which never starts with a dash that a command line would take for an option."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = f'{{"crv":"Ed25519","kty":"OKP","x":"{_b64(raw)}"}}'
    return hashlib.sha256(jwk.encode()).hexdigest()[:KEY_ID_LENGTH]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


class TrustedKeys:
    """The public keys this service accepts tokens from, by key id: one PEM key (text or
    file), or a key ring file that is read again when it changes — at most a second after
    a key is revoked, and at once when a token names a key not known yet."""

    def __init__(self, source: str | Ed25519PublicKey, recheck_seconds: float = 1.0) -> None:
        self._path: Path | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._recheck_seconds = recheck_seconds
        self._checked_at = time.monotonic()
        self.generation = 0  # moves on whenever the keys change
        self._keys: dict[str, tuple[Ed25519PublicKey, datetime | None]]
        if isinstance(source, Ed25519PublicKey):
            self._keys = {key_id(source): (source, None)}
        elif source.lstrip().startswith("-----BEGIN"):
            self._keys = _parse_keys(source.encode())
        else:
            self._path = Path(source)
            self._stamp = _stamp(self._path)
            self._keys = _parse_keys(self._path.read_bytes())

    def find(self, kid: str) -> Ed25519PublicKey | None:
        """The key named ``kid`` if it is trusted now."""
        found = self._keys.get(kid)
        if found is None and self.refresh(force=True):
            found = self._keys.get(kid)
        if found is None:
            return None
        key, retires_at = found
        if retires_at is not None and retires_at <= datetime.now(UTC):
            return None
        return key

    def refresh(self, force: bool = False) -> bool:
        """Read the key ring again if its file changed; True when the keys changed."""
        now = time.monotonic()
        if self._path is None or (not force and now - self._checked_at < self._recheck_seconds):
            return False
        self._checked_at = now
        try:
            stamp = _stamp(self._path)
            if stamp == self._stamp:
                return False
            keys = _parse_keys(self._path.read_bytes())
        except (OSError, ValueError) as error:  # being replaced, or edited by hand: keep ours
            log.warning("trusted_keys_unreadable", path=str(self._path), error=str(error))
            return False
        self._stamp, self._keys = stamp, keys
        self.generation += 1
        return True


def _stamp(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, status.st_size


def _parse_keys(content: bytes) -> dict[str, tuple[Ed25519PublicKey, datetime | None]]:
    if content.lstrip().startswith(b"-----BEGIN"):
        key = _public_key(content)
        return {key_id(key): (key, None)}
    try:
        ring = _ring_decoder.decode(content)
    except msgspec.DecodeError as error:
        raise ValueError(f"the trusted keys are not a key ring: {error}") from error
    return {
        entry.kid: (_public_key(entry.public_key.encode()), entry.retires_at) for entry in ring.keys
    }


def _public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("BOUCLE_AUTH_PUBLIC_KEY holds a key that is not an Ed25519 public key")
    return key


def issue_token(
    private_key: Ed25519PrivateKey,
    subject: str,
    roles: tuple[Role, ...],
    scopes: tuple[str, ...] = (),
    ttl_seconds: int = MAX_TOKEN_SECONDS,
) -> str:
    """A token naming the key that signs it; it lives at most ``MAX_TOKEN_SECONDS``, so that a
    key retired that long after it stopped signing leaves no token behind."""
    if ttl_seconds > MAX_TOKEN_SECONDS:
        raise ValueError(f"a token lives at most {MAX_TOKEN_SECONDS // 3600} hours")
    now = int(time.time())
    claims = Principal(
        sub=subject,
        roles=roles,
        scopes=scopes,
        iat=now,
        exp=now + ttl_seconds,
        jti=str(uuid.uuid4()),
    )
    signed = f"{key_id(private_key.public_key())}.{_b64(_encoder.encode(claims))}"
    return f"{signed}.{_b64(private_key.sign(signed.encode()))}"


def genuine_claims(trusted: TrustedKeys | Ed25519PublicKey, token: str) -> Principal:
    """The claims of a token signed by a trusted key, expired or not."""
    keys = trusted if isinstance(trusted, TrustedKeys) else TrustedKeys(trusted)
    try:
        kid, body, signature = token.split(".")
        key = keys.find(kid)
        if key is None:
            raise InvalidToken(
                "The token was signed by a key that is not trusted (any more).",
                code="account.token_invalid",
            )
        key.verify(_unb64(signature), f"{kid}.{body}".encode())
        return _decoder.decode(_unb64(body))
    except (ValueError, InvalidSignature, msgspec.DecodeError) as error:
        raise InvalidToken(
            "The token is malformed or its signature is wrong.", code="account.token_invalid"
        ) from error


def verify_token(
    trusted: TrustedKeys | Ed25519PublicKey, token: str, clock: Clock = utc_now
) -> Principal:
    principal = genuine_claims(trusted, token)
    if principal.expired_at(clock()):
        raise InvalidToken(EXPIRED, code="account.token_expired")
    return principal


def ensure_keypair(folder: Path) -> Path:
    """Create the signing key in ``folder`` if missing, and the key ring trusting it (a folder
    from before key rotation gets its ring from its key); return the key ring's path."""
    folder.mkdir(parents=True, exist_ok=True)
    private_path = folder / PRIVATE_KEY_FILE
    ring_path = folder / TRUSTED_KEYS_FILE
    if not private_path.exists():
        write_private_key(private_path, Ed25519PrivateKey.generate())
    if not ring_path.exists():
        public_key = load_private_key(folder).public_key()
        entry = TrustedKey(
            kid=key_id(public_key), public_key=public_pem(public_key), added_at=datetime.now(UTC)
        )
        write_key_ring(ring_path, KeyRing(keys=[entry]))
    return ring_path


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    write_atomically(path, pem, 0o600)


def write_key_ring(path: Path, ring: KeyRing) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, msgspec.json.format(_encoder.encode(ring)) + b"\n", 0o644)


def read_key_ring(path: Path) -> KeyRing:
    return _ring_decoder.decode(path.read_bytes())


def write_atomically(path: Path, content: bytes, mode: int) -> None:
    """Readers see the old file or the new one, never half of one; a file replaced keeps its
    owner and mode when it had them (a container reads it as a given user)."""
    try:
        previous = path.stat()
    except FileNotFoundError:
        previous = None
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, stat.S_IMODE(previous.st_mode) if previous else mode)
        if previous is not None:
            with contextlib.suppress(PermissionError):
                os.chown(temporary, previous.st_uid, previous.st_gid)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def load_private_key(folder: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key((folder / PRIVATE_KEY_FILE).read_bytes(), None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the signing key is not an Ed25519 key")
    return key
