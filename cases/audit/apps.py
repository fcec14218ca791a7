from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Security: the audit log, session tracking, the staff second factor."""

    name = "cases.audit"
    label = "audit"
    verbose_name = _("安全审计")

    def ready(self):
        from cases.audit import receivers  # noqa: F401  (connects the auth, axes and user signals)
