"""An index over viewflow's open tasks only, by process.

Why: every queue and case page asks "which steps are open on these cases" (the chief's approvals, the
open steps shown beside each case). A process has several finished tasks for each open one, and
viewflow indexes ``process_id`` over all of them, so each probe read every task of the process
(at 1,000,000 cases the chief's approvals count read 97,000 task buffers). Open tasks are few:
a partial index holds only them. Plain SQL because the table is viewflow's; it runs on SQLite and
PostgreSQL alike.
"""
from django.db import migrations

OPEN = "('NEW', 'ASSIGNED', 'STARTED')"


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_caseevent_arrival_index"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS viewflow_task_open ON viewflow_task (process_id, flow_task) "
            f"WHERE status IN {OPEN}",
            "DROP INDEX IF EXISTS viewflow_task_open",
        ),
    ]
