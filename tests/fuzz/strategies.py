"""Hypothesis strategies for hostile form input, one per Django form field type.

What a browser (or anyone with curl) can send: text with CJK, control characters and NUL,
strings far over the limit, numbers out of range or not numbers, dates far in the past or
future or not dates, choices that are not offered, ids that do not exist, and files of random
bytes under random names. Every value is a string (or an uploaded file), as in a real POST.
"""
import datetime
import functools
import os
import re

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Profiles: CI runs at least 2,000 examples per form; a developer's run is lighter.
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
          HealthCheck.filter_too_much]
# ci: derandomized (the same examples every run, so a failure reproduces), no example database written
# (nothing to replay in a fresh checkout), no deadline (a loaded CI machine is not a bug).
settings.register_profile("ci", max_examples=2000, deadline=None, database=None, derandomize=True,
                          suppress_health_check=_QUIET)
settings.register_profile("dev", max_examples=150, deadline=None, database=None, suppress_health_check=_QUIET)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("DATABASE_URL") else "dev")
settings.load_profile(PROFILE)
FORM_EXAMPLES = settings.get_profile(PROFILE).max_examples
VIEW_EXAMPLES = 200 if PROFILE == "ci" else 25

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Anything a decoded HTTP body can hold: no lone surrogates (the UTF-8 decoder replaces them).
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
CONTROL = st.sampled_from(["\x00", "\x01", "\x1b", "\x7f", "\u202e", "\u200b", "\ufeff", "\r", "\n", "\t", "\u3000"])
NASTY = st.sampled_from([
    "", " ", "\x00", "null", "None", "undefined", "NaN", "-inf", "1e999", "-1", "0", "9" * 40, "１２３",
    "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00", "{{ 7*7 }}", "${jndi:x}",
    "2025-02-30", "0000-00-00", "9999-12-31", "24:61", "是", "否", "on", "off", "true", "false",
])


# Each st.text over a plain character set is one choice for Hypothesis's engine; an alphabet built with one_of
# costs two choices per character, which made generating a POST cost more than validating it.
_PIECES = st.tuples(st.text(ANY_CHAR, max_size=20), CONTROL, st.text(CJK, max_size=20)).map("".join)
_SHORT_CJK = st.text(CJK, min_size=1, max_size=12)
# 10,000 and 100,000 characters: one branch in ten, not one in five (a 100 KB value costs every validator).
_HUGE = st.sampled_from(["字\x00" * 5_000, "字\x00" * 50_000])
_TEXT = {}


def text(max_length=None):
    """Short and long text of every kind, and strings just over (or far over) the limit.

    Built once per limit: building and validating a Hypothesis strategy costs far more than drawing from it.
    """
    limit = max_length or 200
    if limit not in _TEXT:
        near = st.integers(limit - 1, limit + 2).map(lambda n: "长" * n)
        _TEXT[limit] = st.one_of(_PIECES, _PIECES, _PIECES, NASTY, NASTY, _SHORT_CJK, _SHORT_CJK, near, near, _HUGE)
    return _TEXT[limit]


@functools.cache
def numbers():
    return st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(["1,000", "１０", "0x10", "1_000", "1e-999", "-0", "+5", " 7 ", "9" * 400]),
        NASTY,
    )


@functools.cache
def dates():
    day = st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31))
    return st.one_of(
        day.map(str), day.map(lambda d: d.strftime("%Y/%m/%d")), day.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
        st.datetimes().map(lambda d: d.isoformat()),
        st.sampled_from(["2026-13-01", "2026-02-29", "1900-01-00", "-2026-01-01", "20261301", "99999-01-01"]),
        NASTY,
    )


@functools.cache
def times():
    return st.one_of(st.times().map(str), st.sampled_from(["25:00", "09:60", "9", "noon", "-1:00"]), NASTY)


@functools.cache
def file_names():
    return st.one_of(
        _PIECES.map(lambda s: s + ".pdf"),
        st.sampled_from(["证据.pdf", "../../etc/passwd.pdf", "a\\b.jpg", "x" * 300 + ".png", "发票\u202efdp.exe",
                         "a.exe", "a.html", "a", ".pdf", "C:evil.txt", "证据.txt", "图.jpg"]),
    )


@functools.cache
def uploads():
    head = st.sampled_from([b"", b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04", b"MZ\x90\x00",
                            b"\x7fELF", b"\xff\xd8\xff\xe0", b"<html>", b"#!/bin/sh\n"])
    return st.builds(
        lambda name, h, body: SimpleUploadedFile(name, h + body, content_type="application/octet-stream"),
        file_names(), head, st.binary(max_size=2048),
    )


def _offered(field):
    values = []
    for value, label in getattr(field, "choices", []) or []:
        if isinstance(label, list | tuple):  # an optgroup
            values.extend(str(v) for v, _label in label)
        else:
            values.append(str(getattr(value, "value", value)))
    return [v for v in values if v]


def _model_ids(field):
    queryset = getattr(field, "queryset", None)
    if queryset is None:
        return []
    return [str(pk) for pk in queryset.model._default_manager.values_list("pk", flat=True)[:20]]


def value_for(field):
    """A strategy of lists of POSTed strings (or files) for one field."""
    if isinstance(field, forms.FileField):
        return uploads().map(lambda f: [f])
    if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        ids = _model_ids(field)
        single = st.one_of(st.sampled_from(ids) if ids else NASTY, numbers(), text(20))
    elif isinstance(field, forms.ChoiceField):  # includes MultipleChoiceField, TypedChoiceField
        offered = _offered(field)
        single = st.one_of(st.sampled_from(offered) if offered else NASTY, text(20), numbers())
    elif isinstance(field, forms.BooleanField | forms.NullBooleanField):
        single = st.one_of(st.sampled_from(["on", "true", "false", "1", "0", "", "unknown", "2"]), text(10))
    elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
        single = numbers()
    elif isinstance(field, forms.DateTimeField):
        single = st.one_of(dates(), dates().flatmap(lambda d: times().map(lambda t: f"{d} {t}")))
    elif isinstance(field, forms.DateField):
        single = dates()
    elif isinstance(field, forms.TimeField):
        single = times()
    elif isinstance(field, forms.SplitDateTimeField):
        return st.lists(st.one_of(dates(), times()), min_size=0, max_size=2)
    else:
        single = text(getattr(field, "max_length", None))
    many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
    return st.lists(single, min_size=0 if many else 1, max_size=4 if many else 2)


def form_data(form):
    """A POST for ``form``: every field present, missing, or repeated, plus a stray field."""
    strategies = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        strategies[key] = (field, st.one_of(st.none(), value_for(field)))
    if not strategies:
        return st.just(({"stray": ["x"]}, {}))

    def split(values):
        data, files = {"stray": ["\x00"]}, {}
        for key, value in values.items():
            if value is None:
                continue
            field = strategies[key][0]
            if isinstance(field, forms.FileField):
                files[key] = value
            else:
                data[key] = value
        return data, files

    return st.fixed_dictionaries({k: s for k, (_f, s) in strategies.items()}).map(split)


CJK_RE = re.compile(r"[\u4e00-\u9fff]")


def is_localised(message) -> bool:
    """A message a Chinese user can read: it has Chinese characters in it."""
    return bool(CJK_RE.search(str(message)))


def model_counts(models):
    return {m._meta.label: m._default_manager.count() for m in models if isinstance(m, type) and issubclass(m, Model)}
