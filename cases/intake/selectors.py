"""Reads for intake: the clerk's queue, the completeness checklist, possible duplicates."""
from dataclasses import dataclass

from django.db.models import Case as CaseExpr
from django.db.models import CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.intake.models import SupplementItem
from cases.intake.services import limitation_expired
from cases.models import PATENT_KINDS, Case, CaseStatus, Deadline, Party
from cases.permissions import held_cases


def intake_queue(user, *, include_supplement=True):
    """Complaints waiting for the clerk's organisation, soonest triage (or 补正) deadline first.

    ``due_date`` is the case's stored ``next_due`` (the soonest running deadline): in these two
    statuses the only deadlines a case has running are the triage one (待受理) or, with triage
    stopped, the 补正 one (待补正), so it is the same date the queue always showed, read from an
    index instead of a subquery per case. ``due_state`` stays in the API: ``running`` whenever a
    date is shown.
    """
    statuses = [CaseStatus.SUBMITTED] + ([CaseStatus.SUPPLEMENT_REQUESTED] if include_supplement else [])
    qs = (
        held_cases(user, "change_case").filter(status__in=statuses)
        .annotate(due_date=F("next_due"), due_state=CaseExpr(
            When(next_due__isnull=False, then=Value(Deadline.State.RUNNING.value)),
            default=None, output_field=CharField()))
        .select_related("organization", "industry")
    )
    return qs.order_by("status", "due_date", "submitted_at", "id")


@dataclass
class CheckItem:
    label: str
    ok: bool
    detail: str = ""
    supplement: str = ""  # the SupplementItem to ask for when this item is missing


def completeness(case) -> list[CheckItem]:
    """What the clerk checks before accepting; each item says what is missing."""
    parties = list(case.parties.all())
    applicants = [p for p in parties if p.role == Party.PartyRole.APPLICANT]
    respondents = [p for p in parties if p.role == Party.PartyRole.RESPONDENT]
    agents = [p for p in parties if p.role == Party.PartyRole.AGENT]
    rights = list(case.ip_rights.all())
    evidence = list(case.evidence.all())

    def identified(p):
        return bool(p.id_number or p.credit_code)

    items = [
        CheckItem(_("申请人身份信息"), bool(applicants) and all(identified(p) and p.phone for p in applicants),
                  _("每位申请人需有身份证号或统一社会信用代码及联系电话。"), SupplementItem.APPLICANT_ID),
        CheckItem(_("被申请人明确"), bool(respondents) and all(identified(p) or p.address for p in respondents),
                  _("被申请人需有准确名称，以及证件号码或住所。"), SupplementItem.RESPONDENT_INFO),
        CheckItem(_("涉案知识产权"), bool(rights) and all(r.number or r.kind not in PATENT_KINDS for r in rights),
                  _("专利需填写专利号。"), SupplementItem.RIGHT_PROOF),
        CheckItem(_("请求事项"), len(case.claims.strip()) >= 4, _("请求事项需具体明确。"), SupplementItem.CLAIMS),
        CheckItem(_("事实与理由"), len(case.facts.strip()) >= 20, _("事实与理由需说明侵权或争议的经过。"),
                  SupplementItem.FACTS),
        CheckItem(_("证据材料"), bool(evidence), _("至少提交一份证据。"), SupplementItem.INFRINGEMENT_EVIDENCE),
        CheckItem(_("同一纠纷未在法院立案"), not case.court_docketed, _("申请人称同一纠纷已由法院立案。")),
        CheckItem(_("诉讼时效"), not limitation_expired(case),
                  _("自知道权利受侵害之日起已超过三年，请提醒申请人（不自动不予受理）。")),
    ]
    if agents:
        authority = any("委托" in (e.description or "") or "委托" in e.original_name for e in evidence)
        items.insert(1, CheckItem(_("代理人授权委托书"), authority, _("代理人需提交授权委托书。"),
                                  SupplementItem.AGENT_AUTHORITY))
    return items


def possible_duplicates(case, limit=10):
    """Other cases in the district with the same parties and IP right, in any tier and status."""
    parties = list(case.parties.exclude(role=Party.PartyRole.AGENT))
    ids = {p.credit_code for p in parties if p.credit_code} | {p.id_number for p in parties if p.id_number}
    names = {p.name for p in parties}
    numbers = {r.number for r in case.ip_rights.all() if r.number}
    same_party = Q(parties__credit_code__in=ids) | Q(parties__id_number__in=ids) | Q(parties__name__in=names)
    candidates = Case.objects.filter(district_id=case.district_id).exclude(pk=case.pk)
    by_right = candidates.filter(same_party, ip_rights__number__in=numbers) if numbers else candidates.none()
    applicant_ids = {p.credit_code or p.id_number or p.name for p in parties if p.role == Party.PartyRole.APPLICANT}
    respondent_ids = {p.credit_code or p.id_number or p.name for p in parties if p.role == Party.PartyRole.RESPONDENT}

    def party_q(keys, role):
        return (Q(parties__role=role) & (Q(parties__credit_code__in=keys) | Q(parties__id_number__in=keys)
                                         | Q(parties__name__in=keys)))

    by_both = candidates.filter(party_q(applicant_ids, Party.PartyRole.APPLICANT)).filter(
        party_q(respondent_ids, Party.PartyRole.RESPONDENT)
    )
    pks = set(by_right.values_list("pk", flat=True)[:limit]) | set(by_both.values_list("pk", flat=True)[:limit])
    return list(Case.objects.filter(pk__in=pks).select_related("organization").order_by("-submitted_at")[:limit])


def overdue_count(user) -> int:
    """Complaints past their triage or 补正 deadline (``next_due`` before today)."""
    today = timezone.localdate()
    return intake_queue(user).filter(next_due__lt=today).count()



