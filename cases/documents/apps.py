from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "cases.documents"
    label = "documents"
    verbose_name = _("文书")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cases.documents.models import Document
        from cases.selectors import register_case_page_fact

        register_case_page_fact("has_documents", lambda: Exists(
            Document.objects.filter(case=OuterRef("pk"), state=Document.State.RENDERED)))
