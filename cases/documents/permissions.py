"""Who may fetch which document: whoever may see its case; non-public ones only its organisations' staff."""
from django.http import Http404

from cases.documents.models import Document, DocumentType
from cases.models import STAFF_ROLES, Role
from cases.permissions import can_see_identifiers, has_case_rights, own_parties, visible_cases

# Official documents that print the parties' full ID and mobile numbers (their templates in
# templates/documents/pdf/ must: the parties are identified in them). Only the case's parties, who
# are served a copy, and staff whose role needs full identifiers may download them; a supervisor or
# a technical investigator may not (tests/security/test_masking.py reads every PDF as every role).
IDENTIFYING_TYPES = frozenset({
    DocumentType.MEDIATION_AGREEMENT, DocumentType.CONFIRMATION_APPLICATION, DocumentType.ADJUDICATION_DECISION,
})


def _is_admin(user) -> bool:
    return user.is_superuser or user.has_role(Role.SYSADMIN)


def is_case_staff(user, case) -> bool:
    """Staff working on ``case``, and not a party to it (admins always).

    Staff means a staff role plus rights on the case through the user's organisation
    (the organisations that handled it) or granted to the user in person (an assigned
    mediator, a panel member). Supervisors see cases by district, not by these rights,
    so they see public documents only.
    """
    if _is_admin(user):
        return True
    if not (user.roles & STAFF_ROLES):
        return False
    if own_parties(user, case):
        return False
    return has_case_rights(user, case)


def document_for_user(user, document_id) -> Document:
    """The document if ``user`` may see it; else 404, exactly like a document that does not exist.

    A case document needs its case to be visible to the user; a non-public one also
    needs the user to be staff working on the case (``is_case_staff``): parties see
    public documents only. A document without a case (statistics report) is for the staff of
    its issuing organisation, the supervisors of its district, and admins.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise Http404 from None
    document = (Document.objects.select_related("case", "organization")
                .filter(pk=document_id, state=Document.State.RENDERED).first())
    if document is None:  # a queued document has no file yet: not found, like one that does not exist
        raise Http404
    if document.case_id is None:
        if _is_admin(user):
            return document
        if user.organization_id is not None and user.roles & STAFF_ROLES:
            if user.organization_id == document.organization_id:
                return document
            district = user.organization.district_id
            if user.has_role(Role.SUPERVISOR) and district in (None, document.organization.district_id):
                return document
        raise Http404
    if not visible_cases(user).filter(pk=document.case_id).exists():
        raise Http404
    if not document.public and not is_case_staff(user, document.case):
        raise Http404
    if document.doc_type in IDENTIFYING_TYPES and not may_read_identifiers(user, document.case):
        raise Http404
    return document


def may_read_identifiers(user, case) -> bool:
    """A document printing full identifiers: for the case's parties and for roles that need them."""
    return can_see_identifiers(user) or bool(own_parties(user, case))
