"""A complainant cannot read, download or even detect another person's case or evidence."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Organization, Role
from cases.permissions import access_case, can_see_identifiers, visible_cases
from cases.services import evidence_add
from cases.services.access import case_grant_user
from tests.factories import OrganizationFactory, complainant, make_case, staff

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.fixture
def two_cases(roles):
    alice, bob = complainant(full_name="甲"), complainant(full_name="乙")
    org = OrganizationFactory()
    mine, theirs = make_case(organization=org, applicant_user=alice), make_case(organization=org, applicant_user=bob)
    evidence = evidence_add(actor=bob, case=theirs, uploaded_file=SimpleUploadedFile("x.pdf", PDF))
    return alice, bob, mine, theirs, evidence


@pytest.mark.django_db
def test_other_complainants_case_is_indistinguishable_from_a_missing_one(client, two_cases):
    alice, _bob, mine, theirs, evidence = two_cases
    client.force_login(alice)
    assert client.get(reverse("cases:detail", args=[mine.pk])).status_code == 200
    other = client.get(reverse("cases:detail", args=[theirs.pk]))
    missing = client.get(reverse("cases:detail", args=[999999]))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert theirs.number.encode() not in other.content


@pytest.mark.django_db
def test_other_complainants_evidence_cannot_be_downloaded_or_uploaded_to(client, two_cases):
    alice, bob, _mine, theirs, evidence = two_cases
    client.force_login(alice)
    url = reverse("cases:evidence_download", args=[evidence.pk])
    assert client.get(url).status_code == 404
    upload = client.post(reverse("cases:evidence_upload", args=[theirs.pk]),
                         {"file": SimpleUploadedFile("y.pdf", PDF)})
    assert upload.status_code == 404
    assert theirs.evidence.count() == 1
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_case_list_shows_only_own_cases(client, two_cases):
    alice, _bob, mine, theirs, _e = two_cases
    client.force_login(alice)
    body = client.get(reverse("cases:list")).content.decode()
    assert mine.number in body and theirs.number not in body
    assert list(visible_cases(alice)) == [mine]


@pytest.mark.django_db
def test_organisation_scoping(roles):
    bishan_centre = OrganizationFactory(name="璧山中心")
    other_centre = OrganizationFactory(name="长寿中心")
    case = make_case(organization=bishan_centre)
    insider = staff(Role.INTAKE_CLERK, bishan_centre)
    outsider = staff(Role.INTAKE_CLERK, other_centre)
    assert access_case(insider, case.pk) == case
    assert list(visible_cases(outsider)) == []


@pytest.mark.django_db
def test_supervisor_sees_district_and_masking_follows_role(roles):
    case = make_case()
    supervision = OrganizationFactory(name="监督办", kind=Organization.Kind.SUPERVISION,
                                      district=case.district)
    supervisor = staff(Role.SUPERVISOR, supervision)
    clerk = staff(Role.INTAKE_CLERK, case.organization)
    assert access_case(supervisor, case.pk) == case
    party = case.parties.first()
    assert not can_see_identifiers(supervisor, party)
    assert can_see_identifiers(clerk, party)


@pytest.mark.django_db
def test_role_check_comes_first(roles):
    from django.core.exceptions import PermissionDenied

    case = make_case()
    user = complainant()
    with pytest.raises(PermissionDenied):
        access_case(user, case.pk, roles=[Role.INTAKE_CLERK])


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "1;DROP", "", None, "99999999999999999999"])
def test_garbage_ids_are_404_not_500(bad, roles):
    from django.http import Http404

    with pytest.raises(Http404):
        access_case(complainant(), bad)


@pytest.mark.django_db
def test_a_supervisor_may_read_but_not_add_evidence(client, roles):
    case = make_case()
    supervision = OrganizationFactory(name="监督办", kind=Organization.Kind.SUPERVISION, district=case.district)
    supervisor = staff(Role.SUPERVISOR, supervision)
    client.force_login(supervisor)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and b"upload-form" not in page.content
    response = client.post(reverse("cases:evidence_upload", args=[case.pk]),
                           {"file": SimpleUploadedFile("y.pdf", PDF)})
    assert response.status_code == 403
    assert case.evidence.count() == 0


@pytest.mark.django_db
def test_a_refused_upload_is_explained_beside_the_field(client, roles):
    user = complainant()
    case = make_case(applicant_user=user)
    client.force_login(user)
    response = client.post(reverse("cases:evidence_upload", args=[case.pk]),
                           {"file": SimpleUploadedFile("合同.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64)})
    assert response.status_code == 400
    assert "可执行程序" in response.content.decode()
    assert case.evidence.count() == 0


@pytest.mark.django_db
def test_closing_a_case_stops_its_clocks(roles):
    from cases.models import CaseStatus, Deadline
    from cases.services import case_change_status

    case = make_case()
    assert case.deadlines.filter(state=Deadline.State.RUNNING).count() == 1
    case_change_status(case=case, actor=None, to=CaseStatus.WITHDRAWN)
    assert case.deadlines.filter(state=Deadline.State.RUNNING).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("perm", ["view_case", "change_case"])
def test_both_sql_shapes_of_visible_cases_give_the_same_cases(roles, perm):
    """``ids_first`` only changes the SQL PostgreSQL plans, never who sees what: a citizen with a case of
    its own, staff seeing its organisation's cases plus one granted in person, an outsider, no one else's."""
    centre, other = OrganizationFactory(name="璧山中心"), OrganizationFactory(name="长寿中心")
    alice = complainant(full_name="甲")
    own = make_case(organization=centre, applicant_user=alice)
    centre_case, other_case = make_case(organization=centre), make_case(organization=other)
    clerk = staff(Role.INTAKE_CLERK, centre)
    case_grant_user(case=other_case, user=clerk, perms=("view_case", "change_case"))
    outsider = staff(Role.INTAKE_CLERK, OrganizationFactory(name="荣昌中心"))
    expected = {
        alice: {own.pk} if perm == "view_case" else set(),
        clerk: {own.pk, centre_case.pk, other_case.pk},
        outsider: set(),
    }
    for user, cases in expected.items():
        for ids_first in (None, True, False):
            assert set(visible_cases(user, perm, ids_first=ids_first).values_list("pk", flat=True)) == cases, (
                user, ids_first)


@pytest.mark.django_db
def test_a_queue_lists_only_what_the_users_organisation_holds(roles):
    """held_cases narrows visible_cases to the user's organisation: a case the clerk was granted in person but
    that another centre holds stays visible to the clerk, and stays out of the clerk's intake queue."""
    from cases.intake.selectors import intake_queue
    from cases.permissions import held_cases

    home, elsewhere = OrganizationFactory(name="璧山中心"), OrganizationFactory(name="长寿中心")
    ours, theirs = make_case(organization=home), make_case(organization=elsewhere)
    clerk = staff(Role.INTAKE_CLERK, home)
    case_grant_user(case=theirs, user=clerk, perms=("view_case", "change_case"))
    assert set(visible_cases(clerk, "change_case")) == {ours, theirs}
    assert list(held_cases(clerk, "change_case")) == [ours]
    assert list(intake_queue(clerk)) == [ours]
    admin = staff(Role.SYSADMIN, None)
    assert set(held_cases(admin)) >= {ours, theirs}


@pytest.mark.django_db
def test_the_home_page_counts_the_organisations_cases_in_progress(client, roles):
    """Staff see "本机构办理中 N 件" and the newest cases their organisation holds; a supervisor still sees the
    district's."""
    home, elsewhere = OrganizationFactory(name="璧山中心"), OrganizationFactory(name="长寿中心")
    ours, theirs = make_case(organization=home), make_case(organization=elsewhere)
    make_case(organization=home)
    clerk = staff(Role.INTAKE_CLERK, home)
    case_grant_user(case=theirs, user=clerk)
    client.force_login(clerk)
    body = client.get(reverse("home")).content.decode()
    assert "本机构办理中 2 件" in body
    assert ours.number in body and theirs.number not in body  # recent cases: the centre's own
    supervision = OrganizationFactory(name="监督办", kind=Organization.Kind.SUPERVISION, district=ours.district)
    client.force_login(staff(Role.SUPERVISOR, supervision))
    body = client.get(reverse("home")).content.decode()
    assert "本机构办理中" not in body and "办理中" in body
