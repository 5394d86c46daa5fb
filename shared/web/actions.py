"""The one shape of a form sent from a page: run the use case, then either see the page again
with a confirmation (303: post, redirect, get) or get the same page back with the refusal
next to the field it concerns, in the page's language, with the form as typed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from litestar import Request
from litestar.response import Redirect

from shared.errors import DomainError, NotFound
from shared.web.form_reading import FieldProblem
from shared.web.i18n import Translator, language_of, translator
from shared.web.refusals import Refusal, said

Errors = dict[str, Refusal]
Shown = TypeVar("Shown")  # what the page handler answers with a refusal: a Template, mostly
Made = TypeVar("Made")  # what the use case returns, for the address of what it made
DONE = "fait"  # the query parameter that names what was just done, for the confirmation
# where a refusal leads instead of being said, by its code (None: said all the same)
Elsewhere = Mapping[str, Callable[[DomainError], Awaitable[str | None]]]


def refusal_of(
    problem: Exception, t: Translator, fields: Mapping[str, str] | None = None, **values: Any
) -> tuple[Refusal, int]:
    """A form's problem or a use case's refusal in ``t``'s language, next to the field
    ``fields`` names for its code (``values`` fill what the refusal does not carry), and the
    status to answer with. Something out of reach stays a 404 page, raised as it came,
    unless it is what a field named (a label no one registered, typed in the form)."""
    if isinstance(problem, FieldProblem):
        return Refusal(t(problem.key, **problem.values), field=problem.field), 422
    if not isinstance(problem, DomainError) or (
        isinstance(problem, NotFound) and problem.code not in (fields or {})
    ):
        raise problem
    return said(problem, t, fields, **values), problem.status_code


def done_url(url: str, action: str, anchor: str = "") -> str:
    """``url`` showing the confirmation of ``action`` (at ``anchor`` on the page)."""
    return f"{url}?{DONE}={action}" + (f"#{anchor}" if anchor else "")


async def act(
    request: Request[Any, Any, Any],
    step: Callable[[], Awaitable[Made]],
    *,
    done: str | Callable[[Made], str],
    again: Callable[[Errors, int], Awaitable[Shown]],
    fields: Mapping[str, str] | None = None,
    values: Callable[[], Awaitable[Mapping[str, Any]]] | None = None,
    elsewhere: Elsewhere | None = None,
) -> Shown | Redirect:
    """Run ``step`` (a use case: its unit of work sends the events it announced on their
    way); then 303 to ``done`` (or to ``done(what step returned)``), or ``again`` with the
    refusal (``values()`` filling what the refusal does not carry). A refusal whose code
    ``elsewhere`` names is a 303 to the address its function gives instead (a device scanned
    that is already here opens its work order), or said as any other when that function
    gives none."""
    try:
        made = await step()
    except (FieldProblem, DomainError) as problem:
        url = await _elsewhere(problem, elsewhere)
        if url is not None:
            return Redirect(url, status_code=303)
        extra = dict(await values()) if values is not None else {}
        refusal, status = refusal_of(problem, translator(language_of(request)), fields, **extra)
        return await again({refusal.field: refusal}, status)
    return Redirect(done if isinstance(done, str) else done(made), status_code=303)


async def _elsewhere(problem: Exception, elsewhere: Elsewhere | None) -> str | None:
    if not isinstance(problem, DomainError) or problem.code not in (elsewhere or {}):
        return None
    return await (elsewhere or {})[problem.code](problem)
