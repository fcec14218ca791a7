from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TribunalConfig(AppConfig):
    name = "cases.tribunal"
    label = "tribunal"
    verbose_name = _("精审（巡回审判站）")

    def ready(self):
        from django.db.models import Exists, OuterRef

        from cases.selectors import register_case_page_fact
        from cases.tribunal.models import ConfirmationRuling

        register_case_page_fact("confirmation_ruled", lambda: Exists(
            ConfirmationRuling.objects.filter(case=OuterRef("pk"))))
