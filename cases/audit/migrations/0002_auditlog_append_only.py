"""AuditLog is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE (``cases.db.AppendOnly``).

SQLite relies on the model's own refusal.
"""
from django.db import migrations

from cases.db import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [AppendOnly("audit_auditlog")]
