"""Malicious uploads through every upload path: refused with a Chinese reason, nothing stored.

Paths: the complaint wizard's evidence step (a draft attachment), the case page's evidence
upload, the API's evidence upload, the 速裁 party page's upload, the circuit station's court
document (裁判文书) on its case page, and the docking API's outcome upload. Each hostile file goes
through the real HTTP stack (Django's multipart parser included, which is where a path in a
file name would otherwise be stripped silently); afterwards there is no new row (evidence,
draft attachment, case event) and no new file under the private storage.
"""
import io
import json
import os
import struct
import zipfile

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from cases.intake.models import ComplaintDraft, DraftAttachment
from cases.models import CaseEvent, Evidence
from cases.uploads import UploadRejected, check_upload
from tests.factories import OrganizationFactory, complainant, make_case
from tests.intake.helpers import step_url

pytestmark = pytest.mark.django_db

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(buf, format="PNG")
    return buf.getvalue()


def _png_html_polyglot() -> bytes:
    """A valid PNG with an HTML page in a tEXt chunk: a browser sniffing it as HTML runs the script."""
    png = _png()
    payload = b"Comment\x00<html><body><script>alert(document.cookie)</script></body></html>"
    import zlib

    chunk = struct.pack(">I", len(payload)) + b"tEXt" + payload
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + payload) & 0xFFFFFFFF)
    return png[:33] + chunk + png[33:]  # after the IHDR chunk


def _zip_bomb(entries) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, size in entries:
            archive.writestr(name, b"\x00" * size)
    return buf.getvalue()


def _office_bomb(folder) -> bytes:
    """A DOCX/XLSX shaped archive whose one part unpacks to 300 MB (a few hundred KB compressed)."""
    return _zip_bomb([("[Content_Types].xml", 10), (f"{folder}/document.xml", 300 * 1024 * 1024)])


def _many_entries() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for i in range(2100):
            archive.writestr(f"word/p{i}.xml", b"")
    return buf.getvalue()


PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

# (case, file name, content, the code check_upload gives, a piece of the message the user sees)
CASES = [
    ("EICAR in a .txt", "病毒测试.txt", EICAR, "malware", "病毒"),
    ("EICAR in a .pdf", "病毒测试.pdf", EICAR, "malware", "病毒"),
    ("EICAR after a PDF header", "病毒测试2.pdf", PDF + EICAR, "malware", "病毒"),
    ("PNG/HTML polyglot", "截图.png", _png_html_polyglot(), "markup", "网页或脚本"),
    ("JPEG with a script", "照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"<script>x</script>" + b"\xff\xd9",
     "markup", "网页或脚本"),
    (".exe renamed .pdf", "发票.pdf", PE, "executable", "可执行程序"),
    ("ELF renamed .jpg", "photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "executable", "可执行程序"),
    ("shell script renamed .txt", "说明.txt", b"#!/bin/sh\nrm -rf /\n", "executable", "可执行程序"),
    ("HTML renamed .jpg", "图片.jpg", HTML, "mismatch", "内容却不是JPG"),
    ("HTML renamed .pdf", "合同.pdf", HTML, "mismatch", "内容却不是PDF"),
    (".html", "页面.html", HTML, "type", "不支持该文件类型"),
    ("SVG with a script", "logo.svg", SVG, "type", "不支持该文件类型"),
    ("SVG with a script renamed .png", "logo.png", SVG, "mismatch", "内容却不是PNG"),
    ("zip bomb (.zip)", "材料.zip", _zip_bomb([("a.bin", 300 * 1024 * 1024)]), "type", "压缩包"),
    ("zip bomb named .docx", "合同.docx", _office_bomb("word"), "zip_bomb", "解压后体积过大"),
    ("zip bomb named .xlsx", "清单.xlsx", _office_bomb("xl"), "zip_bomb", "解压后体积过大"),
    ("2,100 entries named .docx", "合同2.docx", _many_entries(), "zip_bomb", "条目过多"),
    ("path traversal", "../../etc/passwd.pdf", PDF, "name", "文件名不符合要求"),
    ("Windows path", "..\\..\\windows\\win.ini.pdf", PDF, "name", "文件名不符合要求"),
    ("NUL in the name", "证据.pdf\x00.exe", PDF, "name", "文件名不符合要求"),
    ("right-to-left override", "发票\u202efdp.exe", PDF, "name", "文件名不符合要求"),
    ("very long name", "长" * 300 + ".pdf", PDF, "name", "文件名过长"),
]
OVERSIZE = ("oversize", "大文件.pdf", None, "too_large", "文件过大")


def _oversize(max_bytes):
    return PDF + b"0" * (max_bytes + 1 - len(PDF))


@pytest.mark.parametrize(("what", "name", "content", "code", "message"), CASES, ids=[c[0] for c in CASES])
def test_check_upload_refuses(what, name, content, code, message):
    with pytest.raises(UploadRejected) as refused:
        check_upload(ContentFile(content, name=name))  # ContentFile keeps the name as given
    assert refused.value.code == code
    assert message in str(refused.value.messages[0])


def test_check_upload_still_takes_a_real_png_and_pdf():
    assert check_upload(SimpleUploadedFile("截图.png", _png())).content_type == "image/png"
    assert check_upload(SimpleUploadedFile("合同.pdf", PDF)).content_type == "application/pdf"


# -- through HTTP ---------------------------------------------------------------------------------


def _stored():
    root = django_settings.STORAGES["private"]["OPTIONS"]["location"]
    return sorted(os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files)


def _rows():
    return (Evidence.objects.count(), DraftAttachment.objects.count(), CaseEvent.objects.count())


@pytest.fixture
def world(roles, client):
    centre = OrganizationFactory(name="璧山区知识产权保护中心")
    applicant = complainant(full_name="李明", phone="13812345678", email="liming@example.cn")
    case = make_case(organization=centre, applicant_user=applicant)
    client.force_login(applicant)
    assert client.get(reverse("intake:complaint_start")).status_code == 302
    draft = ComplaintDraft.objects.get(owner=applicant)
    api = APIClient()
    api.force_authenticate(applicant)
    return {"case": case, "draft": draft, "api": api, "client": client}


BOUNDARY = "----ipdr-fuzz-boundary"


def _multipart(name, content, file_field="file", **fields):
    """A multipart body written by hand: the test client would strip a path from the file name itself."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
             for key, value in fields.items()]
    quoted = name.replace('"', "%22").encode("utf-8")
    parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{file_field}"; filename="'.encode()
                 + quoted + b'"\r\nContent-Type: application/pdf\r\n\r\n' + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def _post_every_path(world, name, content):
    """Post the file through each path; yield (path name, status, text of the answer)."""
    client, api, case, draft = world["client"], world["api"], world["case"], world["draft"]
    kind = f"multipart/form-data; boundary={BOUNDARY}"

    response = client.post(step_url(draft, "evidence"), _multipart(name, content, description="证据", action="upload"),
                           content_type=kind)
    yield "complaint wizard", response.status_code, response.content.decode()
    response = client.post(reverse("cases:evidence_upload", args=[case.pk]),
                           _multipart(name, content, description="证据"), content_type=kind)
    yield "case page", response.status_code, response.content.decode()
    response = api.post(f"/api/v1/cases/{case.pk}/evidence/", _multipart(name, content, description="证据"),
                        content_type=kind)
    yield "API", response.status_code, json.dumps(response.json(), ensure_ascii=False)


def test_a_good_file_goes_through_every_path(world):
    """The same hand-written request with a proper file is accepted everywhere (the refusals are real)."""
    before = _rows()
    statuses = [status for _path, status, _text in _post_every_path(world, "专利证书.pdf", PDF)]
    assert statuses == [302, 302, 201]
    assert _rows()[:2] == (before[0] + 2, before[1] + 1)


@pytest.mark.parametrize(("what", "name", "content", "code", "message"), [*CASES, OVERSIZE],
                         ids=[c[0] for c in [*CASES, OVERSIZE]])
def test_every_upload_path_refuses_and_stores_nothing(world, settings, what, name, content, code, message):
    if content is None:
        settings.EVIDENCE_MAX_BYTES = 64 * 1024
        content = _oversize(settings.EVIDENCE_MAX_BYTES)
    before_rows, before_files = _rows(), _stored()
    paths = list(_post_every_path(world, name, content))
    assert [p for p, _s, _t in paths] == ["complaint wizard", "case page", "API"]
    for path, status, text in paths:
        assert status in (400, 413), (path, status, text[:300])
        assert message in text or (status == 413), (path, text[:500])
    assert _rows() == before_rows
    assert _stored() == before_files


# -- the 速裁 party page, the station's case page and the docking API -----------------------------------
# One world per path and every hostile file through it (building a 速裁 or 精审 case per file would cost
# more than all the uploads).

from cases.models import CaseStatus  # noqa: E402
from tests.tribunal.conftest import (  # noqa: E402, F401
    _fresh_permission_ids,
    adj_case,
    applicant_user,
    court,
    drive,
    failed_to_court,
    med,
    office_chain,
    people,
    respondent_user,
)
from tests.tribunal.docking_helpers import court_system  # noqa: E402

HOSTILE = [*CASES, OVERSIZE]


def _each_hostile_file(settings):
    for what, name, content, _code, message in HOSTILE:
        if content is None:  # the size limit lowered for this one file only (the bombs are larger than 64 KB)
            settings.EVIDENCE_MAX_BYTES = 64 * 1024
            content = _oversize(settings.EVIDENCE_MAX_BYTES)
        yield what, name, content, message


def _refused_everywhere(settings, post):
    """``post(name, content)`` -> response; each hostile file is refused and leaves nothing behind."""
    before_rows, before_files = _rows(), _stored()
    wrong = {}
    for what, name, content, message in _each_hostile_file(settings):
        response = post(name, content)
        body = response.content.decode()
        if response.status_code not in (400, 413) or (message not in body and response.status_code != 413):
            wrong[what] = (response.status_code, body[:300])
    assert wrong == {}
    assert _rows() == before_rows
    assert _stored() == before_files


def test_adjudication_party_page_refuses_hostile_files(client, settings, office_chain, adj_case, drive,  # noqa: F811
                                                       respondent_user):  # noqa: F811
    case = drive.file(adj_case())
    client.force_login(respondent_user)
    url = reverse("workflows:adjudication:party", args=[case.pk])
    kind = f"multipart/form-data; boundary={BOUNDARY}"

    def post(name, content):
        return client.post(url, _multipart(name, content, file_field="upload-file", action="upload",
                                           **{"upload-description": "证据"}), content_type=kind)

    _refused_everywhere(settings, post)
    assert post("工艺参数.pdf", PDF).status_code == 302  # the same request with a real PDF is taken
    assert case.evidence.filter(original_name="工艺参数.pdf").exists()


def test_tribunal_case_page_refuses_hostile_court_documents(client, settings, court, people):  # noqa: F811
    case = failed_to_court(court, people)
    client.force_login(court.court_clerk)
    url = reverse("workflows:tribunal:action", args=[case.pk, "outcome"])
    kind = f"multipart/form-data; boundary={BOUNDARY}"
    fields = {"outcome-outcome": "withdrawal", "outcome-decided_on": str(timezone.localdate()),
              "outcome-summary": "原告撤回起诉。"}

    def post(name, content):
        return client.post(url, _multipart(name, content, file_field="outcome-document", **fields), content_type=kind)

    _refused_everywhere(settings, post)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED
    assert post("裁定书.pdf", PDF).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED


def test_docking_outcome_upload_refuses_hostile_documents(settings, court, people):  # noqa: F811
    case = failed_to_court(court, people)
    _client, _token, api = court_system(court.station)
    url = f"/api/v1/docking/transfers/{case.pk}/outcome/"
    kind = f"multipart/form-data; boundary={BOUNDARY}"
    fields = {"outcome": "withdrawal", "decided_on": str(timezone.localdate()), "summary": "原告撤回起诉。"}

    def post(name, content):
        response = api.post(url, _multipart(name, content, file_field="document", **fields), content_type=kind)
        response.content = json.dumps(response.json(), ensure_ascii=False).encode()
        return response

    _refused_everywhere(settings, post)
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED
    assert post("裁定书.pdf", PDF).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED
