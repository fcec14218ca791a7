"""IPDR_PROTECTED_MEDIA = "nginx": every permission-checked download hands the file to nginx
(X-Accel-Redirect) instead of streaming it; the permission check is unchanged."""
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.documents.models import DocumentType
from cases.documents.services import document_issue
from cases.models import Party, Role
from cases.services import evidence_add
from tests.factories import OrganizationFactory, UserFactory, complainant, make_case, staff

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def world(roles):
    applicant = complainant()
    centre = OrganizationFactory(name="璧山区知识产权保护中心", number_abbr="璧知受")
    case = make_case(organization=centre, applicant_user=applicant)
    evidence = evidence_add(actor=applicant, case=case, party=case.parties.get(role=Party.PartyRole.APPLICANT),
                            uploaded_file=SimpleUploadedFile("专利证书 2024.pdf", PDF), description="专利证书")
    clerk = staff(Role.INTAKE_CLERK, centre)
    document = document_issue(actor=clerk, case=case, doc_type=DocumentType.REFUSAL_NOTICE, organization=centre,
                              context={"reasons": ["同一纠纷已由人民法院立案受理"]})
    return applicant, evidence, document


def _downloads(evidence, document):
    return [
        (reverse("cases:evidence_download", args=[evidence.pk]), evidence.file.name),
        (reverse("v1:evidence-download", args=[evidence.pk]), evidence.file.name),
        (reverse("documents:download", args=[document.pk]), document.file.name),
    ]


@pytest.mark.django_db
def test_nginx_mode_answers_with_x_accel_redirect_and_no_body(client, settings, world):
    settings.IPDR_PROTECTED_MEDIA = "nginx"
    applicant, evidence, document = world
    client.force_login(applicant)
    for url, name in _downloads(evidence, document):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["X-Accel-Redirect"].startswith("/protected/"), url
        # The path nginx is told is the stored file's, percent-encoded; nginx decodes it against its alias.
        assert unquote(response["X-Accel-Redirect"]) == "/protected/" + name
        assert response.content == b""
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    evidence_response = client.get(_downloads(evidence, document)[0][0])
    assert "filename*=utf-8''" in evidence_response["Content-Disposition"]  # the Chinese name survives
    assert evidence_response["Content-Type"] == evidence.content_type


@pytest.mark.django_db
def test_nginx_mode_keeps_the_permission_check(client, settings, world):
    settings.IPDR_PROTECTED_MEDIA = "nginx"
    _applicant, evidence, document = world
    client.force_login(UserFactory(roles=[Role.COMPLAINANT]))  # not a party of this case
    for url, _name in _downloads(evidence, document):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "X-Accel-Redirect" not in response


@pytest.mark.django_db
def test_default_mode_streams_the_file(client, settings, world):
    settings.IPDR_PROTECTED_MEDIA = ""
    applicant, evidence, document = world
    client.force_login(applicant)
    response = client.get(reverse("cases:evidence_download", args=[evidence.pk]))
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PDF
    pdf = client.get(reverse("documents:download", args=[document.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_a_stored_file_that_is_gone_answers_404_when_django_streams(client, settings, world):
    applicant, evidence, _document = world
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(applicant)
    settings.IPDR_PROTECTED_MEDIA = ""
    assert client.get(reverse("v1:evidence-download", args=[evidence.pk])).status_code == 404
