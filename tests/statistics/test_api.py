"""The API: a read-only statistics summary for supervisors (by scope), the public typical-case list."""
import pytest
from rest_framework.test import APIClient

from tests.statistics.conftest import MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_the_summary_gives_the_dashboards_numbers(api, world):
    api.force_authenticate(world.who.supervisor)
    response = api.get("/api/v1/statistics/summary/", MARCH)
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "璧山区" and body["date_from"] == "2026-03-01" and body["date_to"] == "2026-03-31"
    assert body["data_as_of"].startswith("2026-03-31T18:00:00")
    totals = body["totals"]
    assert (totals["received"], totals["accepted"], totals["refused"], totals["closed"], totals["open"],
            totals["overdue"]) == (5, 3, 1, 3, 3, 1)
    assert totals["mediation_rate"] == 50.0 and totals["amount_closed"] == 17.0 and totals["recovered"] == 6.0
    assert body["satisfaction"]["score"] == 81.3 and body["satisfaction"]["meets_target"] is False
    assert body["satisfaction"]["target"] == 82 and body["satisfaction"]["responses"] == 3
    assert [d["score"] for d in body["satisfaction"]["dimensions"]] == [73.3, 73.3, 80.0, 80.0, 100.0]
    tiers = {t["tier"]: t for t in body["tiers"]}
    assert tiers["mediation"]["median"] == 11.5 and tiers["mediation"]["p90"] == 14.3
    assert tiers["intake"]["median"] == 2.0 and tiers["adjudication"]["median"] is None
    assert [f["count"] for f in body["funnel"]] == [5, 3, 2, 1, 1, 0, 0, 0]


def test_the_summary_is_scoped(api, world):
    api.force_authenticate(world.who.director)
    body = api.get("/api/v1/statistics/summary/", MARCH).json()
    assert body["scope"] == "璧山区知识产权纠纷人民调解委员会" and body["totals"]["received"] == 2


def test_the_summary_refuses_other_roles_and_anonymous_callers(api, world):
    assert api.get("/api/v1/statistics/summary/").status_code == 401
    api.force_authenticate(world.who.complainant)
    assert api.get("/api/v1/statistics/summary/").status_code == 403
    api.force_authenticate(world.who.mediator)
    assert api.get("/api/v1/statistics/summary/").status_code == 403


@pytest.mark.parametrize(("params", "key"), [
    ({"tier": "heaven"}, "tier"),
    ({"period": "custom", "date_from": "2026-04-01", "date_to": "2026-03-01"}, "date_to"),
    ({"date_from": "not-a-date"}, "date_from"),
    ({"organization": "0"}, "organization"),
    ({"industry": "x"}, "industry"),
])
def test_bad_summary_parameters_are_400_with_the_field(api, world, params, key):
    api.force_authenticate(world.who.supervisor)
    response = api.get("/api/v1/statistics/summary/", params)
    assert response.status_code == 400 and key in response.json()


def test_the_typical_case_list_is_public(api, world):
    response = api.get("/api/v1/typical-cases/")
    assert response.status_code == 200 and response.json()["results"] == []
    api.credentials(HTTP_AUTHORIZATION="Token stale-or-wrong")
    assert api.get("/api/v1/typical-cases/").status_code == 200
    response = api.get("/api/v1/typical-cases/", {"ip_kind": "perpetual_motion"})
    assert response.status_code == 400 and "ip_kind" in response.json()
    assert api.get("/api/v1/typical-cases/", {"industry": "-1"}).status_code == 400
