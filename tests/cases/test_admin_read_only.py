"""Records that services write (with their audit trail) are shown in the admin and never added, changed or
deleted there, whichever app they belong to (``cases.admin_mixins.ReadOnlyAdminMixin``)."""
import pytest
from django.contrib import admin
from django.urls import reverse

from cases.admin_mixins import ReadOnlyAdminMixin
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

READ_ONLY = [
    "cases.case", "cases.caseevent", "audit.auditlog",
    "adjudication.adjudication", "adjudication.decision", "documents.document", "documents.service",
    "mediation.mediationassignment", "mediation.courtdelegation", "surveys.surveyinvitation",
    "tribunal.dockingcall",
]


def test_the_read_only_admins_are_the_ones_listed():
    shared = {f"{m._meta.app_label}.{m._meta.model_name}" for m, a in admin.site._registry.items()
              if isinstance(a, ReadOnlyAdminMixin)}
    assert set(READ_ONLY) <= shared


@pytest.mark.parametrize("label", READ_ONLY)
def test_a_superuser_can_list_but_not_add(client, label):
    app_label, model_name = label.split(".")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403
