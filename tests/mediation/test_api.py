"""REST API v1 of 快调: every action, with 403 for a wrong role, 404 for an invisible case, 409 for
the wrong state, 400 with Chinese messages for bad input, 429 for a locked confirmation."""
import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import CaseStatus
from mediation.models import MediationSession
from tests.factories import complainant, credit_code, id_number
from tests.mediation.conftest import PASSWORD, in_mediation, new_case

pytestmark = pytest.mark.django_db


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _url(case, tail=""):
    return f"/api/v1/cases/{case.pk}/mediation/{tail}"


def test_whole_flow_through_the_api(med, people):
    case = in_mediation(med, people)
    director, expert = _as(med.director), _as(med.expert)
    candidates = director.get(_url(case, "candidates/")).json()
    assert candidates[0]["mediator"]["name"] == "张调解" and candidates[0]["score"] > candidates[1]["score"]
    board = director.get("/api/v1/mediation/board/").json()
    assert [c["id"] for c in board["unassigned"]] == [case.pk]
    assert expert.get("/api/v1/mediation/queue/").json()["results"][0]["id"] == case.pk
    state = director.post(_url(case, "assign/"), {"mediator": med.expert.pk}, format="json").json()
    assert state["assignment"]["status"] == "pending" and state["steps"] == ["接受指派"]
    mine = expert.get("/api/v1/mediation/my-cases/").json()["results"]
    assert mine[0]["id"] == case.pk and mine[0]["offered"] is True and mine[0]["steps"] == ["接受指派"]
    assert expert.post(_url(case, "accept/"), {"conflict": False}, format="json").status_code == 200
    starts = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    created = expert.post(_url(case, "sessions/"), {"mode": "online", "starts_at": starts,
                                                    "meeting_link": "https://meet.example.cn/1"}, format="json")
    assert created.status_code == 201
    session = created.json()["sessions"][0]
    MediationSession.objects.filter(pk=session["id"]).update(starts_at=timezone.now())
    recorded = expert.post(f"/api/v1/mediation/sessions/{session['id']}/record/",
                           {"attendees": ["李明", "王某"], "summary": "达成一致"}, format="json")
    assert recorded.status_code == 200 and recorded.json()["sessions"][0]["status"] == "held"
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    saved = expert.post(_url(case, "agreement/"), {"facts": "事实", "terms": "停止侵权\n赔偿一万元",
                                                   "performance": "转账", "performance_due": due}, format="json")
    assert saved.json()["agreement"]["status"] == "draft"
    issued = expert.post(_url(case, "agreement/issue/"), {"confirm": True}, format="json").json()
    assert issued["agreement"]["status"] == "confirming" and len(issued["agreement"]["draft_sha256"]) == 64
    applicant, respondent = _as(people.applicant), _as(people.respondent)
    confirmed = applicant.post(_url(case, "agreement/confirm/"), {"password": PASSWORD}, format="json",
                               REMOTE_ADDR="192.0.2.7")
    assert confirmed.status_code == 200
    confirmation = confirmed.json()["agreement"]["confirmations"][0]
    assert confirmation["ip_address"] == "192.0.2.7" and confirmation["document_sha256"] == issued["agreement"][
        "draft_sha256"]
    assert respondent.post(_url(case, "agreement/confirm/"), {"password": PASSWORD}, format="json").status_code == 200
    assert expert.post(_url(case, "agreement/sign/"), {"confirm": True}, format="json").status_code == 200
    # The committee's seal is the director's.
    assert expert.post(_url(case, "agreement/seal/"), {"confirm": True}, format="json").status_code == 403
    sealed = director.post(_url(case, "agreement/seal/"), {"confirm": True}, format="json").json()
    assert sealed["case"]["status"] == "mediated" and sealed["agreement"]["status"] == "effective"
    joined = applicant.post(_url(case, "judicial-confirmation/"), {"confirm": True}, format="json").json()
    assert joined["filed"] is False
    filed = respondent.post(_url(case, "judicial-confirmation/"), {"confirm": True}, format="json").json()
    assert filed["filed"] is True and filed["state"]["case"]["status"] == "confirmation_pending"
    followed = expert.post(_url(case, "follow-up/"), {"result": "performed", "contact": "电话回访"}, format="json")
    assert followed.status_code == 200 and followed.json()["steps"] == []


def test_roles_visibility_and_state_conflicts(med, people):
    case = in_mediation(med, people)
    applicant, expert, director = _as(people.applicant), _as(med.expert), _as(med.director)
    assert applicant.get("/api/v1/mediation/board/").status_code == 403
    assert expert.get("/api/v1/mediation/board/").status_code == 403
    assert applicant.get("/api/v1/mediation/queue/").status_code == 403
    assert applicant.post(_url(case, "assign/"), {"mediator": med.expert.pk}, format="json").status_code == 403
    assert expert.post(_url(case, "assign/"), {"mediator": med.expert.pk}, format="json").status_code == 403
    stranger = _as(complainant())
    assert stranger.get(_url(case)).status_code == 404
    assert stranger.post(_url(case, "agreement/confirm/"), {"password": "x"}, format="json").status_code == 404
    assert director.get("/api/v1/cases/99999999/mediation/").status_code == 404
    # The wrong state: 409 with a Chinese message.
    response = expert.post(_url(case, "agreement/issue/"), {"confirm": True}, format="json")
    assert response.status_code in (403, 409)
    assert expert.post(_url(case, "accept/"), {}, format="json").status_code == 409
    assert expert.post(_url(case, "claim/"), {}, format="json").status_code == 200
    again = _as(med.generalist).post(_url(case, "claim/"), {}, format="json")
    assert again.status_code == 409 and again.json()["detail"] == "该案件已被认领或已指派给其他调解员。"
    # Only the case's mediator works on it.
    other = _as(med.generalist).post(_url(case, "release/"), {"reason": "x"}, format="json")
    assert other.status_code == 403


def test_bad_input_is_400_in_chinese_and_saves_nothing(med, people):
    case = in_mediation(med, people)
    expert = _as(med.expert)
    expert.post(_url(case, "claim/"), {}, format="json")
    response = expert.post(_url(case, "sessions/"), {"mode": "boat", "starts_at": "tomorrow"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "不是有效的调解方式" in body["mode"][0] and "starts_at" in body
    response = expert.post(_url(case, "sessions/"), {"mode": "online", "starts_at": "2020-01-01T10:00:00+08:00"},
                           format="json")
    assert response.status_code == 400
    assert response.json()["starts_at"] == ["开始时间应晚于现在。"] and response.json()["meeting_link"]
    assert not MediationSession.objects.exists()
    response = expert.post(_url(case, "extensions/"), {"days": 500, "reason": "", "parties_agreed": False,
                                                       "agreement_note": ""}, format="json")
    assert response.status_code == 400 and "days" in response.json()
    assert expert.post(_url(case, "assign/"), "not json", content_type="application/json").status_code in (400, 403)


def test_wrong_passwords_lock_the_confirmation_with_429(med, people):
    case = in_mediation(med, people)
    expert = _as(med.expert)
    expert.post(_url(case, "claim/"), {}, format="json")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    expert.post(_url(case, "agreement/"), {"facts": "事实", "terms": "停止侵权", "performance": "转账",
                                           "performance_due": due}, format="json")
    expert.post(_url(case, "agreement/issue/"), {"confirm": True}, format="json")
    applicant = _as(people.applicant)
    for left in (4, 3, 2, 1):
        wrong = applicant.post(_url(case, "agreement/confirm/"), {"password": "nope"}, format="json")
        assert wrong.status_code == 400 and f"再错{left}次" in wrong.json()["password"][0]
    locked = applicant.post(_url(case, "agreement/confirm/"), {"password": "nope"}, format="json")
    assert locked.status_code == 429 and "锁定30分钟" in locked.json()["detail"]
    right = applicant.post(_url(case, "agreement/confirm/"), {"password": PASSWORD}, format="json")
    assert right.status_code == 429
    # Staff are not parties: 403.
    assert expert.post(_url(case, "agreement/confirm/"), {"password": "x"}, format="json").status_code == 403


def test_recusal_and_extension_decisions(med, people):
    case = in_mediation(med, people)
    _as(med.expert).post(_url(case, "claim/"), {}, format="json")
    respondent = _as(people.respondent)
    bad = respondent.post(_url(case, "recusals/"), {"ground": "whim", "reasons": ""}, format="json")
    assert bad.status_code == 400 and "不是有效的回避事由" in bad.json()["ground"][0]
    made = respondent.post(_url(case, "recusals/"), {"ground": "interest", "reasons": "利害关系"}, format="json")
    assert made.status_code == 201
    recusal_id = made.json()["recusals"][0]["id"]
    assert _as(med.expert).post(f"/api/v1/mediation/recusals/{recusal_id}/decide/", {"approve": True},
                                format="json").status_code == 403
    rejected = _as(med.director).post(f"/api/v1/mediation/recusals/{recusal_id}/decide/", {"approve": False},
                                      format="json")
    assert rejected.status_code == 400 and rejected.json()["note"]
    decided = _as(med.director).post(f"/api/v1/mediation/recusals/{recusal_id}/decide/",
                                     {"approve": False, "note": "理由不成立"}, format="json")
    assert decided.status_code == 200 and decided.json()["recusals"][0]["status"] == "rejected"
    again = _as(med.director).post(f"/api/v1/mediation/recusals/{recusal_id}/decide/",
                                   {"approve": True}, format="json")
    assert again.status_code == 409
    ext = _as(med.expert).post(_url(case, "extensions/"), {"days": 10, "reason": "核对账目", "parties_agreed": True,
                                                           "agreement_note": "双方书面同意"}, format="json")
    assert ext.status_code == 201
    approved = _as(med.director).post(f"/api/v1/mediation/extensions/{ext.json()['extensions'][0]['id']}/decide/",
                                      {"approve": True}, format="json")
    assert approved.status_code == 200


def test_termination_and_court_delegation(med, people):
    case = in_mediation(med, people)
    _as(med.expert).post(_url(case, "claim/"), {}, format="json")
    assert _as(people.applicant).post(_url(case, "terminate/"), {"reason": "no_agreement"},
                                      format="json").status_code == 403
    done = _as(med.expert).post(_url(case, "terminate/"), {"reason": "no_agreement", "note": "分歧较大"},
                                format="json")
    assert done.status_code == 200 and done.json()["case"]["status"] == CaseStatus.MEDIATION_TERMINATED
    again = _as(med.director).post(_url(case, "terminate/"), {"reason": "no_agreement"}, format="json")
    assert again.status_code == 409 and "不能变更为" in again.json()["detail"]
    station = _as(med.clerk_station)
    payload = {
        "court_reference": "（2026）渝0120民诉前调7号", "delegation_kind": "delegated",
        "applicants": [{"kind": "person", "name": "何某", "id_number": id_number(), "phone": "13900001234"}],
        "respondents": [{"kind": "organization", "name": "重庆某公司", "credit_code": credit_code()}],
        "ip_rights": [{"kind": "copyright", "title": "某软件"}], "dispute_type": "infringement",
        "facts": "被告复制发行涉案软件。", "claims": "停止侵权。",
    }
    assert _as(med.expert).post("/api/v1/mediation/delegations/new/", payload, format="json").status_code == 403
    created = station.post("/api/v1/mediation/delegations/new/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["case"]["status"] == "mediation_assignment" and body["delegation"]["kind"] == "delegated"
    assert created["Location"] == f"/api/v1/cases/{body['case']['id']}/mediation/"
    results = station.get("/api/v1/mediation/delegations/").json()
    assert results[0]["court_reference"] == "（2026）渝0120民诉前调7号" and results[0]["result"] == "pending"
    invalid = station.post("/api/v1/mediation/delegations/new/", {**payload, "court_reference": ""}, format="json")
    assert invalid.status_code == 400 and "court_reference" in invalid.json()


def test_state_is_visible_to_parties(med, people):
    case = new_case(med, people)
    from workflows import router

    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    state = _as(people.applicant).get(_url(case)).json()
    assert state["case"]["status"] == "mediation_consent" and state["deadlines"][0]["kind"] == "mediation_consent"
