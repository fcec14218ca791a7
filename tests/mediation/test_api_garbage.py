"""Garbage into every mediation write of the API: a 4xx in JSON, never a 500, nothing changed."""
import datetime
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseEvent
from mediation import services
from tests.api.test_garbage import JSON_BODIES, OTHER_CONTENT
from tests.mediation.conftest import in_mediation

pytestmark = pytest.mark.django_db
ALLOWED = {400, 403, 404, 405, 409, 413, 415, 422, 429}

MORE_BODIES = [
    json.dumps({"mediator": 2**70, "party": -1, "days": 10**30, "starts_at": "9999-99-99",
                "mode": None, "attendees": [None, {}], "performance_due": "2026-02-30", "amount": "1e999",
                "approve": "maybe", "conflict": [], "statement": {}, "ground": ["x"], "result": 5,
                "delegation_kind": {}, "applicants": [None], "respondents": "x", "confirm": "yes"}).encode(),
    json.dumps({"password": "\x00" * 200, "terms": "\ud800", "attendees": ["长" * 200] * 60},
               ensure_ascii=False).encode("utf-8", "surrogatepass"),
]


@pytest.fixture
def world(med, people):
    case = in_mediation(med, people)
    services.mediation_claim(actor=med.expert, case=case)
    session = services.session_schedule(actor=med.expert, case=case, mode="in_person", place="第一调解室",
                                        starts_at=timezone.now() + datetime.timedelta(days=1))
    services.agreement_save(actor=med.expert, case=case, facts="事实", terms="停止侵权", performance="转账",
                            performance_due=timezone.localdate() + datetime.timedelta(days=5))
    services.agreement_issue(actor=med.expert, case=case)
    recusal = services.recusal_request(actor=people.respondent, case=case, ground="other", reasons="理由")
    extension = services.extension_request(actor=med.expert, case=case, days=5, reason="理由", parties_agreed=True,
                                           agreement_note="同意")
    c = f"/api/v1/cases/{case.pk}/mediation/"
    return [
        (med.director, c + "assign/"), (med.generalist, c + "claim/"), (med.expert, c + "accept/"),
        (med.expert, c + "decline/"), (med.expert, c + "release/"), (people.respondent, c + "recusals/"),
        (med.director, f"/api/v1/mediation/recusals/{recusal.pk}/decide/"), (med.expert, c + "sessions/"),
        (med.expert, f"/api/v1/mediation/sessions/{session.pk}/reschedule/"),
        (med.expert, f"/api/v1/mediation/sessions/{session.pk}/record/"),
        (med.expert, f"/api/v1/mediation/sessions/{session.pk}/missed/"),
        (med.expert, f"/api/v1/mediation/sessions/{session.pk}/cancel/"), (med.expert, c + "agreement/"),
        (med.expert, c + "agreement/issue/"), (people.applicant, c + "agreement/confirm/"),
        (med.expert, c + "agreement/signature/"), (med.expert, c + "agreement/sign/"),
        (med.director, c + "agreement/seal/"), (med.expert, c + "extensions/"),
        (med.director, f"/api/v1/mediation/extensions/{extension.pk}/decide/"), (med.expert, c + "follow-up/"),
        (med.expert, c + "terminate/"), (people.applicant, c + "judicial-confirmation/"),
        (med.clerk_station, "/api/v1/mediation/delegations/new/"),
    ]


def _changes():
    # A wrong password at confirmation is recorded on purpose (it counts towards the lock).
    return CaseEvent.objects.exclude(kind="mediation_agreement_confirm_failed").count()


def test_garbage_gets_a_4xx_in_json_and_changes_nothing(world):
    events = _changes()
    for user, url in world:
        client = APIClient()
        client.force_authenticate(user)
        for body in JSON_BODIES + MORE_BODIES:
            response = client.generic("POST", url, body, content_type="application/json")
            assert response.status_code in ALLOWED, (url, body[:80], response.status_code, response.content[:300])
            assert response["Content-Type"].startswith("application/json"), url
        for content_type, body in OTHER_CONTENT:
            response = client.generic("POST", url, body, content_type=content_type)
            assert response.status_code in ALLOWED, (url, content_type, response.status_code)
    assert _changes() == events
