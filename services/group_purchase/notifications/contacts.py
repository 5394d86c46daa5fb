"""Where an account is told what happened: its e-mail address (none: inbox and letters only)
and the language of its mails. Set by the person on their account page, or by ``boucle users
contact``; the demo's social worker gets one, so that the demo's news reaches the local SMTP
catcher of ``boucle up``."""

from __future__ import annotations

from services.group_purchase.accounts.domain import checked_contact
from shared.db import create_pool

DEMO_SOCIAL_WORKER = "travailleur.social"
DEMO_ADDRESS = "alex.travailleur-social@ccas-roubaix.localhost"


async def set_contact(dsn: str, login: str, email: str, language: str = "fr") -> str:
    """The account's address ("" to stop mail) and language; its id, "" for no such login.
    An address that cannot be one is an ``AccountError``."""
    contact = checked_contact(email, language)
    pool = await create_pool(dsn, "purchase", 1, 2)
    try:
        account_id = await pool.fetchval(
            "UPDATE accounts SET email = $2, language = $3, updated_at = now() "
            "WHERE lower(login) = lower($1) RETURNING id",
            login,
            contact.email,
            contact.language,
        )
    finally:
        await pool.close()
    return "" if account_id is None else str(account_id)


async def give_demo_address(dsn: str) -> str:
    """The demo social worker's account id, now with an address ("" without demo accounts)."""
    return await set_contact(dsn, DEMO_SOCIAL_WORKER, DEMO_ADDRESS)
