"""The dead letters as a page of the register: what each consumer gave up on and why, and a
"Rejouer" button per letter (a plain form; a letter is replayed once)."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from services.inventory import units
from services.inventory.dead_letters.api import (
    AlreadyReplayed,
    BusUnavailable,
    NoSuchDeadLetter,
    dlq_sequence,
    list_dead_letters,
    replay_dead_letter,
)
from services.inventory.register.pages import (
    OVERSEERS,
    REGISTER,
    AnyRequest,
    register_page,
)
from shared.auth import Principal
from shared.dead_letters import MessageGone
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.refusals import said

DEAD_LETTERS = f"{REGISTER}/lettres-mortes"


async def _dead_letters_page(
    request: AnyRequest, runtime: Runtime, status_code: int = 200, refusal: str = ""
) -> Template:
    before = request.query_params.get("avant", "")
    replayed = request.query_params.get("rejouee", "")
    listed = await list_dead_letters(runtime, int(before) if before.isdigit() else None)
    return register_page(
        request,
        "register_dead_letters.html",
        status_code=status_code,
        entries=listed.entries,
        older_url=f"{DEAD_LETTERS}?avant={listed.next_before}" if listed.next_before else None,
        just_replayed=int(replayed) if replayed.isdigit() else None,
        refusal=refusal,
    )


@get(DEAD_LETTERS, opt=OVERSEERS, include_in_schema=False)
async def show_dead_letters(request: AnyRequest, runtime: NamedDependency[Runtime]) -> Template:
    """Every dead letter, newest first, with what became of it."""
    return await _dead_letters_page(request, runtime)


@post(f"{DEAD_LETTERS}/{{dlq_seq:str}}/rejouer", opt=OVERSEERS, include_in_schema=False)
async def replay_from_page(
    request: AnyRequest,
    dlq_seq: FromPath[str],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect:
    """Replay one dead letter, then back to the list, where it shows as replayed."""
    t = translator(language_of(request))
    try:
        sequence = dlq_sequence(dlq_seq)
        await replay_dead_letter(units.dead_letters(runtime), runtime.js, sequence, principal)
    except (AlreadyReplayed, MessageGone, NoSuchDeadLetter, BusUnavailable) as refused:
        return await _dead_letters_page(
            request, runtime, refused.status_code, said(refused, t).text
        )
    return Redirect(f"{DEAD_LETTERS}?rejouee={sequence}#lettre-{sequence}", status_code=303)


ROUTES = [show_dead_letters, replay_from_page]
