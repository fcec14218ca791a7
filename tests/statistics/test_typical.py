"""Typical cases: proposed by a director with names, numbers and addresses masked; approved by a supervisor
after a second check; listed publicly by IP type and industry without a trace of the persons."""
import re

import pytest
from rest_framework.test import APIClient

from cases.models import CaseEvent, Party
from cases.statistics.anonymize import find_unmasked, masked_draft, reduce_address
from cases.statistics.models import TypicalCase

pytestmark = pytest.mark.django_db

ID_RE = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
LANDLINE_RE = re.compile(r"(?<![\d*])0\d{2,3}-\d{7,8}(?!\d)")


def _persons(case):
    names = set()
    for party in Party.objects.filter(case=case):
        if party.kind == Party.Kind.PERSON:
            names.add(party.name)
        if party.legal_representative:
            names.add(party.legal_representative)
    return names


def _propose(client, world, case, **changes):
    client.force_login(world.who.director)
    page = client.get(f"/statistics/typical/propose/{case.pk}/")
    assert page.status_code == 200
    form = {name: _field(page.content.decode(), name) for name in ("title", "facts", "claims", "outcome")}
    form.update(significance="调解前置、快速化解，为新能源汽车企业节省了维权成本。", propose="1", **changes)
    return client.post(f"/statistics/typical/propose/{case.pk}/", form)


def _field(page, name):
    import html

    match = re.search(rf'name="{name}"[^>]*?(?:value="([^"]*)"[^>]*>|>(.*?)</textarea>)', page, re.S)
    assert match, name
    return html.unescape(match.group(1) if match.group(1) is not None else match.group(2)).strip()


def test_the_draft_is_masked_automatically(world):
    c1 = world.cases.c1
    draft = masked_draft(c1, mask_companies=False)
    assert draft["title"] == "李某与重庆某某机械有限公司实用新型专利侵权纠纷"
    assert "李某（身份证号码见附件）" in draft["facts"] and "138****5678" in draft["facts"]
    assert "李明" not in draft["facts"] and not MOBILE_RE.search(draft["facts"])
    assert find_unmasked({"facts": draft["facts"], "title": draft["title"]}, c1, mask_companies=False) == []
    companies = masked_draft(c1, mask_companies=True)
    assert companies["title"] == "李某与重庆某机械有限公司实用新型专利侵权纠纷"
    assert "重庆某某机械有限公司" not in companies["facts"]


def test_names_numbers_and_addresses_are_found_wherever_they_remain(world):
    c1 = world.cases.c1
    id_number = c1.parties.get(role="applicant").id_number
    text = (f"李明，身份证{id_number}，住重庆市璧山区璧泉街道88号，电话13812345678、023-41234567，"
            "liming@example.cn；张伟到场。")
    problems = find_unmasked({"基本案情": text}, c1, mask_companies=False)
    assert len(problems) == 1
    for item in ("身份证号码", "电话号码", "电子邮箱", "姓名“李明”", "姓名“张伟”", "详细地址"):
        assert item in problems[0]
    assert find_unmasked({"标题": "重庆某某机械有限公司"}, c1, mask_companies=True)
    assert find_unmasked({"标题": "重庆某某机械有限公司"}, c1, mask_companies=False) == []
    assert reduce_address("重庆市璧山区璧泉街道88号") == "重庆市璧山区"
    assert reduce_address("四川省成都市武侯区某路1号") == "四川省成都市武侯区"
    assert reduce_address("某地") == ""


def test_a_director_proposes_and_a_supervisor_publishes(client, world):
    c1 = world.cases.c1
    response = _propose(client, world, c1)
    assert response.status_code == 302
    typical = TypicalCase.objects.get()
    assert typical.state == "proposed" and typical.organization == world.bishan.committee
    assert typical.ip_kind == "utility_model" and typical.industry.name == "新能源汽车"
    assert "挽回经济损失6万元" in typical.outcome
    assert CaseEvent.objects.filter(case=c1, kind="typical_case_proposed").exists()
    # not public yet
    assert client.get(f"/typical-cases/{typical.pk}/").status_code == 404

    client.force_login(world.who.supervisor)
    review = client.get(f"/statistics/typical/{typical.pk}/review/")
    assert review.status_code == 200 and "自动检查未发现" in review.content.decode()
    response = client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "publish"})
    assert response.status_code == 302
    typical.refresh_from_db()
    assert typical.state == "published" and typical.published_at is not None
    assert CaseEvent.objects.filter(case=c1, kind="typical_case_published").exists()


def test_the_public_page_holds_no_id_number_phone_number_or_persons_name(client, world):
    c1 = world.cases.c1
    _propose(client, world, c1)
    client.force_login(world.who.supervisor)
    typical = TypicalCase.objects.get()
    client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "publish"})
    client.logout()
    pages = [client.get("/typical-cases/"), client.get(f"/typical-cases/{typical.pk}/"),
             APIClient().get("/api/v1/typical-cases/")]
    assert [p.status_code for p in pages] == [200, 200, 200]
    detail = pages[1].content.decode()
    assert "基本案情" in detail and "李某" in detail and "重庆市璧山区" in detail
    for page in pages:
        text = page.content.decode() if not hasattr(page, "json") else page.content.decode("utf-8")
        import json

        if page["Content-Type"].startswith("application/json"):
            text = json.dumps(page.json(), ensure_ascii=False)
        assert not ID_RE.search(text) and not MOBILE_RE.search(text) and not LANDLINE_RE.search(text)
        for name in _persons(c1) | {"赵律师", "李明"}:
            assert name not in text, name
        for party in Party.objects.filter(case=c1):
            for value in (party.id_number, party.phone, party.email, party.address):
                assert not value or value not in text
    assert 'name="viewport"' in detail and "<script" not in detail


def test_an_edited_text_with_a_name_left_in_it_is_refused(client, world):
    response = _propose(client, world, world.cases.c1, facts="申请人李明与被申请人协商不成，遂申请调解。")
    assert response.status_code == 400
    page = response.content.decode()
    assert "基本案情中仍有未隐去的姓名“李明”" in page and 'role="alert"' in page
    assert not TypicalCase.objects.exists()


def test_the_approval_checks_again_and_refuses(client, world):
    c2 = world.cases.c2
    # a proposal whose text was changed after the proposal (e.g. through the database)
    typical = TypicalCase.objects.create(
        case=c2, title="王某商标侵权纠纷", facts="王芳的手机13812345678。", claims="请求赔偿。", outcome="调解终止。",
        district=c2.district, organization=world.bishan.committee, proposed_by=world.who.director,
    )
    client.force_login(world.who.supervisor)
    review = client.get(f"/statistics/typical/{typical.pk}/review/").content.decode()
    assert "不能发布" in review and "姓名“王芳”" in review and "电话号码" in review
    response = client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "publish"})
    assert response.status_code == 400 and "仍有未隐去" in response.content.decode()
    typical.refresh_from_db()
    assert typical.state == "proposed"
    response = client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "reject"})
    assert response.status_code == 400 and "退回时请填写理由" in response.content.decode()
    response = client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "reject", "note": "请隐去姓名。"})
    assert response.status_code == 302
    typical.refresh_from_db()
    assert typical.state == "rejected" and typical.review_note == "请隐去姓名。"


def test_companies_can_be_masked_by_choice(client, world):
    client.force_login(world.who.director)
    page = client.post(f"/statistics/typical/propose/{world.cases.c1.pk}/",
                       {"regenerate": "1", "mask_companies": "on"}).content.decode()
    assert "重庆某机械有限公司" in page and "重庆某某机械有限公司" not in page
    response = _propose(client, world, world.cases.c1, mask_companies="on",
                        title="重庆某某机械有限公司侵权纠纷")
    assert response.status_code == 400 and "单位名称" in response.content.decode()


def test_only_closed_cases_visible_to_the_director_can_be_proposed(client, world):
    client.force_login(world.who.director)
    assert client.get(f"/statistics/typical/propose/{world.cases.c5.pk}/").status_code == 409  # still open
    assert client.get(f"/statistics/typical/propose/{world.cases.c7.pk}/").status_code == 404  # 长寿区
    manage = client.get("/statistics/typical/").content.decode()
    assert world.cases.c1.number in manage and world.cases.c7.number not in manage
    client.force_login(world.who.complainant)
    assert client.get("/statistics/typical/").status_code == 403
    assert client.get(f"/statistics/typical/propose/{world.cases.c1.pk}/").status_code == 403
    client.force_login(world.who.supervisor)  # supervisors approve, they do not propose
    assert client.get(f"/statistics/typical/propose/{world.cases.c1.pk}/").status_code == 403


def test_a_case_is_proposed_once(client, world):
    assert _propose(client, world, world.cases.c1).status_code == 302
    assert client.get(f"/statistics/typical/propose/{world.cases.c1.pk}/").status_code == 409


def test_a_supervisor_of_another_district_cannot_review(client, world):
    from cases.models import Role
    from tests.factories import staff

    _propose(client, world, world.cases.c1)
    typical = TypicalCase.objects.get()
    other = staff(Role.SUPERVISOR, world.changshou.supervision)
    client.force_login(other)
    assert client.get(f"/statistics/typical/{typical.pk}/review/").status_code == 404
    assert client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "publish"}).status_code == 404


def test_the_public_list_filters_by_ip_type_and_industry(client, world):
    _propose(client, world, world.cases.c1)
    client.force_login(world.who.supervisor)
    typical = TypicalCase.objects.get()
    client.post(f"/statistics/typical/{typical.pk}/review/", {"decision": "publish"})
    client.logout()
    assert typical.title in client.get("/typical-cases/", {"ip_kind": "utility_model"}).content.decode()
    assert typical.title not in client.get("/typical-cases/", {"ip_kind": "trademark"}).content.decode()
    industry = world.industries["新能源汽车"]
    assert typical.title in client.get("/typical-cases/", {"industry": industry.pk}).content.decode()
    other = world.industries["大健康"]
    assert "暂无符合条件的典型案例" in client.get("/typical-cases/", {"industry": other.pk}).content.decode()
    bad = client.get("/typical-cases/", {"ip_kind": "<script>", "industry": "x"})
    assert bad.status_code == 400 and "筛选条件无效" in bad.content.decode()
    assert client.get("/typical-cases/99999999999999999999/").status_code == 404
    api = APIClient().get("/api/v1/typical-cases/", {"ip_kind": "utility_model"}).json()
    assert [r["title"] for r in api["results"]] == [typical.title]
    assert api["results"][0]["url"] == f"/typical-cases/{typical.pk}/"
