"""The server-rendered pages: login, home, case list and case detail."""
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from cases import services
from cases.models import Evidence, Organization, Role
from tests.factories import OrganizationFactory, complainant, make_case, staff

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode()


def test_login_page_in_chinese_with_labelled_fields(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="zh-hans">' in html
    assert "知识产权纠纷多元化解平台" in html
    assert re.search(r'<label for="id_username">\s*用户名 / 手机号 / 邮箱\s*</label>', html)
    assert re.search(r'<label for="id_password">\s*密码\s*</label>', html)
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'href="#content"' in html and 'id="content"' in html
    assert "<script" not in html and 'style="' not in html


def test_login_failure_shows_the_error_tied_to_the_form(client, roles):
    complainant(username="wang")
    response = client.post(reverse("login"), {"username": "wang", "password": "wrong-password"})
    assert response.status_code == 200
    html = _html(response)
    assert "账号或密码不正确" in html
    assert 'role="alert"' in html


def test_lockout_page_after_repeated_failures(client, roles):
    complainant(username="zhao")
    response = None
    for _ in range(6):
        response = client.post(reverse("login"), {"username": "zhao", "password": "wrong-password"})
    assert response.status_code == 429
    assert "登录失败次数过多，账号已锁定30分钟，请稍后再试。" in _html(response)


def test_home_for_a_complainant_shows_my_cases_in_plain_words(client, roles):
    user = complainant(full_name="李明")
    case = make_case(applicant_user=user)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = _html(response)
    assert "我的案件" in html
    assert "您好，李明" in html
    assert case.number in html
    assert reverse("cases:detail", args=[case.pk]) in html
    assert "待受理" in html
    assert "受理员将在5个工作日内审查" in html
    assert "我的待办期限" not in html


def test_home_for_a_complainant_without_cases_has_an_empty_state(client, roles):
    user = complainant()
    client.force_login(user)
    html = _html(client.get(reverse("home")))
    assert "您还没有案件。" in html


def test_home_for_an_intake_clerk_lists_deadlines(client, roles):
    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org)
    case = make_case(organization=org, applicant_user=complainant())
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = _html(response)
    assert "我的待办期限" in html
    assert "受理审查" in html
    assert case.number in html
    assert reverse("cases:detail", args=[case.pk]) in html
    assert "受理员" in html
    assert 'data-label="届满日"' in html


def test_case_list_shows_own_case_not_another_complainants(client, roles):
    org = OrganizationFactory()
    mine_user, other_user = complainant(), complainant()
    mine = make_case(organization=org, applicant_user=mine_user, respondent_name="重庆甲公司")
    other = make_case(organization=org, applicant_user=other_user, respondent_name="重庆乙公司")
    client.force_login(mine_user)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 200
    html = _html(response)
    assert mine.number in html and reverse("cases:detail", args=[mine.pk]) in html
    assert other.number not in html and reverse("cases:detail", args=[other.pk]) not in html
    assert '<label for="filter-status">' in html


def test_case_list_filters_and_empty_state(client, roles):
    user = complainant()
    case = make_case(applicant_user=user)
    client.force_login(user)
    html = _html(client.get(reverse("cases:list"), {"status": "mediating"}))
    assert case.number not in html
    assert "没有符合筛选条件的案件。" in html
    assert '<option value="mediating" selected>' in html
    html = _html(client.get(reverse("cases:list"), {"q": case.number}))
    assert case.number in html


def test_case_list_pagination_keeps_filters(client, roles, settings):
    from cases import selectors

    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org)
    for _ in range(selectors.PAGE_SIZE + 1):
        make_case(organization=org, applicant_user=complainant())
    client.force_login(clerk)
    response = client.get(reverse("cases:list"), {"status": "submitted"})
    html = _html(response)
    assert "?status=submitted&amp;after=" in html
    page = response.context["page"]
    assert len(page.object_list) == selectors.PAGE_SIZE and page.count == selectors.PAGE_SIZE + 1
    rest = client.get(reverse("cases:list"), {"status": "submitted", "after": page.next_cursor}).context["page"]
    assert len(rest.object_list) == 1 and rest.object_list[0] not in page.object_list
    # A tampered cursor shows the first page, never an error.
    tampered = client.get(reverse("cases:list"), {"status": "submitted", "after": page.next_cursor[:-3] + "abc"})
    assert tampered.status_code == 200 and tampered.context["page"].invalid_cursor
    assert len(tampered.context["page"].object_list) == selectors.PAGE_SIZE


def test_case_detail_masks_identifiers_for_a_supervisor(client, roles):
    owner = OrganizationFactory()
    supervision = OrganizationFactory(kind=Organization.Kind.SUPERVISION, district=owner.district)
    supervisor = staff(Role.SUPERVISOR, supervision)
    case = make_case(organization=owner, applicant_user=complainant(), applicant_name="李明",
                     respondent_name="重庆某某机械有限公司")
    client.force_login(supervisor)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    html = _html(response)
    assert "李明" in html and "重庆某某机械有限公司" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    applicant = case.parties.get(role="applicant")
    respondent = case.parties.get(role="respondent")
    assert applicant.id_number not in html
    assert applicant.id_number[:6] + "********" + applicant.id_number[-4:] in html
    assert respondent.credit_code in html  # public information: shown in full


def test_case_detail_shows_full_identifiers_to_the_intake_clerk(client, roles):
    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org)
    case = make_case(organization=org, applicant_user=complainant())
    client.force_login(clerk)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "13812345678" in html
    assert "138****5678" not in html
    assert case.parties.get(role="applicant").id_number in html


def test_case_detail_timeline_evidence_and_upload_form(client, roles):
    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org)
    user = complainant()
    case = make_case(organization=org, applicant_user=user)
    services.case_change_status(case=case, actor=clerk, to="supplement_requested", reason="请补充专利证书")
    content = b"%PDF-1.4 test"
    digest = hashlib.sha256(content).hexdigest()
    evidence = Evidence(
        case=case, uploaded_by=user, original_name="专利证书.pdf", content_type="application/pdf",
        size=2048, sha256=digest, description="专利证书复印件",
    )
    evidence.file.save("x", ContentFile(content), save=False)
    evidence.save()

    client.force_login(user)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "状态变更：待受理 → 待补正" in html
    assert "提交申请" in html and "编立案号" in html
    assert "授权" not in html  # access events are for staff only
    assert reverse("cases:evidence_download", args=[evidence.pk]) in html
    assert f'title="{digest}"' in html and digest[:12] + "…" in html
    assert "2.0" in html and "KB" in html
    assert 'enctype="multipart/form-data"' in html
    assert reverse("cases:evidence_upload", args=[case.pk]) in html
    assert 'accept="' in html and ".pdf" in html
    assert '<label for="id_file">' in html
    # The party sees its own phone number in full.
    assert "13812345678" in html

    client.force_login(clerk)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "授权" in html


def test_english_switch_sets_the_page_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    html = _html(client.get(reverse("login")))
    assert '<html lang="en">' in html


def test_home_marks_overdue_and_provisional_deadlines(client, roles):
    import datetime

    from cases.models import Deadline

    org = OrganizationFactory()
    clerk = staff(Role.INTAKE_CLERK, org)
    case = make_case(organization=org, applicant_user=complainant())
    Deadline.objects.filter(case=case).update(provisional=True, due_date=datetime.date(2020, 1, 6))
    client.force_login(clerk)
    html = _html(client.get(reverse("home")))
    assert "已逾期" in html
    assert 'class="provisional" title="所涉年份的节假日安排尚未公布' in html
    assert "暂定" in html
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "已逾期" in html and "暂定" in html


def test_event_label_filter():
    from types import SimpleNamespace

    from cases.templatetags.case_tags import event_label

    def ev(kind, before=None, after=None):
        return SimpleNamespace(kind=kind, before=before, after=after)

    assert event_label(ev("case_submitted")) == "提交申请"
    assert event_label(ev("status_changed", {"status": "submitted"}, {"status": "mediating"})) == (
        "状态变更：待受理 → 调解中"
    )
    assert event_label(ev("status_changed", None, {"status": "bogus"})) == "状态变更为：bogus"
    assert event_label(ev("status_changed")) == "状态变更"
    assert event_label(ev("organization_changed")) == "移交机构"
    assert event_label(ev("something_new")) == "something_new"


def test_party_sees_other_partys_phone_masked(client, roles):
    user = complainant()
    case = make_case(applicant_user=user)
    client.force_login(user)
    html = _html(client.get(reverse("cases:detail", args=[case.pk])))
    assert "023-******67" in html and "023-41234567" not in html
