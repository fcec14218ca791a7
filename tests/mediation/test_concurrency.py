"""Two mediators claim the same case from the queue at the same moment: exactly one wins."""
import pytest
from rest_framework.test import APIClient

from cases.models import CaseStatus
from mediation.flow import open_tasks
from mediation.models import MediationAssignment
from tests.concurrency import errors, race, values
from tests.markers import postgres_only
from tests.mediation.conftest import in_mediation

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_two_mediators_claim_at_once_and_exactly_one_wins(med, people):
    case = in_mediation(med, people)

    def claim(user):
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(f"/api/v1/cases/{case.pk}/mediation/claim/", {"conflict": False}, format="json")
        return user.pk, (response.status_code, response.json())

    outcomes = race(lambda: claim(med.expert), lambda: claim(med.generalist))
    assert errors(outcomes) == []
    answers = dict(values(outcomes))
    codes = sorted(code for code, _body in answers.values())
    assert codes == [200, 409], answers
    loser = next(body for code, body in answers.values() if code == 409)
    assert loser["detail"] == "该案件已被认领或已指派给其他调解员。"
    assignment = MediationAssignment.objects.get(case=case)
    winner = next(pk for pk, (code, _body) in answers.items() if code == 200)
    assert assignment.mediator_id == winner and assignment.status == "accepted"
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    tasks = list(open_tasks(case))
    assert [t.flow_task.name for t in tasks] == ["mediate"] and tasks[0].owner_id == winner


def test_many_claims_at_once_leave_one_assignment(med, people):
    case = in_mediation(med, people)
    from mediation import services

    outcomes = race(*[(lambda u=u: services.mediation_claim(actor=u, case=case))
                      for u in (med.expert, med.generalist, med.health)])
    # the losers' ValidationError is the point
    assert sorted("won" if o.error is None else type(o.error).__name__ for o in outcomes) == [
        "ValidationError", "ValidationError", "won"]
    assert MediationAssignment.objects.filter(case=case).count() == 1
