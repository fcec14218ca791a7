"""Every document of 速裁, read back from its PDF with pypdf: title, numbers, names, Chinese dates."""
from datetime import date

import pytest

from cases.adjudication import services as s
from cases.documents.models import Document
from tests.adjudication.conftest import all_ok, applicant, at, pdf_text, respondent

pytestmark = pytest.mark.django_db

OFFICE = "璧山区市场监督管理局（知识产权局）"


def doc(case, doc_type, **filters):
    return Document.objects.filter(case=case, doc_type=doc_type, **filters).order_by("-id").first()


def check(document, *fragments):
    text = pdf_text(document)
    assert document.title in text, document.title
    assert document.number in text, document.number
    assert OFFICE in text
    for fragment in fragments:
        assert fragment in text, (document.title, fragment, text[:400])
    return text


@pytest.fixture
def decided(office_chain, adj_case, clock, respondent_user):
    """A case taken from receipt to a served decision, with every kind of document on the way."""
    ch = office_chain
    clock(date(2026, 6, 29))
    case = adj_case()
    clock(date(2026, 7, 1))
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)
    s.adjudication_appoint_panel(actor=ch.chief, case=case, members=[ch.officer, ch.officer2, ch.officer3],
                                 presiding=ch.officer)
    clock(date(2026, 7, 2))
    notice = s.adjudication_issue_answer_notice(actor=ch.officer, case=case)
    s.adjudication_serve(actor=ch.officer, case=case, document=notice, party=respondent(case), method="post",
                         sent_at=at(date(2026, 7, 2), 9))
    clock(date(2026, 7, 6))
    service = notice.services.get()
    s.adjudication_confirm_receipt(actor=ch.officer, case=case, service=service, received_at=at(date(2026, 7, 6), 9),
                                   note="被请求人前台代收")
    clock(date(2026, 7, 24))  # answer due 21 July: late
    answer = s.adjudication_submit_answer(actor=respondent_user, case=case, party=respondent(case),
                                          text="被请求人的产品采用不同的散热结构，不构成侵权。")
    s.adjudication_forward_answer(actor=ch.officer, case=case, answer=answer)
    question = s.adjudication_ask_technical(actor=ch.officer, case=case, investigator=ch.investigator,
                                            questions="被控产品的散热片是否为权利要求1所述的波纹结构？")
    s.adjudication_give_opinion(actor=ch.investigator, case=case, question=question,
                                opinion="被控产品散热片为波纹结构，与权利要求1的技术特征相同。")
    hearing = s.adjudication_schedule_hearing(actor=ch.officer, case=case, scheduled_at=at(date(2026, 7, 30), 9),
                                              place="璧山区市场监督管理局第一审理室")
    clock(date(2026, 7, 30), hour=12)
    s.adjudication_record_hearing(actor=ch.officer, case=case, hearing=hearing, attendees="双方", record="笔录")
    clock(date(2026, 7, 31))
    request = s.adjudication_request_suspension(
        actor=respondent_user, case=case, party=respondent(case), invalidation_number="4W113344",
        invalidation_accepted_on=date(2026, 7, 28), reason="已请求宣告无效。")
    s.adjudication_decide_suspension(actor=ch.chief, case=case, request=request, grant=True)
    clock(date(2026, 8, 14))
    s.adjudication_resume(actor=ch.officer, case=case, reason="国家知识产权局已维持专利权有效")
    s.adjudication_start_mediation(actor=ch.officer, case=case)
    s.adjudication_end_mediation(actor=ch.officer, case=case, agreed=True, amount="30000",
                                 terms="被请求人于2026年9月1日前赔偿请求人经济损失人民币3万元。")
    clock(date(2026, 8, 20))
    s.adjudication_draft_decision(actor=ch.officer, case=case, infringement_found=True,
                                  acts=["make", "offer", "sell"], product="电池散热装置",
                                  facts="被请求人制造、销售的电池散热装置具备涉案专利权利要求1的全部技术特征。",
                                  reasoning="被控侵权产品落入涉案专利权的保护范围。", submit=True)
    s.adjudication_decide_decision(actor=ch.chief, case=case, approve=True)
    case.refresh_from_db()
    return case


def test_every_adjudication_document_reads_right(decided, office_chain):
    case = decided
    right = case.ip_rights.get()
    number = case.number
    assert number == "（2026）璧市监知裁字第0001号"

    filing = doc(case, "filing_notice")
    assert filing.number == "璧市监知裁立通〔2026〕1号"
    check(filing, "李明：", "重庆某某机械有限公司", "2026年6月29日收到请求书", "于2026年7月1日立案", number,
          "2026年7月8日前", "2026年10月8日前结案", "2026年7月1日")

    notice = doc(case, "answer_notice", series="")
    assert notice.number == "璧市监知裁答通〔2026〕1号"
    check(notice, "重庆某某机械有限公司：", "李明请求处理", number, right.number, "收到本通知书之日起15日内",
          "中止处理", "2026年7月2日")

    forward = doc(case, "answer_notice", series__startswith="forward:")
    assert forward.title == "答辩书副本送达通知书"
    check(forward, "李明：", "2026年7月24日收到", "逾期提交", "2026年7月21日届满", "不同的散热结构")

    receipt = Document.objects.filter(case=case, doc_type="service_receipt").order_by("id").first()
    check(receipt, "重庆某某机械有限公司", notice.number, number, "邮寄送达", "2026年7月2日9时00分",
          "2026年7月6日9时00分", "被请求人前台代收")

    opinion = doc(case, "technical_opinion")
    assert not opinion.public
    check(opinion, "波纹结构", "孙晓东", "2026年7月24日")

    hearing = doc(case, "hearing_notice")
    check(hearing, "李明、重庆某某机械有限公司：", "2026年7月30日9时00分", "第一审理室", "刘勇（组长）", "陈静", "周涛")

    suspension = doc(case, "suspension_notice")
    check(suspension, "4W113344", "2026年7月28日", "自2026年7月31日起中止处理", number)

    resumption = doc(case, "resumption_notice")
    # 69 days were left on 31 July (to 8 October); they run again from 14 August: 22 October.
    check(resumption, "2026年7月31日决定中止处理", "自2026年8月14日起恢复处理", "2026年10月22日", "维持专利权有效")

    agreement = doc(case, "mediation_agreement")
    assert agreement.title == "调解协议书"
    check(agreement, "请求人：李明", "被请求人：重庆某某机械有限公司", "人民币30000.00元", "3万元",
          "本协议仅涉及赔偿数额")

    decision = doc(case, "adjudication_decision")
    assert decision.number == "璧市监知裁决〔2026〕1号"
    check(decision, "请求人：李明", "被请求人：重庆某某机械有限公司", "统一社会信用代码",
          "2026年6月29日收到请求书", "于2026年7月1日立案", "2026年7月30日进行了口头审理", "2026年7月24日提交了答辩书",
          "经审理查明", "本机关认为", "责令被请求人重庆某某机械有限公司立即停止侵犯请求人李明",
          f"实用新型专利（专利号：{right.number}）", "即停止制造、许诺销售、销售电池散热装置",
          "收到本裁决书之日起15日内", "申请人民法院强制执行", "合议组：组长刘勇成员陈静成员周涛", "2026年8月20日")


def test_refusal_notice_gives_the_failed_conditions(office_chain, adj_case, clock):
    ch = office_chain
    clock(date(2026, 9, 28))
    case = adj_case()
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(no_court=False, standing=False),
                          proposal="refuse", reason_text="请求人已于2026年9月1日就同一纠纷向法院起诉。")
    clock(date(2026, 9, 30))
    s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)
    refusal = doc(case, "refusal_notice")
    assert refusal.title == "不予受理通知书"
    text = check(refusal, "李明：", "重庆某某机械有限公司", "2026年9月28日收到请求书",
                 "一、请求人不能证明其是专利权人或者利害关系人；", "二、当事人已就该专利侵权纠纷向人民法院起诉。",
                 "已于2026年9月1日就同一纠纷向法院起诉", "决定不予受理", "2026年9月30日")
    assert "专利行政执法办法" in text


def test_decision_dismissing_the_request(office_chain, adj_case, drive):
    case = adj_case()
    decision = drive.decide(case, found=False)
    text = check(decision.document, "驳回请求人李明的请求。", "期满不起诉的，本裁决发生法律效力")
    assert "强制执行" not in text


def test_service_receipt_of_the_decision(decided, office_chain):
    case = decided
    decision = doc(case, "adjudication_decision")
    s.adjudication_serve(actor=office_chain.officer, case=case, document=decision, party=applicant(case),
                         method="in_app")
    receipt = Document.objects.filter(case=case, doc_type="service_receipt").order_by("-id").first()
    check(receipt, "李明", decision.number, "平台送达", "（电子签收）")
