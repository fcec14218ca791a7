"""The one renderer of official documents, and every write to documents and their service.

``document_issue`` numbers a document, renders ``templates/documents/pdf/<doc_type>.html``
to PDF with WeasyPrint, stores it with its SHA-256 on the private storage and records
the ``document_issued`` case event, all in one transaction. Official documents are
always rendered in Simplified Chinese, whatever the language of the user issuing them,
so the PDF templates hold plain Chinese text (not ``{% translate %}``).

How to add a document type
--------------------------
1. Add it to ``DocumentType`` (and a two-character abbreviation to ``TYPE_ABBREVIATIONS``)
   in ``cases/documents/models.py``; run ``makemigrations documents`` (choices only).
2. Write ``templates/documents/pdf/<value>.html``::

       {% extends "documents/pdf/base.html" %}
       {% load document_tags %}
       {% block body %}
         <p class="addressee">{{ applicants|names }}：</p>
         <p>你（单位）与{{ respondents|names }}的{{ dispute_label }}一案（案号：{{ case.number }}）……</p>
       {% endblock %}

   Every template gets ``case``, ``organization``, ``applicants``, ``respondents``,
   ``third_parties``, ``agents`` (lists of ``Party``, in order), ``ip_rights``,
   ``dispute_label`` (e.g. 实用新型专利侵权纠纷), ``document`` (``number``, ``title``,
   ``type_label``, ``version``, ``issued_at``, ``issued_date``, ``verification_code``,
   ``verify_url``, ``qr``: a data URI) and whatever the caller passes as ``context``.
   Blocks of the base: ``body`` (required), ``title`` and ``issuer`` (the heading),
   ``signature`` (发文机关 + 成文日期 + seal), ``after_signature`` (附注: the contact
   line by default), ``closing`` (both of those), ``extra_css``. Classes of
   ``gbt9704.css``: ``addressee`` (主送, flush left), ``items`` (a list numbered 一、二、),
   ``form`` (a ruled table), ``kai`` (楷体, for names written as signatures). Filters in
   ``document_tags``: ``cn_date`` (2026年11月21日), ``cn_datetime``, ``cn_ordinal`` (一, 二 …),
   ``route_label``, ``names``, ``clause`` (text without its closing punctuation).
3. Optionally list the context keys the template cannot do without in
   ``REQUIRED_CONTEXT``: ``document_issue`` then refuses to issue without them.
4. Call ``document_issue(actor=..., case=..., doc_type=DocumentType.X, organization=...,
   context={...})`` from the tier's service, inside its transaction.
"""
import base64
import datetime
import hashlib
import itertools
from dataclasses import dataclass

import qrcode
import weasyprint
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from cases.broker import delay_best_effort
from cases.documents import fonts as document_fonts
from cases.documents.models import (
    TYPE_ABBREVIATIONS,
    Document,
    DocumentNumberSequence,
    DocumentType,
    Service,
    new_verification_code,
)
from cases.models import Party
from cases.services.events import event_record

TEMPLATE_DIR = "documents/pdf"

# Context keys a template cannot do without; a missing or empty one is a ValidationError.
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    DocumentType.ACCEPTANCE_NOTICE: ("route",),
    DocumentType.SUPPLEMENT_NOTICE: ("missing_items", "supplement_due"),
    DocumentType.REFUSAL_NOTICE: ("reasons",),
    DocumentType.SERVICE_RECEIPT: ("service",),
}

# Fontconfig is read once per process, not once per document; so are the compact faces below.
_FONT_CONFIG = FontConfiguration()
_FONT_SHEETS: list | None = None


def _url_fetcher() -> URLFetcher:
    """Inline data only: a PDF never depends on (or leaks to) the network or the file system."""
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


class _FontFileFetcher(URLFetcher):
    """Reads exactly the built document faces and nothing else (for the @font-face rules only)."""

    def fetch(self, url, headers=None):
        allowed = {path.as_uri(): path for path, _ in document_fonts.built_faces()}
        if url not in allowed:
            raise ValueError(f"not a document font: {url}")
        return URLFetcherResponse(url, body=allowed[url].read_bytes())


def _font_stylesheets() -> list:
    """The @font-face rules of the compact faces (``cases.documents.fonts``), loaded into the process's font
    configuration at the first render; none when they are not built (the stacks then use the system faces)."""
    global _FONT_SHEETS
    if _FONT_SHEETS is None:
        css = document_fonts.font_face_css()
        _FONT_SHEETS = [weasyprint.CSS(string=css, font_config=_FONT_CONFIG, url_fetcher=_FontFileFetcher())] \
            if css else []
    return _FONT_SHEETS


class DocumentError(ValidationError):
    """A document that cannot be issued as asked."""


def _render(template_name: str, context: dict) -> tuple[bytes, int]:
    with translation.override("zh-hans"):
        html = render_to_string(template_name, context)
    try:
        rendered = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher()).render(
            font_config=_FONT_CONFIG, stylesheets=_font_stylesheets(),
        )
    except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error
        raise DocumentError("An official document may not load external resources: %(error)s",
                            code="external_resource", params={"error": exc}) from None
    return rendered.write_pdf(), len(rendered.pages)


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template (under ``templates/documents/pdf/``) to PDF bytes."""
    if "/" not in template_name:
        template_name = f"{TEMPLATE_DIR}/{template_name}"
    return _render(template_name, context)[0]


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data URI (vector, so it prints sharp at any size).

    One rectangle per horizontal run of dark modules, not one per module: WeasyPrint parses the
    path in Python for every document, and a square per module made it about a tenth of a render.
    """
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # with the two-module quiet zone
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        for dark, group in itertools.groupby(row):
            width = len(list(group))
            if dark:
                runs.append(f"M{x} {y}h{width}v1h-{width}z")
            x += width
    size = len(matrix)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}mm" height="{size}mm" viewBox="0 0 {size} {size}">'
           f'<path d="{"".join(runs)}" fill="#000"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("ascii")).decode("ascii")


def verification_url(code: str) -> str:
    """The absolute address of the public verification page of a document."""
    base = settings.IPDR_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("documents:verify", args=[code])


def document_number_prefix(organization, doc_type) -> str:
    """The 机关代字 of a type: organisation abbreviation + type abbreviation, overlap counted once.

    璧知受 + 受通 gives 璧知受通; 璧市监知裁 + 裁决 gives 璧市监知裁决.
    """
    org = organization.number_abbr
    abbr = TYPE_ABBREVIATIONS.get(DocumentType(doc_type), "")
    overlap = next((k for k in range(len(abbr), 0, -1) if org.endswith(abbr[:k])), 0)
    return org + abbr[overlap:]


def format_document_number(prefix: str, year: int, sequence: int) -> str:
    """璧知受通〔2026〕7号: 〔〕 around the year, no padding of the sequence (GB/T 9704-2012 §7.2.4)."""
    return f"{prefix}〔{year}〕{sequence}号"


def _next_sequence(organization, doc_type, year) -> int:
    try:
        with transaction.atomic():
            DocumentNumberSequence.objects.get_or_create(organization=organization, doc_type=doc_type, year=year)
    except IntegrityError:
        pass  # another transaction created the row first; lock it below
    seq = DocumentNumberSequence.objects.select_for_update().get(
        organization=organization, doc_type=doc_type, year=year,
    )
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value


@dataclass(frozen=True)
class DocumentMeta:
    """What a template knows of the document it renders (the row is not saved yet)."""

    number: str
    title: str
    doc_type: str
    type_label: str
    version: int
    issued_at: object
    verification_code: str
    verify_url: str
    qr: str

    @property
    def issued_date(self):
        return timezone.localdate(self.issued_at)


def _case_context(case) -> dict:
    if case is None:
        return {"case": None, "applicants": [], "respondents": [], "third_parties": [], "agents": [],
                "ip_rights": [], "dispute_label": ""}
    parties = list(case.parties.order_by("id").select_related("represents"))
    roles = Party.PartyRole
    ip_rights = list(case.ip_rights.order_by("id"))
    right = ip_rights[0].get_kind_display() if ip_rights else "知识产权"
    return {
        "case": case,
        "applicants": [p for p in parties if p.role == roles.APPLICANT],
        "respondents": [p for p in parties if p.role == roles.RESPONDENT],
        "third_parties": [p for p in parties if p.role == roles.THIRD_PARTY],
        "agents": [p for p in parties if p.role == roles.AGENT],
        "ip_rights": ip_rights,
        "dispute_label": f"{right}{case.get_dispute_type_display()}",
    }


def _check_context(doc_type, context):
    missing = [key for key in REQUIRED_CONTEXT.get(doc_type, ()) if context.get(key) in (None, "", [], ())]
    if missing:
        raise DocumentError(
            "Missing context for %(type)s: %(keys)s", code="missing_context",
            params={"type": doc_type, "keys": ", ".join(missing)},
        )


def _number_reserve(organization, doc_type, title):
    """``(title, issued_at, year, sequence, number)`` of a new document: its Chinese title and the next number of
    the organisation's series for the year (the counter row stays locked until the transaction ends)."""
    with translation.override("zh-hans"):
        title = str(title or doc_type.label)
    issued_at = timezone.now()
    year = timezone.localdate(issued_at).year
    sequence = _next_sequence(organization, doc_type, year)
    number = format_document_number(document_number_prefix(organization, doc_type), year, sequence)
    return title, issued_at, year, sequence, number


@transaction.atomic
def document_issue(
    *, actor, case, doc_type, organization, context=None, template=None, public=True, title=None, series="",
) -> Document:
    """Number, render, hash and store one official document; record it on the case.

    ``series`` keeps apart documents of one type that do not replace each other (one
    送达回证 per service): re-issuing the same type and series for a case gives
    version + 1 and marks the previous version superseded. The stored file is removed
    again when the database write fails.
    """
    doc_type = DocumentType(doc_type)
    context = dict(context or {})
    _check_context(doc_type, context)
    title, issued_at, year, sequence, number = _number_reserve(organization, doc_type, title)
    previous = None
    if case is not None:
        previous = (
            Document.objects.select_for_update()
            .filter(case=case, doc_type=doc_type, series=series, superseded_by__isnull=True)
            .order_by("-version").first()
        )
    version = previous.version + 1 if previous else 1
    code = new_verification_code()
    url = verification_url(code)
    meta = DocumentMeta(
        number=number, title=title, doc_type=doc_type.value, type_label=str(doc_type.label), version=version,
        issued_at=issued_at, verification_code=code, verify_url=url, qr=qr_data_uri(url),
    )
    full_context = {**_case_context(case), "organization": organization, **context, "document": meta}
    pdf, pages = _render(template or f"{TEMPLATE_DIR}/{doc_type.value}.html", full_context)
    sha256 = hashlib.sha256(pdf).hexdigest()

    document = Document(
        case=case, doc_type=doc_type, series=series, title=title, number=number, year=year, sequence=sequence,
        version=version, organization=organization, sha256=sha256, size=len(pdf), page_count=pages,
        issued_at=issued_at, issued_by=actor if actor is not None and actor.is_authenticated else None,
        verification_code=code, public=public,
    )
    document.file.save("document.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            document.save()
            if previous is not None:
                previous.superseded_by = document
                previous.save(update_fields=["superseded_by"])
            if case is not None:
                document.event = event_record(
                    case=case, actor=actor, kind="document_issued", public=public, message=title,
                    after={"document": document.pk, "type": doc_type.value, "number": number, "sha256": sha256,
                           "version": version},
                )
                document.save(update_fields=["event"])
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def _encode(value, path="context"):
    """A queued document's context travels as JSON; dates are tagged so they come back as dates.
    Anything else (a model instance) is refused: pass its id and let the template read the case."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, datetime.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$date": value.isoformat()}
    if isinstance(value, (list, tuple)):
        return [_encode(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, dict) and all(isinstance(k, str) and not k.startswith("$") for k in value):
        return {key: _encode(item, f"{path}.{key}") for key, item in value.items()}
    raise DocumentError("A queued document's context must be JSON (%(path)s is %(kind)s)",
                        code="context_not_json", params={"path": path, "kind": type(value).__name__})


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        if value.keys() == {"$date"}:
            return datetime.date.fromisoformat(value["$date"])
        if value.keys() == {"$datetime"}:
            return datetime.datetime.fromisoformat(value["$datetime"])
        return {key: _decode(item) for key, item in value.items()}
    return value


@transaction.atomic
def document_queue(
    *, actor, case, doc_type, organization, context=None, template=None, public=True, title=None, series="",
) -> Document:
    """Reserve the number and version of a document now; render it in a worker after commit.

    For documents whose rendering should not hold up a web request (long reports, batches).
    The row is the idempotency key: ``document_render`` renders a queued row once, however
    often its task is delivered. ``context`` must be JSON (ids, strings, numbers, ISO dates);
    the template still gets the case data of ``document_issue``. The ``document_issued`` event
    is recorded when the PDF and its hash exist.
    """
    doc_type = DocumentType(doc_type)
    context = dict(context or {})
    _check_context(doc_type, context)
    encoded = _encode(context)
    title, issued_at, year, sequence, number = _number_reserve(organization, doc_type, title)
    version = 1
    if case is not None:
        last = (Document.objects.select_for_update().filter(case=case, doc_type=doc_type, series=series)
                .order_by("-version").first())
        version = last.version + 1 if last else 1
    document = Document.objects.create(
        case=case, doc_type=doc_type, series=series, title=title, number=number, year=year, sequence=sequence,
        version=version, organization=organization, sha256="", size=0, page_count=0, issued_at=issued_at,
        issued_by=actor if actor is not None and actor.is_authenticated else None, public=public,
        state=Document.State.QUEUED,
        render_spec={"template": template or f"{TEMPLATE_DIR}/{doc_type.value}.html", "context": encoded},
    )
    transaction.on_commit(lambda: enqueue_render(document.pk))
    return document


def enqueue_render(document_id: int) -> bool:
    """Hand one queued document to the broker. Best effort: the QUEUED row is the queue, and
    ``flush_queued_documents`` (beat) hands it over again after a broker outage."""
    from cases.documents.tasks import render_document

    return delay_best_effort(render_document, document_id, waiting=f"document {document_id} stays queued")


def queued_for_flush(older_than_seconds: int = 60, limit: int = 200) -> list[int]:
    """Queued documents old enough that their first enqueue may have been lost."""
    cutoff = timezone.now() - datetime.timedelta(seconds=older_than_seconds)
    return list(Document.objects.filter(state=Document.State.QUEUED, issued_at__lt=cutoff)
                .order_by("issued_at").values_list("pk", flat=True)[:limit])


def document_render(document_id: int) -> bool:
    """Render one queued document: the PDF, its hash, the supersession and the case event.

    Idempotent: the row is locked for the whole rendering and only a QUEUED row is rendered,
    so a second delivery of the task waits, then finds it RENDERED and does nothing. The file
    name is fixed per row, so a worker killed after writing the file but before the commit
    leaves nothing behind: the retry overwrites that same file.
    """
    with transaction.atomic():
        document = (Document.objects.select_for_update(of=("self",)).select_related("case", "organization")
                    .filter(pk=document_id).first())
        if document is None or document.state != Document.State.QUEUED:
            return False
        spec = document.render_spec or {}
        meta = DocumentMeta(
            number=document.number, title=document.title, doc_type=document.doc_type,
            type_label=str(DocumentType(document.doc_type).label), version=document.version,
            issued_at=document.issued_at, verification_code=document.verification_code,
            verify_url=verification_url(document.verification_code),
            qr=qr_data_uri(verification_url(document.verification_code)),
        )
        full_context = {**_case_context(document.case), "organization": document.organization,
                        **_decode(spec.get("context") or {}), "document": meta}
        pdf, pages = _render(spec.get("template") or f"{TEMPLATE_DIR}/{document.doc_type}.html", full_context)
        storage = document.file.storage
        name = f"documents/{timezone.localtime(document.issued_at):%Y/%m}/queued-{document.pk}.pdf"
        if storage.exists(name):
            storage.delete(name)
        try:
            document.file.name = storage.save(name, ContentFile(pdf))
            document.sha256 = hashlib.sha256(pdf).hexdigest()
            document.size, document.page_count = len(pdf), pages
            document.state = Document.State.RENDERED
            fields = ["file", "sha256", "size", "page_count", "state"]
            if document.case_id is not None:
                (Document.objects.filter(case_id=document.case_id, doc_type=document.doc_type, series=document.series,
                                         version__lt=document.version, superseded_by__isnull=True)
                 .update(superseded_by=document))
                document.event = event_record(
                    case=document.case, actor=document.issued_by, kind="document_issued", public=document.public,
                    message=document.title,
                    after={"document": document.pk, "type": document.doc_type, "number": document.number,
                           "sha256": document.sha256, "version": document.version},
                )
                fields.append("event")
            document.save(update_fields=fields)
        except BaseException:
            storage.delete(name)
            raise
    return True


ELECTRONIC_METHODS = frozenset({Service.Method.ELECTRONIC, Service.Method.IN_APP, Service.Method.SMS_LINK})


def _check_times(sent_at, received_at):
    if received_at is not None and sent_at is not None and received_at < sent_at:
        raise DocumentError(_("签收时间不能早于送达时间。"), code="received_before_sent")


@transaction.atomic
def service_record(*, actor, document, party, method, sent_at=None, recipient_name="") -> Service:
    """Record that ``document`` was served on ``party`` (or on ``recipient_name``, a non-party)."""
    method = Service.Method(method)
    if party is not None and party.case_id != document.case_id:
        raise DocumentError(_("受送达人不是本案当事人。"), code="party_not_in_case")
    recipient_name = recipient_name or (party.name if party is not None else "")
    if not recipient_name:
        raise DocumentError(_("请填写受送达人。"), code="recipient_required")
    service = Service.objects.create(
        document=document, party=party, recipient_name=recipient_name, method=method,
        sent_at=sent_at or timezone.now(), served_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if document.case_id is not None:
        event_record(
            case=document.case, actor=actor, kind="document_served", public=document.public,
            message=_("%(title)s（%(number)s）已向%(recipient)s%(method)s") % {
                "title": document.title, "number": document.number, "recipient": recipient_name,
                "method": method.label,
            },
            after={"document": document.pk, "service": service.pk, "method": method.value,
                   "recipient": recipient_name, "sent_at": service.sent_at.isoformat()},
        )
    return service


@transaction.atomic
def service_confirm_receipt(*, actor, service, received_at=None, note="") -> Service:
    """Confirm that the recipient received the document; issue and link its 送达回证."""
    locked = (
        Service.objects.select_for_update(of=("self",)).select_related("document", "party", "served_by")
        .get(pk=service.pk)
    )
    if locked.received_at is not None:
        raise DocumentError(_("该送达已确认签收。"), code="already_received")
    received_at = received_at or timezone.now()
    _check_times(locked.sent_at, received_at)
    locked.received_at = received_at
    locked.receipt_note = note
    document = locked.document
    with translation.override("zh-hans"):
        method_label = str(Service.Method(locked.method).label)
    place = ""
    if locked.party is not None and locked.method in (Service.Method.POST, Service.Method.IN_PERSON):
        place = locked.party.address
    receipt = document_issue(
        actor=actor, case=document.case, doc_type=DocumentType.SERVICE_RECEIPT, organization=document.organization,
        public=document.public, series=f"service:{locked.pk}",
        context={"service": locked, "served_document": document, "method_label": method_label, "place": place,
                 "server_name": str(locked.served_by) if locked.served_by_id else "",
                 "electronic": locked.method in ELECTRONIC_METHODS},
    )
    locked.receipt_document = receipt
    locked.save(update_fields=["received_at", "receipt_note", "receipt_document"])
    if document.case_id is not None:
        event_record(
            case=document.case, actor=actor, kind="service_confirmed", public=document.public,
            message=_("%(recipient)s已签收%(title)s（%(number)s）") % {
                "recipient": locked.recipient_name, "title": document.title, "number": document.number,
            },
            after={"document": document.pk, "service": locked.pk, "receipt": receipt.pk,
                   "received_at": received_at.isoformat()},
        )
    for field in ("received_at", "receipt_note", "receipt_document"):
        setattr(service, field, getattr(locked, field))
    return service


def document_verify(code) -> Document | None:
    """The document printed with verification code ``code``, or None."""
    code = (code or "").strip().upper()  # typed from paper: case does not matter
    if not code or len(code) > 40:
        return None
    return (
        Document.objects.select_related("organization", "superseded_by")
        .filter(verification_code=code, state=Document.State.RENDERED).first()
    )


@transaction.atomic
def document_serve_parties(*, actor, document, parties) -> list[Service]:
    """Serve ``document`` on each party: on the platform when the party has an account,
    otherwise by SMS link, otherwise by post (the clerk then sends the paper copy)."""
    services = []
    for party in parties:
        if party.user_id:
            method = Service.Method.IN_APP
        elif party.phone:
            method = Service.Method.SMS_LINK
        else:
            method = Service.Method.POST
        services.append(service_record(actor=actor, document=document, party=party, method=method))
    return services


def document_opened_by(*, user, document) -> list[Service]:
    """A party opening a document served on the platform confirms its receipt (电子送达 is
    complete when the recipient accesses it); each service is confirmed once."""
    pending = Service.objects.filter(
        document=document, party__user_id=user.pk, received_at__isnull=True,
        method__in=[Service.Method.IN_APP, Service.Method.SMS_LINK, Service.Method.ELECTRONIC],
    )
    return [service_confirm_receipt(actor=user, service=service, note=_("当事人在平台查阅文书")) for service in pending]
