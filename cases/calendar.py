"""The working-day calendar: which days count, and where a time limit ends.

Sources, strongest first (DESIGN.md section 4, "Counting"):

1. ``HolidayOverride``: a row for the date decides it (``is_workday`` checked = 调休上班日,
   unchecked = 放假). The admin keeps next year's schedule here as soon as the State Council
   publishes it, and corrects the package when it is wrong.
2. ``chinese_calendar`` (chinesecalendar 1.11 knows 2004-2026 and raises
   ``NotImplementedError`` for other years).
3. Monday-Friday, flagged as *not known*: a deadline counted over such a day is provisional.

A year counts as known to the override table when that year has at least one
``HolidayOverride`` row: entering any day of a year tells the system that the admin now
maintains that year's schedule, so every other day of it is an ordinary day (the package's
answer where it has one, else Monday-Friday) and no longer provisional. Enter the whole
year's schedule at once.

Counting rules:

- working days: the n-th working day *after* the start day; the start day itself never counts,
  whatever it is. Counted day by day (``chinese_calendar.find_workday`` is off by one when the
  start day is a holiday).
- days / months: calendar days (months: same day of month, clamped to the month's end); a
  period ending on a non-working day ends on the next working day.

Every function returning a date returns ``(date, provisional)``. Functions take an optional
``calendar=`` (a :class:`WorkCalendar`) so a caller counting many days or many deadlines
reuses the override rows it has loaded.
"""
import calendar as _stdcal
from datetime import date, timedelta

import chinese_calendar

from cases.models import HolidayOverride

WORKING_DAYS = "working_days"
DAYS = "days"
MONTHS = "months"
UNITS = (WORKING_DAYS, DAYS, MONTHS)

# Safety net: no statutory period is anywhere near this many days of counting.
_MAX_SCAN_DAYS = 3660


def _package_known(year: int) -> bool:
    """Whether chinesecalendar has data for ``year`` (it raises NotImplementedError if not)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Answers ``day_info`` for many days with one ``HolidayOverride`` query per batch of years.

    ``WorkCalendar(start, end)`` loads every override row of the years ``start.year`` ..
    ``end.year`` in one query. A day of a year not loaded yet loads that year on first use
    (one more query), so counting past the expected range stays correct.
    Build a new instance after changing ``HolidayOverride`` rows: this one does not see them.
    """

    def __init__(self, start: date | None = None, end: date | None = None):
        self._overrides: dict[date, bool] = {}
        self._loaded_years: set[int] = set()
        self._override_years: set[int] = set()
        self._package_years: dict[int, bool] = {}
        if start is not None:
            self.load(start, end or start)

    def load(self, start: date, end: date) -> None:
        """Load the override rows of every year from ``start.year`` to ``end.year`` (one query)."""
        if end < start:
            start, end = end, start
        years = [y for y in range(start.year, end.year + 1) if y not in self._loaded_years]
        if not years:
            return
        rows = HolidayOverride.objects.filter(
            date__gte=date(years[0], 1, 1), date__lte=date(years[-1], 12, 31),
        ).values_list("date", "is_workday")
        for day, workday in rows:
            self._overrides[day] = workday
            self._override_years.add(day.year)
        self._loaded_years.update(years)

    def year_known(self, year: int) -> bool:
        """True when the override table or chinesecalendar holds ``year``'s schedule."""
        if year not in self._loaded_years:
            self.load(date(year, 1, 1), date(year, 1, 1))
        return year in self._override_years or self._package_has(year)

    def _package_has(self, year: int) -> bool:
        if year not in self._package_years:
            self._package_years[year] = _package_known(year)
        return self._package_years[year]

    def day_info(self, d: date) -> tuple[bool, bool]:
        """``(is_workday, known)`` for ``d``; ``known`` is False for a Monday-Friday guess."""
        if d.year not in self._loaded_years:
            self.load(d, d)
        if d in self._overrides:
            return self._overrides[d], True
        if self._package_has(d.year):
            return chinese_calendar.is_workday(d), True
        return d.weekday() < 5, d.year in self._override_years

    def is_workday(self, d: date) -> bool:
        return self.day_info(d)[0]


def _cal(calendar: WorkCalendar | None, start: date, end: date) -> WorkCalendar:
    if calendar is None:
        return WorkCalendar(start, end)
    calendar.load(start, end)
    return calendar


def day_info(d: date, calendar: WorkCalendar | None = None) -> tuple[bool, bool]:
    """``(is_workday, known)``: an override row wins, then chinesecalendar, then Monday-Friday."""
    return _cal(calendar, d, d).day_info(d)


def is_workday(d: date, calendar: WorkCalendar | None = None) -> bool:
    return day_info(d, calendar)[0]


def _check_n(n: int) -> None:
    if n < 0:
        raise ValueError("期间不能为负数。")


def add_working_days(start: date, n: int, calendar: WorkCalendar | None = None) -> tuple[date, bool]:
    """The n-th working day after ``start`` (``start`` itself is not counted, whatever it is).

    Counts forward one day at a time: statutory holidays are skipped, make-up working days
    (调休) count. ``n == 0`` returns ``start``. ``provisional`` is True when any day examined
    belongs to a year known neither to the override table nor to chinesecalendar; a year is
    known to the override table as soon as it has at least one ``HolidayOverride`` row.
    """
    _check_n(n)
    cal = _cal(calendar, start, start + timedelta(days=2 * n + 30))
    d, counted, provisional = start, 0, False
    while counted < n:
        d += timedelta(days=1)
        if (d - start).days > _MAX_SCAN_DAYS:
            raise ValueError("工作日计算超出范围。")
        workday, known = cal.day_info(d)
        provisional = provisional or not known
        if workday:
            counted += 1
    return d, provisional


def _roll_forward(d: date, cal: WorkCalendar) -> tuple[date, bool]:
    """``d`` if it is a working day, else the next working day; provisional if any day is a guess."""
    provisional = False
    for _ in range(_MAX_SCAN_DAYS):
        workday, known = cal.day_info(d)
        provisional = provisional or not known
        if workday:
            return d, provisional
        d += timedelta(days=1)
    raise ValueError("找不到工作日。")


def add_days(start: date, n: int, calendar: WorkCalendar | None = None) -> tuple[date, bool]:
    """``start`` + n calendar days; if that is not a working day, the next working day."""
    _check_n(n)
    end = start + timedelta(days=n)
    return _roll_forward(end, _cal(calendar, end, end + timedelta(days=30)))


def add_months(start: date, n: int, calendar: WorkCalendar | None = None) -> tuple[date, bool]:
    """The same day of the month n months later (clamped: Jan 31 + 1 month = Feb 28/29),
    then rolled forward to a working day like :func:`add_days`."""
    _check_n(n)
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    month += 1
    end = date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))
    return _roll_forward(end, _cal(calendar, end, end + timedelta(days=30)))


def remaining_info(
    from_date: date, due_date: date, unit: str, calendar: WorkCalendar | None = None,
) -> tuple[int, bool]:
    """:func:`count_remaining` and whether a day it counted over was a Monday-Friday guess."""
    if unit not in UNITS:
        raise ValueError(f"unknown deadline unit {unit!r}")
    if due_date <= from_date:
        return 0, False
    if unit != WORKING_DAYS:
        return (due_date - from_date).days, False
    cal = _cal(calendar, from_date, due_date)
    count, provisional = 0, False
    d = from_date
    while d < due_date:
        d += timedelta(days=1)
        workday, known = cal.day_info(d)
        provisional = provisional or not known
        count += workday
    return count, provisional


def count_remaining(from_date: date, due_date: date, unit: str, calendar: WorkCalendar | None = None) -> int:
    """Units still left when the clock stops on ``from_date``; never negative.

    ``working_days``: working days strictly after ``from_date`` up to and including
    ``due_date`` (the stop day itself is used up). ``days`` and ``months``: calendar days
    from ``from_date`` to ``due_date`` (months are converted to days: on resumption the
    remainder runs as calendar days).
    """
    return remaining_info(from_date, due_date, unit, calendar)[0]


def due_date_for(
    start: date, unit: str, length: int, calendar: WorkCalendar | None = None,
) -> tuple[date, bool]:
    """``(due_date, provisional)`` of a period of ``length`` ``unit`` starting the day after ``start``."""
    if unit == WORKING_DAYS:
        return add_working_days(start, length, calendar)
    if unit == DAYS:
        return add_days(start, length, calendar)
    if unit == MONTHS:
        return add_months(start, length, calendar)
    raise ValueError(f"unknown deadline unit {unit!r}")


def resume_due_date(
    resumed_on: date, remaining: int, unit: str, calendar: WorkCalendar | None = None,
) -> tuple[date, bool]:
    """Due date when a stopped clock restarts on ``resumed_on`` with ``remaining`` units left.

    Working days are counted again as working days; calendar days (also what is left of a
    months period, see :func:`count_remaining`) as calendar days.
    """
    if unit == WORKING_DAYS:
        return add_working_days(resumed_on, remaining, calendar)
    if unit in (DAYS, MONTHS):
        return add_days(resumed_on, remaining, calendar)
    raise ValueError(f"unknown deadline unit {unit!r}")
