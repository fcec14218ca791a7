"""Charts drawn on the server as inline SVG: no script, no CDN, nothing for a CSP to block.

Each chart is an image with a title and a description pointing at its data table (every
chart on a page is followed by the table of the same numbers). Values are written on the
chart itself and the series differ by shape as well as colour (filled / outlined bars, a
dashed target line), so nothing depends on colour alone. Colours are presentation
attributes, which a strict ``style-src`` allows, and which WeasyPrint draws in the PDF report.
"""
import itertools
import math

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

PRIMARY = "#1f4e8c"
PRIMARY_DARK = "#17406f"
ACCENT = "#7a4a00"
DANGER = "#b3261e"
GRID = "#d3d9e0"
TEXT = "#1a1f26"
MUTED = "#545c66"
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
WIDTH = 420
FONT_SIZE = 17  # user units: about 13 px on a 390 px phone, where the chart is about 330 px wide

_ids = itertools.count(1)


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _text_width(text: str, size: float) -> float:
    """Rough width: CJK characters are a full em, the rest about half."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.56 for ch in str(text))


def _open(height, title, desc, extra_class=""):
    uid = f"chart-{next(_ids)}"
    return uid, (
        f'<svg class="chart {extra_class}" viewBox="0 0 {WIDTH} {height}" role="img" focusable="false" '
        f'aria-labelledby="{uid}-title {uid}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" fill="{TEXT}">'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(desc)}</desc>'
    )


def _nice_max(value) -> float:
    if not value or value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def bar_chart(items, *, title, desc="", unit="", max_value=None, target=None, target_label="") -> str:
    """Horizontal bars, one per ``(label, value)``; the value is written after each bar."""
    items = [(str(label), value) for label, value in items]
    size = FONT_SIZE
    label_w = min(170, max((_text_width(label, size) for label, _v in items), default=40) + 10)
    value_w = max(56, max((_text_width(f"{_fmt(v)}{unit}", size) for _l, v in items), default=20) + 10)
    row, bar = 36, 24
    top = 24 if target is not None else 6
    height = top + row * max(1, len(items)) + 6
    uid, svg = _open(height, title, desc or _("数据见图旁的表格。"), "chart-bars")
    span = WIDTH - label_w - value_w
    top_value = max_value or _nice_max(max((v or 0 for _l, v in items), default=0))
    parts = [svg]
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = 0 if not value else max(2, span * float(value) / float(top_value))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar / 2 + 5}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{span:.1f}" height="{bar}" fill="#f5f7fa" stroke="{GRID}"/>'
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar}" fill="{PRIMARY}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar / 2 + 5}" font-weight="600">'
            f'{escape(_fmt(value))}{escape(unit)}</text>'
        )
    if target is not None:
        x = label_w + span * float(target) / float(top_value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="{DANGER}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
            f'<text x="{x:.1f}" y="{top - 10}" text-anchor="middle" fill="{DANGER}" font-size="15" '
            f'font-weight="600">{escape(target_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def funnel_chart(items, *, title, desc="") -> str:
    """The chain as a funnel: centred bars, one per step, each with its count."""
    items = [(str(label), value or 0) for label, value in items]
    size = FONT_SIZE
    row, bar = 38, 26
    height = 8 + row * max(1, len(items))
    label_w = min(110, max((_text_width(label, size) for label, _v in items), default=40) + 10)
    uid, svg = _open(height, title, desc or _("数据见图旁的表格。"), "chart-funnel")
    top_value = max([v for _l, v in items] + [1])
    span = WIDTH - label_w - 64
    centre = label_w + span / 2
    parts = [svg]
    for i, (label, value) in enumerate(items):
        y = 6 + i * row
        length = 0 if not value else max(3, span * value / top_value)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar / 2 + 5}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{centre - length / 2:.1f}" y="{y}" width="{length:.1f}" height="{bar}" fill="{PRIMARY}" '
            f'rx="3"/>'
            f'<text x="{label_w + span + 6:.1f}" y="{y + bar / 2 + 5}" font-weight="600">'
            f'{escape(_fmt(value))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _polyline(points) -> str:
    return f'<polyline points="{" ".join(points)}" fill="none" stroke="{PRIMARY}" stroke-width="2.5"/>'


def line_chart(points, *, title, desc="", low=0, high=100, target=None, target_label="") -> str:
    """A line over months (``(label, value or None)``): satisfaction with the target as a dashed line."""
    points = [(str(label), value) for label, value in points]
    height, left, right, top, bottom = 230, 34, 12, 18, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    uid, svg = _open(height, title, desc or _("数据见图旁的表格。"), "chart-line")
    parts = [svg]

    def y_of(v):
        return top + plot_h * (1 - (float(v) - low) / (high - low))

    for tick in range(low, high + 1, 20):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="14" fill="{MUTED}">{tick}</text>'
        )
    step = plot_w / max(1, len(points))
    xs = [left + step * (i + 0.5) for i in range(len(points))]
    if target is not None:
        y = y_of(target)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{DANGER}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
            f'<text x="{left + 4}" y="{y - 6:.1f}" text-anchor="start" fill="{DANGER}" font-size="14" '
            f'font-weight="600">{escape(target_label)}</text>'
        )
    segment = []
    for x, (_label, value) in zip(xs, points, strict=True):
        if value is None:
            if len(segment) > 1:
                parts.append(_polyline(segment))
            segment = []
            continue
        segment.append(f"{x:.1f},{y_of(value):.1f}")
    if len(segment) > 1:
        parts.append(_polyline(segment))
    for x, (label, value) in zip(xs, points, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" font-size="14" fill="{MUTED}">'
            f'{escape(label)}</text>'
        )
        if value is not None:
            y = y_of(value)
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#fff" stroke="{PRIMARY_DARK}" stroke-width="2.5"/>'
                f'<text x="{x:.1f}" y="{y - 9:.1f}" text-anchor="middle" font-size="13" font-weight="600">'
                f'{escape(_fmt(value))}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def column_chart(labels, series, *, title, desc="") -> str:
    """Grouped columns per label; ``series`` is ``[(name, values)]``: the first filled, the second
    outlined, each named in the legend (shape tells them apart, not colour alone)."""
    labels = [str(label) for label in labels]
    height, left, right, top, bottom = 240, 34, 8, 34, 30
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    uid, svg = _open(height, title, desc or _("数据见图旁的表格。"), "chart-columns")
    peak = _nice_max(max((v or 0 for _n, values in series for v in values), default=0))
    parts = [svg]
    styles = [(PRIMARY, PRIMARY), ("#ffffff", ACCENT)]
    legend_x = left
    for (name, _values), (fill, stroke) in zip(series, styles, strict=False):
        parts.append(
            f'<rect x="{legend_x}" y="6" width="14" height="14" fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{legend_x + 20}" y="18" font-size="15">{escape(name)}</text>'
        )
        legend_x += 34 + _text_width(name, 15)
    for fraction in (0, 0.5, 1):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="14" fill="{MUTED}">'
            f'{escape(_fmt(round(peak * fraction, 1)))}</text>'
        )
    group = plot_w / max(1, len(labels))
    width = min(12, (group - 6) / max(1, len(series)))
    for i, label in enumerate(labels):
        gx = left + group * i + (group - width * len(series)) / 2
        for j, ((_name, values), (fill, stroke)) in enumerate(zip(series, styles, strict=False)):
            value = values[i] or 0
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{gx + j * width:.1f}" y="{top + plot_h - h:.1f}" width="{width - 1:.1f}" height="{h:.1f}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            )
        parts.append(
            f'<text x="{left + group * (i + 0.5):.1f}" y="{height - 10}" text-anchor="middle" font-size="14" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def dashboard_charts(data: dict) -> dict:
    """The charts of the dashboard and of the PDF report, from ``selectors.figures``."""
    sat = data["satisfaction"]
    target = sat["target"]
    target_label = _("目标%(target)s") % {"target": target}
    return {
        "funnel": funnel_chart([(f["label"], f["count"]) for f in data["funnel"]], title=_("纠纷化解链条")),
        "tiers": bar_chart([(t["label"], t["open"]) for t in data["tiers"]], title=_("各环节当前在办案件数")),
        "durations": bar_chart(
            [(t["label"], t["median"]) for t in data["tiers"]], title=_("各环节办理天数（中位数）"), unit=_("天"),
        ),
        "dimensions": bar_chart(
            [(d["label"], d["score"]) for d in sat["dimensions"]], title=_("满意度各维度得分"), max_value=100,
            target=target, target_label=target_label,
        ),
        "trend": line_chart(
            [(m["short"], m["score"]) for m in sat["trend"]], title=_("满意度月度趋势"), target=target,
            target_label=target_label,
        ),
        "monthly": column_chart(
            [m["short"] for m in data["monthly"]],
            [(_("收案"), [m["received"] for m in data["monthly"]]),
             (_("结案"), [m["closed"] for m in data["monthly"]])],
            title=_("月度收案与结案"),
        ),
    }
