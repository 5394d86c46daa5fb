"""The counter page: a collector registers a donated device in seconds by scanning, typing or
photographing its label (no JavaScript needed; a USB scanner types the code and Enter).

A typical laptop takes three interactions: the label scan, the acknowledgement, Enter (the
type is preselected). The device's and the donor's details (brand, condition, accessories,
weight, who gives and whom to send a receipt to) are optional and wait in a collapsed
``<details>`` section, which opens without script.

The donor's three acknowledgements (data erased with a certificate, an unusable device
recycled, stickers removed) are read out from a list and recorded by one checkbox: they are
all-or-nothing (a donor who refuses one cannot give), so three boxes would add two
interactions per device and no information. Ticking it records all three as given by the
donor."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

import asyncpg
import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from services.collection_point import roles, units
from services.collection_point.domain import (
    ALL_ACKNOWLEDGED,
    ORGANISATIONS,
    Accessory,
    Condition,
    DonorContact,
    DonorKind,
    Email,
    Intake,
    IntakeCreate,
    LabelNeverIssued,
    LabelVoided,
    Phone,
    Weight,
    point_scope,
)
from services.collection_point.intake import handlers
from services.collection_point.intake.scanning import UnreadablePhoto, label_in_photo
from services.collection_point.places.domain import Place
from services.collection_point.places.store import PlaceStore
from services.collection_point.store import IntakeStore, ReceivedDevice
from shared.auth import Principal
from shared.contracts.collection import DeviceType
from shared.errors import Conflict, NotFound
from shared.events import utc_now
from shared.idempotency import IdempotencyConflict, fingerprint
from shared.labels import LabelError, format_code, parse_code
from shared.web.app import Runtime
from shared.web.i18n import language_of, translator
from shared.web.pages import NO_STORE, TIMEZONE, local_time, page
from shared.web.problems import problem_response
from shared.web.refusals import said
from shared.web.security import allow

COUNTER_PATH = "/guichet"
COUNTER = allow(*roles.COUNTER)
POINT_COOKIE = "boucle_guichet"  # the point this device's counter works for
JSON = "application/json"  # asked by the page's script: the answer in words, not a page
DEVICE_TYPES: tuple[str, ...] = DeviceType.__args__  # type: ignore[attr-defined]
CONDITIONS: tuple[str, ...] = Condition.__args__  # type: ignore[attr-defined]
ACCESSORIES: tuple[str, ...] = Accessory.__args__  # type: ignore[attr-defined]
DONOR_KINDS: tuple[str, ...] = DonorKind.__args__  # type: ignore[attr-defined]
DETAILS = (
    "brand",
    "model",
    "serial_number",
    "condition",
    "accessories",
    "weight",
    "donor_kind",
    "contact_name",
    "contact_email",
    "contact_news",
    "contact_phone",
    "donor_reference",
)
FIELDS = ("label", "photo", "device_type", *DETAILS, "acknowledged")  # in the order of the form
LABEL_LIMIT = 200  # a scanned label may be a whole URL
WEIGHT_LIMIT = 20  # "2,3 kg" and the like
CHOICE_LIMIT = 80  # a choice (type, condition, kind of donor) as sent, to give back
TODAY_LIMIT = 200
MAX_PHOTO_MB = 10
MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024 * 1024
# A photo somewhat over the limit still reaches the handler, which refuses it next to the
# photo field and gives back what was typed; only a body beyond this gets the short page.
MAX_FORM_BYTES = 4 * MAX_PHOTO_BYTES
_encoder = msgspec.json.Encoder()


class CounterForm(msgspec.Struct, frozen=True, kw_only=True):
    """What the collector typed, given back unchanged when the donation is refused."""

    label: str = ""
    device_type: str = "laptop"
    acknowledged: bool = False
    brand: str = ""
    model: str = ""
    serial_number: str = ""
    condition: str = ""
    accessories: tuple[str, ...] = ()
    weight: str = ""
    donor_kind: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_news: bool = False
    contact_phone: str = ""
    donor_reference: str = ""

    def has_details(self) -> bool:
        return any(getattr(self, name) for name in DETAILS)


class ReceiptLink(msgspec.Struct, frozen=True, kw_only=True):
    donor: str
    url: str


class Refused(Exception):
    """The donation was not registered: messages by form field, and the HTTP status."""

    def __init__(self, status_code: int, form: CounterForm, **errors: str) -> None:
        super().__init__(status_code, errors)
        self.status_code = status_code
        self.form = form
        self.errors = errors


@get(COUNTER_PATH, opt=COUNTER, include_in_schema=False)
async def counter_page(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
    point: Annotated[uuid.UUID | None, QueryParameter()] = None,
    choisir: Annotated[str, QueryParameter(max_length=5)] = "",
    enregistre: Annotated[uuid.UUID | None, QueryParameter()] = None,
) -> Template:
    """The counter form of one point (after a choice of point when there are several), with
    the confirmation of the donation just registered and today's donations."""
    places = await reachable_places(runtime.pool, principal)
    place: Place | None
    if point is not None:
        place = _place_in(places, point)
    else:
        place = None if choisir else _remembered(request, places)
    if place is None:
        return page(
            request,
            "counter_points.html",
            status_code=200 if places else 403,
            headers=NO_STORE,
            places=places,
        )
    t = translator(language_of(request))
    confirmation, receipt = await _confirmation(runtime.pool, principal, place, enregistre, t)
    template = await _counter(
        request, runtime.pool, place, len(places), confirmation=confirmation, receipt=receipt
    )
    if point is not None:
        template.cookies.append(
            Cookie(
                key=POINT_COOKIE,
                value=str(place.id),
                max_age=365 * 86400,
                path=COUNTER_PATH,
                httponly=True,
                samesite="lax",
                secure=runtime.settings.secure_cookies,
            )
        )
    return template


def _form_too_large(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    """A form far beyond the size of a photo: nothing of it was read, say so in words."""
    t = translator(language_of(request))
    if _wants_json(request):
        message = t("counter.error.photo_too_big", size=MAX_PHOTO_MB)
        return _refusal(request, 413, {"photo": message}, t)
    point = _uuid(request.query_params.get("point", ""))
    return page(
        request,
        "counter_too_large.html",
        status_code=413,
        headers=NO_STORE,
        message=t("counter.error.photo_too_big", size=MAX_PHOTO_MB),
        back=f"{COUNTER_PATH}?point={point}" if point else COUNTER_PATH,
    )


@post(
    COUNTER_PATH,
    opt=COUNTER,
    include_in_schema=False,
    status_code=303,
    request_max_body_size=MAX_FORM_BYTES,
    exception_handlers={413: _form_too_large},
)
async def register_donation(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    principal: NamedDependency[Principal],
) -> Template | Redirect | Response[Any]:
    """Register the donation; a form sent twice (same hidden key) registers it once.

    The page's script sends the same form asking for JSON (``Accept: application/json``), from
    the queue it keeps while the network is away: it gets the sentence confirming the donation
    (201), or the reasons of a refusal by field (problem+json), in the page's language."""
    form = await request.form()
    places = await reachable_places(runtime.pool, principal)
    place = _place_in(places, _uuid(_text(form.get("point"))))
    submitted = _submitted(form)
    photo = form.get("photo")
    t = translator(language_of(request))
    try:
        intake = await _register(
            units.intake(runtime),
            principal,
            place,
            submitted,
            await photo.read(MAX_PHOTO_BYTES + 1) if isinstance(photo, UploadFile) else b"",
            _text(form.get("key"))[:200] or None,
            t,
            language_of(request),
        )
    except Refused as refused:
        if _wants_json(request):
            return _refusal(request, refused.status_code, refused.errors, t)
        return await _counter(
            request,
            runtime.pool,
            place,
            len(places),
            form=refused.form,
            errors=refused.errors,
            status_code=refused.status_code,
        )
    done = f"{COUNTER_PATH}?point={place.id}&enregistre={intake.id}"
    if _wants_json(request):
        answer = Registered(
            id=intake.id, label=intake.label_display, message=_registered(intake, t), location=done
        )
        return Response(_encoder.encode(answer), status_code=201, media_type=JSON, headers=NO_STORE)
    return Redirect(done, status_code=303)


class Registered(msgspec.Struct, frozen=True, kw_only=True):
    """The JSON answer to the page's script: the donation registered, said in words."""

    id: uuid.UUID
    label: str
    message: str
    location: str  # the counter confirming it, as after a form post


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return JSON in request.headers.get("accept", "")


def _refusal(
    request: Request[Any, Any, Any], status_code: int, errors: dict[str, str], t: Any
) -> Response[Any]:
    """A refused donation as problem+json: the reasons by form field, in the page's language."""
    reasons = [{"key": field, "message": errors[field]} for field in FIELDS if field in errors]
    detail = " ".join([t("counter.not_saved"), *(reason["message"] for reason in reasons)])
    return problem_response(
        request,
        status_code,
        detail,
        headers=NO_STORE,
        detail_language=language_of(request),
        errors=reasons,
    )


def _registered(intake: Intake, t: Any) -> str:
    """The sentence confirming the donation of ``intake``."""
    return str(t(f"counter.registered.{intake.device_type}", code=intake.label_display))


async def _register(
    uow: handlers.IntakeUnitOfWork,
    principal: Principal,
    place: Place,
    submitted: CounterForm,
    photo: bytes,
    key: str | None,
    t: Any,
    language: str,
) -> Intake:
    """Check the form, then register the intake (the donor's news, if wanted, in the page's
    ``language``); raises ``Refused`` with the reasons."""
    if len(photo) > MAX_PHOTO_BYTES:
        raise Refused(413, submitted, photo=t("counter.error.photo_too_big", size=MAX_PHOTO_MB))
    form, errors = _read_photo(submitted, photo, t)
    if form.device_type not in place.accepted_types:
        name = t(f"type.{form.device_type}") if form.device_type in DEVICE_TYPES else "?"
        errors.setdefault(
            "device_type", t("counter.error.type_not_accepted", place=place.name, type=name)
        )
    if not form.acknowledged:
        errors["acknowledged"] = t("counter.error.acknowledged")
    if "photo" not in errors:
        problem = _label_problem(form.label, t)
        if problem:
            errors["label"] = problem
    details, detail_errors = _details(form, t)
    errors.update(detail_errors)
    if errors:
        raise Refused(422, form, **errors)
    command = msgspec.convert(
        {
            "label": parse_code(form.label),  # canonical: a replay has the same fingerprint
            "device_type": form.device_type,  # one of the place's accepted types
            "collection_point_id": place.id,
            "acknowledgements": ALL_ACKNOWLEDGED,
            **details,
        },
        IntakeCreate,
        from_attributes=True,
    )
    try:
        answer = await handlers.receive_device(
            uow,
            principal,
            command,
            key,
            fingerprint(principal.sub, "counter", _encoder.encode(command)),
            language,
        )
    except Conflict as conflict:
        raise Refused(409, form, label=said(conflict, t).text) from conflict
    except IdempotencyConflict as conflict:
        raise Refused(409, form, label=t("counter.error.form_used")) from conflict
    except (LabelVoided, LabelNeverIssued) as refused:
        raise Refused(422, form, label=said(refused, t).text) from refused
    return msgspec.json.decode(answer.body, type=Intake)


def _text_limits() -> dict[str, int]:
    """The longest text each field of the form takes: as ``IntakeCreate`` and its
    ``DonorContact`` declare it (written there once), the label and weight as typed."""
    limits = {"label": LABEL_LIMIT, "weight": WEIGHT_LIMIT}
    for kind, prefix in ((IntakeCreate, ""), (DonorContact, "contact_")):
        info = msgspec.inspect.type_info(kind)
        assert isinstance(info, msgspec.inspect.StructType)
        for field in info.fields:
            if isinstance(field.type, msgspec.inspect.StrType) and field.type.max_length:
                limits[prefix + field.name] = field.type.max_length
    return limits


TEXT_LIMITS = _text_limits()


def _submitted(form: Any) -> CounterForm:
    """The counter form as typed (texts trimmed to their limits)."""

    def text(name: str) -> str:
        return _text(form.get(name)).strip()[: TEXT_LIMITS.get(name, CHOICE_LIMIT)]

    ticked = {_text(value) for value in form.getall("accessories", [])}

    return CounterForm(
        label=text("label"),
        device_type=text("device_type"),
        acknowledged=text("acknowledged") == "yes",
        brand=text("brand"),
        model=text("model"),
        serial_number=text("serial_number"),
        condition=text("condition"),
        accessories=tuple(kind for kind in ACCESSORIES if kind in ticked),
        weight=text("weight"),
        donor_kind=text("donor_kind"),
        contact_name=text("contact_name"),
        contact_email=text("contact_email"),
        contact_news=text("contact_news") == "yes",
        contact_phone=text("contact_phone"),
        donor_reference=text("donor_reference"),
    )


def _holds(value: Any, kind: Any) -> bool:
    """Whether ``value`` is within what the type ``kind`` declares (its limits, its pattern)."""
    try:
        msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return False
    return True


def _details(form: CounterForm, t: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """The optional details as ``IntakeCreate`` fields, and what is wrong with them, by field."""
    errors: dict[str, str] = {}
    weight: float | None = None
    if form.weight:
        try:
            weight = float(form.weight.replace(",", ".").removesuffix("kg").strip())
        except ValueError:
            weight = None
        if weight is None or not _holds(weight, Weight):
            errors["weight"] = t("counter.error.weight")
    if not _holds(form.contact_email, Email):
        errors["contact_email"] = t("counter.error.email")
    elif form.contact_news and not form.contact_email:
        errors["contact_email"] = t("counter.error.news_without_email")
    if not _holds(form.contact_phone, Phone):
        errors["contact_phone"] = t("counter.error.phone")
    if form.donor_reference and form.donor_kind not in ORGANISATIONS:
        errors["donor_reference"] = t("counter.error.donor_reference")
    contact = DonorContact(
        name=form.contact_name,
        email=form.contact_email,
        phone=form.contact_phone,
        news=form.contact_news,
    )
    details = {
        "brand": form.brand,
        "model": form.model,
        "serial_number": form.serial_number,
        "condition": form.condition if form.condition in CONDITIONS else None,
        "accessories": list(form.accessories),
        "weight_kg": weight,
        "donor_kind": form.donor_kind if form.donor_kind in DONOR_KINDS else None,
        "donor_reference": form.donor_reference,
        "contact": None if contact.is_empty() else contact,
    }
    return details, errors


def _label_problem(label: str, t: Any) -> str:
    """What is wrong with the typed or scanned label, in words; '' when it is a label."""
    if not label:
        return str(t("counter.error.no_label"))
    try:
        parse_code(label)
    except LabelError as error:
        return said(error, t).text
    return ""


def _read_photo(submitted: CounterForm, photo: bytes, t: Any) -> tuple[CounterForm, dict[str, str]]:
    """The form with the label decoded from the photo, if a photo was sent."""
    if not photo:
        return submitted, {}
    try:
        code = label_in_photo(photo)
    except UnreadablePhoto as error:
        return submitted, {"photo": said(error, t).text}
    if submitted.label:
        try:
            typed = parse_code(submitted.label)
        except LabelError:
            typed = ""
        if typed != code:
            message = t(
                "counter.error.photo_differs",
                photo=format_code(code),
                typed=submitted.label[:40],
            )
            return submitted, {"photo": message}
    return msgspec.structs.replace(submitted, label=format_code(code)), {}


async def _counter(
    request: Request[Any, Any, Any],
    pool: asyncpg.Pool,
    place: Place,
    places_count: int,
    form: CounterForm | None = None,
    errors: dict[str, str] | None = None,
    confirmation: str = "",
    receipt: ReceiptLink | None = None,
    status_code: int = 200,
) -> Template:
    errors = errors or {}
    accepted = [kind for kind in DEVICE_TYPES if kind in place.accepted_types]
    if form is None:
        form = CounterForm(device_type="laptop" if "laptop" in accepted else accepted[0])
    return page(
        request,
        "counter.html",
        status_code=status_code,
        headers=NO_STORE,
        place=place,
        several=places_count > 1,
        form=form,
        key=uuid.uuid4().hex,
        device_types=accepted,
        errors=errors,
        fields=[field for field in FIELDS if field in errors],
        focus=next((field for field in FIELDS if field in errors), "label"),
        details_open=form.has_details() or any(field in errors for field in DETAILS),
        conditions=CONDITIONS,
        accessories=ACCESSORIES,
        donor_kinds=DONOR_KINDS,
        limits=TEXT_LIMITS,
        confirmation=confirmation,
        receipt=receipt,
        collected_url=f"{COUNTER_PATH}/{place.id}/collecte",
        intakes=await todays_intakes(pool, place.id),
    )


async def _confirmation(
    pool: asyncpg.Pool, principal: Principal, place: Place, intake_id: uuid.UUID | None, t: Any
) -> tuple[str, ReceiptLink | None]:
    """The sentence confirming the donation just registered here ('' for anything else), and
    the link to the donation receipt when an organisation gave it."""
    if intake_id is None:
        return "", None
    intake = await IntakeStore(pool).get_intake(intake_id)
    if (
        intake is None
        or intake.collection_point_id != place.id
        or not principal.may_reach(point_scope(place.id))
    ):
        return "", None
    sentence = _registered(intake, t)
    if not intake.donor_reference:
        return sentence, None
    day = local_time(intake.received_at).date().isoformat()
    query = urlencode({"donor": intake.donor_reference, "date": day})
    url = f"/api/v1/collection-points/{place.id}/donation-receipts.pdf?{query}"
    return sentence, ReceiptLink(donor=intake.donor_reference, url=url)


async def reachable_places(pool: asyncpg.Pool, principal: Principal) -> list[Place]:
    """The active places this person may receive donations at."""
    places = await PlaceStore(pool).list_places()
    return [place for place in places if principal.may_reach(point_scope(place.id))]


async def todays_intakes(pool: asyncpg.Pool, point_id: uuid.UUID) -> list[ReceivedDevice]:
    """Donations received at the point since midnight, Paris time, newest first."""
    midnight = datetime.combine(utc_now().astimezone(TIMEZONE).date(), time(), TIMEZONE)
    return await IntakeStore(pool).received_since(point_id, midnight, TODAY_LIMIT)


def _place_in(places: list[Place], point_id: uuid.UUID | None) -> Place:
    for place in places:
        if place.id == point_id:
            return place
    raise NotFound(
        f"No collection point {point_id} that you work at; choose one of your points.",
        code="places.not_yours",
    )


def _remembered(request: Request[Any, Any, Any], places: list[Place]) -> Place | None:
    """The only point, or the one this device chose before (if still reachable)."""
    if len(places) == 1:
        return places[0]
    remembered = _uuid(request.cookies.get(POINT_COOKIE, ""))
    return next((place for place in places if place.id == remembered), None)


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


ROUTES = [counter_page, register_donation]
