"""Public page of the workshops: anyone can check an erasure certificate against the register,
by its fingerprint or by the PDF itself."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from services.refurbishment import units
from services.refurbishment.bench.ords import ords_csv, record_of
from services.refurbishment.erasure.certificate_pdf import MAX_CHECKED_PDF, fingerprint_of_copy
from shared.errors import DomainError
from shared.events import utc_now
from shared.labels import format_code
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import page
from shared.web.refusals import said
from shared.web.security import public

DATA_PROVIDER = "Boucle — Métropole Européenne de Lille"
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Checking a document changes nothing, and programs send it without a browser's cookie.
PUBLIC_CHECK = {**public(), "csrf_exempt": True}

AnyRequest = Request[Any, Any, Any]


class CertificateVerification(msgspec.Struct, frozen=True, kw_only=True):
    """Whether a document is a certificate of the register, and if so which one."""

    sha256: str
    genuine: bool
    label: str = ""
    issued_at: datetime | None = None
    workshop: str = ""


def _verify_page(request: AnyRequest, status_code: int = 200, **context: Any) -> Template:
    defaults: dict[str, Any] = {"sha256": "", "result": None, "uploaded": False, "active": ""}
    return page(
        request,
        "verify.html",
        status_code=status_code,
        **{**defaults, "typed": {}, "errors": {}, **context},
    )


async def _verdict(
    request: AnyRequest, runtime: Runtime, fingerprint: str, uploaded: bool = False
) -> Template:
    """The register's answer for a well-formed fingerprint, typed or computed from a PDF."""
    row = await units.reads(runtime).certificate_by_hash(fingerprint)
    if row is None:
        return _verify_page(request, 404, sha256=fingerprint, result="unknown", uploaded=uploaded)
    return _verify_page(
        request,
        sha256=fingerprint,
        result="valid",
        uploaded=uploaded,
        label=format_code(row["label"]),
        issued_at=row["issued_at"],
        workshop=row["workshop_name"],
    )


@get("/verifier", opt=public(), include_in_schema=False)
async def verify_certificate(
    request: AnyRequest,
    runtime: NamedDependency[Runtime],
    sha256: Annotated[str, QueryParameter(max_length=200)] = "",
) -> Template:
    """Check a certificate's fingerprint: genuine (with device, date, workshop) or unknown."""
    fingerprint = sha256.strip().lower()
    if not fingerprint:
        return _verify_page(request)
    if not SHA256.match(fingerprint):
        return _verify_page(request, 422, sha256=sha256, result="malformed")
    return await _verdict(request, runtime, fingerprint)


@post("/verifier", opt=public(), include_in_schema=False, status_code=200)
async def verify_certificate_upload(
    request: AnyRequest, runtime: NamedDependency[Runtime]
) -> Template:
    """Check a certificate by its PDF: the fingerprint is computed here, then checked."""
    t = translator(language_of(request))
    try:
        document = await _uploaded_document(request)
        fingerprint = fingerprint_of_copy(document)
    except DomainError as error:
        return _verify_page(
            request, error.status_code, active="upload", errors={"certificate": said(error, t)}
        )
    return await _verdict(request, runtime, fingerprint, uploaded=True)


async def _uploaded_document(request: AnyRequest) -> bytes:
    form = await request.form()
    file = form.get("certificate")
    if not isinstance(file, UploadFile):
        raise DomainError("Choose the certificate's PDF file.", code="certificate.no_file")
    document = await file.read(MAX_CHECKED_PDF + 1)
    if not document:
        raise DomainError("Choose the certificate's PDF file.", code="certificate.no_file")
    return document


@post(
    "/api/v1/certificates/verification",
    opt={**PUBLIC_CHECK, "body_media_type": "application/pdf"},
    status_code=200,
    tags=["certificates"],
)
async def verify_certificate_document(
    request: AnyRequest, runtime: NamedDependency[Runtime]
) -> CertificateVerification:
    """Check a certificate PDF against the register: send the file itself as the body
    (``Content-Type: application/pdf``, at most 5 MB). ``genuine`` says whether it is one."""
    fingerprint = fingerprint_of_copy(await request.body())
    row = await units.reads(runtime).certificate_by_hash(fingerprint)
    if row is None:
        return CertificateVerification(sha256=fingerprint, genuine=False)
    return CertificateVerification(
        sha256=fingerprint,
        genuine=True,
        label=format_code(row["label"]),
        issued_at=row["issued_at"],
        workshop=row["workshop_name"],
    )


@get(
    "/api/v1/open-data/repairs.csv",
    opt=public(),
    media_type="text/csv",
    tags=["open data"],
)
async def repairs_csv(runtime: NamedDependency[Runtime]) -> Response[str]:
    """Finished workshop stays in the Open Repair Data Standard (no person, no label)."""
    rows = await units.reads(runtime).closed_work_orders()
    text = ords_csv([record_of(row) for row in rows], DATA_PROVIDER, utc_now().date())
    return Response(
        text,
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="reparations-boucle-ords.csv"'},
    )


ROUTES = [
    verify_certificate,
    verify_certificate_upload,
    verify_certificate_document,
    repairs_csv,
]
