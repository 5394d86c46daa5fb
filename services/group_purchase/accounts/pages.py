"""Pages of accounts: sign in and out, renew a session, change or reset a password, and the
administrators' list of accounts."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post, route
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from services.group_purchase import units
from services.group_purchase.accounts import handlers
from services.group_purchase.accounts.api import password_link
from services.group_purchase.accounts.domain import REFRESH_LIFETIME, AccountError
from services.group_purchase.accounts.keys import signing_key
from services.group_purchase.accounts.store import AccountStore
from services.group_purchase.accounts.throttle import SignInThrottle
from shared.auth import ROLES, Principal
from shared.config import Settings
from shared.logging import get_logger, loggable_path
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import NO_STORE, page
from shared.web.refusals import said
from shared.web.requests import caller_address
from shared.web.security import allow, public
from shared.web.session import (
    REFRESH_COOKIE,
    SIGN_IN_PATH,
    cleared_cookies,
    renewed_session_cookie,
    safe_next,
    session_cookies,
)

log = get_logger("boucle.accounts")
ANY_ROLE = allow(*ROLES)
ADMIN = allow("admin")


def accounts_state(settings: Settings) -> dict[str, Any]:
    return {"sign_in_throttle": SignInThrottle()}


def _wants_page(request: Request[Any, Any, Any]) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _refused(
    request: Request[Any, Any, Any],
    template: str,
    error: AccountError,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """The same page again with the reason in the page's language, or problem+json for a
    program."""
    log.info("account_action_refused", reason=error.code, path=loggable_path(request.scope))
    if not _wants_page(request):
        raise error
    return page(
        request,
        template,
        status_code=error.status_code,
        refusal=said(error, translator(language_of(request))),
        headers={**NO_STORE, **(headers or {})},
        **context,
    )


def _known_notice(notice: str) -> str:
    return notice if notice in {"signed_out", "session_ended", "password_set", "disabled"} else ""


@get(SIGN_IN_PATH, opt=public(), include_in_schema=False)
async def sign_in_page(request: Request[Any, Any, Any]) -> Template:
    return page(
        request,
        "sign_in.html",
        next=safe_next(request.query_params.get("next"), request),
        notice=_known_notice(request.query_params.get("notice", "")),
        headers=NO_STORE,
    )


@post(SIGN_IN_PATH, opt=public(), include_in_schema=False, status_code=303)
async def sign_in(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    form = await _form(request)
    login = form.get("login", "").strip().lower()
    target = safe_next(form.get("next"), request)
    throttle: SignInThrottle = request.app.state.sign_in_throttle
    wait = throttle.wait_seconds(login, caller_address(request))
    if wait:
        log.warning("sign_in_throttled", wait_seconds=wait)
        minutes = max(1, -(-wait // 60))
        error = AccountError(
            f"Too many attempts: try again in {minutes} minute(s).",
            429,
            code="accounts.too_many_attempts",
            minutes=minutes,
            retry_after_seconds=wait,
        )
        return _refused(
            request,
            "sign_in.html",
            error,
            {"Retry-After": str(wait)},
            next=target,
            login=login,
        )
    try:
        signed_in = await handlers.sign_in(
            units.accounts(runtime), signing_key(request), login, form.get("password", "")
        )
    except AccountError as error:
        if error.status_code == 401:
            throttle.failed(login, caller_address(request))
        return _refused(request, "sign_in.html", error, next=target, login=login)
    throttle.succeeded(login)
    log.info("signed_in", account_id=str(signed_in.account.id))
    settings: Settings = request.app.state.settings
    return Redirect(
        target,
        status_code=303,
        headers=NO_STORE,
        cookies=session_cookies(
            settings,
            signed_in.session_token,
            signed_in.refresh_secret,
            int(REFRESH_LIFETIME.total_seconds()),
        ),
    )


# A form sent with an expired token comes here by a 307 that keeps its body, and goes back
# the same way; this route changes nothing but the session cookie, and the refresh cookie
# (SameSite=Lax) never comes with a post from another site, so it needs no CSRF token.
@route(
    "/auth/refresh",
    http_method=["GET", "POST"],
    opt={**public(), "csrf_exempt": True},
    include_in_schema=False,
)
async def renew(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> Redirect:
    """A page found its session token expired: a new one if the session is still alive."""
    settings: Settings = request.app.state.settings
    target = safe_next(request.query_params.get("next"), request)
    secret = request.cookies.get(REFRESH_COOKIE, "")
    try:
        if not secret:
            raise AccountError("No session to renew.", 401, code="accounts.session_ended")
        account, token = await handlers.refresh(
            units.accounts(runtime), signing_key(request), secret
        )
    except AccountError as error:
        log.info("session_not_renewed", reason=error.code)
        notice = "disabled" if error.code == "accounts.disabled" else "session_ended"
        return Redirect(
            SIGN_IN_PATH,
            query_params={"next": target, "notice": notice},
            status_code=303,
            headers=NO_STORE,
            cookies=cleared_cookies(settings),
        )
    log.info("session_renewed", account_id=str(account.id))
    cookie = renewed_session_cookie(settings, token, int(REFRESH_LIFETIME.total_seconds()))
    if request.method == "GET":
        return Redirect(target, status_code=303, headers=NO_STORE, cookies=[cookie])
    return Redirect(target, status_code=307, headers=NO_STORE, cookies=[cookie])


@post("/auth/sign-out", opt=public(), include_in_schema=False, status_code=303)
async def sign_out(request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]) -> Redirect:
    secret = request.cookies.get(REFRESH_COOKIE, "")
    if secret:
        await handlers.sign_out(units.accounts(runtime), secret)
    log.info("signed_out")
    return Redirect(
        SIGN_IN_PATH,
        query_params={"notice": "signed_out"},
        status_code=303,
        headers=NO_STORE,
        cookies=cleared_cookies(request.app.state.settings),
    )


def _account_id(principal: Principal) -> uuid.UUID:
    try:
        return uuid.UUID(principal.sub)
    except ValueError:
        raise AccountError(
            "This session was not opened with an account (a development token): no password "
            "to change.",
            403,
            code="accounts.no_password_here",
        ) from None


@get("/auth/password", opt=ANY_ROLE, include_in_schema=False)
async def password_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "password.html", headers=NO_STORE)


@post("/auth/password", opt=ANY_ROLE, include_in_schema=False)
async def change_password(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template:
    form = await _form(request)
    try:
        if form.get("new_password", "") != form.get("confirm_password", ""):
            raise AccountError("The two new passwords differ.", code="accounts.passwords_differ")
        await handlers.change_password(
            units.accounts(runtime),
            _account_id(principal),
            form.get("current_password", ""),
            form.get("new_password", ""),
            request.cookies.get(REFRESH_COOKIE, ""),
        )
    except AccountError as error:
        return _refused(request, "password.html", error)
    log.info("password_changed", account_id=principal.sub)
    return page(request, "password.html", changed=True, headers=NO_STORE)


@get("/auth/reset/{secret:str}", opt=public(), include_in_schema=False)
async def reset_page(
    request: Request[Any, Any, Any], secret: FromPath[str], runtime: NamedDependency[Runtime]
) -> Template:
    try:
        account = await handlers.account_of_reset_link(units.accounts(runtime), secret)
    except AccountError as error:
        return _refused(request, "reset.html", error, unusable=True)
    return page(request, "reset.html", login=account.login, headers=NO_STORE)


@post("/auth/reset/{secret:str}", opt=public(), include_in_schema=False, status_code=303)
async def reset_password(
    request: Request[Any, Any, Any], secret: FromPath[str], runtime: NamedDependency[Runtime]
) -> Template | Redirect:
    form = await _form(request)
    try:
        if form.get("new_password", "") != form.get("confirm_password", ""):
            raise AccountError("The two new passwords differ.", code="accounts.passwords_differ")
        account = await handlers.reset_password(
            units.accounts(runtime), secret, form.get("new_password", "")
        )
    except AccountError as error:
        unusable = error.code == "accounts.link_unusable"
        return _refused(request, "reset.html", error, unusable=unusable)
    log.info("password_reset", account_id=str(account.id))
    return Redirect(
        SIGN_IN_PATH, query_params={"notice": "password_set"}, status_code=303, headers=NO_STORE
    )


async def _accounts_page(
    request: Request[Any, Any, Any], runtime: Runtime, status_code: int = 200, **context: Any
) -> Template:
    accounts = await AccountStore(runtime.pool).list_accounts()
    return page(
        request,
        "accounts.html",
        status_code=status_code,
        accounts=accounts,
        machines=await AccountStore(runtime.pool).machine_tokens(),
        expiring=await handlers.expiring_trainings(units.accounts(runtime)),
        roles=ROLES,
        headers=NO_STORE,
        **context,
    )


@get("/accounts", opt=ADMIN, include_in_schema=False)
async def accounts_page(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Template:
    return await _accounts_page(request, runtime)


@post("/accounts", opt=ADMIN, include_in_schema=False)
async def add_account(
    request: Request[Any, Any, Any], runtime: NamedDependency[Runtime]
) -> Template:
    form = await request.form()
    roles = tuple(str(role) for role in form.getall("roles", []))
    scopes = tuple(str(form.get("scopes", "")).replace(",", " ").split())
    try:
        account = await handlers.add_account(
            units.accounts(runtime),
            str(form.get("login", "")),
            str(form.get("display_name", "")),
            roles,
            scopes,
        )
        account, secret = await handlers.issue_reset_link(units.accounts(runtime), account.id)
    except AccountError as error:
        if not _wants_page(request):
            raise
        refusal = said(error, translator(language_of(request)))
        return await _accounts_page(request, runtime, error.status_code, refusal=refusal)
    log.info("account_added", account_id=str(account.id))
    return page(
        request, "reset_link.html", account=account, link=password_link(request, secret), new=True
    )


@post("/accounts/{account_id:uuid}/disable", opt=ADMIN, include_in_schema=False, status_code=303)
async def disable_account(
    request: Request[Any, Any, Any],
    account_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
) -> Redirect:
    await handlers.disable_account(units.accounts(runtime), account_id)
    log.info("account_disabled", account_id=str(account_id))
    return Redirect("/accounts", status_code=303)


@post("/accounts/{account_id:uuid}/reset-link", opt=ADMIN, include_in_schema=False)
async def issue_reset_link(
    request: Request[Any, Any, Any],
    account_id: FromPath[uuid.UUID],
    runtime: NamedDependency[Runtime],
) -> Template:
    account, secret = await handlers.issue_reset_link(units.accounts(runtime), account_id)
    log.info("reset_link_issued", account_id=str(account.id))
    return page(request, "reset_link.html", account=account, link=password_link(request, secret))


ROUTES = [
    sign_in_page,
    sign_in,
    renew,
    sign_out,
    password_page,
    change_password,
    reset_page,
    reset_password,
    accounts_page,
    add_account,
    disable_account,
    issue_reset_link,
]
__all__ = ["ROUTES", "Response", "accounts_state"]
