"""Keeping the aggregate tables current: incremental from what changed, or in full.

``refresh_aggregates`` (run by Celery beat every 5 minutes, and by ``manage.py
refresh_statistics``) finds the cases changed since its watermark: their ``updated_at``,
any ``CaseEvent`` written since (every service writes one: status changes, organisation
moves, grants, survey invitations and answers), and cases whose deadlines passed since the
last run's date. For each changed case it recomputes the case's contributions, durations
and respondents from the case, its events and its surveys, then re-derives the
``DailyFact`` / ``DurationBucket`` rows of every day those touched (old and new) and the
``RepeatRespondent`` rows of every credit code touched. Re-deriving a day from the
per-case rows (rather than adding deltas) makes every run idempotent.

How a case is counted (each measure on its own day, with the dimensions of that moment):

- ``received``: the day it was submitted, at the organisation and tier it started in;
- ``entered``: each tier it entered, on that day, at the organisation that held it there
  (the last one, when a move follows the tier change in the same step);
- ``accepted``: the day it left intake for a tier (``accepted_at`` when recorded);
- ``mediation_success`` / ``mediation_failure``: the first mediation outcome (调解成功 /
  调解终止 reached from the mediation tier), at the committee that mediated;
- ``closed`` (+ amounts in dispute and recovered): the day it closed, where it closed;
- ``open`` / ``overdue``: day NULL, the current snapshot, where it is now;
- ``invited`` / ``responses`` + the five score sums: the survey's own days, at the tier and
  organisation that closed it (captured on the invitation);
- handler rows (``handler`` set): the mediator or officer personally granted the case,
  counted at the handler's own organisation: assigned (``entered``), open, overdue, closed,
  and the survey answers attributed to them on the invitation.
"""
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from cases.models import TERMINAL_STATUSES, Case, CaseEvent, CaseStatus, Deadline, IPRight, Party, Tier, User
from cases.statistics.models import (
    MEASURES,
    CaseContribution,
    CaseDuration,
    CaseRespondent,
    DailyFact,
    DurationBucket,
    RefreshState,
    RepeatRespondent,
    status_group,
)
from cases.statistics.routers import on_primary
from cases.surveys.models import DIMENSION_FIELDS, SurveyInvitation, SurveyResponse
from cases.surveys.selectors import case_handlers, handler_roles, handler_tier

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=5)  # a transaction that committed late is still picked up
CHUNK = 500  # cases per batch of reads and writes
DAY_BATCH = 62  # days per re-aggregation statement
LOCK_TTL = timedelta(hours=2)  # a crashed run's lock is taken over after this
TOTAL = "total"
TRACKED_EVENTS = ("status_changed", "organization_changed", "access_granted")
DAY_DIMENSIONS = ("day", "handler_id", "organization_id", "district_id", "tier", "ip_kind", "industry_id",
                  "status_group")
DURATION_DIMENSIONS = ("day", "organization_id", "district_id", "tier", "ip_kind", "industry_id", "days")


@dataclass
class Span:
    """A stay of the case in one tier, at the organisation that held it there last."""

    tier: str
    org: int
    start: datetime
    end: datetime | None = None
    terminal_at: datetime | None = None


def _day(value):
    return timezone.localdate(value) if value is not None else None


def _days_between(start, end) -> int:
    return max(0, (_day(end) - _day(start)).days)


def build_spans(case: dict, events: list[dict]) -> list[Span]:
    """The case's tiers, in order, from its ``status_changed`` and ``organization_changed`` events."""
    status_events = [e for e in events if e["kind"] == "status_changed"]
    org_events = [e for e in events if e["kind"] == "organization_changed"]
    first_org = (org_events[0]["before"] or {}).get("organization") if org_events else None
    first_tier = ((status_events[0]["before"] or {}).get("tier") or Tier.INTAKE) if status_events else case["tier"]
    spans = [Span(tier=first_tier, org=first_org or case["organization_id"], start=case["submitted_at"])]
    for event in events:
        after = event["after"] or {}
        if event["kind"] == "status_changed":
            current = spans[-1]
            tier = after.get("tier")
            if tier and tier != current.tier:
                current.end = current.terminal_at or event["created_at"]
                spans.append(Span(tier=tier, org=current.org, start=event["created_at"]))
            elif after.get("status") in TERMINAL_STATUSES:
                current.terminal_at = event["created_at"]
            else:
                current.terminal_at = None
        elif event["kind"] == "organization_changed" and after.get("organization"):
            spans[-1].org = after["organization"]
    if case["status"] in TERMINAL_STATUSES and case["closed_at"] is not None:
        spans[-1].end = case["closed_at"]
    return spans


class _Rows:
    """Contributions of one case, merged per bucket."""

    def __init__(self, case: dict, ip_kind: str):
        self.case = case
        self.ip_kind = ip_kind
        self.group = status_group(case["status"])
        self.rows: dict[tuple, dict] = {}

    def add(self, day, org, tier, handler=None, **measures):
        key = (day, handler, org, self.case["district_id"], tier, self.ip_kind, self.case["industry_id"], self.group)
        row = self.rows.setdefault(key, defaultdict(int))
        for name, value in measures.items():
            row[name] += value

    def models(self) -> list[CaseContribution]:
        return [
            CaseContribution(case_id=self.case["pk"], **dict(zip(DAY_DIMENSIONS, key, strict=True)), **measures)
            for key, measures in self.rows.items()
        ]


def case_facts(case: dict, *, events, ip_kind, overdue, handlers, users, invitations):
    """The contributions and durations of one case (pure: everything it needs is passed in).

    ``handlers``: ids of the users handling it now; ``users``: id -> (organisation id, tier)
    for handlers and survey staff; ``invitations``: dicts with the survey and its response.
    """
    rows = _Rows(case, ip_kind)
    spans = build_spans(case, events)
    is_closed = case["status"] in TERMINAL_STATUSES and case["closed_at"] is not None
    amount = case["amount_in_dispute"] or Decimal(0)

    rows.add(_day(case["submitted_at"]), spans[0].org, spans[0].tier, received=1, amount_received=amount)
    for span in spans:
        rows.add(_day(span.start), span.org, span.tier, entered=1)

    # Accepted: the first move out of intake into a tier; mediation: the first outcome from mediation.
    accepted_at, accepted_org = case["accepted_at"], None
    outcome = None
    tier = spans[0].tier
    span_index = 0
    for event in events:
        if event["kind"] != "status_changed":
            continue
        before_tier = tier
        after = event["after"] or {}
        if after.get("tier") and after["tier"] != tier:
            if tier == Tier.INTAKE and accepted_org is None:
                accepted_org = spans[span_index].org
                accepted_at = accepted_at or event["created_at"]
            span_index = min(span_index + 1, len(spans) - 1)
            tier = after["tier"]
        if outcome is None and before_tier == Tier.MEDIATION and after.get("status") in (
            CaseStatus.MEDIATED, CaseStatus.MEDIATION_TERMINATED,
        ):
            outcome = (after["status"], event["created_at"], spans[span_index].org)
    if accepted_org is not None:
        rows.add(_day(accepted_at), accepted_org, Tier.INTAKE, accepted=1)
    if outcome is not None:
        status, at, org = outcome
        measure = "mediation_success" if status == CaseStatus.MEDIATED else "mediation_failure"
        rows.add(_day(at), org, Tier.MEDIATION, **{measure: 1})

    if is_closed:
        rows.add(_day(case["closed_at"]), case["organization_id"], case["tier"], closed=1, amount_closed=amount,
                 recovered=case["losses_recovered"] or Decimal(0))
    else:
        rows.add(None, case["organization_id"], case["tier"], open=1, overdue=int(overdue))

    granted = {}
    for event in events:
        user_id = (event["after"] or {}).get("user") if event["kind"] == "access_granted" else None
        if user_id in handlers and user_id not in granted:
            granted[user_id] = event["created_at"]
    for user_id in sorted(handlers):
        org, tier_h = users.get(user_id, (None, ""))
        org, tier_h = org or case["organization_id"], tier_h or case["tier"]
        if user_id in granted:
            rows.add(_day(granted[user_id]), org, tier_h, handler=user_id, entered=1)
        if is_closed:
            rows.add(_day(case["closed_at"]), org, tier_h, handler=user_id, closed=1)
        else:
            rows.add(None, org, tier_h, handler=user_id, open=1, overdue=int(overdue))

    for inv in invitations:
        rows.add(_day(inv["invited_at"]), inv["organization_id"], inv["tier"], invited=1)
        response = inv["response"]
        if response is None:
            continue
        scores = {f"sum_{f}": response[f] for f in DIMENSION_FIELDS}
        answer = {"responses": 1, "recommend": int(response["would_recommend"]), **scores}
        day = _day(response["answered_at"])
        rows.add(day, inv["organization_id"], inv["tier"], **answer)
        for user_id in sorted(inv["staff"]):
            org, tier_h = users.get(user_id, (None, ""))
            rows.add(day, org or inv["organization_id"], tier_h or inv["tier"], handler=user_id, **answer)

    durations = []
    finished = defaultdict(list)
    for span in spans:
        if span.end is not None:
            finished[span.tier].append(span)
    for tier_name, stays in finished.items():
        last = max(stays, key=lambda s: s.end)
        durations.append(CaseDuration(
            case_id=case["pk"], day=_day(last.end), organization_id=last.org, district_id=case["district_id"],
            tier=tier_name, ip_kind=ip_kind, industry_id=case["industry_id"],
            days=sum(_days_between(s.start, s.end) for s in stays),
        ))
    if is_closed:
        durations.append(CaseDuration(
            case_id=case["pk"], day=_day(case["closed_at"]), organization_id=case["organization_id"],
            district_id=case["district_id"], tier=TOTAL, ip_kind=ip_kind, industry_id=case["industry_id"],
            days=_days_between(case["submitted_at"], case["closed_at"]),
        ))
    return rows.models(), durations


CASE_FIELDS = ("pk", "organization_id", "district_id", "tier", "status", "industry_id", "submitted_at",
               "accepted_at", "closed_at", "amount_in_dispute", "losses_recovered")


def _load(case_ids, today):
    """Everything ``case_facts`` needs for a chunk of cases, in a fixed number of queries."""
    cases = list(Case.objects.filter(pk__in=case_ids).values(*CASE_FIELDS))
    ids = [c["pk"] for c in cases]
    ip_kinds = {}
    for case_id, kind in IPRight.objects.filter(case_id__in=ids).order_by("case_id", "id").values_list(
        "case_id", "kind",
    ):
        ip_kinds.setdefault(case_id, kind)
    events = defaultdict(list)
    for event in CaseEvent.objects.filter(case_id__in=ids, kind__in=TRACKED_EVENTS).order_by(
        "case_id", "created_at", "id",
    ).values("case_id", "kind", "created_at", "before", "after"):
        events[event["case_id"]].append(event)
    overdue = set(Deadline.objects.filter(
        case_id__in=ids, state=Deadline.State.RUNNING, due_date__lt=today,
    ).values_list("case_id", flat=True))
    handlers = case_handlers(ids)
    invitations = defaultdict(list)
    by_id = {}
    for inv in SurveyInvitation.objects.filter(case_id__in=ids).values(
        "pk", "case_id", "organization_id", "tier", "invited_at",
    ):
        inv.update(response=None, staff=set())
        invitations[inv["case_id"]].append(inv)
        by_id[inv["pk"]] = inv
    if by_id:
        for response in SurveyResponse.objects.filter(invitation_id__in=list(by_id)).values(
            "invitation_id", "answered_at", "would_recommend", *DIMENSION_FIELDS,
        ):
            by_id[response["invitation_id"]]["response"] = response
        through = SurveyInvitation.staff.through
        for inv_id, user_id in through.objects.filter(surveyinvitation_id__in=list(by_id)).values_list(
            "surveyinvitation_id", "user_id",
        ):
            by_id[inv_id]["staff"].add(user_id)
    user_ids = {u for users in handlers.values() for u in users}
    user_ids |= {u for inv in by_id.values() for u in inv["staff"]}
    users = {}
    if user_ids:
        roles = handler_roles(user_ids)
        for user_id, org_id in User.objects.filter(pk__in=user_ids).values_list("pk", "organization_id"):
            users[user_id] = (org_id, handler_tier(roles.get(user_id, ())))
    respondents = list(Party.objects.filter(
        case_id__in=ids, role=Party.PartyRole.RESPONDENT,
    ).exclude(credit_code="").values("case_id", "credit_code", "name"))
    return cases, ip_kinds, events, overdue, handlers, users, invitations, respondents


def _recompute(case_ids, today) -> tuple[set, set, set]:
    """Rebuild the per-case rows of ``case_ids``; return the days, duration days and codes touched."""
    cases, ip_kinds, events, overdue, handlers, users, invitations, respondents = _load(case_ids, today)
    contributions, durations = [], []
    by_pk = {c["pk"]: c for c in cases}
    for case in cases:
        rows, spans = case_facts(
            case, events=events.get(case["pk"], []), ip_kind=ip_kinds.get(case["pk"], ""),
            overdue=case["pk"] in overdue, handlers=handlers.get(case["pk"], set()), users=users,
            invitations=invitations.get(case["pk"], []),
        )
        contributions += rows
        durations += spans
    respondent_rows = [
        CaseRespondent(
            case_id=r["case_id"], credit_code=r["credit_code"], name=r["name"],
            organization_id=by_pk[r["case_id"]]["organization_id"], district_id=by_pk[r["case_id"]]["district_id"],
            is_open=by_pk[r["case_id"]]["status"] not in TERMINAL_STATUSES,
            submitted_on=_day(by_pk[r["case_id"]]["submitted_at"]),
        )
        for r in respondents
    ]
    with transaction.atomic():
        days = set(CaseContribution.objects.filter(case_id__in=case_ids).values_list("day", flat=True).distinct())
        duration_days = set(CaseDuration.objects.filter(case_id__in=case_ids).values_list("day", flat=True).distinct())
        codes = set(CaseRespondent.objects.filter(case_id__in=case_ids).values_list("credit_code", flat=True))
        CaseContribution.objects.filter(case_id__in=case_ids).delete()
        CaseDuration.objects.filter(case_id__in=case_ids).delete()
        CaseRespondent.objects.filter(case_id__in=case_ids).delete()
        CaseContribution.objects.bulk_create(contributions, batch_size=1000)
        CaseDuration.objects.bulk_create(durations, batch_size=1000)
        CaseRespondent.objects.bulk_create(respondent_rows, batch_size=1000)
    days |= {row.day for row in contributions}
    duration_days |= {row.day for row in durations}
    codes |= {row.credit_code for row in respondent_rows}
    return days, duration_days, codes


def _batches(items, size):
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _day_filters(days):
    dated = sorted(d for d in days if d is not None)
    for batch in _batches(dated, DAY_BATCH):
        yield Q(day__in=batch)
    if None in days:
        yield Q(day__isnull=True)


def _reaggregate_days(days):
    sums = {f"s_{m}": Sum(m) for m in MEASURES}
    for condition in _day_filters(days):
        with transaction.atomic():
            DailyFact.objects.filter(condition).delete()
            rows = CaseContribution.objects.filter(condition).values(*DAY_DIMENSIONS).annotate(**sums).order_by()
            DailyFact.objects.bulk_create(
                [DailyFact(**{d: r[d] for d in DAY_DIMENSIONS}, **{m: r[f"s_{m}"] for m in MEASURES}) for r in rows],
                batch_size=1000,
            )


def _reaggregate_durations(days):
    for condition in _day_filters(days - {None}):
        with transaction.atomic():
            DurationBucket.objects.filter(condition).delete()
            rows = (
                CaseDuration.objects.filter(condition).values(*DURATION_DIMENSIONS).annotate(n=Count("pk")).order_by()
            )
            DurationBucket.objects.bulk_create(
                [DurationBucket(**{d: r[d] for d in DURATION_DIMENSIONS}, count=r["n"]) for r in rows],
                batch_size=1000,
            )


REPEAT_LEVELS = (
    (RepeatRespondent.Level.CITY, ()),
    (RepeatRespondent.Level.DISTRICT, ("district_id",)),
    (RepeatRespondent.Level.ORGANIZATION, ("district_id", "organization_id")),
)


def _repeat_rows(base) -> list[RepeatRespondent]:
    """Respondents of two or more cases in ``base`` (CaseRespondent rows), at every level."""
    new = []
    for level, keys in REPEAT_LEVELS:
        rows = base.values("credit_code", *keys).annotate(
            n=Count("case_id", distinct=True), n_open=Count("case_id", distinct=True, filter=Q(is_open=True)),
            last_name=Max("name"), last_on=Max("submitted_on"),
        ).filter(n__gte=2).order_by()
        new += [
            RepeatRespondent(
                level=level, credit_code=r["credit_code"], name=r["last_name"], cases=r["n"],
                open_cases=r["n_open"], last_submitted_on=r["last_on"],
                district_id=r.get("district_id"), organization_id=r.get("organization_id"),
            )
            for r in rows
        ]
    return new


def _reaggregate_respondents(codes):
    for batch in _batches(sorted(codes), 500):
        with transaction.atomic():
            RepeatRespondent.objects.filter(credit_code__in=batch).delete()
            RepeatRespondent.objects.bulk_create(
                _repeat_rows(CaseRespondent.objects.filter(credit_code__in=batch)), batch_size=1000,
            )


def _rebuild_respondents():
    """All of them at once (a full rebuild): three grouped reads that return the repeats only."""
    with transaction.atomic():
        RepeatRespondent.objects.all().delete()
        RepeatRespondent.objects.bulk_create(_repeat_rows(CaseRespondent.objects.all()), batch_size=1000)


def _changed_since(state, since, today) -> set[int]:
    ids = set(Case.objects.filter(updated_at__gte=since).values_list("pk", flat=True))
    ids |= set(CaseEvent.objects.filter(created_at__gte=since).values_list("case_id", flat=True).distinct())
    if state.last_date is not None and state.last_date < today:
        # Deadlines that fell due since the last run's date make their cases overdue today.
        ids |= set(Deadline.objects.filter(
            state=Deadline.State.RUNNING, due_date__gte=state.last_date, due_date__lt=today,
        ).values_list("case_id", flat=True))
    return ids


def _in_range(date_from, date_to) -> set[int]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(date_from, datetime.min.time()), tz)
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), datetime.min.time()), tz)
    ids = set(CaseContribution.objects.filter(day__range=(date_from, date_to)).values_list("case_id", flat=True))
    ids |= set(CaseDuration.objects.filter(day__range=(date_from, date_to)).values_list("case_id", flat=True))
    ids |= set(Case.objects.filter(
        Q(submitted_at__gte=start, submitted_at__lt=end) | Q(closed_at__gte=start, closed_at__lt=end)
        | Q(accepted_at__gte=start, accepted_at__lt=end)
    ).values_list("pk", flat=True))
    ids |= set(CaseEvent.objects.filter(created_at__gte=start, created_at__lt=end).values_list("case_id", flat=True))
    return ids


def _all_case_chunks():
    last = 0
    while True:
        chunk = list(Case.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _acquire(now) -> RefreshState | None:
    try:
        with transaction.atomic():
            state, _created = RefreshState.objects.get_or_create(key="default")
    except IntegrityError:  # created by a concurrent first run
        state = RefreshState.objects.get(key="default")
    taken = RefreshState.objects.filter(pk=state.pk).filter(
        Q(running_since__isnull=True) | Q(running_since__lt=now - LOCK_TTL),
    ).update(running_since=now)
    if not taken:
        return None
    state.refresh_from_db()
    return state


@on_primary  # decides what to rebuild from rows it has just written: never read them from a lagging replica
def refresh_aggregates(*, full=False, date_from=None, date_to=None, now=None) -> dict:
    """Bring the aggregate tables up to date. Returns what was done (``skipped`` when another run holds the lock).

    ``full``: every case and every day (also the first run, with no watermark yet);
    ``date_from`` / ``date_to``: every case touching those days, and those days;
    otherwise: the cases changed since the watermark (minus a small overlap).
    """
    started = time.monotonic()
    now = now or timezone.now()
    today = timezone.localdate(now)
    state = _acquire(now)
    if state is None:
        return {"skipped": True}
    try:
        mode = "full" if full or state.watermark is None and date_from is None else (
            "range" if date_from is not None else "incremental")
        days, duration_days, codes = set(), set(), set()
        count = 0
        if mode == "full":
            for chunk in _all_case_chunks():
                d, dd, _codes = _recompute(chunk, today)
                count += len(chunk)
                days |= d
                duration_days |= dd
            days |= set(CaseContribution.objects.values_list("day", flat=True).distinct())
            duration_days |= set(CaseDuration.objects.values_list("day", flat=True).distinct())
            # Buckets of days no case counts on any more (deleted cases) go too.
            days |= set(DailyFact.objects.values_list("day", flat=True).distinct())
            duration_days |= set(DurationBucket.objects.values_list("day", flat=True).distinct())
        else:
            if mode == "range":
                ids = _in_range(date_from, date_to or today)
                span = (date_to or today) - date_from
                days |= {date_from + timedelta(days=i) for i in range(span.days + 1)} | {None}
                duration_days |= {d for d in days if d is not None}
            else:
                ids = _changed_since(state, state.watermark - OVERLAP, today)
            for chunk in _batches(sorted(ids), CHUNK):
                d, dd, c = _recompute(chunk, today)
                count += len(chunk)
                days |= d
                duration_days |= dd
                codes |= c
        _reaggregate_days(days)
        _reaggregate_durations(duration_days)
        if mode == "full":
            _rebuild_respondents()
        else:
            _reaggregate_respondents(codes)
        seconds = time.monotonic() - started
        updates = {"last_finished_at": timezone.now(), "last_cases": count, "last_seconds": seconds,
                   "last_date": today}
        if mode != "range" or state.watermark is None:
            updates["watermark"] = now
        if mode == "full":
            updates["last_full_at"] = now
        RefreshState.objects.filter(pk=state.pk).update(**updates)
        logger.info("statistics refresh (%s): %d cases, %d days in %.2fs", mode, count, len(days), seconds)
        return {"skipped": False, "mode": mode, "cases": count, "days": len(days), "seconds": seconds}
    finally:
        RefreshState.objects.filter(pk=state.pk).update(running_since=None)


def freshness() -> RefreshState | None:
    return RefreshState.objects.filter(key="default").first()

