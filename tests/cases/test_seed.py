import pytest
from django.core.management import call_command

from cases.models import Case, CaseNumber, CaseStatus, Evidence, Organization, Role, User


@pytest.mark.django_db
def test_seed_demo_runs_twice_without_error_or_duplicates(capsys):
    call_command("seed_demo", cases=40)
    first = capsys.readouterr().out
    counts = (Case.objects.count(), CaseNumber.objects.count(), User.objects.count(),
              Organization.objects.count(), Evidence.objects.count())
    call_command("seed_demo", cases=40)
    again = (Case.objects.count(), CaseNumber.objects.count(), User.objects.count(),
             Organization.objects.count(), Evidence.objects.count())
    assert counts == again
    assert counts[0] == 40 and counts[4] == 40
    # One demo account per role, printed with its password.
    for role in Role:
        assert User.objects.filter(groups__name=role.value).count() >= 1
    assert "Demo@2026ipdr" in first and "intake" in first
    # Realistic: numbers in the official style, cases in many statuses across the tiers.
    assert all(n.startswith("（") and n.endswith("号") for n in Case.objects.values_list("number", flat=True))
    assert Case.objects.values("status").distinct().count() >= 8
    assert Case.objects.filter(status=CaseStatus.MEDIATED).exists()


@pytest.mark.django_db
def test_seed_demo_complainant_owns_cases(client):
    call_command("seed_demo", cases=24, quiet=True)
    complainant = User.objects.get(username="complainant")
    client.force_login(complainant)
    own = Case.objects.filter(parties__user=complainant).distinct()
    assert own.exists()
    body = client.get("/cases/").content.decode()
    assert all(c.number in body for c in own[:5])
