import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OrganizationFactory, complainant

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


@pytest.fixture(autouse=True)
def _draft_storage(_private_storage, monkeypatch):
    """Draft attachments go to the per-test private storage too (see tests/conftest.py)."""
    from django.core.files.storage import storages

    from cases.intake.models import DraftAttachment

    monkeypatch.setattr(DraftAttachment._meta.get_field("file"), "storage", storages["private"])
    try:  # official documents (issued by intake_request_supplement) too, not into var/
        from cases.documents.models import Document
    except ImportError:
        return
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storages["private"])


@pytest.fixture
def centre(roles):
    """The default district's IP protection centre, where online complaints are filed."""
    return OrganizationFactory(name="璧山区知识产权保护中心")


@pytest.fixture
def applicant_user(roles):
    return complainant(full_name="李明", phone="13812345678", email="liming@example.cn")


def pdf(name="专利证书.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def elf_as_pdf(name="发票.pdf"):
    return SimpleUploadedFile(name, ELF_BYTES, content_type="application/pdf")
