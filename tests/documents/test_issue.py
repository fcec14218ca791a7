"""Issuing: versions supersede, numbers are gapless per organisation, type and year, failures leave nothing."""
from pathlib import Path

import pytest
from django.db import IntegrityError

from cases.documents import services
from cases.documents.models import Document, DocumentNumberSequence, DocumentType
from cases.models import CaseEvent
from tests.concurrency import errors, race
from tests.documents.conftest import pdf_text
from tests.factories import OrganizationFactory, make_case
from tests.markers import postgres_only

pytestmark = pytest.mark.django_db


def _stored_files(settings):
    folder = Path(settings.STORAGES["private"]["OPTIONS"]["location"]) / "documents"
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_reissuing_makes_version_two_and_supersedes_version_one(issue):
    first = issue()
    second = issue()
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_by == second and first.is_superseded
    assert second.superseded_by is None and not second.is_superseded
    assert list(second.supersedes.all()) == [first]
    third = issue()
    second.refresh_from_db()
    assert third.version == 3 and second.superseded_by == third
    # another type is its own line of versions
    assert issue(DocumentType.SUPPLEMENT_NOTICE).version == 1


def test_numbers_are_gapless_per_organisation_type_and_year(issue, centre, roles):
    year = issue().year
    numbers = [issue().number for _ in range(3)]
    assert numbers == [f"璧知受通〔{year}〕{n}号" for n in (2, 3, 4)]
    assert issue(DocumentType.SUPPLEMENT_NOTICE).number == f"璧知受补通〔{year}〕1号"
    other_case = make_case(organization=centre)
    assert issue(for_case=other_case).number == f"璧知受通〔{year}〕5号"
    other_org = OrganizationFactory(number_abbr="长知受")
    assert issue(organization=other_org).number == f"长知受通〔{year}〕1号"
    sequences = {(s.organization.number_abbr, s.doc_type): s.last_value for s in DocumentNumberSequence.objects.all()}
    assert sequences == {("璧知受", "acceptance_notice"): 5, ("璧知受", "supplement_notice"): 1,
                         ("长知受", "acceptance_notice"): 1}


def test_series_keep_apart_documents_that_do_not_replace_each_other(issue):
    a = issue(DocumentType.REFUSAL_NOTICE, series="session:1")
    b = issue(DocumentType.REFUSAL_NOTICE, series="session:2")
    a.refresh_from_db()
    assert (a.version, b.version) == (1, 1) and not a.is_superseded
    c = issue(DocumentType.REFUSAL_NOTICE, series="session:1")
    a.refresh_from_db()
    assert c.version == 2 and a.superseded_by == c


def test_verification_codes_are_random_url_safe_and_unique(issue):
    codes = {issue().verification_code for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert len(code) >= 20
        assert all(ch in "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" for ch in code)  # URL-safe, nothing to misread
    code = next(iter(codes))
    assert services.document_verify(code).verification_code == code
    assert services.document_verify(f" {code.lower()} ").verification_code == code
    assert services.document_verify("no-such-code-0000000000") is None
    assert services.document_verify("") is None


@pytest.mark.parametrize("failure", ["event", "save", "supersede"])
def test_a_failed_database_write_leaves_no_file_no_row_no_event_and_no_gap(issue, case, settings, monkeypatch,
                                                                          failure):
    kept = issue()  # version 1, number 1: must survive the failed re-issue untouched
    files_before = _stored_files(settings)
    assert len(files_before) == 1
    events_before = CaseEvent.objects.filter(case=case).count()

    def boom(*args, **kwargs):
        raise IntegrityError("simulated failure after the file was stored")

    if failure == "event":
        monkeypatch.setattr(services, "event_record", boom)
    elif failure == "save":
        original = Document.save

        def save(self, *args, **kwargs):
            if self.pk is None:
                assert self.file.storage.exists(self.file.name)  # the file is stored by now
                boom()
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Document, "save", save)
    else:
        original = Document.save

        def save(self, *args, **kwargs):
            if kwargs.get("update_fields") == ["superseded_by"]:
                boom()
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Document, "save", save)

    with pytest.raises(IntegrityError):
        issue()
    assert _stored_files(settings) == files_before
    assert list(Document.objects.all()) == [kept]
    kept.refresh_from_db()
    assert kept.superseded_by is None
    assert CaseEvent.objects.filter(case=case).count() == events_before
    assert CaseEvent.objects.filter(case=case, kind="document_issued").count() == 1
    monkeypatch.undo()
    assert issue().number == kept.number.replace("1号", "2号")  # the failed attempt used no number


def test_a_statistics_report_needs_no_case(centre, clerk, settings, tmp_path):
    template = tmp_path / "templates" / "documents" / "pdf"
    template.mkdir(parents=True)
    (template / "statistics_report.html").write_text(
        '{% extends "documents/pdf/base.html" %}{% block body %}<p>本季度共受理案件{{ total }}件。</p>{% endblock %}',
        encoding="utf-8",
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}]
    report = services.document_issue(actor=clerk, case=None, doc_type=DocumentType.STATISTICS_REPORT,
                                     organization=centre, context={"total": 42}, public=False)
    assert report.case is None and report.event is None and report.version == 1
    assert report.number.startswith("璧知受统报〔")
    assert "本季度共受理案件42件。" in pdf_text(report)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_reissues_get_consecutive_numbers_and_one_current_version(roles):
    centre = OrganizationFactory(number_abbr="璧知受")
    case = make_case(organization=centre)

    def reissue():
        services.document_issue(actor=None, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE,
                                organization=centre, context={"route": "mediation"})

    assert errors(race(*[reissue] * 8)) == []
    documents = list(Document.objects.filter(case=case).order_by("sequence"))
    assert [d.sequence for d in documents] == list(range(1, 9))
    assert [d.version for d in documents] == list(range(1, 9))
    assert [d.superseded_by_id for d in documents] == [d.pk for d in documents[1:]] + [None]
