"""``Case.next_due``: the soonest due date among a case's running deadlines, stored so the queues
sort and count by an index (issue 8), backfilled by one set-based UPDATE (no per-row Python),
then indexed (building the index once after the backfill is cheaper than maintaining it row by row).

The backfill is a single ``UPDATE … FROM (SELECT case_id, MIN(due_date) … GROUP BY case_id)``:
PostgreSQL runs it as one hash join over the running deadlines; SQLite has had ``UPDATE … FROM``
since 3.33. Cases with no running deadline keep NULL (the column's value when it is added).
"""
from django.db import migrations, models

BACKFILL = """
UPDATE cases_case SET next_due = soonest.due
FROM (SELECT case_id, MIN(due_date) AS due FROM cases_deadline WHERE state = 'running' GROUP BY case_id) AS soonest
WHERE cases_case.id = soonest.case_id
"""


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0006_deadline_after_closure"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="next_due",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="最近届满日"),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop, elidable=False),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["status", "next_due", "submitted_at", "id"], name="case_status_next_due"),
        ),
    ]
