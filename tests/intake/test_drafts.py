"""The draft services on their own."""
import pytest
from django.core.exceptions import ValidationError

from cases.intake import drafts
from cases.intake.models import ComplaintDraft, DraftAttachment
from cases.models import Case, Organization, Role
from cases.uploads import UploadRejected
from tests.factories import complainant, staff
from tests.intake.conftest import elf_as_pdf, pdf

pytestmark = pytest.mark.django_db


def _complete_draft(owner):
    from tests.factories import credit_code, id_number, patent_number

    draft = drafts.draft_get_or_create(owner=owner)
    drafts.draft_save_step(draft=draft, step="applicant", data={
        "kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678", "email": "",
        "address": "重庆市璧山区", "has_agent": True, "agent_name": "赵律师", "agent_id_number": id_number(),
        "agent_phone": "13900001111",
    })
    drafts.draft_save_step(draft=draft, step="respondents", data=[{
        "kind": "organization", "name": "重庆某公司", "identifier": credit_code(), "address": "重庆市璧山区",
        "phone": "",
    }])
    drafts.draft_save_step(draft=draft, step="rights", data=[{
        "kind": "utility_model", "number": patent_number(), "title": "一种装置", "holder": "",
    }])
    import datetime
    from decimal import Decimal

    drafts.draft_save_step(draft=draft, step="dispute", data={
        "dispute_type": "infringement", "industry": None, "facts": "被申请人未经许可制造销售侵权产品，数量很大。",
        "claim_stop": True, "claim_damages": False, "damages_amount": None, "claim_other": True,
        "claim_other_text": "请求公开赔礼道歉", "amount_in_dispute": Decimal("1000.50"),
        "knowledge_date": datetime.date(2026, 1, 5), "court_involved": "no", "preferred_route": "mediation",
    })
    return draft


def test_get_or_create_resumes_the_latest_open_draft(roles):
    owner = complainant()
    first = drafts.draft_get_or_create(owner=owner)
    assert drafts.draft_get_or_create(owner=owner) == first
    assert ComplaintDraft.objects.count() == 1


def test_save_step_stores_json_values(roles):
    draft = _complete_draft(complainant())
    draft.refresh_from_db()
    assert draft.data["dispute"]["amount_in_dispute"] == "1000.50"
    assert draft.data["dispute"]["knowledge_date"] == "2026-01-05"
    assert draft.data["completed"] == ["applicant", "respondents", "rights", "dispute"]
    with pytest.raises(ValueError):
        drafts.draft_save_step(draft=draft, step="review", data={})


def test_attach_refuses_an_executable_and_stores_nothing(roles):
    draft = drafts.draft_get_or_create(owner=complainant())
    with pytest.raises(UploadRejected) as exc:
        drafts.draft_attach(draft=draft, uploaded_file=elf_as_pdf(), description="发票")
    assert exc.value.code == "executable"
    assert not DraftAttachment.objects.exists()
    with pytest.raises(ValidationError):
        drafts.draft_attach(draft=draft, uploaded_file=pdf(), description="长" * 301)
    assert not DraftAttachment.objects.exists()
    assert not drafts.draft_remove_attachment(draft=draft, attachment_id="x")
    assert not drafts.draft_remove_attachment(draft=draft, attachment_id=999)


def test_submit_builds_agent_claims_and_is_idempotent(roles, centre):
    owner = complainant()
    draft = _complete_draft(owner)
    drafts.draft_attach(draft=draft, uploaded_file=pdf("授权委托书.pdf"), description="授权委托书")
    case = drafts.draft_submit(draft=draft, actor=owner, ip_address="10.0.0.8")
    applicant = case.parties.get(role="applicant")
    agent = case.parties.get(role="agent")
    assert agent.represents == applicant and agent.name == "赵律师"
    assert case.claims == "1. 请求责令被申请人立即停止侵权行为；\n2. 请求公开赔礼道歉。"
    assert case.events.filter(kind="case_submitted", ip_address="10.0.0.8").exists()
    assert drafts.draft_submit(draft=draft, actor=owner) == case
    assert Case.objects.count() == 1
    with pytest.raises(ValidationError):
        drafts.draft_save_step(draft=draft, step="applicant", data={})


def test_submit_by_someone_else_is_refused(roles, centre):
    draft = _complete_draft(complainant())
    drafts.draft_attach(draft=draft, uploaded_file=pdf())
    with pytest.raises(ValidationError):
        drafts.draft_submit(draft=draft, actor=complainant())
    assert not Case.objects.exists()


def test_submit_without_a_protection_centre_explains_and_saves_nothing(roles):
    draft = _complete_draft(complainant())
    drafts.draft_attach(draft=draft, uploaded_file=pdf())
    assert not Organization.objects.exists()
    with pytest.raises(drafts.DraftSubmitError) as exc:
        drafts.draft_submit(draft=draft, actor=draft.owner)
    assert "尚未设置受理机构" in exc.value.problems[0].message
    draft.refresh_from_db()
    assert draft.submitted_at is None


def test_submit_adds_the_complainant_role_to_a_party_account(roles, centre):
    owner = complainant()
    from cases.services import user_set_roles

    user_set_roles(user=owner, roles=[Role.RESPONDENT])
    draft = _complete_draft(owner)
    drafts.draft_attach(draft=draft, uploaded_file=pdf())
    drafts.draft_submit(draft=draft, actor=owner)
    owner.refresh_from_db()
    assert owner.roles == frozenset({Role.RESPONDENT, Role.COMPLAINANT})


def test_staff_filing_keep_their_roles(roles, centre):
    clerk = staff(Role.INTAKE_CLERK, centre)
    draft = _complete_draft(clerk)
    drafts.draft_attach(draft=draft, uploaded_file=pdf())
    drafts.draft_submit(draft=draft, actor=clerk)
    assert clerk.roles == frozenset({Role.INTAKE_CLERK})


def test_compose_claims():
    assert drafts.compose_claims({"claim_stop": True}) == "请求责令被申请人立即停止侵权行为。"
    assert drafts.compose_claims({"claim_damages": True, "damages_amount": "1234.5"}) == \
        "请求被申请人赔偿经济损失人民币1,234.50元。"
    assert drafts.compose_claims({}) == ""
