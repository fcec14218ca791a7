"""The statistics app reads from a replica when ``STATISTICS_DATABASE_URL`` names one.

Only reads of this app's own tables (the pre-aggregates, typical cases) move: the dashboards
read nothing else, and a replica a second behind is fine for them. Everything that writes
stays on ``default`` and sees its own rows: writes themselves, any read inside a transaction
on ``default`` (the refresh and the services run in ``transaction.atomic``; a hot standby
cannot take ``SELECT … FOR UPDATE``), and everything under ``primary()`` (the refresh
decides what to rebuild from what it has just written). The replica is never migrated.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "statistics"
APP_LABEL = "statistics"
_pinned = ContextVar("statistics_pinned_to_primary", default=False)


@contextmanager
def primary():
    """Every statistics read inside the block goes to ``default``."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def on_primary(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        with primary():
            return func(*args, **kwargs)
    return wrapper


class StatisticsReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            model._meta.app_label == APP_LABEL and REPLICA in settings.DATABASES
            and not _pinned.get() and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default" if model._meta.app_label == APP_LABEL else None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as default: objects read from either may be related.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
