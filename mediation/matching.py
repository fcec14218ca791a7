"""Mediator matching: who may take a case, who should, and why not.

A mediator is **excluded** (with the reason shown) when they are a party or agent of the
case, when they declared a relationship with one of its parties, or when they appeared
for or against one of its parties (as a party or an agent) in any earlier case. Parties are
matched across cases by unified social credit code or ID number, and by name where a party
has neither. The others are **ranked** by industry expertise, IP type, and current load.

Every function here reads a fixed number of queries, however many mediators and cases.
"""
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from cases.models import Case, CaseStatus, Organization, Party, Role
from mediation.models import DeclaredRelationship, MediationAssignment, MediatorProfile
from mediation.rules import rules_for

# Cases a mediator is working on (what "load" counts).
LOAD_STATUSES = (CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)

WEIGHT_INDUSTRY = 40
WEIGHT_IP_KIND = 30
WEIGHT_LOAD = 30


@dataclass
class Candidate:
    mediator: object
    score: int = 0
    load: int = 0
    max_load: int = 0
    industry_match: bool = False
    ip_kind_match: bool = False
    full: bool = False
    excluded: bool = False
    reasons: list = field(default_factory=list)  # why excluded
    notes: list = field(default_factory=list)  # why ranked so

    @property
    def pk(self):
        return self.mediator.pk

    def as_dict(self) -> dict:
        return {
            "mediator": self.mediator.pk, "name": str(self.mediator), "score": self.score, "load": self.load,
            "max_load": self.max_load, "industry_match": self.industry_match, "ip_kind_match": self.ip_kind_match,
            "full": self.full, "excluded": self.excluded, "reasons": list(self.reasons), "notes": list(self.notes),
        }


def committee_mediators(committee):
    """Active users of ``committee`` holding the mediator role."""
    return committee_mediators_of(committee.pk)


def committee_mediators_of(organization_id):
    return (
        get_user_model().objects.filter(organization_id=organization_id, groups__name=Role.MEDIATOR, is_active=True)
        .distinct().order_by("pk")
    )


def rules_for_org(organization_id):
    return rules_for(Organization(pk=organization_id))


def _party_keys(parties):
    codes = {p.credit_code for p in parties if p.credit_code}
    ids = {p.id_number for p in parties if p.id_number}
    names = {p.name for p in parties if not p.credit_code and not p.id_number}
    return codes, ids, names


def _matches(party, codes, ids, names) -> bool:
    return bool((party.credit_code and party.credit_code in codes) or (party.id_number and party.id_number in ids)
                or (not party.credit_code and not party.id_number and party.name in names))


def conflicts(case, mediators) -> dict:
    """``{mediator_pk: [reason, ...]}`` for every mediator in ``mediators`` with a conflict on ``case``."""
    mediators = list(mediators)
    by_pk = {m.pk: m for m in mediators}
    phones = {m.phone: m.pk for m in mediators if m.phone}
    result: dict[int, list[str]] = {}
    parties = list(Party.objects.filter(case_id=case.pk))
    principals = [p for p in parties if p.role != Party.PartyRole.AGENT]
    codes, ids, names = _party_keys(principals)

    def add(pk, reason):
        if reason not in result.setdefault(pk, []):
            result[pk].append(reason)

    for party in parties:
        pk = party.user_id if party.user_id in by_pk else phones.get(party.phone)
        if pk is not None:
            add(pk, _("是本案的%(role)s（%(name)s）") % {"role": party.get_role_display(), "name": party.name})

    recused = MediationAssignment.objects.filter(case_id=case.pk, mediator_id__in=by_pk,
                                                 status=MediationAssignment.Status.RECUSED)
    for mediator_id in recused.values_list("mediator_id", flat=True):
        add(mediator_id, _("已在本案回避"))

    declared = DeclaredRelationship.objects.filter(mediator_id__in=by_pk).filter(
        Q(identifier__in=codes | ids) | Q(party_name__in={p.name for p in principals}),
    )
    for rel in declared:
        add(rel.mediator_id, _("申报过与%(party)s的关系：%(relation)s") % {
            "party": rel.party_name, "relation": rel.relation})

    key_filter = Q(pk__in=[])
    if codes:
        key_filter |= Q(credit_code__in=codes)
    if ids:
        key_filter |= Q(id_number__in=ids)
    if names:
        key_filter |= Q(name__in=names, credit_code="", id_number="")
    related = list(
        Party.objects.filter(key_filter).exclude(case_id=case.pk).exclude(role=Party.PartyRole.AGENT)
        .values_list("case_id", "name", "credit_code", "id_number")
    )
    related_cases: dict[int, set] = {}
    for case_id, name, credit_code, id_number in related:
        probe = Party(name=name, credit_code=credit_code, id_number=id_number)
        if _matches(probe, codes, ids, names):
            related_cases.setdefault(case_id, set()).add(name)
    if related_cases:
        appearances = Party.objects.filter(case_id__in=related_cases).filter(
            Q(user_id__in=by_pk) | Q(phone__in=phones),
        ).select_related("case", "represents")
        for appearance in appearances:
            pk = appearance.user_id if appearance.user_id in by_pk else phones.get(appearance.phone)
            if pk is None:
                continue
            with_whom = "、".join(sorted(related_cases[appearance.case_id]))
            add(pk, _("曾在%(number)s案件中担任%(role)s，该案涉及本案当事人%(party)s") % {
                "number": appearance.case.number or appearance.case.title, "role": appearance.get_role_display(),
                "party": with_whom})
    return result


def loads(mediator_pks) -> dict:
    """Cases each mediator is handling or was offered, and not yet finished."""
    rows = (
        MediationAssignment.objects.filter(
            mediator_id__in=list(mediator_pks), status__in=["pending", "accepted"], case__status__in=LOAD_STATUSES,
        ).values("mediator_id").annotate(n=Count("pk"))
    )
    return {row["mediator_id"]: row["n"] for row in rows}


def candidates(case: Case, *, include_excluded=True) -> list[Candidate]:
    """The committee's mediators for ``case``: eligible ones best first, then the excluded with reasons."""
    mediators = list(committee_mediators(case.organization).prefetch_related("industries"))
    profiles = {p.user_id: p for p in MediatorProfile.objects.filter(user_id__in=[m.pk for m in mediators])}
    found = conflicts(case, mediators)
    current = loads([m.pk for m in mediators])
    default_max = rules_for(case.organization).max_load
    kinds = set(case.ip_rights.values_list("kind", flat=True))
    result = []
    for mediator in mediators:
        profile = profiles.get(mediator.pk)
        c = Candidate(mediator=mediator, load=current.get(mediator.pk, 0),
                      max_load=(profile.max_load if profile and profile.max_load else default_max))
        c.reasons = list(found.get(mediator.pk, []))
        if profile is not None and not profile.available:
            c.reasons.append(_("已暂停接受新案件"))
        c.excluded = bool(c.reasons)
        industry_ids = {i.pk for i in mediator.industries.all()}
        c.industry_match = case.industry_id is not None and case.industry_id in industry_ids
        own_kinds = set(profile.ip_kinds) if profile else set()
        c.ip_kind_match = bool(kinds & own_kinds)
        c.full = c.load >= c.max_load
        score = 0
        if c.industry_match:
            score += WEIGHT_INDUSTRY
            c.notes.append(_("擅长%(industry)s行业") % {"industry": case.industry.name})
        if c.ip_kind_match:
            score += WEIGHT_IP_KIND
            c.notes.append(_("擅长本案知识产权类型"))
        free = max(c.max_load - c.load, 0)
        score += round(WEIGHT_LOAD * free / c.max_load) if c.max_load else 0
        c.notes.append(_("在办%(load)s件（上限%(max)s件）") % {"load": c.load, "max": c.max_load})
        if c.full:
            c.notes.append(_("已达办案上限"))
        c.score = score
        result.append(c)
    result.sort(key=lambda c: (c.excluded, c.full, -c.score, c.load, c.mediator.pk))
    return result if include_excluded else [c for c in result if not c.excluded]


def check_mediator(case, mediator) -> list[str]:
    """Why ``mediator`` may not take ``case`` (empty when they may)."""
    if mediator is None or not mediator.is_active or not mediator.has_role(Role.MEDIATOR):
        return [_("该用户不是调解员。")]
    if mediator.organization_id != case.organization_id:
        return [_("该调解员不属于本调解委员会。")]
    reasons = list(conflicts(case, [mediator]).get(mediator.pk, []))
    profile = MediatorProfile.objects.filter(user_id=mediator.pk).first()
    if profile is not None and not profile.available:
        reasons.append(_("已暂停接受新案件"))
    return reasons
