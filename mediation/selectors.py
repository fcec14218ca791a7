"""Reads of the mediation tier: the mediator's cases and the committee's queue, the director's
board, the case's mediation state, the station's delegated cases. Constant query counts."""
from dataclasses import dataclass, field

from django.db.models import Case as DbCase
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery, When
from django.utils import timezone
from viewflow.workflow.models import Task

from cases.models import Case, CaseStatus, Deadline, Party, Role
from cases.pagination import Keyset, capped_count, keyset_page
from cases.selectors import NOT_JOINED, case_deadlines, case_page_fact, case_page_row
from mediation import matching
from mediation.flow import OPEN_TASK_STATUSES
from mediation.models import (
    ACTIVE_ASSIGNMENT,
    AgreementConfirmation,
    ConfirmationJoin,
    CourtDelegation,
    MediationAgreement,
    MediationAssignment,
    MediationExtension,
    MediationProcess,
    MediationSession,
    PerformanceFollowUp,
    RecusalRequest,
)
from mediation.services.common import (
    KIND_PERFORMANCE,
    MEDIATION_DEADLINE_KINDS,
    PRINCIPAL_ROLES,
    party_for_user,
)

MEDIATION_OPEN = (CaseStatus.MEDIATION_CONSENT, CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)
ACTIVE_CASE_STATUSES = (CaseStatus.MEDIATION_ASSIGNMENT, CaseStatus.MEDIATING)
# The committee's queue: soonest mediation limit first (none last), then oldest complaint. ``next_due`` is
# the case's stored soonest running deadline: a case waiting for a mediator runs only mediation limits.
QUEUE_KEYS = Keyset("next_due", "submitted_at", "id")
# The mediator's cases: next mediation deadline (``mediation_due``), then next session (none last).
MY_CASES_KEYS = Keyset("mediation_due", "next_session", "id")


def _next_due():
    """The soonest running deadline of the mediation tier (a subquery per case)."""
    return Subquery(
        Deadline.objects.filter(case_id=OuterRef("pk"), state=Deadline.State.RUNNING,
                                kind__in=MEDIATION_DEADLINE_KINDS)
        .order_by("due_date").values("due_date")[:1]
    )


def _mediation_due():
    """The soonest running mediation deadline, from the stored ``Case.next_due`` where they are the same.

    A case being assigned or mediated runs mediation deadlines only, so its ``next_due`` is the answer.
    A follow-up case (agreement in force, 回访 pending) may also run the court's 司法确认 ruling
    limit (status 司法确认中), which is the judge's, not the mediator's: those few keep the subquery.
    """
    return DbCase(When(status__in=ACTIVE_CASE_STATUSES, then=F("next_due")), default=_next_due(),
                  output_field=DateField())


def _next_due_label():
    return Subquery(
        Deadline.objects.filter(case_id=OuterRef("pk"), state=Deadline.State.RUNNING,
                                kind__in=MEDIATION_DEADLINE_KINDS)
        .order_by("due_date").values("label")[:1]
    )


def _next_session(now):
    return Subquery(
        MediationSession.objects.filter(case_id=OuterRef("pk"), status=MediationSession.Status.SCHEDULED,
                                        starts_at__gte=now - timezone.timedelta(hours=12))
        .order_by("starts_at").values("starts_at")[:1]
    )


def _annotated(qs, now, due):
    """Rows of a mediation list: ``mediation_due`` (what the pages and the API show as the next
    deadline), its label, and the next session."""
    return qs.select_related("industry", "organization").annotate(
        mediation_due=due, next_due_label=_next_due_label(), next_session=_next_session(now),
    )


def my_cases(user, now=None):
    """The mediator's cases: offered, handling, or waiting for the follow-up; next deadline and session first."""
    now = now or timezone.now()
    mine = MediationAssignment.objects.filter(mediator_id=user.pk)
    handling = Q(Exists(mine.filter(case_id=OuterRef("pk"), status__in=ACTIVE_ASSIGNMENT)),
                 status__in=ACTIVE_CASE_STATUSES)
    follow_ups = Deadline.objects.filter(kind=KIND_PERFORMANCE, assignee_id=user.pk, state=Deadline.State.RUNNING)
    follow_up = Q(Exists(follow_ups.filter(case_id=OuterRef("pk"))))
    # Ids first (the mediator's assignments and follow-ups, each on its index), then the exact rule: an
    # OR of two EXISTS alone made PostgreSQL probe both for every case of the city (2.4 s at 40,000).
    ids = (mine.filter(status__in=ACTIVE_ASSIGNMENT).order_by().values("case_id")
           .union(follow_ups.order_by().values("case_id"), all=True))
    qs = _annotated(Case.objects.filter(pk__in=ids).filter(handling | follow_up), now, _mediation_due()).annotate(
        offered=Exists(mine.filter(case_id=OuterRef("pk"), status=MediationAssignment.Status.PENDING)),
    )
    return qs.order_by(*MY_CASES_KEYS.order())


def my_case_counts(user) -> dict:
    """The mediator's page header: my cases, offers waiting for my answer, the committee's queue (capped)."""
    # The offer is tested again inside the aggregate: PostgreSQL cannot read a select alias in FILTER (...).
    pending = MediationAssignment.objects.filter(mediator_id=user.pk, case_id=OuterRef("pk"),
                                                 status=MediationAssignment.Status.PENDING)
    counts = my_cases(user).order_by().aggregate(mine=Count("pk"), offered=Count("pk", filter=Exists(pending)))
    queue, capped = capped_count(committee_queue(user))
    return {"mine_count": counts["mine"], "offered_count": counts["offered"],
            "queue_count": f"{queue}+" if capped else queue}


def unassigned(organization_id, now=None):
    """Cases of the committee waiting for a mediator with nobody offered or handling, soonest limit first."""
    now = now or timezone.now()
    active = MediationAssignment.objects.filter(case_id=OuterRef("pk"), status__in=ACTIVE_ASSIGNMENT)
    qs = Case.objects.filter(organization_id=organization_id, status=CaseStatus.MEDIATION_ASSIGNMENT).exclude(
        Exists(active))
    return _annotated(qs, now, F("next_due")).order_by(*QUEUE_KEYS.order())


def committee_queue(user, now=None):
    if user.organization_id is None:
        return Case.objects.none()
    return unassigned(user.organization_id, now)


@dataclass
class Board:
    unassigned: list
    offered: list
    loads: list
    overdue: list
    extensions: list
    recusals: list
    to_seal: list
    counts: dict = field(default_factory=dict)


def director_board(user, today=None) -> Board:
    """The director's team board, in a fixed number of queries."""
    today = today or timezone.localdate()
    org_id = user.organization_id
    in_org = Q(case__organization_id=org_id)
    unassigned_cases = list(unassigned(org_id)[:200])
    offered = list(
        MediationAssignment.objects.filter(in_org, status=MediationAssignment.Status.PENDING)
        .select_related("case", "mediator").annotate(
            due=Subquery(Deadline.objects.filter(case_id=OuterRef("case_id"), kind="mediation_accept",
                                                 state=Deadline.State.RUNNING).values("due_date")[:1]))
        .order_by("due", "pk")
    )
    mediators = list(matching.committee_mediators_of(org_id))
    counts = {
        row["mediator_id"]: row for row in MediationAssignment.objects.filter(
            mediator_id__in=[m.pk for m in mediators], status__in=ACTIVE_ASSIGNMENT,
            case__status__in=ACTIVE_CASE_STATUSES,
        ).values("mediator_id").annotate(
            accepted=Count("pk", filter=Q(status=MediationAssignment.Status.ACCEPTED)),
            pending=Count("pk", filter=Q(status=MediationAssignment.Status.PENDING)),
        )
    }
    late = {
        row["assignee_id"]: row["n"] for row in Deadline.objects.filter(
            assignee_id__in=[m.pk for m in mediators], state=Deadline.State.RUNNING, due_date__lt=today,
            kind__in=MEDIATION_DEADLINE_KINDS,
        ).values("assignee_id").annotate(n=Count("pk"))
    }
    sessions = {
        row["case__mediation_assignments__mediator_id"]: row["n"] for row in MediationSession.objects.filter(
            status=MediationSession.Status.SCHEDULED, starts_at__gte=timezone.now(),
            case__mediation_assignments__mediator_id__in=[m.pk for m in mediators],
            case__mediation_assignments__status=MediationAssignment.Status.ACCEPTED,
        ).values("case__mediation_assignments__mediator_id").annotate(n=Count("pk", distinct=True))
    }
    max_load = matching.rules_for_org(org_id).max_load
    loads = []
    for mediator in mediators:
        row = counts.get(mediator.pk, {})
        loads.append({
            "mediator": mediator, "accepted": row.get("accepted", 0), "pending": row.get("pending", 0),
            "overdue": late.get(mediator.pk, 0), "sessions": sessions.get(mediator.pk, 0), "max_load": max_load,
        })
    loads.sort(key=lambda r: (-(r["accepted"] + r["pending"]), str(r["mediator"])))
    overdue = list(
        Deadline.objects.filter(in_org, kind__in=MEDIATION_DEADLINE_KINDS, state=Deadline.State.RUNNING,
                                due_date__lt=today)
        .select_related("case", "assignee").order_by("due_date", "pk")[:200]
    )
    extensions = list(
        MediationExtension.objects.filter(in_org, status=MediationExtension.Status.PENDING)
        .select_related("case", "deadline", "requested_by").order_by("requested_at")
    )
    recusals = list(
        RecusalRequest.objects.filter(in_org, status=RecusalRequest.Status.PENDING)
        .select_related("case", "assignment__mediator", "party").order_by("requested_at")
    )
    to_seal = list(
        MediationAgreement.objects.filter(in_org, status=MediationAgreement.Status.SIGNED)
        .select_related("case", "mediator_signed_by").order_by("mediator_signed_at")
    )
    return Board(
        unassigned=unassigned_cases, offered=offered, loads=loads, overdue=overdue, extensions=extensions,
        recusals=recusals, to_seal=to_seal,
        counts={"unassigned": len(unassigned_cases), "offered": len(offered), "overdue": len(overdue),
                "decisions": len(extensions) + len(recusals) + len(to_seal)},
    )


def board_counts(user) -> dict:
    """The numbers on the director's home card (a few aggregate queries)."""
    org_id = user.organization_id
    today = timezone.localdate()
    in_org = Q(case__organization_id=org_id)
    return {
        "unassigned": unassigned(org_id).count(),
        "overdue": Deadline.objects.filter(in_org, kind__in=MEDIATION_DEADLINE_KINDS, state=Deadline.State.RUNNING,
                                           due_date__lt=today).count(),
        "decisions": MediationExtension.objects.filter(in_org, status="pending").count()
        + RecusalRequest.objects.filter(in_org, status="pending").count()
        + MediationAgreement.objects.filter(in_org, status=MediationAgreement.Status.SIGNED).count(),
    }


def mediator_counts(user) -> dict:
    """The numbers on the mediator's home card."""
    cases = list(my_cases(user))
    today = timezone.localdate()
    return {
        "mine": len(cases),
        "offered": sum(1 for c in cases if c.offered),
        "overdue": sum(1 for c in cases if c.mediation_due and c.mediation_due < today),
        "queue": committee_queue(user).count(),
        "next": cases[0] if cases else None,
    }


def current_steps(case_ids) -> dict:
    """``{case_id: [step title, ...]}``: the open human tasks of each case's mediation process."""
    rows = Task.objects.filter(
        process__in=MediationProcess.objects.filter(case_id__in=list(case_ids), finished__isnull=True),
        status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN",
    ).values_list("process__mediationprocess__case_id", "flow_task")
    steps: dict[int, list] = {}
    for case_id, flow_task in rows:
        steps.setdefault(case_id, []).append(str(flow_task.task_title or flow_task.name))
    return steps


def latest_process(case):
    return MediationProcess.objects.filter(case_id=case.pk).order_by("-pk").first()


def agreement_defaults(case) -> dict:
    """A first draft from the case file: the facts and issues as the parties stated them."""
    rights = "；".join(f"{r.get_kind_display()}“{r.title}”" + (f"（{r.number}）" if r.number else "")
                      for r in case.ip_rights.all())
    facts = (f"{case.title}。" + (f"涉案知识产权：{rights}。" if rights else "")
             + f"\n申请人主张：{case.facts.strip()}\n申请人请求：{case.claims.strip()}")
    return {"facts": facts[:5000]}


@dataclass
class Panel:
    """What the case page shows of 快调, for one user."""

    assignment: object = None
    mediator: object = None
    sessions: list = field(default_factory=list)
    agreement: object = None
    confirmed_parties: list = field(default_factory=list)
    confirmed_count: int = 0
    party: object = None
    my_confirmation: object = None
    can_confirm: bool = False
    can_request_recusal: bool = False
    pending_recusal: object = None
    can_join_judicial: bool = False
    judicial_joined: bool = False
    delegation: object = None
    staff: bool = False
    can_work: bool = False
    steps: list = field(default_factory=list)
    limit: object = None
    follow_ups: list = field(default_factory=list)
    visible: bool = False


def case_panel(case, user) -> Panel:
    """The mediation panel of the case page (empty for a case that never was in 快调)."""
    panel = Panel()
    if user is None or not user.is_authenticated:
        return panel
    latest = case_page_row(case, "mediation_latest_assignment")
    if latest is NOT_JOINED:  # the case was not loaded for its page: ask
        latest = (MediationAssignment.objects.filter(case_id=case.pk).select_related("mediator")
                  .order_by("-created_at", "-id").first())
    in_mediation = case.tier == "mediation" or case.status == CaseStatus.CONFIRMATION_PENDING or latest is not None
    if not in_mediation:
        return panel
    panel.visible = True
    # The latest assignment is the active one when there is one (a new offer is made only once the last
    # ended): its mediator handles the case once accepted, and is shown after mediation ended.
    panel.assignment = latest
    panel.mediator = latest.mediator if latest is not None and latest.status in (
        MediationAssignment.Status.ACCEPTED, MediationAssignment.Status.ENDED) else None
    if case_page_fact(case, "has_mediation_sessions") is not False:
        panel.sessions = list(MediationSession.objects.filter(case_id=case.pk).order_by("sequence"))
    agreement = case_page_row(case, "mediation_agreement")
    if agreement is NOT_JOINED:
        agreement = (MediationAgreement.objects.filter(case_id=case.pk).exclude(status="void")
                     .select_related("draft_document", "document").first())
    panel.agreement = agreement
    panel.delegation = _court_delegation(case)
    panel.limit = next((d for d in sorted(case_deadlines(case), key=lambda d: d.pk, reverse=True)
                        if d.kind == "mediation_limit"), None)
    panel.staff = user.is_superuser or user.has_role(Role.MEDIATOR, Role.COMMITTEE_DIRECTOR, Role.SYSADMIN)
    panel.can_work = panel.staff and (user.organization_id == case.organization_id or user.is_superuser
                                      or (panel.mediator is not None and panel.mediator.pk == user.pk))
    if panel.staff and case_page_fact(case, "mediation_open_steps") is not False:
        panel.steps = current_steps([case.pk]).get(case.pk, [])
    panel.party = party_for_user(case, user)
    if agreement is not None:
        confirmed = case_page_fact(case, "mediation_confirmations")
        # Who confirmed matters only to a party who may still confirm; the page shows the others a count.
        if confirmed is None or (panel.party is not None and agreement.status == MediationAgreement.Status.CONFIRMING):
            panel.confirmed_parties = list(AgreementConfirmation.objects.filter(
                agreement=agreement, document_id=agreement.draft_document_id).select_related("party"))
            confirmed = len(panel.confirmed_parties)
        panel.confirmed_count = confirmed
        if agreement.status == MediationAgreement.Status.EFFECTIVE and case_page_fact(
                case, "mediation_follow_ups") is not False:  # follow-ups are of effective agreements
            panel.follow_ups = list(PerformanceFollowUp.objects.filter(agreement=agreement))
    if panel.party is not None:
        if agreement is not None:
            panel.my_confirmation = next((c for c in panel.confirmed_parties if c.party_id == panel.party.pk), None)
            panel.can_confirm = (agreement.status == MediationAgreement.Status.CONFIRMING
                                 and panel.my_confirmation is None and case.status == CaseStatus.MEDIATING)
            # Filed only once every party joined.
            panel.judicial_joined = agreement.judicial_filed_at is not None or ConfirmationJoin.objects.filter(
                agreement=agreement, party=panel.party).exists()
            panel.can_join_judicial = (
                case.status == CaseStatus.MEDIATED and agreement.status == MediationAgreement.Status.EFFECTIVE
                and agreement.judicial_filed_at is None and not panel.judicial_joined
                and not agreement.concerns_ownership_or_validity and case.dispute_type != "ownership"
                and Deadline.objects.filter(case_id=case.pk, kind="mediation_judicial_confirmation",
                                            state=Deadline.State.RUNNING).exists()
            )
        panel.pending_recusal = None if case_page_fact(case, "mediation_recusal_pending") is False else (
            RecusalRequest.objects.filter(case_id=case.pk, party=panel.party, status=RecusalRequest.Status.PENDING)
            .first())
        panel.can_request_recusal = (case.status == CaseStatus.MEDIATING and panel.mediator is not None
                                     and panel.pending_recusal is None)
    return panel


def _court_delegation(case):
    """The court's delegation of the case (joined to the case on its page), or None."""
    if "court_delegation" in case._state.fields_cache:
        return case._state.fields_cache["court_delegation"]
    return CourtDelegation.objects.filter(case_id=case.pk).select_related("station").first()


def work_context(case, user) -> dict:
    """Everything the mediation workspace of one case shows."""
    from mediation.permissions import directs, handles

    process = latest_process(case)
    assignments = list(MediationAssignment.objects.filter(case_id=case.pk).select_related("mediator", "assigned_by")
                       .order_by("-created_at", "-id"))
    active = next((a for a in assignments if a.is_active), None)
    agreement = (MediationAgreement.objects.filter(case_id=case.pk).exclude(status="void")
                 .select_related("draft_document", "document", "mediator_signed_by", "sealed_by").first())
    principals = list(case.parties.filter(role__in=PRINCIPAL_ROLES).order_by("role", "id"))
    confirmations = list(AgreementConfirmation.objects.filter(
        agreement=agreement, document_id=agreement.draft_document_id).select_related("party", "user")
    ) if agreement and agreement.draft_document_id else []
    confirmed_ids = {c.party_id for c in confirmations}
    return {
        "process": process,
        "steps": current_steps([case.pk]).get(case.pk, []),
        "assignments": assignments,
        "active": active,
        "is_handler": handles(user, case),
        "is_director": directs(user, case),
        "offered_to_me": active is not None and active.status == "pending" and active.mediator_id == user.pk,
        "sessions": list(MediationSession.objects.filter(case_id=case.pk).order_by("sequence")),
        "agreement": agreement,
        "principals": principals,
        "confirmations": confirmations,
        "unconfirmed": [p for p in principals if p.pk not in confirmed_ids],
        "recusals": list(RecusalRequest.objects.filter(case_id=case.pk)
                         .select_related("party", "assignment__mediator")),
        "extensions": list(MediationExtension.objects.filter(case_id=case.pk).select_related("requested_by")),
        "follow_ups": list(PerformanceFollowUp.objects.filter(agreement=agreement)) if agreement else [],
        "deadlines": list(Deadline.objects.filter(case_id=case.pk, kind__in=MEDIATION_DEADLINE_KINDS)
                          .exclude(state=Deadline.State.CANCELLED).order_by("due_date")),
        "delegation": CourtDelegation.objects.filter(case_id=case.pk).select_related("station").first(),
        "parties": list(Party.objects.filter(case_id=case.pk).order_by("role", "id")),
    }


def station_delegations(station, *, result=None):
    """The station's delegated and entrusted cases with their reported results (for the tribunal)."""
    qs = CourtDelegation.objects.filter(station_id=station.pk).select_related("case", "result_document")
    if result:
        qs = qs.filter(result=result)
    return qs.order_by("-delegated_at")


# The reported delegations, latest report first, paged (``?dafter=`` / ``?dbefore=``).
DELEGATION_DONE_KEYS = Keyset("-reported_at", "-delegated_at", "-id")


def station_delegation_queue(station, today=None, params=None) -> dict:
    """The station's 委派调解 page: the pending ones (soonest limit first, overdue flagged), then a page of
    the reported ones (latest report first; ``params`` is ``request.GET``) with their capped total. Three queries."""
    today = today or timezone.localdate()
    base = CourtDelegation.objects.filter(station_id=station.pk).select_related("case", "result_document")
    pending = list(base.filter(result=CourtDelegation.Result.PENDING).order_by("due_date", "delegated_at", "pk"))
    for row in pending:
        row.overdue = row.due_date < today
    done = keyset_page(base.exclude(result=CourtDelegation.Result.PENDING), DELEGATION_DONE_KEYS, params,
                       prefix="d", count=True)
    for row in done:
        row.overdue = False
    return {"pending": pending, "done": done, "overdue_count": sum(r.overdue for r in pending)}


def station_delegation_counts(station, today=None) -> dict:
    """For the station queue's header: delegations in mediation, and how many of them are past their limit."""
    today = today or timezone.localdate()
    return CourtDelegation.objects.filter(station_id=station.pk, result=CourtDelegation.Result.PENDING).aggregate(
        pending=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)),
    )
