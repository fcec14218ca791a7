"""Fixtures for the official documents: a protection centre, its clerk, a case with a signed-in applicant."""
import datetime
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.documents.models import DocumentType
from cases.documents.services import document_issue
from cases.models import Role
from tests.factories import OrganizationFactory, complainant, make_case, staff


@pytest.fixture
def centre(db):
    return OrganizationFactory(
        name="璧山区知识产权保护中心", number_abbr="璧知受", address="重庆市璧山区璧泉街道", phone="023-41400000",
    )


@pytest.fixture
def clerk(roles, centre):
    return staff(Role.INTAKE_CLERK, centre, full_name="王受理")


@pytest.fixture
def applicant(roles):
    return complainant(full_name="李明")


@pytest.fixture
def case(roles, centre, applicant):
    return make_case(organization=centre, applicant_user=applicant, applicant_name="李明",
                     respondent_name="重庆某某机械有限公司")


@pytest.fixture
def issue(clerk, centre, case):
    """Issue a document of ``doc_type`` for the case, as the clerk, with sensible context."""
    defaults = {
        DocumentType.ACCEPTANCE_NOTICE: {"route": "mediation", "next_deadline": datetime.date(2026, 11, 26)},
        DocumentType.SUPPLEMENT_NOTICE: {"missing_items": ["申请人身份证明复印件"],
                                         "supplement_due": datetime.date(2026, 12, 1)},
        DocumentType.REFUSAL_NOTICE: {"reasons": ["同一纠纷已由人民法院立案受理"]},
    }

    def _issue(doc_type=DocumentType.ACCEPTANCE_NOTICE, *, context=None, for_case=None, **kwargs):
        return document_issue(
            actor=kwargs.pop("actor", clerk), case=for_case or case, doc_type=doc_type,
            organization=kwargs.pop("organization", centre),
            context=defaults.get(doc_type, {}) if context is None else context, **kwargs,
        )

    return _issue


def pdf_reader(document) -> PdfReader:
    with document.file.open("rb") as fh:
        return PdfReader(io.BytesIO(fh.read()))


def pdf_text(document) -> str:
    """All text of the PDF with white space removed (line breaks fall anywhere in Chinese text)."""
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in pdf_reader(document).pages))


def cn_today() -> str:
    today = timezone.localdate()
    return f"{today.year}年{today.month}月{today.day}日"
