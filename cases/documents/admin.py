"""Documents are issued by services only; the admin looks, it never edits."""
from django.contrib import admin

from cases.admin_mixins import ReadOnlyAdmin
from cases.documents.models import Document, Service


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "doc_type", "version", "organization", "issued_at", "public")
    list_filter = ("doc_type", "organization", "public")
    search_fields = ("number", "verification_code", "sha256")
    exclude = ("file",)


@admin.register(Service)
class ServiceAdmin(ReadOnlyAdmin):
    list_display = ("document", "recipient_name", "method", "sent_at", "received_at")
    list_filter = ("method",)
