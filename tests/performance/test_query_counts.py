# ruff: noqa: F811 - the fixtures are imported by name for pytest and also used as parameter names
"""Query counts stay the same whatever the number of rows: every role's list, queue and API list,
and the case page as each role that can see it, in each tier (issue 8).

One world is built through the real chain with a few cases in every queue, each page is
measured, then every list grows past a page and each page is measured again: the count must
not change and must stay within the limit.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Role
from tests.factories import staff
from tests.mediation.conftest import _fresh_permission_ids, in_mediation, med, new_case, people  # noqa: F401
from tests.tribunal.conftest import court, failed_to_court  # noqa: F401
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
]


def _add_cases(court, people, n, submitted):
    """``n`` more cases in every tier's queue (waiting for a mediator, mediating, in 速裁 review, at the station)
    and ``submitted`` more complaints (cheap: no documents yet) in the intake queue and the case lists."""
    made = {}
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
    """Counts with 3 rows in every queue, then with more than a page (30 complaints, 9 in each tier's queue)."""
    small = _add_cases(world, people, 3, submitted=3)
    _measure(client, world, small)  # warm the per-process caches (permission ids, templates)
    lists_small, details_small = _measure(client, world, small)
    large = _add_cases(world, people, 6, submitted=27)
    lists_large, details_large = _measure(client, world, large)
    return lists_small, details_small, lists_large, details_large


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_rows(measured):
    lists_small, details_small, lists_large, details_large = measured
    changed = [f"{name}: {n} queries, then {lists_large[name][0]}" for name, (n, _r) in lists_small.items()
               if n != lists_large[name][0]]
    changed += [f"case page {name}: {n} queries, then {details_large[name][0]}"
                for name, (n, _r) in details_small.items() if n != details_large[name][0]]
    assert not changed, "\n".join(changed)
    # The lists really grew past a page: the next-page link is there.
    assert 'rel="next"' in lists_large["case list as clerk"][1].content.decode()
    assert 'rel="next"' in lists_large["intake queue"][1].content.decode()
    assert lists_large["API cases"][1].json()["next"]


@pytest.mark.django_db
def test_list_query_counts_within_limits(measured):
    _ls, _ds, lists, _details = measured
    over = [f"{name}: {n} queries (limit {LIST_LIMIT})" for name, (n, _r) in lists.items() if n > LIST_LIMIT]
    assert not over, "\n".join(over)


@pytest.mark.django_db
def test_case_page_query_counts_within_limits(measured):
    _ls, _ds, _lists, details = measured
    over = [f"case page {name}: {n} queries (limit {DETAIL_LIMIT})"
            for name, (n, _r) in details.items() if n > DETAIL_LIMIT]
    assert not over, "\n".join(over)
