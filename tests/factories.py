"""factory_boy factories for test data. Cases are made through the real service."""
import itertools

import factory
from django.contrib.auth.models import Group

from cases import models
from cases.models import Organization, Role
from cases.services.access import user_set_roles

_seq = itertools.count(1)


def id_number(birth="19850312", region="500227", serial=None) -> str:
    """A valid 18-digit 居民身份证号码 (GB 11643 check digit computed here)."""
    serial = f"{serial if serial is not None else next(_seq) % 1000:03d}"
    body = region + birth + serial
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def credit_code(seed=None) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character computed here)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    n = seed if seed is not None else next(_seq)
    body = "91500227" + f"{n:09d}"[-9:]
    body = body[:17]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(alphabet.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + alphabet[(31 - total % 31) % 31]


def patent_number(year=2023, kind_digit=2, serial=None) -> str:
    """A valid Chinese patent application number with its mod-11 check digit."""
    digits = f"{year}{kind_digit}{(serial if serial is not None else next(_seq)):07d}"
    weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
    check = sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.District
        django_get_or_create = ("name",)

    name = "璧山区"
    abbr = "璧"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"璧山区知识产权保护中心{n}")
    kind = Organization.Kind.PROTECTION_CENTRE
    district = factory.SubFactory(DistrictFactory)
    number_abbr = factory.Sequence(lambda n: f"璧知受{n}")
    members_group = factory.LazyAttribute(lambda o: Group.objects.get_or_create(name=f"org:{o.name}")[0])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    password = factory.django.Password("Correct-Horse-42")
    organization = None

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        if self.organization_id:
            self.groups.add(self.organization.members_group)
        if extracted:
            user_set_roles(user=self, roles=extracted)


def staff(role: Role, organization, **kwargs):
    return UserFactory(organization=organization, roles=[role], **kwargs)


def complainant(**kwargs):
    return UserFactory(roles=[Role.COMPLAINANT], **kwargs)


def make_case(*, organization=None, applicant_user=None, actor=None, respondent_name="重庆某某机械有限公司",
              applicant_name="李明", ip_kind="utility_model", dispute_type="infringement", **kwargs):
    """A submitted case through ``case_create`` (so numbers, rights, events and deadlines are real)."""
    from cases.services import case_create

    organization = organization or OrganizationFactory()
    parties = [
        {"role": "applicant", "kind": "person", "name": applicant_name, "id_number": id_number(),
         "phone": "13812345678", "user": applicant_user},
        {"role": "respondent", "kind": "organization", "name": respondent_name,
         "credit_code": credit_code(), "phone": "023-41234567"},
    ]
    rights = [{"kind": ip_kind, "number": patent_number(kind_digit={"invention_patent": 1, "utility_model": 2,
                                                                    "design_patent": 3}.get(ip_kind, 2)),
               "title": "一种新能源汽车电池散热装置"}] if ip_kind in models.PATENT_KINDS else [
        {"kind": ip_kind, "number": "", "title": "涉案权利"}]
    return case_create(
        actor=actor or applicant_user, organization=organization, dispute_type=dispute_type,
        facts=kwargs.pop("facts", "被申请人未经许可制造、销售落入涉案专利保护范围的产品。"),
        claims=kwargs.pop("claims", "请求停止侵权并赔偿经济损失。"),
        parties=kwargs.pop("parties", parties), ip_rights=kwargs.pop("ip_rights", rights), **kwargs,
    )
