import pytest

from cases.services.access import ensure_role_groups


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path, monkeypatch):
    """Evidence and documents go to a per-test folder, never the developer's var/.

    A FileField resolves its storage once, at import, so the field is pointed at the
    per-test storage too.
    """
    from django.core.files.storage import storages

    from cases.models import Evidence

    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }}
    storages._storages = {}
    monkeypatch.setattr(Evidence._meta.get_field("file"), "storage", storages["private"])
    yield
    storages._storages = {}


@pytest.fixture
def roles(db):
    return ensure_role_groups()
