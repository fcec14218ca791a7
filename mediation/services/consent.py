"""快调 services: opening mediation, the respondent's consent, termination.

Called by the chain router (``workflows.router``), which decides when a case enters
or leaves mediation; these functions do the mediation committee's part of it.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import notifications
from cases.links import party_token
from cases.models import Case, CaseStatus, Deadline, Organization, Party, Role
from cases.services import case_change_status, case_enter_tier, event_record, organization_for
from cases.services.deadlines import deadline_complete, deadline_open
from mediation.models import MediationConsent

CONSENT_WORKING_DAYS = 3


class TerminationReason:
    RESPONDENT_REFUSED = "respondent_refused"
    NO_ANSWER = "no_answer"
    NO_AGREEMENT = "no_agreement"
    APPLICANT_WITHDREW = "applicant_withdrew"
    LABELS = {
        RESPONDENT_REFUSED: "被申请人不同意调解",
        NO_ANSWER: "被申请人逾期未答复是否同意调解",
        NO_AGREEMENT: "经调解未能达成协议",
        APPLICANT_WITHDREW: "申请人撤回调解申请",
    }


def _issue(actor, case, doc_type, context):
    from cases.documents.services import document_issue

    return document_issue(actor=actor, case=case, doc_type=doc_type, organization=case.organization, context=context)


def respondent_link(party) -> str:
    return reverse("workflows:respond", args=[party_token(party)])


@transaction.atomic
def mediation_open(*, actor, case) -> list[MediationConsent]:
    """Enter 快调: the committee takes the case, numbers it, and asks each respondent to consent."""
    committee = organization_for(case, Organization.Kind.MEDIATION_COMMITTEE)
    case_enter_tier(case=case, actor=actor, organization=committee, status=CaseStatus.MEDIATION_CONSENT,
                    reason=_("转入调解程序"))
    deadline = deadline_open(
        case=case, kind="mediation_consent", label=_("被申请人答复是否同意调解"),
        unit=Deadline.Unit.WORKING_DAYS, length=CONSENT_WORKING_DAYS, actor=actor,
        responsible_role=Role.RESPONDENT,
    )
    consents = []
    for party in case.parties.filter(role=Party.PartyRole.RESPONDENT):
        consents.append(MediationConsent.objects.create(case=case, party=party, due_date=deadline.due_date))
        notifications.notify(
            key=f"mediation-invite-{case.pk}-{party.pk}", case=case, user=party.user, phone=party.phone,
            email=party.email, subject=_("调解邀请"),
            body=_("%(applicant)s就知识产权纠纷申请调解（%(number)s），请于%(due)s前答复是否同意调解。") % {
                "applicant": "、".join(case.parties.filter(role=Party.PartyRole.APPLICANT)
                                      .values_list("name", flat=True)),
                "number": case.number, "due": f"{deadline.due_date:%Y年%m月%d日}"},
            link=respondent_link(party),
        )
    _issue(actor, case, "mediation_invitation", {"consent_due": deadline.due_date})
    return consents


@transaction.atomic
def mediation_consent_answer(*, actor, consent, agreed: bool, reason="", channel=MediationConsent.Channel.PORTAL):
    """Record one respondent's answer. Returns the case's consent state: "refused", "agreed" or "waiting"."""
    consent = MediationConsent.objects.select_for_update().select_related("case").get(pk=consent.pk)
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
    for deadline in case.deadlines.filter(kind="mediation_consent", state=Deadline.State.RUNNING):
        deadline_complete(deadline=deadline, actor=actor)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATION_ASSIGNMENT, reason=_("被申请人同意调解"))
    return "agreed"


@transaction.atomic
def mediation_terminate(*, actor, case, reason, note="") -> Case:
    """终止调解: the notice tells the parties which routes remain open to them."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_change_status(case=case, actor=actor, to=CaseStatus.MEDIATION_TERMINATED,
                       reason=TerminationReason.LABELS.get(reason, reason))
    patent = case.ip_rights.filter(kind__in=["invention_patent", "utility_model", "design_patent"]).exists()
    routes = [_("可以向人民法院提起诉讼")]
    if patent and case.dispute_type == "infringement":
        routes.insert(0, _("可以请求璧山区市场监督管理局（知识产权局）作出行政裁决"))
    _issue(actor, case, "mediation_termination", {
        "reason": TerminationReason.LABELS.get(reason, reason), "note": note, "routes": routes,
    })
    for party in case.parties.exclude(role=Party.PartyRole.AGENT):
        notifications.notify(
            key=f"mediation-terminated-{case.pk}-{party.pk}-{case.updated_at.timestamp()}", case=case,
            user=party.user, phone=party.phone, email=party.email, subject=_("调解已终止"),
            body=_("案件%(number)s调解终止：%(reason)s。") % {
                "number": case.number, "reason": TerminationReason.LABELS.get(reason, reason)},
            link=f"/cases/{case.pk}/",
        )
    return case
