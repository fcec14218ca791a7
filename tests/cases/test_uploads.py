"""Evidence uploads are checked by content before anything is stored (cases.uploads, evidence_add)."""
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.models import CaseEvent, Evidence
from cases.services import evidence_add
from cases.uploads import ALLOWED_SUMMARY, ALLOWED_TYPES, UploadRejected, check_upload
from tests.factories import complainant, make_case

MB = 1024 * 1024

# -- real small files ---------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)


def image_bytes(fmt="PNG", size=(8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The same bytes on every run: the archive is a test id, and pytest-xdist's processes must collect alike."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data, compress_type=compression)
    return buf.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
DOCX = zip_bytes([
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", b"<Relationships/>"),
    ("word/document.xml", "<w:document><w:body><w:p>证据目录</w:p></w:body></w:document>".encode()),
])
XLSX = zip_bytes([("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")])
OFD = zip_bytes([("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<ofd:Document/>")])
PLAIN_ZIP = zip_bytes([("readme.txt", b"hello"), ("photo.png", PNG)])
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 43 + b"\x80\x00\x00\x00"
    + b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    + b"\x00" * 16 + b"PE\x00\x00\x4c\x01" + b"\x00" * 200
)
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 200
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 1500
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free" + b"\x00" * 100
MOV = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00\x00\x00\x08wide" + b"\x00" * 100
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 100
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00" + b"\x00" * 40

MSG_EMPTY = "文件为空，请重新选择。"
MSG_NAME = "文件名不符合要求：不能包含路径（/ 或 \\）、“..”或控制字符。请重命名后再上传。"
MSG_TYPE = (
    "不支持该文件类型。可以上传的类型：PDF、DOCX、DOC、XLSX、XLS、PPTX、PPT、OFD、TXT、JPG、PNG、GIF、WEBP、"
    "BMP、TIF、HEIC、MP4、MOV、MP3、M4A、WAV。压缩包（ZIP、RAR等）不能上传，请解压后逐个上传。"
)
MSG_EXECUTABLE = "出于安全考虑，不接收可执行程序或脚本文件。"


def mismatch(declared):
    return f"文件内容与扩展名不符：文件名为{declared}，内容却不是{declared}。"


def disguised(declared):
    return (
        f"文件内容与扩展名不符：文件名为{declared}，内容却是可执行程序。"
        "出于安全考虑，不接收可执行程序或脚本文件。"
    )


def upload(name, data):
    """What a view receives from request.FILES."""
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def raw(name, data):
    """A File whose name is not sanitised (Django's UploadedFile already strips "/" paths)."""
    return ContentFile(data, name=name)


def refused(file, **kwargs) -> UploadRejected:
    with pytest.raises(UploadRejected) as exc:
        check_upload(file, **kwargs)
    return exc.value


# -- accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "content_type", "safe_name"), [
    ("起诉状.pdf", PDF, "application/pdf", "起诉状.pdf"),
    ("侵权产品照片.PNG", PNG, "image/png", "侵权产品照片.png"),
    ("现场照片.jpeg", JPEG, "image/jpeg", "现场照片.jpg"),
    ("证据目录.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "证据目录.docx"),
    ("销售台账.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "销售台账.xlsx"),
    ("电子发票.ofd", OFD, "application/ofd", "电子发票.ofd"),
    ("旧合同.doc", OLE2, "application/msword", "旧合同.doc"),
    ("旧报表.xls", OLE2, "application/vnd.ms-excel", "旧报表.xls"),
    ("IMG_0042.HEIC", HEIC, "image/heic", "IMG_0042.heic"),
    ("取证录像.mov", MOV, "video/quicktime", "取证录像.mov"),
    ("取证录像.mp4", MOV, "video/mp4", "取证录像.mp4"),  # same MPEG-4 container family: the name's type
    ("通话录音.m4a", M4A, "audio/mp4", "通话录音.m4a"),
    ("通话录音.mp3", MP3, "audio/mpeg", "通话录音.mp3"),
    ("现场录音.wav", WAV, "audio/wav", "现场录音.wav"),
    ("扫描件", PDF, "application/pdf", "扫描件.pdf"),  # no extension: the content decides
    ("  合同<终稿>?.PDF ", PDF, "application/pdf", "合同_终稿__.pdf"),
])
def test_allowed_types_are_recognised_by_content(name, data, content_type, safe_name):
    checked = check_upload(upload(name, data))
    assert checked.content_type == content_type
    assert checked.safe_name == safe_name
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.extension == safe_name.rsplit(".", 1)[1]
    assert checked.label == str(ALLOWED_TYPES[content_type][1])


def test_text_is_accepted_in_utf8_and_gb18030_with_its_charset():
    utf8 = check_upload(upload("说明.txt", "被申请人于2025年3月在淘宝销售侵权产品。\n".encode()))
    assert utf8.content_type == "text/plain; charset=utf-8"
    assert utf8.safe_name == "说明.txt"
    gbk = check_upload(upload("说明.TXT", "被申请人于2025年3月在淘宝销售侵权产品。\r\n".encode("gb18030")))
    assert gbk.content_type == "text/plain; charset=gb18030"


def test_file_is_read_in_chunks_and_rewound():
    data = PDF + b"%" + b"x" * (200 * 1024)  # several 64 KiB chunks
    file = upload("大文件.pdf", data)
    file.read(10)
    checked = check_upload(file)
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert file.tell() == 0
    assert file.read() == data


def test_safe_name_is_at_most_120_characters_with_the_canonical_extension():
    name = "照" * 115 + ".tiff"  # 120 characters: accepted, ".tif" is canonical
    checked = check_upload(upload(name, image_bytes("TIFF")))
    assert checked.content_type == "image/tiff"
    assert checked.safe_name == "照" * 115 + ".tif"
    assert len(checked.safe_name) <= 120


def test_allowed_summary_names_every_canonical_extension():
    assert ALLOWED_SUMMARY.split("、") == [ext.upper() for ext, _label in ALLOWED_TYPES.values()]
    assert "ZIP" not in ALLOWED_SUMMARY.split("、")


# -- refused -----------------------------------------------------------------------------------


def test_empty_file():
    exc = refused(upload("证据.pdf", b""))
    assert exc.code == "empty"
    assert exc.messages == [MSG_EMPTY]


def test_over_the_size_limit_from_settings(settings):
    settings.EVIDENCE_MAX_BYTES = 1 * MB
    exc = refused(upload("证据.pdf", PDF + b"0" * MB))
    assert exc.code == "too_large"
    assert exc.messages == ["文件过大：单个文件不能超过1MB。"]
    assert check_upload(upload("证据.pdf", PDF)).size == len(PDF)


def test_over_the_size_limit_even_when_the_file_does_not_report_its_size():
    file = ContentFile(PDF + b"0" * (3 * MB), name="证据.pdf")
    file.size = None  # counted while reading instead
    exc = refused(file, max_bytes=int(2.5 * MB))
    assert exc.code == "too_large"
    assert exc.messages == ["文件过大：单个文件不能超过2.5MB。"]


@pytest.mark.parametrize(("name", "data", "declared"), [
    ("合同.pdf", PNG, "PDF"),
    ("合同.pdf", b"just some bytes, not a PDF at all" * 10, "PDF"),
    ("照片.jpg", PNG, "JPG"),
    ("证据.docx", PLAIN_ZIP, "DOCX"),  # a zip without [Content_Types].xml and word/
    ("证据.docx", XLSX, "DOCX"),
    ("证据.png", PDF, "PNG"),
    ("证据.pdf", OLE2, "PDF"),
    ("录像.mp4", HEIC, "MP4"),
])
def test_content_that_does_not_match_the_extension(name, data, declared):
    exc = refused(upload(name, data))
    assert exc.code == "mismatch"
    assert exc.messages == [mismatch(declared)]


def test_mismatch_message_reads_as_specified():
    exc = refused(upload("合同.pdf", PNG))
    assert exc.messages == ["文件内容与扩展名不符：文件名为PDF，内容却不是PDF。"]


@pytest.mark.parametrize(("name", "data", "declared"), [
    ("合同.pdf", ELF, "PDF"),
    ("invoice.jpg", PE, "JPG"),
    ("报价单.docx", MACHO, "DOCX"),
    ("说明.txt", b"#!/bin/sh\nrm -rf /\n", "TXT"),
    ("说明.txt", "\ufeff#!/usr/bin/env python\nprint('x')\n".encode(), "TXT"),
])
def test_executables_disguised_as_documents(name, data, declared):
    exc = refused(upload(name, data))
    assert exc.code == "executable"
    assert exc.messages == [disguised(declared)]


@pytest.mark.parametrize(("name", "data"), [
    ("setup.exe", PE), ("run.sh", b"#!/bin/bash\necho hi\n"), ("tool", ELF), ("app", MACHO),
])
def test_executables_under_their_own_names(name, data):
    exc = refused(upload(name, data))
    assert exc.code == "executable"
    assert exc.messages == [MSG_EXECUTABLE]


def test_text_starting_with_mz_is_not_mistaken_for_a_program():
    checked = check_upload(upload("备注.txt", "MZ公司的来函摘录。".encode()))
    assert checked.content_type == "text/plain; charset=utf-8"


@pytest.mark.parametrize(("name", "data"), [
    ("证据.zip", PLAIN_ZIP),
    ("证据", PLAIN_ZIP),  # no extension, content is an archive
    ("page.html", PNG + b"<html><script>alert(1)</script></html>"),  # PNG/HTML polyglot
    ("图.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("合同.pdf.exe", PDF),
    ("证据.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 100),
    ("笔记", b"plain text without an extension"),
])
def test_types_that_are_not_allowed(name, data):
    exc = refused(upload(name, data))
    assert exc.code == "type"
    assert exc.messages == [MSG_TYPE]


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02binary\x00",
    "说明".encode("utf-16"),  # UTF-16 has NUL bytes
    b"\x80\xff\xfe\xfa not a text encoding",
])
def test_txt_must_be_text(data):
    exc = refused(upload("说明.txt", data))
    assert exc.code == "mismatch"
    assert exc.messages == [mismatch("TXT")]


@pytest.mark.parametrize("name", [
    "../../etc/passwd.pdf",
    "..\\..\\x.png",
    "/abs/x.pdf",
    "C:\\Users\\x.pdf",
    "C:x.pdf",
    "合同\x00.pdf",
    "合同\n.pdf",
    "发票\u202efdp.exe",  # shows as 发票exe.pdf
    "..",
    "   ",
])
def test_unacceptable_file_names(name):
    exc = refused(raw(name, PDF))
    assert exc.code == "name"
    assert exc.messages == [MSG_NAME]


def test_backslash_traversal_survives_django_upload_name_cleaning():
    exc = refused(upload("..\\..\\x.png", PNG))
    assert exc.code == "name"


def test_file_name_longer_than_120_characters():
    exc = refused(upload("证" * 117 + ".pdf", PDF))
    assert exc.code == "name"
    assert exc.messages == ["文件名过长：不能超过120个字符。请重命名后再上传。"]


def test_zip_bomb_docx_is_refused_without_extracting(settings):
    settings.EVIDENCE_MAX_BYTES = 64 * 1024  # 10x = 640 KiB uncompressed at most
    bomb = zip_bytes([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("word/document.xml", b"<w:document/>"),
        ("word/media/zeros.bin", b"\x00" * (2 * MB)),
    ])
    assert len(bomb) < 64 * 1024  # the upload itself is small
    exc = refused(upload("证据目录.docx", bomb))
    assert exc.code == "zip_bomb"
    assert exc.messages == ["文件内部结构异常（解压后体积过大或包含的条目过多），无法接收。"]


def test_zip_with_too_many_entries_is_refused():
    many = zip_bytes(
        [("[Content_Types].xml", CONTENT_TYPES)] + [(f"word/p{i}.xml", b"") for i in range(2001)],
        compression=zipfile.ZIP_STORED,
    )
    exc = refused(upload("证据目录.docx", many))
    assert exc.code == "zip_bomb"


def test_upload_rejected_is_a_validation_error():
    assert issubclass(UploadRejected, ValidationError)


# -- evidence_add ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _evidence_storage(_private_storage, monkeypatch):
    """Point Evidence.file at the per-test private storage.

    Django resolves a FileField's callable ``storage`` once, when the model class is built,
    so the conftest's STORAGES override alone does not reach Evidence.file.
    """
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storages["private"])


def stored_files() -> set[str]:
    root = Path(storages["private"].location)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def case_and_user(roles):
    user = complainant()
    return make_case(applicant_user=user), user


@pytest.mark.django_db
def test_evidence_add_stores_under_a_generated_name(case_and_user):
    case, user = case_and_user
    before = stored_files()
    evidence = evidence_add(
        actor=user, case=case, uploaded_file=upload("起诉状（签字版）.pdf", PDF),
        description="申请人签字的起诉状", ip_address="203.0.113.7",
    )
    evidence.refresh_from_db()
    assert evidence.original_name == "起诉状（签字版）.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.size == len(PDF)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    assert evidence.uploaded_by == user
    assert evidence.description == "申请人签字的起诉状"
    assert evidence.file.name.startswith("evidence/")
    assert "起诉状" not in evidence.file.name and not evidence.file.name.endswith(".pdf")
    assert stored_files() - before == {evidence.file.name}
    with evidence.file.open("rb") as fh:
        assert fh.read() == PDF

    events = CaseEvent.objects.filter(case=case, kind="evidence_added")
    assert events.count() == 1
    event = events.get()
    assert event.public is True
    assert event.actor == user
    assert event.message == "起诉状（签字版）.pdf"
    assert event.ip_address == "203.0.113.7"
    assert event.after["evidence"] == evidence.pk
    assert event.after["sha256"] == evidence.sha256


@pytest.mark.django_db
def test_evidence_add_records_the_sniffed_type_not_the_browsers(case_and_user):
    case, user = case_and_user
    file = SimpleUploadedFile("photo", PNG, content_type="application/pdf")
    evidence = evidence_add(actor=user, case=case, uploaded_file=file)
    assert evidence.content_type == "image/png"
    assert evidence.original_name == "photo.png"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "code", "message"), [
    ("证据.pdf", b"", "empty", MSG_EMPTY),
    ("合同.pdf", ELF, "executable", disguised("PDF")),
    ("invoice.jpg", PE, "executable", disguised("JPG")),
    ("合同.pdf", PNG, "mismatch", mismatch("PDF")),
    ("page.html", PNG + b"<html><script>alert(1)</script></html>", "type", MSG_TYPE),
    ("证据.zip", PLAIN_ZIP, "type", MSG_TYPE),
    ("说明.txt", b"abc\x00def", "mismatch", mismatch("TXT")),
    ("..\\..\\x.png", PNG, "name", MSG_NAME),
])
def test_evidence_add_refusals_store_nothing(case_and_user, name, data, code, message):
    case, user = case_and_user
    counts = Evidence.objects.count(), CaseEvent.objects.count()
    files = stored_files()
    with pytest.raises(UploadRejected) as exc:
        evidence_add(actor=user, case=case, uploaded_file=upload(name, data))
    assert exc.value.code == code
    assert exc.value.messages == [message]
    assert (Evidence.objects.count(), CaseEvent.objects.count()) == counts
    assert stored_files() == files


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "/abs/x.pdf", "合同\x00.pdf"])
def test_evidence_add_refuses_traversal_names_and_stores_nothing(case_and_user, name):
    case, user = case_and_user
    counts = Evidence.objects.count(), CaseEvent.objects.count()
    files = stored_files()
    with pytest.raises(UploadRejected) as exc:
        evidence_add(actor=user, case=case, uploaded_file=raw(name, PDF))
    assert exc.value.code == "name"
    assert exc.value.messages == [MSG_NAME]
    assert (Evidence.objects.count(), CaseEvent.objects.count()) == counts
    assert stored_files() == files


@pytest.mark.django_db
def test_evidence_add_too_large_and_zip_bomb_store_nothing(case_and_user, settings):
    case, user = case_and_user
    settings.EVIDENCE_MAX_BYTES = 1 * MB
    counts = Evidence.objects.count(), CaseEvent.objects.count()
    files = stored_files()
    with pytest.raises(UploadRejected) as exc:
        evidence_add(actor=user, case=case, uploaded_file=upload("录像.mp4", MOV + b"\x00" * MB))
    assert exc.value.code == "too_large"
    assert exc.value.messages == ["文件过大：单个文件不能超过1MB。"]
    bomb = zip_bytes([("[Content_Types].xml", CONTENT_TYPES), ("word/document.xml", b"\x00" * (12 * MB))])
    with pytest.raises(UploadRejected) as exc:
        evidence_add(actor=user, case=case, uploaded_file=upload("目录.docx", bomb))
    assert exc.value.code == "zip_bomb"
    assert (Evidence.objects.count(), CaseEvent.objects.count()) == counts
    assert stored_files() == files


@pytest.mark.django_db
def test_evidence_add_description_too_long_stores_nothing(case_and_user):
    case, user = case_and_user
    counts = Evidence.objects.count(), CaseEvent.objects.count()
    files = stored_files()
    with pytest.raises(ValidationError) as exc:
        evidence_add(actor=user, case=case, uploaded_file=upload("证据.pdf", PDF), description="说" * 301)
    assert exc.value.message_dict == {"description": ["证据说明不能超过300个字（当前301个字）。"]}
    assert (Evidence.objects.count(), CaseEvent.objects.count()) == counts
    assert stored_files() == files


@pytest.mark.django_db
def test_evidence_add_refuses_a_party_of_another_case(case_and_user):
    case, user = case_and_user
    other = make_case(applicant_name="王芳")
    with pytest.raises(ValidationError) as exc:
        evidence_add(
            actor=user, case=case, uploaded_file=upload("证据.pdf", PDF), party=other.parties.first(),
        )
    assert exc.value.message_dict == {"party": ["提交方不是本案的当事人。"]}
    assert not Evidence.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_evidence_add_removes_the_stored_file_when_the_database_write_fails(case_and_user, monkeypatch):
    case, user = case_and_user
    counts = Evidence.objects.count(), CaseEvent.objects.count()
    files = stored_files()

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("cases.services.evidence.event_record", broken)
    with pytest.raises(RuntimeError):
        evidence_add(actor=user, case=case, uploaded_file=upload("证据.pdf", PDF))
    assert (Evidence.objects.count(), CaseEvent.objects.count()) == counts
    assert stored_files() == files


@pytest.mark.django_db
def test_evidence_add_with_the_party_that_submits(case_and_user):
    case, user = case_and_user
    applicant = case.parties.get(role="applicant")
    evidence = evidence_add(actor=user, case=case, uploaded_file=upload("照片.png", PNG), party=applicant)
    assert evidence.party == applicant
    assert evidence.content_type == "image/png"
