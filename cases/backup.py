"""Backup and restore of the platform: the database (pg_dump custom format, or a SQLite copy) and
the private storage (evidence and documents) as a tar, with a manifest to check a restore against:
row counts of every table and the SHA-256 of every evidence and document file.

Used by the ``backup_create`` and ``backup_restore`` commands; the drill is
``tests/reliability/test_backup_drill.py`` (docs/reliability.md).
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
DB_DUMP = "database.dump"
DB_SQLITE = "database.sqlite3"
STORAGE_TAR = "private-storage.tar.gz"


class BackupError(Exception):
    pass


def _pg_env(settings_dict, name=None) -> tuple[list[str], dict]:
    args = ["-h", settings_dict["HOST"] or "127.0.0.1", "-p", str(settings_dict["PORT"] or 5432),
            "-U", settings_dict["USER"]]
    env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
    return args, env


def _tool(name) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _private_root() -> Path:
    storage = storages["private"]
    if not isinstance(storage, FileSystemStorage):
        raise BackupError("The private storage is not a local folder; back up its bucket with the provider's "
                          "versioning/replication instead.")
    return Path(storage.location)


def table_counts(cursor, vendor) -> dict[str, int]:
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY name")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def file_hashes(cursor) -> dict[str, str]:
    """Stored SHA-256 of every evidence and document file, by storage name (from the database)."""
    hashes = {}
    for table in ("cases_evidence", "documents_document"):
        cursor.execute(f"SELECT file, sha256 FROM {table} WHERE file <> ''")  # noqa: S608 - fixed names
        hashes.update(dict(cursor.fetchall()))
    return hashes


def backup_create(out_dir) -> dict:
    """Write the dump, the storage tar and the manifest to ``out_dir``; return the manifest."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    root = _private_root()
    # Counts and hashes first, in one snapshot: pg_dump's own snapshot is taken right after, so a
    # busy system may show small differences; run it at a quiet hour or from a replica.
    with connection.cursor() as cursor:
        counts = table_counts(cursor, vendor)
        stored = file_hashes(cursor)
    if vendor == "postgresql":
        s = connection.settings_dict
        args, env = _pg_env(s)
        subprocess.run([_tool("pg_dump"), "-Fc", *args, "-f", str(out / DB_DUMP), s["NAME"]],  # noqa: S603
                       env=env, check=True, capture_output=True)
    elif vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        source = sqlite3.connect(name, uri=name.startswith("file:"))  # also the shared in-memory test database
        target = sqlite3.connect(out / DB_SQLITE)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        raise BackupError(f"Unsupported database: {vendor}")
    files = {}
    with tarfile.open(out / STORAGE_TAR, "w:gz") as tar:
        if root.exists():
            tar.add(root, arcname=".")
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                files[path.relative_to(root).as_posix()] = _sha256(path)
    missing = sorted(name for name in stored if name not in files)
    manifest = {
        "created_at": timezone.now().isoformat(), "vendor": vendor, "tables": counts,
        "files": files, "stored_hashes": stored, "missing_files": missing,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return manifest


def backup_restore(backup_dir, *, database, storage_dir) -> dict:
    """Restore into database ``database`` (PostgreSQL: a new database of that name on the same
    server; SQLite: a file path) and the folder ``storage_dir``; then check it against the manifest.

    Returns ``{"tables": {...}, "files": {...}, "problems": [...]}``; an empty ``problems`` is a good restore.
    """
    src = Path(backup_dir)
    manifest = json.loads((src / MANIFEST).read_text())
    storage = Path(storage_dir)
    if storage.exists() and any(storage.iterdir()):
        raise BackupError(f"{storage} is not empty: restore into a new folder")
    storage.mkdir(parents=True, exist_ok=True)
    with tarfile.open(src / STORAGE_TAR, "r:gz") as tar:
        tar.extractall(storage, filter="data")
    if manifest["vendor"] == "postgresql":
        import psycopg2

        s = connection.settings_dict
        args, env = _pg_env(s)
        subprocess.run([_tool("createdb"), *args, database], env=env, check=True,  # noqa: S603
                       capture_output=True)
        subprocess.run([_tool("pg_restore"), *args, "--no-owner", "--exit-on-error", "-d", database,  # noqa: S603
                        str(src / DB_DUMP)], env=env, check=True, capture_output=True)
        conn = psycopg2.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                                password=s.get("PASSWORD") or "", dbname=database)
    else:
        shutil.copyfile(src / DB_SQLITE, database)
        conn = sqlite3.connect(database)
    try:
        cursor = conn.cursor()
        counts = table_counts(cursor, manifest["vendor"])
        stored = file_hashes(cursor)
    finally:
        conn.close()
    files = {p.relative_to(storage).as_posix(): _sha256(p) for p in storage.rglob("*") if p.is_file()}
    problems = []
    if counts != manifest["tables"]:
        expected = manifest["tables"]
        problems += [f"table {t}: {expected.get(t)} -> {counts.get(t)}"
                     for t in sorted(set(counts) | set(expected)) if counts.get(t) != expected.get(t)]
    if files != manifest["files"]:
        problems += [f"file {n}: changed or missing" for n in sorted(set(files) | set(manifest["files"]))
                     if files.get(n) != manifest["files"].get(n)]
    problems += [f"file {n}: hash differs from the database" for n, h in stored.items()
                 if n in files and files[n] != h]
    problems += [f"file {n}: in the database, not in the backup" for n in stored if n not in files]
    return {"tables": counts, "files": files, "problems": problems}
