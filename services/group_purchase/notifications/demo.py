"""The demo's social worker has an e-mail address, so that the demo's news reaches the local
SMTP catcher of ``boucle up`` (and her inbox)."""

from __future__ import annotations

from shared.db import create_pool

DEMO_SOCIAL_WORKER = "travailleur.social"
DEMO_ADDRESS = "alex.travailleur-social@ccas-roubaix.localhost"


async def give_address(dsn: str, login: str = DEMO_SOCIAL_WORKER) -> str:
    """Her account id ("" when the demo accounts were not created)."""
    pool = await create_pool(dsn, "purchase", 1, 2)
    try:
        account_id = await pool.fetchval(
            "UPDATE accounts SET email = $2 WHERE lower(login) = $1 RETURNING id",
            login,
            DEMO_ADDRESS,
        )
    finally:
        await pool.close()
    return "" if account_id is None else str(account_id)
