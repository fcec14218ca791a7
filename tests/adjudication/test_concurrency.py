"""Races that row locks settle (PostgreSQL only): one decision per request, gapless office numbers."""
import pytest
from django.core.exceptions import ValidationError

from cases.adjudication import services as s
from cases.adjudication.models import ExtensionRequest, FilingReview
from cases.models import CaseNumber, Deadline, Role, Tier
from tests import concurrency
from tests.adjudication.conftest import all_ok, open_nodes
from tests.factories import staff
from tests.markers import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def race_split(*calls):
    """Race the calls; (what the calls that returned returned, what the others raised)."""
    outcomes = concurrency.race(*calls)
    return concurrency.values(outcomes), concurrency.errors(outcomes)


def test_two_chiefs_approving_one_filing_file_it_once(office_chain, adj_case):
    ch = office_chain
    second_chief = staff(Role.ADJUDICATION_CHIEF, ch.office)
    case = adj_case()
    s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    results, errors = race_split(
        lambda: s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True),
        lambda: s.adjudication_decide_filing(actor=second_chief, case=case, approve=True),
    )
    assert len(results) == 1 and len(errors) == 1
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert CaseNumber.objects.filter(case=case, tier=Tier.ADJUDICATION).count() == 1
    assert FilingReview.objects.get().state == FilingReview.State.APPROVED
    assert Deadline.objects.filter(case=case, kind="adjudication_limit").count() == 1
    assert open_nodes(case) == ["appoint_panel", "serve_request"]


def test_two_officers_reviewing_at_once_leave_one_proposal(office_chain, adj_case):
    ch = office_chain
    case = adj_case()
    results, errors = race_split(
        lambda: s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file"),
        lambda: s.adjudication_review(actor=ch.officer2, case=case, checks=all_ok(), proposal="file"),
    )
    assert len(results) == 1 and len(errors) == 1, errors
    assert FilingReview.objects.filter(state=FilingReview.State.PENDING).count() == 1
    assert open_nodes(case) == ["approve_filing"]


def test_an_extension_approved_twice_at_once_extends_once(office_chain, adj_case, drive):
    ch = office_chain
    second_chief = staff(Role.ADJUDICATION_CHIEF, ch.office)
    case = drive.file(adj_case())
    before = Deadline.objects.get(case=case, kind="adjudication_limit").due_date
    request = s.adjudication_request_extension(actor=ch.officer, case=case, reason="复杂")
    results, errors = race_split(
        lambda: s.adjudication_decide_extension(actor=ch.chief, case=case, request=request, approve=True),
        lambda: s.adjudication_decide_extension(actor=second_chief, case=case, request=request, approve=True),
    )
    assert len(results) == 1 and len(errors) == 1, errors
    limit = Deadline.objects.get(case=case, kind="adjudication_limit")
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.APPROVED and request.due_before == before
    assert limit.due_date == request.due_after
    assert case.events.filter(kind="deadline_extended").count() == 1


def test_cases_filed_at_once_get_consecutive_office_numbers(office_chain, adj_case):
    ch = office_chain
    cases = [adj_case() for _ in range(8)]
    for case in cases:
        s.adjudication_review(actor=ch.officer, case=case, checks=all_ok(), proposal="file")
    results, errors = race_split(*[
        (lambda case=case: s.adjudication_decide_filing(actor=ch.chief, case=case, approve=True)) for case in cases
    ])
    assert errors == [] and len(results) == 8
    sequences = sorted(CaseNumber.objects.filter(organization=ch.office, tier=Tier.ADJUDICATION)
                       .values_list("sequence", flat=True))
    assert sequences == list(range(1, 9))


def test_suspension_decided_twice_at_once_suspends_once(office_chain, adj_case, drive, respondent_user):
    from datetime import date

    from tests.adjudication.conftest import respondent

    ch = office_chain
    second_chief = staff(Role.ADJUDICATION_CHIEF, ch.office)
    case = drive.file(adj_case())
    request = s.adjudication_request_suspension(actor=respondent_user, case=case, party=respondent(case),
                                                invalidation_number="4W1", invalidation_accepted_on=date(2026, 1, 5),
                                                reason="已请求宣告无效")
    results, errors = race_split(
        lambda: s.adjudication_decide_suspension(actor=ch.chief, case=case, request=request, grant=True),
        lambda: s.adjudication_decide_suspension(actor=second_chief, case=case, request=request, grant=True),
    )
    assert len(results) == 1 and len(errors) == 1, errors
    assert case.events.filter(kind="deadline_stopped").count() == \
        Deadline.objects.filter(case=case, state=Deadline.State.STOPPED).count()
    assert case.documents.filter(doc_type="suspension_notice").count() == 1
