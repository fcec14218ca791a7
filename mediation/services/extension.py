"""延长调解期限: requested by the mediator with both parties' agreement, decided by the director."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Deadline
from cases.services import event_record
from cases.services.deadlines import deadline_extend
from mediation.models import CourtDelegation, MediationExtension
from mediation.services.common import (
    KIND_LIMIT,
    clean_text,
    cn_date,
    locked_case,
    notify_directors,
    notify_parties,
    notify_user,
    open_deadlines,
    require_assigned_mediator,
    require_status,
)

MAX_EXTENSION_DAYS = 60


@transaction.atomic
def extension_request(*, actor, case, days, reason, parties_agreed, agreement_note) -> MediationExtension:
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    require_assigned_mediator(case, actor)
    errors = {}
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION_DAYS:
        errors["days"] = [_("延长天数应为1至%(max)s天。") % {"max": MAX_EXTENSION_DAYS}]
    if not parties_agreed:
        errors["parties_agreed"] = [_("延长调解期限须经双方当事人同意。")]
    if errors:
        raise ValidationError(errors)
    reason = clean_text(reason, field="reason", label=_("延长理由"), max_length=2000)
    agreement_note = clean_text(agreement_note, field="agreement_note", label=_("当事人同意的方式"), max_length=300)
    deadline = open_deadlines(case, KIND_LIMIT).first()
    if deadline is None:
        raise ValidationError(_("本案没有正在计算的调解期限。"), code="status")
    if MediationExtension.objects.filter(case_id=case.pk, status=MediationExtension.Status.PENDING).exists():
        raise ValidationError(_("已有一项延长申请正在等待主任决定。"), code="status")
    extension = MediationExtension.objects.create(
        case=case, deadline=deadline, days=days, reason=reason, parties_agreed=True, agreement_note=agreement_note,
        requested_by=actor,
    )
    event_record(case=case, actor=actor, kind="mediation_extension_requested",
                 message=_("申请延长调解期限%(days)s日（双方当事人同意：%(how)s）") % {
                     "days": days, "how": agreement_note},
                 after={"extension": extension.pk, "days": days, "reason": reason})
    notify_directors(case, key=f"mediation-extension-{extension.pk}", subject=_("延长调解期限待审批"),
                     body=_("案件%(number)s申请延长调解期限%(days)s日，请审批。") % {
                         "number": case.number, "days": days})
    return extension


@transaction.atomic
def extension_decide(*, actor, extension, approve: bool, note="") -> MediationExtension:
    extension = (MediationExtension.objects.select_for_update(of=("self",)).select_related("deadline")
                 .get(pk=extension.pk))
    case = locked_case(extension.case)
    if extension.status != MediationExtension.Status.PENDING:
        raise ValidationError(_("该延长申请已经决定。"), code="status")
    note = clean_text(note, field="note", label=_("决定理由"), max_length=2000, required=not approve)
    deadline = extension.deadline
    if approve and deadline.state not in (Deadline.State.RUNNING, Deadline.State.STOPPED):
        raise ValidationError(_("调解期限已经结束，不能再延长。"), code="status")
    extension.status = MediationExtension.Status.APPROVED if approve else MediationExtension.Status.REJECTED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, timezone.now(), note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        deadline = deadline_extend(deadline=deadline, unit=Deadline.Unit.DAYS, length=extension.days, actor=actor,
                                   reason=extension.reason)
        CourtDelegation.objects.filter(case_id=case.pk).update(due_date=deadline.due_date)
    event_record(
        case=case, actor=actor, kind="mediation_extension_decided", public=approve,
        message=(_("批准延长调解期限%(days)s日，期限至%(due)s") if approve else _("不批准延长调解期限：%(note)s")) % {
            "days": extension.days, "due": cn_date(deadline.due_date), "note": note},
        after={"extension": extension.pk, "approved": approve, "due_date": deadline.due_date.isoformat()},
    )
    body = (_("案件%(number)s的调解期限经双方同意延长%(days)s日，至%(due)s。") if approve
            else _("案件%(number)s延长调解期限的申请未获批准。")) % {
        "number": case.number, "days": extension.days, "due": cn_date(deadline.due_date)}
    notify_user(extension.requested_by, case, key=f"mediation-extension-decided-{extension.pk}",
                subject=_("延长调解期限的决定"), body=body)
    if approve:
        notify_parties(case, key=f"mediation-extension-decided-{extension.pk}", subject=_("调解期限已延长"), body=body)
    return extension
