"""Through Redis and a real worker: concurrent runs of the beat tasks invite each party once and send
each notice once; the statistics refresh runs once at a time."""
import json

import pytest

from cases.models import CaseStatus, Role
from cases.services import case_change_status, case_grant_user
from tests.factories import DistrictFactory, staff
from tests.markers import HAS_BROKER, ON_POSTGRES
from tests.statistics.world import accept, chain, parties

pytestmark = [
    pytest.mark.skipif(not (HAS_BROKER and ON_POSTGRES),
                       reason="needs Redis, a real Celery worker and the shared PostgreSQL test database"),
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_invitation_runs_invite_each_party_once(roles, tmp_path, real_broker):
    from cases.statistics.models import DailyFact
    from cases.statistics.tasks import refresh_aggregates
    from cases.surveys.models import SurveyInvitation
    from cases.surveys.tasks import invite_closed_cases
    from tests.factories import make_case
    from tests.worker import celery_worker, wait_for

    orgs = chain(DistrictFactory(name="璧山区", abbr="璧"), "璧山区", "璧")
    clerk = staff(Role.INTAKE_CLERK, orgs.centre)
    mediator = staff(Role.MEDIATOR, orgs.committee)
    cases = []
    for i in range(3):
        case = make_case(organization=orgs.centre,
                         parties=parties(applicant=f"李{i}明", applicant_phone=f"1390000{i:04d}"))
        accept(case, to=CaseStatus.MEDIATION_ASSIGNMENT, org=orgs.committee, actor=clerk)
        case_grant_user(case=case, user=mediator)
        case_change_status(case=case, actor=mediator, to=CaseStatus.MEDIATING)
        case_change_status(case=case, actor=mediator, to=CaseStatus.MEDIATED)
        cases.append(case)
    from cases.statistics.models import RefreshState

    sms = tmp_path / "sms.jsonl"
    with celery_worker(tmp_path, concurrency=2):
        for _ in range(4):
            invite_closed_cases.delay()
        for _ in range(2):
            refresh_aggregates.delay()
        assert wait_for(lambda: SurveyInvitation.objects.count() == 6, timeout=90)
        assert wait_for(lambda: sms.exists() and len(sms.read_text().splitlines()) >= 3, timeout=60)
        assert wait_for(lambda: RefreshState.objects.filter(last_finished_at__isnull=False).exists(), timeout=60)
        for _ in range(2):  # and later runs find nothing more to send
            invite_closed_cases.delay()
        assert not wait_for(lambda: len(sms.read_text().splitlines()) > 3, timeout=5)
    assert set(SurveyInvitation.objects.values_list("staff", flat=True)) == {mediator.pk}
    lines = [json.loads(line) for line in sms.read_text().splitlines()]
    assert sorted(m["phone"] for m in lines) == [f"1390000{i:04d}" for i in range(3)]  # one SMS each
    refresh_aggregates.apply()  # (eager here) whatever the worker did, the figures are right
    assert sum(DailyFact.objects.filter(handler=None).values_list("received", flat=True)) == 3
