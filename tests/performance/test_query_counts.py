# ruff: noqa: F811 - the fixtures are imported by name for pytest and also used as parameter names
"""Query counts stay the same whatever the number of rows: every role's list, queue and API list,
and the case page as each role that can see it, in each tier (issue 8).

One world is built through the real chain with a few cases in every queue, each page is
measured, then every list grows past a page and each page is measured again: the count must
not change and must stay within the limit. The case pages whose 快调 panel has rows (司法确认中,
and 速裁 / 精审 after a failed mediation) have 3 assignments and 3 sessions in the first world and
more than a page of each in the second.
"""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import CaseStatus, Role, Tier
from cases.pagination import PAGE_SIZE
from mediation import services as med_services
from tests.factories import staff
from tests.mediation.conftest import _fresh_permission_ids, in_mediation, med, new_case, people  # noqa: F401
from tests.tribunal.conftest import (  # noqa: F401
    agreement_effective,
    confirmation_applied,
    court,
    failed_to_court,
)
from workflows import router

LIST_LIMIT = 8
DETAIL_LIMIT = 15

LISTS = [
    # (name, user attribute, url)
    ("case list as clerk", "clerk", "/cases/"),
    ("case list as applicant", "applicant", "/cases/"),
    ("case list as supervisor", "supervisor", "/cases/"),
    ("case list as admin", "admin", "/cases/"),
    ("intake queue", "clerk", "/work/intake/"),
    ("mediator's cases", "expert", "/mediation/"),
    ("committee queue as mediator", "expert", "/mediation/queue/"),
    ("committee queue as director", "director", "/mediation/queue/"),
    ("adjudication queue as officer", "officer", "/work/adjudication/"),
    ("adjudication queue as chief", "chief", "/work/adjudication/"),
    ("station queue as clerk", "court_clerk", "/work/tribunal/"),
    ("station queue as judge", "judge", "/work/tribunal/"),
    ("API cases", "clerk", "/api/v1/cases/"),
    ("API intake queue", "clerk", "/api/v1/intake/queue/"),
    ("API mediator's cases", "expert", "/api/v1/mediation/my-cases/"),
    ("API committee queue", "expert", "/api/v1/mediation/queue/"),
    ("API typical cases", "applicant", "/api/v1/typical-cases/"),
]

# (name, user attribute, the tier's case key in ``world.cases``)
DETAILS = [
    ("intake as clerk", "clerk", "submitted"),
    ("intake as applicant", "applicant", "submitted"),
    ("intake as supervisor", "supervisor", "submitted"),
    ("mediation as mediator", "expert", "mediating"),
    ("mediation as director", "director", "mediating"),
    ("mediation as applicant", "applicant", "mediating"),
    ("mediation as respondent", "respondent", "mediating"),
    ("adjudication as officer", "officer", "adjudication"),
    ("adjudication as applicant", "applicant", "adjudication"),
    ("tribunal as court clerk", "court_clerk", "tribunal"),
    ("tribunal as judge", "judge", "tribunal"),
    ("tribunal as applicant", "applicant", "tribunal"),
    ("any tier as admin", "admin", "mediating"),
    ("any tier as supervisor", "supervisor", "tribunal"),
    # 司法确认中: agreement sealed, confirmation applied for at the circuit station
    ("confirmation as court clerk", "court_clerk", "confirming"),
    ("confirmation as judge", "judge", "confirming"),
    ("confirmation as mediator", "expert", "confirming"),
    ("confirmation as director", "director", "confirming"),
    ("confirmation as applicant", "applicant", "confirming"),
    ("confirmation as supervisor", "supervisor", "confirming"),
    ("confirmation as admin", "admin", "confirming"),
    # 速裁 after 快调: mediation terminated, the applicant asked for adjudication
    ("adjudication after mediation as officer", "officer", "mediated_adjudication"),
    ("adjudication after mediation as chief", "chief", "mediated_adjudication"),
    ("adjudication after mediation as applicant", "applicant", "mediated_adjudication"),
    ("adjudication after mediation as supervisor", "supervisor", "mediated_adjudication"),
    ("adjudication after mediation as admin", "admin", "mediated_adjudication"),
    # 精审 after 快调: mediation terminated, the applicant went to court
    ("tribunal after mediation as court clerk", "court_clerk", "mediated_tribunal"),
    ("tribunal after mediation as judge", "judge", "mediated_tribunal"),
    ("tribunal after mediation as applicant", "applicant", "mediated_tribunal"),
    ("tribunal after mediation as supervisor", "supervisor", "mediated_tribunal"),
    ("tribunal after mediation as admin", "admin", "mediated_tribunal"),
]


def _mediating(court, people, rows):
    """A case in 快调 offered ``rows`` times (the director re-offered it before the expert accepted) with
    ``rows`` sessions planned: the panel's assignments and sessions grow with ``rows``."""
    case = in_mediation(court, people)
    others = [court.generalist, court.health]
    for i in range(rows - 1):
        med_services.mediation_assign(actor=court.director, case=case, mediator=others[i % 2])
    med_services.mediation_assign(actor=court.director, case=case, mediator=court.expert)
    med_services.mediation_assignment_accept(actor=court.expert, case=case, conflict=False)
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    for i in range(rows):
        med_services.session_schedule(actor=court.expert, case=case, mode="in_person", place="第一调解室",
                                      starts_at=start + datetime.timedelta(days=i + 1))
    case.refresh_from_db()
    return case


def _confirming(court, people, rows):
    """司法确认中: the agreement sealed and both parties applied for judicial confirmation."""
    case = confirmation_applied(people, agreement_effective(court, people, _mediating(court, people, rows)))
    assert case.status == CaseStatus.CONFIRMATION_PENDING
    return case


def _after_mediation(court, people, rows, route):
    """Mediation terminated (调解不成) after ``rows`` offers and sessions; the applicant takes ``route``."""
    case = _mediating(court, people, rows)
    router.terminate_mediation(actor=court.expert, case=case, reason="no_agreement", note="赔偿数额分歧较大")
    case.refresh_from_db()
    router.continue_after_mediation(actor=people.applicant, case=case, route=route)
    case.refresh_from_db()
    assert case.tier == (Tier.ADJUDICATION if route == "adjudication" else Tier.TRIBUNAL)
    return case


def _add_cases(court, people, n, submitted, rows):
    """``n`` more cases in every tier's queue (waiting for a mediator, mediating, in 速裁 review, at the station),
    ``submitted`` more complaints (cheap: no documents yet) in the intake queue and the case lists, and one
    case in each state whose 快调 panel has ``rows`` assignments and sessions."""
    made = {
        "confirming": _confirming(court, people, rows),
        "mediated_adjudication": _after_mediation(court, people, rows, "adjudication"),
        "mediated_tribunal": _after_mediation(court, people, rows, "litigation"),
    }
    for _ in range(submitted):
        made["submitted"] = new_case(court, people)
    for _ in range(n):
        waiting = in_mediation(court, people)
        made["mediating"] = waiting
        made["adjudication"] = new_case(court, people, preferred_route="adjudication")
        router.accept_complaint(actor=court.clerk, case=made["adjudication"], route="adjudication")
        made["tribunal"] = failed_to_court(court, people)
    from mediation import services as med_services

    med_services.mediation_assign(actor=court.director, case=waiting, mediator=court.expert)
    med_services.mediation_assignment_accept(actor=court.expert, case=waiting, conflict=False)
    return made


def _count(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response


@pytest.fixture
def world(court, people):
    court.officer = staff(Role.ENFORCEMENT_OFFICER, court.office, full_name="刘勇")
    court.chief = staff(Role.ADJUDICATION_CHIEF, court.office, full_name="赵志强")
    court.supervisor = staff(Role.SUPERVISOR, court.centre, full_name="吴红梅")
    court.admin = staff(Role.SYSADMIN, court.centre, full_name="系统管理员")
    court.applicant, court.respondent = people.applicant, people.respondent
    return court


def _measure(client, world, cases):
    lists = {name: _count(client, getattr(world, who), url) for name, who, url in LISTS}
    details = {name: _count(client, getattr(world, who), f"/cases/{cases[key].pk}/")
               for name, who, key in DETAILS}
    return lists, details


@pytest.fixture
def measured(client, world, people):
    """Counts with 3 rows in every queue, then with more than a page (30 complaints, 9 in each tier's queue,
    a page and one of assignments and sessions on the mediated cases)."""
    small = _add_cases(world, people, 3, submitted=3, rows=3)
    _measure(client, world, small)  # warm the per-process caches (permission ids, templates)
    lists_small, details_small = _measure(client, world, small)
    large = _add_cases(world, people, 6, submitted=27, rows=PAGE_SIZE + 1)
    lists_large, details_large = _measure(client, world, large)
    return lists_small, details_small, lists_large, details_large


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_rows_and_stay_within_limits(measured):
    """One test for the three checks: the world is built once (it is the slow part), every failure is listed."""
    lists_small, details_small, lists_large, details_large = measured
    problems = [f"{name}: {n} queries, then {lists_large[name][0]}" for name, (n, _r) in lists_small.items()
                if n != lists_large[name][0]]
    problems += [f"case page {name}: {n} queries, then {details_large[name][0]}"
                 for name, (n, _r) in details_small.items() if n != details_large[name][0]]
    problems += [f"{name}: {n} queries (limit {LIST_LIMIT})" for name, (n, _r) in lists_large.items()
                 if n > LIST_LIMIT]
    problems += [f"case page {name}: {n} queries (limit {DETAIL_LIMIT})"
                 for name, (n, _r) in details_large.items() if n > DETAIL_LIMIT]
    assert not problems, "\n".join(problems)
    # The lists really grew past a page: the next-page link is there.
    assert 'rel="next"' in lists_large["case list as clerk"][1].content.decode()
    assert 'rel="next"' in lists_large["intake queue"][1].content.decode()
    assert lists_large["API cases"][1].json()["next"]
    # The 快调 panels really grew past a page: the last of the sessions is listed on the page.
    for name in ("confirmation as court clerk", "adjudication after mediation as officer",
                 "tribunal after mediation as applicant"):
        panel = details_large[name][1].content.decode().split('id="mediation"', 1)[1].split("</section>", 1)[0]
        assert f"第{PAGE_SIZE + 1}次" in panel, name
