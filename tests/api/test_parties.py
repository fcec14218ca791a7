"""The applicant's and the respondent's actions: supplement answer, withdrawal, next route, consent."""
import pytest

from cases.intake.services import intake_request_supplement
from cases.models import CaseEvent, CaseStatus, Deadline
from mediation.models import MediationConsent
from tests.api.conftest import case_with_respondent_user
from tests.factories import complainant, make_case
from workflows import router


@pytest.fixture
def case(alice, centre, chain):
    return make_case(organization=centre, applicant_user=alice)


@pytest.fixture
def mediation_case(alice, respondent_user, centre, chain, clerk):
    case = case_with_respondent_user(organization=centre, applicant_user=alice, respondent_user=respondent_user)
    router.accept_complaint(actor=clerk, case=case, route="mediation")
    case.refresh_from_db()
    return case


def _post(api, case, action, data):
    return api.post(f"/api/v1/cases/{case.pk}/{action}/", data, format="json")


# -- supplement answer ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_applicant_answers_a_supplement_request(api, alice, clerk, case):
    intake_request_supplement(actor=clerk, case=case, items=["claims"])
    api.force_authenticate(alice)
    response = _post(api, case, "supplement-answer", {"answer_text": "已补充请求事项"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "submitted"
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert Deadline.objects.get(case=case, kind="intake_triage").state == Deadline.State.RUNNING
    assert CaseEvent.objects.filter(case=case, kind="supplement_answered", actor=alice).exists()


@pytest.mark.django_db
def test_supplement_answer_rules(api, alice, clerk, case):
    api.force_authenticate(alice)
    early = _post(api, case, "supplement-answer", {"answer_text": "x"})
    assert early.status_code == 409 and "待受理" in early.json()["detail"]
    intake_request_supplement(actor=clerk, case=case, items=["claims"])
    api.force_authenticate(clerk)  # sees the case, is not its applicant
    assert _post(api, case, "supplement-answer", {}).status_code == 403
    api.force_authenticate(complainant())
    assert _post(api, case, "supplement-answer", {}).status_code == 404
    api.force_authenticate(alice)
    assert _post(api, case, "supplement-answer", {"answer_text": "x" * 2001}).status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED


# -- withdrawal -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_applicant_withdraws(api, alice, case):
    api.force_authenticate(alice)
    response = _post(api, case, "withdraw", {"reason": "已与对方和解"})
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn" and response.json()["closed_at"]
    case.refresh_from_db()
    assert case.status == CaseStatus.WITHDRAWN
    assert not Deadline.objects.filter(case=case, state=Deadline.State.RUNNING).exists()
    event = CaseEvent.objects.get(case=case, kind="status_changed", actor=alice)
    assert event.message == "已与对方和解" and event.after["status"] == "withdrawn"
    again = _post(api, case, "withdraw", {})
    assert again.status_code == 409
    assert again.json() == {"detail": "案件已经结束，不能撤回。", "code": "closed"}


@pytest.mark.django_db
def test_only_the_applicant_may_withdraw(api, mediation_case, respondent_user, clerk):
    api.force_authenticate(respondent_user)
    assert _post(api, mediation_case, "withdraw", {}).status_code == 403
    api.force_authenticate(clerk)
    assert _post(api, mediation_case, "withdraw", {}).status_code == 403
    api.force_authenticate(complainant())
    assert _post(api, mediation_case, "withdraw", {}).status_code == 404
    mediation_case.refresh_from_db()
    assert mediation_case.status == CaseStatus.MEDIATION_CONSENT


# -- consent ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_respondent_agrees_to_mediate(api, respondent_user, mediation_case):
    api.force_authenticate(respondent_user)
    response = _post(api, mediation_case, "consent", {"agreed": True})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "agreed"
    assert response.json()["case"]["status"] == "mediation_assignment"
    consent = MediationConsent.objects.get(case=mediation_case)
    assert consent.agreed is True and consent.channel == MediationConsent.Channel.API
    assert consent.recorded_by == respondent_user
    assert CaseEvent.objects.filter(case=mediation_case, kind="mediation_consent_answered").exists()
    again = _post(api, mediation_case, "consent", {"agreed": False, "reason": "改主意了"})
    assert again.status_code == 409
    assert "不在征询调解意愿阶段" in again.json()["detail"]


@pytest.mark.django_db
def test_respondent_refuses_with_a_reason_and_mediation_ends(api, respondent_user, mediation_case):
    api.force_authenticate(respondent_user)
    no_reason = _post(api, mediation_case, "consent", {"agreed": False})
    assert no_reason.status_code == 400
    assert no_reason.json()["reason"] == ["请简要说明不同意调解的理由。"]
    response = _post(api, mediation_case, "consent", {"agreed": False, "reason": "不存在侵权"})
    assert response.status_code == 200
    assert response.json()["state"] == "refused"
    mediation_case.refresh_from_db()
    assert mediation_case.status == CaseStatus.MEDIATION_TERMINATED


@pytest.mark.django_db
def test_consent_rules(api, alice, respondent_user, centre, chain, mediation_case):
    api.force_authenticate(alice)  # the applicant is not a respondent
    assert _post(api, mediation_case, "consent", {"agreed": True}).status_code == 403
    api.force_authenticate(complainant())
    assert _post(api, mediation_case, "consent", {"agreed": True}).status_code == 404
    api.force_authenticate(respondent_user)
    for body in ({}, {"agreed": "perhaps"}, {"agreed": None}, {"agreed": [True]}):
        assert _post(api, mediation_case, "consent", body).status_code == 400
    not_yet = case_with_respondent_user(organization=centre, applicant_user=alice, respondent_user=respondent_user)
    response = _post(api, not_yet, "consent", {"agreed": True})
    assert response.status_code == 409
    assert "没有需要您答复的调解邀请" in response.json()["detail"]
    assert MediationConsent.objects.get(case=mediation_case).answered_at is None


# -- next route -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_after_failed_mediation_the_applicant_asks_for_adjudication(api, alice, respondent_user, mediation_case,
                                                                    chain):
    api.force_authenticate(alice)
    early = _post(api, mediation_case, "next-route", {"route": "adjudication"})
    assert early.status_code == 409 and "调解终止后" in early.json()["detail"]
    api.force_authenticate(respondent_user)
    _post(api, mediation_case, "consent", {"agreed": False, "reason": "不同意"})
    assert _post(api, mediation_case, "next-route", {"route": "adjudication"}).status_code == 403
    api.force_authenticate(alice)
    assert _post(api, mediation_case, "next-route", {"route": "mediation"}).status_code == 400
    response = _post(api, mediation_case, "next-route", {"route": "adjudication"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "adjudication_review"
    assert response.json()["organization"] == chain["office"].name


@pytest.mark.django_db
def test_trademark_case_may_only_go_to_court(api, alice, respondent_user, centre, chain, clerk):
    case = case_with_respondent_user(organization=centre, applicant_user=alice, respondent_user=respondent_user,
                                     ip_kind="trademark")
    router.accept_complaint(actor=clerk, case=case, route="mediation")
    api.force_authenticate(respondent_user)
    _post(api, case, "consent", {"agreed": False, "reason": "不同意"})
    api.force_authenticate(alice)
    refused = _post(api, case, "next-route", {"route": "adjudication"})
    assert refused.status_code == 400 and "route" in refused.json()
    assert _post(api, case, "next-route", {"route": "litigation"}).json()["status"] == "transferred"
