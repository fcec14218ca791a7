"""Every task's work is keyed: a notice is sent once per Notification row, a queued document is
rendered once per Document row, however often the task is delivered."""
import datetime
import hashlib
import json

import pytest
from django.db import transaction

from cases import notifications
from cases.documents import services as documents
from cases.documents.models import Document, DocumentType
from cases.documents.tasks import flush_queued_documents, render_document
from cases.models import CaseEvent
from tests.documents.conftest import pdf_text


@pytest.mark.django_db
def test_the_gateway_gets_a_stable_message_id_per_notice(roles, sms_outbox):
    row = notifications.notify(key="rel-1", phone="13800007777", subject="s", body="b", channels=["sms"])[0]
    assert notifications.deliver(row.pk) is True
    assert notifications.deliver(row.pk) is False
    assert [m["message_id"] for m in sms_outbox] == [f"ipdr-n{row.pk}"]


def test_the_file_gateway_records_every_call_and_delivers_an_id_once(settings, tmp_path):
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    gateway = notifications.FileSMSBackend()
    gateway.send("13800000001", "一", message_id="ipdr-n1")
    gateway.send("13800000001", "一", message_id="ipdr-n1")
    gateway.send("13800000002", "二", message_id="ipdr-n2")
    calls = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(c["message_id"], c["duplicate"]) for c in calls] == [
        ("ipdr-n1", False), ("ipdr-n1", True), ("ipdr-n2", False)]


@pytest.mark.django_db
def test_email_notices_carry_a_stable_message_id(roles, mailoutbox):
    row = notifications.notify(key="rel-2", email="a@example.cn", subject="受理", body="b", channels=["email"])[0]
    notifications.deliver(row.pk)
    assert mailoutbox[0].extra_headers["Message-ID"] == f"<ipdr-n{row.pk}@ipdr.example.cn>"


@pytest.mark.django_db
def test_a_queued_document_is_rendered_once_however_often_the_task_runs(clerk, centre, case,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        doc = documents.document_queue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                       organization=centre,
                                       context={"route": "mediation", "next_deadline": datetime.date(2026, 11, 26)})
    assert doc.state == "queued" and len(callbacks) == 1
    # Not visible to anyone until it exists.
    assert documents.document_verify(doc.verification_code) is None
    callbacks[0]()  # the enqueue after commit; eager here, so the task renders it
    doc.refresh_from_db()
    assert doc.state == "rendered" and doc.page_count >= 1
    with doc.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == doc.sha256
    assert "2026年11月26日" in pdf_text(doc) and doc.number in pdf_text(doc)
    first = (doc.file.name, doc.sha256)
    assert render_document.apply(args=[doc.pk]).get() is False  # the redelivered task
    doc.refresh_from_db()
    assert (doc.file.name, doc.sha256) == first
    assert CaseEvent.objects.filter(case=case, kind="document_issued", after__document=doc.pk).count() == 1
    assert documents.document_verify(doc.verification_code) == doc


@pytest.mark.django_db
def test_a_queued_reissue_supersedes_the_earlier_version_when_rendered(clerk, centre, case):
    with transaction.atomic():
        first = documents.document_issue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                         organization=centre, context={"route": "mediation"})
        second = documents.document_queue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                          organization=centre, context={"route": "adjudication"})
    assert second.version == 2
    first.refresh_from_db()
    assert first.superseded_by is None  # still the valid one until the new PDF exists
    assert documents.document_render(second.pk) is True
    first.refresh_from_db()
    assert first.superseded_by == second


@pytest.mark.django_db
def test_a_queued_context_must_be_json(clerk, centre, case):
    with pytest.raises(documents.DocumentError):
        documents.document_queue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                 organization=centre, context={"route": "mediation", "who": clerk})
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_the_beat_hands_over_documents_a_broker_outage_held_back(clerk, centre, case, monkeypatch):
    doc = documents.document_queue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                   organization=centre, context={"route": "mediation"})
    assert flush_queued_documents() == 0  # too fresh: its own enqueue may still be on the way
    Document.objects.filter(pk=doc.pk).update(issued_at=doc.issued_at - datetime.timedelta(minutes=2))
    assert flush_queued_documents() == 1
    doc.refresh_from_db()
    assert doc.state == "rendered"
