import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from cases.models import CaseEvent
from cases.services import event_record
from tests.factories import make_case
from tests.markers import postgres_only


@pytest.mark.django_db
def test_events_refuse_update_and_delete_through_the_model(roles):
    case = make_case()
    event = CaseEvent.objects.filter(case=case).first()
    event.message = "篡改"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(roles):
    case = make_case()
    with pytest.raises(RuntimeError):
        event_record(case=case, actor=None, kind="x")


@postgres_only
@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_events(roles):
    case = make_case()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).update(message="篡改")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(case=case).delete()
    assert not CaseEvent.objects.filter(message="篡改").exists()
