"""Creating a case and moving its business status: the only writers of ``Case``."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import validators
from cases.models import (
    STATUS_TIER,
    TERMINAL_STATUSES,
    Case,
    CaseSource,
    CaseStatus,
    IPRight,
    Party,
    Role,
    Route,
    Tier,
)
from cases.services.access import case_grant_organization, case_grant_users
from cases.services.events import event_record
from cases.services.numbering import case_assign_number

S = CaseStatus

# The business-status graph. Which move a case makes between tiers is decided by the
# chain router (workflows); this table only says which moves can exist at all.
TRANSITIONS: dict[str, frozenset] = {
    S.SUBMITTED: frozenset({
        S.SUPPLEMENT_REQUESTED, S.REFUSED, S.MEDIATION_CONSENT, S.MEDIATION_ASSIGNMENT,
        S.ADJUDICATION_REVIEW, S.TRANSFERRED, S.WITHDRAWN,
    }),
    S.SUPPLEMENT_REQUESTED: frozenset({S.SUBMITTED, S.LAPSED, S.WITHDRAWN}),
    S.MEDIATION_CONSENT: frozenset({S.MEDIATION_ASSIGNMENT, S.MEDIATION_TERMINATED, S.WITHDRAWN}),
    S.MEDIATION_ASSIGNMENT: frozenset({S.MEDIATING, S.MEDIATION_TERMINATED, S.WITHDRAWN}),
    S.MEDIATING: frozenset({S.MEDIATION_ASSIGNMENT, S.MEDIATED, S.MEDIATION_TERMINATED, S.WITHDRAWN}),
    S.MEDIATED: frozenset({S.CONFIRMATION_PENDING}),
    S.CONFIRMATION_PENDING: frozenset({S.MEDIATED, S.TRANSFERRED}),
    S.MEDIATION_TERMINATED: frozenset({S.ADJUDICATION_REVIEW, S.TRANSFERRED}),
    S.ADJUDICATION_REVIEW: frozenset({S.ADJUDICATING, S.REFUSED, S.WITHDRAWN}),
    S.ADJUDICATING: frozenset({S.ADJUDICATION_SUSPENDED, S.ADJUDICATION_DECIDED, S.MEDIATED, S.WITHDRAWN}),
    S.ADJUDICATION_SUSPENDED: frozenset({S.ADJUDICATING, S.WITHDRAWN}),
    S.ADJUDICATION_DECIDED: frozenset({S.ADJUDICATED, S.TRANSFERRED}),
    S.TRANSFERRED: frozenset({S.IN_COURT, S.COURT_CLOSED}),
    S.IN_COURT: frozenset({S.COURT_CLOSED}),
    S.REFUSED: frozenset(),
    S.LAPSED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.ADJUDICATED: frozenset(),
    S.COURT_CLOSED: frozenset(),
}

INTAKE_TRIAGE_WORKING_DAYS = 5


class CaseTransitionError(ValidationError):
    """A status change that the case's current status does not allow."""


def _party_errors(prefix, exc):
    return {f"{prefix}.{field}": msgs for field, msgs in exc.message_dict.items()}


def _normalized_party(data: dict) -> dict:
    data = dict(data)
    for field, normalize in (
        ("id_number", validators.normalize_id_number),
        ("credit_code", validators.normalize_credit_code),
        ("phone", validators.normalize_phone),
    ):
        if data.get(field):
            data[field] = normalize(data[field])
    return data


def _loaded_relations(obj) -> list[str]:
    """``obj``'s foreign keys set to a saved object the caller already holds: ``full_clean`` would read each
    back to check it exists, one query apiece on the submission path, for rows just read."""
    return [
        field.name for field in obj._meta.concrete_fields
        if field.many_to_one and field.is_cached(obj) and getattr(field.get_cached_value(obj), "pk", None) is not None
    ]


def case_title(parties, ip_rights, dispute_type_label) -> str:
    """案由 in the usual style: 甲与乙实用新型专利侵权纠纷."""
    applicants = "、".join(p.name for p in parties if p.role == Party.PartyRole.APPLICANT)
    respondents = "、".join(p.name for p in parties if p.role == Party.PartyRole.RESPONDENT)
    right = ip_rights[0].get_kind_display() if ip_rights else _("知识产权")
    who = f"{applicants}与{respondents}" if respondents else applicants
    return f"{who}{right}{dispute_type_label}"[:200]


@transaction.atomic
def case_create(
    *, actor, organization, dispute_type, facts, claims, parties, ip_rights=(), industry=None,
    amount_in_dispute=None, preferred_route=Route.MEDIATION, source=CaseSource.ONLINE,
    court_reference="", knowledge_date=None, court_docketed=False, submitted_at=None,
    ip_address=None,
) -> Case:
    """File a complaint: the case, its parties and rights, its intake number, its triage deadline.

    ``parties`` is a list of dicts of Party fields; an agent names the index of the
    party it represents as ``represents``. Raises ValidationError (keys like
    ``parties[0].id_number``) and saves nothing when anything is invalid.
    """
    from cases.services.deadlines import deadline_open

    case = Case(
        organization=organization, district=organization.district, dispute_type=dispute_type,
        facts=facts, claims=claims, industry=industry, amount_in_dispute=amount_in_dispute,
        preferred_route=preferred_route, source=source, court_reference=court_reference,
        knowledge_date=knowledge_date, court_docketed=court_docketed,
        submitted_by=actor if actor is not None and not actor.is_anonymous else None,
        submitted_at=submitted_at or timezone.now(), tier=Tier.INTAKE, status=CaseStatus.SUBMITTED,
        title="-",
    )
    errors = {}
    if organization.district_id is None:
        errors["organization"] = [_("受理机构必须属于某个区县。")]
    if not any(p.get("role") == Party.PartyRole.APPLICANT for p in parties):
        errors["parties"] = [_("至少需要一名申请人。")]
    try:
        case.full_clean(exclude=["title", "district", *_loaded_relations(case)])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    party_objs = []
    principals = []
    for data in parties:
        data = _normalized_party(data)
        principals.append(data.pop("represents", None))
        party_objs.append(Party(case=case, **data))
    for i, (party, represents) in enumerate(zip(party_objs, principals, strict=True)):
        if party.role == Party.PartyRole.AGENT:
            valid = isinstance(represents, int) and 0 <= represents < len(parties)
            principal = party_objs[represents] if valid else None
            if principal is None or principal.role == Party.PartyRole.AGENT:
                errors[f"parties[{i}].represents"] = [_("请选择代理人所代理的当事人。")]
                continue
            party.represents = principal
        try:
            party.full_clean(exclude=["case", "represents", *_loaded_relations(party)])
        except ValidationError as exc:
            errors.update(_party_errors(f"parties[{i}]", exc))
    right_objs = []
    for i, data in enumerate(ip_rights):
        right = IPRight(case=case, **data)
        try:
            right.full_clean(exclude=["case"])
        except ValidationError as exc:
            errors.update(_party_errors(f"ip_rights[{i}]", exc))
        right_objs.append(right)
    if errors:
        raise ValidationError(errors)

    case.district = organization.district
    case.title = case_title(party_objs, right_objs, case.get_dispute_type_display())
    case.save()
    # One INSERT for the principals, then one for the agents, so an agent's ``represents`` points at a saved row.
    for party in party_objs:
        party.case = case
    Party.objects.bulk_create([p for p in party_objs if p.role != Party.PartyRole.AGENT])
    if agents := [p for p in party_objs if p.role == Party.PartyRole.AGENT]:
        Party.objects.bulk_create(agents)
    for right in right_objs:
        right.case = case
    IPRight.objects.bulk_create(right_objs)

    event_record(
        case=case, actor=actor, kind="case_submitted", public=True, ip_address=ip_address,
        message=_("申请已提交"), after={"status": case.status, "organization": organization.pk},
    )
    case_grant_organization(case=case, organization=organization, actor=actor)
    case_grant_users(case=case, users=[party.user for party in party_objs if party.user_id], actor=actor)
    deadline_open(
        case=case, kind="intake_triage", label=_("受理审查"), unit="working_days",
        length=INTAKE_TRIAGE_WORKING_DAYS, start_date=timezone.localdate(case.submitted_at),
        actor=actor, responsible_role=Role.INTAKE_CLERK,
    )
    # Last: the gapless counter's row lock is held until commit and every submission of the
    # organisation queues on it, so nothing else may run while it is held (bench/intake.py).
    case_assign_number(case=case, organization=organization, tier=Tier.INTAKE, actor=actor)
    return case


def _cancel_open_deadlines(case, actor):
    """A closed case has no clock running, except the limits opened to run after closure."""
    from cases.models import Deadline
    from cases.services.deadlines import deadline_cancel

    open_ = Deadline.objects.filter(case=case, state__in=[Deadline.State.RUNNING, Deadline.State.STOPPED])
    for deadline in open_.filter(after_closure=False):
        deadline_cancel(deadline=deadline, actor=actor)


@transaction.atomic
def case_change_status(*, case, actor, to, reason="", public=True, ip_address=None) -> Case:
    """Move ``case`` to business status ``to`` if the status graph allows it.

    The row is locked first so two concurrent changes cannot both start from the
    same status. Entering a terminal status records ``closed_at``.
    """
    to = CaseStatus(to)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if to not in TRANSITIONS[locked.status]:
        raise CaseTransitionError(
            _("案件当前状态为“%(current)s”，不能变更为“%(target)s”。"),
            code="invalid_transition",
            params={"current": locked.get_status_display(), "target": to.label},
        )
    before = {"status": locked.status, "tier": locked.tier}
    locked.status = to
    locked.tier = STATUS_TIER.get(to, locked.tier)  # a withdrawal stays in its tier
    fields = ["status", "tier", "updated_at"]
    if to in TERMINAL_STATUSES:
        locked.closed_at = timezone.now()
        fields.append("closed_at")
        _cancel_open_deadlines(locked, actor)
    elif locked.closed_at is not None:
        locked.closed_at = None
        fields.append("closed_at")
    locked.save(update_fields=fields)
    event_record(
        case=locked, actor=actor, kind="status_changed", message=reason, public=public,
        before=before, after={"status": locked.status, "tier": locked.tier}, ip_address=ip_address,
    )
    for field in ("status", "tier", "closed_at", "updated_at"):
        setattr(case, field, getattr(locked, field))
    return case


def case_lock(case, *related) -> Case:
    """The case row locked for the current transaction, fresh, with ``related`` rows joined.

    The lock is taken on the case alone and the joins are read afterwards: PostgreSQL re-checks a
    locking query's joins against the row a concurrent transaction has just committed, so a
    ``FOR UPDATE`` with a join to the organisation finds no row at all when the winner moved the
    case to another organisation while this one waited.
    """
    Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).values_list("pk").get()
    return Case.objects.select_related(*related).get(pk=case.pk)


@transaction.atomic
def case_move_to_organization(*, case, organization, actor, reason="") -> Case:
    """Hand ``case`` to ``organization`` (the next tier's institution).

    The new organisation gets full rights; the previous one keeps read access so it
    can still follow the outcome of what it handled.
    """
    from guardian.shortcuts import remove_perm

    previous = case.organization
    if previous.pk == organization.pk:
        return case
    remove_perm("cases.change_case", previous.members_group, case)
    case.organization = organization
    case.save(update_fields=["organization", "updated_at"])
    case_grant_organization(case=case, organization=organization, actor=actor)
    event_record(
        case=case, actor=actor, kind="organization_changed", message=reason, public=True,
        before={"organization": previous.pk, "name": previous.name},
        after={"organization": organization.pk, "name": organization.name},
    )
    return case


@transaction.atomic
def case_enter_tier(*, case, actor, organization, status, number=True, reason="") -> Case:
    """Hand ``case`` to the next tier's ``organization`` in ``status`` (called by the chain router)."""
    case_change_status(case=case, actor=actor, to=status, reason=reason)
    case_move_to_organization(case=case, organization=organization, actor=actor, reason=reason)
    if number:
        case_assign_number(case=case, organization=organization, tier=STATUS_TIER[CaseStatus(status)], actor=actor)
    return case


COURT_REFERENCE_MAX = 60


def court_reference_clean(court_reference) -> str:
    """The court's case number (法院案号) as typed, trimmed; refused when empty or too long for the field."""
    court_reference = (court_reference or "").strip()
    if not court_reference:
        raise ValidationError({"court_reference": [_("请填写法院案号。")]}, code="required")
    if len(court_reference) > COURT_REFERENCE_MAX:
        raise ValidationError({"court_reference": [_("法院案号不能超过%(n)d个字符。") % {"n": COURT_REFERENCE_MAX}]},
                              code="max_length")
    return court_reference


@transaction.atomic
def case_set_court_reference(*, actor, case, court_reference, reason="") -> Case:
    """Write the court's own case number (法院案号) on the case, as the court gave it; recorded with the old one."""
    court_reference = court_reference_clean(court_reference)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before = locked.court_reference
    if before == court_reference:
        return case
    locked.court_reference = court_reference
    locked.save(update_fields=["court_reference", "updated_at"])
    event_record(case=locked, actor=actor, kind="court_reference_set", public=True,
                 message=reason or _("法院案号：%(ref)s") % {"ref": court_reference},
                 before={"court_reference": before}, after={"court_reference": court_reference})
    case.court_reference, case.updated_at = locked.court_reference, locked.updated_at
    return case


def organization_for(case, kind):
    """The organisation of ``kind`` in the case's district (the next tier's institution)."""
    from cases.models import Organization

    org = Organization.objects.filter(kind=kind, district_id=case.district_id).order_by("pk").first()
    if org is None:
        raise ValidationError(
            _("本区尚未设置“%(kind)s”，无法转入该程序。"), code="no_organization",
            params={"kind": Organization.Kind(kind).label},
        )
    return org
