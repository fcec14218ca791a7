# ruff: noqa: F811 - the fixtures are imported by name for pytest and also used as parameter names
"""One online complaint costs a fixed number of queries, however many parties and rights it names (issue 8).

The submission path (``POST /api/v1/complaints/``) is what bench/intake.py drives at 20/s: every
query is a round trip, several of them while the organisation's number counter is locked. The
parties, the rights and the grants are written in one INSERT each, so a complaint at the form's
limits (20 respondents, 20 rights) costs what a one-respondent complaint does.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from cases.models import Case, CaseEvent, CaseGroupObjectPermission, CaseUserObjectPermission, Party
from cases.serializers import MAX_IP_RIGHTS, MAX_PARTIES
from cases.services import case_create
from tests.api.conftest import alice, api, centre, complaint_payload, industry  # noqa: F401
from tests.factories import complainant, credit_code, id_number, patent_number

URL = "/api/v1/complaints/"
# Token and roles 2, idempotency key 4, industry and organisation 2, the case's savepoint 2, case, parties,
# rights 3, grants and events 5, the triage deadline 4-6, the number 4, the idempotency answer 1 (measured: 30).
COMPLAINT_LIMIT = 32


def _at_the_limits():
    payload = complaint_payload()
    respondent, right = payload["respondents"][0], payload["ip_rights"][0]
    payload["respondents"] = [dict(respondent, credit_code=credit_code()) for _ in range(MAX_PARTIES)]
    payload["ip_rights"] = [dict(right, number=patent_number(kind_digit=2)) for _ in range(MAX_IP_RIGHTS)]
    return payload


def _queries(api, payload, key):
    with CaptureQueriesContext(connection) as ctx:
        response = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_a_complaint_costs_the_same_queries_at_the_forms_limits(api, alice, centre, industry):
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    _queries(api, complaint_payload(), "warm-up")  # the number series' first row, cached permission ids
    small = _queries(api, complaint_payload(), "one-respondent")
    large = _queries(api, _at_the_limits(), "at-the-limits")
    assert small == large, f"{small} queries with one respondent and one right, {large} with 20 and 20"
    assert small <= COMPLAINT_LIMIT
    case = Case.objects.order_by("-pk").first()
    assert case.parties.filter(role=Party.PartyRole.RESPONDENT).count() == MAX_PARTIES
    assert case.ip_rights.count() == MAX_IP_RIGHTS


@pytest.mark.django_db
def test_the_batched_writes_leave_every_grant_event_and_agent_link(roles, centre):
    """Parties linked to accounts (applicant, its agent, a respondent) each get view rights and an event; the
    organisation gets view and change; the agent points at the applicant; numbers run on without a gap."""
    applicant, agent, respondent = complainant(), complainant(), complainant()
    parties = [
        {"role": "agent", "kind": "person", "name": "王律师", "id_number": id_number(), "user": agent,
         "represents": 1},
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(), "user": applicant},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司", "credit_code": credit_code(),
         "user": respondent},
        {"role": "respondent", "kind": "person", "name": "张三", "id_number": id_number()},
    ]
    first = case_create(actor=applicant, organization=centre, dispute_type="infringement", facts="事实",
                        claims="请求", parties=parties)
    second = case_create(actor=applicant, organization=centre, dispute_type="infringement", facts="事实",
                         claims="请求", parties=parties[1:2])
    year = first.submitted_at.year
    assert (first.number, second.number) == (f"（{year}）璧知受字第0001号", f"（{year}）璧知受字第0002号")

    for user in (applicant, agent, respondent):
        assert user.has_perm("cases.view_case", first) and not user.has_perm("cases.change_case", first)
    staff_perms = CaseGroupObjectPermission.objects.filter(content_object=first, group=centre.members_group)
    assert sorted(staff_perms.values_list("permission__codename", flat=True)) == ["change_case", "view_case"]
    assert CaseUserObjectPermission.objects.filter(content_object=first).count() == 3

    grants = CaseEvent.objects.filter(case=first, kind="access_granted").order_by("id")
    assert [e.after for e in grants] == [
        {"organization": centre.pk, "perms": ["view_case", "change_case"]},
        {"user": agent.pk, "perms": ["view_case"]},
        {"user": applicant.pk, "perms": ["view_case"]},
        {"user": respondent.pk, "perms": ["view_case"]},
    ]
    assert all(e.actor == applicant and e.actor_role == "complainant" for e in grants)
    kinds = list(CaseEvent.objects.filter(case=first).order_by("id").values_list("kind", flat=True))
    assert kinds == ["case_submitted", "access_granted", "access_granted", "access_granted", "access_granted",
                     "deadline_opened", "number_assigned"]
    agent_party = first.parties.get(role=Party.PartyRole.AGENT)
    assert agent_party.represents == first.parties.get(role=Party.PartyRole.APPLICANT)


@pytest.mark.django_db
def test_granting_again_keeps_one_row_and_records_the_event(roles, centre):
    """As guardian's ``assign_perm`` did: an existing grant is kept, not duplicated, and the call is still recorded."""
    from cases.services import case_grant_organization, case_grant_user

    user = complainant()
    case = case_create(actor=user, organization=centre, dispute_type="infringement", facts="事实", claims="请求",
                       parties=[{"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(),
                                 "user": user}])
    case_grant_user(case=case, user=user, actor=None, perms=("view_case", "change_case"))
    case_grant_organization(case=case, organization=centre, actor=None)
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=user).count() == 2
    assert CaseGroupObjectPermission.objects.filter(content_object=case).count() == 2
    assert user.has_perm("cases.change_case", case)
    assert CaseEvent.objects.filter(case=case, kind="access_granted").count() == 4
