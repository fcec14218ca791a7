from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _forget_permission_ids(**kwargs):
    """Permission rows are recreated by migrate and by a test flush: drop the cached ids."""
    from cases import permissions

    permissions._perm_ids.clear()


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("案件")

    def ready(self):
        post_migrate.connect(_forget_permission_ids, dispatch_uid="cases.forget_permission_ids")
