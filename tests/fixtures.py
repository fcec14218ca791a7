"""Fixtures shared by several test folders: import one by name into a conftest (or a test module) to use it there."""
import pytest


@pytest.fixture(autouse=True)
def _fresh_permission_ids():
    """``cases.permissions`` caches Permission ids per process; a transactional test's flush recreates
    the Permission rows with new ids, so the cache must not outlive a test."""
    from cases import permissions

    permissions._perm_ids.clear()
    yield
    permissions._perm_ids.clear()
