"""The app factory: one Litestar app per service, with its lifespan (pool, NATS, relay)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
from litestar import Litestar, Request, Router, get
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig
from litestar.types import ControllerRouterHandler
from nats.aio.client import Client
from nats.js import JetStreamContext

from shared.auth import Principal, TrustedKeys
from shared.bus import Batched, Consumer, Handler, connect, ensure_streams
from shared.config import Settings
from shared.contracts.streams import Consumption
from shared.db import create_pool
from shared.events import registry
from shared.logging import configure_logging, get_logger
from shared.migrations import migrate
from shared.outbox import OwnConnections, Relay
from shared.uow import PostgresUnitOfWork
from shared.web import health, well_known
from shared.web.assets import CACHED_FOR_A_YEAR, static_url
from shared.web.csrf import csrf_protection
from shared.web.edge import Edge, in_order, read_to_the_end, screen_input, screen_request
from shared.web.formats import install_formats
from shared.web.headers import security_headers
from shared.web.home import Awaiting, AwaitingOf, openable, reaches_accounts, signed_in
from shared.web.i18n import LANGUAGES, install_i18n, translations
from shared.web.metrics import Metrics
from shared.web.openapi import ContractRenderPlugin
from shared.web.pages import NO_STORE, SHARED_TEMPLATES, STATIC_FILES, page
from shared.web.problems import EXCEPTION_HANDLERS
from shared.web.requests import request_logging
from shared.web.security import VerifiedTokens, authorize, provide_principal, public
from shared.web.session import SessionExpired, renew_session, sign_in_url

log = get_logger("boucle.app")
COMPRESSED_FROM_BYTES = 1024  # below that, gzip's own header and the CPU cost outweigh it
UNCOMPRESSED_PATHS = [r"\.pdf$", r"/pdf$", r"\.png$"]  # compressed in their own format


@dataclass(frozen=True)
class ServiceDefinition:
    """What makes one service: its routes, migrations, templates and consumers."""

    name: str
    title: str
    route_handlers: Sequence[ControllerRouterHandler]
    migrations: Path
    templates: Path | None = None
    consumers: Sequence[tuple[Consumption, Handler | Batched]] = field(default_factory=tuple)
    # Process-wide objects of this service (a signing key, a sign-in throttle) put in
    # ``app.state`` at build time.
    state: Callable[[Settings], Mapping[str, Any]] | None = None
    # Pages people start from, listed on the service's home page: (message key, path); a
    # person sees those their role may open.
    entry_pages: Sequence[tuple[str, str]] = field(default_factory=tuple)
    # What awaits the person signed in, counted on this service's data, shown on its home.
    awaiting: AwaitingOf | None = None
    # Periodic work of this service (expiring reservations…), run while the service runs.
    background: Sequence[Callable[[Runtime], Coroutine[Any, Any, None]]] = field(
        default_factory=tuple
    )


Built = TypeVar("Built")


@dataclass
class Runtime:
    """The live connections of one service process, owned by its lifespan."""

    settings: Settings
    pool: asyncpg.Pool
    nats: Client
    js: JetStreamContext
    relay: Relay
    consumers: list[Consumer]
    metrics: Metrics

    def unit_of_work(
        self, store_of: Callable[[asyncpg.Connection], Built]
    ) -> PostgresUnitOfWork[Built]:
        """Transactions on this process's pool with the store ``store_of`` builds, waking
        the relay after each that announced events."""
        return PostgresUnitOfWork(self.pool, store_of, self.relay.wake)


@get("/", opt=public(), include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    """What awaits the person who opens it and the pages their role may open; the
    administrators' accounts pages from every service."""
    definition: ServiceDefinition = request.app.state.definition
    principal = signed_in(request)
    awaiting: list[Awaiting] | None = None  # None: nothing of this service is theirs to do
    if principal is not None and definition.awaiting is not None:
        counted = await definition.awaiting(request.app.state.runtime, principal)
        if counted is not None:
            awaiting = [item for item in counted if item.count]
    return page(
        request,
        "service_home.html",
        service_name=definition.name,
        entries=openable(request.app, definition.entry_pages, principal),
        awaiting=awaiting,
        accounts=reaches_accounts(principal),
        headers=NO_STORE,
    )


def provide_runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def provide_principal_after_runtime(
    request: Request[Any, Any, Any], runtime: NamedDependency[Any]
) -> Principal:
    """The principal, declared as depending on ``runtime`` (unused) so that Litestar resolves
    the two one after the other: two dependencies of a handler that do not depend on each
    other are resolved in an anyio task group, two tasks and cancel scopes on every request
    (about 70 µs of CPU, half of a donation's trip through Litestar)."""
    return provide_principal(request)


def create_app(settings: Settings, definition: ServiceDefinition) -> Litestar:
    configure_logging(settings.service, settings.log_format, settings.log_level)
    for language in LANGUAGES:  # a catalog that does not compile stops the start, not a page
        translations(language)
    metrics = Metrics(settings.service)

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        applied = await migrate(settings.database_url, settings.schema, definition.migrations)
        if applied:
            log.info("migrations_applied", names=applied)
        pool = await create_pool(
            settings.database_url,
            settings.schema,
            settings.database_pool_min,
            settings.database_pool_max,
            acquire_timeout=settings.database_acquire_timeout_seconds,
            statement_timeout=settings.database_statement_timeout_seconds,
        )
        client = await connect(settings.nats_url, f"boucle-{settings.service}")
        js = client.jetstream(publish_async_max_pending=4096)
        await ensure_streams(js, settings.stream_replicas)
        relay = Relay(
            pool,
            client,
            settings.relay_batch_size,
            settings.relay_poll_seconds,
            own=OwnConnections(
                open_pool=partial(create_pool, settings.database_url, settings.schema, 0),
                nats_url=settings.nats_url,
                name=f"boucle-{settings.service}-relay",
            ),
            observe_age=metrics.observe_outbox_age,
        )
        consumers = [
            Consumer(
                client,
                pool,
                consumption,
                registry,
                handler,
                settings.consumer_max_deliveries,
                settings.consumer_ack_wait_seconds,
                after_commit=relay.wake,
                observe_lag=metrics.observe_event_lag,
            )
            for consumption, handler in definition.consumers
        ]
        runtime = Runtime(settings, pool, client, js, relay, consumers, metrics)
        app.state.runtime = runtime
        metrics.gauges["boucle_outbox_published_total"] = lambda: relay.published
        metrics.gauges["boucle_events_applied_total"] = lambda: sum(c.applied for c in consumers)
        tasks = [asyncio.create_task(relay.run(), name="relay")]
        tasks += [asyncio.create_task(c.run(), name=f"consumer-{c.name}") for c in consumers]
        tasks += [asyncio.create_task(job(runtime)) for job in definition.background]
        log.info("service_started", port=settings.port)
        try:
            yield
        finally:
            relay.stop()
            for consumer in consumers:
                consumer.stop()
            _, still_running = await asyncio.wait(tasks, timeout=1.5)
            for task in still_running:
                task.cancel()
            await asyncio.wait(tasks, timeout=3)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(3):
                    await client.close()
            await asyncio.wait_for(pool.close(), 10)
            log.info("service_stopped")

    template_dirs: list[Path | os.PathLike[Any] | str] = [
        d for d in (definition.templates, SHARED_TEMPLATES) if d is not None
    ]
    app = Litestar(
        route_handlers=[
            home,
            *health.ROUTES,
            *well_known.ROUTES,
            *definition.route_handlers,
            create_static_files_router(
                "/static", [STATIC_FILES], opt=public(), cache_control=CACHED_FOR_A_YEAR
            ),
        ],
        lifespan=[lifespan],
        before_request=in_order(screen_request, authorize, screen_input),
        dependencies={
            "runtime": Provide(provide_runtime, sync_to_thread=False),
            "principal": Provide(provide_principal_after_runtime, sync_to_thread=False),
        },
        exception_handlers={**EXCEPTION_HANDLERS, SessionExpired: renew_session},
        middleware=[request_logging(metrics), csrf_protection(settings.secure_cookies)],
        before_send=[security_headers(settings)],
        template_config=TemplateConfig(
            directory=template_dirs, engine=JinjaTemplateEngine, engine_callback=_page_helpers
        ),
        openapi_config=OpenAPIConfig(
            title=f"Boucle — {definition.title}",
            version="1.0.0",
            render_plugins=[ContractRenderPlugin()],
            openapi_router=Router(path="/schema", route_handlers=[], opt=public()),
        ),
        state=_initial_state(settings, definition, metrics),
        logging_config=None,
        request_max_body_size=settings.max_body_bytes,
        # pages, JSON and CSV shrink several times; PDFs and images are compressed already
        compression_config=CompressionConfig(
            backend="gzip",
            minimum_size=COMPRESSED_FROM_BYTES,
            gzip_compress_level=6,
            exclude=UNCOMPRESSED_PATHS,
        ),
    )
    # Around routing, so that a 404 or 405 is read by a client still sending its body too.
    app.asgi_handler = read_to_the_end(app.asgi_handler)
    return app


def _page_helpers(engine: JinjaTemplateEngine) -> None:
    install_i18n(engine.engine)
    install_formats(engine.engine)
    engine.engine.globals["sign_in_url"] = sign_in_url
    engine.engine.globals["static_url"] = static_url


def _initial_state(settings: Settings, definition: ServiceDefinition, metrics: Metrics) -> State:
    return State(
        {
            "settings": settings,
            "definition": definition,
            "metrics": metrics,
            "tokens": VerifiedTokens(TrustedKeys(settings.auth_public_key)),
            "edge": Edge.from_settings(settings),
            **(definition.state(settings) if definition.state else {}),
        }
    )
