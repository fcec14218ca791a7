"""Monthly and annual PDF reports through the shared renderer: numbered, hashed, charts included, and
verifiable on the public page without revealing anything about the parties."""
import io
import re

import pytest
from pypdf import PdfReader

from cases.documents.models import Document, DocumentType

pytestmark = pytest.mark.django_db


def _pdf_text(document) -> str:
    with document.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def test_a_supervisor_issues_a_monthly_report(client, world):
    client.force_login(world.who.supervisor)
    response = client.post("/statistics/reports/", {"kind": "month", "year": "2026", "month": "3"})
    assert response.status_code == 302
    document = Document.objects.get(doc_type=DocumentType.STATISTICS_REPORT)
    assert document.case is None and document.organization == world.bishan.supervision
    assert document.title == "璧山区知识产权纠纷化解统计报表（2026年3月）"
    assert document.number == "璧知统报〔2026〕1号"
    text = _pdf_text(document)
    for expected in ("璧山区知识产权统计监督办公室", document.number, "统计期间：2026年3月1日至2026年3月31日",
                     "满意度得分81.3", "结案标的额（万元）17.00", "挽回经济损失（万元）6.00", "快调2210211.514.3",
                     f"/verify/{document.verification_code}/", document.verification_code):
        assert expected in text, expected
    for secret in ("李明", "孙丽", "王芳", "13812345678", world.cases.c1.number):
        assert secret not in text
    assert document.page_count >= 2

    page = client.get("/statistics/reports/").content.decode()
    assert document.title in page and f"/documents/{document.pk}/download/" in page
    download = client.get(f"/documents/{document.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_report_verifies_publicly_without_party_data(client, world):
    client.force_login(world.who.supervisor)
    client.post("/statistics/reports/", {"kind": "year", "year": "2026"})
    document = Document.objects.get(doc_type=DocumentType.STATISTICS_REPORT)
    assert document.title == "璧山区知识产权纠纷化解统计报表（2026年度）"
    client.logout()
    response = client.get(f"/verify/{document.verification_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    for expected in ("璧山区知识产权统计监督办公室", "统计报表", document.number, document.sha256, "现行有效",
                     "2026年3月31日"):
        assert expected in page, expected
    assert "李明" not in page and "81.3" not in page
    # a report is a dated snapshot: a later one of the same year is a new document, and the first stays valid
    client.force_login(world.who.supervisor)
    client.post("/statistics/reports/", {"kind": "year", "year": "2026"})
    client.logout()
    second = Document.objects.exclude(pk=document.pk).get(doc_type=DocumentType.STATISTICS_REPORT)
    assert second.number == "璧知统报〔2026〕2号"
    assert "现行有效" in client.get(f"/verify/{document.verification_code}/").content.decode()


def test_the_report_is_chinese_whatever_the_users_language(client, world):
    client.force_login(world.who.city_supervisor)
    client.cookies["django_language"] = "en"
    page = client.get("/statistics/", {"period": "custom", "date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert page.status_code == 200 and '<html lang="en">' in page.content.decode()
    assert client.post("/statistics/reports/", {"kind": "month", "year": "2026", "month": "3"}).status_code == 302
    document = Document.objects.get(doc_type=DocumentType.STATISTICS_REPORT)
    assert document.title == "全市知识产权纠纷化解统计报表（2026年3月）"
    text = _pdf_text(document)
    assert "统计范围：全市" in text and "收案" in text and "快调" in text and "Mediation" not in text


def test_other_users_cannot_download_a_report(client, world):
    client.force_login(world.who.supervisor)
    client.post("/statistics/reports/", {"kind": "month", "year": "2026", "month": "3"})
    document = Document.objects.get(doc_type=DocumentType.STATISTICS_REPORT)
    for user in (world.who.complainant, world.who.mediator):
        client.force_login(user)
        assert client.get(f"/documents/{document.pk}/download/").status_code == 404


def test_a_director_issues_one_for_the_committee(client, world):
    client.force_login(world.who.director)
    assert client.post("/statistics/reports/", {"kind": "month", "year": "2026", "month": "3"}).status_code == 302
    document = Document.objects.get(doc_type=DocumentType.STATISTICS_REPORT)
    assert document.title == "璧山区知识产权纠纷人民调解委员会知识产权纠纷化解统计报表（2026年3月）"
    assert document.organization == world.bishan.committee


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "month", "year": "2026", "month": "13"}, "月份应为1至12"),
    ({"kind": "month", "year": "2026"}, "月度报表请填写月份"),
    ({"kind": "month", "year": "2026", "month": "4"}, "报表期间尚未开始"),  # the clock says 3-31
    ({"kind": "year", "year": "2027"}, "报表期间尚未开始"),
    ({"kind": "year", "year": "abc"}, "年份应为4位数字"),
    ({"kind": "decade", "year": "2026"}, "请选择月度报表或年度报表"),
    ({}, "请选择报表类型"),
])
def test_bad_report_requests_are_refused_clearly(client, world, data, message):
    client.force_login(world.who.supervisor)
    response = client.post("/statistics/reports/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Document.objects.filter(doc_type=DocumentType.STATISTICS_REPORT).exists()
