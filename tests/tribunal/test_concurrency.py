"""Two people at the circuit station act on the same case at the same moment: exactly one change is made.

Row locks (``select_for_update``) only mean something on PostgreSQL, so these run there (CI).
"""
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus, Notification
from cases.tribunal import services as tribunal
from cases.tribunal.models import ConfirmationRuling, CourtStage
from tests.concurrency import race
from tests.factories import staff
from tests.markers import postgres_only
from tests.tribunal.conftest import confirmation_filed, failed_to_court
from workflows import router

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def race_codes(*calls):
    """Race the calls; the outcome of each, sorted: "ok" or the refusal's code (any other error is raised)."""
    codes = []
    for outcome in race(*calls):
        if outcome.error is not None and not isinstance(outcome.error, ValidationError):
            raise outcome.error
        codes.append("ok" if outcome.error is None else outcome.error.code or "invalid")
    return sorted(codes)


def second_clerk(court):
    from cases.models import Role

    return staff(Role.TRIBUNAL_CLERK, court.station, full_name="周书记员")


def test_two_clerks_sign_for_the_same_transfer_once(court, people):
    case = failed_to_court(court, people)
    other = second_clerk(court)
    outcomes = race_codes(lambda: tribunal.transfer_acknowledge(actor=court.court_clerk, case=case),
                    lambda: tribunal.transfer_acknowledge(actor=other, case=case))
    assert outcomes == ["ok", "status"]
    assert CourtStage.objects.filter(case=case).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="tribunal_transfer_acknowledged").count() == 1


def test_two_clerks_docket_at_once_one_court_number_wins(court, people):
    case = failed_to_court(court, people)
    tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)
    other = second_clerk(court)
    outcomes = race_codes(
        lambda: tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="（2026）渝01知民初11号"),
        lambda: tribunal.transfer_docket(actor=other, case=case, court_reference="（2026）渝01知民初12号"))
    assert outcomes == ["ok", "status"]
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_COURT
    event = CaseEvent.objects.get(case=case, kind="tribunal_docketed")
    assert case.court_reference == event.after["court_reference"]
    bodies = list(Notification.objects.filter(case=case, subject="人民法院已立案").values_list("body", flat=True))
    assert bodies and all(case.court_reference in body for body in bodies)  # the loser told nobody


def test_outcome_recorded_twice_at_once_closes_the_case_once(court, people):
    case = failed_to_court(court, people)
    tribunal.transfer_acknowledge(actor=court.court_clerk, case=case)
    tribunal.transfer_docket(actor=court.court_clerk, case=case, court_reference="（2026）渝01知民初13号")
    other = second_clerk(court)

    def close(actor, outcome):
        return lambda: router.court_close(actor=actor, case=case, outcome=outcome, decided_on=timezone.localdate(),
                                          summary="法院结案。")

    outcomes = race_codes(close(court.court_clerk, "judgment"), close(other, "court_mediation"))
    assert outcomes == ["ok", "status"]
    assert CaseEvent.objects.filter(case=case, kind="tribunal_outcome_recorded").count() == 1
    stage = CourtStage.objects.get(case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.COURT_CLOSED and stage.outcome in ("judgment", "court_mediation")


def test_two_judges_rule_at_once_one_ruling_stands(court, people):
    from cases.models import Role

    case = confirmation_filed(court, people)
    tribunal.confirmation_accept(actor=court.court_clerk, case=case)
    other_judge = staff(Role.JUDGE, court.station, full_name="李法官")
    outcomes = race_codes(
        lambda: router.confirmation_ruled(actor=court.judge, case=case, confirmed=True),
        lambda: router.confirmation_ruled(actor=other_judge, case=case, confirmed=False, reasons="协议违反法律规定。"))
    assert outcomes == ["ok", "status"]
    ruling = ConfirmationRuling.objects.get(case=case)
    assert ruling.ruled_at is not None
    assert CaseEvent.objects.filter(case=case, kind="tribunal_confirmation_ruled").count() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATED and case.organization == court.committee


def test_two_clerks_accept_the_same_confirmation_application_once(court, people):
    case = confirmation_filed(court, people)
    other = second_clerk(court)
    outcomes = race_codes(lambda: tribunal.confirmation_accept(actor=court.court_clerk, case=case),
                    lambda: tribunal.confirmation_accept(actor=other, case=case))
    assert outcomes == ["ok", "status"]
    assert ConfirmationRuling.objects.filter(case=case).count() == 1
