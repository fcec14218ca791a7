"""The security tests share one world for the whole package, built once and rolled back at the end.

The policy sweep, the IDOR sweep and the masking scan request the same (user, method, path)
combinations; one ``Requester`` per package answers a repeated combination from its cache
(every request is rolled back, so a second call would answer the same).
"""
import time

import pytest
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="package")
def _module_storage(tmp_path_factory):
    """Evidence and documents of the package's world live in one folder for the whole package."""
    from django.core.files.storage import storages

    from cases.documents.models import Document
    from cases.intake.models import DraftAttachment
    from cases.models import Evidence

    root = tmp_path_factory.mktemp("private")
    storage_settings = None
    with pytest.MonkeyPatch.context() as mp:
        from django.conf import settings

        storage_settings = {**settings.STORAGES, "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        }}
        with override_settings(STORAGES=storage_settings):
            storages._storages = {}
            for model in (Evidence, Document, DraftAttachment):
                mp.setattr(model._meta.get_field("file"), "storage", storages["private"])
            yield storage_settings
        storages._storages = {}


@pytest.fixture(autouse=True)
def _private_storage(_module_storage, settings, monkeypatch):
    """Overrides the suite's per-test storage: the package's world keeps its files between tests."""
    from django.core.files.storage import storages

    from cases.documents.models import Document
    from cases.intake.models import DraftAttachment
    from cases.models import Evidence

    settings.STORAGES = _module_storage
    storages._storages = {}
    for model in (Evidence, Document, DraftAttachment):
        monkeypatch.setattr(model._meta.get_field("file"), "storage", storages["private"])
    yield


@pytest.fixture(scope="package")
def _world(django_db_setup, django_db_blocker, _module_storage):
    """``tests.security.world.build_world()`` and its ``Requester``, in a transaction rolled back at the end."""
    from config.celery import app
    from tests.security.harness import Requester
    from tests.security.world import build_world

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock(), override_settings(SMS_BACKEND="cases.notifications.LocMemSMSBackend",
                           EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                           PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            from cases import permissions

            permissions._perm_ids.clear()
            started = time.monotonic()
            world = build_world()
            world.build_seconds = time.monotonic() - started
            requester = Requester()
            for user in [*world.users.values(), None, world.disabled]:
                requester.client(user)  # signed in outside any test's savepoint: the sessions last
            world.requester = requester
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            permissions._perm_ids.clear()
    app.conf.task_always_eager = eager


@pytest.fixture
def world(_world, db, settings):
    """The package's world, for one test (its savepoint rolled back after it)."""
    settings.SMS_BACKEND = "cases.notifications.LocMemSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return _world
