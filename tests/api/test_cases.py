"""GET /api/v1/cases/ and /cases/{id}/, evidence upload and download: what the UI shows, to whom."""
import base64
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import CaseEvent, CaseStatus, Evidence, Organization, Role
from cases.services import case_change_status, evidence_add
from tests.api.conftest import ELF, PDF
from tests.factories import OrganizationFactory, complainant, make_case, staff

FACTS = "被申请人于2025年3月在其门店销售侵权产品，联系人电话13987654321，经公证购买取得实物。"


@pytest.fixture
def alices_case(alice, centre):
    return make_case(organization=centre, applicant_user=alice, facts=FACTS)


@pytest.fixture
def supervisor(centre):
    office = OrganizationFactory(name="璧山区知识产权统计监督办", kind=Organization.Kind.SUPERVISION,
                                 district=centre.district, number_abbr="璧知监")
    return staff(Role.SUPERVISOR, office)


# -- list -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_only_visible_cases_with_the_documented_fields(api, alice, alices_case, centre):
    make_case(organization=centre, applicant_user=complainant())
    api.force_authenticate(alice)
    response = api.get("/api/v1/cases/")
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body["results"]] == [alices_case.pk]
    assert body["results"][0] == {
        "id": alices_case.pk, "number": alices_case.number, "title": alices_case.title,
        "status": "submitted", "status_display": "待受理", "tier": "intake", "tier_display": "受理分流",
        "organization": centre.name, "submitted_at": body["results"][0]["submitted_at"], "closed_at": None,
    }
    assert body["next"] is None


@pytest.mark.django_db
def test_list_is_cursor_paginated_by_25_newest_first(api, clerk, centre):
    cases = [make_case(organization=centre) for _ in range(27)]
    api.force_authenticate(clerk)
    first = api.get("/api/v1/cases/").json()
    assert len(first["results"]) == 25 and first["previous"] is None
    second = api.get(first["next"]).json()
    ids = [c["id"] for c in first["results"] + second["results"]]
    expected = sorted(cases, key=lambda c: (c.submitted_at, c.pk), reverse=True)
    assert ids == [c.pk for c in expected]
    assert second["next"] is None


@pytest.mark.django_db
def test_list_filters_by_status_and_tier(api, clerk, centre):
    open_case, refused = make_case(organization=centre), make_case(organization=centre)
    case_change_status(case=refused, actor=clerk, to=CaseStatus.REFUSED)
    api.force_authenticate(clerk)
    assert [c["id"] for c in api.get("/api/v1/cases/?status=refused").json()["results"]] == [refused.pk]
    assert {c["id"] for c in api.get("/api/v1/cases/?tier=intake").json()["results"]} == {open_case.pk, refused.pk}
    assert api.get("/api/v1/cases/?tier=mediation").json()["results"] == []
    assert len(api.get("/api/v1/cases/?status=").json()["results"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["status=closed", "tier=heaven", "status=%00", "tier=" + "x" * 5000])
def test_unknown_filter_values_are_400(api, clerk, query):
    api.force_authenticate(clerk)
    response = api.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert "可选值" in " ".join(next(iter(response.json().values())))


@pytest.mark.django_db
@pytest.mark.parametrize("cursor", [
    "garbage", "x" * 4001, base64.b64encode(b"p=not-a-date").decode(), base64.b64encode(b"o=-5&p=x").decode(),
    base64.b64encode(b"r=zz").decode(), base64.b64encode("p=日".encode()).decode(),
])
def test_garbage_cursor_is_400_not_500(api, clerk, centre, cursor):
    make_case(organization=centre)
    api.force_authenticate(clerk)
    for param in ("after", "before"):
        response = api.get("/api/v1/cases/", {param: cursor})
        assert response.status_code == 400
        assert "分页参数无效" in str(response.json())


@pytest.mark.django_db
def test_list_needs_authentication(api):
    assert api.get("/api/v1/cases/").status_code == 401


# -- detail -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_another_complainants_case_is_indistinguishable_from_a_missing_one(api, alices_case):
    api.force_authenticate(complainant())
    other = api.get(f"/api/v1/cases/{alices_case.pk}/")
    missing = api.get("/api/v1/cases/999999/")
    huge = api.get(f"/api/v1/cases/{10**30}/")
    assert other.status_code == missing.status_code == huge.status_code == 404
    assert other.content == missing.content == huge.content


@pytest.mark.django_db
def test_applicant_sees_own_identifiers_and_public_events_only(api, alice, alices_case):
    api.force_authenticate(alice)
    body = api.get(f"/api/v1/cases/{alices_case.pk}/").json()
    applicant, respondent = body["parties"]
    mine = alices_case.parties.get(role="applicant")
    assert applicant["is_me"] and applicant["id_number"] == mine.id_number and applicant["phone"] == "13812345678"
    assert respondent["phone"] == "023-******67" and respondent["address"] is None
    assert body["facts"] == FACTS.replace("13987654321", "139****4321")
    assert {e["kind"] for e in body["events"]} >= {"case_submitted"}
    assert all(e["public"] for e in body["events"])
    assert body["ip_rights"][0]["kind"] == "utility_model"
    assert body["deadlines"][0]["kind"] == "intake_triage"
    assert body["numbers"] == [alices_case.number]
    assert body["can_upload_evidence"] is True
    assert body["status_hint"].startswith("您的申请已收到")


@pytest.mark.django_db
def test_supervisor_sees_the_district_masked(api, alices_case, supervisor):
    api.force_authenticate(supervisor)
    response = api.get(f"/api/v1/cases/{alices_case.pk}/")
    assert response.status_code == 200
    body = response.json()
    applicant = body["parties"][0]
    full_id = alices_case.parties.get(role="applicant").id_number
    assert applicant["id_number"] == full_id[:6] + "********" + full_id[-4:]
    assert applicant["phone"] == "138****5678"
    assert applicant["email"] is None and applicant["address"] is None
    assert "13987654321" not in response.content.decode()
    assert body["can_upload_evidence"] is False
    assert any(not e["public"] for e in body["events"])  # staff see the whole timeline


@pytest.mark.django_db
def test_intake_clerk_of_the_organisation_sees_everything_in_full(api, alices_case, clerk):
    api.force_authenticate(clerk)
    body = api.get(f"/api/v1/cases/{alices_case.pk}/").json()
    applicant = alices_case.parties.get(role="applicant")
    assert body["parties"][0]["id_number"] == applicant.id_number
    assert body["parties"][1]["phone"] == "023-41234567"
    assert body["facts"] == FACTS
    assert any(e["kind"] == "access_granted" for e in body["events"])


@pytest.mark.django_db
def test_clerk_of_another_organisation_gets_404(api, alices_case):
    other = OrganizationFactory(name="长寿区知识产权保护中心")
    api.force_authenticate(staff(Role.INTAKE_CLERK, other))
    assert api.get(f"/api/v1/cases/{alices_case.pk}/").status_code == 404
    assert api.get("/api/v1/cases/").json()["results"] == []


# -- evidence ---------------------------------------------------------------------------------------


def _stored_files(settings):
    root = settings.STORAGES["private"]["OPTIONS"]["location"]
    return [os.path.join(d, f) for d, _dirs, files in os.walk(root) for f in files]


@pytest.mark.django_db
def test_applicant_uploads_evidence(api, alice, alices_case):
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/cases/{alices_case.pk}/evidence/",
                        {"file": SimpleUploadedFile("购买发票.pdf", PDF), "description": "公证购买发票"},
                        format="multipart")
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    body = response.json()
    assert body["id"] == evidence.pk and body["original_name"] == "购买发票.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["party"] == "李明" and body["description"] == "公证购买发票"
    assert body["download_url"] == f"/api/v1/evidence/{evidence.pk}/download/"
    assert evidence.uploaded_by == alice
    assert CaseEvent.objects.filter(case=alices_case, kind="evidence_added", actor=alice).exists()


@pytest.mark.django_db
def test_executable_disguised_as_pdf_is_refused_and_nothing_is_stored(api, alice, alices_case, settings):
    api.force_authenticate(alice)
    before = _stored_files(settings)
    response = api.post(f"/api/v1/cases/{alices_case.pk}/evidence/",
                        {"file": SimpleUploadedFile("合同.pdf", ELF, content_type="application/pdf")},
                        format="multipart")
    assert response.status_code == 400
    assert "可执行程序" in response.json()["file"][0]
    assert not Evidence.objects.exists()
    assert not CaseEvent.objects.filter(kind="evidence_added").exists()
    assert _stored_files(settings) == before


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), [
    ({}, "file"),
    ({"file": "not a file"}, "file"),
    ({"file": SimpleUploadedFile("空.pdf", b"")}, "file"),
    ({"file": SimpleUploadedFile("a.zip", b"PK\x05\x06" + b"\x00" * 18)}, "file"),
    ({"file": SimpleUploadedFile("setup.exe", PDF)}, "file"),
    ({"file": SimpleUploadedFile("x.pdf", PDF), "description": "长" * 301}, "description"),
])
def test_bad_uploads_are_400_in_chinese(api, alice, alices_case, data, field):
    api.force_authenticate(alice)
    response = api.post(f"/api/v1/cases/{alices_case.pk}/evidence/", data, format="multipart")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
def test_upload_rules_match_the_ui(api, alice, alices_case, supervisor, clerk):
    url = f"/api/v1/cases/{alices_case.pk}/evidence/"
    api.force_authenticate(complainant())
    assert api.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart").status_code == 404
    api.force_authenticate(supervisor)
    assert api.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart").status_code == 403
    api.force_authenticate(clerk)
    assert api.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart").status_code == 201
    api.force_authenticate(alice)
    assert api.post(url, {"file": "x"}, format="json").status_code == 415
    case_change_status(case=alices_case, actor=alice, to=CaseStatus.WITHDRAWN)
    closed = api.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart")
    assert closed.status_code == 409
    assert closed.json()["code"] == "closed" and "已经结束" in closed.json()["detail"]
    assert Evidence.objects.count() == 1


@pytest.mark.django_db
def test_download_is_an_attachment_for_those_who_may_see_the_case(api, alice, alices_case, supervisor):
    evidence = evidence_add(actor=alice, case=alices_case, uploaded_file=SimpleUploadedFile("发票.pdf", PDF))
    url = f"/api/v1/evidence/{evidence.pk}/download/"
    api.force_authenticate(alice)
    response = api.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    api.force_authenticate(supervisor)
    assert api.get(url).status_code == 200
    api.force_authenticate(complainant())
    assert api.get(url).status_code == 404
    assert api.get(f"/api/v1/evidence/{10**25}/download/").status_code == 404
    api.force_authenticate(None)
    assert api.get(url).status_code == 401


@pytest.mark.django_db
def test_list_and_detail_query_counts_do_not_grow_with_the_data(api, clerk, alice, centre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_authenticate(clerk)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_case(organization=centre, applicant_user=alice)
    count("/api/v1/cases/")  # warm the permission-id cache
    small = count("/api/v1/cases/")
    for _ in range(10):
        make_case(organization=centre, applicant_user=alice)
    assert count("/api/v1/cases/") == small
    case = make_case(organization=centre, applicant_user=alice)
    count(f"/api/v1/cases/{case.pk}/")
    detail = count(f"/api/v1/cases/{case.pk}/")
    for i in range(5):
        evidence_add(actor=alice, case=case, uploaded_file=SimpleUploadedFile(f"{i}.pdf", PDF))
    assert count(f"/api/v1/cases/{case.pk}/") == detail
