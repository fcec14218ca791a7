"""Fixtures for the REST API tests: an API client, a district with the chain's organisations, users."""
import pytest
from rest_framework.test import APIClient

from cases.models import Industry, Organization, Role
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    complainant,
    credit_code,
    id_number,
    make_case,
    patent_number,
    staff,
)

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"payload"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def centre(roles):
    """The default district's protection centre (where online complaints go)."""
    return OrganizationFactory(name="璧山区知识产权保护中心", number_abbr="璧知受")


@pytest.fixture
def chain(centre):
    """The other organisations of the district: committee, IP office, circuit station."""
    district = centre.district
    return {
        "committee": OrganizationFactory(name="璧山区知识产权纠纷人民调解委员会", district=district,
                                         kind=Organization.Kind.MEDIATION_COMMITTEE, number_abbr="璧知调"),
        "office": OrganizationFactory(name="璧山区市场监督管理局", district=district,
                                      kind=Organization.Kind.IP_OFFICE, number_abbr="璧市监知裁"),
        "station": OrganizationFactory(name="重庆知识产权法庭璧山巡回审判站", district=district,
                                       kind=Organization.Kind.CIRCUIT_STATION, number_abbr="璧知审"),
    }


@pytest.fixture
def alice(roles):
    return complainant(full_name="李明", phone="13900001111")


@pytest.fixture
def clerk(centre):
    return staff(Role.INTAKE_CLERK, centre)


@pytest.fixture
def industry(db):
    return Industry.objects.get_or_create(name="新能源汽车", defaults={"order": 1})[0]


@pytest.fixture
def respondent_user(roles):
    return UserFactory(full_name="重庆某某机械有限公司经办人", roles=[Role.RESPONDENT])


def case_with_respondent_user(*, organization, applicant_user, respondent_user, ip_kind="utility_model"):
    """A case whose respondent party is linked to an account (as the invitation link does)."""
    parties = [
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(),
         "phone": "13812345678", "user": applicant_user},
        {"role": "respondent", "kind": "organization", "name": "重庆某某机械有限公司",
         "credit_code": credit_code(), "phone": "023-41234567", "user": respondent_user},
    ]
    return make_case(organization=organization, applicant_user=applicant_user, parties=parties, ip_kind=ip_kind)


def complaint_payload(**overrides):
    data = {
        "applicant": {"kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678",
                      "address": "重庆市璧山区璧泉街道"},
        "respondents": [{"kind": "organization", "name": "重庆某某机械有限公司", "credit_code": credit_code(),
                         "phone": "023-41234567", "address": "重庆市璧山区青杠街道"}],
        "ip_rights": [{"kind": "utility_model", "number": patent_number(kind_digit=2),
                       "title": "一种新能源汽车电池散热装置", "holder": "李明"}],
        "dispute_type": "infringement",
        "industry": "新能源汽车",
        "facts": "被申请人未经许可制造、销售落入涉案专利保护范围的电池散热装置。",
        "claims": "请求停止侵权并赔偿经济损失5万元。",
        "amount_in_dispute": "50000.00",
        "knowledge_date": "2025-03-01",
        "court_docketed": False,
        "preferred_route": "mediation",
    }
    data.update(overrides)
    return data
