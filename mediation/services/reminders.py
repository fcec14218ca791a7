"""Deadline reminders and escalation for the mediation tier (run by Celery beat, see ``mediation.tasks``).

Before a deadline runs out the person who must act is reminded; once it has run out they
are told so and the committee director is told too. Each (deadline, stage, due date) is
sent once: ``ReminderLog`` has a unique row per combination, inserted in the transaction
that writes the notices and the CaseEvent, so a repeated sweep, a retried task or two
workers at once add nothing. An extension moves the due date, so reminders start again.
"""
import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Deadline, Organization, Party
from cases.services import event_record
from cases.services.deadlines import deadline_cancel
from mediation.flow import flow_close, process_of
from mediation.models import (
    ConfirmationJoin,
    CourtDelegation,
    MediationAgreement,
    MediationConsent,
    MediationProcess,
    ReminderLog,
)
from mediation.rules import rules_for
from mediation.services.common import (
    KIND_ACCEPT,
    KIND_CONFIRMATION,
    KIND_CONSENT,
    KIND_LIMIT,
    KIND_PERFORMANCE,
    MEDIATION_DEADLINE_KINDS,
    cn_date,
    current_mediator,
    directors,
    notify_parties,
    notify_user,
    principals,
)

Stage = ReminderLog.Stage
# Deadlines that are escalated to the director when they run out.
ESCALATED_KINDS = (KIND_CONSENT, KIND_ACCEPT, KIND_LIMIT, KIND_PERFORMANCE)
MEDIATION_OPEN = (CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)


def _not_logged(stage):
    return ~Exists(ReminderLog.objects.filter(deadline_id=OuterRef("pk"), stage=stage, due_date=OuterRef("due_date")))


def due_reminders(today=None) -> list[tuple[int, str, str]]:
    """``(deadline_id, stage, due_date)`` of every reminder or escalation not sent yet."""
    today = today or timezone.localdate()
    running = Deadline.objects.filter(kind__in=MEDIATION_DEADLINE_KINDS, state=Deadline.State.RUNNING)
    horizon = today + datetime.timedelta(days=31)
    soon = running.filter(due_date__gte=today, due_date__lte=horizon).filter(_not_logged(Stage.REMINDER))
    late = running.filter(due_date__lt=today)
    out = []
    rules_cache = {}
    for deadline_id, due, org_id, kind in soon.values_list("pk", "due_date", "case__organization_id", "kind"):
        if org_id not in rules_cache:
            rules_cache[org_id] = rules_for(Organization(pk=org_id))
        before = 0 if kind == KIND_PERFORMANCE else rules_cache[org_id].remind_days_before
        if (due - today).days <= before:
            out.append((deadline_id, Stage.REMINDER.value, due.isoformat()))
    # A lapsed 司法确认 window is not anyone's failure: it just ends (``lapse_confirmation_windows``).
    overdue = late.exclude(kind=KIND_CONFIRMATION).filter(_not_logged(Stage.OVERDUE))
    for deadline_id, due in overdue.values_list("pk", "due_date"):
        out.append((deadline_id, Stage.OVERDUE.value, due.isoformat()))
    escalate = late.filter(kind__in=ESCALATED_KINDS).filter(_not_logged(Stage.ESCALATION))
    for deadline_id, due in escalate.values_list("pk", "due_date"):
        out.append((deadline_id, Stage.ESCALATION.value, due.isoformat()))
    return sorted(out)


def _who_must_act(deadline) -> tuple[list, list]:
    """``(parties, users)`` who must act on ``deadline``."""
    case = deadline.case
    if deadline.kind == KIND_CONSENT:
        party_ids = MediationConsent.objects.filter(case_id=case.pk, answered_at__isnull=True).values("party_id")
        return list(Party.objects.filter(pk__in=party_ids)), []
    if deadline.kind == KIND_CONFIRMATION:
        joined = ConfirmationJoin.objects.filter(agreement__case_id=case.pk).values_list("party_id", flat=True)
        return [p for p in principals(case) if p.pk not in set(joined)], []
    user = deadline.assignee or (current_mediator(case) if deadline.kind == KIND_LIMIT else None)
    if user is not None:
        return [], [user]
    return [], directors(case.organization)


def _texts(deadline, stage):
    case = deadline.case
    values = {"number": case.number, "label": deadline.label, "due": cn_date(deadline.due_date)}
    if stage == Stage.REMINDER:
        if deadline.kind == KIND_PERFORMANCE:
            return (_("请回访协议履行情况"),
                    _("案件%(number)s的调解协议履行期限为%(due)s，请回访当事人履行情况。") % values)
        return _("期限即将届满"), _("案件%(number)s的“%(label)s”将于%(due)s届满，请及时办理。") % values
    if stage == Stage.OVERDUE:
        return _("期限已届满"), _("案件%(number)s的“%(label)s”已于%(due)s届满，请尽快办理。") % values
    return _("逾期报告"), _("案件%(number)s的“%(label)s”已于%(due)s届满仍未办理，请督办。") % values


@transaction.atomic
def deadline_remind(*, deadline_id, stage, due_date) -> bool:
    """Send one reminder or escalation, once. False when already sent or no longer due."""
    deadline = (Deadline.objects.select_related("case", "case__organization", "assignee")
                .filter(pk=deadline_id).first())
    if deadline is None or deadline.state != Deadline.State.RUNNING or deadline.due_date.isoformat() != due_date:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(deadline=deadline, stage=stage, due_date=deadline.due_date)
    except IntegrityError:
        return False
    case = deadline.case
    subject, body = _texts(deadline, stage)
    key = f"mediation-{stage}-{deadline.pk}-{due_date}"
    if stage == Stage.ESCALATION:
        parties, users = [], directors(case.organization)
    else:
        parties, users = _who_must_act(deadline)
    if parties:
        notify_parties(case, key=key, subject=subject, body=body, parties=parties)
    for user in users:
        notify_user(user, case, key=key, subject=subject, body=body)
    event_record(
        case=case, actor=None,
        kind="mediation_deadline_escalated" if stage == Stage.ESCALATION else "mediation_deadline_reminded",
        message=f"{subject}：{deadline.label}（{cn_date(deadline.due_date)}）",
        after={"deadline_id": deadline.pk, "stage": stage, "due_date": due_date,
               "parties": [p.pk for p in parties], "users": [u.pk for u in users]},
    )
    return True


@transaction.atomic
def lapse_confirmation_windows(today=None) -> int:
    """司法确认 windows that ran out without a joint application end the flow's step."""
    from mediation.services.agreement import judicial_window_lapse

    today = today or timezone.localdate()
    rows = list(Deadline.objects.select_for_update().filter(
        kind=KIND_CONFIRMATION, state=Deadline.State.RUNNING, due_date__lt=today).select_related("case"))
    for deadline in rows:
        deadline_cancel(deadline=deadline)
        event_record(case=deadline.case, actor=None, kind="mediation_judicial_lapsed", public=True,
                     message=_("申请司法确认的期限已届满，当事人未共同申请"), after={"deadline_id": deadline.pk})
        judicial_window_lapse(case=deadline.case)
    return len(rows)


@transaction.atomic
def close_abandoned_processes() -> int:
    """Processes of cases that left mediation without its own services (a withdrawal …) are ended."""
    effective = MediationAgreement.objects.filter(case_id=OuterRef("case_id"),
                                                  status=MediationAgreement.Status.EFFECTIVE)
    stale = (MediationProcess.objects.filter(finished__isnull=True).exclude(status="CANCELED")
             .exclude(case__status__in=MEDIATION_OPEN).exclude(Exists(effective))
             .select_related("case"))
    closed = 0
    for process in stale:
        case = process.case
        if process_of(case) is None:
            continue
        flow_close(case)
        delegation = CourtDelegation.objects.filter(case_id=case.pk, result=CourtDelegation.Result.PENDING).first()
        if delegation is not None and case.status == CaseStatus.WITHDRAWN:
            from mediation.services.consent import court_report

            court_report(case=case, actor=None, result=CourtDelegation.Result.WITHDRAWN, summary=_("当事人撤回"))
        closed += 1
    return closed
