"""受理分流 services: the intake clerk's decisions and the complainant's answers.

The move into a tier after acceptance is not made here: ``workflows.router`` calls
``intake_accept`` and then the tier's own entry service, in one transaction.
"""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.intake.models import IntakeDecision, RefusalGround, SupplementItem
from cases.models import PATENT_KINDS, Case, CaseStatus, Deadline, DisputeType, Party, Role, Route
from cases.services import case_change_status, event_record
from cases.services.deadlines import (
    deadline_complete,
    deadline_open,
    deadlines_resume_all,
    deadlines_stop_all,
)

SUPPLEMENT_DAYS = 10
LIMITATION_YEARS = 3


def _locked(case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _require_status(case, *statuses):
    if case.status not in statuses:
        raise ValidationError(
            _("案件当前状态为“%(status)s”，不能进行此操作。"), code="status",
            params={"status": case.get_status_display()},
        )


def route_allowed(case, route) -> bool:
    """Adjudication is for patent-infringement disputes only (专利法 art. 65)."""
    if route == Route.ADJUDICATION:
        return case.dispute_type == DisputeType.INFRINGEMENT and case.ip_rights.filter(kind__in=PATENT_KINDS).exists()
    return route in Route.values


def limitation_expired(case, today=None) -> bool:
    """Three years from the day the applicant knew of the infringement: a warning, not a refusal."""
    if case.knowledge_date is None:
        return False
    today = today or timezone.localdate()
    try:
        end = case.knowledge_date.replace(year=case.knowledge_date.year + LIMITATION_YEARS)
    except ValueError:  # 29 February
        end = case.knowledge_date + timedelta(days=365 * LIMITATION_YEARS + 1)
    return today > end


def _notify_applicants(case, *, key, subject, body, link=None):
    link = link or f"/cases/{case.pk}/"
    for party in case.parties.filter(role=Party.PartyRole.APPLICANT):
        notifications.notify(
            key=f"{key}:party{party.pk}", case=case, user=party.user, phone=party.phone, email=party.email,
            subject=subject, body=body, link=link,
        )


def _running(case, kind):
    return Deadline.objects.filter(case=case, kind=kind, state__in=[Deadline.State.RUNNING, Deadline.State.STOPPED])


def _issue(actor, case, doc_type, context):
    """Issue the decision's notice and serve it on the applicants (and their agents)."""
    from cases.documents.services import document_issue, document_serve_parties

    document = document_issue(
        actor=actor, case=case, doc_type=doc_type, organization=case.organization, context=context,
    )
    document_serve_parties(
        actor=actor, document=document,
        parties=case.parties.filter(role__in=[Party.PartyRole.APPLICANT, Party.PartyRole.AGENT]),
    )
    return document


@transaction.atomic
def intake_accept(*, actor, case, route, note="") -> IntakeDecision:
    """受理: record the decision, stop the triage clock, issue the 受理通知书 to the parties."""
    case = _locked(case)
    _require_status(case, CaseStatus.SUBMITTED)
    if not route_allowed(case, route):
        raise ValidationError(
            {"route": [_("行政裁决只适用于专利侵权纠纷，请选择调解或移送法院。")]}, code="route",
        )
    decision = IntakeDecision.objects.create(
        case=case, kind=IntakeDecision.Kind.ACCEPT, route=route, reason_text=note, decided_by=actor,
    )
    case.accepted_at = timezone.now()
    case.save(update_fields=["accepted_at", "updated_at"])
    for deadline in _running(case, "intake_triage"):
        deadline_complete(deadline=deadline, actor=actor)
    event_record(
        case=case, actor=actor, kind="intake_accepted", public=True, message=note,
        after={"route": route, "decision": decision.pk},
    )
    route_label = Route(route).label
    _issue(actor, case, "acceptance_notice", {"route": route, "route_label": route_label, "note": note})
    _notify_applicants(
        case, key=f"intake-accept-{decision.pk}", subject=_("您的申请已受理"),
        body=_("您提交的知识产权纠纷申请（%(number)s）已受理，转入%(route)s程序。") % {
            "number": case.number, "route": route_label},
    )
    return decision


@transaction.atomic
def intake_request_supplement(*, actor, case, items, note="") -> IntakeDecision:
    """补正: one request listing every missing item; the triage clock stops; 10 days to answer."""
    case = _locked(case)
    _require_status(case, CaseStatus.SUBMITTED)
    unknown = [i for i in items if i not in SupplementItem.values]
    if unknown:
        raise ValidationError({"items": [_("未知的补正事项：%(items)s") % {"items": "、".join(map(str, unknown))}]},
                              code="invalid")
    items = list(dict.fromkeys(SupplementItem(i).value for i in items))
    if not items and not note.strip():
        raise ValidationError({"items": [_("请至少列出一项需要补正的材料。")]}, code="required")
    deadlines_stop_all(case=case, actor=actor)
    deadline = deadline_open(
        case=case, kind="intake_supplement", label=_("补正材料"), unit=Deadline.Unit.DAYS,
        length=SUPPLEMENT_DAYS, actor=actor, responsible_role=Role.COMPLAINANT,
    )
    decision = IntakeDecision.objects.create(
        case=case, kind=IntakeDecision.Kind.SUPPLEMENT, missing_items=items, reason_text=note,
        due_date=deadline.due_date, decided_by=actor,
    )
    case_change_status(case=case, actor=actor, to=CaseStatus.SUPPLEMENT_REQUESTED, reason=note)
    labels = [SupplementItem(i).label for i in items] + ([note] if note.strip() else [])
    _issue(actor, case, "supplement_notice", {"missing_items": labels, "supplement_due": deadline.due_date})
    _notify_applicants(
        case, key=f"intake-supplement-{decision.pk}", subject=_("请补正申请材料"),
        body=_("您的申请（%(number)s）材料不完整，请于%(due)s前补正，逾期未补正的视为撤回申请。") % {
            "number": case.number, "due": f"{deadline.due_date:%Y年%m月%d日}"},
    )
    return decision


@transaction.atomic
def intake_answer_supplement(*, actor, case, answer_text="") -> IntakeDecision:
    """The applicant has supplied what was asked: back to the clerk, the triage clock restarts."""
    case = _locked(case)
    _require_status(case, CaseStatus.SUPPLEMENT_REQUESTED)
    decision = case.intake_decisions.filter(kind=IntakeDecision.Kind.SUPPLEMENT, answered_at=None).last()
    if decision is None:
        raise ValidationError(_("没有待答复的补正通知。"), code="no_request")
    decision.answered_at = timezone.now()
    decision.answer_text = answer_text[:2000]
    decision.save(update_fields=["answered_at", "answer_text"])
    for deadline in _running(case, "intake_supplement"):
        deadline_complete(deadline=deadline, actor=actor)
    case_change_status(case=case, actor=actor, to=CaseStatus.SUBMITTED, reason=_("已补正材料"))
    deadlines_resume_all(case=case, actor=actor)
    event_record(case=case, actor=actor, kind="supplement_answered", public=True, message=answer_text[:500])
    return decision


@transaction.atomic
def intake_lapse(*, case, today=None) -> bool:
    """No answer to a supplement request within its time: the complaint lapses. Idempotent."""
    case = _locked(case)
    if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
        return False
    today = today or timezone.localdate()
    if _running(case, "intake_supplement").filter(due_date__gte=today).exists():
        return False
    case_change_status(case=case, actor=None, to=CaseStatus.LAPSED, reason=_("逾期未补正，视为撤回申请"))
    _notify_applicants(
        case, key=f"intake-lapse-{case.pk}", subject=_("申请已终结"),
        body=_("您的申请（%(number)s）因逾期未补正，视为撤回。您可以重新提交申请。") % {"number": case.number},
    )
    return True


@transaction.atomic
def intake_refuse(*, actor, case, grounds, reason_text="") -> IntakeDecision:
    """不予受理 with written reasons chosen from the statutory grounds plus free text."""
    case = _locked(case)
    _require_status(case, CaseStatus.SUBMITTED)
    unknown = [g for g in grounds if g not in RefusalGround.values]
    if unknown:
        raise ValidationError({"grounds": [_("未知的不予受理理由：%(g)s") % {"g": "、".join(map(str, unknown))}]},
                              code="invalid")
    grounds = list(dict.fromkeys(RefusalGround(g).value for g in grounds))
    if not grounds:
        raise ValidationError({"grounds": [_("请至少选择一项不予受理的理由。")]}, code="required")
    if RefusalGround.OTHER in grounds and not reason_text.strip():
        raise ValidationError({"reason_text": [_("选择“其他理由”时，请写明具体理由。")]}, code="required")
    decision = IntakeDecision.objects.create(
        case=case, kind=IntakeDecision.Kind.REFUSE, grounds=grounds, reason_text=reason_text, decided_by=actor,
    )
    case_change_status(case=case, actor=actor, to=CaseStatus.REFUSED, reason=reason_text)
    _issue(actor, case, "refusal_notice", {
        "reasons": [RefusalGround(g).label for g in grounds if g != RefusalGround.OTHER],
        "reason_text": reason_text,
    })
    _notify_applicants(
        case, key=f"intake-refuse-{decision.pk}", subject=_("您的申请不予受理"),
        body=_("您的申请（%(number)s）不予受理，理由见不予受理通知书。") % {"number": case.number},
    )
    return decision
