"""Download through the case's permissions; verify publicly without learning anything about the parties."""
from urllib.parse import quote

import pytest
from django.http import Http404
from django.urls import reverse

from cases.documents.models import DocumentType
from cases.documents.permissions import document_for_user
from cases.models import Role
from cases.services import case_grant_user
from tests.factories import OrganizationFactory, complainant, make_case, staff

pytestmark = pytest.mark.django_db


def _body(response):
    return b"".join(response.streaming_content)


def test_a_party_downloads_a_public_document_as_an_attachment(client, issue, applicant):
    document = issue()
    client.force_login(applicant)
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert quote(f"受理通知书-{document.number}.pdf") in disposition
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    with document.file.open("rb") as fh:
        assert _body(response) == fh.read()


def test_a_complainant_of_another_case_gets_404(client, issue, centre, roles):
    document = issue()
    stranger = complainant(full_name="张三")
    make_case(organization=centre, applicant_user=stranger, applicant_name="张三")
    client.force_login(stranger)
    response = client.get(reverse("documents:download", args=[document.pk]))
    missing = client.get(reverse("documents:download", args=[999999]))
    assert response.status_code == missing.status_code == 404
    assert response.content == missing.content


def test_anonymous_visitors_are_sent_to_login(client, issue):
    document = issue()
    response = client.get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_party_gets_404_on_a_non_public_document_that_staff_can_download(client, issue, applicant, clerk, roles):
    internal = issue(DocumentType.REFUSAL_NOTICE, public=False)
    url = reverse("documents:download", args=[internal.pk])
    client.force_login(applicant)
    assert client.get(url).status_code == 404
    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_non_public_documents_need_staff_working_on_the_case(issue, case, clerk, roles):
    internal = issue(DocumentType.REFUSAL_NOTICE, public=False)
    assert document_for_user(clerk, internal.pk) == internal
    # staff of an unrelated organisation: the case is invisible, so 404
    outsider = staff(Role.INTAKE_CLERK, OrganizationFactory())
    with pytest.raises(Http404):
        document_for_user(outsider, internal.pk)
    # a mediator granted the case in person sees it
    mediator = staff(Role.MEDIATOR, OrganizationFactory(kind="mediation_committee"))
    case_grant_user(case=case, user=mediator)
    assert document_for_user(mediator, internal.pk) == internal
    # a supervisor sees the district's cases, but internal documents are for the staff working on them
    supervisor = staff(Role.SUPERVISOR, OrganizationFactory(kind="supervision", district=case.district))
    public = issue()
    assert document_for_user(supervisor, public.pk) == public
    with pytest.raises(Http404):
        document_for_user(supervisor, internal.pk)
    # a staff member who is also a party of this case is treated as a party
    party_staff = staff(Role.INTAKE_CLERK, case.organization)
    case.parties.filter(role="respondent").update(user=party_staff)
    with pytest.raises(Http404):
        document_for_user(party_staff, internal.pk)
    with pytest.raises(Http404):
        document_for_user(clerk, "not-a-number")


def test_verify_page_confirms_the_document_without_naming_the_parties(client, issue, case):
    document = issue()
    response = client.get(reverse("documents:verify", args=[document.verification_code]))
    assert response.status_code == 200
    html = response.content.decode()
    for expected in (document.sha256, "璧山区知识产权保护中心", document.number, "受理通知书", "现行有效",
                     f"{document.issued_at.astimezone().year}年"):
        assert expected in html, expected
    for secret in ("李明", "重庆某某机械有限公司", case.number, case.title, "实用新型"):
        assert secret not in html, secret
    assert 'name="robots" content="noindex' in html


def test_verify_page_says_when_a_document_was_superseded(client, issue):
    old = issue()
    new = issue()
    html = client.get(reverse("documents:verify", args=[old.verification_code])).content.decode()
    assert "已被新版本替代" in html and new.number in html and old.sha256 in html
    html = client.get(reverse("documents:verify", args=[new.verification_code])).content.decode()
    assert "现行有效" in html and "已被新版本替代" not in html


def test_verify_page_for_an_unknown_code_is_a_clear_404(client, issue):
    issue()
    response = client.get(reverse("documents:verify", args=["Zm9vYmFyYmF6cXV4cXV1eHh4"]))
    assert response.status_code == 404
    assert "未找到与该验证码对应的文书" in response.content.decode()


def test_verify_page_renders_for_a_signed_in_user_too(client, issue, applicant):
    document = issue()
    client.force_login(applicant)
    response = client.get(reverse("documents:verify", args=[document.verification_code]))
    assert response.status_code == 200 and document.sha256 in response.content.decode()


def test_documents_printing_full_identifiers_are_for_the_parties_and_roles_that_need_them(
        client, issue, case, applicant, clerk, roles):
    """An agreement, confirmation application or decision names the parties by ID number: a supervisor
    or a technical investigator working on the case neither downloads it nor sees it listed."""
    from cases.documents.models import Document
    from cases.documents.selectors import case_documents

    agreement = issue()
    Document.objects.filter(pk=agreement.pk).update(doc_type=DocumentType.MEDIATION_AGREEMENT)
    notice = issue()
    supervisor = staff(Role.SUPERVISOR, OrganizationFactory(kind="supervision", district=case.district))
    investigator = staff(Role.TECHNICAL_INVESTIGATOR, OrganizationFactory(kind="ip_office", district=case.district))
    case_grant_user(case=case, user=investigator)
    url = reverse("documents:download", args=[agreement.pk])
    for user in (supervisor, investigator):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(reverse("documents:download", args=[notice.pk])).status_code == 200
        assert [d.pk for d in case_documents(user, case)] == [notice.pk]
    for user in (applicant, clerk):
        client.force_login(user)
        assert client.get(url).status_code == 200
        assert agreement.pk in [d.pk for d in case_documents(user, case)]
