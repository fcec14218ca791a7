
import pytest
from django.db import transaction

from cases.models import Case, CaseNumber, Tier
from cases.services.numbering import case_assign_number, format_case_number
from tests.concurrency import errors, race
from tests.factories import OrganizationFactory, make_case
from tests.markers import postgres_only


def test_official_number_style():
    assert format_case_number(2026, "璧知调", 1) == "（2026）璧知调字第0001号"
    assert format_case_number(2026, "璧知调", 12345) == "（2026）璧知调字第12345号"


@pytest.mark.django_db
def test_numbers_run_per_organisation_tier_and_year(roles):
    centre = OrganizationFactory(number_abbr="璧知受")
    other = OrganizationFactory(number_abbr="长知受")
    first, second = make_case(organization=centre), make_case(organization=centre)
    elsewhere = make_case(organization=other)
    year = first.submitted_at.year
    assert first.number == f"（{year}）璧知受字第0001号"
    assert second.number == f"（{year}）璧知受字第0002号"
    assert elsewhere.number == f"（{year}）长知受字第0001号"
    # The committee's mediation series is its own, and the new number becomes current.
    committee = OrganizationFactory(number_abbr="璧知调")
    number = case_assign_number(case=first, organization=committee, tier=Tier.MEDIATION)
    assert number.text == f"（{year}）璧知调字第0001号"
    first.refresh_from_db()
    assert first.number == number.text
    assert CaseNumber.objects.filter(case=first).count() == 2
    # Next year starts again at 1.
    assert case_assign_number(case=second, organization=centre, tier=Tier.INTAKE, year=year + 1).sequence == 1


@pytest.mark.django_db
def test_a_rolled_back_creation_leaves_no_gap(roles):
    centre = OrganizationFactory(number_abbr="璧知受")
    make_case(organization=centre)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(organization=centre)
        raise RuntimeError("intake failed after numbering")
    third = make_case(organization=centre)
    assert third.number.endswith("第0002号")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creations_get_fifty_consecutive_numbers(roles):
    centre = OrganizationFactory(number_abbr="璧知受")
    outcomes = race(*[lambda: make_case(organization=centre)] * 50)
    assert errors(outcomes) == []
    sequences = sorted(
        CaseNumber.objects.filter(organization=centre, tier=Tier.INTAKE).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 51))
    assert Case.objects.filter(organization=centre).values("number").distinct().count() == 50
