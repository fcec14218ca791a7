"""One table of ``Idempotency-Key`` answers for every API write (``cases.idempotency``).

The complaint API kept its answers in ``api_idempotency`` case events: each is copied here (the
first per user and key, as it replayed), its fingerprint as ``data:<sha256>`` because it hashed
the body alone, so a retry of a complaint sent before this migration still replays. The events
stay in the timeline (append-only). The docking API's table is copied by ``tribunal`` 0003.
"""
import json

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def copy_complaint_replays(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    IdempotencyRecord = apps.get_model("cases", "IdempotencyRecord")
    events = (CaseEvent.objects.filter(kind="api_idempotency", actor__isnull=False).order_by("id")
              .values_list("actor_id", "created_at", "after"))
    batch = []
    for actor_id, created_at, after in events.iterator(chunk_size=BATCH):
        after = after if isinstance(after, dict) else {}
        key, body = after.get("key"), after.get("response")
        if not isinstance(key, str) or not key or not isinstance(body, str):
            continue
        try:
            url = json.loads(body).get("url") or ""
        except (ValueError, AttributeError):
            url = ""
        batch.append(IdempotencyRecord(
            user_id=actor_id, key=key[:255], fingerprint="data:" + str(after.get("fingerprint", ""))[:64],
            status_code=201, body=body, location=str(url)[:500], created_at=created_at,
        ))
        if len(batch) >= BATCH:
            IdempotencyRecord.objects.bulk_create(batch, ignore_conflicts=True)  # the first per key wins
            batch = []
    IdempotencyRecord.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0007_case_next_due'),
    ]

    operations = [
        migrations.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=255)),
                ('fingerprint', models.CharField(max_length=80)),
                ('status_code', models.PositiveSmallIntegerField()),
                ('body', models.TextField()),
                ('location', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+',
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '幂等记录',
                'verbose_name_plural': '幂等记录',
                'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='idempotency_once')],
            },
        ),
        migrations.RunPython(copy_complaint_replays, migrations.RunPython.noop, elidable=False),
    ]
