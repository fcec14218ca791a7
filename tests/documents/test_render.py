"""The renderer: every notice is an A4 PDF with embedded fonts, its number, the case and a way to verify it."""
import base64
import datetime
import hashlib
import io
import re
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from cases.documents import services
from cases.documents.models import TYPE_ABBREVIATIONS, Document, DocumentType
from cases.documents.templatetags.document_tags import cn_date, cn_datetime, cn_ordinal
from cases.models import CaseEvent
from tests.documents.conftest import cn_today, pdf_reader, pdf_text

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)


def _fonts(resources, seen=None):
    """Every font dictionary reachable from a resources dictionary (including form XObjects)."""
    seen = set() if seen is None else seen
    if not resources:
        return
    resources = resources.get_object()
    for ref in (resources.get("/Font") or {}).values():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"), seen)


def _is_embedded(font) -> bool:
    if font.get("/Subtype") == "/Type0":
        return all(_is_embedded(d.get_object()) for d in font["/DescendantFonts"])
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs drawn by the PDF itself
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _assert_well_formed(document):
    reader = pdf_reader(document)
    assert len(reader.pages) == document.page_count >= 1
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1
    fonts = [font for page in reader.pages for font in _fonts(page.get("/Resources"))]
    assert fonts, "no fonts in the PDF"
    assert all(_is_embedded(font) for font in fonts), [f.get("/BaseFont") for f in fonts if not _is_embedded(f)]
    with document.file.open("rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    text = pdf_text(document)
    assert document.title in text
    assert document.number in text
    assert document.verification_code in text
    assert f"/verify/{document.verification_code}/" in text
    return text


def test_acceptance_notice(issue, case):
    document = issue(DocumentType.ACCEPTANCE_NOTICE)
    text = _assert_well_formed(document)
    assert document.number == f"璧知受通〔{document.year}〕1号"
    for expected in ("受理通知书", "璧山区知识产权保护中心", case.number, "李明", "重庆某某机械有限公司",
                     "实用新型专利侵权纠纷", "决定予以受理，转入调解程序", "2026年11月26日", cn_today(), "特此通知"):
        assert expected in text, expected
    assert document.version == 1 and document.public and document.organization.number_abbr == "璧知受"
    assert document.file.name.startswith("documents/") and document.file.name.endswith(".pdf")
    assert re.fullmatch(r"documents/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", document.file.name)


@pytest.mark.parametrize(("route", "label"), [("adjudication", "行政裁决"), ("litigation", "诉讼")])
def test_acceptance_notice_names_the_route_and_the_callers_next_step(issue, route, label):
    document = issue(context={"route": route, "next_step": "请于收到本通知后留意平台消息。",
                              "next_deadline": datetime.date(2026, 12, 3)})
    text = pdf_text(document)
    assert f"转入{label}程序" in text
    assert "请于收到本通知后留意平台消息（期限至2026年12月3日）。" in text


def test_supplement_notice_lists_every_missing_item(issue, case):
    items = ["申请人身份证明复印件", "涉案专利证书及年费缴纳凭证。", "被申请人的名称、住所等基本信息",
             "侵权产品购买凭证或者公证书"]
    document = issue(DocumentType.SUPPLEMENT_NOTICE, context={
        "missing_items": items, "supplement_due": datetime.date(2026, 12, 1)})
    text = _assert_well_formed(document)
    assert document.number == f"璧知受补通〔{document.year}〕1号"
    assert "请于2026年12月1日前补正下列材料" in text
    assert "一、申请人身份证明复印件；" in text
    assert "二、涉案专利证书及年费缴纳凭证；" in text  # the caller's full stop does not double up
    assert "三、被申请人的名称、住所等基本信息；" in text
    assert "四、侵权产品购买凭证或者公证书。" in text
    assert "逾期未补正的，视为撤回申请。" in text
    assert case.number in text and "李明" in text


def test_refusal_notice_gives_reasons_and_the_routes_still_open(issue, case):
    document = issue(DocumentType.REFUSAL_NOTICE, context={
        "reasons": ["同一纠纷已由人民法院立案受理", "不属于本机构管辖范围"],
        "reason_text": "经查，重庆市第一中级人民法院已于2026年10月8日立案受理该纠纷",
    })
    text = _assert_well_formed(document)
    assert "一、同一纠纷已由人民法院立案受理；" in text and "二、不属于本机构管辖范围。" in text
    assert "经查，重庆市第一中级人民法院已于2026年10月8日立案受理该纠纷。" in text
    assert "决定不予受理" in text
    assert "可以依法向有管辖权的人民法院提起诉讼" in text
    other = issue(DocumentType.REFUSAL_NOTICE, context={
        "reasons": ["申请材料缺少明确的被申请人"],
        "routes_open": ["在补充完善材料后重新提出申请", "依法向人民法院提起诉讼。"],
    })
    assert "可以在补充完善材料后重新提出申请，或者依法向人民法院提起诉讼。" in pdf_text(other)


@pytest.mark.parametrize(("doc_type", "context", "missing"), [
    (DocumentType.SUPPLEMENT_NOTICE, {"supplement_due": "2026-12-01"}, "missing_items"),
    (DocumentType.SUPPLEMENT_NOTICE, {"missing_items": [], "supplement_due": "x"}, "missing_items"),
    (DocumentType.SUPPLEMENT_NOTICE, {"missing_items": ["a"]}, "supplement_due"),
    (DocumentType.REFUSAL_NOTICE, {"reason_text": "x"}, "reasons"),
    (DocumentType.ACCEPTANCE_NOTICE, {}, "route"),
])
def test_a_notice_without_its_essential_context_is_refused(issue, doc_type, context, missing):
    with pytest.raises(ValidationError, match=missing):
        issue(doc_type, context=context)
    assert not Document.objects.exists()


def test_fonts_are_embedded_per_pdffonts(issue, tmp_path):
    document = issue()
    path = tmp_path / "doc.pdf"
    with document.file.open("rb") as fh:
        path.write_bytes(fh.read())
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    # columns from the right: object ID, generation, uni, sub, emb
    assert all(row[-5] == "yes" for row in rows), out
    # a CJK face: the compact Noto copy (cases.documents.fonts), Noto CJK or AR PL
    assert any(key in row[0] for row in rows for key in ("IPDR-Serif-SC", "CJK", "PL")), out


def test_the_qr_code_encodes_the_verification_url_and_is_drawn(issue, monkeypatch, tmp_path):
    seen = {}
    render = services.render_to_string

    def spy(name, context):
        seen["html"] = html = render(name, context)
        return html

    monkeypatch.setattr(services, "render_to_string", spy)
    document = issue()
    url = services.verification_url(document.verification_code)
    assert url == f"http://127.0.0.1:8000/verify/{document.verification_code}/"
    data_uri = services.qr_data_uri(url)
    assert f'src="{data_uri}"' in seen["html"]
    svg = base64.b64decode(data_uri.split(",", 1)[1]).decode()
    assert "<svg" in svg and "<path" in svg
    # and it is on the page: the top right corner (above the title) is dark in places
    pdf = tmp_path / "doc.pdf"
    with document.file.open("rb") as fh:
        pdf.write_bytes(fh.read())
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    width, height = image.size
    corner = image.crop((int(width * 0.75), 0, width, int(height * 0.12)))
    dark = sum(corner.histogram()[:100])
    assert dark > 50


def test_the_public_base_url_setting_is_used(issue, settings):
    settings.IPDR_PUBLIC_BASE_URL = "https://ipdr.bishan.gov.cn/"
    document = issue()
    assert f"https://ipdr.bishan.gov.cn/verify/{document.verification_code}/" in pdf_text(document)


def test_issuing_records_a_public_event_linked_to_the_document(issue, case, clerk):
    document = issue()
    event = document.event
    assert event.kind == "document_issued" and event.public and event.case_id == case.pk
    assert event.actor_id == clerk.pk and event.message == "受理通知书"
    assert event.after == {"document": document.pk, "type": "acceptance_notice", "number": document.number,
                           "sha256": document.sha256, "version": 1}
    assert document.issued_by_id == clerk.pk
    internal = issue(DocumentType.REFUSAL_NOTICE, public=False, title="不予受理通知书（内部稿）")
    assert internal.event.public is False and internal.title == "不予受理通知书（内部稿）"


def test_render_pdf_renders_a_template_by_name(case, centre):
    meta = services.DocumentMeta(
        number="璧知受通〔2026〕99号", title="受理通知书", doc_type="acceptance_notice", type_label="受理通知书",
        version=1, issued_at=timezone.now(), verification_code="c" * 24,
        verify_url="http://127.0.0.1:8000/verify/ccc/", qr=services.qr_data_uri("x"),
    )
    pdf = services.render_pdf("acceptance_notice.html", {
        **services._case_context(case), "organization": centre, "route": "mediation", "document": meta,
    })
    assert pdf.startswith(b"%PDF-")
    assert "璧知受通〔2026〕99号" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_documents_never_fetch_external_resources():
    fetcher = services._url_fetcher()
    for url in ("http://example.com/logo.png", "file:///etc/passwd", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher(url)
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"


def test_every_type_has_an_abbreviation_and_none_is_the_tail_of_another():
    assert set(TYPE_ABBREVIATIONS) == set(DocumentType)
    abbreviations = list(TYPE_ABBREVIATIONS.values())
    assert len(set(abbreviations)) == len(abbreviations)
    for a in abbreviations:
        assert not any(b != a and b.endswith(a) for b in abbreviations)


@pytest.mark.parametrize(("org_abbr", "doc_type", "prefix"), [
    ("璧知受", DocumentType.ACCEPTANCE_NOTICE, "璧知受通"),
    ("璧知受", DocumentType.SUPPLEMENT_NOTICE, "璧知受补通"),
    ("璧知调", DocumentType.MEDIATION_AGREEMENT, "璧知调协"),
    ("璧市监知裁", DocumentType.ADJUDICATION_DECISION, "璧市监知裁决"),
    ("渝知巡璧", DocumentType.TRANSFER_LETTER, "渝知巡璧移送"),
])
def test_document_number_prefix(org_abbr, doc_type, prefix):
    org = type("Org", (), {"number_abbr": org_abbr})()
    assert services.document_number_prefix(org, doc_type) == prefix
    assert services.format_document_number(prefix, 2026, 7) == f"{prefix}〔2026〕7号"


def test_date_filters():
    assert cn_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    aware = datetime.datetime(2026, 11, 20, 17, 5, tzinfo=datetime.UTC)  # 01:05 next day in Chongqing
    assert cn_date(aware) == "2026年11月21日"
    assert cn_datetime(aware) == "2026年11月21日1时05分"
    assert [cn_ordinal(n) for n in (1, 9, 10, 11, 20, 25)] == ["一", "九", "十", "十一", "二十", "二十五"]
    assert cn_date(None) == ""


def test_no_event_or_file_left_when_a_template_is_missing(issue, case):
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(Exception, match="no_such"):
        issue(template="documents/pdf/no_such.html")
    assert CaseEvent.objects.filter(case=case).count() == before
    assert not Document.objects.exists()


def test_templates_exist_for_the_intake_notices_and_the_receipt():
    root = Path(__file__).resolve().parents[2] / "templates" / "documents" / "pdf"
    for doc_type in ("acceptance_notice", "supplement_notice", "refusal_notice", "service_receipt"):
        assert (root / f"{doc_type}.html").exists()
