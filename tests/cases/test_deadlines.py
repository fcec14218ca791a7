"""Deadline services: open, stop/resume the clock, extend, finish, recount when a year is entered.

Dates rely on the 2026 schedule of chinesecalendar 1.11 (see test_calendar.py) and on
chinesecalendar not knowing 2027.
"""
from datetime import date

import pytest
from django.contrib.admin.sites import AdminSite
from django.test import RequestFactory

from cases.admin_calendar import HolidayOverrideAdmin
from cases.models import Case, CaseEvent, Deadline, HolidayOverride
from cases.services import (
    DeadlineError,
    deadline_cancel,
    deadline_complete,
    deadline_extend,
    deadline_open,
    deadline_refresh_provisional,
    deadline_resume,
    deadline_stop,
    deadlines_resume_all,
    deadlines_stop_all,
)
from tests.factories import OrganizationFactory, UserFactory

D = date


@pytest.fixture
def case(db):
    org = OrganizationFactory()
    return Case.objects.create(
        organization=org, district=org.district, title="李明与某公司实用新型专利侵权纠纷",
        dispute_type="infringement", facts="事实", claims="请求",
    )


def events(case, kind=None):
    qs = CaseEvent.objects.filter(case=case)
    return list(qs.filter(kind=kind) if kind else qs)


def open_wd(case, start, length=5, **kw):
    return deadline_open(case=case, kind="triage", label="受理审查", unit="working_days",
                         length=length, start_date=start, **kw)


# --- opening ------------------------------------------------------------------------------

def test_open_counts_and_records_one_event(case):
    user = UserFactory()
    d = open_wd(case, D(2026, 10, 1), actor=user, responsible_role="intake_clerk")
    # Received on 10-01 (holiday): 10-08, 10-09, Sat 10-10 make-up, 10-12, 10-13.
    assert (d.due_date, d.provisional, d.state) == (D(2026, 10, 13), False, Deadline.State.RUNNING)
    [ev] = events(case)
    assert ev.kind == "deadline_opened" and ev.actor == user
    assert ev.after["deadline_id"] == d.pk and ev.after["due_date"] == "2026-10-13"


def test_open_defaults_to_today(case, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: D(2026, 2, 12))
    d = open_wd(case, None)
    # Today 02-12: 02-13, Sat 02-14 make-up, 春节 02-15..02-23, 02-24, 02-25, 02-26.
    assert (d.start_date, d.due_date) == (D(2026, 2, 12), D(2026, 2, 26))


def test_open_into_unknown_2027_is_provisional(case):
    d = open_wd(case, D(2026, 12, 30))
    # 12-31, Fri 2027-01-01 (guessed working), 01-04, 01-05, 01-06.
    assert (d.due_date, d.provisional) == (D(2027, 1, 6), True)


def test_open_rejects_unknown_unit(case):
    with pytest.raises(DeadlineError):
        deadline_open(case=case, kind="x", label="x", unit="weeks", length=1, start_date=D(2026, 3, 2))
    assert events(case) == []


# --- stopping and restarting the clock ----------------------------------------------------

def test_stop_and_resume_working_days(case):
    d = open_wd(case, D(2026, 3, 2))
    # Mon 03-02 + 5 working days: 03-03, 03-04, 03-05, 03-06, Mon 03-09.
    assert d.due_date == D(2026, 3, 9)
    # Stopped on 03-04 after 2 working days (03-03, 03-04): 3 left.
    deadline_stop(deadline=d, on=D(2026, 3, 4))
    assert (d.state, d.stopped_on, d.remaining) == (Deadline.State.STOPPED, D(2026, 3, 4), 3)
    # Resumed 10 days later on Sat 03-14: 3 working days after it = 03-16, 03-17, 03-18.
    deadline_resume(deadline=d, on=D(2026, 3, 14))
    d.refresh_from_db()
    assert (d.state, d.due_date, d.stopped_on) == (Deadline.State.RUNNING, D(2026, 3, 18), None)
    [ev] = events(case, "deadline_resumed")
    assert ev.before["due_date"] == "2026-03-09" and ev.after["due_date"] == "2026-03-18"


def test_stop_and_resume_calendar_days(case):
    d = deadline_open(case=case, kind="answer", label="答辩期", unit="days", length=15,
                      start_date=D(2026, 3, 2))
    # 03-02 + 15 days = Tue 03-17.
    assert d.due_date == D(2026, 3, 17)
    # Stopped on 03-07 after 5 days: 10 days left.
    deadline_stop(deadline=d, on=D(2026, 3, 7))
    assert d.remaining == 10
    # Resumed on 03-17 (10 days later): 03-17 + 10 = Fri 03-27.
    deadline_resume(deadline=d, on=D(2026, 3, 17))
    assert d.due_date == D(2026, 3, 27)


def test_resume_across_national_day(case):
    d = open_wd(case, D(2026, 9, 14), length=10)
    # 09-15..09-18 (4), Sun 09-20 make-up (5), 09-21..09-24 (9), 09-25..27 中秋, Mon 09-28 (10).
    assert d.due_date == D(2026, 9, 28)
    deadline_stop(deadline=d, on=D(2026, 9, 16))  # 2 used (09-15, 09-16): 8 left
    assert d.remaining == 8
    # Resumed 09-30: 10-08, 10-09, Sat 10-10, 10-12..10-16 = 8th on Fri 10-16.
    deadline_resume(deadline=d, on=D(2026, 9, 30))
    assert d.due_date == D(2026, 10, 16)


def test_stop_twice_raises_and_writes_nothing(case):
    d = open_wd(case, D(2026, 3, 2))
    deadline_stop(deadline=d, on=D(2026, 3, 4))
    before = CaseEvent.objects.count()
    with pytest.raises(DeadlineError) as exc:
        deadline_stop(deadline=d, on=D(2026, 3, 5))
    assert "中止计时" in str(exc.value)
    assert CaseEvent.objects.count() == before
    d.refresh_from_db()
    assert (d.stopped_on, d.remaining) == (D(2026, 3, 4), 3)


def test_resume_a_running_deadline_raises(case):
    d = open_wd(case, D(2026, 3, 2))
    with pytest.raises(DeadlineError):
        deadline_resume(deadline=d, on=D(2026, 3, 4))
    deadline_stop(deadline=d, on=D(2026, 3, 4))
    with pytest.raises(DeadlineError):  # resuming before the stop makes no sense
        deadline_resume(deadline=d, on=D(2026, 3, 3))


def test_stop_all_and_resume_all(case):
    a = open_wd(case, D(2026, 3, 2))
    b = deadline_open(case=case, kind="answer", label="答辩期", unit="days", length=15,
                      start_date=D(2026, 3, 2))
    done = open_wd(case, D(2026, 3, 2))
    deadline_complete(deadline=done)
    stopped = deadlines_stop_all(case=case, on=D(2026, 3, 4))
    assert {x.pk for x in stopped} == {a.pk, b.pk}
    assert len(events(case, "deadline_stopped")) == 2
    resumed = deadlines_resume_all(case=case, on=D(2026, 3, 14))
    assert {x.pk for x in resumed} == {a.pk, b.pk}
    a.refresh_from_db()
    b.refresh_from_db()
    # a: 3 working days left after Sat 03-14 = Wed 03-18.
    # b: due 03-17 stopped 03-04 leaves 13 days; 03-14 + 13 = Fri 03-27.
    assert (a.due_date, b.due_date) == (D(2026, 3, 18), D(2026, 3, 27))
    assert Deadline.objects.get(pk=done.pk).state == Deadline.State.MET


# --- finishing and extending --------------------------------------------------------------

def test_complete_and_cancel(case):
    a = open_wd(case, D(2026, 3, 2))
    deadline_complete(deadline=a)
    assert a.state == Deadline.State.MET and a.completed_at is not None
    b = open_wd(case, D(2026, 3, 2))
    deadline_stop(deadline=b, on=D(2026, 3, 3))
    deadline_cancel(deadline=b)
    assert b.state == Deadline.State.CANCELLED
    for finished in (a, b):
        with pytest.raises(DeadlineError):
            deadline_cancel(deadline=finished)
        with pytest.raises(DeadlineError):
            deadline_complete(deadline=finished)


def test_extend_adjudication_by_one_month(case):
    d = deadline_open(case=case, kind="adjudication", label="裁决审理期限", unit="months", length=3,
                      start_date=D(2026, 6, 1))
    # 06-01 + 3 months = Tue 09-01.
    assert d.due_date == D(2026, 9, 1)
    deadline_extend(deadline=d, unit="months", length=1, reason="案情复杂，经负责人批准")
    # 09-01 + 1 month = Thu 10-01 (国庆): moves to Thu 10-08.
    assert d.due_date == D(2026, 10, 8)
    [ev] = events(case, "deadline_extended")
    assert ev.before["due_date"] == "2026-09-01" and ev.after["due_date"] == "2026-10-08"
    assert "负责人批准" in ev.message


def test_extend_a_stopped_deadline_grows_what_is_left(case):
    d = open_wd(case, D(2026, 3, 2))
    deadline_stop(deadline=d, on=D(2026, 3, 4))  # 3 left (03-05, 03-06, 03-09)
    deadline_extend(deadline=d, unit="working_days", length=2)
    # Due 03-09 + 2 working days = 03-11; left after 03-04: 03-05, 03-06, 03-09, 03-10, 03-11.
    assert (d.due_date, d.remaining, d.state) == (D(2026, 3, 11), 5, Deadline.State.STOPPED)


def test_every_service_writes_exactly_one_event_of_its_kind(case):
    def one(kind, call):
        before = CaseEvent.objects.count()
        result = call()
        new = list(CaseEvent.objects.order_by("id")[before:])
        assert [e.kind for e in new] == [kind]
        return result

    d = one("deadline_opened", lambda: open_wd(case, D(2026, 3, 2)))
    one("deadline_stopped", lambda: deadline_stop(deadline=d, on=D(2026, 3, 3)))
    one("deadline_resumed", lambda: deadline_resume(deadline=d, on=D(2026, 3, 5)))
    one("deadline_extended", lambda: deadline_extend(deadline=d, unit="days", length=3))
    one("deadline_completed", lambda: deadline_complete(deadline=d))
    e = open_wd(case, D(2026, 3, 2))
    one("deadline_cancelled", lambda: deadline_cancel(deadline=e))


# --- a year's schedule entered later ------------------------------------------------------

def enter_2027_new_year():
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")


def test_refresh_gives_a_provisional_deadline_its_real_date(case):
    d = open_wd(case, D(2026, 12, 30))
    assert (d.due_date, d.provisional) == (D(2027, 1, 6), True)
    settled = open_wd(case, D(2026, 3, 2))
    enter_2027_new_year()
    assert deadline_refresh_provisional(year=2027) == 1
    d.refresh_from_db()
    # 2027-01-01 is now off: 12-31, 01-04, 01-05, 01-06, 01-07.
    assert (d.due_date, d.provisional) == (D(2027, 1, 7), False)
    [ev] = events(case, "deadline_recounted")
    assert ev.before["due_date"] == "2027-01-06" and ev.after["due_date"] == "2027-01-07"
    settled.refresh_from_db()
    assert settled.due_date == D(2026, 3, 9)
    # Nothing left to recount: no new event.
    assert deadline_refresh_provisional(year=2027) == 0
    assert len(events(case, "deadline_recounted")) == 1


def test_refresh_replays_stops_and_resumptions(case):
    # Mon 2026-12-28 + 10 working days, 2027 guessed: 12-29, 12-30, 12-31, 01-01, 01-04 .. 01-08, 01-11.
    d = open_wd(case, D(2026, 12, 28), length=10)
    assert (d.due_date, d.provisional) == (D(2027, 1, 11), True)
    deadline_stop(deadline=d, on=D(2026, 12, 29))  # 1 used: 9 left
    deadline_resume(deadline=d, on=D(2026, 12, 31))
    # Guessed: 01-01, 01-04 .. 01-08, 01-11, 01-12, 01-13.
    assert (d.due_date, d.provisional) == (D(2027, 1, 13), True)
    enter_2027_new_year()
    assert deadline_refresh_provisional(year=2027) == 1
    d.refresh_from_db()
    # With 01-01 off, the 9 units left after the 12-31 resumption are 01-04 .. 01-08, 01-11 .. 01-14
    # (a recount from the start date alone would wrongly give 01-12).
    assert (d.due_date, d.provisional) == (D(2027, 1, 14), False)


def test_refresh_stopped_deadline_keeps_units_left(case):
    d = open_wd(case, D(2026, 12, 28), length=10)
    deadline_stop(deadline=d, on=D(2026, 12, 29))
    assert d.remaining == 9
    enter_2027_new_year()
    assert deadline_refresh_provisional(year=2027) == 1
    d.refresh_from_db()
    # The holiday falls after the stop: still 9 working days left; the original end moves to 01-12.
    assert (d.state, d.remaining) == (Deadline.State.STOPPED, 9)
    assert (d.due_date, d.provisional) == (D(2027, 1, 12), False)
    deadline_resume(deadline=d, on=D(2027, 1, 4))
    # 9 working days after Mon 01-04: 01-05 .. 01-08 (4), 01-11 .. 01-15 (9).
    assert (d.due_date, d.provisional) == (D(2027, 1, 15), False)


def test_admin_save_and_delete_recount(case):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().post("/")
    request.user = admin_user
    model_admin = HolidayOverrideAdmin(HolidayOverride, AdminSite())
    assert model_admin.date_hierarchy == "date"
    d = open_wd(case, D(2026, 12, 30))
    row = HolidayOverride(date=D(2027, 1, 1), is_workday=False, name="元旦")
    model_admin.save_model(request, row, form=None, change=False)
    d.refresh_from_db()
    assert (d.due_date, d.provisional) == (D(2027, 1, 7), False)
    [ev] = events(case, "deadline_recounted")
    assert ev.actor == admin_user
    model_admin.delete_model(request, row)
    assert not HolidayOverride.objects.exists()
