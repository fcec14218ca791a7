"""Helpers shared by the mediation services: locking, status checks, people to notify, documents."""
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from cases import notifications
from cases.dates import cn_date, ui_date  # noqa: F401 - the tier's services use them as common.cn_date
from cases.models import Case, CaseStatus, Deadline, Party, Role
from cases.permissions import own_parties
from cases.services.cases import case_lock
from mediation.models import ACTIVE_ASSIGNMENT, MediationAssignment

# The parties who take part in mediation (an agent acts for its principal).
PRINCIPAL_ROLES = (Party.PartyRole.APPLICANT, Party.PartyRole.RESPONDENT)

# Deadlines of the mediation tier (the beat reminds and escalates these).
KIND_CONSENT = "mediation_consent"
KIND_ACCEPT = "mediation_accept"
KIND_LIMIT = "mediation_limit"
KIND_CONFIRMATION = "mediation_judicial_confirmation"
KIND_PERFORMANCE = "mediation_performance"
MEDIATION_DEADLINE_KINDS = (KIND_CONSENT, KIND_ACCEPT, KIND_LIMIT, KIND_CONFIRMATION, KIND_PERFORMANCE)

OPEN_DEADLINE_STATES = (Deadline.State.RUNNING, Deadline.State.STOPPED)


def locked_case(case) -> Case:
    """The case row, locked for this transaction (two mediators, one case: one waits)."""
    return case_lock(case, "organization", "district")


def require_status(case, *statuses, message=None):
    if case.status not in statuses:
        raise ValidationError(
            message or _("案件当前状态为“%(status)s”，不能进行此操作。"), code="status",
            params={"status": case.get_status_display()},
        )


def require_mediation(case):
    require_status(case, CaseStatus.MEDIATING, message=_("案件当前状态为“%(status)s”，不在调解中。"))


def active_assignment(case, *, lock=False) -> MediationAssignment | None:
    qs = MediationAssignment.objects.filter(case_id=case.pk, status__in=ACTIVE_ASSIGNMENT).select_related("mediator")
    if lock:
        qs = qs.select_for_update(of=("self",))
    return qs.first()


def current_mediator(case):
    """The mediator who accepted the case (None while unassigned or pending)."""
    assignment = active_assignment(case)
    if assignment is None or assignment.status != MediationAssignment.Status.ACCEPTED:
        return None
    return assignment.mediator


def require_assigned_mediator(case, actor):
    """The actor is the mediator handling the case; directors may act for the committee."""
    mediator = current_mediator(case)
    if actor is not None and mediator is not None and mediator.pk == actor.pk:
        return mediator
    if actor is not None and actor.is_authenticated and (
        actor.is_superuser or actor.has_role(Role.COMMITTEE_DIRECTOR, Role.SYSADMIN)
    ):
        return mediator
    raise ValidationError(_("只有本案的承办调解员可以进行此操作。"), code="not_mediator")


def principals(case) -> list[Party]:
    """Applicants and respondents, in order (the parties who sign an agreement)."""
    return list(case.parties.filter(role__in=PRINCIPAL_ROLES).order_by("role", "id"))


def party_for_user(case, user) -> Party | None:
    """The principal party ``user`` acts as: the party itself, or the party it is the agent of."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    own = own_parties(user, case)
    for party in own:
        if party.role in PRINCIPAL_ROLES:
            return party
    for party in own:
        if party.role == Party.PartyRole.AGENT and party.represents_id:
            return party.represents
    return None


def directors(committee):
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(
        organization_id=committee.pk, groups__name=Role.COMMITTEE_DIRECTOR, is_active=True,
    ).order_by("pk"))


def case_link(case) -> str:
    return f"/cases/{case.pk}/"


def work_link(case) -> str:
    return f"/mediation/cases/{case.pk}/"


def notify_parties(case, *, key, subject, body, link=None, parties=None):
    """One notice per principal party (and agents linked to an account), on every channel it has."""
    parties = parties if parties is not None else list(
        case.parties.filter(Q(role__in=PRINCIPAL_ROLES) | Q(role=Party.PartyRole.AGENT, user__isnull=False))
    )
    for party in parties:
        notifications.notify(
            key=f"{key}:party{party.pk}", case=case, user=party.user, phone=party.phone, email=party.email,
            subject=subject, body=body, link=link or case_link(case),
        )


def notify_user(user, case, *, key, subject, body, link=None):
    if user is None:
        return []
    return notifications.notify(key=f"{key}:user{user.pk}", case=case, user=user, subject=subject, body=body,
                                link=link or work_link(case))


def notify_directors(case, *, key, subject, body, link=None):
    for director in directors(case.organization):
        notify_user(director, case, key=key, subject=subject, body=body, link=link)


def issue(actor, case, doc_type, context, *, series="", public=True, title=None):
    from cases.documents.services import document_issue

    return document_issue(actor=actor, case=case, doc_type=doc_type, organization=case.organization,
                          context=context, series=series, public=public, title=title)


def open_deadlines(case, kind):
    return Deadline.objects.filter(case_id=case.pk, kind=kind, state__in=OPEN_DEADLINE_STATES).order_by("id")


def complete_deadlines(case, kind, actor):
    from cases.services.deadlines import deadline_complete

    for deadline in open_deadlines(case, kind):
        deadline_complete(deadline=deadline, actor=actor)


def cancel_deadlines(case, kind, actor):
    from cases.services.deadlines import deadline_cancel

    for deadline in open_deadlines(case, kind):
        deadline_cancel(deadline=deadline, actor=actor)


def clean_text(value, *, field, label, max_length, required=True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: [_("请填写%(label)s。") % {"label": label}]}, code="required")
    if len(text) > max_length:
        raise ValidationError(
            {field: [_("%(label)s不能超过%(max)s字。") % {"label": label, "max": max_length}]}, code="max_length",
        )
    return text


