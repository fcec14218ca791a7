import pytest
from django.core.exceptions import ValidationError

from cases.models import CaseEvent, CaseStatus, Role, Tier
from cases.services import CaseTransitionError, case_change_status
from tests.factories import make_case, staff


@pytest.mark.django_db
def test_status_moves_along_the_graph_and_is_audited(roles):
    case = make_case()
    clerk = staff(Role.INTAKE_CLERK, case.organization)
    case_change_status(case=case, actor=clerk, to=CaseStatus.MEDIATION_CONSENT, reason="同意调解")
    case.refresh_from_db()
    assert (case.status, case.tier) == (CaseStatus.MEDIATION_CONSENT, Tier.MEDIATION)
    event = CaseEvent.objects.filter(case=case, kind="status_changed").get()
    assert event.actor == clerk and "intake_clerk" in event.actor_role
    assert event.before == {"status": "submitted", "tier": "intake"}
    assert event.after == {"status": "mediation_consent", "tier": "mediation"}


@pytest.mark.django_db
def test_an_illegal_move_is_refused_in_chinese_and_changes_nothing(roles):
    case = make_case()
    before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(CaseTransitionError) as exc:
        case_change_status(case=case, actor=None, to=CaseStatus.COURT_CLOSED)
    assert "不能变更为“法院结案”" in exc.value.messages[0]
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED
    assert CaseEvent.objects.filter(case=case).count() == before


@pytest.mark.django_db
def test_closing_records_closed_at(roles):
    case = make_case()
    case_change_status(case=case, actor=None, to=CaseStatus.WITHDRAWN)
    case.refresh_from_db()
    assert case.closed_at is not None and not case.is_open


@pytest.mark.django_db
def test_invalid_party_saves_nothing(roles):
    from cases.models import Case
    from cases.services import case_create
    from tests.factories import OrganizationFactory

    org = OrganizationFactory()
    with pytest.raises(ValidationError) as exc:
        case_create(
            actor=None, organization=org, dispute_type="infringement", facts="事实", claims="请求",
            parties=[{"role": "applicant", "kind": "person", "name": "张三", "id_number": "500227198503120001"},
                     {"role": "respondent", "kind": "organization", "name": "某公司", "credit_code": "ABC"}],
        )
    assert set(exc.value.message_dict) >= {"parties[0].id_number", "parties[1].credit_code"}
    assert Case.objects.count() == 0
