"""With the broker down, a case still arrives at the station; the beat sweep issues its 移送函 later
(cases.broker.delay_best_effort)."""
import logging

import pytest

from cases.tribunal import tasks as tribunal_tasks
from tests.tribunal.conftest import failed_to_court

pytestmark = pytest.mark.django_db


def broker_down(*args, **kwargs):
    raise ConnectionError("redis unreachable")


def test_an_arrival_commits_without_its_letter_and_the_sweep_issues_it(court, people, monkeypatch, caplog,
                                                                       django_capture_on_commit_callbacks):
    monkeypatch.setattr(tribunal_tasks.transfer_letter_on_arrival, "delay", broker_down)
    with caplog.at_level(logging.WARNING, logger="cases.broker"), django_capture_on_commit_callbacks(execute=True):
        case = failed_to_court(court, people)
    assert not case.documents.filter(doc_type="transfer_letter").exists()
    assert [r.getMessage() for r in caplog.records] == [
        f"broker unavailable (redis unreachable); the transfer letter of case {case.pk} waits"]
    monkeypatch.undo()
    assert tribunal_tasks.transfer_letters_sweep(older_than_seconds=0) == 1
    assert case.documents.filter(doc_type="transfer_letter").count() == 1
