"""Reads for the 速裁 pages and API: the role queues and the case's workspace, in fixed query counts.

Who acts next comes from the workflow (``flowlink``: the open tasks of the case's flows); the
deadlines, panel and requests from the tier's records.
"""
from dataclasses import dataclass, field

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.utils import timezone

from cases.adjudication import flowlink
from cases.adjudication.models import (
    Adjudication,
    Answer,
    DamagesMediation,
    Decision,
    EvidenceVisibility,
    ExtensionRequest,
    FilingReview,
    Hearing,
    PanelMember,
    Recusal,
    TechnicalQuestion,
)
from cases.adjudication.permissions import (
    CHIEF,
    INVESTIGATOR,
    OFFICER,
    evidence_visible,
    is_admin,
    is_chief,
    is_officer,
    is_panel_member,
    party_for,
)
from cases.adjudication.services import _common as c
from cases.documents.models import Document, Service
from cases.models import CaseStatus, Deadline, Party
from cases.pagination import Keyset
from cases.permissions import held_cases, visible_cases
from cases.selectors import case_deadlines, case_page_fact

TIER_STATUSES = (*c.OPEN_STATUSES, CaseStatus.ADJUDICATED)
# The queues: soonest running deadline first (none last); the overdue list: longest overdue first.
# ``next_due`` is the case's stored soonest running deadline (``cases.services.deadlines``).
QUEUE_KEYS = Keyset("next_due", "id")
OVERDUE_KEYS = Keyset("first_late", "id")
INVESTIGATOR_KEYS = Keyset("deadline__due_date", "id")


def with_steps(cases):
    """Attach ``steps`` (the open tasks) to each case of a page, in one more query."""
    cases = list(cases)
    steps = flowlink.open_steps([case.pk for case in cases])
    for case in cases:
        case.steps = steps.get(case.pk, [])
    return cases


def office_cases(user):
    """Cases in 速裁 the user may see (office staff: the office's, those it holds now)."""
    return held_cases(user).filter(adjudication__isnull=False).select_related(
        "adjudication", "organization")


def _by_due(qs):
    return qs.order_by(*QUEUE_KEYS.order())


def officer_queue(user, today=None) -> dict:
    """The officer's page (querysets): requests waiting for review, then my cases by their next
    statutory deadline. Attach the open steps of a page with ``with_steps``."""
    today = today or timezone.localdate()
    base = office_cases(user)
    waiting = flowlink.cases_waiting([OFFICER])
    review = base.filter(status=CaseStatus.ADJUDICATION_REVIEW)
    if waiting is not None:
        review = review.filter(pk__in=waiting)
    panel = PanelMember.objects.filter(adjudication__case=OuterRef("pk"), user=user, active=True)
    following = Q(status=CaseStatus.ADJUDICATED, adjudication__performance__state="following")
    mine = base.filter(Q(adjudication__handler=user) | Exists(panel)).filter(
        Q(status__in=c.OPEN_STATUSES) | following)
    late = Q(next_due__lt=today)
    return {"review": _by_due(review), "mine": _by_due(mine), "mine_overdue": mine.filter(late), "today": today}


def chief_queue(user, today=None) -> dict:
    """The chief's page (querysets): approvals waiting (filing, panel, extension, suspension, recusal,
    decision), then the office's cases with an overdue deadline."""
    today = today or timezone.localdate()
    base = office_cases(user)
    waiting = flowlink.cases_waiting([CHIEF])
    approvals = base.filter(status__in=c.OPEN_STATUSES)
    approvals = approvals.filter(pk__in=waiting) if waiting is not None else approvals.none()
    # A running deadline is past exactly when the soonest one is, and the soonest is the first past.
    overdue = base.filter(next_due__lt=today).filter(
        Q(status__in=c.OPEN_STATUSES) | Q(status=CaseStatus.ADJUDICATED)).annotate(first_late=F("next_due"))
    return {"approvals": _by_due(approvals), "overdue": overdue.order_by(*OVERDUE_KEYS.order()), "today": today}


def chief_steps(cases):
    """``with_steps`` keeping only the chief's own open tasks."""
    cases = with_steps(cases)
    for case in cases:
        case.steps = [s for s in case.steps if s.role == CHIEF]
    return cases


def investigator_queue(user, today=None):
    """The investigator's page: the opinions due, soonest deadline first (a queryset)."""
    today = today or timezone.localdate()
    waiting = flowlink.cases_waiting([INVESTIGATOR], user=user)
    qs = TechnicalQuestion.objects.filter(investigator=user, state=TechnicalQuestion.State.OPEN)
    if waiting is not None:
        qs = qs.filter(adjudication__case_id__in=waiting)
    return qs.select_related("adjudication__case", "deadline").annotate(overdue=ExpressionWrapper(
        Q(deadline__state=Deadline.State.RUNNING, deadline__due_date__lt=today), output_field=BooleanField(),
    )).order_by(*INVESTIGATOR_KEYS.order())


def queue_counts(user, today=None) -> dict:
    """Numbers for the home page cards, by the roles the user holds (a few COUNT queries)."""
    today = today or timezone.localdate()
    out = {}
    if user.has_role(OFFICER):
        q = officer_queue(user, today)
        out["officer"] = {"review": q["review"].count(), "mine": q["mine"].count(),
                          "overdue": q["mine_overdue"].count()}
    if user.has_role(CHIEF):
        q = chief_queue(user, today)
        out["chief"] = {"approvals": q["approvals"].count(), "overdue": q["overdue"].count()}
    if user.has_role(INVESTIGATOR):
        q = investigator_queue(user, today)
        out["investigator"] = {"open": q.count(), "overdue": q.filter(overdue=True).count()}
    return out


@dataclass
class EvidenceRow:
    evidence: object
    confidential: bool
    reason: str
    own: bool


@dataclass
class Workspace:
    """Everything the case's adjudication page shows."""

    adj: Adjudication
    steps: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    limit: object = None
    panel: list = field(default_factory=list)
    former_panel: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    pending_review: object = None
    recusals: list = field(default_factory=list)
    answers: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    hearings: list = field(default_factory=list)
    suspensions: list = field(default_factory=list)
    mediations: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    decision: object = None
    documents: list = field(default_factory=list)
    evidence: list = field(default_factory=list)
    parties: list = field(default_factory=list)
    respondents: list = field(default_factory=list)
    performance: object = None
    suit: object = None
    roles: dict = field(default_factory=dict)


def roles_on(user, adj, members=None) -> dict:
    """What the user is on this case: chief, officer, panel member, party (or none).

    ``members``: the active panel members, when the caller has them already.
    """
    party = party_for(user, adj.case)
    if members is None:
        panel = is_panel_member(user, adj)
        presiding = adj.panel.filter(active=True, user_id=user.pk, role=PanelMember.Role.PRESIDING).exists()
    else:
        mine = [m for m in members if m.user_id == user.pk]
        panel = is_admin(user) or bool(mine)
        presiding = any(m.role == PanelMember.Role.PRESIDING for m in mine)
    return {
        "chief": is_chief(user, adj),
        "officer": is_officer(user, adj),
        "panel": panel,
        "presiding": presiding,
        "party": party,
        "admin": is_admin(user),
    }


def evidence_rows(user, adj, roles=None) -> list[EvidenceRow]:
    roles = roles or roles_on(user, adj)
    staff = roles["officer"] or roles["panel"]
    rows = []
    marks = {v.evidence_id: v for v in EvidenceVisibility.objects.filter(evidence__case=adj.case)}
    for evidence in adj.case.evidence.select_related("party").order_by("uploaded_at", "id"):
        mark = marks.get(evidence.pk)
        if not evidence_visible(user, adj, evidence, party=roles["party"], staff=staff):
            continue
        party = roles["party"]
        own = party is not None and (evidence.party_id == party.pk or evidence.uploaded_by_id == user.pk)
        rows.append(EvidenceRow(evidence, bool(mark and mark.confidential), mark.reason if mark else "", own))
    return rows


def workspace(user, adj) -> Workspace:
    case = adj.case
    roles = roles_on(user, adj)
    staff = roles["officer"] or roles["panel"] or roles["admin"]
    ws = Workspace(adj=adj, roles=roles)
    ws.steps = flowlink.open_steps([case.pk]).get(case.pk, [])
    ws.deadlines = list(Deadline.objects.filter(case=case, kind__startswith="adjudication_")
                        .exclude(state=Deadline.State.CANCELLED).order_by("due_date", "id"))
    ws.limit = next((d for d in ws.deadlines if d.kind == c.K_LIMIT), None)
    members = sorted(adj.panel.select_related("user"),
                     key=lambda m: (not m.active, m.role != PanelMember.Role.PRESIDING, m.appointed_at, m.pk))
    ws.panel = [m for m in members if m.active]
    ws.former_panel = [m for m in members if not m.active]
    ws.reviews = list(adj.reviews.select_related("reviewed_by", "decided_by").order_by("-reviewed_at", "-id"))
    ws.pending_review = next((r for r in ws.reviews if r.state == FilingReview.State.PENDING), None)
    ws.recusals = list(adj.recusals.select_related("member__user", "party").order_by("-raised_at", "-id"))
    ws.answers = list(adj.answers.select_related("party", "forward_document").order_by("received_at", "id"))
    if staff:
        ws.questions = list(adj.technical_questions.select_related("investigator", "deadline", "opinion_document")
                            .prefetch_related("evidence").order_by("-asked_at", "-id"))
    ws.hearings = list(adj.hearings.select_related("notice_document").order_by("-scheduled_at", "-id"))
    ws.suspensions = list(adj.suspensions.select_related("party").order_by("-requested_at", "-id"))
    ws.mediations = list(adj.mediations.select_related("agreement_document").order_by("-started_at", "-id"))
    ws.extensions = list(adj.extensions.select_related("requested_by", "decided_by").order_by("-requested_at", "-id"))
    ws.decision = Decision.objects.filter(adjudication=adj).select_related("document").first()
    ws.performance = getattr(adj, "performance", None) if hasattr(adj, "performance") else None
    ws.suit = adj.suits.select_related("party").order_by("-id").first()
    docs = Document.objects.filter(case=case).select_related("superseded_by").prefetch_related("services__party")
    if not staff:
        docs = docs.filter(public=True)
    ws.documents = list(docs.order_by("-issued_at", "-id"))
    ws.parties = list(Party.objects.filter(case=case).exclude(role=Party.PartyRole.AGENT).order_by("role", "id"))
    ws.respondents = [p for p in ws.parties if p.role == Party.PartyRole.RESPONDENT]
    ws.evidence = evidence_rows(user, adj, roles)
    return ws


def servable_documents(adj):
    """The tier's documents still to be served, each with the parties not yet served."""
    from cases.adjudication.services.serving import SERVABLE_TYPES

    parties = list(Party.objects.filter(case=adj.case).exclude(role=Party.PartyRole.AGENT).order_by("role", "id"))
    docs = list(Document.objects.filter(case=adj.case, doc_type__in=SERVABLE_TYPES, superseded_by__isnull=True)
                .prefetch_related("services").order_by("-issued_at", "-id"))
    out = []
    for doc in docs:
        served = {s.party_id for s in doc.services.all()}
        doc.unserved = [p for p in parties if p.pk not in served and _addressed_to(doc, p)]
        out.append(doc)
    return out


def _addressed_to(document, party) -> bool:
    """Who a document is for: the answer notice to respondents, forwards and filing/refusal notices to
    requesters; the rest to every party."""
    if document.doc_type == "answer_notice":
        want = Party.PartyRole.APPLICANT if document.series.startswith("forward:") else Party.PartyRole.RESPONDENT
        return party.role == want
    if document.doc_type in ("filing_notice", "refusal_notice"):
        return party.role == Party.PartyRole.APPLICANT
    return True


def unreceived_services(adj):
    return list(Service.objects.filter(document__case=adj.case, received_at__isnull=True)
                .select_related("document", "party").order_by("sent_at", "id"))


def open_items(adj) -> dict:
    """Counts of what is still open on the case (for the workspace's summary)."""
    return {
        "questions": adj.technical_questions.filter(state=TechnicalQuestion.State.OPEN).count(),
        "hearings": adj.hearings.filter(state=Hearing.State.SCHEDULED).count(),
        "recusals": adj.recusals.filter(state=Recusal.State.PENDING).count(),
        "suspension": adj.suspensions.filter(state__in=["pending", "granted"]).first(),
        "extension": adj.extensions.filter(state=ExtensionRequest.State.PENDING).first(),
        "mediation": adj.mediations.filter(state=DamagesMediation.State.ONGOING).first(),
        "unforwarded": adj.answers.filter(forwarded_at__isnull=True).count(),
    }


def case_panel_context(user, case) -> dict | None:
    """The case page's 速裁 panel: None when the case never entered the tier or the user may not see it."""
    if "adjudication" in case._state.fields_cache:  # joined to the case on its page
        adj = case._state.fields_cache["adjudication"]
    else:
        adj = Adjudication.objects.filter(case=case).select_related("office").first()
    if adj is None or not user.is_authenticated:
        return None
    adj.case = case
    members = [] if case_page_fact(case, "adjudication_panel") is False else list(
        adj.panel.filter(active=True).select_related("user"))
    roles = roles_on(user, adj, members)
    limit = next((d for d in case_deadlines(case)
                  if d.kind == c.K_LIMIT and d.state != Deadline.State.CANCELLED), None)
    if "decision" in adj._state.fields_cache:
        decision = adj._state.fields_cache["decision"]
        decision = decision if decision is not None and decision.state == Decision.State.ISSUED else None
    else:
        decision = Decision.objects.filter(adjudication=adj, state=Decision.State.ISSUED).first()
    answers = case_page_fact(case, "adjudication_answers")
    return {
        "adj": adj,
        "roles": roles,
        "staff": roles["officer"] or roles["panel"] or roles["admin"],
        "steps": flowlink.open_steps([case.pk]).get(case.pk, []),
        "limit": limit,
        "panel": sorted(members, key=lambda m: (m.role != PanelMember.Role.PRESIDING, m.appointed_at, m.pk)),
        "decision": decision,
        "answers": Answer.objects.filter(adjudication=adj).count() if answers is None else answers,
    }


def repeat_cases_visible(user, adj):
    """The earlier cases behind the repeat-infringer flag that the user may open."""
    if not adj.repeat_cases:
        return []
    return list(visible_cases(user).filter(number__in=adj.repeat_cases).only("pk", "number"))

