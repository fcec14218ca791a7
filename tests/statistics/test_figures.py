"""Every number on the dashboard and in both exports, against the figures counted by hand from the
story in ``tests/statistics/world.py`` (璧山区, March 2026, refreshed on 3-31 18:00)."""
import csv
import html as htmllib
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.statistics.conftest import MARCH

pytestmark = pytest.mark.django_db

# -- counted by hand ---------------------------------------------------------------------------------
KPI = {
    "received": "5",  # C1, C2, C3, C4, C6 submitted in March (C5 in February; C7 is 长寿区)
    "accepted": "3",  # C1 3-4, C2 3-5, C4 3-13
    "refused": "1",  # C3
    "closed": "3",  # C1 mediated, C2 terminated, C3 refused
    "open": "3",  # C4 adjudication, C5 mediation, C6 intake (now)
    "overdue": "1",  # C4: its answer deadline fell due on 3-20
    "mediation-rate": "50.0%",  # C1 success, C2 failure
    "satisfaction": "81.3",  # 61 points over 15 answers x 20
    "amount": "17.00",  # closed: 10 + 5 + 2 万元
    "recovered": "6.00",
}
# tier: entered, closed, open, overdue, finished, median, p90
TIERS = {
    "intake": ["5", "1", "1", "0", "4", "2.0", "2.7"],  # stays of 2, 2, 1, 3 days
    "mediation": ["2", "2", "1", "0", "2", "11.5", "14.3"],  # 8 and 15 days
    "adjudication": ["1", "0", "1", "1", "0", "—", "—"],
    "tribunal": ["0", "0", "0", "0", "0", "—", "—"],
    "total": ["—", "3", "3", "1", "3", "10.0", "15.6"],  # 10, 17 and 1 days from submission to closure
}
FUNNEL = {"received": "5", "accepted": "3", "mediation": "2", "mediated": "1", "adjudication": "1",
          "adjudicated": "0", "tribunal": "0", "court_closed": "0"}
OUTCOMES = {"mediated": "1", "mediation_terminated": "1", "adjudicated": "0", "court_closed": "0",
            "withdrawn": "0", "refused": "1", "lapsed": "0"}
# (5,4,4,3,5), (5,5,5,5,5), (1,2,3,4,5): per dimension 11, 11, 12, 12, 15 points over 3 answers
DIMENSIONS = {"convenience": "73.3", "timeliness": "73.3", "professionalism": "80.0", "fairness": "80.0",
              "outcome": "100.0"}
# name: role, assigned, open, overdue, closed, responses, score (hidden below 5 responses)
WORKLOAD = {
    "陈调解": ["调解员", "2", "0", "0", "2", "3", "样本不足"],
    "刘调解": ["调解员", "0", "1", "0", "0", "0", "样本不足"],
    "赵办案": ["办案人员", "1", "1", "1", "0", "0", "样本不足"],
}


def _text(fragment: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def by_id(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:span|td|dd)>', page, re.S)
    assert match, element_id
    return _text(match.group(1))


def row_cells(page: str, row_id: str) -> list[str]:
    match = re.search(rf'<tr id="{row_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert match, row_id
    return [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def table_rows(page: str, caption: str) -> dict:
    match = re.search(rf"<caption[^>]*>[^<]*{re.escape(caption)}.*?</caption>(.*?)</table>", page, re.S)
    assert match, caption
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S):
        head = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        if head and "scope=\"row\"" in row:
            rows[_text(head.group(1))] = [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


@pytest.fixture
def page(client, world):
    client.force_login(world.who.supervisor)
    response = client.get("/statistics/", MARCH)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_every_hand_counted_figure(page):
    assert "统计范围：璧山区" in page and "2026年3月1日至2026年3月31日" in page
    assert {key: by_id(page, f"kpi-{key}") for key in KPI} == KPI
    assert {tier: row_cells(page, f"tier-{tier}") for tier in TIERS} == TIERS
    assert {key: by_id(page, f"funnel-{key}") for key in FUNNEL} == FUNNEL
    assert {key: by_id(page, f"outcome-{key}") for key in OUTCOMES} == OUTCOMES
    assert by_id(page, "mediation-counts") == "1 / 1"
    assert by_id(page, "satisfaction-score") == "81.3"
    assert "低于目标 82 分（差 0.7 分）" in page
    assert "期间内收到 3 份评价（发出邀请 5 份，回复率 60.0%）；66.7% 的当事人愿意推荐" in page
    assert {key: by_id(page, f"dimension-{key}") for key in DIMENSIONS} == DIMENSIONS
    assert row_cells(page, "satisfaction-all") == ["3", "81.3", *DIMENSIONS.values()]
    by_tier = table_rows(page, "满意度各维度得分")
    assert by_tier["快调"] == ["3", "81.3", *DIMENSIONS.values()]
    assert by_tier["受理分流"] == ["0", "—", "—", "—", "—", "—", "—"]
    trend = table_rows(page, "满意度月度趋势")
    assert list(trend)[0] == "2025年4月" and list(trend)[-1] == "2026年3月" and len(trend) == 12
    assert trend["2026年3月"] == ["3", "81.3"] and trend["2026年2月"] == ["0", "—"]
    monthly = table_rows(page, "最近12个月的收案和结案件数")
    assert monthly["2026年3月"] == ["5", "3"] and monthly["2026年2月"] == ["1", "0"]
    assert sum(int(v[0]) for v in monthly.values()) == 6
    workload = table_rows(page, "新分配、结案和评价为期间内数")
    assert workload == WORKLOAD
    repeat = table_rows(page, "按统一社会信用代码归并")
    assert repeat == {"重庆某某机械有限公司": [_text(repeat["重庆某某机械有限公司"][0]), "3", "2", "2026年3月25日"]}
    assert "数据更新至 2026年3月31日 18:00" in page and "已超过15分钟未更新" not in page
    assert "新收案件标的额" in page and "47.00 万元" in page


def test_the_charts_are_inline_svg_with_the_same_numbers(page):
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 6
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "<script" not in svg
        assert " style=" not in svg
    funnel = svgs[0]
    assert ">5<" in funnel and ">3<" in funnel  # 收案 5, 受理 3: the values are written on the bars
    dimensions = next(s for s in svgs if "满意度各维度得分" in s)
    assert "73.3" in dimensions and "100.0" in dimensions and "目标82" in dimensions
    assert "<script" not in page and "cdn" not in page.lower()


def _csv_sections(content: bytes) -> dict:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    sections, current = {}, None
    for row in csv.reader(io.StringIO(text[1:])):
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def _check_tables(tables: dict):
    overview = dict(row[:2] for row in tables["概览"][1:])
    assert overview["统计范围"] == "璧山区" and overview["统计期间"] == "2026年3月1日至2026年3月31日"
    expected = {"收案": "5", "新收纠纷": "5", "受理": "3", "不予受理": "1", "逾期未补正": "0", "结案": "3",
                "在办（当前）": "3", "逾期（当前）": "1", "调解成功": "1", "调解终止": "1", "调解成功率（%）": "50.0",
                "新收案件标的额（万元）": "47.00", "结案标的额（万元）": "17.00", "挽回经济损失（万元）": "6.00",
                "满意度得分": "81.3", "满意度目标": "82", "评价份数": "3", "邀请评价人数": "5",
                "评价回复率（%）": "60.0", "愿意推荐比例（%）": "66.7", "数据更新至": "2026-03-31 18:00"}
    assert {k: overview[k] for k in expected} == expected
    tiers = {row[0]: row[1:] for row in tables["各环节"][1:]}
    labels = {"intake": "受理分流", "mediation": "快调", "adjudication": "速裁", "tribunal": "精审",
              "total": "全流程（收案至结案）"}
    for key, cells in TIERS.items():
        assert tiers[labels[key]] == [c.replace("—", "") for c in cells], key
    assert {row[0]: row[1] for row in tables["化解链条"][1:]} == {
        "收案": "5", "受理": "3", "进入快调": "2", "调解成功": "1", "进入速裁": "1", "裁决生效": "0", "进入精审": "0",
        "法院结案": "0"}
    satisfaction = {row[0]: row[1:] for row in tables["满意度"][1:]}
    assert satisfaction["全部"] == ["3", "81.3", *DIMENSIONS.values()]
    monthly = {row[0]: row[1:] for row in tables["月度趋势"][1:]}
    assert monthly["2026年3月"] == ["5", "3", "3", "81.3"] and monthly["2026年2月"] == ["1", "0", "0", ""]
    workload = {row[0]: row[1:] for row in tables["人员工作量"][1:]}
    assert workload == {name: [*cells[:6], ""] for name, cells in WORKLOAD.items()}
    repeat = tables["重复被申请人"][1:]
    assert [(r[0], r[2], r[3], r[4]) for r in repeat] == [("重庆某某机械有限公司", "3", "2", "2026-03-25")]


def test_the_csv_export_has_the_same_numbers(client, world):
    client.force_login(world.who.supervisor)
    response = client.get("/statistics/export/csv/", MARCH)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="statistics-20260301-20260331.csv"'
    _check_tables(_csv_sections(response.content))


def test_the_xlsx_export_has_the_same_numbers(client, world):
    client.force_login(world.who.supervisor)
    response = client.get("/statistics/export/xlsx/", MARCH)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    tables = {}
    for sheet in workbook.worksheets:
        tables[sheet.title] = [["" if c.value is None else _cell(c.value, c.number_format) for c in row]
                               for row in sheet.iter_rows()]
    _check_tables(tables)
    overview = {row[0].value: row[1].value for row in workbook["概览"].iter_rows(min_row=2)}
    assert overview["收案"] == 5 and isinstance(overview["收案"], int)  # numbers stay numbers
    assert overview["满意度得分"] == Decimal("81.3") or overview["满意度得分"] == 81.3


def _cell(value, number_format="General"):
    """An XLSX cell as the dashboard writes it: numbers with the decimals of their number format."""
    if isinstance(value, int | float) and not isinstance(value, bool) and number_format.startswith("0."):
        return f"{value:.{len(number_format) - 2}f}"
    return str(value)
