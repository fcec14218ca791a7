"""The case page lists the documents the reader may download, and nothing more."""
import pytest
from django.urls import reverse

from cases.documents.services import document_issue
from workflows import router


@pytest.mark.django_db
def test_applicant_sees_and_downloads_the_acceptance_notice(client, chain, applicant, new_case):
    case = new_case()
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    client.force_login(applicant)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    notice = case.documents.get(doc_type="acceptance_notice")
    assert "受理通知书" in page and reverse("documents:download", args=[notice.pk]) in page
    response = client.get(reverse("documents:download", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_internal_documents_are_listed_for_staff_only(client, chain, applicant, new_case):
    case = new_case()
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    case.refresh_from_db()
    hidden = document_issue(
        actor=chain.director, case=case, doc_type="acceptance_notice", organization=chain.committee,
        context={"route": "mediation"}, public=False, title="受理审查内部稿", series="internal",
    )
    client.force_login(applicant)
    assert "受理审查内部稿" not in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert client.get(reverse("documents:download", args=[hidden.pk])).status_code == 404
    client.force_login(chain.director)
    assert "受理审查内部稿" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


@pytest.mark.django_db
def test_the_acceptance_notice_is_served_and_receipt_confirmed_when_opened(client, chain, applicant, new_case):
    from cases.documents.models import Service

    case = new_case()
    router.accept_complaint(actor=chain.clerk, case=case, route="mediation")
    notice = case.documents.get(doc_type="acceptance_notice")
    service = Service.objects.get(document=notice)
    assert service.method == "in_app" and service.party.user == applicant and service.received_at is None
    client.force_login(applicant)
    client.get(reverse("documents:download", args=[notice.pk]))
    client.get(reverse("documents:download", args=[notice.pk]))
    service.refresh_from_db()
    assert service.received_at is not None and service.receipt_document.doc_type == "service_receipt"
    assert Service.objects.filter(document=notice).count() == 1
    # The clerk opening it confirms nothing: only the recipient's own access counts.
    assert case.documents.filter(doc_type="service_receipt").count() == 1
