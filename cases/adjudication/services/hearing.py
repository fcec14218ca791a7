"""口头审理: noticed at least three working days ahead (口头审理通知书), recorded (笔录), adjourned."""
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import calendar as workcal
from cases.adjudication.models import Hearing
from cases.adjudication.services import _common as c
from cases.documents.models import DocumentType
from cases.models import CaseStatus
from cases.services import event_record

S = CaseStatus


def earliest_hearing_date(today=None):
    """The first day a hearing noticed ``today`` may be held: three working days must lie between."""
    today = today or c.today()
    return workcal.add_working_days(today, c.conf("HEARING_NOTICE_WORKING_DAYS"))[0]


def _check_when(scheduled_at, today):
    if not isinstance(scheduled_at, datetime):
        raise c.invalid(_("请填写审理时间。"), "scheduled_at", code="required")
    if timezone.is_naive(scheduled_at):
        scheduled_at = timezone.make_aware(scheduled_at)
    day = timezone.localdate(scheduled_at)
    earliest = earliest_hearing_date(today)
    if day < earliest:
        raise c.invalid(
            _("口头审理应至少提前%(n)s个工作日通知当事人，最早可定于%(date)s。") % {
                "n": c.conf("HEARING_NOTICE_WORKING_DAYS"), "date": c.ui_date(earliest)},
            "scheduled_at",
        )
    if not workcal.is_workday(day):
        raise c.invalid(_("%(date)s不是工作日，请另选审理日期。") % {"date": c.ui_date(day)}, "scheduled_at")
    return scheduled_at


def _schedule(adj, actor, scheduled_at, place, mode, today, previous=None) -> Hearing:
    place = c.clean_text(place, "place", _("审理地点"), max_length=200)
    if mode not in Hearing.Mode.values:
        raise c.invalid(_("请选择审理方式。"), "mode")
    scheduled_at = _check_when(scheduled_at, today)
    hearing = Hearing.objects.create(adjudication=adj, scheduled_at=scheduled_at, place=place, mode=mode,
                                     scheduled_by=actor, rescheduled_from=previous)
    panel = c.active_panel(adj)
    hearing.notice_document = c.issue(actor, adj, DocumentType.HEARING_NOTICE, {
        "hearing": hearing, "panel": panel, "previous": previous,
    }, series=f"hearing:{hearing.pk}")
    hearing.save(update_fields=["notice_document"])
    when = timezone.localtime(scheduled_at)
    event_record(
        case=adj.case, actor=actor, kind="adjudication_hearing", public=True,
        message=_("定于%(when)s在%(place)s口头审理") % {
            "when": f"{c.cn_date(when.date())}{when.hour}时{when.minute:02d}分", "place": place},
        after={"hearing": hearing.pk, "scheduled_at": scheduled_at.isoformat(),
               "previous": getattr(previous, "pk", None)},
    )
    c.notify_parties(
        adj.case, key=f"adj-hearing-{hearing.pk}", subject=_("口头审理通知"),
        body=_("%(case)s定于%(when)s在%(place)s口头审理，口头审理通知书可在平台查看。") % {
            "case": adj.case.number, "when": f"{c.cn_date(when.date())}{when.hour}时{when.minute:02d}分",
            "place": place},
    )
    return hearing


@transaction.atomic
def adjudication_schedule_hearing(*, actor, case, scheduled_at, place, mode=Hearing.Mode.IN_PERSON,
                                  today=None) -> Hearing:
    """Fix a hearing and issue its notice to every party."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    c.require_panel(adj)
    if adj.hearings.filter(state=Hearing.State.SCHEDULED).exists():
        raise c.conflict(_("已有一次口头审理尚未进行，请先记录或延期该次审理。"))
    return _schedule(adj, actor, scheduled_at, place, mode, today)


def _scheduled(adj, hearing):
    hearing = Hearing.objects.select_for_update().get(pk=hearing.pk)
    if hearing.adjudication_id != adj.pk:
        raise c.invalid(_("该口头审理不属于本案。"), "hearing")
    if hearing.state != Hearing.State.SCHEDULED:
        raise c.conflict(_("该次口头审理已经%(state)s。") % {"state": hearing.get_state_display()})
    return hearing


@transaction.atomic
def adjudication_record_hearing(*, actor, case, hearing, attendees, record) -> Hearing:
    """笔录: who attended and what was said; the hearing is then held."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    hearing = _scheduled(adj, hearing)
    if hearing.scheduled_at > timezone.now():
        raise c.conflict(_("审理时间尚未到，不能记录笔录。"))
    hearing.attendees = c.clean_text(attendees, "attendees", _("到庭人员"), max_length=1000)
    hearing.record = c.clean_text(record, "record", _("审理笔录"), max_length=50000)
    hearing.state, hearing.recorded_by, hearing.held_at = Hearing.State.HELD, actor, timezone.now()
    hearing.save(update_fields=["attendees", "record", "state", "recorded_by", "held_at"])
    event_record(case=adj.case, actor=actor, kind="adjudication_hearing_held", public=True,
                 message=_("已进行口头审理并制作笔录"), after={"hearing": hearing.pk})
    return hearing


@transaction.atomic
def adjudication_adjourn_hearing(*, actor, case, hearing, reason, scheduled_at=None, place="", mode=None,
                                 today=None) -> Hearing:
    """延期审理, with a new date (and a new notice) when one is fixed now. Returns the new hearing or the old one."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    hearing = _scheduled(adj, hearing)
    hearing.adjourn_reason = c.clean_text(reason, "reason", _("延期理由"), max_length=1000)
    hearing.state = Hearing.State.ADJOURNED
    hearing.save(update_fields=["adjourn_reason", "state"])
    event_record(case=adj.case, actor=actor, kind="adjudication_hearing_adjourned", public=True,
                 message=_("口头审理延期：%(reason)s") % {"reason": hearing.adjourn_reason},
                 after={"hearing": hearing.pk})
    if scheduled_at is None:
        return hearing
    c.require_status(adj.case, S.ADJUDICATING)
    return _schedule(adj, actor, scheduled_at, place or hearing.place, mode or hearing.mode, today, previous=hearing)
