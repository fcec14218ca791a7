"""速裁 time limits against the working-day calendar, across 2026 National Day.

2026: 1-7 October off; Sunday 20 September and Saturday 10 October are make-up working days (调休).
"""
from datetime import date

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError

from cases import calendar as workcal
from cases.adjudication import services as s
from cases.adjudication.models import ExtensionRequest
from cases.adjudication.tasks import adjudication_timers, lapse_answers
from cases.models import Deadline
from tests.adjudication.conftest import all_ok, at, open_nodes, respondent

pytestmark = pytest.mark.django_db


def due(case, kind):
    return Deadline.objects.filter(case=case, kind=kind).order_by("-id").first()


def test_the_calendar_package_knows_the_2026_national_day_schedule():
    assert not any(chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday, 调休
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休
    assert not chinese_calendar.is_workday(date(2026, 10, 11))


@pytest.mark.parametrize(("received", "review_due"), [
    (date(2026, 9, 28), date(2026, 10, 10)),  # 29, 30 Sep; 8, 9, 10 Oct (a Saturday that is worked)
    (date(2026, 9, 30), date(2026, 10, 13)),  # 8, 9, 10 (Sat), 12, 13 October
    (date(2026, 9, 14), date(2026, 9, 20)),  # 15-18 Sep, then Sunday 20th (调休)
    (date(2026, 10, 3), date(2026, 10, 13)),  # received during the holiday: the same five days
])
def test_review_deadline_counts_working_days_across_national_day(office_chain, adj_case, clock, received,
                                                                  review_due):
    clock(received)
    case = adj_case()
    deadline = due(case, "adjudication_review")
    assert deadline.unit == Deadline.Unit.WORKING_DAYS and deadline.length == 5
    assert deadline.due_date == review_due == workcal.add_working_days(received, 5)[0]
    assert not deadline.provisional


def test_filing_over_national_day(office_chain, adj_case, clock, drive):
    clock(date(2026, 9, 28))
    case = adj_case()
    clock(date(2026, 9, 29))
    drive.file(case)
    # Serve within 5 working days of filing: 30 Sep, 8, 9, 10 (Sat, worked), 12 Oct.
    assert due(case, "adjudication_serve").due_date == date(2026, 10, 12)
    # Three months: 29 December (a Tuesday).
    assert due(case, "adjudication_limit").due_date == date(2026, 12, 29)


def test_three_months_ending_on_a_holiday_move_to_the_next_working_day(office_chain, adj_case, clock, drive):
    clock(date(2026, 7, 1))
    case = drive.file(adj_case())
    limit = due(case, "adjudication_limit")
    assert (limit.unit, limit.length) == (Deadline.Unit.MONTHS, 3)
    assert limit.due_date == date(2026, 10, 8)


@pytest.mark.parametrize(("received", "answer_due"), [
    (date(2026, 9, 20), date(2026, 10, 8)),  # 5 October is a holiday: next working day
    (date(2026, 9, 25), date(2026, 10, 10)),  # 10 October is a Saturday but a working day
    (date(2026, 9, 26), date(2026, 10, 12)),  # 11 October: Sunday
])
def test_answer_period_of_fifteen_days_from_receipt(office_chain, adj_case, clock, drive, received, answer_due):
    clock(date(2026, 9, 1))
    case = drive.file(adj_case())
    clock(received)
    drive.serve_notice(case, received_at=at(received, 9))
    deadline = due(case, f"adjudication_answer:{respondent(case).pk}")
    assert (deadline.unit, deadline.length) == (Deadline.Unit.DAYS, 15)
    assert deadline.due_date == answer_due


def test_hearing_notice_three_working_days_ahead_across_the_holiday(office_chain, adj_case, clock, drive):
    clock(date(2026, 9, 20))
    case = drive.file(adj_case())
    drive.panel(case)
    clock(date(2026, 9, 29))
    assert s.earliest_hearing_date() == date(2026, 10, 9)  # 30 Sep, 8 Oct, 9 Oct in between
    with pytest.raises(ValidationError) as exc:
        s.adjudication_schedule_hearing(actor=office_chain.officer, case=case, scheduled_at=at(date(2026, 10, 8), 9),
                                        place="审理室")
    assert "最早可定于2026年10月9日" in str(exc.value)
    clock(date(2026, 9, 25))
    with pytest.raises(ValidationError) as exc:  # far enough ahead, but a holiday
        s.adjudication_schedule_hearing(actor=office_chain.officer, case=case, scheduled_at=at(date(2026, 10, 5), 9),
                                        place="审理室")
    assert "2026年10月5日不是工作日" in str(exc.value)
    clock(date(2026, 9, 29))
    hearing = s.adjudication_schedule_hearing(actor=office_chain.officer, case=case,
                                              scheduled_at=at(date(2026, 10, 10), 9), place="审理室")
    assert hearing.notice_document is not None  # Saturday 10 October is worked: allowed


def test_late_answer_is_recorded_and_does_not_block(office_chain, adj_case, clock, drive, respondent_user):
    clock(date(2026, 9, 1))
    case = drive.file(adj_case())
    drive.panel(case)
    drive.serve_notice(case, received_at=at(date(2026, 9, 1), 9))
    assert due(case, f"adjudication_answer:{respondent(case).pk}").due_date == date(2026, 9, 16)
    clock(date(2026, 9, 18))
    answer = s.adjudication_submit_answer(actor=respondent_user, case=case, party=respondent(case), text="迟到的答辩")
    assert answer.late and answer.due_date == date(2026, 9, 16)
    assert due(case, f"adjudication_answer:{respondent(case).pk}").state == Deadline.State.CANCELLED
    assert "forward_answer" in open_nodes(case)
    assert case.events.filter(kind="adjudication_answer", message__contains="逾期答辩").exists()
    # Forwarding the late answer is still due within 5 working days (Sunday 20 September is worked).
    assert due(case, f"adjudication_forward:{answer.pk}").due_date == date(2026, 9, 24)


def test_an_answer_period_that_runs_out_lapses_and_the_case_goes_on(office_chain, adj_case, clock, drive,
                                                                    respondent_user):
    clock(date(2026, 9, 1))
    case = drive.file(adj_case())
    drive.panel(case)
    drive.serve_notice(case, received_at=at(date(2026, 9, 1), 9))
    clock(date(2026, 9, 16))
    assert lapse_answers() == 0  # the last day is not over yet
    clock(date(2026, 9, 17))
    assert adjudication_timers.delay().get()["answers_lapsed"] == 1
    assert adjudication_timers.delay().get()["answers_lapsed"] == 0  # idempotent
    assert due(case, f"adjudication_answer:{respondent(case).pk}").state == Deadline.State.CANCELLED
    assert case.events.filter(kind="adjudication_answer_lapsed").count() == 1
    assert open_nodes(case) == ["examine"]
    # The decision may now be drafted without an answer.
    drive.submit_decision(case)
    # An answer arriving even later is still recorded, marked late, and gets forwarded.
    clock(date(2026, 9, 18))
    answer = s.adjudication_submit_answer(actor=respondent_user, case=case, party=respondent(case), text="补交答辩")
    assert answer.late
    assert "forward_answer" in open_nodes(case)


def test_suspension_stops_every_clock_and_resumption_moves_them_by_the_days_stopped(office_chain, adj_case, clock,
                                                                                     drive, respondent_user):
    clock(date(2026, 7, 1))
    case = drive.file(adj_case())
    drive.panel(case)
    clock(date(2026, 7, 2))
    drive.serve_notice(case, received_at=at(date(2026, 7, 2), 9))
    answer_kind = f"adjudication_answer:{respondent(case).pk}"
    assert due(case, answer_kind).due_date == date(2026, 7, 17)
    request = s.adjudication_request_suspension(
        actor=respondent_user, case=case, party=respondent(case), invalidation_number="4W1",
        invalidation_accepted_on=date(2026, 7, 1), reason="已请求宣告无效。")
    clock(date(2026, 7, 10))
    s.adjudication_decide_suspension(actor=office_chain.chief, case=case, request=request, grant=True)
    assert due(case, "adjudication_limit").state == Deadline.State.STOPPED
    assert due(case, answer_kind).state == Deadline.State.STOPPED
    assert due(case, "adjudication_limit").remaining == (date(2026, 10, 8) - date(2026, 7, 10)).days  # 90
    clock(date(2026, 9, 1))
    s.adjudication_resume(actor=office_chain.officer, case=case, reason="无效宣告请求已审结", on=date(2026, 8, 31))
    limit = due(case, "adjudication_limit")
    # Stopped 10 July - 31 August (52 days): 90 days from 31 August = 29 November (Sunday) → 30 November.
    assert limit.due_date == date(2026, 11, 30)
    assert limit.state == Deadline.State.RUNNING
    # The answer period had 7 days left: it ends 7 September.
    assert due(case, answer_kind).due_date == date(2026, 9, 7)
    events = list(case.events.filter(kind="deadline_resumed").values_list("message", flat=True))
    assert any("2026-11-30" in m for m in events)


def test_suspension_may_be_refused_as_groundless_and_dates_are_checked(office_chain, adj_case, clock, drive,
                                                                       respondent_user):
    clock(date(2026, 7, 1))
    case = drive.file(adj_case())
    with pytest.raises(ValidationError):
        s.adjudication_request_suspension(actor=respondent_user, case=case, party=respondent(case),
                                          invalidation_number="4W1", invalidation_accepted_on=date(2026, 8, 1),
                                          reason="x")
    request = s.adjudication_request_suspension(actor=respondent_user, case=case, party=respondent(case),
                                                invalidation_number="4W1",
                                                invalidation_accepted_on=date(2026, 6, 20), reason="x")
    with pytest.raises(ValidationError):  # a refusal needs its reasons
        s.adjudication_decide_suspension(actor=office_chain.chief, case=case, request=request, grant=False)
    s.adjudication_decide_suspension(actor=office_chain.chief, case=case, request=request, grant=False,
                                     note="无效宣告请求针对的不是涉案专利，理由明显不成立。")
    case.refresh_from_db()
    assert case.status == "adjudicating"
    assert due(case, "adjudication_limit").state == Deadline.State.RUNNING
    assert open_nodes(case) == ["appoint_panel", "serve_request"]


def test_extension_by_one_month_needs_the_chief_and_happens_once(office_chain, adj_case, clock, drive):
    clock(date(2026, 7, 1))
    case = drive.file(adj_case())
    first = s.adjudication_request_extension(actor=office_chain.officer, case=case, reason="案情复杂")
    with pytest.raises(ValidationError):  # one pending request at a time
        s.adjudication_request_extension(actor=office_chain.officer, case=case, reason="again")
    assert due(case, "adjudication_limit").due_date == date(2026, 10, 8)  # nothing before approval
    s.adjudication_decide_extension(actor=office_chain.chief, case=case, request=first, approve=True)
    first.refresh_from_db()
    assert (first.state, first.due_before, first.due_after) == (
        ExtensionRequest.State.APPROVED, date(2026, 10, 8), date(2026, 11, 9))  # 8 Nov is a Sunday
    with pytest.raises(ValidationError) as exc:
        s.adjudication_request_extension(actor=office_chain.officer, case=case, reason="再延长")
    assert "不能再次延长" in str(exc.value)


def test_the_newer_rules_allow_up_to_five_months(office_chain, adj_case, clock, drive, settings):
    settings.IPDR_ADJUDICATION_MAX_EXTENSIONS = 2
    clock(date(2026, 3, 2))
    case = drive.file(adj_case())
    assert due(case, "adjudication_limit").due_date == date(2026, 6, 2)
    for _ in range(2):
        request = s.adjudication_request_extension(actor=office_chain.officer, case=case, reason="案情复杂")
        s.adjudication_decide_extension(actor=office_chain.chief, case=case, request=request, approve=True)
    assert due(case, "adjudication_limit").due_date == date(2026, 8, 3)  # 2 August is a Sunday


def test_limits_are_configurable(office_chain, adj_case, clock, drive, settings):
    settings.IPDR_ADJUDICATION_LIMIT_MONTHS = 5
    settings.IPDR_ADJUDICATION_REVIEW_WORKING_DAYS = 7
    clock(date(2026, 3, 2))
    case = adj_case()
    assert due(case, "adjudication_review").due_date == date(2026, 3, 11)
    drive.file(case)
    assert due(case, "adjudication_limit").due_date == date(2026, 8, 3)


def test_extension_refused_with_reasons(office_chain, adj_case, drive):
    case = drive.file(adj_case())
    request = s.adjudication_request_extension(actor=office_chain.officer, case=case, reason="x")
    before = due(case, "adjudication_limit").due_date
    with pytest.raises(ValidationError):
        s.adjudication_decide_extension(actor=office_chain.chief, case=case, request=request, approve=False)
    s.adjudication_decide_extension(actor=office_chain.chief, case=case, request=request, approve=False,
                                    note="理由不充分")
    assert due(case, "adjudication_limit").due_date == before


def test_review_proposal_and_filing_complete_the_review_deadline(office_chain, adj_case, clock):
    clock(date(2026, 9, 28))
    case = adj_case()
    s.adjudication_review(actor=office_chain.officer, case=case, checks=all_ok(), proposal="file")
    assert due(case, "adjudication_review").state == Deadline.State.RUNNING  # until the chief decides
    clock(date(2026, 10, 12))  # past 10 October: the review is overdue
    assert due(case, "adjudication_review").is_overdue
    s.adjudication_decide_filing(actor=office_chain.chief, case=case, approve=True)
    assert due(case, "adjudication_review").state == Deadline.State.MET
