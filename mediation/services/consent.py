"""Entering and leaving 快调: opening mediation, the respondent's consent, termination, court delegation.

Called by the chain router (``workflows.router``), which decides when a case enters
or leaves mediation; these functions do the mediation committee's part of it.
"""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.links import party_token
from cases.models import (
    PATENT_KINDS,
    Case,
    CaseSource,
    CaseStatus,
    Deadline,
    DisputeType,
    Organization,
    Party,
    Role,
    Route,
)
from cases.services import case_change_status, case_create, case_enter_tier, event_record, organization_for
from cases.services.deadlines import deadline_open
from mediation.flow import flow_close, flow_finish
from mediation.models import (
    ACTIVE_ASSIGNMENT,
    CourtDelegation,
    MediationAgreement,
    MediationAssignment,
    MediationConsent,
    MediationSession,
)
from mediation.rules import rules_for
from mediation.services.common import (
    KIND_CONSENT,
    KIND_LIMIT,
    cancel_deadlines,
    clean_text,
    cn_date,
    complete_deadlines,
    issue,
    locked_case,
    notify_directors,
    notify_parties,
)

# Kept for callers of the first version of this module.
CONSENT_WORKING_DAYS = 3


class TerminationReason:
    RESPONDENT_REFUSED = "respondent_refused"
    NO_ANSWER = "no_answer"
    NO_AGREEMENT = "no_agreement"
    APPLICANT_WITHDREW = "applicant_withdrew"
    PARTY_WITHDREW = "party_withdrew"
    TIME_LIMIT = "time_limit"
    NO_MEDIATOR = "no_mediator"
    LABELS = {
        RESPONDENT_REFUSED: "被申请人不同意调解",
        NO_ANSWER: "被申请人逾期未答复是否同意调解",
        NO_AGREEMENT: "经调解未能达成协议",
        APPLICANT_WITHDREW: "申请人撤回调解申请",
        PARTY_WITHDREW: "一方当事人明确表示不愿继续调解",
        TIME_LIMIT: "调解期限届满仍未达成协议",
        NO_MEDIATOR: "无合适的调解员可以承办",
    }
    # What a mediator or director may choose (refusal and no answer come from the consent step).
    STAFF_CHOICES = (NO_AGREEMENT, PARTY_WITHDREW, TIME_LIMIT, NO_ANSWER, NO_MEDIATOR)


def respondent_link(party) -> str:
    return reverse("workflows:respond", args=[party_token(party)])


def _open_limit(case, actor, *, length, label, start=None) -> Deadline:
    return deadline_open(
        case=case, kind=KIND_LIMIT, label=label, unit=Deadline.Unit.DAYS, length=length, start_date=start,
        actor=actor, responsible_role=Role.MEDIATOR,
    )


@transaction.atomic
def mediation_open(*, actor, case) -> list[MediationConsent]:
    """Enter 快调: the committee takes the case, numbers it, and asks each respondent to consent."""
    committee = organization_for(case, Organization.Kind.MEDIATION_COMMITTEE)
    case_enter_tier(case=case, actor=actor, organization=committee, status=CaseStatus.MEDIATION_CONSENT,
                    reason=_("转入调解程序"))
    rules = rules_for(committee)
    deadline = deadline_open(
        case=case, kind=KIND_CONSENT, label=_("被申请人答复是否同意调解"),
        unit=Deadline.Unit.WORKING_DAYS, length=rules.consent_working_days, actor=actor,
        responsible_role=Role.RESPONDENT,
    )
    consents = []
    applicants = "、".join(case.parties.filter(role=Party.PartyRole.APPLICANT).values_list("name", flat=True))
    for party in case.parties.filter(role=Party.PartyRole.RESPONDENT):
        consents.append(MediationConsent.objects.create(case=case, party=party, due_date=deadline.due_date))
        notifications.notify(
            key=f"mediation-invite-{case.pk}-{party.pk}", case=case, user=party.user, phone=party.phone,
            email=party.email, subject=_("调解邀请"),
            body=_("%(applicant)s就知识产权纠纷申请调解（%(number)s），请于%(due)s前答复是否同意调解。") % {
                "applicant": applicants, "number": case.number, "due": f"{deadline.due_date:%Y年%m月%d日}"},
            link=respondent_link(party),
        )
    issue(actor, case, "mediation_invitation", {"consent_due": deadline.due_date})
    return consents


@transaction.atomic
def mediation_consent_answer(*, actor, consent, agreed: bool, reason="", channel=MediationConsent.Channel.PORTAL):
    """Record one respondent's answer. Returns the case's consent state: "refused", "agreed" or "waiting".

    When every respondent has agreed the committee accepts the mediation: the 30-day limit
    starts and the case waits for a mediator. A refusal is answered by the caller
    (``workflows.router.answer_mediation_invitation``), which terminates at once.
    """
    consent = MediationConsent.objects.select_for_update(of=("self",)).select_related("case").get(pk=consent.pk)
    case = Case.objects.select_for_update().get(pk=consent.case_id)
    if case.status != CaseStatus.MEDIATION_CONSENT:
        raise ValidationError(_("本案已不在征询调解意愿阶段，无需再答复。"), code="status")
    if consent.answered_at is not None:
        raise ValidationError(_("您已经答复过，不能重复答复。"), code="answered")
    if not agreed and not reason.strip():
        raise ValidationError({"reason": [_("请简要说明不同意调解的理由。")]}, code="required")
    consent.agreed, consent.reason, consent.channel = agreed, reason[:2000], channel
    consent.answered_at = timezone.now()
    consent.recorded_by = actor
    consent.save()
    event_record(
        case=case, actor=actor, kind="mediation_consent_answered", public=True,
        message=_("被申请人%(name)s%(answer)s调解") % {"name": consent.party.name,
                                                       "answer": _("同意") if agreed else _("不同意")},
        after={"party": consent.party_id, "agreed": agreed, "channel": channel},
    )
    if not agreed:
        return "refused"
    if MediationConsent.objects.filter(case=case).exclude(agreed=True).exists():
        return "waiting"
    complete_deadlines(case, KIND_CONSENT, actor)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATION_ASSIGNMENT, reason=_("被申请人同意调解"))
    rules = rules_for(case.organization)
    _open_limit(case, actor, length=rules.limit_days, label=_("调解期限"))
    flow_finish(case, "consent", actor)
    notify_directors(case, key=f"mediation-to-assign-{case.pk}", subject=_("待指派调解员"),
                     body=_("案件%(number)s的被申请人已同意调解，请指派调解员。") % {"number": case.number})
    return "agreed"


def _termination_routes(case) -> list[str]:
    delegation = CourtDelegation.objects.filter(case_id=case.pk).first()
    if delegation is not None:
        return [_("本案系%(court)s%(kind)s的案件，案件材料退回人民法院，由人民法院依法处理") % {
            "court": delegation.station.name, "kind": delegation.get_kind_display()}]
    routes = [_("可以向人民法院提起诉讼")]
    patent = case.ip_rights.filter(kind__in=PATENT_KINDS).exists()
    if patent and case.dispute_type == DisputeType.INFRINGEMENT:
        office = Organization.objects.filter(
            kind=Organization.Kind.IP_OFFICE, district_id=case.district_id).order_by("pk").first()
        name = office.name if office else _("专利行政部门")
        routes.insert(0, _("可以请求%(office)s作出行政裁决") % {"office": name})
    return routes


def _end_mediation_records(case, actor):
    """Assignments end, scheduled sessions are cancelled, an unfinished agreement is void."""
    now = timezone.now()
    MediationAssignment.objects.filter(case_id=case.pk, status__in=ACTIVE_ASSIGNMENT).update(
        status=MediationAssignment.Status.ENDED, ended_at=now,
    )
    MediationSession.objects.filter(case_id=case.pk, status=MediationSession.Status.SCHEDULED).update(
        status=MediationSession.Status.CANCELLED, status_reason=_("调解已终止"),
    )
    MediationAgreement.objects.filter(case_id=case.pk).exclude(
        status__in=[MediationAgreement.Status.EFFECTIVE, MediationAgreement.Status.VOID],
    ).update(status=MediationAgreement.Status.VOID)


@transaction.atomic
def mediation_terminate(*, actor, case, reason, note="") -> Case:
    """终止调解: the notice tells the parties which routes remain open to them."""
    case = locked_case(case)
    label = TerminationReason.LABELS.get(reason, reason)
    note = clean_text(note, field="note", label=_("说明"), max_length=2000, required=False)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATION_TERMINATED, reason=label)
    _end_mediation_records(case, actor)
    document = issue(actor, case, "mediation_termination", {
        "reason": label, "note": note, "routes": _termination_routes(case),
    })
    for party in case.parties.exclude(role=Party.PartyRole.AGENT):
        notifications.notify(
            key=f"mediation-terminated-{case.pk}-{party.pk}-{case.updated_at.timestamp()}", case=case,
            user=party.user, phone=party.phone, email=party.email, subject=_("调解已终止"),
            body=_("案件%(number)s调解终止：%(reason)s。") % {"number": case.number, "reason": label},
            link=f"/cases/{case.pk}/",
        )
    court_report(case=case, actor=actor, result=CourtDelegation.Result.FAILED, summary=label, document=document)
    flow_close(case, actor)
    return case


# -- court delegation ------------------------------------------------------------------------------

DELEGATION_KINDS = {
    "delegated": (CourtDelegation.Kind.DELEGATED, CaseSource.COURT_DELEGATED),
    "entrusted": (CourtDelegation.Kind.ENTRUSTED, CaseSource.COURT_ENTRUSTED),
}


@transaction.atomic
def mediation_open_delegated(
    *, actor, station, court_reference, kind, parties, facts, claims, ip_rights=(), simple_procedure=False,
    dispute_type=DisputeType.INFRINGEMENT, industry=None, amount_in_dispute=None, note="", ip_address=None,
) -> Case:
    """委派/委托调解: the circuit station hands a dispute to the committee with the court's reference.

    The case is registered at the station (``case_create``) and enters 快调 at once, waiting
    for a mediator (the parties agreed to mediation before the court): no consent step.
    The limit is 30 days for pre-filing delegation, 15 (7 under simple procedure) for
    entrusted mediation after filing. The station reads the result in ``CourtDelegation``.
    ``parties`` and ``ip_rights`` are as for ``case_create``. Raises ValidationError.
    """
    errors = {}
    if kind not in DELEGATION_KINDS:
        errors["kind"] = [_("请选择委派调解（delegated）或委托调解（entrusted）。")]
    reference = (court_reference or "").strip()
    if not reference:
        errors["court_reference"] = [_("请填写法院案号。")]
    elif len(reference) > 60:
        errors["court_reference"] = [_("法院案号不能超过60字。")]
    if station is None or station.kind != Organization.Kind.CIRCUIT_STATION:
        errors["station"] = [_("只有巡回审判站可以委派或委托调解。")]
    if errors:
        raise ValidationError(errors)
    delegation_kind, source = DELEGATION_KINDS[kind]
    case = case_create(
        actor=actor, organization=station, dispute_type=dispute_type, facts=facts, claims=claims,
        parties=parties, ip_rights=ip_rights, industry=industry, amount_in_dispute=amount_in_dispute,
        preferred_route=Route.MEDIATION, source=source, court_reference=reference,
        court_docketed=delegation_kind == CourtDelegation.Kind.ENTRUSTED, ip_address=ip_address,
    )
    cancel_deadlines(case, "intake_triage", actor)  # the court made that decision
    committee = organization_for(case, Organization.Kind.MEDIATION_COMMITTEE)
    case_enter_tier(case=case, actor=actor, organization=committee, status=CaseStatus.MEDIATION_ASSIGNMENT,
                    reason=_("法院%(kind)s（%(reference)s）") % {"kind": delegation_kind.label, "reference": reference})
    rules = rules_for(committee)
    if delegation_kind == CourtDelegation.Kind.DELEGATED:
        length = rules.delegated_days
    else:
        length = rules.entrusted_simple_days if simple_procedure else rules.entrusted_days
    deadline = _open_limit(case, actor, length=length,
                           label=_("调解期限（%(kind)s）") % {"kind": delegation_kind.label})
    CourtDelegation.objects.create(
        case=case, station=station, court_reference=reference, kind=delegation_kind,
        simple_procedure=bool(simple_procedure), delegated_by=actor, due_date=deadline.due_date,
    )
    event_record(
        case=case, actor=actor, kind="mediation_delegated", public=True,
        message=_("%(court)s%(kind)s，法院案号%(reference)s，调解期限至%(due)s") % {
            "court": station.name, "kind": delegation_kind.label, "reference": reference,
            "due": cn_date(deadline.due_date)},
        after={"court_reference": reference, "kind": delegation_kind.value, "simple_procedure": bool(simple_procedure),
               "note": str(note)[:500]},
    )
    notify_parties(case, key=f"mediation-delegated-{case.pk}", subject=_("法院委派调解"),
                   body=_("%(court)s将您的纠纷（%(reference)s）%(kind)s至%(committee)s，调解员将与您联系。") % {
                       "court": station.name, "reference": reference, "kind": delegation_kind.label,
                       "committee": committee.name})
    notify_directors(case, key=f"mediation-to-assign-{case.pk}", subject=_("待指派调解员"),
                     body=_("法院%(kind)s案件%(number)s，请指派调解员（期限至%(due)s）。") % {
                         "kind": delegation_kind.label, "number": case.number, "due": cn_date(deadline.due_date)})
    return case


def _station_staff(station):
    return list(get_user_model().objects.filter(
        organization_id=station.pk, groups__name__in=[Role.TRIBUNAL_CLERK, Role.JUDGE], is_active=True,
    ).distinct().order_by("pk"))


@transaction.atomic
def court_report(*, case, actor, result, summary="", document=None) -> CourtDelegation | None:
    """Report a delegated case's result back to the court (a no-op for other cases)."""
    delegation = CourtDelegation.objects.select_for_update().filter(case_id=case.pk).first()
    if delegation is None:
        return None
    delegation.result = result
    delegation.result_summary = str(summary)[:2000]
    delegation.reported_at = timezone.now()
    delegation.result_document = document
    delegation.save(update_fields=["result", "result_summary", "reported_at", "result_document"])
    event_record(
        case=case, actor=actor, kind="mediation_court_report", public=False,
        message=_("已向%(court)s反馈调解结果：%(result)s") % {
            "court": delegation.station.name, "result": delegation.get_result_display()},
        after={"court_reference": delegation.court_reference, "result": result,
               "document": document.pk if document else None},
    )
    for user in _station_staff(delegation.station):
        notifications.notify(
            key=f"mediation-court-report-{delegation.pk}-{result}:user{user.pk}", case=case, user=user,
            subject=_("委派调解结果"),
            body=_("%(reference)s（%(number)s）调解结果：%(result)s。") % {
                "reference": delegation.court_reference, "number": case.number,
                "result": delegation.get_result_display()},
            link=f"/cases/{case.pk}/",
        )
    return delegation


@transaction.atomic
def court_materials_returned(*, case, actor) -> CourtDelegation | None:
    """A failed delegated case's materials go back to the court (recorded with the tier move)."""
    delegation = CourtDelegation.objects.select_for_update().filter(case_id=case.pk).first()
    if delegation is None or delegation.materials_returned_at is not None:
        return delegation
    delegation.materials_returned_at = timezone.now()
    delegation.save(update_fields=["materials_returned_at"])
    event_record(case=case, actor=actor, kind="mediation_materials_returned", public=True,
                 message=_("调解不成，案件材料已退回%(court)s") % {"court": delegation.station.name},
                 after={"court_reference": delegation.court_reference})
    return delegation
