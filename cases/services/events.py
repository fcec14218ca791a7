"""The audit trail: one ``CaseEvent`` per change, written inside the change's transaction."""
from django.db import transaction

from cases.models import CaseEvent


def actor_role_of(actor, case=None) -> str:
    """The role under which ``actor`` acted: the first staff role, else party, else system."""
    if actor is None:
        return "system"
    roles = sorted(r.value for r in getattr(actor, "roles", ()))
    return ",".join(roles) if roles else ("superuser" if actor.is_superuser else "user")


def _require_transaction():
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the transaction of the change it records")


def _event(*, case, actor, kind, message="", before=None, after=None, public=False, ip_address=None) -> CaseEvent:
    return CaseEvent(
        case=case, actor=actor, actor_role=actor_role_of(actor, case), kind=kind,
        message=str(message)[:500], before=before, after=after, public=public, ip_address=ip_address,
    )


def event_record(
    *, case, actor, kind, message="", before=None, after=None, public=False, ip_address=None,
) -> CaseEvent:
    """Append one event. Must be called inside the transaction that made the change."""
    _require_transaction()
    event = _event(case=case, actor=actor, kind=kind, message=message, before=before, after=after, public=public,
                   ip_address=ip_address)
    event.save()
    return event


def events_record(*, case, actor, kind, afters, message="", public=False, ip_address=None) -> list[CaseEvent]:
    """Append one event per item of ``afters`` (one change each, e.g. a grant per user) in one INSERT."""
    _require_transaction()
    return CaseEvent.objects.bulk_create([
        _event(case=case, actor=actor, kind=kind, message=message, after=after, public=public, ip_address=ip_address)
        for after in afters
    ])
