"""Receipt, filing review (立案审查), the chief's approval, filing (立案) or refusal (不予受理)."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import (
    REFUSAL_REASONS,
    AcceptanceCondition,
    Adjudication,
    Decision,
    FilingReview,
)
from cases.adjudication.services import _common as c
from cases.models import CaseStatus, Deadline, Organization, Party, Role, Tier
from cases.services import case_assign_number, case_change_status, case_enter_tier, event_record, organization_for
from cases.services.deadlines import deadline_open

S = CaseStatus


def repeat_infringer_cases(case) -> list[str]:
    """Numbers of earlier cases whose decision found a respondent of ``case`` (same credit code) infringing."""
    codes = list(Party.objects.filter(case=case, role=Party.PartyRole.RESPONDENT)
                 .exclude(credit_code="").values_list("credit_code", flat=True))
    if not codes:
        return []
    numbers = (
        Decision.objects.filter(
            state=Decision.State.ISSUED, infringement_found=True,
            adjudication__case__parties__role=Party.PartyRole.RESPONDENT,
            adjudication__case__parties__credit_code__in=codes,
        )
        .exclude(adjudication__case_id=case.pk)
        .values_list("adjudication__case__number", flat=True).distinct()
    )
    return sorted(set(numbers))


def refresh_repeat_flag(adj, actor=None) -> bool:
    """Recompute the repeat-infringer flag of ``adj``; record an event when it turns on."""
    numbers = repeat_infringer_cases(adj.case)
    flagged = bool(numbers)
    if flagged == adj.repeat_infringer and numbers == adj.repeat_cases:
        return flagged
    was = adj.repeat_infringer
    adj.repeat_infringer, adj.repeat_cases = flagged, numbers
    adj.save(update_fields=["repeat_infringer", "repeat_cases"])
    if flagged and not was:
        event_record(
            case=adj.case, actor=actor, kind="adjudication_repeat_infringer",
            message=_("被请求人曾在%(cases)s中被认定侵权，标记为重复侵权") % {"cases": "、".join(numbers)},
            after={"cases": numbers},
        )
    return flagged


@transaction.atomic
def adjudication_receive(*, actor, case) -> Adjudication:
    """Enter 速裁: the district IP office takes the request and the 5-working-day review clock starts.

    Called by the chain router (``workflows.router``), which then starts the flow.
    """
    if Adjudication.objects.filter(case=case).exists():
        raise c.conflict(_("本案已经请求过行政裁决。"))
    office = organization_for(case, Organization.Kind.IP_OFFICE)
    case_enter_tier(case=case, actor=actor, organization=office, status=S.ADJUDICATION_REVIEW, number=False,
                    reason=_("转入行政裁决程序"))
    adj = Adjudication.objects.create(case=case, office=office, received_at=timezone.now())
    due = deadline_open(
        case=case, kind=c.K_REVIEW, label=_("行政裁决立案审查"), unit=Deadline.Unit.WORKING_DAYS,
        length=c.conf("REVIEW_WORKING_DAYS"), start_date=timezone.localdate(adj.received_at), actor=actor,
        responsible_role=Role.ENFORCEMENT_OFFICER,
    ).due_date
    event_record(
        case=case, actor=actor, kind="adjudication_received", public=True,
        message=_("%(office)s已收到行政裁决请求，将于%(due)s前决定是否立案") % {
            "office": office.name, "due": c.cn_date(due)},
        after={"adjudication": adj.pk, "office": office.pk},
    )
    refresh_repeat_flag(adj, actor)
    c.notify_parties(
        case, key=f"adj-received-{adj.pk}", roles=(Party.PartyRole.APPLICANT,), subject=_("行政裁决请求已转交"),
        body=_("您的行政裁决请求已转交%(office)s，将于%(due)s前决定是否立案。") % {
            "office": office.name, "due": c.cn_date(due)},
    )
    return adj


def review_hints(case) -> dict:
    """What the case file itself says about each acceptance condition (the form's starting point)."""
    parties = list(case.parties.all())
    applicants = [p for p in parties if p.role == Party.PartyRole.APPLICANT]
    respondents = [p for p in parties if p.role == Party.PartyRole.RESPONDENT]
    rights = list(case.ip_rights.all())
    holders = {r.holder for r in rights if r.holder}
    return {
        AcceptanceCondition.STANDING: bool(rights) and (not holders or any(a.name in holders for a in applicants)),
        AcceptanceCondition.RESPONDENT: bool(respondents) and all(r.name.strip() for r in respondents),
        AcceptanceCondition.CLAIMS: bool(case.claims.strip() and case.facts.strip()),
        AcceptanceCondition.SCOPE: case.dispute_type == "infringement" and any(
            r.kind in ("invention_patent", "utility_model", "design_patent") for r in rights),
        AcceptanceCondition.NO_COURT: not case.court_docketed,
    }


def _clean_checks(checks) -> dict:
    if not isinstance(checks, dict):
        raise c.invalid(_("请逐项填写审查结果。"), "checks")
    cleaned, missing = {}, []
    for condition in AcceptanceCondition.values:
        item = checks.get(condition)
        if not isinstance(item, dict) or not isinstance(item.get("ok"), bool):
            missing.append(str(AcceptanceCondition(condition).label))
            continue
        note = str(item.get("note") or "").strip()
        if len(note) > 500:
            raise c.invalid(_("每项审查说明不能超过500字。"), "checks")
        cleaned[condition] = {"ok": item["ok"], "note": note}
    if missing:
        raise c.invalid(_("以下受理条件尚未审查：%(items)s") % {"items": "；".join(missing)}, "checks")
    unknown = set(checks) - set(AcceptanceCondition.values)
    if unknown:
        raise c.invalid(_("未知的审查项目：%(items)s") % {"items": "、".join(sorted(map(str, unknown)))}, "checks")
    return cleaned


@transaction.atomic
def adjudication_review(*, actor, case, checks, proposal, reason_text="") -> FilingReview:
    """立案审查: every acceptance condition checked and recorded, then a proposal for the chief.

    ``checks`` maps each ``AcceptanceCondition`` to ``{"ok": bool, "note": str}``. Filing needs every
    condition met; a refusal needs at least one condition not met (its reasons go into the notice).
    """
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATION_REVIEW)
    if adj.reviews.filter(state=FilingReview.State.PENDING).exists():
        raise c.conflict(_("已提交审查意见，正在等待负责人审批。"))
    cleaned = _clean_checks(checks)
    if proposal not in FilingReview.Proposal.values:
        raise c.invalid(_("请选择立案或不予受理。"), "proposal")
    reason_text = c.clean_text(reason_text, "reason_text", _("说明"), required=False, max_length=2000)
    failed = [k for k, v in cleaned.items() if not v["ok"]]
    if proposal == FilingReview.Proposal.FILE and failed:
        raise c.invalid(_("有受理条件不符合，不能立案：%(items)s") % {
            "items": "；".join(str(AcceptanceCondition(k).label) for k in failed)}, "proposal")
    if proposal == FilingReview.Proposal.REFUSE and not failed:
        raise c.invalid(_("各项受理条件均符合，不能不予受理；如有其他理由，请将相应条件标为不符合并说明。"), "proposal")
    review = FilingReview.objects.create(
        adjudication=adj, checks=cleaned, proposal=proposal, reason_text=reason_text, reviewed_by=actor,
    )
    if adj.handler_id is None:
        adj.handler = actor
        adj.save(update_fields=["handler"])
    event_record(
        case=adj.case, actor=actor, kind="adjudication_reviewed",
        message=_("立案审查意见：%(proposal)s，报负责人审批") % {"proposal": review.get_proposal_display()},
        after={"review": review.pk, "proposal": proposal, "checks": cleaned},
    )
    c.signal(adj, flowlink.REVIEW_SUBMITTED, actor, review=review)
    return review


@transaction.atomic
def adjudication_decide_filing(*, actor, case, approve: bool, note="") -> FilingReview:
    """The chief approves the officer's proposal (filing or refusal), or returns it for another review."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATION_REVIEW)
    review = adj.reviews.select_for_update().filter(state=FilingReview.State.PENDING).first()
    if review is None:
        raise c.conflict(_("没有待审批的立案审查意见。"))
    note = c.clean_text(note, "note", _("审批意见"), required=not approve, max_length=2000)
    review.decided_by, review.decided_at, review.decision_note = actor, timezone.now(), note
    if not approve:
        review.state = FilingReview.State.RETURNED
        review.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        event_record(case=adj.case, actor=actor, kind="adjudication_review_returned", message=note,
                     after={"review": review.pk})
        if adj.handler_id:
            c.notify_user(adj.handler, adj.case, key=f"adj-review-returned-{review.pk}",
                          subject=_("立案审查意见被退回"), body=_("负责人退回了%(case)s的立案审查意见：%(note)s") % {
                              "case": adj.case.number or adj.case.title, "note": note})
        c.signal(adj, flowlink.FILING_DECIDED, actor, outcome="returned")
        return review
    review.state = FilingReview.State.APPROVED
    review.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    c.complete(adj.case, c.K_REVIEW, actor)
    if review.proposal == FilingReview.Proposal.FILE:
        _file(adj, review, actor)
        c.signal(adj, flowlink.FILING_DECIDED, actor, outcome="filed")
    else:
        _refuse(adj, review, actor)
        c.signal(adj, flowlink.FILING_DECIDED, actor, outcome="refused")
    c.sync_case(case, adj.case)
    return review


def _file(adj, review, actor):
    case = adj.case
    case_change_status(case=case, actor=actor, to=S.ADJUDICATING, reason=_("行政裁决立案"))
    number = case_assign_number(case=case, organization=adj.office, tier=Tier.ADJUDICATION, actor=actor)
    adj.filed_at = timezone.now()
    adj.save(update_fields=["filed_at"])
    filed_on = timezone.localdate(adj.filed_at)
    limit = deadline_open(
        case=case, kind=c.K_LIMIT, label=_("行政裁决办案期限"), unit=Deadline.Unit.MONTHS,
        length=c.conf("LIMIT_MONTHS"), start_date=filed_on, actor=actor, responsible_role=Role.ENFORCEMENT_OFFICER,
    )
    serve = deadline_open(
        case=case, kind=c.K_SERVE, label=_("向被请求人送达答辩通知书"), unit=Deadline.Unit.WORKING_DAYS,
        length=c.conf("SERVE_WORKING_DAYS"), start_date=filed_on, actor=actor,
        responsible_role=Role.ENFORCEMENT_OFFICER,
    )
    event_record(
        case=case, actor=actor, kind="adjudication_filed", public=True,
        message=_("行政裁决立案，案号%(number)s，办案期限至%(due)s") % {
            "number": number.text, "due": c.cn_date(limit.due_date)},
        after={"number": number.text, "limit_due": limit.due_date.isoformat(), "review": review.pk},
    )
    c.issue(actor, adj, "filing_notice", {
        "filed_on": filed_on, "limit_due": limit.due_date, "limit_months": c.conf("LIMIT_MONTHS"),
        "serve_due": serve.due_date, "serve_days": c.conf("SERVE_WORKING_DAYS"),
        "received_on": timezone.localdate(adj.received_at),
    })
    c.notify_parties(
        case, key=f"adj-filed-{adj.pk}", roles=(Party.PartyRole.APPLICANT,), subject=_("行政裁决请求已立案"),
        body=_("您的行政裁决请求已立案，案号%(number)s，立案通知书可在平台查看。") % {"number": number.text},
    )


def _refuse(adj, review, actor):
    case = adj.case
    reasons = [str(REFUSAL_REASONS[AcceptanceCondition(k)]) for k in review.failed_conditions]
    notes = [review.checks[k]["note"] for k in review.failed_conditions if review.checks[k].get("note")]
    case_change_status(case=case, actor=actor, to=S.REFUSED, reason="；".join(reasons))
    adj.refused_at = timezone.now()
    adj.save(update_fields=["refused_at"])
    c.issue(actor, adj, "refusal_notice", {
        "reasons": reasons, "notes": notes, "reason_text": review.reason_text,
        "received_on": timezone.localdate(adj.received_at),
    }, template="documents/pdf/adjudication_refusal.html")
    c.notify_parties(
        case, key=f"adj-refused-{adj.pk}", roles=(Party.PartyRole.APPLICANT,), subject=_("行政裁决请求不予受理"),
        body=_("您的行政裁决请求不予受理，理由见不予受理通知书。您可以依法向人民法院起诉。"),
    )
