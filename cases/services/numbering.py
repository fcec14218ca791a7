"""Official case numbers: （2026）璧知调字第0001号, gapless per organisation, tier and year.

Gapless because the counter row is incremented by an UPDATE in the same transaction that
stores the number: the UPDATE locks the row until commit, a rolled-back creation rolls back
its number too, and concurrent creations queue on the row lock.
"""
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cases.models import CaseNumber, CaseNumberSequence
from cases.services.events import event_record


def format_case_number(year: int, abbr: str, sequence: int) -> str:
    return f"（{year}）{abbr}字第{sequence:04d}号"


def _increment(organization, tier, year) -> int | None:
    """Add one to the counter and read it back in one statement, which also takes the row lock.

    ``UPDATE … RETURNING`` (PostgreSQL, SQLite ≥ 3.35): one round trip while every other submission
    to the organisation waits, instead of SELECT … FOR UPDATE then UPDATE. None when the row is missing.
    """
    table = connection.ops.quote_name(CaseNumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_value = last_value + 1"  # noqa: S608 - the table name is the model's own
            " WHERE organization_id = %s AND tier = %s AND year = %s RETURNING last_value",
            [organization.pk, tier, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _next_sequence(organization, tier, year) -> int:
    sequence = _increment(organization, tier, year)
    if sequence is None:  # the series' first number this year
        try:
            with transaction.atomic():
                CaseNumberSequence.objects.get_or_create(organization=organization, tier=tier, year=year)
        except IntegrityError:
            pass  # another transaction created the row first; the UPDATE waits for it
        sequence = _increment(organization, tier, year)
    return sequence


# No savepoint: it would add two round trips while the counter row is locked; nothing catches and retries this.
@transaction.atomic(savepoint=False)
def case_assign_number(*, case, organization, tier, actor=None, year=None) -> CaseNumber:
    """Give ``case`` the next number of ``organization``'s series for ``tier``; it becomes current."""
    year = year or timezone.localdate().year
    sequence = _next_sequence(organization, tier, year)
    number = CaseNumber.objects.create(
        case=case, organization=organization, tier=tier, year=year, sequence=sequence,
        text=format_case_number(year, organization.number_abbr, sequence),
    )
    before = case.number
    case.number = number.text
    case.save(update_fields=["number", "updated_at"])
    event_record(
        case=case, actor=actor, kind="number_assigned", message=number.text,
        before={"number": before}, after={"number": number.text}, public=True,
    )
    return number
