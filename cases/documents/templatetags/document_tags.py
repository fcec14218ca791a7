"""Filters for the official documents: dates and times the way GB/T 9704-2012 writes them."""
import datetime

from django import template
from django.utils import timezone

from cases import dates
from cases.models import Route

register = template.Library()

CN_NUMERALS = "〇一二三四五六七八九"


def _as_date(value):
    value = getattr(value, "due_date", value)  # a Deadline works as well as its date
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value if isinstance(value, datetime.date) else None


@register.filter
def cn_date(value):
    """2026年11月21日: Arabic numerals, no leading zeros (成文日期 per GB/T 9704-2012 §7.3.5.1)."""
    return dates.cn_date(_as_date(value))


@register.filter
def cn_datetime(value):
    """2026年11月21日14时05分, in local time."""
    if not isinstance(value, datetime.datetime):
        return cn_date(value)
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


@register.filter
def cn_ordinal(value):
    """1 → 一, 12 → 十二, 25 → 二十五: the numbering of items in a list (一、二、三、)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return value
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ("" if tens == 1 else CN_NUMERALS[tens]) + "十" if tens else ""
    return text + (CN_NUMERALS[ones] if ones else "")


@register.filter
def route_label(value):
    """The label of a ``cases.models.Route`` value (调解, 行政裁决, 诉讼); other text is returned as is."""
    try:
        return Route(value).label
    except ValueError:
        return value


@register.filter
def names(parties):
    """李明、王芳: the names of a list of parties."""
    return "、".join(p.name for p in parties or ())


@register.filter
def clause(text):
    """The text without its closing punctuation, so the template can end the sentence itself."""
    return str(text or "").strip().rstrip("。；;，,.、 ")


@register.simple_tag(takes_context=True)
def case_documents(context, case):
    """The documents of ``case`` the page's user may download (for the case page panel)."""
    from cases.documents.selectors import case_documents as select

    return select(context["request"].user, case)
