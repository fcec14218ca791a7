"""调解会议: schedule (online or in person), notice every party with a calendar invitation,
reschedule, record (笔录), mark as missed, cancel."""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Party
from cases.services import event_record
from mediation.links import invite_url
from mediation.models import MediationSession
from mediation.services.common import (
    PRINCIPAL_ROLES,
    clean_text,
    current_mediator,
    issue,
    locked_case,
    notify_parties,
    require_assigned_mediator,
    require_status,
)

MIN_MINUTES, MAX_MINUTES = 15, 480
TEXT_MAX = 5000


def _when(value) -> str:
    """2026年11月21日14时05分, for text stored once (case events, notices); error messages use date_format."""
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _check_plan(*, mode, starts_at, duration_minutes, place, meeting_link):
    errors = {}
    if mode not in MediationSession.Mode.values:
        errors["mode"] = [_("请选择线上调解或现场调解。")]
    if starts_at is None:
        errors["starts_at"] = [_("请填写开始时间。")]
    elif timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if starts_at is not None and starts_at <= timezone.now():
        errors["starts_at"] = [_("开始时间应晚于现在。")]
    elif starts_at is not None and starts_at > timezone.now() + timedelta(days=366):
        errors["starts_at"] = [_("开始时间不能在一年以后。")]
    if not isinstance(duration_minutes, int) or not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [_("预计时长应在%(min)s至%(max)s分钟之间。") % {
            "min": MIN_MINUTES, "max": MAX_MINUTES}]
    place = (place or "").strip()
    meeting_link = (meeting_link or "").strip()
    if mode == MediationSession.Mode.IN_PERSON and not place:
        errors["place"] = [_("现场调解请填写地点。")]
    if len(place) > 200:
        errors["place"] = [_("地点不能超过200字。")]
    if mode == MediationSession.Mode.ONLINE:
        if not meeting_link:
            errors["meeting_link"] = [_("线上调解请填写会议链接。")]
        else:
            try:
                URLValidator(schemes=["https"])(meeting_link)
            except ValidationError:
                errors["meeting_link"] = [_("会议链接应为以 https:// 开头的网址。")]
            if len(meeting_link) > 500:
                errors["meeting_link"] = [_("会议链接不能超过500个字符。")]
    if errors:
        raise ValidationError(errors)
    return starts_at, place, meeting_link


def _notice(actor, case, session, *, rescheduled=False):
    """The 调解会议通知 (a new version on reschedule) and a notice with a calendar invitation to each party."""
    mediator = current_mediator(case)
    document = issue(actor, case, "session_notice", {
        "session": session, "when": _when(session.starts_at), "mediator_name": str(mediator or ""),
        "rescheduled": rescheduled,
    }, series=session.series)
    where = session.place if session.mode == MediationSession.Mode.IN_PERSON else _("线上（会议链接见通知）")
    subject = _("调解会议改期通知") if rescheduled else _("调解会议通知")
    parties = list(case.parties.filter(role__in=PRINCIPAL_ROLES) | case.parties.filter(
        role=Party.PartyRole.AGENT, user__isnull=False))
    for party in parties:
        body = _("案件%(number)s第%(n)s次调解会议定于%(when)s举行，方式：%(mode)s，地点：%(where)s。加入日历：") % {
            "number": case.number, "n": session.sequence, "when": _when(session.starts_at),
            "mode": session.get_mode_display(), "where": where}
        notify_parties(case, key=f"mediation-session-{session.pk}-r{session.revision}", subject=subject, body=body,
                       link=invite_url(session, party), parties=[party])
    return document


@transaction.atomic
def session_schedule(*, actor, case, mode, starts_at, duration_minutes=90, place="",
                     meeting_link="") -> MediationSession:
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    starts_at, place, meeting_link = _check_plan(mode=mode, starts_at=starts_at, duration_minutes=duration_minutes,
                                                 place=place, meeting_link=meeting_link)
    sequence = (MediationSession.objects.filter(case_id=case.pk).aggregate(m=Max("sequence"))["m"] or 0) + 1
    session = MediationSession.objects.create(
        case=case, sequence=sequence, mode=mode, starts_at=starts_at, duration_minutes=duration_minutes,
        place=place if mode == MediationSession.Mode.IN_PERSON else "",
        meeting_link=meeting_link if mode == MediationSession.Mode.ONLINE else "", created_by=actor,
    )
    event_record(case=case, actor=actor, kind="mediation_session_scheduled", public=True,
                 message=_("第%(n)s次调解会议定于%(when)s（%(mode)s）") % {
                     "n": sequence, "when": _when(starts_at), "mode": session.get_mode_display()},
                 after={"session": session.pk, "starts_at": starts_at.isoformat(), "mode": mode})
    _notice(actor, case, session)
    return session


def _locked_session(session) -> MediationSession:
    return MediationSession.objects.select_for_update(of=("self",)).select_related("case").get(pk=session.pk)


def _require_scheduled(session):
    if session.status != MediationSession.Status.SCHEDULED:
        raise ValidationError(_("该调解会议当前状态为“%(status)s”，不能进行此操作。") % {
            "status": session.get_status_display()}, code="status")


@transaction.atomic
def session_reschedule(*, actor, session, starts_at, reason, mode=None, duration_minutes=None, place=None,
                       meeting_link=None) -> MediationSession:
    session = _locked_session(session)
    case = locked_case(session.case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    _require_scheduled(session)
    reason = clean_text(reason, field="reason", label=_("改期原因"), max_length=500)
    mode = mode or session.mode
    duration_minutes = duration_minutes if duration_minutes is not None else session.duration_minutes
    starts_at, place, meeting_link = _check_plan(
        mode=mode, starts_at=starts_at, duration_minutes=duration_minutes,
        place=session.place if place is None else place,
        meeting_link=session.meeting_link if meeting_link is None else meeting_link,
    )
    before = {"starts_at": session.starts_at.isoformat(), "mode": session.mode, "place": session.place}
    session.mode, session.starts_at, session.duration_minutes = mode, starts_at, duration_minutes
    session.place = place if mode == MediationSession.Mode.IN_PERSON else ""
    session.meeting_link = meeting_link if mode == MediationSession.Mode.ONLINE else ""
    session.revision += 1
    session.status_reason = reason
    session.save()
    event_record(case=case, actor=actor, kind="mediation_session_rescheduled", public=True,
                 message=_("第%(n)s次调解会议改期至%(when)s：%(reason)s") % {
                     "n": session.sequence, "when": _when(starts_at), "reason": reason},
                 before=before, after={"session": session.pk, "starts_at": starts_at.isoformat(), "mode": mode})
    _notice(actor, case, session, rescheduled=True)
    return session


def _require_day_come(session):
    if timezone.localdate(session.starts_at) > timezone.localdate():
        raise ValidationError(_("调解会议定于%(when)s，尚未到期，不能记录。") % {
            "when": date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")}, code="status")


@transaction.atomic
def session_record(*, actor, session, attendees, summary, next_steps="") -> MediationSession:
    """调解笔录: who attended, what happened, what comes next."""
    session = _locked_session(session)
    case = locked_case(session.case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    _require_scheduled(session)
    _require_day_come(session)
    names = [str(n).strip()[:100] for n in (attendees or []) if str(n).strip()]
    if not names:
        raise ValidationError({"attendees": [_("请填写到场人员。")]}, code="required")
    if len(names) > 50:
        raise ValidationError({"attendees": [_("到场人员不能超过50人。")]}, code="max_length")
    summary = clean_text(summary, field="summary", label=_("调解情况"), max_length=TEXT_MAX)
    next_steps = clean_text(next_steps, field="next_steps", label=_("下一步安排"), max_length=TEXT_MAX, required=False)
    session.attendees, session.summary, session.next_steps = names, summary, next_steps
    session.status = MediationSession.Status.HELD
    session.recorded_at, session.recorded_by = timezone.now(), actor
    session.save()
    event_record(case=case, actor=actor, kind="mediation_session_recorded", public=True,
                 message=_("第%(n)s次调解会议已举行，到场：%(names)s") % {
                     "n": session.sequence, "names": "、".join(names)},
                 after={"session": session.pk, "attendees": names, "summary": summary, "next_steps": next_steps})
    return session


@transaction.atomic
def session_mark_missed(*, actor, session, reason) -> MediationSession:
    """The session did not take place (a party did not come, the link failed …)."""
    session = _locked_session(session)
    case = locked_case(session.case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    _require_scheduled(session)
    _require_day_come(session)
    reason = clean_text(reason, field="reason", label=_("未能举行的原因"), max_length=500)
    session.status, session.status_reason = MediationSession.Status.MISSED, reason
    session.recorded_at, session.recorded_by = timezone.now(), actor
    session.save(update_fields=["status", "status_reason", "recorded_at", "recorded_by"])
    event_record(case=case, actor=actor, kind="mediation_session_missed", public=True,
                 message=_("第%(n)s次调解会议未能举行：%(reason)s") % {"n": session.sequence, "reason": reason},
                 after={"session": session.pk, "reason": reason})
    notify_parties(case, key=f"mediation-session-missed-{session.pk}", subject=_("调解会议未能举行"),
                   body=_("案件%(number)s第%(n)s次调解会议未能举行（%(reason)s），调解员将另行安排。") % {
                       "number": case.number, "n": session.sequence, "reason": reason})
    return session


@transaction.atomic
def session_cancel(*, actor, session, reason) -> MediationSession:
    session = _locked_session(session)
    case = locked_case(session.case)
    require_assigned_mediator(case, actor)
    _require_scheduled(session)
    reason = clean_text(reason, field="reason", label=_("取消原因"), max_length=500)
    session.status, session.status_reason = MediationSession.Status.CANCELLED, reason
    session.revision += 1
    session.save(update_fields=["status", "status_reason", "revision"])
    event_record(case=case, actor=actor, kind="mediation_session_cancelled", public=True,
                 message=_("第%(n)s次调解会议取消：%(reason)s") % {"n": session.sequence, "reason": reason},
                 after={"session": session.pk, "reason": reason})
    for party in list(case.parties.filter(role__in=PRINCIPAL_ROLES)):
        notify_parties(case, key=f"mediation-session-cancel-{session.pk}", subject=_("调解会议取消"),
                       body=_("案件%(number)s第%(n)s次调解会议（原定%(when)s）取消：%(reason)s。") % {
                           "number": case.number, "n": session.sequence, "when": _when(session.starts_at),
                           "reason": reason},
                       link=invite_url(session, party), parties=[party])
    return session
