import pytest

from cases.models import CaseEvent, CaseStatus
from tests.factories import complainant, make_case


@pytest.mark.django_db
def test_case_create_numbers_and_audits(roles):
    user = complainant()
    case = make_case(applicant_user=user)
    assert case.status == CaseStatus.SUBMITTED
    assert case.number.startswith("（") and case.number.endswith("0001号")
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "case_submitted" in kinds and "number_assigned" in kinds
