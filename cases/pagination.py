"""Keyset (seek) pagination for every list page and API list.

A page is the next ``size`` rows after (or before) the sort values of a boundary row, so the
database reads an index range instead of counting or skipping rows (no OFFSET), and a page
stays stable while new cases arrive. The cursor is the boundary row's sort values, signed so
that a tampered or foreign cursor is recognised: pages answer with page 1, the API with a 400.

Ordering convention: a NULL sorts as the largest value (PostgreSQL's default: last ascending,
first descending), written explicitly so SQLite agrees and PostgreSQL can still use a plain
B-tree index.
"""
import datetime
import decimal
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

PAGE_SIZE = 25
COUNT_CAP = 1000
_SALT = "cases.pagination.keyset"


class InvalidCursor(ValueError):
    """The cursor was not made by this list (tampered, truncated, or from another list)."""

    message = _("分页参数无效，请从第一页重新浏览。")


def _dump(value):
    if isinstance(value, datetime.datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, datetime.date):
        return ["d", value.isoformat()]
    if isinstance(value, decimal.Decimal):
        return ["n", str(value)]
    return ["v", value]


def _load(item):
    kind, raw = item
    if kind == "dt":
        value = parse_datetime(raw)
    elif kind == "d":
        value = parse_date(raw)
    elif kind == "n":
        value = decimal.Decimal(raw)
    elif kind == "v" and (raw is None or isinstance(raw, int | str | bool)):
        value = raw
    else:
        raise InvalidCursor
    if raw is not None and value is None:
        raise InvalidCursor
    return value


def _value_of(obj, name):
    for part in name.split("__"):
        obj = getattr(obj, "pk" if part == "pk" else part, None)
        if obj is None:
            return None
    return obj


class Keyset:
    """An ordering by a unique key, e.g. ``Keyset("-submitted_at", "-id")``: the last key must be unique."""

    def __init__(self, *keys):
        self.keys = [(k.lstrip("-"), k.startswith("-")) for k in keys]
        self.tag = ",".join(keys)

    def order(self, reverse=False):
        out = []
        for name, desc in self.keys:
            desc = desc != reverse
            out.append(F(name).desc(nulls_first=True) if desc else F(name).asc(nulls_last=True))
        return out

    def encode(self, obj) -> str:
        values = [_dump(_value_of(obj, name)) for name, _desc in self.keys]
        return signing.dumps([self.tag, values], salt=_SALT, compress=True)

    def decode(self, cursor: str) -> list:
        try:
            tag, values = signing.loads(cursor, salt=_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            raise InvalidCursor from None
        if tag != self.tag or not isinstance(values, list) or len(values) != len(self.keys):
            raise InvalidCursor
        try:
            return [_load(item) for item in values]
        except (TypeError, ValueError, decimal.InvalidOperation):
            raise InvalidCursor from None

    def after(self, values, reverse=False) -> Q:
        """Rows strictly after ``values`` in this ordering (or before it, ``reverse``)."""
        result = Q(pk__in=[])
        equal = Q()
        for (name, desc), value in zip(self.keys, values, strict=True):
            desc = desc != reverse
            if value is None:  # NULL is the largest value
                step = Q(**{f"{name}__isnull": False}) if desc else None
                same = Q(**{f"{name}__isnull": True})
            else:
                step = Q(**{f"{name}__lt": value}) if desc else (
                    Q(**{f"{name}__gt": value}) | Q(**{f"{name}__isnull": True}))
                same = Q(**{name: value})
            if step is not None:
                result |= equal & step
            equal &= same
        # The same rows, plus a plain bound on the first key that PostgreSQL can start an index walk at: the
        # OR above is only a filter, so without it page N walked the N pages before it (at 1M cases the staff
        # case list's page 777 took 13x page 1). Only for a descending first key with a value: there NULLs
        # come first, so "after" never includes them; an ascending key would need "OR IS NULL", no range.
        (first, first_desc), first_value = self.keys[0], values[0]
        if first_value is not None and first_desc != reverse:
            result = Q(**{f"{first}__lte": first_value}) & result
        return result


@dataclass
class KeysetPage:
    """One page of rows and the links around it (query strings that keep the page's other parameters)."""

    object_list: list
    has_next: bool
    has_previous: bool
    next_href: str = ""
    previous_href: str = ""
    first_href: str = ""
    invalid_cursor: bool = False
    count: int | None = None
    count_capped: bool = False
    next_cursor: str = ""
    previous_cursor: str = ""
    extra: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def count_label(self) -> str:
        if self.count is None:
            return ""
        return f"{self.count}+" if self.count_capped else str(self.count)


def capped_count(qs, cap=COUNT_CAP) -> tuple[int, bool]:
    """How many rows, reading at most ``cap + 1`` of them: ``(n, True)`` means "more than ``cap``"."""
    n = qs.order_by().values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


def capped_counts(querysets, cap=COUNT_CAP) -> list[tuple[int, bool]]:
    """``capped_count`` of several lists (a page's sections) in one query: one scalar subquery each."""
    querysets = list(querysets)
    if len(querysets) < 2:
        return [capped_count(qs, cap) for qs in querysets]
    parts, params = [], []
    for i, qs in enumerate(querysets):
        inner = qs.order_by().values("pk")[: cap + 1]
        try:
            sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
        except EmptyResultSet:
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted_{i})")  # noqa: S608 - Django-compiled SQL, values as params
        params.extend(inner_params)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return [(min(n, cap), n > cap) for n in row]


def count_pages(pages_and_querysets) -> None:
    """Fill ``count`` of several pages (``(page, the page's queryset)`` pairs) with one query."""
    pairs = list(pages_and_querysets)
    for (page, _qs), (n, capped) in zip(pairs, capped_counts(qs for _page, qs in pairs), strict=True):
        page.count, page.count_capped = n, capped


def _href(params, prefix, **changes) -> str:
    query = {k: v for k, v in params.items() if k not in (f"{prefix}after", f"{prefix}before")}
    query.update({f"{prefix}{k}": v for k, v in changes.items() if v})
    return "?" + urlencode(query)


def keyset_page(qs, keyset: Keyset, params=None, *, prefix="", size=PAGE_SIZE, strict=False,
                count=False) -> KeysetPage:
    """The page of ``qs`` that ``params`` (``request.GET``) asks for with ``<prefix>after`` / ``<prefix>before``.

    ``strict``: a bad cursor raises ``InvalidCursor`` (the API's 400) instead of giving page 1.
    ``count``: also count the rows, capped at ``COUNT_CAP`` (one more query).
    """
    params = params if params is not None else {}
    flat = {k: params.get(k) for k in params}
    after, before = params.get(f"{prefix}after") or "", params.get(f"{prefix}before") or ""
    invalid = False
    boundary, backwards = None, False
    try:
        if after:
            boundary = keyset.decode(after)
        elif before:
            boundary, backwards = keyset.decode(before), True
    except InvalidCursor:
        if strict:
            raise
        invalid, boundary = True, None
    rows_qs = qs
    if boundary is not None:
        rows_qs = rows_qs.filter(keyset.after(boundary, reverse=backwards))
    rows = list(rows_qs.order_by(*keyset.order(reverse=backwards))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_next, has_previous = True, more
    else:
        has_next, has_previous = more, boundary is not None
    page = KeysetPage(object_list=rows, has_next=has_next and bool(rows), has_previous=has_previous and bool(rows),
                      invalid_cursor=invalid)
    if page.has_next:
        page.next_cursor = keyset.encode(rows[-1])
        page.next_href = _href(flat, prefix, after=page.next_cursor)
    if page.has_previous:
        page.previous_cursor = keyset.encode(rows[0])
        page.previous_href = _href(flat, prefix, before=page.previous_cursor)
    if boundary is not None or invalid:
        page.first_href = _href(flat, prefix)
    if count:
        page.count, page.count_capped = capped_count(qs)
    return page


class KeysetPagination(BasePagination):
    """DRF pagination over ``view.keyset``: ``?after=`` / ``?before=`` cursors, 25 rows, no count.

    A cursor this list did not make answers 400 with the reason, never a 500.
    """

    page_size = PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            self.page = keyset_page(queryset, view.keyset, request.query_params, size=self.page_size, strict=True)
        except InvalidCursor as exc:
            raise ValidationError({"after": [str(exc.message)]}) from None
        return self.page.object_list

    def _link(self, href):
        if not href:
            return None
        url = self.request.build_absolute_uri(self.request.path)
        return url + href

    def get_paginated_response(self, data):
        return Response({
            "next": self._link(self.page.next_href),
            "previous": self._link(self.page.previous_href),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {"type": "object", "required": ["results"],
                "properties": {"next": link, "previous": link, "results": schema}}

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "after", "required": False, "in": "query", "schema": {"type": "string"},
             "description": str(_("上一页响应中 next 链接给出的游标：取其后的一页。"))},
            {"name": "before", "required": False, "in": "query", "schema": {"type": "string"},
             "description": str(_("previous 链接给出的游标：取其前的一页。"))},
        ]
