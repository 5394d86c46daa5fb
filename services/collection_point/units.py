"""The units of work of the collection point's features, as routes and pages get them: one
transaction on the service's pool with the feature's store, the relay woken after a commit
that announced something."""

from __future__ import annotations

from functools import partial
from weakref import WeakKeyDictionary

import asyncpg

from services.collection_point.donors.store import DonorNewsStore
from services.collection_point.intake.recorder import IntakeRecorder, RecordingUnitOfWork
from services.collection_point.labels.store import LabelStore
from services.collection_point.places.store import PlaceStore
from services.collection_point.shipments.store import ShipmentStore
from services.collection_point.store import IntakeStore
from shared.db import fail_fast_seconds
from shared.uow import PostgresUnitOfWork
from shared.web.app import Runtime

_recorders: WeakKeyDictionary[asyncpg.Pool, IntakeRecorder] = WeakKeyDictionary()


def intake(runtime: Runtime) -> RecordingUnitOfWork:
    """The counter's statements fail fast; its intakes are written together when they arrive
    together, by the one recorder of the process's pool, whose intakes and statements are
    counted on ``/metrics`` (how many intakes a statement writes, in production)."""
    pool = runtime.pool
    seconds = fail_fast_seconds(pool)
    recorder = _recorders.get(pool)
    if recorder is None:
        recorder = _recorders[pool] = IntakeRecorder(pool, seconds)
        gauges = runtime.metrics.gauges
        gauges["boucle_intakes_recorded_total"] = lambda: recorder.intakes
        gauges["boucle_intake_statements_total"] = lambda: recorder.statements
    store_of = partial(IntakeStore, hot_path_seconds=seconds)
    return RecordingUnitOfWork(pool, store_of, runtime.relay.wake, recorder)


def donors(runtime: Runtime) -> PostgresUnitOfWork[DonorNewsStore]:
    return runtime.unit_of_work(DonorNewsStore)


def labels(runtime: Runtime) -> PostgresUnitOfWork[LabelStore]:
    return runtime.unit_of_work(LabelStore)


def places(runtime: Runtime) -> PostgresUnitOfWork[PlaceStore]:
    return runtime.unit_of_work(PlaceStore)


def shipments(runtime: Runtime) -> PostgresUnitOfWork[ShipmentStore]:
    return runtime.unit_of_work(ShipmentStore)
