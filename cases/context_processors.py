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
        if user.has_role(Role.MEDIATOR):
            items.append((reverse("mediation:home"), _("我的调解")))
            items.append((reverse("mediation:queue"), _("待指派队列")))
        if user.has_role(Role.COMMITTEE_DIRECTOR):
            items.append((reverse("mediation:board"), _("调委会工作台")))
        if user.has_role(Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF, Role.TECHNICAL_INVESTIGATOR):
            items.append((reverse("workflows:adjudication:queue"), _("速裁工作台")))
        if user.has_role(Role.TRIBUNAL_CLERK, Role.JUDGE):
            items.append((reverse("workflows:tribunal:queue"), _("巡回审判站")))
        if user.is_superuser or user.has_role(Role.SUPERVISOR, Role.COMMITTEE_DIRECTOR, Role.ADJUDICATION_CHIEF,
                                              Role.SYSADMIN):
            items.append((reverse("statistics:dashboard"), _("统计")))
        if user.has_role(Role.MEDIATOR, Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF):
            items.append((reverse("surveys:mine"), _("我的满意度")))
        if user.is_superuser or user.has_role(Role.SYSADMIN):
            items.append((reverse("admin:index"), _("系统管理")))
    return {"nav_items": items}
