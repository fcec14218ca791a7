"""移送材料: the transfer package a case file becomes when it reaches the circuit station.

Two artefacts, both built from the case file as it is now:

- ``package_pdf(case, out)``: one PDF to read and print: the current 移送函, a case summary
  (parties, claims, facts, the route through the tiers with dates, deadlines), the list of
  documents and the list of evidence with their SHA-256 and the page each starts on, then
  every document and evidence item itself (PDFs appended page by page, images one per page,
  other types listed as "见压缩包").
- ``package_zip(case, out)``: the originals, byte for byte (every current document and every
  evidence file under safe names), ``manifest.json``, ``SHA256SUMS`` and the package PDF.

Both write to a binary file object the caller owns (a temporary file: evidence may be large,
nothing is held whole in memory but one image at a time). They read only: no permission
check and no event; the caller checks access (the station's clerks and judges, or the
docking API's client) and records the download (``transfer_package_record_download``).
Confidential evidence is included, for the court, and marked as such in every list.
"""
import base64
import contextlib
import hashlib
import io
import json
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from cases.documents.models import Document, DocumentType
from cases.documents.services import render_pdf
from cases.models import CaseEvent, CaseStatus

CHUNK = 1024 * 1024
NAME_MAX = 80
# Images are re-encoded to fit an A4 page at 200 dpi: enough to read, bounded in size.
IMAGE_BOX = (1654, 2339)
# Pillow refuses larger images (decompression bombs) with an error; they go to the archive only.
IMAGE_MAX_PIXELS = 60_000_000
PDF_TYPE = "application/pdf"

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_EXTENSION = re.compile(r"^[A-Za-z0-9]{1,8}$")


class PackageError(ValidationError):
    """The package cannot be built as the case file stands (no 移送函 yet)."""


@dataclass
class Item:
    """One document or evidence file of the package."""

    kind: str  # "document" or "evidence"
    index: int
    title: str
    description: str
    source: str  # who issued or submitted it
    size: int
    sha256: str  # as recorded when it was issued or uploaded
    at: object
    content_type: str
    confidential: bool
    file: object  # FieldFile
    archive_name: str = ""
    pages: int = 0
    start_page: int | None = None
    appended: str = "archive"  # "pdf", "image" or "archive"
    reader: object = field(default=None, repr=False)
    image_pdf: bytes = field(default=b"", repr=False)


def safe_name(name, *, default="file", max_length=NAME_MAX) -> str:
    """A file name safe in any zip tool and file system: no directories, no traversal, no control
    characters or reserved punctuation; Chinese kept; the extension kept when it is plain."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = _UNSAFE.sub("_", text)
    text = _SPACES.sub(" ", text).strip(" ._")
    stem, dot, ext = text.rpartition(".")
    if not dot or not _EXTENSION.match(ext):
        stem, ext = text, ""
    stem = stem.strip(" ._")[:max_length].strip(" ._") or default
    return f"{stem}.{ext.lower()}" if ext else stem


def current_letter(case) -> Document | None:
    """The 移送函 in force (the newest version)."""
    return (Document.objects.filter(case_id=case.pk, doc_type=DocumentType.TRANSFER_LETTER,
                                    superseded_by__isnull=True).order_by("-version", "-id").first())


def _extension(content_type, original_name):
    from cases.uploads import ALLOWED_TYPES

    mime = str(content_type or "").split(";")[0].strip()
    if mime in ALLOWED_TYPES:
        return ALLOWED_TYPES[mime][0]
    ext = str(original_name or "").rpartition(".")[2]
    return ext.lower() if ext != original_name and _EXTENSION.match(ext) else "bin"


def package_items(case) -> list[Item]:
    """Every current document (the 移送函 aside: it opens the package) and every evidence file, in order."""
    items = []
    documents = (case.documents.filter(superseded_by__isnull=True).exclude(doc_type=DocumentType.TRANSFER_LETTER)
                 .select_related("organization").order_by("issued_at", "id"))
    for n, d in enumerate(documents, 1):
        items.append(Item(
            kind="document", index=n, title=d.title, description=d.number, source=d.organization.name,
            size=d.size, sha256=d.sha256, at=d.issued_at, content_type=PDF_TYPE, confidential=False, file=d.file,
            archive_name=f"documents/{n:02d}-{safe_name(f'{d.title}-{d.number}', default='document')}.pdf",
        ))
    evidence = case.evidence.select_related("party").order_by("uploaded_at", "id")
    for n, e in enumerate(evidence, 1):
        stem = safe_name(str(e.original_name).rpartition(".")[0] or e.original_name, default="evidence")
        items.append(Item(
            kind="evidence", index=n, title=_CONTROL.sub("", e.original_name), description=e.description,
            source=e.party.name if e.party_id else "", size=e.size, sha256=e.sha256, at=e.uploaded_at,
            content_type=e.content_type, confidential=e.confidential, file=e.file,
            archive_name=f"evidence/{n:02d}-{stem}.{_extension(e.content_type, e.original_name)}",
        ))
    return items


def case_route(case) -> list[dict]:
    """The case's way through the tiers: each status it entered and each institution it went to, dated."""
    rows = []
    labels = dict(CaseStatus.choices)
    events = (CaseEvent.objects.filter(case_id=case.pk)
              .filter(Q(kind="status_changed") | Q(kind="organization_changed") | Q(kind="case_submitted"))
              .order_by("created_at", "id"))
    for event in events:
        after = event.after or {}
        if event.kind == "case_submitted":
            what = _("提交申请")
        elif event.kind == "status_changed":
            what = str(labels.get(after.get("status"), after.get("status", "")))
        else:
            what = _("移交%(name)s") % {"name": after.get("name", "")}
        rows.append({"at": event.created_at, "what": what, "note": event.message})
    return rows


def _summary_context(case, letter, items, *, station, letter_pages, summary_pages):
    parties = list(case.parties.select_related("represents").order_by("id"))
    return {
        "case": case, "station": station, "letter": letter, "letter_pages": letter_pages,
        "summary_pages": summary_pages,
        "parties": parties, "ip_rights": list(case.ip_rights.order_by("id")),
        "route": case_route(case),
        "deadlines": list(case.deadlines.order_by("start_date", "id")),
        "documents": [i for i in items if i.kind == "document"],
        "evidence": [i for i in items if i.kind == "evidence"],
        "generated_at": timezone.now(),
    }


def _read_pdf(item, stack):
    """Open an appended PDF and count its pages; None when it cannot be read (encrypted, broken)."""
    try:
        fh = stack.enter_context(item.file.open("rb"))
        reader = PdfReader(fh, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        if len(reader.pages) == 0:
            return None
        return reader
    except (PyPdfError, OSError, ValueError, KeyError, TypeError):
        return None


def _image_page(item) -> bytes:
    """One A4 page with the image fitted and its name and hash as a caption; b"" when not an image we read."""
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = IMAGE_MAX_PIXELS
    try:
        with item.file.open("rb") as fh, Image.open(fh) as image:
            image.thumbnail(IMAGE_BOX)
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=85)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError):
        return b""
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    src = "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return render_pdf("transfer_package_image.html", {"item": item, "src": src})


def _plan(items, stack):
    for item in items:
        if item.content_type == PDF_TYPE:
            reader = _read_pdf(item, stack)
            if reader is not None:
                item.reader, item.pages, item.appended = reader, len(reader.pages), "pdf"
        elif item.content_type.startswith("image/"):
            page = _image_page(item)
            if page:
                item.image_pdf, item.pages, item.appended = page, 1, "image"


def _number_pages(items, first):
    page = first
    for item in items:
        if item.appended == "archive":
            item.start_page = None
        else:
            item.start_page = page
            page += item.pages


def _summary(case, letter, items, *, station, letter_pages):
    """Render the summary; its own length decides where the appended items start, so render until stable."""
    pages = 1
    for _attempt in range(3):
        _number_pages(items, letter_pages + pages + 1)
        pdf = render_pdf("transfer_package.html", _summary_context(
            case, letter, items, station=station, letter_pages=letter_pages, summary_pages=pages))
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        if count == pages:
            return pdf
        pages = count
    return pdf


def package_pdf(case, out) -> dict:
    """Write the package PDF to ``out``; return its page count and item list. Raises ``PackageError``
    when no 移送函 has been issued yet."""
    letter = current_letter(case)
    if letter is None:
        raise PackageError(_("本案尚未生成移送函，请先生成移送函。"), code="no_letter")
    station = case.organization
    items = package_items(case)
    writer = PdfWriter()
    with contextlib.ExitStack() as stack:
        letter_reader = PdfReader(stack.enter_context(letter.file.open("rb")))
        letter_pages = len(letter_reader.pages)
        _plan(items, stack)
        summary = _summary(case, letter, items, station=station, letter_pages=letter_pages)
        writer.append(letter_reader, outline_item=f"{letter.title}（{letter.number}）")
        writer.append(PdfReader(io.BytesIO(summary)), outline_item=_("案件概况及材料清单"))
        for item in items:
            label = _item_label(item)
            if item.appended == "pdf":
                writer.append(item.reader, outline_item=label, import_outline=False)
            elif item.appended == "image":
                writer.append(PdfReader(io.BytesIO(item.image_pdf)), outline_item=label)
        writer.add_metadata({"/Title": _("移送材料") + f" {case.number}", "/Producer": "ipdr"})
        writer.write(out)
        pages = len(writer.pages)
    return {"pages": pages, "items": items, "letter": letter}


def _item_label(item) -> str:
    kind = _("文书") if item.kind == "document" else _("证据")
    mark = _("（保密）") if item.confidential else ""
    return f"{kind}{item.index}：{item.title}{mark}"


def _copy_into(zf, name, source, *, date_time=None) -> tuple[str, int]:
    """Copy a binary stream into the archive under ``name`` in chunks; return its SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    info = zipfile.ZipInfo(name, date_time=date_time or timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    with zf.open(info, "w", force_zip64=True) as dst:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return digest.hexdigest(), size


def _iso(value):
    return timezone.localtime(value).isoformat() if value else None


def package_zip(case, out) -> dict:
    """Write the archive to ``out``: the package PDF, every original, ``manifest.json`` and ``SHA256SUMS``.

    Hashes in the manifest are computed from the bytes written; ``recorded_sha256`` is the hash
    stored when the file was issued or uploaded, and ``intact`` says whether they agree.
    """
    files = []
    number = safe_name(case.number or f"case-{case.pk}", default=f"case-{case.pk}")
    pdf_name = f"{safe_name(_('移送材料'))}-{number}.pdf"
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        with tempfile.TemporaryFile() as pdf:
            built = package_pdf(case, pdf)
            pdf.seek(0)
            sha, size = _copy_into(zf, pdf_name, pdf)
        letter = built["letter"]
        files.append({"name": pdf_name, "kind": "transfer_package", "description": _("移送材料（合并PDF）"),
                      "size": size, "sha256": sha, "at": _iso(timezone.now()), "confidential": False,
                      "pages": built["pages"]})
        letter_name = f"documents/00-{safe_name(f'{letter.title}-{letter.number}')}.pdf"
        originals = [("document", letter_name, letter.title, letter.number, letter.sha256, letter.issued_at,
                      False, PDF_TYPE, letter.file)]
        originals += [(i.kind, i.archive_name, i.title, i.description, i.sha256, i.at, i.confidential,
                       i.content_type, i.file) for i in built["items"]]
        for kind, name, title, description, recorded, at, confidential, content_type, fieldfile in originals:
            with fieldfile.open("rb") as fh:
                sha, size = _copy_into(zf, name, fh)
            files.append({"name": name, "kind": kind, "title": title, "description": description,
                          "content_type": content_type, "size": size, "sha256": sha, "recorded_sha256": recorded,
                          "intact": sha == recorded, "at": _iso(at), "confidential": confidential})
        manifest = json.dumps({
            "case": case.number, "court_reference": case.court_reference, "station": case.organization.name,
            "letter": {"number": letter.number, "sha256": letter.sha256},
            "generated_at": _iso(timezone.now()), "files": files,
        }, ensure_ascii=False, indent=2).encode("utf-8")
        sha, _size = _copy_into(zf, "manifest.json", io.BytesIO(manifest))
        sums = "".join(f"{f['sha256']}  {f['name']}\n" for f in files) + f"{sha}  manifest.json\n"
        _copy_into(zf, "SHA256SUMS", io.BytesIO(sums.encode("utf-8")))
    return {"files": files}


def spooled(builder, case):
    """Build with ``builder`` (``package_pdf`` / ``package_zip``) into a temporary file, rewound; with its
    SHA-256 and size. The caller closes it (a ``FileResponse`` does), which deletes it."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the caller, closed there
    try:
        builder(case, out)
        out.seek(0)
        digest = hashlib.sha256()
        size = 0
        while chunk := out.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out, digest.hexdigest(), size


__all__ = ["PackageError", "case_route", "current_letter", "package_items", "package_pdf", "package_zip",
           "safe_name", "spooled"]
