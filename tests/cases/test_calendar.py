"""Working-day counting, checked against the 2026 schedule as chinesecalendar 1.11 holds it.

2026 schedule (printed from chinese_calendar.get_holidays / is_workday, not from memory):
- 春节: off Sun 02-15 .. Mon 02-23; make-up working days Sat 02-14 and Sat 02-28.
- 中秋: off Fri 09-25 .. Sun 09-27.
- 国庆: off Thu 10-01 .. Wed 10-07; make-up working days Sun 09-20 and Sat 10-10.
- chinesecalendar 1.11 raises NotImplementedError for 2027.
"""
from datetime import date

import chinese_calendar
import pytest

from cases import calendar as wc
from cases.models import HolidayOverride

D = date


@pytest.fixture
def schedule_2027(db):
    """An admin-entered 2027 schedule (invented for the test): 元旦 off, a make-up Saturday."""
    HolidayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, name="元旦")
    HolidayOverride.objects.create(date=D(2027, 1, 9), is_workday=True, name="调休上班")


# --- the package facts the tests below rely on -------------------------------------------

def test_package_facts_2026():
    assert chinese_calendar.is_workday(D(2026, 2, 14))  # Sat, 春节 make-up day
    assert chinese_calendar.is_workday(D(2026, 2, 28))  # Sat, 春节 make-up day
    assert not chinese_calendar.is_workday(D(2026, 2, 23))  # Mon, last day of 春节
    assert chinese_calendar.is_workday(D(2026, 9, 20))  # Sun, 国庆 make-up day
    assert chinese_calendar.is_workday(D(2026, 10, 10))  # Sat, 国庆 make-up day
    assert not chinese_calendar.is_workday(D(2026, 10, 7))  # Wed, last day of 国庆
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 3, 3))


# --- day_info -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_day_info_sources():
    assert wc.day_info(D(2026, 2, 14)) == (True, True)  # make-up Saturday: working, known
    assert wc.day_info(D(2026, 10, 5)) == (False, True)  # National Day Monday: off, known
    assert wc.day_info(D(2027, 3, 3)) == (True, False)  # a 2027 Wednesday: guessed
    assert wc.day_info(D(2027, 3, 6)) == (False, False)  # a 2027 Saturday: guessed
    assert wc.is_workday(D(2026, 3, 2)) is True


@pytest.mark.django_db
def test_override_for_2026_beats_the_package():
    # The admin records that 10-08 was also given off and that 02-23 was worked.
    HolidayOverride.objects.create(date=D(2026, 10, 8), is_workday=False, name="延长假期")
    HolidayOverride.objects.create(date=D(2026, 2, 23), is_workday=True, name="更正")
    assert wc.day_info(D(2026, 10, 8)) == (False, True)
    assert wc.day_info(D(2026, 2, 23)) == (True, True)
    # 1 working day after 09-30: 10-01..10-07 holiday, 10-08 now off too, so 10-09 (Fri).
    assert wc.add_working_days(D(2026, 9, 30), 1) == (D(2026, 10, 9), False)
    # 2 working days after 02-13: Sat 02-14 (make-up) is the 1st, 02-23 (overridden to work) the 2nd.
    assert wc.add_working_days(D(2026, 2, 13), 2) == (D(2026, 2, 23), False)


# --- working days -----------------------------------------------------------------------

@pytest.mark.django_db
def test_working_days_across_spring_festival():
    # From Thu 02-12: Fri 02-13 (1), Sat 02-14 make-up (2), 02-15..02-23 off,
    # Tue 02-24 (3), Wed 02-25 (4), Thu 02-26 (5).
    assert wc.add_working_days(D(2026, 2, 12), 5) == (D(2026, 2, 26), False)
    # From Tue 02-24: 02-25, 02-26, 02-27, Sat 02-28 make-up (4), Mon 03-02 (5);
    # without the make-up Saturday it would wrongly be 03-03.
    assert wc.add_working_days(D(2026, 2, 24), 5) == (D(2026, 3, 2), False)


@pytest.mark.django_db
def test_working_days_across_national_day():
    # From Thu 09-24: 09-25..09-27 中秋 off, 09-28 (1), 09-29 (2), 09-30 (3),
    # 10-01..10-07 国庆 off, Thu 10-08 (4), Fri 10-09 (5).
    assert wc.add_working_days(D(2026, 9, 24), 5) == (D(2026, 10, 9), False)
    # From Wed 09-30: 10-08 (1), 10-09 (2), Sat 10-10 make-up (3).
    assert wc.add_working_days(D(2026, 9, 30), 3) == (D(2026, 10, 10), False)
    # From Fri 09-18: Sat 09-19 off, Sun 09-20 make-up (1), 09-21 .. 09-24 (2..5).
    assert wc.add_working_days(D(2026, 9, 18), 5) == (D(2026, 9, 24), False)


@pytest.mark.django_db
def test_start_on_a_holiday_is_not_off_by_one():
    # Start 10-01 (holiday, not counted): 10-08 (1), 10-09 (2), Sat 10-10 make-up (3),
    # Sun 10-11 off, 10-12 (4), 10-13 (5).
    assert wc.add_working_days(D(2026, 10, 1), 5) == (D(2026, 10, 13), False)
    # chinesecalendar's find_workday counts one day too many here (DESIGN.md section 8).
    assert chinese_calendar.find_workday(5, D(2026, 10, 1)) == D(2026, 10, 14)


@pytest.mark.django_db
def test_zero_and_negative_lengths():
    assert wc.add_working_days(D(2026, 10, 1), 0) == (D(2026, 10, 1), False)
    with pytest.raises(ValueError):
        wc.add_working_days(D(2026, 10, 1), -1)


@pytest.mark.django_db
def test_thirty_working_days_is_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        due, provisional = wc.add_working_days(D(2026, 9, 1), 30)
    # 09-02..09-30 holds 21 weekdays; minus Fri 09-25 (中秋) plus Sun 09-20 (make-up) = 21.
    # Then 10-08 (22), 10-09 (23), Sat 10-10 make-up (24), 10-12..10-16 (29), Mon 10-19 (30).
    assert (due, provisional) == (D(2026, 10, 19), False)


# --- 2027: unknown to the package ---------------------------------------------------------

@pytest.mark.django_db
def test_2027_without_overrides_is_monday_to_friday_and_provisional():
    # From Wed 2026-12-30: Thu 12-31 (1), Fri 2027-01-01 guessed working (2),
    # Mon 01-04 (3), 01-05 (4), 01-06 (5).
    assert wc.add_working_days(D(2026, 12, 30), 5) == (D(2027, 1, 6), True)
    # A count that stays inside 2026 is not provisional.
    assert wc.add_working_days(D(2026, 12, 28), 3) == (D(2026, 12, 31), False)


@pytest.mark.django_db
def test_2027_with_overrides_is_respected_and_not_provisional(schedule_2027):
    # 2027-01-01 is off now: 12-31 (1), 01-04 (2), 01-05 (3), 01-06 (4), 01-07 (5).
    assert wc.add_working_days(D(2026, 12, 30), 5) == (D(2027, 1, 7), False)
    # Fri 01-08 (1), Sat 01-09 make-up (2).
    assert wc.add_working_days(D(2027, 1, 7), 2) == (D(2027, 1, 9), False)
    # Other 2027 days are ordinary days of a year the admin maintains: known.
    assert wc.day_info(D(2027, 3, 3)) == (True, True)
    assert wc.day_info(D(2027, 3, 6)) == (False, True)
    # 2028 still has no rows.
    assert wc.day_info(D(2028, 3, 1)) == (True, False)


# --- calendar days and months ---------------------------------------------------------------

@pytest.mark.django_db
def test_add_days_rolls_forward_off_holidays():
    # 09-21 + 10 days = 10-01 (国庆), the next working day is Thu 10-08.
    assert wc.add_days(D(2026, 9, 21), 10) == (D(2026, 10, 8), False)
    # 09-30 + 10 days = Sat 10-10, a make-up working day: it stays.
    assert wc.add_days(D(2026, 9, 30), 10) == (D(2026, 10, 10), False)
    # 03-01 + 14 days = Sun 03-15, an ordinary Sunday: Mon 03-16.
    assert wc.add_days(D(2026, 3, 1), 14) == (D(2026, 3, 16), False)
    # 12-17 + 15 days = 2027-01-01: guessed a working Friday, provisional.
    assert wc.add_days(D(2026, 12, 17), 15) == (D(2027, 1, 1), True)


@pytest.mark.django_db
def test_add_days_into_2027_with_overrides(schedule_2027):
    # 2027-01-01 is off: Sat 01-02, Sun 01-03, so Mon 01-04.
    assert wc.add_days(D(2026, 12, 17), 15) == (D(2027, 1, 4), False)


@pytest.mark.django_db
def test_add_months_clamps_and_rolls():
    # 01-31 + 1 month = 02-28 (no 02-31); that Saturday is a 春节 make-up day, so it stays.
    assert wc.add_months(D(2026, 1, 31), 1) == (D(2026, 2, 28), False)
    # 07-01 + 3 months = 10-01 (国庆): Thu 10-08.
    assert wc.add_months(D(2026, 7, 1), 3) == (D(2026, 10, 8), False)
    # 08-31 + 1 month = 09-30 (Wed).
    assert wc.add_months(D(2026, 8, 31), 1) == (D(2026, 9, 30), False)
    # 2027-01-31 + 13 months = 2028-02-29 (leap year, a Tuesday), guessed: provisional.
    assert wc.add_months(D(2027, 1, 31), 13) == (D(2028, 2, 29), True)


# --- remaining units ------------------------------------------------------------------------

@pytest.mark.django_db
def test_count_remaining():
    # Working days after 02-13 up to 02-26: 02-14 (make-up), 02-24, 02-25, 02-26.
    assert wc.count_remaining(D(2026, 2, 13), D(2026, 2, 26), "working_days") == 4
    # Stopped on the due date itself or later: nothing left, never negative.
    assert wc.count_remaining(D(2026, 2, 26), D(2026, 2, 26), "working_days") == 0
    assert wc.count_remaining(D(2026, 3, 5), D(2026, 2, 26), "working_days") == 0
    assert wc.count_remaining(D(2026, 3, 7), D(2026, 3, 17), "days") == 10
    assert wc.count_remaining(D(2026, 3, 7), D(2026, 2, 17), "days") == 0
    # Months are left as calendar days: 03-15 .. 04-15 is 31 days.
    assert wc.count_remaining(D(2026, 3, 15), D(2026, 4, 15), "months") == 31


@pytest.mark.django_db
def test_due_date_for_dispatches():
    assert wc.due_date_for(D(2026, 10, 1), "working_days", 5) == (D(2026, 10, 13), False)
    assert wc.due_date_for(D(2026, 9, 21), "days", 10) == (D(2026, 10, 8), False)
    assert wc.due_date_for(D(2026, 7, 1), "months", 3) == (D(2026, 10, 8), False)
    with pytest.raises(ValueError):
        wc.due_date_for(D(2026, 7, 1), "weeks", 3)


@pytest.mark.django_db
def test_shared_calendar_loads_lazily(django_assert_num_queries):
    cal = wc.WorkCalendar(D(2026, 1, 1), D(2026, 12, 31))
    with django_assert_num_queries(0):
        assert wc.add_working_days(D(2026, 10, 1), 5, calendar=cal) == (D(2026, 10, 13), False)
    with django_assert_num_queries(1):  # 2027 is loaded on first use
        assert wc.add_working_days(D(2026, 12, 30), 5, calendar=cal) == (D(2027, 1, 6), True)
