"""Navigation for the base layout, by role."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import STAFF_ROLES, Role


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        items.append((reverse("home"), _("工作台")))
        items.append((reverse("cases:list"), _("我的案件") if not user.roles & STAFF_ROLES else _("案件")))
        if user.has_role(Role.INTAKE_CLERK):
            items.append((reverse("workflows:intake_queue"), _("受理队列")))
        if user.is_superuser or user.has_role(Role.SYSADMIN):
            items.append((reverse("admin:index"), _("系统管理")))
    return {"nav_items": items}
