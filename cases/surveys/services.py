"""Every write of the surveys: invite, remind, expire, answer.

A case is never changed by a survey. The invitation and the answer are still recorded on
the case's timeline (``survey_invited``, ``survey_answered``), without the scores: the
results are anonymous and shown only in aggregate.
"""
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import TERMINAL_STATUSES, Case, CaseStatus, Party
from cases.notifications import notify
from cases.services.events import event_record
from cases.surveys.links import survey_path
from cases.surveys.models import DIMENSION_FIELDS, SurveyInvitation, SurveyResponse
from cases.surveys.selectors import case_handlers

# Refused and lapsed complaints never reached the respondent: only the applicant is asked.
APPLICANT_ONLY_STATUSES = frozenset({CaseStatus.REFUSED, CaseStatus.LAPSED})
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SurveyError(ValidationError):
    """An answer the invitation's state does not allow (already answered, expired)."""


def _surveyed_parties(case) -> list[Party]:
    """Applicants, respondents and third parties (not agents); the applicant only for refusals and lapses."""
    qs = case.parties.exclude(role=Party.PartyRole.AGENT).select_related("user").order_by("id")
    if case.status in APPLICANT_ONLY_STATUSES:
        qs = qs.filter(role=Party.PartyRole.APPLICANT)
    return list(qs)


def _send(invitation, party, *, key, subject, body) -> list[str]:
    """Notify ``party`` on every channel it has; the SMS goes to mobile numbers only."""
    phone = party.phone if _MOBILE.match(party.phone or "") else ""
    rows = notify(
        key=key, subject=subject, body=body, case=invitation.case, user=party.user, phone=phone,
        email=party.email, link=survey_path(invitation),
    )
    return sorted({row.channel for row in rows})


@transaction.atomic
def survey_invite_case(*, case, actor=None, now=None) -> list[SurveyInvitation]:
    """Invite every surveyed party of a closed ``case`` (idempotent: one invitation per party, ever).

    Captures the closing tier and organisation and the handling staff on each invitation.
    Returns the invitations created by this call (none when all parties were invited before).
    """
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in TERMINAL_STATUSES or case.closed_at is None:
        return []
    parties = _surveyed_parties(case)
    invited = set(SurveyInvitation.objects.filter(case=case).values_list("party_id", flat=True))
    todo = [p for p in parties if p.pk not in invited]
    if not todo:
        return []
    staff = case_handlers([case.pk]).get(case.pk, set())
    expires_at = now + timedelta(days=settings.SURVEY_EXPIRY_DAYS)
    created = []
    for party in todo:
        try:
            with transaction.atomic():
                invitation = SurveyInvitation.objects.create(
                    case=case, party=party, tier=case.tier, organization_id=case.organization_id,
                    closed_status=case.status, invited_at=now, expires_at=expires_at,
                )
        except IntegrityError:  # invited concurrently: that invitation stands
            continue
        invitation.case = case
        if staff:
            invitation.staff.set(staff)
        channels = _send(
            invitation, party, key=f"survey-invite:{invitation.pk}",
            subject=_("请评价本次纠纷化解服务"),
            body=_("您参与的案件（%(number)s）已办结。请花一分钟为本次服务评分，评价匿名统计，"
                   "链接%(days)d日内有效：") % {"number": case.number, "days": settings.SURVEY_EXPIRY_DAYS},
        )
        invitation.channels = ",".join(channels)
        invitation.save(update_fields=["channels"])
        created.append(invitation)
    if created:
        event_record(
            case=case, actor=actor, kind="survey_invited",
            message=_("已向%(count)d名当事人发送满意度调查") % {"count": len(created)},
            after={"invitations": len(created)},
        )
    return created


def survey_remind_due(*, now=None) -> int:
    """Remind, once, every invitation still unanswered 3 days after it was sent. Returns the count."""
    now = now or timezone.now()
    due = SurveyInvitation.objects.filter(
        state=SurveyInvitation.State.PENDING, reminded_at__isnull=True, expires_at__gt=now,
        invited_at__lte=now - timedelta(days=settings.SURVEY_REMINDER_DAYS),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:5000]):
        with transaction.atomic():
            # The conditional update is the "exactly once": a second run (or a second worker) finds it done.
            if not SurveyInvitation.objects.filter(
                pk=pk, state=SurveyInvitation.State.PENDING, reminded_at__isnull=True,
            ).update(reminded_at=now):
                continue
            invitation = SurveyInvitation.objects.select_related("case", "party__user").get(pk=pk)
            _send(
                invitation, invitation.party, key=f"survey-remind:{pk}",
                subject=_("提醒：请评价本次纠纷化解服务"),
                body=_("您尚未对案件（%(number)s）的办理进行评价，链接将于%(date)s失效：") % {
                    "number": invitation.case.number,
                    "date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d"),
                },
            )
            sent += 1
    return sent


def survey_expire_due(*, now=None) -> int:
    """Close every invitation past its 30 days. Returns the count."""
    now = now or timezone.now()
    return SurveyInvitation.objects.filter(
        state=SurveyInvitation.State.PENDING, expires_at__lte=now,
    ).update(state=SurveyInvitation.State.EXPIRED, expired_at=now)


@transaction.atomic
def survey_answer(*, invitation, answers: dict, actor=None, ip_address=None, now=None) -> SurveyResponse:
    """Record a party's answers: five scores 1-5, would-recommend, an optional comment.

    Raises ``SurveyError`` (code ``answered`` or ``expired``) when the invitation cannot take
    an answer, ``ValidationError`` with field keys when an answer is invalid; saves nothing then.
    """
    now = now or timezone.now()
    locked = SurveyInvitation.objects.select_for_update(of=("self",)).select_related("case").get(pk=invitation.pk)
    if locked.state == SurveyInvitation.State.ANSWERED or SurveyResponse.objects.filter(invitation=locked).exists():
        raise SurveyError(_("您已经提交过评价，每位当事人只能评价一次。"), code="answered")
    if locked.is_expired(now):
        raise SurveyError(_("该评价链接已过期，不能再提交。"), code="expired")
    fields = (*DIMENSION_FIELDS, "would_recommend", "comment")
    unknown = set(answers) - set(fields)
    if unknown:
        raise ValidationError({key: [_("未知字段。")] for key in sorted(unknown)})
    response = SurveyResponse(invitation=locked, answered_at=now, **{k: answers.get(k) for k in fields
                                                                     if k != "comment"},
                              comment=(answers.get("comment") or "").strip())
    response.full_clean(exclude=["invitation"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise SurveyError(_("您已经提交过评价，每位当事人只能评价一次。"), code="answered") from None
    locked.state = SurveyInvitation.State.ANSWERED
    locked.answered_at = now
    locked.save(update_fields=["state", "answered_at"])
    event_record(
        case=locked.case, actor=actor if actor is not None and actor.is_authenticated else None,
        kind="survey_answered", message=_("一名当事人提交了满意度评价"), ip_address=ip_address,
    )
    invitation.state, invitation.answered_at = locked.state, locked.answered_at
    return response


def closed_cases_to_invite(*, now=None, limit=500) -> list[int]:
    """Closed cases with a party still to invite, closed within the expiry window (older ones would
    expire at once). Uses the case's events (indexed by time) to find recent closures.
    """
    from cases.models import CaseEvent

    now = now or timezone.now()
    since = now - timedelta(days=settings.SURVEY_EXPIRY_DAYS)
    recent = CaseEvent.objects.filter(created_at__gte=since, kind="status_changed").values("case_id")
    candidates = Case.objects.filter(
        pk__in=recent, status__in=TERMINAL_STATUSES, closed_at__isnull=False, closed_at__gte=since,
    )
    # Every surveyed party invited already: nothing to do. (Refusals and lapses ask the applicant only.)
    invited_all = SurveyInvitation.objects.values("case_id")
    return list(
        candidates.exclude(pk__in=invited_all).order_by("closed_at", "pk").values_list("pk", flat=True)[:limit]
    )

