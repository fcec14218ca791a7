"""补正 from the applicant's side: the panel on the case page and the answer."""
import pytest
from django.urls import reverse

from cases.intake.models import IntakeDecision
from cases.intake.services import intake_request_supplement
from cases.models import CaseStatus, Deadline, Role
from tests.factories import complainant, make_case, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplement_case(centre, applicant_user):
    clerk = staff(Role.INTAKE_CLERK, centre, full_name="王受理")
    respondent_user = complainant(full_name="被申请人账号")
    case = make_case(organization=centre, applicant_user=applicant_user)
    party = case.parties.get(role="respondent")
    party.user = respondent_user
    party.save(update_fields=["user"])
    from cases.services import case_grant_user

    case_grant_user(case=case, user=respondent_user)
    decision = intake_request_supplement(
        actor=clerk, case=case, items=["right_proof", "right_validity"], note="请补充专利证书原件的扫描件。",
    )
    return case, decision, respondent_user


def test_the_applicant_sees_what_to_supplement_and_by_when(client, applicant_user, supplement_case):
    case, decision, _respondent = supplement_case
    client.force_login(applicant_user)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "需要您补正" in html
    assert "权利证明（专利证书、商标注册证、著作权登记证书等）" in html
    assert "专利权有效的证明（年费缴纳凭证或专利登记簿副本）" in html
    assert "请补充专利证书原件的扫描件。" in html
    due = decision.due_date
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert reverse("cases:supplement_answer", args=[case.pk]) in html
    assert reverse("cases:evidence_upload", args=[case.pk]) in html
    assert '<label for="id_answer_text">补正说明</label>' in html


def test_the_respondent_does_not_see_the_panel_and_cannot_answer(client, supplement_case):
    case, _decision, respondent = supplement_case
    client.force_login(respondent)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "需要您补正" not in html
    response = client.post(reverse("cases:supplement_answer", args=[case.pk]), {"answer_text": "不是我的"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED


def test_a_stranger_gets_404(client, supplement_case, roles):
    case, _decision, _respondent = supplement_case
    client.force_login(complainant())
    response = client.post(reverse("cases:supplement_answer", args=[case.pk]), {"answer_text": "我来补正"})
    assert response.status_code == 404


def test_an_empty_answer_is_refused_beside_the_field(client, applicant_user, supplement_case):
    case, _decision, _respondent = supplement_case
    client.force_login(applicant_user)
    response = client.post(reverse("cases:supplement_answer", args=[case.pk]), {"answer_text": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_answer_text_error"><li>请说明补正了哪些材料或内容。</li></ul>' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED


def test_answering_sends_the_case_back_to_the_clerk(client, applicant_user, supplement_case):
    case, decision, _respondent = supplement_case
    client.force_login(applicant_user)
    response = client.post(
        reverse("cases:supplement_answer", args=[case.pk]), {"answer_text": "已上传专利证书扫描件和年费凭证。"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    decision.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert decision.answered_at is not None and decision.answer_text == "已上传专利证书扫描件和年费凭证。"
    assert case.events.filter(kind="supplement_answered").exists()
    assert case.deadlines.get(kind="intake_triage").state == Deadline.State.RUNNING
    html = client.get(response["Location"]).content.decode()
    assert "补正已提交" in html and "需要您补正" not in html
    # a second answer finds nothing to answer: a message, not an error page
    response = client.post(reverse("cases:supplement_answer", args=[case.pk]), {"answer_text": "再次提交"})
    assert response.status_code == 302
    assert IntakeDecision.objects.filter(case=case, kind="supplement").count() == 1


def test_get_is_not_allowed(client, applicant_user, supplement_case):
    case, _decision, _respondent = supplement_case
    client.force_login(applicant_user)
    assert client.get(reverse("cases:supplement_answer", args=[case.pk])).status_code == 405
