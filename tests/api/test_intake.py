"""The intake clerk through the API: queue, accept (routing), supplement, refuse."""
import pytest

from cases.intake.models import IntakeDecision
from cases.models import CaseEvent, CaseStatus, Deadline, Role
from mediation.models import MediationConsent
from tests.factories import OrganizationFactory, make_case, staff


@pytest.fixture
def case(alice, centre, chain):
    return make_case(organization=centre, applicant_user=alice)


def _post(api, case, action, data):
    return api.post(f"/api/v1/intake/{case.pk}/{action}/", data, format="json")


@pytest.mark.django_db
def test_queue_lists_the_clerks_pending_complaints(api, clerk, case, centre):
    other = make_case(organization=OrganizationFactory(name="长寿区知识产权保护中心"))
    api.force_authenticate(clerk)
    response = api.get("/api/v1/intake/queue/")
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert item["id"] == case.pk and item["status"] == "submitted" and item["due_state"] == "running"
    assert item["due_date"] == Deadline.objects.get(case=case, kind="intake_triage").due_date.isoformat()
    assert other.pk not in [r["id"] for r in body["results"]]


@pytest.mark.django_db
def test_queue_is_for_intake_clerks(api, alice, case):
    api.force_authenticate(alice)
    assert api.get("/api/v1/intake/queue/").status_code == 403


@pytest.mark.django_db
def test_accept_to_mediation(api, clerk, case, chain):
    api.force_authenticate(clerk)
    response = _post(api, case, "accept", {"route": "mediation", "note": "材料齐全"})
    assert response.status_code == 200, response.content
    body = response.json()
    case.refresh_from_db()
    assert body["case"]["status"] == case.status == CaseStatus.MEDIATION_CONSENT
    assert body["case"]["organization"] == chain["committee"].name
    decision = IntakeDecision.objects.get(pk=body["decision_id"])
    assert decision.kind == "accept" and decision.route == "mediation" and decision.decided_by == clerk
    assert MediationConsent.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="intake_accepted", actor=clerk).exists()
    assert CaseEvent.objects.filter(case=case, kind="document_issued").exists()


@pytest.mark.django_db
def test_accept_to_adjudication_and_litigation(api, clerk, alice, centre, chain):
    api.force_authenticate(clerk)
    patent = make_case(organization=centre, applicant_user=alice)
    assert _post(api, patent, "accept", {"route": "adjudication"}).json()["case"]["status"] == "adjudication_review"
    court = make_case(organization=centre, applicant_user=alice)
    assert _post(api, court, "accept", {"route": "litigation"}).json()["case"]["status"] == "transferred"


@pytest.mark.django_db
def test_adjudication_only_for_patent_infringement(api, clerk, alice, centre, chain):
    trademark = make_case(organization=centre, applicant_user=alice, ip_kind="trademark")
    api.force_authenticate(clerk)
    response = _post(api, trademark, "accept", {"route": "adjudication"})
    assert response.status_code == 400
    assert "专利侵权" in response.json()["route"][0]
    trademark.refresh_from_db()
    assert trademark.status == CaseStatus.SUBMITTED and not IntakeDecision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"route": "arbitration"}, {"route": None}, {"route": ["mediation"]},
                                  {"route": "mediation", "note": "x" * 2001}])
def test_accept_validates_the_route(api, clerk, case, body):
    api.force_authenticate(clerk)
    response = _post(api, case, "accept", body)
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_unknown_route_names_the_allowed_ones(api, clerk, case):
    api.force_authenticate(clerk)
    message = _post(api, case, "accept", {"route": "arbitration"}).json()["route"][0]
    assert "“arbitration”不是有效的分流去向" in message and "mediation（调解）" in message


@pytest.mark.django_db
def test_complainant_is_403_and_another_organisations_clerk_404(api, alice, case):
    api.force_authenticate(alice)
    for action, data in [("accept", {"route": "mediation"}), ("supplement", {"items": ["claims"]}),
                         ("refuse", {"grounds": ["not_ip"]})]:
        assert _post(api, case, action, data).status_code == 403
    outsider = staff(Role.INTAKE_CLERK, OrganizationFactory(name="长寿区知识产权保护中心"))
    api.force_authenticate(outsider)
    for action, data in [("accept", {"route": "mediation"}), ("supplement", {"items": ["claims"]}),
                         ("refuse", {"grounds": ["not_ip"]})]:
        assert _post(api, case, action, data).status_code == 404
    assert _post(api, case, "accept", {"route": "mediation"}).content == api.post(
        "/api/v1/intake/999999/accept/", {"route": "mediation"}, format="json").content
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_supplement(api, clerk, case):
    api.force_authenticate(clerk)
    response = _post(api, case, "supplement", {"items": ["applicant_id", "infringement_evidence"], "note": "请补充"})
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == CaseStatus.SUPPLEMENT_REQUESTED
    decision = IntakeDecision.objects.get(pk=response.json()["decision_id"])
    assert decision.missing_items == ["applicant_id", "infringement_evidence"]
    assert Deadline.objects.get(case=case, kind="intake_triage").state == Deadline.State.STOPPED


@pytest.mark.django_db
def test_supplement_validation(api, clerk, case):
    api.force_authenticate(clerk)
    unknown = _post(api, case, "supplement", {"items": ["claims", "bribe"]})
    assert unknown.status_code == 400
    assert "“bribe”不是有效的补正事项" in unknown.json()["items[1]"][0]
    empty = _post(api, case, "supplement", {"items": [], "note": "  "})
    assert empty.status_code == 400
    assert empty.json()["items"] == ["请至少列出一项需要补正的材料。"]
    assert _post(api, case, "supplement", {"items": "claims"}).status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_refuse(api, clerk, case):
    api.force_authenticate(clerk)
    response = _post(api, case, "refuse", {"grounds": ["not_ip", "jurisdiction"], "reason_text": "不属于本区"})
    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == CaseStatus.REFUSED and case.closed_at is not None
    assert response.json()["case"]["status_display"] == "不予受理"
    assert IntakeDecision.objects.get().grounds == ["not_ip", "jurisdiction"]


@pytest.mark.django_db
def test_refuse_validation(api, clerk, case):
    api.force_authenticate(clerk)
    assert _post(api, case, "refuse", {"grounds": []}).json()["grounds"] == ["请至少选择一项不予受理的理由。"]
    other = _post(api, case, "refuse", {"grounds": ["other"]})
    assert other.status_code == 400 and "其他理由" in other.json()["reason_text"][0]
    assert _post(api, case, "refuse", {"grounds": ["whim"]}).status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.django_db
def test_wrong_status_is_409_in_chinese(api, clerk, case):
    api.force_authenticate(clerk)
    assert _post(api, case, "refuse", {"grounds": ["not_ip"]}).status_code == 200
    for action, data in [("accept", {"route": "mediation"}), ("supplement", {"items": ["claims"]}),
                         ("refuse", {"grounds": ["not_ip"]})]:
        response = _post(api, case, action, data)
        assert response.status_code == 409, (action, response.content)
        assert response.json() == {"detail": "案件当前状态为“不予受理”，不能进行此操作。", "code": "status"}
    assert IntakeDecision.objects.count() == 1


@pytest.mark.django_db
def test_accepted_case_cannot_be_accepted_again(api, clerk, case):
    api.force_authenticate(clerk)
    assert _post(api, case, "accept", {"route": "mediation"}).status_code == 200
    # The case moved to the committee: the centre keeps read access, the answer is a conflict.
    again = _post(api, case, "accept", {"route": "mediation"})
    assert again.status_code == 409
    assert "征询调解意愿" in again.json()["detail"]


@pytest.mark.django_db
def test_missing_committee_is_a_conflict_and_changes_nothing(api, clerk, alice, centre):
    case = make_case(organization=centre, applicant_user=alice)
    api.force_authenticate(clerk)
    response = _post(api, case, "accept", {"route": "mediation"})
    assert response.status_code == 409
    assert "调解委员会" in response.json()["detail"]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED and case.accepted_at is None
    assert not IntakeDecision.objects.exists()
