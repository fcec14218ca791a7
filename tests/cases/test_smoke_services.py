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


@pytest.mark.django_db
def test_an_agent_is_created_with_its_principal(roles):
    from cases.models import Party
    from tests.factories import id_number

    case = make_case(parties=[
        {"role": "applicant", "kind": "person", "name": "李明", "id_number": id_number(), "phone": "13812345678"},
        {"role": "agent", "kind": "person", "name": "王律师", "represents": 0},
        {"role": "respondent", "kind": "organization", "name": "重庆某公司"},
    ])
    agent = case.parties.get(role=Party.PartyRole.AGENT)
    assert agent.represents.name == "李明"


@pytest.mark.django_db
@pytest.mark.parametrize("represents", [None, 5, 1, "0"])
def test_an_agent_without_a_valid_principal_is_refused(roles, represents):
    from django.core.exceptions import ValidationError

    from cases.models import Case

    with pytest.raises(ValidationError) as exc:
        make_case(parties=[
            {"role": "applicant", "kind": "person", "name": "李明"},
            {"role": "agent", "kind": "person", "name": "王律师", "represents": represents},
        ])
    assert "parties[1].represents" in exc.value.message_dict
    assert Case.objects.count() == 0
