"""Append-only tables (CaseEvent, AuditLog, DockingCall): one definition of how a row is kept
from being changed or deleted, in the database and in the application.

On PostgreSQL a trigger refuses UPDATE and DELETE from anyone (the ``AppendOnly`` migration
operation). TRUNCATE is left to the database owner (test teardown, a restore drill, archiving by
the DBA); the application's own role should not be granted it in production (docs/deployment).
SQLite (the embedded development default) relies on the application's refusal alone
(``AppendOnlyMixin``, ``AppendOnlyQuerySet``).
"""
from django.core.exceptions import ValidationError
from django.db import migrations, models


def append_only_sql(table: str) -> tuple[str, str]:
    """``(forward, reverse)`` SQL that installs and removes the refusing trigger on ``table``."""
    forward = f"""
CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();
"""
    reverse = f"""
DROP TRIGGER IF EXISTS {table}_no_update ON {table};
DROP FUNCTION IF EXISTS {table}_append_only();
"""
    return forward, reverse


class AppendOnly(migrations.RunSQL):
    """Migration operation: the append-only trigger on ``table``, on PostgreSQL only (a no-op elsewhere).

    Each script runs as one statement without parameters, so the ``%`` in the message is not interpolated.
    """

    def __init__(self, table: str):
        self.table = table
        forward, reverse = append_only_sql(table)
        super().__init__(sql=[forward], reverse_sql=[reverse])

    def deconstruct(self):
        return f"{__name__}.{type(self).__name__}", [self.table], {}

    def describe(self):
        return f"Append-only trigger on {self.table} (PostgreSQL)"

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def _refuse(model) -> None:
    raise ValidationError(f"{model.__name__} is append-only.")


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes are refused like single ones (the trigger refuses them on PostgreSQL too)."""

    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)


class AppendOnlyMixin:
    """Model mixin: a saved row is never saved again nor deleted."""

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self))
