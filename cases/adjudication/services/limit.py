"""办案期限: three months from filing, extended by one month with the chief's approval (configurable)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import ExtensionRequest
from cases.adjudication.services import _common as c
from cases.models import CaseStatus, Deadline
from cases.services import event_record
from cases.services.deadlines import deadline_extend

S = CaseStatus


def extensions_left(adj) -> int:
    used = adj.extensions.filter(state=ExtensionRequest.State.APPROVED).count()
    return max(c.conf("MAX_EXTENSIONS") - used, 0)


@transaction.atomic
def adjudication_request_extension(*, actor, case, reason) -> ExtensionRequest:
    """The panel asks the chief to extend the time limit by the configured months."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    if c.open_deadline(adj.case, c.K_LIMIT) is None:
        raise c.conflict(_("本案没有正在计算的办案期限。"))
    if adj.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        raise c.conflict(_("已有延长期限申请正在等待负责人审批。"))
    if extensions_left(adj) <= 0:
        raise c.conflict(_("办案期限已经延长过，不能再次延长。"))
    reason = c.clean_text(reason, "reason", _("延长理由"), max_length=2000)
    request = ExtensionRequest.objects.create(adjudication=adj, months=c.conf("EXTENSION_MONTHS"), reason=reason,
                                              requested_by=actor)
    event_record(case=adj.case, actor=actor, kind="adjudication_extension_requested",
                 message=_("申请延长办案期限%(n)s个月：%(reason)s") % {"n": request.months, "reason": reason},
                 after={"request": request.pk, "months": request.months})
    c.signal(adj, flowlink.EXTENSION_REQUESTED, actor, request=request)
    return request


@transaction.atomic
def adjudication_decide_extension(*, actor, case, request, approve: bool, note="") -> ExtensionRequest:
    """The chief approves (the limit's due date moves by the months asked) or refuses with reasons."""
    adj = c.lock(case)
    request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if request.adjudication_id != adj.pk:
        raise c.invalid(_("该申请不属于本案。"), "request")
    if request.state != ExtensionRequest.State.PENDING:
        raise c.conflict(_("该延长期限申请已经作出决定。"))
    note = c.clean_text(note, "note", _("审批意见"), required=not approve, max_length=2000)
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    if not approve:
        request.state = ExtensionRequest.State.REFUSED
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        event_record(case=adj.case, actor=actor, kind="adjudication_extension_refused",
                     message=_("延长办案期限申请不予批准：%(note)s") % {"note": note}, after={"request": request.pk})
        c.signal(adj, flowlink.EXTENSION_DECIDED, actor, request=request)
        return request
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    limit = c.open_deadline(adj.case, c.K_LIMIT)
    if limit is None:
        raise c.conflict(_("本案没有正在计算的办案期限。"))
    request.due_before = limit.due_date
    deadline_extend(deadline=limit, unit=Deadline.Unit.MONTHS, length=request.months, actor=actor,
                    reason=request.reason)
    request.state, request.due_after = ExtensionRequest.State.APPROVED, limit.due_date
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "due_before", "due_after"])
    event_record(case=adj.case, actor=actor, kind="adjudication_extension_approved", public=True,
                 message=_("经负责人批准，办案期限延长%(n)s个月，至%(due)s") % {
                     "n": request.months, "due": c.cn_date(limit.due_date)},
                 after={"request": request.pk, "due_before": request.due_before.isoformat(),
                        "due_after": limit.due_date.isoformat()})
    c.notify_parties(adj.case, key=f"adj-extended-{request.pk}", subject=_("办案期限延长"),
                     body=_("%(case)s的办案期限经批准延长至%(due)s。") % {
                         "case": adj.case.number, "due": c.cn_date(limit.due_date)})
    c.signal(adj, flowlink.EXTENSION_DECIDED, actor, request=request)
    return request
