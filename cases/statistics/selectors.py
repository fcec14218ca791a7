"""Reads for the statistics pages, exports, reports and API: only the aggregate tables, in a fixed
number of queries (never an aggregate over the case table in a web request).

``figures(scope, filters)`` is the one source of every number: the dashboard, the CSV and XLSX
exports, the PDF report and the API all render what it returns.
"""
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format, get_format_modules
from django.utils.translation import gettext as _

from cases.models import CaseStatus, Organization, Role, Tier, User
from cases.statistics.models import (
    COUNT_MEASURES,
    MEASURES,
    DailyFact,
    DurationBucket,
    RefreshState,
    RepeatRespondent,
)
from cases.surveys.models import DIMENSION_FIELDS, DIMENSIONS, score_of

STATISTICS_ROLES = (Role.SUPERVISOR, Role.COMMITTEE_DIRECTOR, Role.ADJUDICATION_CHIEF)
TIERS = (Tier.INTAKE, Tier.MEDIATION, Tier.ADJUDICATION, Tier.TRIBUNAL)
TOTAL = "total"
HANDLER_ROLE_LABELS = {Tier.MEDIATION: Role.MEDIATOR.label, Tier.ADJUDICATION: Role.ENFORCEMENT_OFFICER.label}
CLOSED_GROUPS = (
    CaseStatus.MEDIATED, CaseStatus.MEDIATION_TERMINATED, CaseStatus.ADJUDICATED, CaseStatus.COURT_CLOSED,
    CaseStatus.WITHDRAWN, CaseStatus.REFUSED, CaseStatus.LAPSED,
)


@dataclass(frozen=True)
class Scope:
    """Whose figures a user sees: the city, one district, or one organisation."""

    kind: str  # "city" | "district" | "organization"
    label: str
    district_id: int | None = None
    organization_id: int | None = None


def scope_for(user) -> Scope:
    """A supervisor sees the district (all, at city level), a director or chief the organisation; 403 otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    if user.is_superuser or user.has_role(Role.SYSADMIN):
        return Scope("city", _("全市"))
    org = user.organization
    if user.has_role(Role.SUPERVISOR) and org is not None:
        if org.district_id is None:
            return Scope("city", _("全市"))
        return Scope("district", org.district.name, district_id=org.district_id)
    if user.has_role(Role.COMMITTEE_DIRECTOR, Role.ADJUDICATION_CHIEF) and org is not None:
        return Scope("organization", org.name, district_id=org.district_id, organization_id=org.pk)
    raise PermissionDenied


def scope_organizations(scope: Scope):
    qs = Organization.objects.select_related("district").order_by("district__name", "kind", "name")
    if scope.organization_id:
        return qs.filter(pk=scope.organization_id)
    if scope.district_id:
        return qs.filter(district_id=scope.district_id)
    return qs


@dataclass
class Filters:
    date_from: date
    date_to: date
    organization_id: int | None = None
    tier: str = ""
    ip_kind: str = ""
    industry_id: int | None = None
    labels: dict = field(default_factory=dict)

    @property
    def period_label(self) -> str:
        """In the active language: the dashboard's reader's, or Chinese under the report's override."""
        return _("%(start)s至%(end)s") % {
            "start": date_format(self.date_from, "DATE_FORMAT"), "end": date_format(self.date_to, "DATE_FORMAT")}


def _month_labels(month: date) -> dict:
    """A month for tables (2026年11月 / November 2026) and for a chart axis (11月 / Nov), in the active language."""
    short = next((m.SHORT_MONTH_FORMAT for m in get_format_modules() if hasattr(m, "SHORT_MONTH_FORMAT")), "n")
    return {"label": date_format(month, "YEAR_MONTH_FORMAT"), "short": date_format(month, short)}


def percentile(buckets, p: float) -> float | None:
    """The ``p`` percentile (0-1) of values given as sorted ``(value, count)`` pairs, interpolated
    linearly between the two nearest ranks (as PostgreSQL's ``percentile_cont`` and numpy's default)."""
    buckets = [(v, c) for v, c in sorted(buckets) if c > 0]
    n = sum(c for _v, c in buckets)
    if n == 0:
        return None
    position = p * (n - 1)
    lower, upper = math.floor(position), math.ceil(position)

    def value_at(rank):
        seen = 0
        for value, count in buckets:
            seen += count
            if rank < seen:
                return value
        return buckets[-1][0]

    low = value_at(lower)
    return float(low + (value_at(upper) - low) * (position - lower))


def _round(value, places="0.1"):
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def wan(amount) -> Decimal:
    """Yuan to 万元, two decimals: the unit of every amount on the dashboard and in the exports."""
    return (Decimal(amount or 0) / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(part, whole) -> Decimal | None:
    return _round(Decimal(100) * part / whole) if whole else None


def _base(scope: Scope, filters: Filters, model=DailyFact):
    qs = model.objects.all()
    if scope.district_id:
        qs = qs.filter(district_id=scope.district_id)
    if scope.organization_id:
        qs = qs.filter(organization_id=scope.organization_id)
    if filters.organization_id:
        qs = qs.filter(organization_id=filters.organization_id)
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.ip_kind:
        qs = qs.filter(ip_kind=filters.ip_kind)
    if filters.industry_id:
        qs = qs.filter(industry_id=filters.industry_id)
    return qs


def _sums(measures=MEASURES):
    return {f"s_{m}": Sum(m) for m in measures}


def _add(target: dict, row: dict, measures=MEASURES):
    for m in measures:
        target[m] = target.get(m, 0) + (row.get(f"s_{m}") or 0)


def _satisfaction(sums: dict) -> dict:
    n = sums.get("responses", 0)
    total = sum(sums.get(f"sum_{f}", 0) for f in DIMENSION_FIELDS)
    score = score_of(total, n * len(DIMENSION_FIELDS))
    target = settings.SATISFACTION_TARGET
    return {
        "responses": n,
        "invited": sums.get("invited", 0),
        "response_rate": rate(n, sums.get("invited", 0)),
        "recommend_rate": rate(sums.get("recommend", 0), n),
        "score": score,
        "target": target,
        "meets_target": score is not None and score >= target,
        "gap": None if score is None else _round(Decimal(target) - score) if score < target else Decimal("0.0"),
        "dimensions": [
            {"field": f, "label": str(label), "score": score_of(sums.get(f"sum_{f}", 0), n)} for f, label in DIMENSIONS
        ],
    }


def _month_starts(end: date, count: int) -> list[date]:
    months = []
    year, month = end.year, end.month
    for _i in range(count):
        months.append(date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(months))


def figures(scope: Scope, filters: Filters) -> dict:
    """Every number of the dashboard for ``scope`` and ``filters``. Nine queries, whatever the data."""
    period = (filters.date_from, filters.date_to)
    base = _base(scope, filters)
    cases = base.filter(handler__isnull=True)

    # 1. Activity in the period, per tier and status group.
    by_tier = {t: {} for t in TIERS}
    by_group: dict = {}
    totals: dict = {}
    for row in cases.filter(day__range=period).values("tier", "status_group").annotate(**_sums()).order_by():
        _add(totals, row)
        _add(by_tier.setdefault(row["tier"], {}), row)
        _add(by_group.setdefault(row["status_group"], {}), row)

    # 2. The current snapshot: open and overdue, per tier.
    snapshot = {t: {"open": 0, "overdue": 0} for t in TIERS}
    for row in cases.filter(day__isnull=True).values("tier").annotate(**_sums(("open", "overdue"))).order_by():
        snapshot.setdefault(row["tier"], {"open": 0, "overdue": 0})
        snapshot[row["tier"]] = {"open": row["s_open"] or 0, "overdue": row["s_overdue"] or 0}

    # 3. Monthly trend: the 12 months ending with the period's last month.
    months = _month_starts(filters.date_to, 12)
    monthly = {m: {} for m in months}
    trend_rows = (
        cases.filter(day__range=(months[0], filters.date_to)).annotate(month=TruncMonth("day"))
        .values("month").annotate(**_sums(COUNT_MEASURES)).order_by("month")
    )
    for row in trend_rows:
        month = row["month"]
        month = date(month.year, month.month, 1)
        _add(monthly.setdefault(month, {}), row, COUNT_MEASURES)

    # 4. Durations: cases that finished a tier in the period, counted per number of days.
    durations = {}
    duration_rows = (
        _base(scope, filters, DurationBucket).filter(day__range=period)
        .values("tier", "days").annotate(n=Sum("count")).order_by()
    )
    for row in duration_rows:
        durations.setdefault(row["tier"], []).append((row["days"], row["n"]))

    # 5-7. Handlers: activity in the period, their open work now, their names.
    handlers: dict = {}
    handler_rows = base.filter(handler__isnull=False)
    for row in handler_rows.filter(day__range=period).values("handler_id", "tier").annotate(
        **_sums(COUNT_MEASURES),
    ).order_by():
        _add(handlers.setdefault((row["handler_id"], row["tier"]), {}), row, COUNT_MEASURES)
    for row in handler_rows.filter(day__isnull=True).values("handler_id", "tier").annotate(
        **_sums(("open", "overdue")),
    ).order_by():
        _add(handlers.setdefault((row["handler_id"], row["tier"]), {}), row, ("open", "overdue"))
    names = {}
    if handlers:
        for pk, full_name, username in User.objects.filter(pk__in={h for h, _t in handlers}).values_list(
            "pk", "full_name", "username",
        ):
            names[pk] = full_name or username

    # 8. Repeat respondents (all time) at the level of the scope or the organisation filter.
    repeat = RepeatRespondent.objects.all()
    org_id = filters.organization_id or scope.organization_id
    if org_id:
        repeat = repeat.filter(level=RepeatRespondent.Level.ORGANIZATION, organization_id=org_id)
    elif scope.district_id:
        repeat = repeat.filter(level=RepeatRespondent.Level.DISTRICT, district_id=scope.district_id)
    else:
        repeat = repeat.filter(level=RepeatRespondent.Level.CITY)
    repeat_rows = list(repeat.order_by("-cases", "-open_cases", "name")[:20].values(
        "name", "credit_code", "cases", "open_cases", "last_submitted_on",
    ))

    # 9. Freshness.
    state = RefreshState.objects.filter(key="default").first()

    return _assemble(scope, filters, totals, by_tier, by_group, snapshot, monthly, durations, handlers, names,
                     repeat_rows, state)


def _assemble(scope, filters, totals, by_tier, by_group, snapshot, monthly, durations, handlers, names, repeat_rows,
              state) -> dict:
    get = totals.get
    uses_entered = bool(scope.organization_id or filters.organization_id or filters.tier)
    received = get("entered", 0) if uses_entered else get("received", 0)
    success, failure = get("mediation_success", 0), get("mediation_failure", 0)
    open_total = sum(s["open"] for s in snapshot.values())
    overdue_total = sum(s["overdue"] for s in snapshot.values())
    satisfaction = _satisfaction(totals)
    satisfaction["by_tier"] = [
        {"tier": t.value, "label": str(t.label), **_satisfaction(by_tier.get(t, {}))} for t in TIERS
    ]
    satisfaction["trend"] = [
        {"month": m, **_month_labels(m),
         "responses": sums.get("responses", 0), "score": _satisfaction(sums)["score"]}
        for m, sums in sorted(monthly.items())
    ]
    tiers = []
    for t in TIERS:
        buckets = durations.get(t.value, [])
        tiers.append({
            "tier": t.value, "label": str(t.label), "entered": by_tier.get(t, {}).get("entered", 0),
            "closed": by_tier.get(t, {}).get("closed", 0), "open": snapshot.get(t, {}).get("open", 0),
            "overdue": snapshot.get(t, {}).get("overdue", 0), "finished": sum(c for _d, c in buckets),
            "median": _round(percentile(buckets, 0.5)), "p90": _round(percentile(buckets, 0.9)),
        })
    total_buckets = durations.get(TOTAL, [])
    duration_total = {
        "finished": sum(c for _d, c in total_buckets),
        "median": _round(percentile(total_buckets, 0.5)), "p90": _round(percentile(total_buckets, 0.9)),
    }
    outcomes = [
        {"group": g.value, "label": str(g.label), "count": by_group.get(g.value, {}).get("closed", 0)}
        for g in CLOSED_GROUPS
    ]
    entered = {t["tier"]: t["entered"] for t in tiers}
    closed_as = {o["group"]: o["count"] for o in outcomes}
    funnel = [
        {"key": "received", "label": _("收案"), "count": get("received", 0)},
        {"key": "accepted", "label": _("受理"), "count": get("accepted", 0)},
        {"key": "mediation", "label": _("进入快调"), "count": entered[Tier.MEDIATION]},
        {"key": "mediated", "label": _("调解成功"), "count": success},
        {"key": "adjudication", "label": _("进入速裁"), "count": entered[Tier.ADJUDICATION]},
        {"key": "adjudicated", "label": _("裁决生效"), "count": closed_as[CaseStatus.ADJUDICATED]},
        {"key": "tribunal", "label": _("进入精审"), "count": entered[Tier.TRIBUNAL]},
        {"key": "court_closed", "label": _("法院结案"), "count": closed_as[CaseStatus.COURT_CLOSED]},
    ]
    minimum = settings.STATISTICS_MIN_STAFF_RESPONSES
    workload = []
    for (user_id, tier), sums in handlers.items():
        n = sums.get("responses", 0)
        total = sum(sums.get(f"sum_{f}", 0) for f in DIMENSION_FIELDS)
        workload.append({
            "user_id": user_id, "name": names.get(user_id, str(user_id)), "tier": tier,
            "role": str(HANDLER_ROLE_LABELS.get(tier, Tier(tier).label if tier in Tier.values else tier)),
            "assigned": sums.get("entered", 0), "open": sums.get("open", 0), "overdue": sums.get("overdue", 0),
            "closed": sums.get("closed", 0), "responses": n,
            "score": score_of(total, n * len(DIMENSION_FIELDS)) if n >= minimum else None,
        })
    workload.sort(key=lambda w: (w["tier"], -w["open"], -w["closed"], w["name"]))
    return {
        "scope": scope,
        "filters": filters,
        "period_label": filters.period_label,
        "received_by_entry": uses_entered,
        "totals": {
            "received": received,
            "new_cases": get("received", 0),
            "accepted": get("accepted", 0),
            "refused": closed_as[CaseStatus.REFUSED],
            "lapsed": closed_as[CaseStatus.LAPSED],
            "closed": get("closed", 0),
            "open": open_total,
            "overdue": overdue_total,
            "mediation_success": success,
            "mediation_failure": failure,
            "mediation_rate": rate(success, success + failure),
            "amount_received": wan(get("amount_received", 0)),
            "amount_closed": wan(get("amount_closed", 0)),
            "recovered": wan(get("recovered", 0)),
        },
        "tiers": tiers,
        "duration_total": duration_total,
        "outcomes": outcomes,
        "funnel": funnel,
        "monthly": [
            {"month": m, **_month_labels(m),
             "received": s.get("received", 0), "closed": s.get("closed", 0)}
            for m, s in sorted(monthly.items())
        ],
        "satisfaction": satisfaction,
        "workload": workload,
        "staff_minimum": minimum,
        "repeat": repeat_rows,
        "freshness": state,
    }


def home_card(user) -> dict | None:
    """The home-page card for supervisors and directors: satisfaction this year vs the target, open and
    overdue now. Two queries over the aggregates; None for other roles."""
    try:
        scope = scope_for(user)
    except PermissionDenied:
        return None
    today = timezone.localdate()
    filters = Filters(date_from=date(today.year, 1, 1), date_to=today)
    cases = _base(scope, filters).filter(handler__isnull=True)
    year = cases.filter(day__range=(filters.date_from, filters.date_to)).aggregate(
        **_sums(("responses", "invited", "recommend", *(f"sum_{f}" for f in DIMENSION_FIELDS))),
    )
    sums = {k[2:]: v or 0 for k, v in year.items()}
    now = cases.filter(day__isnull=True).aggregate(**_sums(("open", "overdue")))
    return {
        "scope": scope, "satisfaction": _satisfaction(sums),
        "open": now["s_open"] or 0, "overdue": now["s_overdue"] or 0, "year": today.year,
    }


def default_period(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


def previous_month(today: date) -> tuple[date, date]:
    first = date(today.year, today.month, 1)
    end = first - timedelta(days=1)
    return date(end.year, end.month, 1), end

