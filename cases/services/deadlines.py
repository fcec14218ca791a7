"""Time limits of a case: open, stop and restart the clock, extend, complete, cancel.

Dates are counted by ``cases.calendar`` (working days with statutory holidays and 调休,
calendar days rolled forward to a working day). A suspension or a supplement request stops
the clock (``deadline_stop`` / ``deadlines_stop_all``); resumption restarts it with the units
that were left (``deadline_resume``).

Every event about a deadline carries ``after["deadline_id"]`` and the inputs of the change
(``stopped_on``, ``resumed_on``, extension ``unit`` / ``length``), so the due date can be
counted again from the history when the holiday schedule of a year becomes known
(``deadline_refresh_provisional``).

Every change here also refreshes ``Case.next_due`` (``_refresh_next_due``): this module is the
only writer of a deadline's state and due date, so the stored soonest date cannot drift.
"""
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases import calendar as workcal
from cases.models import Case, CaseEvent, Deadline
from cases.services.events import event_record

KIND_OPENED = "deadline_opened"
KIND_STOPPED = "deadline_stopped"
KIND_RESUMED = "deadline_resumed"
KIND_EXTENDED = "deadline_extended"
KIND_COMPLETED = "deadline_completed"
KIND_CANCELLED = "deadline_cancelled"
KIND_RECOUNTED = "deadline_recounted"

_OPEN_STATES = (Deadline.State.RUNNING, Deadline.State.STOPPED)


class DeadlineError(ValueError):
    """A change the deadline's current state does not allow."""


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def _check_unit(unit) -> str:
    if unit not in Deadline.Unit.values:
        raise DeadlineError(f"未知的期限计算单位“{unit}”。")
    return str(unit)


def _lock_case(case_id) -> None:
    """Lock the case's row: one change of its deadlines (and of ``next_due``) at a time, taken before the
    deadline's own row, in the order the tier services take them (case first)."""
    # FOR NO KEY UPDATE, as the UPDATE of next_due takes: it does not wait for rows that merely point at the case.
    list(Case.objects.select_for_update(no_key=True).filter(pk=case_id).values_list("pk", flat=True))


def _locked(deadline: Deadline, allowed, action: str) -> Deadline:
    """The deadline's row, locked for this transaction (its case's row first), after checking its state is
    in ``allowed``."""
    _lock_case(deadline.case_id)
    row = Deadline.objects.select_for_update(of=("self",)).select_related("case").get(pk=deadline.pk)
    if row.state not in allowed:
        raise DeadlineError(
            f"期限“{row.label}”当前状态为“{row.get_state_display()}”，不能{action}。"
        )
    return row


def _sync(target: Deadline, source: Deadline) -> Deadline:
    """Copy the saved state onto the caller's instance so it does not hold stale values."""
    if target is not source:
        for field in Deadline._meta.concrete_fields:
            setattr(target, field.attname, getattr(source, field.attname))
    return target


def _refresh_next_due(case_id, *, case_locked=True) -> None:
    """Store on the case the soonest due date of its running deadlines (NULL when none runs).

    One UPDATE in the caller's transaction, after every change of a deadline's state or due date.
    ``next_due`` is derived data, not a change a person made: no ``CaseEvent`` is written for it
    (the deadline's own event is the record), and ``updated_at`` is left alone.
    The case's row must be locked first (``case_locked``, else it is locked here): then the UPDATE,
    a new statement, sees every other change of the case's deadlines committed before it.
    """
    if not case_locked:
        _lock_case(case_id)
    soonest = (Deadline.objects.filter(case_id=OuterRef("pk"), state=Deadline.State.RUNNING)
               .order_by("due_date").values("due_date")[:1])
    Case.objects.filter(pk=case_id).update(next_due=Subquery(soonest))


def _snapshot(d: Deadline) -> dict:
    return {
        "state": d.state, "due_date": _iso(d.due_date), "stopped_on": _iso(d.stopped_on),
        "remaining": d.remaining, "provisional": d.provisional,
    }


@transaction.atomic
def deadline_open(
    *, case, kind, label, unit, length, start_date=None, actor=None, responsible_role="", assignee=None,
    after_closure=False,
) -> Deadline:
    """Start a time limit of ``length`` ``unit`` running the day after ``start_date`` (default today).

    ``after_closure`` marks a limit that runs once the case has closed (a follow-up); closing
    the case cancels every other open limit.
    """
    unit = _check_unit(unit)
    start = start_date or timezone.localdate()
    due, provisional = workcal.due_date_for(start, unit, length)
    _lock_case(case.pk)
    deadline = Deadline.objects.create(
        case=case, kind=kind, label=str(label), unit=unit, length=length, start_date=start,
        due_date=due, provisional=provisional, state=Deadline.State.RUNNING,
        responsible_role=responsible_role or "", assignee=assignee, after_closure=after_closure,
    )
    _refresh_next_due(deadline.case_id)
    note = "（节假日安排未公布，暂按周一至周五计算）" if provisional else ""
    event_record(
        case=case, actor=actor, kind=KIND_OPENED,
        message=f"期限“{deadline.label}”开始计算：自{start.isoformat()}起"
                f"{length}{deadline.get_unit_display()}，届满日{due.isoformat()}{note}",
        after={
            "deadline_id": deadline.pk, "kind": kind, "unit": unit, "length": length,
            "start_date": _iso(start), "due_date": _iso(due), "provisional": provisional,
        },
    )
    return deadline


@transaction.atomic
def deadline_stop(*, deadline: Deadline, actor=None, on: date | None = None) -> Deadline:
    """Stop the clock of a running deadline on ``on`` (default today), keeping the units left."""
    row = _locked(deadline, (Deadline.State.RUNNING,), "中止计时")
    on = on or timezone.localdate()
    before = _snapshot(row)
    row.remaining = workcal.count_remaining(on, row.due_date, row.unit)
    row.stopped_on = on
    row.state = Deadline.State.STOPPED
    row.save(update_fields=["remaining", "stopped_on", "state"])
    _refresh_next_due(row.case_id)
    # What is left of a months period runs on as calendar days.
    unit_word = "工作日" if row.unit == Deadline.Unit.WORKING_DAYS else "日"
    event_record(
        case=row.case, actor=actor, kind=KIND_STOPPED,
        message=f"期限“{row.label}”自{on.isoformat()}中止计时，剩余{row.remaining}{unit_word}",
        before=before, after={"deadline_id": row.pk, **_snapshot(row)},
    )
    return _sync(deadline, row)


@transaction.atomic
def deadline_resume(*, deadline: Deadline, actor=None, on: date | None = None) -> Deadline:
    """Restart a stopped deadline on ``on`` (default today): the units left run again from then."""
    row = _locked(deadline, (Deadline.State.STOPPED,), "恢复计时")
    on = on or timezone.localdate()
    if row.stopped_on and on < row.stopped_on:
        raise DeadlineError(f"恢复计时日期不能早于中止计时日期（{row.stopped_on.isoformat()}）。")
    before = _snapshot(row)
    due, provisional = workcal.resume_due_date(on, row.remaining or 0, row.unit)
    row.due_date = due
    row.provisional = row.provisional or provisional
    row.state = Deadline.State.RUNNING
    row.stopped_on = None
    row.save(update_fields=["due_date", "provisional", "state", "stopped_on"])
    _refresh_next_due(row.case_id)
    event_record(
        case=row.case, actor=actor, kind=KIND_RESUMED,
        message=f"期限“{row.label}”自{on.isoformat()}恢复计时，届满日由{before['due_date']}变更为{_iso(due)}",
        before=before, after={"deadline_id": row.pk, "resumed_on": _iso(on), **_snapshot(row)},
    )
    return _sync(deadline, row)


def _finish(deadline: Deadline, actor, state, kind: str, action: str, verb: str) -> Deadline:
    row = _locked(deadline, _OPEN_STATES, action)
    before = _snapshot(row)
    row.state = state
    fields = ["state"]
    if state == Deadline.State.MET:
        row.completed_at = timezone.now()
        fields.append("completed_at")
    row.save(update_fields=fields)
    if before["state"] == Deadline.State.RUNNING:  # a stopped one never counted
        _refresh_next_due(row.case_id)
    event_record(
        case=row.case, actor=actor, kind=kind, message=f"期限“{row.label}”{verb}",
        before=before, after={"deadline_id": row.pk, **_snapshot(row)},
    )
    return _sync(deadline, row)


@transaction.atomic
def deadline_complete(*, deadline: Deadline, actor=None) -> Deadline:
    """The act the deadline was waiting for was done: MET."""
    return _finish(deadline, actor, Deadline.State.MET, KIND_COMPLETED, "标记完成", "已完成")


@transaction.atomic
def deadline_cancel(*, deadline: Deadline, actor=None) -> Deadline:
    """The deadline no longer applies (the case moved on, was withdrawn …): CANCELLED."""
    return _finish(deadline, actor, Deadline.State.CANCELLED, KIND_CANCELLED, "取消", "已取消")


@transaction.atomic
def deadline_extend(*, deadline: Deadline, unit, length: int, actor=None, reason="") -> Deadline:
    """Extend by ``length`` ``unit`` from the current due date (an approved extension).

    A stopped deadline keeps its clock stopped; its units left grow accordingly.
    """
    unit = _check_unit(unit)
    row = _locked(deadline, _OPEN_STATES, "延长")
    before = _snapshot(row)
    cal = workcal.WorkCalendar(row.stopped_on or row.due_date, row.due_date)
    due, provisional = workcal.due_date_for(row.due_date, unit, length, cal)
    row.due_date = due
    row.provisional = row.provisional or provisional
    fields = ["due_date", "provisional"]
    if row.state == Deadline.State.STOPPED:
        row.remaining = workcal.count_remaining(row.stopped_on, due, row.unit, cal)
        fields.append("remaining")
    row.save(update_fields=fields)
    if row.state == Deadline.State.RUNNING:
        _refresh_next_due(row.case_id)
    unit_label = Deadline.Unit(unit).label
    event_record(
        case=row.case, actor=actor, kind=KIND_EXTENDED,
        message=f"期限“{row.label}”延长{length}{unit_label}，届满日由{before['due_date']}变更为{_iso(due)}"
                + (f"。理由：{reason}" if reason else ""),
        before=before,
        after={
            "deadline_id": row.pk, "unit": unit, "length": length, "reason": str(reason), **_snapshot(row),
        },
    )
    return _sync(deadline, row)


@transaction.atomic
def deadlines_stop_all(*, case, actor=None, on: date | None = None) -> list[Deadline]:
    """Stop the clock of every running deadline of ``case`` (suspension, supplement request)."""
    on = on or timezone.localdate()
    rows = list(case.deadlines.filter(state=Deadline.State.RUNNING).order_by("id"))
    return [deadline_stop(deadline=d, actor=actor, on=on) for d in rows]


@transaction.atomic
def deadlines_resume_all(*, case, actor=None, on: date | None = None) -> list[Deadline]:
    """Restart every stopped deadline of ``case``."""
    on = on or timezone.localdate()
    rows = list(case.deadlines.filter(state=Deadline.State.STOPPED).order_by("id"))
    return [deadline_resume(deadline=d, actor=actor, on=on) for d in rows]


def _recount(deadline: Deadline, cal: workcal.WorkCalendar) -> tuple[date, bool, int | None]:
    """Count the deadline again from its history with today's calendar.

    Replays open, then every stop, resumption and extension recorded in its events.
    Returns ``(due_date, provisional, remaining)``; ``remaining`` is that of the last stop.
    """
    due, provisional = workcal.due_date_for(deadline.start_date, deadline.unit, deadline.length, cal)
    remaining, stopped_on = None, None
    events = CaseEvent.objects.filter(
        case_id=deadline.case_id, kind__in=(KIND_STOPPED, KIND_RESUMED, KIND_EXTENDED),
        after__deadline_id=deadline.pk,
    ).order_by("id").values_list("kind", "after")
    for kind, after in events:
        if kind == KIND_STOPPED:
            stopped_on = date.fromisoformat(after["stopped_on"])
            remaining, p = workcal.remaining_info(stopped_on, due, deadline.unit, cal)
        elif kind == KIND_RESUMED:
            due, p = workcal.resume_due_date(
                date.fromisoformat(after["resumed_on"]), remaining or 0, deadline.unit, cal,
            )
            stopped_on = None
        else:
            due, p = workcal.due_date_for(due, after["unit"], after["length"], cal)
            if stopped_on is not None:
                remaining = workcal.count_remaining(stopped_on, due, deadline.unit, cal)
        provisional = provisional or p
    return due, provisional, remaining


@transaction.atomic
def deadline_refresh_provisional(*, year: int, actor=None) -> int:
    """Count again the provisional deadlines touching ``year`` once its schedule is entered.

    Called after an admin adds, changes or deletes a ``HolidayOverride`` of ``year``.
    Running deadlines get their real due date; stopped ones (not named in the brief but
    affected the same way) get their real units left. Returns how many deadlines changed;
    each change writes one ``deadline_recounted`` event.
    """
    rows = Deadline.objects.select_for_update(of=("self",)).select_related("case").filter(
        state__in=_OPEN_STATES, provisional=True,
        start_date__lte=date(year, 12, 31), due_date__gte=date(year, 1, 1),
    ).order_by("id")
    cal = workcal.WorkCalendar(date(year, 1, 1), date(year, 12, 31))
    changed = 0
    for row in rows:
        due, provisional, remaining = _recount(row, cal)
        before = _snapshot(row)
        fields = []
        if due != row.due_date:
            row.due_date = due
            fields.append("due_date")
        if provisional != row.provisional:
            row.provisional = provisional
            fields.append("provisional")
        if row.state == Deadline.State.STOPPED and remaining is not None and remaining != row.remaining:
            row.remaining = remaining
            fields.append("remaining")
        if not fields:
            continue
        row.save(update_fields=fields)
        if "due_date" in fields and row.state == Deadline.State.RUNNING:
            _refresh_next_due(row.case_id, case_locked=False)
        changed += 1
        event_record(
            case=row.case, actor=actor, kind=KIND_RECOUNTED,
            message=f"{year}年节假日安排已录入，期限“{row.label}”重新计算：届满日"
                    f"{before['due_date']}→{_iso(row.due_date)}"
                    + ("（仍为暂定）" if row.provisional else ""),
            before=before, after={"deadline_id": row.pk, **_snapshot(row)},
        )
    return changed
