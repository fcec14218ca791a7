"""With the broker down, a queued document is left for the beat sweep: the change that asked for it still
commits, one warning says what waits (cases.broker.delay_best_effort)."""
import logging

import pytest

from cases.documents import tasks as document_tasks
from cases.documents.models import Document, DocumentType
from cases.documents.services import document_queue
from tests.factories import OrganizationFactory, make_case

pytestmark = pytest.mark.django_db


def broker_down(*args, **kwargs):
    raise ConnectionError("redis unreachable")


def test_a_queued_document_stays_queued_and_the_sweep_renders_it(roles, monkeypatch, caplog,
                                                                   django_capture_on_commit_callbacks):
    centre = OrganizationFactory(number_abbr="璧知受")
    case = make_case(organization=centre)
    monkeypatch.setattr(document_tasks.render_document, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="cases.broker"), django_capture_on_commit_callbacks(execute=True):
        document = document_queue(actor=None, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                  organization=centre, context={"route": "mediation"})
    document.refresh_from_db()
    assert document.state == Document.State.QUEUED
    assert [r.getMessage() for r in caplog.records] == [
        f"broker unavailable (redis unreachable); document {document.pk} stays queued"]
    monkeypatch.undo()
    Document.objects.filter(pk=document.pk).update(issued_at=document.issued_at.replace(year=2020))
    assert document_tasks.flush_queued_documents() == 1
    document.refresh_from_db()
    assert document.state == Document.State.RENDERED and document.sha256

