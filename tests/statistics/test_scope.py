"""Who sees which figures: supervisors their district (a city-level one all), a director the committee,
a chief the office; everyone else 403. Bad filters are a clear 400, never a 500."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.statistics.conftest import MARCH
from tests.statistics.test_figures import by_id, table_rows

pytestmark = pytest.mark.django_db


def _page(client, user, **params):
    client.force_login(user)
    response = client.get("/statistics/", {**MARCH, **params})
    return response, response.content.decode()


@pytest.mark.parametrize("who", ["complainant", "mediator", "officer", "clerk"])
def test_other_roles_get_403(client, world, who):
    client.force_login(getattr(world.who, who))
    for url in ("/statistics/", "/statistics/export/csv/", "/statistics/export/xlsx/", "/statistics/reports/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/statistics/summary/").status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, world):
    response = client.get("/statistics/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_director_sees_only_the_committees_figures(client, world):
    response, page = _page(client, world.who.director)
    assert response.status_code == 200
    assert "统计范围：璧山区知识产权纠纷人民调解委员会" in page
    assert 'name="organization"' not in page  # the scope is fixed
    figures = {key: by_id(page, f"kpi-{key}") for key in
               ("received", "accepted", "refused", "closed", "open", "overdue", "mediation-rate", "satisfaction",
                "amount", "recovered")}
    assert figures == {
        "received": "2",  # C1 and C2 came to the committee in March (C5 in February)
        "accepted": "0", "refused": "0",  # intake is the centre's
        "closed": "2", "open": "1", "overdue": "0",  # C1, C2 closed here; C5 open; C4's overdue is the office's
        "mediation-rate": "50.0%", "satisfaction": "81.3", "amount": "15.00", "recovered": "6.00",
    }
    assert "收案（进入本机构／环节）" in page and "同期新收纠纷 0 件" in page
    workload = table_rows(page, "新分配、结案和评价为期间内数")
    assert set(workload) == {"陈调解", "刘调解"}  # the office's officer is not the committee's
    assert "长寿" not in page and "重庆某某机械有限公司" not in page  # no repeat respondent at committee level


def test_a_chief_sees_the_office(client, world):
    _, page = _page(client, world.who.chief)
    assert by_id(page, "kpi-received") == "1" and by_id(page, "kpi-open") == "1"
    assert by_id(page, "kpi-overdue") == "1" and by_id(page, "kpi-satisfaction") == "—"
    assert set(table_rows(page, "新分配、结案和评价为期间内数")) == {"赵办案"}


def test_a_city_level_supervisor_sees_every_district(client, world):
    _, page = _page(client, world.who.city_supervisor)
    assert "统计范围：全市" in page
    assert by_id(page, "kpi-received") == "6" and by_id(page, "kpi-closed") == "4"
    assert by_id(page, "kpi-mediation-rate") == "66.7%"  # C1 and C7 mediated, C2 terminated
    assert by_id(page, "kpi-satisfaction") == "81.0"  # 61 + 20 points over 20 answers
    assert by_id(page, "kpi-amount") == "117.00"


def test_a_district_supervisor_may_filter(client, world):
    _, page = _page(client, world.who.supervisor, organization=world.bishan.committee.pk)
    assert by_id(page, "kpi-received") == "2" and by_id(page, "kpi-amount") == "15.00"
    _, page = _page(client, world.who.supervisor, tier="mediation")
    assert by_id(page, "kpi-received") == "2" and by_id(page, "kpi-closed") == "2"
    _, page = _page(client, world.who.supervisor, ip_kind="trademark")
    assert by_id(page, "kpi-received") == "1" and by_id(page, "kpi-satisfaction") == "60.0"
    _, page = _page(client, world.who.supervisor, industry=world.industries["新能源汽车"].pk)
    assert by_id(page, "kpi-received") == "1" and by_id(page, "kpi-open") == "1"  # C1; C5 open now
    _, page = _page(client, world.who.supervisor, period="last_month")  # 3-31: last month is February
    assert "2026年2月1日至2026年2月28日" in page and by_id(page, "kpi-received") == "1"


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-04-01", "date_to": "2026-03-01"}, "截止日期不能早于起始日期"),
    ({"date_from": "2026-02-30"}, "请输入有效的日期"),
    ({"date_from": ""}, "自定义期间请填写起始日期"),
    ({"date_from": "1990-01-01"}, "统计期间应在2000年至明年之间"),
    ({"date_from": "2010-01-01"}, "统计期间不能超过10年"),
    ({"period": "forever"}, "请选择列表中的统计期间"),
    ({"tier": "heaven"}, "请选择列表中的环节"),
    ({"ip_kind": "x" * 5000}, "请选择列表中的知识产权类型"),
    ({"industry": "abc"}, "请选择列表中的行业"),
    ({"organization": "99999999999999999999999"}, "请选择列表中的机构"),
])
def test_bad_filters_are_a_clear_400(client, world, params, message):
    response, page = _page(client, world.who.supervisor, **params)
    assert response.status_code == 400
    assert message in page and 'role="alert"' in page
    client.force_login(world.who.supervisor)
    assert client.get("/statistics/export/csv/", {**MARCH, **params}).status_code == 400


def test_an_organisation_of_another_district_is_refused(client, world):
    response, page = _page(client, world.who.supervisor, organization=world.changshou.committee.pk)
    assert response.status_code == 400 and "请选择列表中的机构" in page


def test_an_unknown_export_format_is_404(client, world):
    client.force_login(world.who.supervisor)
    assert client.get("/statistics/export/pdf/").status_code == 404


def test_the_dashboard_reads_only_the_aggregates_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.who.supervisor)
    client.get("/statistics/", MARCH)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/statistics/", MARCH).status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in sql if re.search(r'"cases_case"|"cases_caseevent"|"surveys_', s)], sql
    count = len(sql)
    # more data (filed late on 3-31 with earlier submission dates): the same queries
    from django.utils import timezone

    from tests.factories import make_case
    from tests.statistics.world import at, parties

    clock = timezone.now  # the installed test clock
    clock.set(at(3, 31, 18).replace(minute=1))
    for day in range(1, 20):
        make_case(organization=world.bishan.centre, submitted_at=at(3, day, 9), parties=parties(applicant=f"张{day}号"))
    clock.set(at(3, 31, 18).replace(minute=5))
    from cases.statistics.refresh import refresh_aggregates

    assert refresh_aggregates()["mode"] == "incremental"
    # The clock moved on by minutes: the session is renewed on the next request (at most once a minute).
    client.get("/statistics/", MARCH)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/statistics/", MARCH)
    assert len(queries.captured_queries) == count
    assert by_id(response.content.decode(), "kpi-received") == "24"
