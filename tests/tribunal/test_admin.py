"""The admin shows the station's court stages and confirmation rulings, and lets nobody change them there."""
import pytest
from django.urls import reverse

from cases.tribunal import services as tribunal
from cases.tribunal.models import CourtStage
from tests.factories import UserFactory
from tests.tribunal.conftest import failed_to_court

pytestmark = pytest.mark.django_db


def test_court_stages_and_rulings_are_read_only_in_the_admin(client, court, people):
    case = failed_to_court(court, people)
    stage = tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:tribunal_courtstage_changelist"))
    assert listing.status_code == 200 and case.number in listing.content.decode()
    assert client.get(reverse("admin:tribunal_confirmationruling_changelist")).status_code == 200
    change_url = reverse("admin:tribunal_courtstage_change", args=[stage.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="summary"' not in page.content.decode()
    client.post(change_url, {"summary": "改动", "outcome": "judgment"})
    stage.refresh_from_db()
    assert stage.summary == "" and stage.outcome == ""
    assert client.get(reverse("admin:tribunal_courtstage_add")).status_code == 403
    assert client.post(reverse("admin:tribunal_courtstage_delete", args=[stage.pk]), {"post": "yes"}).status_code == 403
    assert CourtStage.objects.filter(pk=stage.pk).exists()
