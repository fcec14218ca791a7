import pytest

from cases.services.access import ensure_role_groups


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS goes to an in-memory outbox in tests (the gateway is the outside world)."""
    from cases.notifications import LocMemSMSBackend

    settings.SMS_BACKEND = "cases.notifications.LocMemSMSBackend"
    LocMemSMSBackend.outbox.clear()
    return LocMemSMSBackend.outbox


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path, monkeypatch):
    """Evidence and documents go to a per-test folder, never the developer's var/.

    A FileField resolves its storage once, at import, so the field is pointed at the
    per-test storage too.
    """
    from django.core.files.storage import storages

    from cases.documents.models import Document
    from cases.intake.models import DraftAttachment
    from cases.models import Evidence

    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }}
    storages._storages = {}
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storages["private"])
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storages["private"])
    monkeypatch.setattr(DraftAttachment._meta.get_field("file"), "storage", storages["private"])
    yield
    storages._storages = {}


@pytest.fixture(autouse=True)
def _staff_otp_off(settings):
    """Staff tests log in with ``force_login`` and no second factor; tests/cases/test_otp.py turns it on."""
    settings.IPDR_STAFF_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless a test asks for the real worker (the ``real_broker`` fixture)."""
    from config.celery import app

    eager = "real_broker" not in request.fixturenames
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def real_broker():
    """Marks a test whose tasks go through the broker to a real worker."""
    return True


@pytest.fixture
def roles(db):
    return ensure_role_groups()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (``make test`` runs two processes), every test that talks to the real broker, starts
    workers or app processes, or takes the machine's services down runs in one process, one after another:
    they share Redis database 15 and would consume each other's tasks. First, before xdist's own hook reads
    the ``xdist_group`` marks into the test ids (a mark added after that is ignored)."""
    for item in items:
        path = str(item.fspath)
        serial = (
            "real_broker" in getattr(item, "fixturenames", ())
            or "/tests/reliability/" in path or "/tests/deployment/" in path
            or any("real Celery worker" in str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif"))
        )
        if serial:
            item.add_marker(pytest.mark.xdist_group("broker"))
