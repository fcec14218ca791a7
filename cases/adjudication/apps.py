from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdjudicationConfig(AppConfig):
    name = "cases.adjudication"
    label = "adjudication"
    verbose_name = _("速裁（专利侵权纠纷行政裁决）")
