"""Who mediates: the director's assignment, a mediator's claim, acceptance with disclosure,
declining, releasing, and recusal (a party's request or the mediator's own disclosure)."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Deadline, Role
from cases.services import case_change_status, case_grant_user, event_record
from cases.services.access import CASE_PERMS, case_revoke_user
from cases.services.deadlines import deadline_open
from mediation import matching
from mediation.flow import flow_finish, flow_reassign
from mediation.models import MediationAgreement, MediationAssignment, RecusalRequest
from mediation.rules import rules_for
from mediation.services.common import (
    KIND_ACCEPT,
    KIND_LIMIT,
    active_assignment,
    cancel_deadlines,
    clean_text,
    cn_date,
    complete_deadlines,
    locked_case,
    notify_directors,
    notify_parties,
    notify_user,
    open_deadlines,
    party_for_user,
    require_status,
)

STATEMENT_MAX = 2000
REASON_MAX = 500


def _check_mediator(case, mediator, field="mediator"):
    reasons = matching.check_mediator(case, mediator)
    if reasons:
        message = _("该调解员不能承办本案：%(reasons)s。") % {"reasons": "；".join(reasons)}
        raise ValidationError({field: [message]} if field else message, code="conflict")


def _disclosure(conflict, statement):
    statement = clean_text(statement, field="statement", label=_("披露的情况"), max_length=STATEMENT_MAX,
                           required=bool(conflict))
    return bool(conflict), statement


@transaction.atomic
def mediation_assign(*, actor, case, mediator, note="") -> MediationAssignment:
    """The director offers the case to ``mediator`` (who has 3 working days to accept).

    A pending offer to someone else is withdrawn; a mediator already handling the case
    must first be released or recused.
    """
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATION_ASSIGNMENT)
    note = clean_text(note, field="note", label=_("指派说明"), max_length=REASON_MAX, required=False)
    current = active_assignment(case, lock=True)
    if current is not None and current.status == MediationAssignment.Status.ACCEPTED:
        raise ValidationError(_("本案已由调解员%(name)s承办。") % {"name": current.mediator}, code="status")
    if current is not None and current.mediator_id == getattr(mediator, "pk", None):
        raise ValidationError(_("已经指派给该调解员，正在等待其答复。"), code="status")
    _check_mediator(case, mediator)
    ranking = next((c.as_dict() for c in matching.candidates(case) if c.pk == mediator.pk), {})
    if current is not None:
        current.status = MediationAssignment.Status.WITHDRAWN
        current.responded_at = timezone.now()
        current.save(update_fields=["status", "responded_at"])
        cancel_deadlines(case, KIND_ACCEPT, actor)
        notify_user(current.mediator, case, key=f"mediation-offer-withdrawn-{current.pk}", subject=_("指派已撤回"),
                    body=_("案件%(number)s已改派其他调解员。") % {"number": case.number})
    assignment = MediationAssignment.objects.create(
        case=case, mediator=mediator, source=MediationAssignment.Source.DIRECTOR,
        status=MediationAssignment.Status.PENDING, assigned_by=actor, note=note, ranking=ranking,
    )
    rules = rules_for(case.organization)
    deadline = deadline_open(
        case=case, kind=KIND_ACCEPT, label=_("调解员答复是否接受指派"), unit=Deadline.Unit.WORKING_DAYS,
        length=rules.accept_working_days, actor=actor, responsible_role=Role.MEDIATOR, assignee=mediator,
    )
    event_record(
        case=case, actor=actor, kind="mediation_assigned",
        message=_("指派调解员%(name)s，请于%(due)s前答复") % {"name": mediator, "due": cn_date(deadline.due_date)},
        after={"assignment": assignment.pk, "mediator": mediator.pk, "replaced": current.pk if current else None,
               "score": ranking.get("score")},
    )
    notify_user(mediator, case, key=f"mediation-offer-{assignment.pk}", subject=_("新的调解指派"),
                body=_("调委会指派您调解案件%(number)s（%(title)s），请于%(due)s前答复是否接受。") % {
                    "number": case.number, "title": case.title, "due": cn_date(deadline.due_date)})
    if current is not None:
        flow_reassign(case, "accept", mediator)  # the flow waits at "accept": the new mediator now owns it
    else:
        flow_finish(case, "assign", actor)
    return assignment


def _start_mediating(case, assignment, actor, *, conflict, statement):
    """The mediator takes the case: rights on it, status 调解中, the limit's assignee, disclosure."""
    now = timezone.now()
    assignment.status = MediationAssignment.Status.ACCEPTED
    assignment.responded_at = now
    assignment.disclosure_conflict = conflict
    assignment.disclosure_statement = statement
    assignment.disclosed_at = now
    assignment.save()
    case_grant_user(case=case, user=assignment.mediator, actor=actor, perms=CASE_PERMS)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATING,
                       reason=_("调解员%(name)s承办") % {"name": assignment.mediator})
    open_deadlines(case, KIND_LIMIT).update(assignee=assignment.mediator)
    event_record(
        case=case, actor=actor, kind="mediation_accepted", public=True,
        message=_("调解员%(name)s接受指派，承办本案") % {"name": assignment.mediator},
        after={"assignment": assignment.pk, "mediator": assignment.mediator_id, "source": assignment.source,
               "disclosure_conflict": conflict},
    )
    event_record(
        case=case, actor=actor, kind="mediation_disclosure",
        message=(_("调解员披露可能影响公正的情况：%(text)s") % {"text": statement}) if conflict
        else _("调解员声明与本案当事人无应当回避的关系"),
        after={"assignment": assignment.pk, "conflict": conflict, "statement": statement},
    )
    notify_parties(case, key=f"mediation-mediator-{assignment.pk}", subject=_("调解员已确定"),
                   body=_("案件%(number)s由调解员%(name)s承办，调解员将与您联系安排调解。") % {
                       "number": case.number, "name": assignment.mediator})
    if conflict:
        request = RecusalRequest.objects.create(
            case=case, assignment=assignment, kind=RecusalRequest.Kind.DISCLOSURE,
            ground=RecusalRequest.Ground.RELATIONSHIP, reasons=statement, requested_by=actor,
        )
        notify_directors(case, key=f"mediation-recusal-{request.pk}", subject=_("调解员披露，待决定是否回避"),
                         body=_("调解员%(name)s在案件%(number)s中披露了可能影响公正的情况，请决定是否回避。") % {
                             "name": assignment.mediator, "number": case.number})


@transaction.atomic
def mediation_assignment_accept(*, actor, case, conflict=False, statement="") -> MediationAssignment:
    """The offered mediator accepts, declaring whether anything requires them to step aside."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATION_ASSIGNMENT)
    assignment = active_assignment(case, lock=True)
    if assignment is None or assignment.status != MediationAssignment.Status.PENDING or \
            assignment.mediator_id != actor.pk:
        raise ValidationError(_("本案目前没有等待您答复的指派。"), code="status")
    conflict, statement = _disclosure(conflict, statement)
    complete_deadlines(case, KIND_ACCEPT, actor)
    _start_mediating(case, assignment, actor, conflict=conflict, statement=statement)
    flow_finish(case, "accept", actor)
    return assignment


@transaction.atomic
def mediation_assignment_decline(*, actor, case, reason) -> MediationAssignment:
    """The offered mediator declines with a reason; the case goes back to the director."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATION_ASSIGNMENT)
    reason = clean_text(reason, field="reason", label=_("谢绝理由"), max_length=REASON_MAX)
    assignment = active_assignment(case, lock=True)
    if assignment is None or assignment.status != MediationAssignment.Status.PENDING or \
            assignment.mediator_id != actor.pk:
        raise ValidationError(_("本案目前没有等待您答复的指派。"), code="status")
    assignment.status = MediationAssignment.Status.DECLINED
    assignment.responded_at = timezone.now()
    assignment.response_note = reason
    assignment.save(update_fields=["status", "responded_at", "response_note"])
    cancel_deadlines(case, KIND_ACCEPT, actor)
    event_record(case=case, actor=actor, kind="mediation_declined",
                 message=_("调解员%(name)s谢绝指派：%(reason)s") % {"name": actor, "reason": reason},
                 after={"assignment": assignment.pk, "reason": reason})
    notify_directors(case, key=f"mediation-declined-{assignment.pk}", subject=_("调解员谢绝指派"),
                     body=_("调解员%(name)s谢绝了案件%(number)s的指派，请另行指派。") % {
                         "name": actor, "number": case.number})
    flow_finish(case, "accept", actor)
    return assignment


@transaction.atomic
def mediation_claim(*, actor, case, conflict=False, statement="") -> MediationAssignment:
    """A mediator takes an unassigned case from the committee's queue.

    The case row is locked first, so of two mediators claiming at once one waits, then
    finds the case taken; the partial unique index on active assignments backs this up.
    """
    case = locked_case(case)
    if active_assignment(case, lock=True) is not None:
        raise ValidationError(_("该案件已被认领或已指派给其他调解员。"), code="status")
    require_status(case, CaseStatus.MEDIATION_ASSIGNMENT,
                   message=_("案件当前状态为“%(status)s”，不在待指派队列中。"))
    _check_mediator(case, actor, field=None)
    conflict, statement = _disclosure(conflict, statement)
    try:
        with transaction.atomic():
            assignment = MediationAssignment.objects.create(
                case=case, mediator=actor, source=MediationAssignment.Source.CLAIM,
                status=MediationAssignment.Status.PENDING, assigned_by=actor,
            )
    except IntegrityError:
        raise ValidationError(_("该案件已被认领或已指派给其他调解员。"), code="status") from None
    event_record(case=case, actor=actor, kind="mediation_claimed", message=_("调解员%(name)s从待指派队列认领本案") % {
        "name": actor}, after={"assignment": assignment.pk})
    _start_mediating(case, assignment, actor, conflict=conflict, statement=statement)
    flow_finish(case, "assign", actor)
    flow_finish(case, "accept", actor)
    return assignment


def _leave(case, assignment, actor, *, status, note):
    """The mediator steps off: rights revoked, case back to 待指派, an unfinished agreement voided."""
    assignment.status = status
    assignment.ended_at = timezone.now()
    assignment.response_note = note
    assignment.save(update_fields=["status", "ended_at", "response_note"])
    case_revoke_user(case=case, user=assignment.mediator, actor=actor)
    if case.status == CaseStatus.MEDIATING:
        case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATION_ASSIGNMENT,
                           reason=_("调解员%(name)s%(what)s") % {
                               "name": assignment.mediator, "what": assignment.get_status_display()})
    open_deadlines(case, KIND_LIMIT).update(assignee=None)
    MediationAgreement.objects.filter(case_id=case.pk).exclude(
        status__in=[MediationAgreement.Status.DRAFT, MediationAgreement.Status.EFFECTIVE,
                    MediationAgreement.Status.VOID],
    ).update(status=MediationAgreement.Status.VOID)
    notify_directors(case, key=f"mediation-left-{assignment.pk}", subject=_("案件待重新指派"),
                     body=_("案件%(number)s的调解员%(name)s%(what)s，请重新指派。") % {
                         "number": case.number, "name": assignment.mediator, "what": assignment.get_status_display()})
    flow_finish(case, "mediate", actor) or flow_finish(case, "confirm", actor)


@transaction.atomic
def mediation_release(*, actor, case, reason) -> MediationAssignment:
    """The mediator hands the case back to the committee's queue (with a reason)."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING)
    reason = clean_text(reason, field="reason", label=_("退回理由"), max_length=REASON_MAX)
    assignment = active_assignment(case, lock=True)
    if assignment is None or assignment.status != MediationAssignment.Status.ACCEPTED:
        raise ValidationError(_("本案目前没有承办调解员。"), code="status")
    is_director = actor.is_superuser or actor.has_role(Role.COMMITTEE_DIRECTOR)
    if assignment.mediator_id != actor.pk and not is_director:
        raise ValidationError(_("只有本案的承办调解员可以退回案件。"), code="not_mediator")
    if MediationAgreement.objects.filter(case_id=case.pk, status__in=[
            MediationAgreement.Status.CONFIRMED, MediationAgreement.Status.SIGNED]).exists():
        raise ValidationError(_("当事人已确认调解协议，不能退回案件。"), code="status")
    event_record(case=case, actor=actor, kind="mediation_released",
                 message=_("调解员%(name)s退回案件：%(reason)s") % {"name": assignment.mediator, "reason": reason},
                 after={"assignment": assignment.pk, "reason": reason})
    _leave(case, assignment, actor, status=MediationAssignment.Status.RELEASED, note=reason)
    return assignment


# -- recusal -----------------------------------------------------------------------------------


@transaction.atomic
def recusal_request(*, actor, case, ground, reasons, ip_address=None) -> RecusalRequest:
    """A party (or its agent) asks that the mediator step aside, with reasons."""
    case = locked_case(case)
    require_status(case, CaseStatus.MEDIATING, message=_("案件当前状态为“%(status)s”，没有正在承办的调解员。"))
    if ground not in RecusalRequest.Ground.values:
        raise ValidationError({"ground": [_("请选择回避事由。")]}, code="invalid")
    reasons = clean_text(reasons, field="reasons", label=_("申请回避的理由"), max_length=STATEMENT_MAX)
    party = party_for_user(case, actor)
    if party is None:
        raise ValidationError(_("只有本案当事人或其代理人可以申请回避。"), code="not_party")
    assignment = active_assignment(case, lock=True)
    if assignment is None or assignment.status != MediationAssignment.Status.ACCEPTED:
        raise ValidationError(_("本案目前没有承办调解员。"), code="status")
    if MediationAgreement.objects.filter(case_id=case.pk, status__in=[
            MediationAgreement.Status.CONFIRMED, MediationAgreement.Status.SIGNED]).exists():
        raise ValidationError(_("各方当事人已经确认调解协议，不能再申请回避。"), code="status")
    if RecusalRequest.objects.filter(assignment=assignment, party=party, status=RecusalRequest.Status.PENDING).exists():
        raise ValidationError(_("您已经申请回避，正在等待调委会主任决定。"), code="status")
    request = RecusalRequest.objects.create(
        case=case, assignment=assignment, kind=RecusalRequest.Kind.PARTY, ground=ground, reasons=reasons,
        party=party, requested_by=actor,
    )
    event_record(case=case, actor=actor, kind="mediation_recusal_requested", public=True, ip_address=ip_address,
                 message=_("%(party)s申请调解员%(name)s回避") % {"party": party.name, "name": assignment.mediator},
                 after={"request": request.pk, "ground": ground, "party": party.pk})
    notify_directors(case, key=f"mediation-recusal-{request.pk}", subject=_("回避申请待决定"),
                     body=_("%(party)s申请案件%(number)s的调解员%(name)s回避，请决定。") % {
                         "party": party.name, "number": case.number, "name": assignment.mediator})
    return request


@transaction.atomic
def recusal_decide(*, actor, request, grant: bool, note="") -> RecusalRequest:
    """The director grants (the mediator steps aside; reassign) or rejects a recusal."""
    request = (RecusalRequest.objects.select_for_update(of=("self",)).select_related("assignment", "party")
               .get(pk=request.pk))
    case = locked_case(request.case)
    if request.status != RecusalRequest.Status.PENDING:
        raise ValidationError(_("该回避申请已经决定。"), code="status")
    note = clean_text(note, field="note", label=_("决定理由"), max_length=STATEMENT_MAX, required=not grant)
    if grant and MediationAgreement.objects.filter(case_id=case.pk, status__in=[
            MediationAgreement.Status.CONFIRMED, MediationAgreement.Status.SIGNED]).exists():
        raise ValidationError(_("各方当事人已经确认调解协议，不能再准予回避；如有异议请终止调解。"), code="status")
    now = timezone.now()
    request.status = RecusalRequest.Status.GRANTED if grant else RecusalRequest.Status.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor, now, note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    assignment = request.assignment
    mediator = assignment.mediator
    event_record(
        case=case, actor=actor, kind="mediation_recusal_decided", public=True,
        message=(_("准予调解员%(name)s回避") if grant else _("驳回对调解员%(name)s的回避申请")) % {"name": mediator}
        + (f"：{note}" if note else ""),
        after={"request": request.pk, "granted": grant, "note": note},
    )
    if grant and assignment.status == MediationAssignment.Status.ACCEPTED:
        RecusalRequest.objects.filter(assignment=assignment, status=RecusalRequest.Status.PENDING).update(
            status=RecusalRequest.Status.GRANTED, decided_by=actor, decided_at=now,
            decision_note=_("已因另一回避申请准予回避"),
        )
        _leave(case, assignment, actor, status=MediationAssignment.Status.RECUSED, note=note)
    who = request.party.name if request.party else str(mediator)
    body = (_("案件%(number)s：准予调解员%(name)s回避，调委会将另行指派调解员。") if grant
            else _("案件%(number)s：驳回%(who)s提出的回避申请，调解员%(name)s继续承办。")) % {
        "number": case.number, "name": mediator, "who": who}
    notify_parties(case, key=f"mediation-recusal-decided-{request.pk}", subject=_("回避申请已决定"), body=body)
    notify_user(mediator, case, key=f"mediation-recusal-decided-{request.pk}", subject=_("回避申请已决定"), body=body)
    return request
