from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TribunalConfig(AppConfig):
    name = "cases.tribunal"
    label = "tribunal"
    verbose_name = _("精审（巡回审判站）")
