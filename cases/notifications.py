"""Notices to parties and staff: in-app, SMS and e-mail, through pluggable backends.

``notify`` writes ``Notification`` rows (the outbox) inside the caller's transaction and
enqueues delivery after commit. SMS goes through ``settings.SMS_BACKEND``: the console
and file backends serve development; a real gateway implements ``SMSBackend.send``.
E-mail uses Django's EMAIL_BACKEND.
"""
import fcntl
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from cases.broker import delay_best_effort
from cases.models import Notification


class SMSBackend:
    """What an SMS gateway adapter implements.

    ``message_id`` is the platform's id of the notice (the same on every retry of it). A real
    adapter passes it to the gateway as the client's message / de-duplication id (e.g. an
    ``OutId``), so a worker killed after the gateway accepted a message but before the row was
    marked sent cannot make the phone ring twice: the retry is the same message to the gateway.
    """

    def send(self, phone: str, text: str, *, message_id: str) -> str:
        """Send ``text`` to ``phone``; return the gateway's message id; raise on failure."""
        raise NotImplementedError


class ConsoleSMSBackend(SMSBackend):
    def send(self, phone, text, *, message_id):
        print(f"[SMS {message_id} to {phone}] {text}")  # noqa: T201 - the console backend's whole job
        return f"console-{message_id}"


class FileSMSBackend(SMSBackend):
    """A fake gateway in a file (development, demos, the worker tests): one JSON line per call.

    Like a real gateway it de-duplicates by ``message_id``: a repeated id is recorded with
    ``"duplicate": true`` and not delivered again, so a test can count both what the platform
    asked for and what the phones received. Calls from several worker processes are serialised
    by a file lock.
    """

    def send(self, phone, text, *, message_id):
        path = Path(settings.SMS_FILE_PATH)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.seek(0)
            seen = any(json.loads(line).get("message_id") == message_id for line in fh if line.strip())
            fh.write(json.dumps({"message_id": message_id, "phone": phone, "text": text, "duplicate": seen,
                                 "at": timezone.now().isoformat()}, ensure_ascii=False) + "\n")
            fh.flush()
        return f"file-{message_id}"


class LocMemSMSBackend(SMSBackend):
    """Keeps every call in ``LocMemSMSBackend.outbox`` (tests)."""

    outbox: list = []

    def send(self, phone, text, *, message_id):
        self.outbox.append({"phone": phone, "text": text, "message_id": message_id})
        return f"locmem-{len(self.outbox)}"


def message_id(notification) -> str:
    """The de-duplication id a gateway sees for one notice: stable across retries and workers."""
    return f"ipdr-n{notification.pk}"


def sms_backend() -> SMSBackend:
    return import_string(settings.SMS_BACKEND)()


def notify(*, key, subject, body, case=None, user=None, phone="", email="", link="", channels=None):
    """Queue one notice per channel that has an address. ``key`` makes it idempotent.

    Returns the Notification rows (existing ones when ``key`` was used before).
    """
    channels = channels or (Notification.Channel.IN_APP, Notification.Channel.SMS, Notification.Channel.EMAIL)
    phone = phone or (getattr(user, "phone", "") or "")
    email = email or (getattr(user, "email", "") or "")
    addresses = {
        Notification.Channel.IN_APP: "" if user is None else str(user.pk),
        Notification.Channel.SMS: phone,
        Notification.Channel.EMAIL: email,
    }
    rows = []
    for channel in channels:
        if not addresses[channel]:
            continue
        row, created = Notification.objects.get_or_create(
            idempotency_key=f"{key}:{channel}",
            defaults={
                "user": user, "case": case, "channel": channel, "address": addresses[channel],
                "subject": str(subject)[:200], "body": str(body), "link": link,
                "state": Notification.State.SENT if channel == Notification.Channel.IN_APP
                else Notification.State.PENDING,
                "sent_at": timezone.now() if channel == Notification.Channel.IN_APP else None,
            },
        )
        rows.append(row)
        if created and row.state == Notification.State.PENDING:
            transaction.on_commit(lambda pk=row.pk: enqueue(pk))
    return rows


def enqueue(notification_id: int) -> bool:
    """Hand one notice to the broker. Best effort: the row is the outbox.

    When the broker is down the change that caused the notice has already committed;
    failing here would turn a saved complaint into an error page. The row stays
    PENDING and ``flush_outbox`` (Celery beat) enqueues it again later.
    """
    from cases.tasks import deliver_notification

    return delay_best_effort(deliver_notification, notification_id,
                             waiting=f"notification {notification_id} stays in the outbox")


def pending_for_flush(older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    """Pending notices old enough that their first enqueue may have been lost."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, created_at__lt=cutoff)
        .order_by("created_at").values_list("pk", flat=True)[:limit]
    )


def deliver(notification_id: int) -> bool:
    """Send one pending notice. Safe to call twice: only a PENDING row is sent, once.

    The row stays locked while the gateway is called, so two deliveries of one notice (the
    first enqueue and an outbox flush) run one after the other and the second sends nothing.
    A worker killed between the gateway's answer and the commit leaves the row PENDING; the
    redelivered task sends it again under the same ``message_id`` and the gateway drops it.
    """
    with transaction.atomic():
        row = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if row is None or row.state != Notification.State.PENDING:
            return False
        row.attempts += 1
        link = f"{settings.IPDR_PUBLIC_BASE_URL}{row.link}" if row.link.startswith("/") else row.link
        text = f"{row.body} {link}".strip()
        if row.channel == Notification.Channel.SMS:
            sms_backend().send(row.address, f"【{settings.SMS_SIGNATURE}】{text}", message_id=message_id(row))
        elif row.channel == Notification.Channel.EMAIL:
            # A stable Message-ID: mail clients show a re-sent copy of one notice once.
            domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "ipdr.local"
            EmailMessage(row.subject, text, settings.DEFAULT_FROM_EMAIL, [row.address],
                         headers={"Message-ID": f"<{message_id(row)}@{domain}>"}).send()
        row.state = Notification.State.SENT
        row.sent_at = timezone.now()
        row.save(update_fields=["state", "sent_at", "attempts"])
    return True


def mark_failed(notification_id: int):
    Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).update(
        state=Notification.State.FAILED
    )
