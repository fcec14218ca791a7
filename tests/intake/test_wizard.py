"""The complaint wizard through the test client, as a complainant on a phone would use it."""
import re

import pytest
from django.urls import reverse

from cases.intake.models import ComplaintDraft, DraftAttachment
from cases.models import Case, CaseEvent, CaseStatus, Evidence, Notification, Party
from tests.factories import complainant, id_number
from tests.intake.conftest import elf_as_pdf, pdf
from tests.intake.helpers import (
    applicant_post,
    dispute_post,
    fill_all_steps,
    formset_post,
    respondent_row,
    right_row,
    step_url,
)

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def _start(client, user):
    client.force_login(user)
    response = client.get(reverse("intake:complaint_start"))
    assert response.status_code == 302
    draft = ComplaintDraft.objects.get(owner=user)
    assert response["Location"] == step_url(draft, "applicant")
    return draft


def _error_of(html, field_id):
    """The text of the error list tied to the input ``field_id``."""
    match = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


def test_the_wizard_needs_an_account(client):
    response = client.get(reverse("intake:complaint_start"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_applicant_step_is_prefilled_from_the_account_and_accessible(client, applicant_user):
    draft = _start(client, applicant_user)
    response = client.get(step_url(draft, "applicant"))
    assert response.status_code == 200
    html = _html(response)
    assert 'value="李明"' in html and 'value="13812345678"' in html
    assert '<legend>申请人是</legend>' in html
    assert '<label for="id_name">姓名或单位名称</label>' in html
    assert 'aria-current="step"' in html
    assert "第1步，共6步" in html
    assert "<script>" not in html and 'style="' not in html and " onclick" not in html
    assert '<script src="/static/js/intake.js" defer></script>' in html


def test_bad_id_number_shows_the_validators_message_next_to_the_field(client, applicant_user):
    draft = _start(client, applicant_user)
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(step_url(draft, "applicant"), applicant_post(id_number=bad))
    assert response.status_code == 400
    html = _html(response)
    assert "居民身份证号码的校验码不正确，请核对号码是否抄错。" in _error_of(html, "id_id_number")
    assert re.search(r'aria-describedby="id_id_number_helptext id_id_number_error"', html)
    assert 'aria-invalid="true"' in html
    assert 'href="#id_id_number"' in html  # the error summary links to the field
    draft.refresh_from_db()
    assert "applicant" not in draft.data.get("completed", [])


def test_company_applicant_needs_credit_code_and_legal_representative(client, applicant_user):
    draft = _start(client, applicant_user)
    response = client.post(step_url(draft, "applicant"), applicant_post(kind="organization", id_number=""))
    html = _html(response)
    assert "单位申请人请填写统一社会信用代码。" in _error_of(html, "id_credit_code")
    assert "单位申请人请填写法定代表人。" in _error_of(html, "id_legal_representative")
    response = client.post(step_url(draft, "applicant"), applicant_post(
        kind="organization", credit_code="91500227MA5U0000X1", legal_representative="王强",
    ))
    assert "统一社会信用代码" in _error_of(_html(response), "id_credit_code")


def test_agent_fields_are_required_once_an_agent_is_named(client, applicant_user):
    draft = _start(client, applicant_user)
    response = client.post(step_url(draft, "applicant"), applicant_post(has_agent="on"))
    html = _html(response)
    assert "请填写代理人姓名。" in _error_of(html, "id_agent_name")
    assert "请填写代理人的联系电话。" in _error_of(html, "id_agent_phone")
    response = client.post(step_url(draft, "applicant"), applicant_post(
        has_agent="on", agent_name="赵律师", agent_id_number=id_number(), agent_phone="１３９００００１１１１",
    ))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["applicant"]["agent_phone"] == "13900001111"
    assert "授权委托书" in _html(client.get(step_url(draft, "evidence")))


def test_add_and_remove_respondents_without_javascript(client, applicant_user):
    draft = _start(client, applicant_user)
    url = step_url(draft, "respondents")
    html = _html(client.get(url))
    assert "添加一名被申请人" in html
    assert 'name="remove"' not in html  # a single respondent cannot be removed
    first = respondent_row(name="重庆甲公司")
    response = client.post(url, formset_post("respondents", [first], add="1"))
    assert response.status_code == 200
    html = _html(response)
    assert 'value="重庆甲公司"' in html
    assert 'name="respondents-1-name"' in html
    assert "被申请人2" in html
    assert 'role="status"' in html
    draft.refresh_from_db()
    assert "respondents" not in draft.data  # nothing saved by adding a row

    second = respondent_row(name="重庆乙商贸行", kind="person", identifier="")
    response = client.post(url, formset_post("respondents", [first, second], remove="0"))
    html = _html(response)
    assert 'value="重庆甲公司"' not in html and 'value="重庆乙商贸行"' in html
    assert 'name="respondents-1-name"' not in html

    response = client.post(url, formset_post("respondents", [first, second]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [r["name"] for r in draft.data["respondents"]] == ["重庆甲公司", "重庆乙商贸行"]
    assert draft.data["respondents"][1]["kind"] == "person"


def test_respondent_needs_name_and_address_and_a_valid_code_if_given(client, applicant_user):
    draft = _start(client, applicant_user)
    response = client.post(step_url(draft, "respondents"), formset_post("respondents", [
        respondent_row(name="", address="", identifier="12345"),
    ]))
    assert response.status_code == 400
    html = _html(response)
    assert "请填写被申请人的姓名或单位名称。" in _error_of(html, "id_respondents-0-name")
    assert "统一社会信用代码应为18位，您输入了5位。" in _error_of(html, "id_respondents-0-identifier")


def test_bad_patent_number_is_refused(client, applicant_user):
    draft = _start(client, applicant_user)
    response = client.post(step_url(draft, "rights"), formset_post("rights", [
        right_row(number="ZL202320123456.9" if not right_row()["number"].endswith("9") else "ZL202320123456.8"),
    ]))
    assert response.status_code == 400
    assert "专利申请号" in _error_of(_html(response), "id_rights-0-number")
    response = client.post(step_url(draft, "rights"), formset_post("rights", [right_row(number="")]))
    assert "请填写专利申请号。" in _error_of(_html(response), "id_rights-0-number")
    response = client.post(step_url(draft, "rights"), formset_post("rights", [
        right_row(kind="invention_patent"),  # a utility-model number under "invention"
    ]))
    assert "专利类型与所选权利类型不符" in _error_of(_html(response), "id_rights-0-number")
    canonical = right_row()["number"]  # ZL202320000123.4
    spaced = "zl " + " ".join([canonical[2:6], canonical[6], canonical[7:14]]) + canonical[-1].lower()
    response = client.post(step_url(draft, "rights"), formset_post("rights", [right_row(number=spaced)]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["rights"][0]["number"] == canonical


def test_future_knowledge_date_and_missing_claim_are_refused(client, applicant_user):
    draft = _start(client, applicant_user)
    client.post(step_url(draft, "rights"), formset_post("rights", [right_row()]))
    response = client.post(step_url(draft, "dispute"), dispute_post(
        knowledge_date="2099-01-01", claim_stop="", claim_damages="",
    ))
    assert response.status_code == 400
    html = _html(response)
    assert "知道权利受侵害的日期不能晚于今天。" in _error_of(html, "id_knowledge_date")
    assert "请至少选择一项请求。" in _error_of(html, "id_claim_stop")
    response = client.post(step_url(draft, "dispute"), dispute_post(damages_amount=""))
    assert "请填写要求赔偿的金额。" in _error_of(_html(response), "id_damages_amount")


def test_adjudication_is_refused_for_a_trademark(client, applicant_user):
    draft = _start(client, applicant_user)
    client.post(step_url(draft, "rights"), formset_post("rights", [
        right_row(kind="trademark", number="第12345678号", title="“璧山”文字商标"),
    ]))
    draft.refresh_from_db()
    assert draft.data["rights"][0]["number"] == "12345678"
    html = _html(client.get(step_url(draft, "dispute")))
    assert 'value="adjudication"' not in html  # not offered ...
    assert "您填写的涉案知识产权中没有专利" in html  # ... and explained
    response = client.post(step_url(draft, "dispute"), dispute_post(preferred_route="adjudication"))
    assert response.status_code == 400
    assert "行政裁决只适用于专利侵权纠纷" in _error_of(_html(response), "id_preferred_route")
    response = client.post(step_url(draft, "dispute"), dispute_post(preferred_route="mediation"))
    assert response.status_code == 302


def test_adjudication_for_a_patent_contract_dispute_is_refused(client, applicant_user):
    draft = _start(client, applicant_user)
    client.post(step_url(draft, "rights"), formset_post("rights", [right_row()]))
    response = client.post(step_url(draft, "dispute"), dispute_post(dispute_type="contract"))
    assert "请把纠纷类型选为“侵权纠纷”" in _error_of(_html(response), "id_preferred_route")


def _stored_draft_files():
    import os

    from django.core.files.storage import storages

    root = os.path.join(storages["private"].location, "drafts")
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


def test_evidence_upload_and_delete_and_refused_elf(client, applicant_user, django_capture_on_commit_callbacks):
    draft = _start(client, applicant_user)
    url = step_url(draft, "evidence")
    response = client.post(url, {"file": pdf(), "description": "专利证书", "action": "upload"})
    assert response.status_code == 302
    attachment = DraftAttachment.objects.get(draft=draft)
    assert attachment.original_name == "专利证书.pdf"
    assert attachment.description == "专利证书"
    assert attachment.file.storage.exists(attachment.file.name)

    response = client.post(url, {"file": elf_as_pdf(), "description": "发票", "action": "upload"})
    assert response.status_code == 400
    html = _html(response)
    assert "内容却是可执行程序" in _error_of(html, "id_file")
    assert DraftAttachment.objects.filter(draft=draft).count() == 1
    assert len(_stored_draft_files()) == 1  # the PDF only: nothing of the refused file reached the disk
    html = _html(client.get(url))
    assert "专利证书.pdf" in html and "发票.pdf" not in html

    response = client.post(url, {"action": "upload"})
    assert "请先选择要上传的文件。" in _error_of(_html(response), "id_file")

    name = attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"delete": str(attachment.pk)})
    assert response.status_code == 302
    assert not DraftAttachment.objects.filter(pk=attachment.pk).exists()
    assert not attachment.file.storage.exists(name)  # deleted after commit
    assert _stored_draft_files() == []

    response = client.post(url, {"action": "continue"})
    assert response.status_code == 400
    assert "请至少上传一份证据材料。" in _error_of(_html(response), "id_file")


def test_save_draft_and_resume_later_from_another_device(client, applicant_user):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    response = client.post(step_url(draft, "applicant"), applicant_post(name="李明明", action="save"))
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "applicant")
    page = client.get(response["Location"])
    assert "草稿已保存" in _html(page)
    assert 'value="李明明"' in _html(page)

    client.post(step_url(draft, "evidence"), {"file": pdf(), "description": "专利证书", "action": "upload"})

    from django.test import Client

    phone = Client()
    phone.force_login(applicant_user)
    home = _html(phone.get(reverse("home")))
    assert "继续填写申请" in home
    response = phone.get(reverse("intake:complaint_start"))
    assert response["Location"] == step_url(draft, "applicant")  # where it was saved
    assert ComplaintDraft.objects.filter(owner=applicant_user).count() == 1
    html = _html(phone.get(step_url(draft, "review")))
    assert "李明明" in html and "专利证书.pdf" in html
    assert "重庆被申请人0有限公司" in html
    assert "1. 请求责令被申请人立即停止侵权行为；" in html
    assert "人民币50,000.00元" in html


def test_another_user_cannot_open_or_post_the_draft(client, applicant_user):
    draft = _start(client, applicant_user)
    other = complainant()
    client.force_login(other)
    for step in ("applicant", "respondents", "evidence", "review"):
        assert client.get(step_url(draft, step)).status_code == 404
    assert client.post(step_url(draft, "applicant"), applicant_post()).status_code == 404
    assert client.post(step_url(draft, "review"), {"declaration": "on"}).status_code == 404
    assert client.get(reverse("intake:complaint_step", args=[draft.pk, "nonsense"])).status_code == 404


def test_review_lists_what_is_missing_with_links(client, applicant_user):
    draft = _start(client, applicant_user)
    client.post(step_url(draft, "applicant"), applicant_post())
    response = client.post(step_url(draft, "review"), {"declaration": "on"})
    assert response.status_code == 400
    html = _html(response)
    assert "申请还不能提交" in html
    assert step_url(draft, "respondents") + "?from=review" in html
    assert "请至少上传一份证据材料。" in html
    assert not Case.objects.exists()


def test_declaration_is_required(client, applicant_user, centre):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    client.post(step_url(draft, "evidence"), {"file": pdf(), "action": "upload"})
    response = client.post(step_url(draft, "review"), {})
    assert response.status_code == 400
    assert "请勾选承诺后再提交。" in _error_of(_html(response), "id_declaration")
    assert not Case.objects.exists()


def test_edit_from_review_returns_to_review(client, applicant_user):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    html = _html(client.get(step_url(draft, "rights") + "?from=review"))
    assert 'name="return_to" value="review"' in html
    assert "保存并返回核对" in html
    response = client.post(step_url(draft, "rights"), formset_post("rights", [right_row()], return_to="review"))
    assert response["Location"] == step_url(draft, "review")


def test_submit_files_the_case(client, applicant_user, centre, django_capture_on_commit_callbacks, mailoutbox):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft, respondents=2)
    evidence_url = step_url(draft, "evidence")
    client.post(evidence_url, {"file": pdf(), "description": "专利证书", "action": "upload"})
    response = client.post(
        evidence_url, {"file": pdf("侵权产品照片.pdf"), "description": "公证购买", "action": "continue"},
    )
    assert response["Location"] == step_url(draft, "review")
    draft_files = [a.file.name for a in DraftAttachment.objects.filter(draft=draft)]
    assert len(draft_files) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(step_url(draft, "review"), {"declaration": "on"})
    assert response.status_code == 302, _html(response)[-2000:]
    case = Case.objects.get()
    assert response["Location"] == reverse("intake:submitted", args=[case.pk])

    assert case.status == CaseStatus.SUBMITTED
    assert case.organization == centre
    assert case.number.startswith("（") and "字第0001号" in case.number
    assert case.dispute_type == "infringement" and case.preferred_route == "adjudication"
    assert case.claims.startswith("1. 请求责令被申请人立即停止侵权行为；")
    assert "人民币50,000.00元" in case.claims
    assert str(case.amount_in_dispute) == "50000.00"
    assert case.knowledge_date is not None and case.court_docketed is False
    applicant = case.parties.get(role=Party.PartyRole.APPLICANT)
    assert applicant.user == applicant_user and applicant.name == "李明"
    assert case.parties.filter(role=Party.PartyRole.RESPONDENT).count() == 2
    assert case.ip_rights.get().kind == "utility_model"
    evidence = list(Evidence.objects.filter(case=case).order_by("uploaded_at", "id"))
    assert len(evidence) == 2
    assert [e.description for e in evidence] == ["专利证书", "公证购买"]
    assert all(e.party == applicant and e.uploaded_by == applicant_user for e in evidence)
    assert all(e.file.storage.exists(e.file.name) for e in evidence)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "case_submitted" in kinds and "number_assigned" in kinds and kinds.count("evidence_added") == 2
    assert "deadline_opened" in kinds

    draft.refresh_from_db()
    assert draft.submitted_case == case and draft.submitted_at is not None
    assert not DraftAttachment.objects.filter(draft=draft).exists()
    from django.core.files.storage import storages
    assert not any(storages["private"].exists(name) for name in draft_files)

    notices = Notification.objects.filter(case=case, user=applicant_user)
    assert {n.channel for n in notices} == {"in_app", "sms", "email"}
    in_app = notices.get(channel="in_app")
    assert in_app.idempotency_key == f"complaint-submitted-{case.pk}:in_app"
    assert case.number in in_app.body and in_app.link == f"/cases/{case.pk}/"
    assert len(mailoutbox) == 1 and case.number in mailoutbox[0].body

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = _html(page)
    deadline = case.deadlines.get(kind="intake_triage")
    assert case.number in html
    assert f"{deadline.due_date.year}年{deadline.due_date.month}月{deadline.due_date.day}日" in html
    assert "站内消息" in html and "短信（138****5678）" in html
    assert ("暂定" in html) == deadline.provisional

    # the draft is closed now: its pages lead to the submitted page, and home offers a new application
    assert client.get(step_url(draft, "applicant"))["Location"] == reverse("intake:submitted", args=[case.pk])
    home = _html(client.get(reverse("home")))
    assert "继续填写申请" not in home and "开始网上申请" in home
    assert case.number in home


def test_submitting_twice_creates_one_case(client, applicant_user, centre):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    client.post(step_url(draft, "evidence"), {"file": pdf(), "action": "upload"})
    first = client.post(step_url(draft, "review"), {"declaration": "on"})
    second = client.post(step_url(draft, "review"), {"declaration": "on"})
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert first["Location"] == second["Location"] == reverse("intake:submitted", args=[case.pk])
    assert Evidence.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(case=case, channel="in_app").count() == 1


def test_case_create_refusal_is_shown_on_review_with_a_link_and_saves_nothing(
    client, applicant_user, centre, monkeypatch,
):
    from cases.intake import views as intake_views

    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    client.post(step_url(draft, "evidence"), {"file": pdf(), "action": "upload"})
    draft.refresh_from_db()
    data = draft.data
    data["respondents"][0]["identifier"] = "91500227MA5U0000X1"  # wrong check character
    ComplaintDraft.objects.filter(pk=draft.pk).update(data=data)
    # The review page re-checks the stored answers too; let the service be the one to refuse here.
    monkeypatch.setattr(intake_views, "review_problems", lambda draft: [])
    response = client.post(step_url(draft, "review"), {"declaration": "on"})
    assert response.status_code == 400
    html = _html(response)
    assert "被申请人“重庆被申请人0有限公司”的统一社会信用代码：" in html
    assert step_url(draft, "respondents") + "?from=review" in html
    assert not Case.objects.exists() and not Evidence.objects.exists()
    draft.refresh_from_db()
    assert draft.submitted_at is None
    assert DraftAttachment.objects.filter(draft=draft).count() == 1


def test_review_catches_stale_answers_before_submitting(client, applicant_user, centre):
    draft = _start(client, applicant_user)
    fill_all_steps(client, draft)
    client.post(step_url(draft, "evidence"), {"file": pdf(), "action": "upload"})
    # rights changed to a trademark after adjudication was chosen
    client.post(step_url(draft, "rights"), formset_post("rights", [
        right_row(kind="trademark", number="12345678", title="商标"),
    ]))
    response = client.post(step_url(draft, "review"), {"declaration": "on"})
    assert response.status_code == 400
    html = _html(response)
    assert "行政裁决只适用于专利侵权纠纷" in html
    assert step_url(draft, "dispute") + "?from=review" in html
    assert not Case.objects.exists()
