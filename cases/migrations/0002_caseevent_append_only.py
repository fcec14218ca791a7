"""CaseEvent is the audit record: on PostgreSQL a trigger refuses UPDATE and DELETE (``cases.db.AppendOnly``).

SQLite (the embedded development default) relies on the model's own refusal.
"""
from django.db import migrations

from cases.db import AppendOnly


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [AppendOnly("cases_caseevent")]
