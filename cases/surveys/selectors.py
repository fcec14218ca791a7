"""Reads for surveys: who handled a case, a handler's own aggregate, the case panel. Constant query counts."""
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Q, Sum

from cases.models import CaseUserObjectPermission, Party, Role, Tier, User
from cases.permissions import own_parties
from cases.selectors import case_page_fact
from cases.surveys.models import DIMENSION_FIELDS, DIMENSIONS, SurveyInvitation, SurveyResponse, score_of

# The staff a party's rating is attributed to: whoever of these roles holds a personal
# (guardian) permission on the case: the assigned mediator, the panel's officers.
HANDLER_ROLES = (Role.MEDIATOR, Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF)
HANDLER_TIER = {Role.MEDIATOR: Tier.MEDIATION, Role.ENFORCEMENT_OFFICER: Tier.ADJUDICATION,
                Role.ADJUDICATION_CHIEF: Tier.ADJUDICATION}


def handler_roles(user_ids) -> dict[int, list[str]]:
    """The handler roles of each user in ``user_ids`` (users without one are left out). One query."""
    through = User.groups.through
    rows = through.objects.filter(
        user_id__in=list(user_ids), group__name__in=[r.value for r in HANDLER_ROLES],
    ).values_list("user_id", "group__name")
    roles = defaultdict(list)
    for user_id, name in rows:
        roles[user_id].append(name)
    return dict(roles)


def handler_tier(role_names) -> str:
    """The tier a handler works in, from the roles: mediators mediate, officers adjudicate."""
    for role in HANDLER_ROLES:
        if role.value in role_names:
            return HANDLER_TIER[role]
    return ""


def case_handlers(case_ids) -> dict[int, set[int]]:
    """For each case, the users who handle it: a personal permission on the case and a handler role,
    and not a party of the case (a staff member who is a party is a party). Three queries.
    """
    case_ids = list(case_ids)
    grants = defaultdict(set)
    for case_id, user_id in CaseUserObjectPermission.objects.filter(
        content_object_id__in=case_ids, permission__codename="view_case",
    ).values_list("content_object_id", "user_id"):
        grants[case_id].add(user_id)
    if not grants:
        return {}
    parties = defaultdict(set)
    for case_id, user_id in Party.objects.filter(case_id__in=case_ids, user__isnull=False).values_list(
        "case_id", "user_id",
    ):
        parties[case_id].add(user_id)
    handlers = set(handler_roles({u for users in grants.values() for u in users}))
    return {
        case_id: {u for u in users if u in handlers and u not in parties[case_id]}
        for case_id, users in grants.items()
    }


def staff_satisfaction(user) -> dict:
    """A mediator's or officer's own aggregate: shown only from ``STATISTICS_MIN_STAFF_RESPONSES`` up.

    One query over the user's own attributions (the M2M index), never the whole table.
    """
    sums = {f"sum_{f}": Sum(f) for f in DIMENSION_FIELDS}
    agg = SurveyResponse.objects.filter(invitation__staff=user).aggregate(
        n=Count("pk"), recommend=Count("pk", filter=Q(would_recommend=True)), **sums,
    )
    n = agg["n"] or 0
    minimum = settings.STATISTICS_MIN_STAFF_RESPONSES
    result = {"responses": n, "minimum": minimum, "shown": n >= minimum, "target": settings.SATISFACTION_TARGET}
    if n >= minimum:
        total = sum(agg[f"sum_{f}"] or 0 for f in DIMENSION_FIELDS)
        result["score"] = score_of(total, n * len(DIMENSION_FIELDS))
        result["dimensions"] = [
            {"field": f, "label": label, "score": score_of(agg[f"sum_{f}"] or 0, n)} for f, label in DIMENSIONS
        ]
        result["recommend_rate"] = round(100 * agg["recommend"] / n, 1)
        result["meets_target"] = result["score"] >= settings.SATISFACTION_TARGET
    return result


def case_survey_status(case, user) -> dict:
    """The survey panel of a case page: counts for staff (never scores), the own link for a party."""
    if case_page_fact(case, "survey_invited") is False:
        return {}
    rows = list(
        SurveyInvitation.objects.filter(case=case).select_related("party").order_by("id")
    )
    if not rows:
        return {}
    own = [inv for inv in rows if inv.party.user_id is not None and inv.party.user_id == user.pk]
    is_party = bool(own) or bool(own_parties(user, case))
    counts = dict.fromkeys(SurveyInvitation.State.values, 0)
    for inv in rows:
        counts[inv.state] += 1
    return {"invitations": len(rows), "counts": counts, "own": own, "invited_at": rows[0].invited_at,
            "show_counts": not is_party}
