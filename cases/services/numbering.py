"""Official case numbers: （2026）璧知调字第0001号, gapless per organisation, tier and year.

Gapless because the counter row is locked (SELECT … FOR UPDATE) and incremented in
the same transaction that stores the number: a rolled-back creation rolls back its
number too, and concurrent creations queue on the row lock.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import CaseNumber, CaseNumberSequence
from cases.services.events import event_record


def format_case_number(year: int, abbr: str, sequence: int) -> str:
    return f"（{year}）{abbr}字第{sequence:04d}号"


def _next_sequence(organization, tier, year) -> int:
    try:
        with transaction.atomic():
            CaseNumberSequence.objects.get_or_create(organization=organization, tier=tier, year=year)
    except IntegrityError:
        pass  # another transaction created the row first; lock it below
    seq = CaseNumberSequence.objects.select_for_update().get(organization=organization, tier=tier, year=year)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value


@transaction.atomic
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
