"""The docking API's ``Idempotency-Key`` answers move to ``cases.IdempotencyRecord``, the one table of
every API write: each row is kept under its client's service account (one per client), with its
fingerprint, status, body and location unchanged, so every key replays as before."""
from django.db import migrations

BATCH = 1000


def to_cases(apps, schema_editor):
    DockingIdempotency = apps.get_model("tribunal", "DockingIdempotency")
    IdempotencyRecord = apps.get_model("cases", "IdempotencyRecord")
    batch = []
    for row in DockingIdempotency.objects.select_related("client").order_by("id").iterator(chunk_size=BATCH):
        batch.append(IdempotencyRecord(
            user_id=row.client.acting_user_id, key=row.key, fingerprint=row.fingerprint,
            status_code=row.status_code, body=row.body, location=row.location, created_at=row.created_at,
        ))
        if len(batch) >= BATCH:
            IdempotencyRecord.objects.bulk_create(batch)
            batch = []
    IdempotencyRecord.objects.bulk_create(batch)


def to_tribunal(apps, schema_editor):
    DockingClient = apps.get_model("tribunal", "DockingClient")
    DockingIdempotency = apps.get_model("tribunal", "DockingIdempotency")
    IdempotencyRecord = apps.get_model("cases", "IdempotencyRecord")
    clients = dict(DockingClient.objects.values_list("acting_user_id", "pk"))
    rows = IdempotencyRecord.objects.filter(user_id__in=list(clients)).order_by("id")
    DockingIdempotency.objects.bulk_create([
        DockingIdempotency(client_id=clients[r.user_id], key=r.key, fingerprint=r.fingerprint[:64],
                           status_code=r.status_code, body=r.body, location=r.location, created_at=r.created_at)
        for r in rows
    ])
    rows.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0008_idempotency_record'),
        ('tribunal', '0002_docking'),
    ]

    operations = [
        migrations.RunPython(to_cases, to_tribunal, elidable=False),
        migrations.DeleteModel(
            name='DockingIdempotency',
        ),
    ]
