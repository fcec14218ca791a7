"""CSV and XLSX exports of the dashboard: the same tables, the same numbers, from ``selectors.figures``.

Text cells that a spreadsheet would read as a formula (starting with = + - @, a tab or a
carriage return) are neutralised with a leading apostrophe (OWASP "CSV injection"); numbers
stay numbers.
"""
import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A value safe to put in a spreadsheet cell: formula-like text gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list


def _num(value):
    return "" if value is None else value


def report_tables(data: dict) -> list[Table]:
    """The dashboard's numbers as tables (overview first), for CSV, XLSX and the PDF report."""
    t, sat = data["totals"], data["satisfaction"]
    state = data["freshness"]
    fresh = timezone.localtime(state.watermark).strftime("%Y-%m-%d %H:%M") if state and state.watermark else ""
    f = data["filters"]
    overview = [
        (_("统计范围"), data["scope"].label),
        (_("统计期间"), data["period_label"]),
        (_("机构"), f.labels.get("organization", "")),
        (_("所处环节"), f.labels.get("tier", "")),
        (_("知识产权类型"), f.labels.get("ip_kind", "")),
        (_("行业"), f.labels.get("industry", "")),
        (_("收案"), t["received"]),
        (_("新收纠纷"), t["new_cases"]),
        (_("受理"), t["accepted"]),
        (_("不予受理"), t["refused"]),
        (_("逾期未补正"), t["lapsed"]),
        (_("结案"), t["closed"]),
        (_("在办（当前）"), t["open"]),
        (_("逾期（当前）"), t["overdue"]),
        (_("调解成功"), t["mediation_success"]),
        (_("调解终止"), t["mediation_failure"]),
        (_("调解成功率（%）"), _num(t["mediation_rate"])),
        (_("新收案件标的额（万元）"), t["amount_received"]),
        (_("结案标的额（万元）"), t["amount_closed"]),
        (_("挽回经济损失（万元）"), t["recovered"]),
        (_("满意度得分"), _num(sat["score"])),
        (_("满意度目标"), sat["target"]),
        (_("评价份数"), sat["responses"]),
        (_("邀请评价人数"), sat["invited"]),
        (_("评价回复率（%）"), _num(sat["response_rate"])),
        (_("愿意推荐比例（%）"), _num(sat["recommend_rate"])),
        (_("数据更新至"), fresh),
    ]
    tiers = [[x["label"], x["entered"], x["closed"], x["open"], x["overdue"], x["finished"], _num(x["median"]),
              _num(x["p90"])] for x in data["tiers"]]
    total = data["duration_total"]
    tiers.append([_("全流程（收案至结案）"), "", t["closed"], t["open"], t["overdue"], total["finished"],
                  _num(total["median"]), _num(total["p90"])])
    by_tier = [
        [x["label"], x["responses"], _num(x["score"]), *[_num(d["score"]) for d in x["dimensions"]]]
        for x in sat["by_tier"]
    ]
    by_tier.insert(0, [_("全部"), sat["responses"], _num(sat["score"]), *[_num(d["score"]) for d in sat["dimensions"]]])
    trend = {m["month"]: m for m in sat["trend"]}
    return [
        Table("overview", _("概览"), [_("指标"), _("数值")], [list(row) for row in overview]),
        Table("tiers", _("各环节"), [_("环节"), _("收案（进入本环节）"), _("结案"), _("在办（当前）"),
                                   _("逾期（当前）"), _("办结数"), _("办理天数中位数"), _("办理天数90%分位")], tiers),
        Table("outcomes", _("结案方式"), [_("结案方式"), _("件数")],
              [[o["label"], o["count"]] for o in data["outcomes"]]),
        Table("funnel", _("化解链条"), [_("环节"), _("件数")], [[x["label"], x["count"]] for x in data["funnel"]]),
        Table("satisfaction", _("满意度"), [_("环节"), _("评价份数"), _("得分"),
                                          *[str(d["label"]) for d in sat["dimensions"]]], by_tier),
        Table("monthly", _("月度趋势"), [_("月份"), _("收案"), _("结案"), _("评价份数"), _("满意度得分")], [
            [m["label"], m["received"], m["closed"], trend[m["month"]]["responses"], _num(trend[m["month"]]["score"])]
            for m in data["monthly"]
        ]),
        Table("workload", _("人员工作量"), [_("姓名"), _("角色"), _("新分配"), _("在办（当前）"), _("逾期（当前）"),
                                          _("结案"), _("评价份数"), _("满意度得分")], [
            [w["name"], w["role"], w["assigned"], w["open"], w["overdue"], w["closed"], w["responses"],
             _num(w["score"])] for w in data["workload"]
        ]),
        Table("repeat", _("重复被申请人"),
              [_("名称"), _("统一社会信用代码"), _("案件数"), _("在办"), _("最近收案日期")], [
            [r["name"], r["credit_code"], r["cases"], r["open_cases"], r["last_submitted_on"].isoformat()]
            for r in data["repeat"]
        ]),
    ]


def to_csv(tables: list[Table]) -> bytes:
    """One CSV, section after section (title row, header row, data, blank line); UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in tables:
        writer.writerow([neutralise(table.title)])
        writer.writerow([neutralise(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([neutralise(v) for v in row])
        writer.writerow([])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table; text cells are typed as text and neutralised, numbers stay numeric."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(title=str(table.title)[:31])
        for column, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row=1, column=column, value=neutralise(header))
            cell.font = Font(bold=True)
        for r, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                safe = neutralise(value)
                cell = sheet.cell(row=r, column=column, value=safe)
                if isinstance(safe, str):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(safe, Decimal) and safe.as_tuple().exponent < 0:
                    cell.number_format = "0." + "0" * -safe.as_tuple().exponent  # 50.0 shows as 50.0
        for column in range(1, len(table.headers) + 1):
            width = max(len(str(sheet.cell(row=r, column=column).value or "")) for r in range(1, sheet.max_row + 1))
            sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = min(60, 4 + width * 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
