"""Settings read once per process from ``BOUCLE_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated, Literal

import msgspec

SERVICES: tuple[str, ...] = ("inventory", "collection_point", "refurbishment", "group_purchase")
DEFAULT_PORTS: dict[str, int] = {
    "inventory": 8001,
    "collection_point": 8002,
    "refurbishment": 8003,
    "group_purchase": 8004,
}
SCHEMAS: dict[str, str] = {
    "inventory": "inventory",
    "collection_point": "collection",
    "refurbishment": "refurbishment",
    "group_purchase": "purchase",
}


class InventorySettings(msgspec.Struct, frozen=True, kw_only=True):
    """What only inventory reads."""

    # Data tiers. Histories of devices delivered, recycled or dismantled this long ago leave
    # the active table for the passive tier (read-only monthly partitions, created on
    # ``passive_tablespace`` when one is named)...
    passive_after_days: int = 365
    passive_tablespace: str = ""
    # ...and a passive month this many months after its end is archived: written as a
    # Parquet file into ``archive_folder`` (none: the passive tier keeps everything),
    # verified by digest, then dropped from the database. Passports, figures and the rebuild
    # read all three tiers.
    archive_after_months: int = 24
    archive_folder: str = ""
    # Events older than the month of this many days ago are archived as files into
    # ``archive_folder`` and purged from the streams (0: the streams keep every event); see
    # ``tier_settings_problem``.
    stream_max_age_days: int = 0
    # How long a device is held reserved for a household before it is offered again.
    reservation_hours: float = 72.0
    # Coordinators are told of devices left in a state longer than this (days): received but
    # never shipped, in transit, returned and not taken back in; in refurbishment, longer
    # (a diagnosis, an erasure and repairs take weeks). A reserved device is stuck a day
    # after its reservation should have lapsed.
    stuck_after_days: Annotated[int, msgspec.Meta(ge=1)] = 14
    refurbishment_stuck_after_days: Annotated[int, msgspec.Meta(ge=1)] = 30


def tier_settings_problem(inventory: InventorySettings) -> str:
    """Why the tiers' settings do not hold together ("" when they do). A month is archived
    only once no journey can still join it (``archive_after_months`` whole months outlast
    ``passive_after_days``), and events leave the streams only after the histories they
    built are archived (a rebuild then reads them from the archived events' files)."""
    if inventory.archive_after_months * 28 <= inventory.passive_after_days:
        return (
            "BOUCLE_ARCHIVE_AFTER_MONTHS must outlast BOUCLE_PASSIVE_AFTER_DAYS "
            "(28 days a month): a month would be archived before its journeys reach it"
        )
    if 0 < inventory.stream_max_age_days < minimum_stream_age_days(inventory):
        return (
            "BOUCLE_STREAM_MAX_AGE_DAYS must be 0 (keep every event) or at least "
            f"{minimum_stream_age_days(inventory)} days, once a journey's history is archived"
        )
    if inventory.stream_max_age_days and not inventory.archive_folder:
        return "BOUCLE_STREAM_MAX_AGE_DAYS needs BOUCLE_ARCHIVE_FOLDER: nothing is archived"
    return ""


def minimum_stream_age_days(inventory: InventorySettings) -> int:
    """The youngest an event may be when it leaves the streams: its device's journey ended
    (the event is at most that old), passed to the passive tier, and its month was archived
    (a whole month after the last day of the month it ended in)."""
    return inventory.passive_after_days + 31 * (inventory.archive_after_months + 1)


class RefurbishmentSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What only refurbishment reads."""

    # Battery state of health (percent) under which a device cannot be graded A, and under
    # which it cannot pass its functional tests (change the battery first).
    grade_a_min_battery_percent: int = 80
    release_min_battery_percent: int = 50


class CollectionPointSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What only the collection point reads."""

    # A donor's contact given at the counter (name, address, phone) is erased this long after
    # the donation, with the address on the news mailed to them; the news they asked for
    # reach them until then.
    donor_contact_days: Annotated[int, msgspec.Meta(ge=1)] = 365


class GroupPurchaseSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What only group_purchase reads."""

    # A household's personal data is erased this long after its last need ended (handed
    # over, cancelled or returned).
    household_retention_days: int = 365


class MailSettings(msgspec.Struct, frozen=True, kw_only=True):
    """How a service that sends notifications reaches its SMTP server (shared/notifications).
    No host: nothing is mailed (notifications wait in the outbox, the inbox still shows them)."""

    smtp_host: str = ""
    smtp_port: int = 25
    # "none" (plain, a relay on the machine), "starttls" (submission, port 587) or "tls"
    # (implicit TLS, port 465)
    smtp_tls: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = 10.0
    mail_from: str = "Boucle <ne-pas-repondre@boucle.localhost>"
    # How often the sender looks for mail to send, and how long it waits after a failed
    # attempt (doubled at each, up to the maximum); after that many attempts a mail is failed.
    mail_poll_seconds: float = 1.0
    mail_retry_first_seconds: float = 5.0
    mail_retry_max_seconds: float = 3600.0
    mail_max_attempts: int = 50


# Each service's own settings, under the service's name; their variables are named as the
# others, ``BOUCLE_<FIELD>`` (``BOUCLE_PASSIVE_AFTER_DAYS``).
GROUPS: dict[str, type[msgspec.Struct]] = {
    "inventory": InventorySettings,
    "collection_point": CollectionPointSettings,
    "refurbishment": RefurbishmentSettings,
    "group_purchase": GroupPurchaseSettings,
    "mail": MailSettings,
}


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Everything a service process needs to know about its surroundings."""

    service: str = "inventory"
    database_url: str = "postgresql://boucle@127.0.0.1:5432/boucle"
    database_pool_min: int = 2
    database_pool_max: int = 10
    # Fail fast on a stuck database: a request that cannot get a connection and start its
    # transaction in this time answers 503 (nothing was saved) instead of waiting.
    database_acquire_timeout_seconds: float = 2.0
    # No statement waits longer than this for the database's answer (then it is cancelled);
    # long enough for a coordinator's year of impact figures at metropolis scale.
    database_statement_timeout_seconds: float = 5.0
    nats_url: str = "nats://127.0.0.1:4222"
    stream_replicas: int = 1
    http_host: str = "127.0.0.1"
    http_port: int = 0
    public_url: str = ""
    auth_public_key: str = ""
    # The Ed25519 signing key (PEM file path or PEM text): set for group_purchase only, the
    # service that signs people in; every other service holds only the public key.
    auth_private_key: str = ""
    # Where the sign-in pages are (group_purchase); empty when one origin serves everything.
    accounts_url: str = ""
    # Whom to tell of a vulnerability, published in /.well-known/security.txt (RFC 9116): an
    # e-mail address or an https:// page, several separated by commas.
    security_contact: str = ""
    # Cookies marked Secure: by default when the public URL is https.
    cookie_secure: bool | None = None
    # Behind the reverse proxy every request comes from the proxy: take the client address
    # from the last X-Forwarded-For entry (the one the proxy appended) to limit sign-ins.
    trust_forwarded_for: bool = False
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "info"
    consumer_max_deliveries: int = 8
    consumer_ack_wait_seconds: float = 30.0
    relay_batch_size: int = 256
    relay_poll_seconds: float = 0.5
    inventory_url: str = ""
    # Where the collection point's pages are (a donor's unsubscribe link); empty when one
    # origin serves everything.
    collection_point_url: str = ""
    inventory: InventorySettings = msgspec.field(default_factory=lambda: InventorySettings())
    collection_point: CollectionPointSettings = msgspec.field(
        default_factory=lambda: CollectionPointSettings()
    )
    refurbishment: RefurbishmentSettings = msgspec.field(
        default_factory=lambda: RefurbishmentSettings()
    )
    group_purchase: GroupPurchaseSettings = msgspec.field(
        default_factory=lambda: GroupPurchaseSettings()
    )
    mail: MailSettings = msgspec.field(default_factory=lambda: MailSettings())
    # The edge of every service (shared/web/edge.py): the largest request body (a route may
    # set its own), the deepest JSON body, requests a minute per address on public routes,
    # and host names answered besides those of the URLs above, localhost and the bind
    # address (comma-separated; "*" answers any).
    max_body_bytes: int = 10_000_000
    max_json_depth: int = 32
    public_requests_per_minute: int = 600
    allowed_hosts: str = ""

    @property
    def schema(self) -> str:
        return SCHEMAS[self.service]

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.public_url.startswith("https://")

    @property
    def port(self) -> int:
        return self.http_port or DEFAULT_PORTS[self.service]


# setting (field) name → the group it belongs to ("" for the settings every service reads)
_GROUP_OF: dict[str, str] = {
    **{name: "" for name in Settings.__struct_fields__ if name not in GROUPS},
    **{name: group for group, kind in GROUPS.items() for name in kind.__struct_fields__},
}
SETTING_NAMES: frozenset[str] = frozenset(f"BOUCLE_{name.upper()}" for name in _GROUP_OF)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build the settings from ``BOUCLE_<FIELD>`` variables (a service's own ones into its
    group); unknown ``BOUCLE_*`` names fail. ``overrides`` are named as the variables."""
    environ = os.environ if environ is None else environ
    unknown = sorted(
        key for key in environ if key.startswith("BOUCLE_") and key not in SETTING_NAMES
    )
    if unknown:
        raise ValueError(f"unknown setting(s): {', '.join(unknown)}")
    raw: dict[str, object] = {}
    given = {
        name: environ[f"BOUCLE_{name.upper()}"]
        for name in _GROUP_OF
        if f"BOUCLE_{name.upper()}" in environ
    }
    for name, value in {**given, **overrides}.items():
        group = _GROUP_OF.get(name, "")
        if group:
            raw.setdefault(group, {})[name] = value  # type: ignore[index]
        else:
            raw[name] = value
    settings = msgspec.convert(raw, Settings, strict=False)
    if settings.service not in SERVICES:
        raise ValueError(f"BOUCLE_SERVICE must be one of {', '.join(SERVICES)}")
    if problem := tier_settings_problem(settings.inventory):
        raise ValueError(problem)
    return settings
