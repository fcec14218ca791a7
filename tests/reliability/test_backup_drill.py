"""The backup drill: seed cases with evidence and documents, back up, restore beside the live system
into a new database and folder, and compare every table's row count and every file's hash."""
import hashlib
import io
import uuid
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from cases.backup import _sha256
from cases.documents.models import DocumentType
from cases.documents.services import document_issue
from cases.models import Evidence
from cases.services.evidence import evidence_add
from tests.markers import postgres_only
from tests.reliability.procs import _pg_drop

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _seed(clerk, centre, case, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for i in range(3):
        evidence_add(actor=applicant, case=case, uploaded_file=SimpleUploadedFile(f"证据{i}.pdf", PDF + bytes([i]),
                                                                         content_type="application/pdf"),
                     description=f"证据{i}")
    document_issue(actor=clerk, case=case, doc_type=DocumentType.ACCEPTANCE_NOTICE, organization=centre,
                   context={"route": "mediation"})


def _drill(tmp_path, database, clerk, centre, case, applicant):
    _seed(clerk, centre, case, applicant)
    call_command("backup_create", output=str(tmp_path / "backup"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("backup_restore", str(tmp_path / "backup"), database=database, storage=str(tmp_path / "restored"),
                 stdout=out)
    assert "restored and checked" in out.getvalue()
    # Recomputed from the restored files, against the live database's stored hashes.
    root = tmp_path / "restored"
    for evidence in Evidence.objects.filter(case=case):
        assert _sha256(root / evidence.file.name) == evidence.sha256
    for document in case.documents.all():
        assert hashlib.sha256((root / document.file.name).read_bytes()).hexdigest() == document.sha256
    assert Evidence.objects.filter(case=case).count() == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill_on_postgresql(tmp_path, clerk, centre, case, applicant):
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:6]}"
    try:
        _drill(tmp_path, name, clerk, centre, case, applicant)
    finally:
        _pg_drop(name)


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_drill_on_sqlite(tmp_path, clerk, centre, case, applicant):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite copy; PostgreSQL has its own drill above")
    _drill(tmp_path, str(tmp_path / "restored.sqlite3"), clerk, centre, case, applicant)


@pytest.mark.django_db
def test_a_restore_checks_the_files_against_the_manifest(tmp_path, settings):
    """A tampered backup is reported, not silently restored."""
    root = Path(storages["private"].location)
    (root / "evidence").mkdir(parents=True)
    (root / "evidence" / "a.pdf").write_bytes(PDF)
    if connection.vendor != "sqlite":
        pytest.skip("exercised on SQLite (cheap); the PostgreSQL drill checks the same manifest")
    call_command("backup_create", output=str(tmp_path / "b"), stdout=io.StringIO())
    import tarfile

    with tarfile.open(tmp_path / "b" / "private-storage.tar.gz", "w:gz") as tar:
        (tmp_path / "evil.pdf").write_bytes(b"changed")
        tar.add(tmp_path / "evil.pdf", arcname="./evidence/a.pdf")
    with pytest.raises(CommandError, match="differences"):
        call_command("backup_restore", str(tmp_path / "b"), database=str(tmp_path / "r.sqlite3"),
                     storage=str(tmp_path / "r"), stdout=io.StringIO(), stderr=io.StringIO())
