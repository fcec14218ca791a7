"""中止 / 恢复: on the respondent's request when CNIPA has accepted an invalidation request; the chief
grants (every clock stops) or refuses as groundless; resumption restarts the clocks."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import SuspensionRequest
from cases.adjudication.services import _common as c
from cases.documents.models import DocumentType
from cases.models import CaseStatus, Party
from cases.services import case_change_status, event_record
from cases.services.deadlines import deadlines_resume_all, deadlines_stop_all

S = CaseStatus


def _date(value, field, label, *, not_before=None, not_before_label=""):
    if value is None:
        raise c.invalid(_("请填写%(label)s。") % {"label": label}, field, code="required")
    if value > c.today():
        raise c.invalid(_("%(label)s不能晚于今天。") % {"label": label}, field)
    if not_before is not None and value < not_before:
        raise c.invalid(_("%(label)s不能早于%(other)s（%(date)s）。") % {
            "label": label, "other": not_before_label, "date": c.ui_date(not_before)}, field)
    return value


@transaction.atomic
def adjudication_request_suspension(*, actor, case, party, invalidation_number, invalidation_accepted_on,
                                    reason) -> SuspensionRequest:
    """The respondent asks for suspension: CNIPA has accepted its request to invalidate the patent."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING)
    c.party_of(adj.case, party, Party.PartyRole.RESPONDENT)
    if party.user_id != actor.pk and not c.is_staff_of(actor, adj):
        raise c.invalid(_("只有被请求人可以申请中止处理。"), "party")
    if adj.suspensions.filter(state__in=[SuspensionRequest.State.PENDING, SuspensionRequest.State.GRANTED]).exists():
        raise c.conflict(_("已有中止处理申请正在审查或已中止。"))
    number = c.clean_text(invalidation_number, "invalidation_number", _("无效宣告请求受理通知书编号"), max_length=60)
    accepted_on = _date(invalidation_accepted_on, "invalidation_accepted_on", _("国家知识产权局受理日期"))
    reason = c.clean_text(reason, "reason", _("申请理由"), max_length=2000)
    request = SuspensionRequest.objects.create(
        adjudication=adj, party=party, invalidation_number=number, invalidation_accepted_on=accepted_on,
        reason=reason, requested_by=actor,
    )
    event_record(case=adj.case, actor=actor, kind="adjudication_suspension_requested", public=True,
                 message=_("%(name)s以专利权无效宣告请求已被受理（%(number)s）为由申请中止处理") % {
                     "name": party.name, "number": number},
                 after={"request": request.pk})
    c.signal(adj, flowlink.SUSPENSION_REQUESTED, actor, request=request)
    return request


@transaction.atomic
def adjudication_decide_suspension(*, actor, case, request, grant: bool, note="", on=None) -> SuspensionRequest:
    """The chief suspends (from ``on``, default today: every running clock stops) or refuses as groundless."""
    adj = c.lock(case)
    request = SuspensionRequest.objects.select_for_update(of=("self",)).select_related("party").get(pk=request.pk)
    if request.adjudication_id != adj.pk:
        raise c.invalid(_("该申请不属于本案。"), "request")
    if request.state != SuspensionRequest.State.PENDING:
        raise c.conflict(_("该中止处理申请已经作出决定。"))
    note = c.clean_text(note, "note", _("决定理由"), required=not grant, max_length=2000)
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    if not grant:
        request.state = SuspensionRequest.State.REFUSED
        request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        event_record(case=adj.case, actor=actor, kind="adjudication_suspension_refused", public=True,
                     message=_("中止处理申请不予准许：%(note)s") % {"note": note}, after={"request": request.pk})
        c.notify_parties(adj.case, key=f"adj-suspension-refused-{request.pk}", subject=_("中止处理申请不予准许"),
                         body=_("%(case)s的中止处理申请不予准许，案件继续审理。") % {"case": adj.case.number})
        c.signal(adj, flowlink.SUSPENSION_DECIDED, actor, request=request, granted=False)
        return request
    c.require_status(adj.case, S.ADJUDICATING)
    on = _date(on or c.today(), "on", _("中止日期"), not_before=timezone.localdate(request.requested_at),
               not_before_label=_("申请日期"))
    case_change_status(case=adj.case, actor=actor, to=S.ADJUDICATION_SUSPENDED, reason=_("中止处理"))
    deadlines_stop_all(case=adj.case, actor=actor, on=on)
    request.state, request.suspended_on = SuspensionRequest.State.GRANTED, on
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "suspended_on"])
    c.issue(actor, adj, DocumentType.SUSPENSION_NOTICE, {"request": request}, series=f"suspension:{request.pk}")
    c.notify_parties(adj.case, key=f"adj-suspended-{request.pk}", subject=_("案件中止处理"),
                     body=_("%(case)s自%(date)s起中止处理，办案期限停止计算。") % {
                         "case": adj.case.number, "date": c.cn_date(on)})
    c.signal(adj, flowlink.SUSPENSION_DECIDED, actor, request=request, granted=True)
    c.sync_case(case, adj.case)
    return request


@transaction.atomic
def adjudication_resume(*, actor, case, reason, on=None) -> SuspensionRequest:
    """恢复处理 (the invalidation request was decided or withdrawn …): every stopped clock runs again."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATION_SUSPENDED)
    request = adj.suspensions.select_for_update().filter(state=SuspensionRequest.State.GRANTED).first()
    if request is None:
        raise c.conflict(_("本案没有中止处理的记录。"))
    reason = c.clean_text(reason, "reason", _("恢复理由"), max_length=2000)
    on = _date(on or c.today(), "on", _("恢复日期"), not_before=request.suspended_on, not_before_label=_("中止日期"))
    case_change_status(case=adj.case, actor=actor, to=S.ADJUDICATING, reason=_("恢复处理"))
    deadlines_resume_all(case=adj.case, actor=actor, on=on)
    request.state, request.resumed_on, request.resume_reason, request.resumed_by = (
        SuspensionRequest.State.RESUMED, on, reason, actor)
    request.save(update_fields=["state", "resumed_on", "resume_reason", "resumed_by"])
    limit = c.open_deadline(adj.case, c.K_LIMIT)
    c.issue(actor, adj, DocumentType.RESUMPTION_NOTICE, {"request": request, "limit": limit},
            series=f"suspension:{request.pk}")
    c.notify_parties(adj.case, key=f"adj-resumed-{request.pk}", subject=_("案件恢复处理"),
                     body=_("%(case)s自%(date)s起恢复处理。") % {"case": adj.case.number, "date": c.cn_date(on)})
    c.signal(adj, flowlink.RESUMED, actor, request=request)
    c.sync_case(case, adj.case)
    return request
