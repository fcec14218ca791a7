from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "cases.surveys"
    label = "surveys"
    verbose_name = _("满意度调查")
