"""The 移送函 issued by a task when a case arrives at the station: once per arrival, on every kind of arrival."""
import pytest
from django.utils import timezone

from cases.models import CaseEvent, CaseStatus
from cases.tribunal import services as tribunal
from cases.tribunal.tasks import transfer_letter_on_arrival
from mediation import services as med_services
from tests.factories import credit_code, id_number
from tests.markers import ON_POSTGRES, worker_only
from tests.tribunal.conftest import failed_to_court, new_case
from workflows import router

pytestmark = pytest.mark.django_db


def _letters(case):
    return list(case.documents.filter(doc_type="transfer_letter").order_by("version"))


def _check_one_automatic_letter(case, station):
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED and case.organization == station
    letters = _letters(case)
    assert len(letters) == 1 and letters[0].issued_by is None and letters[0].public is False
    arrival = tribunal.arrival_event(case)
    assert letters[0].issued_at >= arrival.created_at
    # the task delivered twice (acks_late after a lost worker): still one letter
    assert transfer_letter_on_arrival.apply(args=[case.pk, arrival.pk]).get() is None
    assert len(_letters(case)) == 1
    return letters[0]


def test_mediation_failed_and_the_applicant_chose_the_court(court, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = failed_to_court(court, people)
    letter = _check_one_automatic_letter(case, court.station)
    assert letter.organization == court.committee
    # the clerk may still issue it again: a new version supersedes the automatic one
    again = tribunal.transfer_package_build(actor=court.court_clerk, case=case)
    assert again.version == 2 and again.issued_by == court.court_clerk


def test_intake_routes_straight_to_litigation(court, people, django_capture_on_commit_callbacks):
    case = new_case(court, people)
    with django_capture_on_commit_callbacks(execute=True):
        router.accept_complaint(actor=court.clerk, case=case, route="litigation")
    letter = _check_one_automatic_letter(case, court.station)
    assert letter.organization == court.centre


def test_a_suit_against_the_adjudication_decision(office_chain, adj_case, drive, django_capture_on_commit_callbacks):
    from tests.adjudication.conftest import applicant

    case = adj_case()
    decision = drive.decide(case)
    drive.serve_decision(case, decision)
    with django_capture_on_commit_callbacks(execute=True):
        router.adjudication_suit_filed(actor=office_chain.officer, case=case, party=applicant(case),
                                       court="重庆知识产权法庭", filed_on=timezone.localdate())
    letter = _check_one_automatic_letter(case, office_chain.station)
    assert letter.organization == office_chain.office


def test_a_failed_delegated_mediation_returns_to_the_court(court, django_capture_on_commit_callbacks):
    parties = [
        {"role": "applicant", "kind": "organization", "name": "重庆某新能源科技有限公司", "credit_code": credit_code()},
        {"role": "respondent", "kind": "person", "name": "刘某", "id_number": id_number(), "phone": "13911112222"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        case = router.delegate_to_mediation(
            actor=court.court_clerk, station=court.station, court_reference="（2026）渝0120民诉前调90号",
            kind="delegated", parties=parties, facts="被告销售侵权产品。", claims="停止侵权。")
    assert _letters(case) == []  # created at the station, but it did not arrive there as a transfer
    med_services.mediation_claim(actor=court.generalist, case=case)
    with django_capture_on_commit_callbacks(execute=True):
        router.terminate_mediation(actor=court.generalist, case=case, reason="no_agreement")
    letter = _check_one_automatic_letter(case, court.station)
    assert letter.organization == court.committee


def test_no_letter_for_a_stale_arrival_or_a_case_that_left(court, people, django_capture_on_commit_callbacks):
    case = failed_to_court(court, people)  # callbacks not run: no letter yet
    assert _letters(case) == []
    arrival = tribunal.arrival_event(case)
    assert tribunal.transfer_letter_issue_on_arrival(case=case, arrival_id=arrival.pk + 10_000) is None
    tribunal.transfer_package_build(actor=court.court_clerk, case=case)  # the clerk was faster
    assert tribunal.transfer_letter_issue_on_arrival(case=case, arrival_id=arrival.pk) is None
    assert len(_letters(case)) == 1
    assert CaseEvent.objects.filter(case=case, kind="document_issued", after__type="transfer_letter").count() == 1


@worker_only
@pytest.mark.skipif(not ON_POSTGRES, reason="the worker process needs the shared PostgreSQL test database")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_issues_the_letter_once(court, people, tmp_path, real_broker):
    """The router enqueues after commit; a duplicate delivery of the same arrival issues nothing more."""
    from tests.worker import celery_worker, wait_for

    with celery_worker(tmp_path):
        case = failed_to_court(court, people)  # not in a test transaction: on_commit enqueues for real
        arrival = tribunal.arrival_event(case)
        assert wait_for(lambda: len(_letters(case)) == 1)
        transfer_letter_on_arrival.delay(case.pk, arrival.pk)
        transfer_letter_on_arrival.delay(case.pk, arrival.pk)
        assert not wait_for(lambda: len(_letters(case)) > 1, timeout=8)
    assert len(_letters(case)) == 1 and _letters(case)[0].issued_by is None


def test_the_sweep_issues_letters_a_broker_outage_lost_and_nothing_twice(court, people):
    from cases.tribunal.tasks import transfer_letters_sweep

    case = failed_to_court(court, people)  # on_commit never ran: the enqueue was lost
    waiting = new_case(court, people, respondent_name="重庆另一机械有限公司")
    router.accept_complaint(actor=court.clerk, case=waiting, route="litigation")
    assert transfer_letters_sweep.apply(kwargs={"older_than_seconds": 3600}).get() == 0  # too recent to tell
    assert transfer_letters_sweep.apply(kwargs={"older_than_seconds": 0}).get() == 2
    for c in (case, waiting):
        assert len(_letters(c)) == 1 and _letters(c)[0].issued_by is None
    assert transfer_letters_sweep.apply(kwargs={"older_than_seconds": 0}).get() == 0
