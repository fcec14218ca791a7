"""送达: recording service, confirming receipt, and the 送达回证 it produces."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.documents.models import Document, DocumentType, Service
from cases.documents.services import service_confirm_receipt, service_record
from cases.models import CaseEvent
from tests.documents.conftest import pdf_text
from tests.factories import make_case

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=8))


def test_service_and_receipt_produce_a_service_receipt(issue, case, clerk):
    notice = issue()
    applicant = case.parties.get(role="applicant")
    sent = datetime.datetime(2026, 11, 21, 9, 5, tzinfo=TZ)
    service = service_record(actor=clerk, document=notice, party=applicant, method=Service.Method.IN_APP,
                             sent_at=sent)
    assert service.recipient_name == "李明" and service.served_by == clerk and not service.is_received
    served = CaseEvent.objects.get(case=case, kind="document_served")
    assert served.public and served.after["service"] == service.pk and "李明" in served.message

    received = datetime.datetime(2026, 11, 21, 14, 30, tzinfo=TZ)
    service_confirm_receipt(actor=clerk, service=service, received_at=received, note="受送达人通过平台确认签收")
    service.refresh_from_db()
    assert service.received_at == received and service.receipt_note == "受送达人通过平台确认签收"
    receipt = service.receipt_document
    assert receipt.doc_type == DocumentType.SERVICE_RECEIPT and receipt.title == "送达回证"
    assert receipt.case == case and receipt.series == f"service:{service.pk}"
    text = pdf_text(receipt)
    for expected in ("送达回证", receipt.number, "李明", "受理通知书", notice.number, case.number, "平台送达",
                     "2026年11月21日9时05分", "2026年11月21日14时30分", "王受理", "受送达人通过平台确认签收",
                     receipt.verification_code):
        assert expected in text, expected
    confirmed = CaseEvent.objects.get(case=case, kind="service_confirmed")
    assert confirmed.after["receipt"] == receipt.pk and confirmed.public
    with pytest.raises(ValidationError):
        service_confirm_receipt(actor=clerk, service=service)


def test_one_receipt_per_service_none_superseded(issue, case, clerk):
    notice = issue()
    services = [
        service_record(actor=clerk, document=notice, party=party, method=Service.Method.POST)
        for party in case.parties.order_by("id")
    ]
    receipts = [service_confirm_receipt(actor=clerk, service=s).receipt_document for s in services]
    assert len({r.pk for r in receipts}) == 2
    assert all(r.version == 1 and not Document.objects.get(pk=r.pk).is_superseded for r in receipts)
    assert "重庆某某机械有限公司" in pdf_text(receipts[1]) and "邮寄送达" in pdf_text(receipts[1])


def test_service_on_a_non_party_and_guard_rails(issue, case, clerk, centre):
    notice = issue()
    service = service_record(actor=clerk, document=notice, party=None, method="post", recipient_name="某某公证处")
    assert service.recipient_name == "某某公证处" and service.party is None
    with pytest.raises(ValidationError):
        service_record(actor=clerk, document=notice, party=None, method="post")
    other = make_case(organization=centre)
    with pytest.raises(ValidationError):
        service_record(actor=clerk, document=notice, party=other.parties.first(), method="post")
    with pytest.raises(ValueError):
        service_record(actor=clerk, document=notice, party=None, method="carrier_pigeon", recipient_name="x")
    early = service_record(actor=clerk, document=notice, party=case.parties.first(), method="in_person")
    with pytest.raises(ValidationError):
        service_confirm_receipt(actor=clerk, service=early, received_at=early.sent_at - datetime.timedelta(hours=1))
    early.refresh_from_db()
    assert early.received_at is None and early.receipt_document is None


def test_receipt_of_a_non_public_document_is_not_public(issue, case, clerk):
    internal = issue(DocumentType.REFUSAL_NOTICE, public=False)
    service = service_record(actor=clerk, document=internal, party=case.parties.first(), method="in_person",
                             sent_at=timezone.now() - datetime.timedelta(minutes=5))
    service_confirm_receipt(actor=clerk, service=service)
    service.refresh_from_db()
    assert service.receipt_document.public is False
    assert not CaseEvent.objects.get(case=case, kind="document_served").public
