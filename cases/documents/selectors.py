"""Reads for documents: the list on a case page, in a fixed number of queries."""
from django.db.models import Count

from cases.documents.models import Document
from cases.documents.permissions import IDENTIFYING_TYPES, is_case_staff, may_read_identifiers
from cases.selectors import case_page_fact


def case_documents(user, case) -> list[Document]:
    """The case's documents ``user`` may download: all for staff on the case, public ones for others,
    none printing full identifiers for a role that must not see them.

    The caller has already checked that the user may see the case.
    """
    if case_page_fact(case, "has_documents") is False:
        return []
    qs = (Document.objects.filter(case=case, state=Document.State.RENDERED)
          .select_related("organization", "superseded_by").annotate(served=Count("services")))
    if not is_case_staff(user, case):
        qs = qs.filter(public=True)
    if not may_read_identifiers(user, case):
        qs = qs.exclude(doc_type__in=IDENTIFYING_TYPES)
    return list(qs.order_by("-issued_at", "-id"))
