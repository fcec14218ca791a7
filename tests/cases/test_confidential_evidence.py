"""Confidential evidence (trade secrets …) is for the staff on the case and its submitter only."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Organization, Party, Role
from cases.services import case_grant_user, evidence_add, evidence_set_confidential
from tests.factories import OrganizationFactory, UserFactory, complainant, make_case, staff

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def secret(roles):
    applicant = complainant()
    respondent_user = UserFactory(roles=[Role.RESPONDENT])
    case = make_case(applicant_user=applicant)
    respondent = case.parties.get(role=Party.PartyRole.RESPONDENT)
    Party.objects.filter(pk=respondent.pk).update(user=respondent_user)
    case_grant_user(case=case, user=respondent_user)
    evidence = evidence_add(actor=applicant, case=case, party=case.parties.get(role="applicant"),
                            uploaded_file=SimpleUploadedFile("工艺参数.pdf", PDF), description="保密的工艺参数")
    evidence_set_confidential(actor=applicant, evidence=evidence, confidential=True, reason="商业秘密")
    return case, applicant, respondent_user, evidence


@pytest.mark.django_db
def test_the_other_party_neither_sees_nor_downloads_it(client, secret):
    case, _applicant, respondent_user, evidence = secret
    client.force_login(respondent_user)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "工艺参数" not in page
    assert client.get(reverse("cases:evidence_download", args=[evidence.pk])).status_code == 404
    assert client.get(reverse("v1:evidence-download", args=[evidence.pk])).status_code == 404
    api = client.get(reverse("v1:case-detail", args=[case.pk])).json()
    assert all(e["id"] != evidence.pk for e in api["evidence"])


@pytest.mark.django_db
def test_the_submitter_and_the_staff_on_the_case_see_it(client, secret):
    case, applicant, _respondent_user, evidence = secret
    client.force_login(applicant)
    assert client.get(reverse("cases:evidence_download", args=[evidence.pk])).status_code == 200
    clerk = staff(Role.INTAKE_CLERK, case.organization)
    client.force_login(clerk)
    assert "工艺参数" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    supervisor = staff(Role.SUPERVISOR, OrganizationFactory(name="监督办", kind=Organization.Kind.SUPERVISION,
                                                            district=case.district))
    client.force_login(supervisor)
    assert client.get(reverse("cases:evidence_download", args=[evidence.pk])).status_code == 404


@pytest.mark.django_db
def test_marking_is_audited(secret):
    case, *_ = secret
    event = case.events.get(kind="evidence_visibility_changed")
    assert event.after == {"evidence": secret[3].pk, "confidential": True} and event.public is False
