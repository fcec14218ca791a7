"""Evidence: a file checked by content, stored under a generated name, hashed, and audited."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cases.models import Evidence
from cases.services.events import event_record
from cases.uploads import check_upload

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_LENGTH = 300


@transaction.atomic
def evidence_add(*, actor, case, uploaded_file, description="", party=None, ip_address=None) -> Evidence:
    """Check ``uploaded_file`` by content, store it in private storage and record ``evidence_added``.

    Raises ``cases.uploads.UploadRejected`` (a ValidationError with a ``code``) or
    ValidationError before anything reaches the disk or the database. When the database
    write fails after the file was stored, the stored file is removed again.
    """
    checked = check_upload(uploaded_file)

    description = (description or "").strip()
    errors = {}
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = [
            ValidationError(
                _("证据说明不能超过%(limit)d个字（当前%(length)d个字）。"), code="max_length",
                params={"limit": DESCRIPTION_MAX_LENGTH, "length": len(description)},
            )
        ]
    if party is not None and party.case_id != case.pk:
        errors["party"] = [ValidationError(_("提交方不是本案的当事人。"), code="party")]
    if errors:
        raise ValidationError(errors)

    evidence = Evidence(
        case=case, party=party,
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        original_name=checked.safe_name, content_type=checked.content_type, size=checked.size,
        sha256=checked.sha256, description=description,
    )
    # The name passed here is ignored by evidence_upload_to: the stored name is generated.
    evidence.file.save(checked.safe_name, uploaded_file, save=False)
    try:
        evidence.save()
        event_record(
            case=case, actor=actor, kind="evidence_added", public=True, message=checked.safe_name,
            after={
                "evidence": evidence.pk, "sha256": checked.sha256, "size": checked.size,
                "content_type": checked.content_type,
            },
            ip_address=ip_address,
        )
    except BaseException:
        _remove_stored(evidence.file)
        raise
    return evidence


def _remove_stored(field_file):
    """Delete a file written for a row that will not exist (best effort; logged if it fails)."""
    name = field_file.name
    try:
        field_file.storage.delete(name)
    except OSError:
        logger.exception("could not remove stored evidence file %s after a failed save", name)


@transaction.atomic
def evidence_set_confidential(*, actor, evidence, confidential: bool, reason="") -> Evidence:
    """Mark evidence confidential (staff and its submitter only) or open it to every party again."""
    before = evidence.confidential
    Evidence.objects.filter(pk=evidence.pk).update(confidential=confidential)
    evidence.confidential = confidential
    event_record(
        case=evidence.case, actor=actor, kind="evidence_visibility_changed", message=reason[:500],
        before={"evidence": evidence.pk, "confidential": before},
        after={"evidence": evidence.pk, "confidential": confidential},
    )
    return evidence
