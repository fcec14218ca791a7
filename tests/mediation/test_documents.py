"""The mediation documents: GB/T 9704 PDFs with CJK text, stored with their hash; the .ics invitation."""
import datetime
import hashlib

import pytest
from django.utils import timezone

from mediation import services
from mediation.ics import session_ics
from tests.documents.conftest import pdf_reader, pdf_text
from tests.mediation.conftest import PASSWORD, in_mediation
from workflows import router

pytestmark = pytest.mark.django_db


def _sealed(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    services.agreement_save(
        actor=med.expert, case=case, facts="被申请人制造、销售的电池散热装置落入涉案实用新型专利的保护范围。",
        terms="被申请人于本协议生效之日起立即停止制造、销售涉案产品\n被申请人向申请人支付经济损失赔偿金人民币伍万元",
        performance="被申请人通过银行转账支付至申请人指定账户", amount=50000,
        performance_due=timezone.localdate() + datetime.timedelta(days=30))
    services.agreement_issue(actor=med.expert, case=case)
    services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD, ip_address="10.1.1.1")
    services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD, ip_address="10.1.1.2")
    services.agreement_sign(actor=med.expert, case=case)
    services.agreement_seal(actor=med.director, case=case)
    case.refresh_from_db()
    return case, case.mediation_agreements.get()


def test_the_effective_agreement_pdf_names_parties_terms_and_case_number(med, people):
    case, agreement = _sealed(med, people)
    document = agreement.document
    text = pdf_text(document)
    for expected in ("调解协议书", "李明", "重庆某某机械有限公司", "王某", case.number, "停止制造、销售涉案产品",
                     "经济损失赔偿金人民币伍万元", "银行转账", "璧山区知识产权纠纷人民调解委员会", "张调解",
                     "在线确认", agreement.draft_document.number, "司法确认", "一式三份"):
        assert expected in text, expected
    with document.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == document.sha256
    assert pdf_reader(document).pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    draft = pdf_text(agreement.draft_document)
    assert "确认稿" in draft and "尚未生效" in draft and "在线确认" not in draft


def test_the_confirmation_application_pdf(med, people):
    case, agreement = _sealed(med, people)
    router.apply_judicial_confirmation(actor=people.applicant, case=case)
    router.apply_judicial_confirmation(actor=people.respondent, case=case)
    agreement.refresh_from_db()
    text = pdf_text(agreement.judicial_document)
    for expected in ("司法确认申请书", "李明", "重庆某某机械有限公司", agreement.document.number,
                     "重庆知识产权法庭璧山巡回审判站", "不涉及知识产权权属或者效力的确认"):
        assert expected in text, expected


def test_session_notice_and_invitation(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    starts = timezone.now() + datetime.timedelta(days=3)
    session = services.session_schedule(actor=med.expert, case=case, mode="in_person", starts_at=starts,
                                        place="璧山区知识产权纠纷人民调解委员会第一调解室（璧泉街道100号, 3楼）")
    notice = case.documents.get(doc_type="session_notice")
    text = pdf_text(notice)
    assert "调解会议通知" in text and "第一次调解会议" in text and "第一调解室" in text and "张调解" in text
    ics = session_ics(session, committee_name="璧山区知识产权纠纷人民调解委员会")
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "METHOD:REQUEST" in lines and "STATUS:CONFIRMED" in lines
    assert all(len(line.encode()) <= 75 for line in lines)  # folded
    unfolded = ics.replace("\r\n ", "")
    assert "LOCATION:璧山区知识产权纠纷人民调解委员会第一调解室（璧泉街道100号\\, 3楼）" in unfolded
    assert f"DTSTART:{starts.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}" in unfolded
    session = services.session_cancel(actor=med.expert, session=session, reason="当事人申请")
    cancelled = session_ics(session)
    assert "METHOD:CANCEL" in cancelled and "STATUS:CANCELLED" in cancelled and "SEQUENCE:1" in cancelled


def test_termination_notice_lists_the_routes(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    router.terminate_mediation(actor=med.expert, case=case, reason="time_limit")
    text = pdf_text(case.documents.get(doc_type="mediation_termination"))
    assert "调解期限届满仍未达成协议" in text and "行政裁决" in text and "人民法院提起诉讼" in text
