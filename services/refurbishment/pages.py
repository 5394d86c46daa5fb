"""Public page of the workshops: anyone can check an erasure certificate against the register."""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

import services.refurbishment.messages  # noqa: F401  (registers the page messages)
from services.refurbishment import store
from services.refurbishment.ords import ords_csv, record_of
from shared.events import utc_now
from shared.labels import format_code
from shared.web.app import Runtime
from shared.web.pages import local_time, page
from shared.web.security import public

DATA_PROVIDER = "Boucle — Métropole Européenne de Lille"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


@get("/verifier", opt=public(), include_in_schema=False)
async def verify_certificate(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    sha256: Annotated[str, QueryParameter(max_length=200)] = "",
) -> Template:
    """Check a certificate's fingerprint: genuine (with device, date, workshop) or unknown."""
    fingerprint = sha256.strip().lower()
    if not fingerprint:
        return page(request, "verify.html", sha256="", result=None)
    if not SHA256.match(fingerprint):
        return page(request, "verify.html", sha256=sha256, result="malformed", status_code=422)
    row = await store.certificate_by_hash(runtime.pool, fingerprint)
    if row is None:
        return page(request, "verify.html", sha256=fingerprint, result="unknown", status_code=404)
    return page(
        request,
        "verify.html",
        sha256=fingerprint,
        result="valid",
        label=format_code(row["label"]),
        date=local_time(row["issued_at"]).strftime("%d/%m/%Y"),
        workshop=row["workshop_name"],
    )


@get(
    "/api/v1/open-data/repairs.csv",
    opt=public(),
    media_type="text/csv; charset=utf-8",
    tags=["open data"],
)
async def repairs_csv(runtime: NamedDependency[Runtime]) -> Response[str]:
    """Finished workshop stays in the Open Repair Data Standard (no person, no label)."""
    rows = await store.closed_work_orders(runtime.pool)
    text = ords_csv([record_of(row) for row in rows], DATA_PROVIDER, utc_now().date())
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="reparations-boucle-ords.csv"'},
    )


ROUTES = [verify_certificate, repairs_csv]
