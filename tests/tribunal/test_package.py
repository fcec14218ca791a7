"""移送材料: the package PDF and the zip of originals, their hashes, safe names, and who may download them."""
import hashlib
import io
import json
import zipfile

import pytest
import weasyprint
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from cases.models import CaseEvent, Evidence
from cases.services.evidence import evidence_add, evidence_set_confidential
from cases.tribunal import package
from cases.tribunal import services as tribunal
from tests.tribunal.conftest import OUTSIDERS, failed_to_court, outsider

pytestmark = pytest.mark.django_db

MARKER = "EVIDENCEMARKER7Q"


def _evidence_pdf():
    html = (f"<p>{MARKER} page one</p><p style='page-break-before: always'>{MARKER} page two</p>"
            f"<p style='page-break-before: always'>{MARKER} page three</p>")
    return weasyprint.HTML(string=html).write_pdf()


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def transferred(court, people):
    """A case at the station with a PDF, a photo and a confidential text file as evidence, and its 移送函."""
    case = failed_to_court(court, people)
    applicant = case.parties.get(role="applicant")
    pdf = evidence_add(actor=people.applicant, case=case, party=applicant, description="侵权产品购买公证书",
                       uploaded_file=SimpleUploadedFile("公证书.pdf", _evidence_pdf(), "application/pdf"))
    photo = evidence_add(actor=people.applicant, case=case, party=applicant, description="产品照片",
                         uploaded_file=SimpleUploadedFile("产品照片.png", _png(), "image/png"))
    secret = evidence_add(actor=people.applicant, case=case, party=applicant, description="技术秘密说明",
                          uploaded_file=SimpleUploadedFile("工艺参数.txt", "温度120度".encode(), "text/plain"))
    evidence_set_confidential(actor=people.applicant, evidence=secret, confidential=True, reason="商业秘密")
    letter = tribunal.transfer_package_build(actor=court.court_clerk, case=case)
    case.refresh_from_db()
    return case, letter, {"pdf": pdf, "photo": photo, "secret": secret}


def test_package_pdf_has_letter_summary_lists_and_the_files_themselves(court, transferred):
    case, letter, ev = transferred
    out = io.BytesIO()
    built = package.package_pdf(case, out)
    data = out.getvalue()
    text = _text(data)
    assert text.startswith("") and "移送函" in text and letter.number in text
    assert case.number in text and "李明" in text and "重庆某某机械有限公司" in text
    assert "案件概况及材料清单" in text and "办理经过" in text and "已移送法院" in text
    documents = list(case.documents.filter(superseded_by__isnull=True).exclude(pk=letter.pk))
    assert documents, "the intake and mediation documents are part of the file"
    for document in documents:
        assert document.title in text and document.sha256 in text
    for evidence in ev.values():
        assert evidence.original_name in text and evidence.sha256 in text
    assert "【保密证据】" in text
    assert text.count(MARKER) == 3  # the evidence PDF's three pages, appended
    reader = PdfReader(io.BytesIO(data))
    expected = letter.page_count + sum(d.page_count for d in documents) + 3 + 1  # + the photo's page
    summary_pages = len(reader.pages) - expected
    assert 1 <= summary_pages <= 6 and built["pages"] == len(reader.pages)
    by_kind = {i.title: i for i in built["items"]}
    assert by_kind["公证书.pdf"].appended == "pdf" and by_kind["产品照片.png"].appended == "image"
    assert by_kind["工艺参数.txt"].appended == "archive" and by_kind["工艺参数.txt"].start_page is None
    # the page given in the list is where the evidence is: its marker is on that page of the file
    start = by_kind["公证书.pdf"].start_page
    assert MARKER in (reader.pages[start - 1].extract_text() or "")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline[0].startswith("移送函") and any("公证书.pdf" in title for title in outline)


def test_zip_holds_every_original_with_matching_manifest_and_sums(court, transferred):
    case, letter, ev = transferred
    out = io.BytesIO()
    package.package_zip(case, out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        names = zf.namelist()
        contents = {name: zf.read(name) for name in names}
    actual = {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}
    manifest = json.loads(contents["manifest.json"])
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) | {"manifest.json", "SHA256SUMS"} == set(names)
    for name, entry in files.items():
        assert entry["sha256"] == actual[name] and entry["size"] == len(contents[name])
    sums = dict(reversed(line.split("  ", 1)) for line in contents["SHA256SUMS"].decode().splitlines())
    assert sums == {name: digest for name, digest in actual.items() if name != "SHA256SUMS"}
    for evidence in ev.values():
        entry = next(f for f in files.values() if f["kind"] == "evidence" and f["sha256"] == evidence.sha256)
        assert entry["sha256"] == evidence.sha256 and entry["intact"] is True
        assert entry["confidential"] is (evidence.pk == ev["secret"].pk)
        with evidence.file.open("rb") as fh:
            assert contents[entry["name"]] == fh.read()
    letter_entry = next(f for f in files.values() if f["description"] == letter.number)
    assert letter_entry["sha256"] == letter.sha256
    documents = case.documents.filter(superseded_by__isnull=True).exclude(pk=letter.pk)
    assert {d.sha256 for d in documents} <= {f["sha256"] for f in files.values() if f["kind"] == "document"}
    pdf_entry = next(f for f in files.values() if f["kind"] == "transfer_package")
    assert contents[pdf_entry["name"]].startswith(b"%PDF") and case.number in pdf_entry["name"]
    assert manifest["case"] == case.number and manifest["letter"]["sha256"] == letter.sha256


def test_odd_and_hostile_names_are_made_safe(court, transferred):
    case, _letter, ev = transferred
    Evidence.objects.filter(pk=ev["pdf"].pk).update(original_name="../../etc/passwd.pdf")
    Evidence.objects.filter(pk=ev["photo"].pk).update(original_name="..\\..\\C:\\证据<1>|\x07照片.png")
    Evidence.objects.filter(pk=ev["secret"].pk).update(original_name="/abs/.hidden")
    out = io.BytesIO()
    package.package_zip(case, out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as zf:
        names = zf.namelist()
    for name in names:
        parts = name.split("/")
        assert ".." not in parts and not name.startswith("/") and "\\" not in name and ":" not in name
        assert len(parts) == 1 or parts[0] in ("documents", "evidence")
        assert all(ord(ch) >= 32 for ch in name)
    evidence_names = sorted(n for n in names if n.startswith("evidence/"))
    assert evidence_names[0].startswith("evidence/01-") and evidence_names[0].endswith(".pdf")
    assert "证据_1_照片" in evidence_names[1] and evidence_names[1].endswith(".png")
    assert evidence_names[2] == "evidence/03-abs.txt"  # no hidden file, the type's own extension
    assert package.safe_name("../../") == "file" and package.safe_name("a/b\\c.PDF") == "a_b_c.pdf"


def test_no_package_before_the_letter(court, people):
    case = failed_to_court(court, people)
    with pytest.raises(package.PackageError):
        package.package_pdf(case, io.BytesIO())


def test_station_staff_download_both_parts_and_each_download_is_recorded(client, court, transferred):
    case, _letter, _ev = transferred
    client.force_login(court.court_clerk)
    page = client.get(reverse("workflows:tribunal:case", args=[case.pk])).content.decode()
    pdf_url = reverse("workflows:tribunal:package", args=[case.pk, "pdf"])
    zip_url = reverse("workflows:tribunal:package", args=[case.pk, "zip"])
    assert pdf_url in page and zip_url in page
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == response["X-Package-SHA256"]
    client.force_login(court.judge)
    response = client.get(zip_url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    events = list(CaseEvent.objects.filter(case=case, kind="tribunal_package_downloaded").order_by("id"))
    assert [(e.actor, e.after["part"]) for e in events] == [(court.court_clerk, "pdf"), (court.judge, "zip")]
    assert events[1].after["sha256"] == hashlib.sha256(body).hexdigest()
    assert client.get(reverse("workflows:tribunal:package", args=[case.pk, "exe"])).status_code == 404
    # The package carries the parties' full identifiers: each download is in the security log as well.
    from cases.audit.models import AuditAction, AuditLog

    logged = AuditLog.objects.filter(action=AuditAction.DOWNLOAD, object_type="cases.case", object_id=str(case.pk))
    assert sorted(logged.values_list("username", flat=True)) == sorted(
        [court.court_clerk.username, court.judge.username])


@pytest.mark.parametrize("who", OUTSIDERS)
def test_others_cannot_download_the_package(client, court, people, transferred, who):
    case, _letter, _ev = transferred
    user = outsider(court, people, who)
    client.force_login(user)
    for part in ("pdf", "zip"):
        response = client.get(reverse("workflows:tribunal:package", args=[case.pk, part]))
        assert response.status_code == (404 if who == "other_clerk" else 403)
    assert not CaseEvent.objects.filter(case=case, kind="tribunal_package_downloaded").exists()
