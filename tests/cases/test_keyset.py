"""Keyset pages walk every row exactly once, forwards and backwards, with ties and NULLs in the first key."""
import datetime
import itertools

import pytest
from django.utils import timezone

from cases.models import Deadline
from cases.pagination import Keyset, keyset_page
from tests.factories import make_case

KEYSETS = [Keyset("-completed_at", "-id"), Keyset("completed_at", "id"), Keyset("due_date", "id"),
           Keyset("-due_date", "-id")]


@pytest.fixture
def deadlines(roles):
    case = make_case()
    now = timezone.now()
    rows = []
    for i, (done, due) in enumerate(itertools.product([None, 0, 1, 1, 2], [0, 0, 3, 5])):
        rows.append(Deadline(
            case=case, kind=f"k{i}", label="期限", unit=Deadline.Unit.DAYS, length=1,
            start_date=datetime.date(2026, 1, 1), due_date=datetime.date(2026, 2, 1) + datetime.timedelta(days=due),
            completed_at=None if done is None else now + datetime.timedelta(hours=done),
        ))
    Deadline.objects.bulk_create(rows)
    return Deadline.objects.filter(case=case, kind__startswith="k")


def _walk(qs, keyset, size, backwards=False):
    seen, params = [], {}
    page = keyset_page(qs, keyset, params, size=size)
    if backwards:  # to the last page first, then back by the "previous" cursors
        while page.has_next:
            page = keyset_page(qs, keyset, {"after": page.next_cursor}, size=size)
    for _ in range(100):
        seen = [*page.object_list, *seen] if backwards else [*seen, *page.object_list]
        cursor = page.previous_cursor if backwards else page.next_cursor
        if not cursor:
            return seen
        page = keyset_page(qs, keyset, {"before" if backwards else "after": cursor}, size=size)
    raise AssertionError("the walk did not end")


@pytest.mark.django_db
@pytest.mark.parametrize("keyset", KEYSETS, ids=lambda k: k.tag)
@pytest.mark.parametrize("size", [1, 3, 7])
def test_every_row_once_in_order_both_ways(deadlines, keyset, size):
    expected = [d.pk for d in deadlines.order_by(*keyset.order())]
    assert len(expected) == 20
    assert [d.pk for d in _walk(deadlines, keyset, size)] == expected
    assert [d.pk for d in _walk(deadlines, keyset, size, backwards=True)] == expected
