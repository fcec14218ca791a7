# ruff: noqa: F811 - the fixtures are imported by name for pytest and also used as parameter names
"""The chain with a circuit station's clerk and judge, and helpers that bring cases to the station."""
import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from cases.models import Role
from mediation import services as med_services
from tests.adjudication.conftest import adj_case, applicant_user, drive, office_chain, respondent_user  # noqa: F401
from tests.factories import staff
from tests.mediation.conftest import (  # noqa: F401
    PASSWORD,
    _fresh_permission_ids,
    in_mediation,
    med,
    new_case,
    people,
)
from workflows import router

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def pdf_file(name="judgment.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def pdf_text(document) -> str:
    with document.file.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


@pytest.fixture
def court(med):
    med.court_clerk = staff(Role.TRIBUNAL_CLERK, med.station, full_name="孙书记员")
    med.judge = staff(Role.JUDGE, med.station, full_name="钱法官")
    return med


OUTSIDERS = ["applicant", "mediator", "other_clerk"]


def outsider(court, people, who):
    """Someone who must not see a case at the station: its applicant, its former mediator, or the clerk of
    another district's station (``who`` is one of ``OUTSIDERS``)."""
    from cases.models import Organization
    from cases.services.organizations import organization_create
    from tests.factories import DistrictFactory

    if who == "applicant":
        user = people.applicant
    elif who == "mediator":
        user = court.expert
    else:
        other = organization_create(name="外区巡回审判站", kind=Organization.Kind.CIRCUIT_STATION,
                                    district=DistrictFactory(), number_abbr="渝知巡外")
        user = staff(Role.TRIBUNAL_CLERK, other)
    return user


def failed_to_court(med, people):
    """Mediation refused by the respondent; the applicant takes the case to court: 已移送法院."""
    case = new_case(med, people)
    router.accept_complaint(actor=med.clerk, case=case, route="mediation")
    case.refresh_from_db()
    router.answer_mediation_invitation(actor=people.respondent, consent=case.mediation_consents.get(),
                                       agreed=False, reason="不同意调解")
    case.refresh_from_db()
    router.continue_after_mediation(actor=people.applicant, case=case, route="litigation")
    case.refresh_from_db()
    return case


def mediated(med, people):
    """A case mediated to an effective agreement (调解成功)."""
    case = in_mediation(med, people)
    med_services.mediation_assign(actor=med.director, case=case, mediator=med.expert)
    med_services.mediation_assignment_accept(actor=med.expert, case=case, conflict=False)
    case.refresh_from_db()
    return agreement_effective(med, people, case)


def agreement_effective(med, people, case):
    """The mediator drafts and issues the agreement; then ``agreement_concluded``."""
    med_services.agreement_save(
        actor=med.expert, case=case, facts="被申请人制造、销售的电池散热装置落入涉案专利保护范围。",
        terms="被申请人立即停止制造、销售涉案产品\n被申请人赔偿申请人经济损失人民币五万元",
        performance="银行转账至申请人账户", performance_due=timezone.localdate() + datetime.timedelta(days=20))
    med_services.agreement_issue(actor=med.expert, case=case)
    return agreement_concluded(med, people, case)


def agreement_concluded(med, people, case):
    """Both parties confirm the issued agreement, the mediator signs and the director seals it (调解成功)."""
    med_services.agreement_confirm(actor=people.applicant, case=case, password=PASSWORD)
    med_services.agreement_confirm(actor=people.respondent, case=case, password=PASSWORD)
    med_services.agreement_sign(actor=med.expert, case=case)
    med_services.agreement_seal(actor=med.director, case=case)
    case.refresh_from_db()
    return case


def confirmation_applied(people, case):
    """Both parties apply for 司法确认 of the effective agreement: the case goes to the station."""
    router.apply_judicial_confirmation(actor=people.applicant, case=case)
    assert router.apply_judicial_confirmation(actor=people.respondent, case=case) is True
    case.refresh_from_db()
    return case


def confirmation_filed(med, people):
    return confirmation_applied(people, mediated(med, people))
