"""The page-form toolkit: a form read as the Struct the API decodes (limits written once, on
the Struct), rows read as Structs, and the in-memory unit of work the use-case tests run on."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

import msgspec
import pytest
from litestar.datastructures import FormMultiDict

from shared.events import Event
from shared.rows import row_as, rows_as
from shared.web.form_reading import FieldProblem, read_form
from shared.web.i18n import translator
from tests.support.uow import FakeClock, FakeUnitOfWork


class Repair(msgspec.Struct, frozen=True, kw_only=True):
    part: Annotated[str, msgspec.Meta(min_length=2, max_length=20)]
    cost_cents: Annotated[int, msgspec.Meta(ge=0, le=10_000_000)]
    quantity: Annotated[int, msgspec.Meta(ge=1, le=9)] = 1
    kind: Literal["screen", "battery"] = "screen"
    urgent: bool = False
    note: str | None = None
    labels: list[str] = []


def problem_of(form: dict[str, str] | FormMultiDict, **given: object) -> FieldProblem:
    with pytest.raises(FieldProblem) as caught:
        read_form(Repair, form, **given)
    return caught.value


def test_a_form_reads_as_its_struct_with_blanks_taking_the_defaults() -> None:
    form = {"part": "  écran ", "cost_cents": "4990", "quantity": "", "urgent": "on", "note": " "}
    assert read_form(Repair, form) == Repair(part="écran", cost_cents=4990, urgent=True)
    assert read_form(Repair, {"part": "pile", "cost_cents": "0"}).urgent is False


def test_each_limit_of_the_struct_is_said_next_to_its_field() -> None:
    assert (problem_of({"cost_cents": "1"}).field, problem_of({"cost_cents": "1"}).key) == (
        "part",
        "form.field.required",
    )
    too_long = problem_of({"part": "x" * 21, "cost_cents": "1"})
    assert (too_long.field, too_long.key, too_long.values) == (
        "part",
        "form.field.too_long",
        {"limit": 20},
    )
    beyond = problem_of({"part": "écran", "cost_cents": "10000001"})
    assert (beyond.field, beyond.key, beyond.values) == (
        "cost_cents",
        "form.field.number",
        {"low": 0, "high": 10_000_000},
    )
    assert problem_of({"part": "écran", "cost_cents": "douze"}).key == "form.field.number"
    assert problem_of({"part": "écran", "cost_cents": "1", "kind": "clavier"}).key == (
        "form.field.choose"
    )


def test_what_the_page_read_itself_replaces_the_field_and_is_held_to_the_same_limits() -> None:
    assert read_form(Repair, {"part": "écran", "cost": "49,90"}, cost_cents=4990).cost_cents == 4990
    assert problem_of({"part": "écran"}, cost_cents=10_000_001).field == "cost_cents"


def test_a_field_of_several_values_keeps_each_value() -> None:
    form = FormMultiDict([("part", "écran"), ("cost_cents", "1"), ("labels", "A"), ("labels", "B")])
    assert read_form(Repair, form).labels == ["A", "B"]


def test_every_message_the_toolkit_can_say_is_in_both_catalogs() -> None:
    for language in ("fr", "en"):
        t = translator(language)
        for key in ("invalid", "between", "not_a_number", "number", "choose", "too_long"):
            said = t(f"form.field.{key}", low=1, high=2, limit=3)
            assert said and not said.startswith("form."), (language, key)


class Row(msgspec.Struct, frozen=True):
    id: uuid.UUID
    at: datetime
    price: Decimal


def test_rows_are_read_as_structs_leaving_other_columns_out() -> None:
    row = {"id": uuid.uuid4(), "at": datetime.now(UTC), "price": Decimal("1.50"), "extra": 1}
    assert rows_as(Row, [row]) == [Row(row["id"], row["at"], Decimal("1.50"))]
    assert row_as(Row, None) is None
    with pytest.raises(msgspec.ValidationError):
        rows_as(Row, [{"id": "not an id", "at": row["at"], "price": 1}])


class Shelf:
    def __init__(self) -> None:
        self.items: list[str] = []


class Placed(Event, frozen=True, kw_only=True, tag="test.placed"):
    item: str


def test_the_fake_unit_of_work_commits_or_rolls_back_everything() -> None:
    uow = FakeUnitOfWork(Shelf(), FakeClock())

    async def place(item: str, fail: bool) -> None:
        async with uow.begin() as work:
            work.store.items.append(item)
            await work.announce(Placed(producer="test", aggregate_id=uuid.uuid4(), item=item))
            await work.audit("ana", "placed", item)
            if fail:
                raise RuntimeError("refused")

    asyncio.run(place("a", fail=False))
    with pytest.raises(RuntimeError):
        asyncio.run(place("b", fail=True))
    assert uow.store.items == ["a"]
    assert [event.item for event in uow.announced(Placed)] == ["a"]  # type: ignore[attr-defined]
    assert (uow.commits, uow.rollbacks, uow.audit_lines) == (1, 1, [("ana", "placed", "a")])
    before = uow.clock()
    uow.clock.advance(timedelta(hours=72))
    assert uow.clock() - before == timedelta(hours=72)
