"""How a date is written, in one place: 2026年11月21日 in stored text and official documents (Arabic numerals,
no leading zeros, GB/T 9704-2012 §7.3.5.1), and in the active UI language for what is shown now."""
from django.utils.formats import date_format


def cn_date(day) -> str:
    """2026年11月21日, for text stored once (case events, notification bodies, documents); pages use ``ui_date``."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def ui_date(day) -> str:
    """A date in the active UI language (2026年11月21日 / 21 Nov 2026), for messages shown now, never stored."""
    return date_format(day, "DATE_FORMAT") if day else ""
