"""合议组: the chief appoints an odd number, three or more, of case handlers; recusal (回避)."""
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.adjudication import flowlink
from cases.adjudication.models import PanelMember, Recusal, RecusalGround
from cases.adjudication.services import _common as c
from cases.models import CaseStatus, Party, Role
from cases.services import case_grant_user, event_record
from cases.services.access import case_revoke_user

S = CaseStatus
PANEL_ROLES = (Role.ENFORCEMENT_OFFICER, Role.ADJUDICATION_CHIEF)
CASE_PERMS = ("view_case", "change_case")


def eligible_handlers(office):
    """Who may sit on a panel of ``office``: its active enforcement officers (and chiefs)."""
    User = get_user_model()
    return (User.objects.filter(organization=office, is_active=True, groups__name__in=[r.value for r in PANEL_ROLES])
            .distinct().order_by("full_name", "username"))


def _panel_text(members) -> str:
    return "、".join(
        f"{m.user}（{m.get_role_display()}）" if m.role == PanelMember.Role.PRESIDING else str(m.user)
        for m in members
    )


@transaction.atomic
def adjudication_appoint_panel(*, actor, case, members, presiding) -> list[PanelMember]:
    """Set the panel to exactly ``members`` (users) with ``presiding`` as its head.

    Members who leave are recorded as such; new ones get the case granted to them in person.
    """
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    members = list(dict.fromkeys(members or []))
    eligible = set(eligible_handlers(adj.office).values_list("pk", flat=True))
    if any(m.pk not in eligible for m in members):
        raise c.invalid(_("合议组成员应为本机关的办案人员。"), "members")
    if len(members) < 3 or len(members) % 2 == 0:
        raise c.invalid(_("合议组应由三人以上的单数办案人员组成（当前%(n)s人）。") % {"n": len(members)}, "members")
    if presiding not in members:
        raise c.invalid(_("请从合议组成员中指定组长。"), "presiding")
    party_users = set(Party.objects.filter(case=adj.case).exclude(user=None).values_list("user_id", flat=True))
    if party_users & {m.pk for m in members}:
        raise c.invalid(_("本案当事人或其代理人不能担任合议组成员。"), "members")
    recused = set(adj.recusals.filter(state=Recusal.State.GRANTED).values_list("member__user_id", flat=True))
    if recused & {m.pk for m in members}:
        raise c.invalid(_("已准予回避的人员不能再担任本案合议组成员。"), "members")
    if adj.recusals.filter(state=Recusal.State.PENDING, member__user__in=members).exists():
        raise c.invalid(_("有成员的回避申请尚未决定，请先作出回避决定。"), "members")

    now = timezone.now()
    current = {m.user_id: m for m in adj.panel.select_for_update().filter(active=True)}
    wanted = {m.pk: m for m in members}
    for user_id, member in current.items():
        if user_id not in wanted:
            member.active, member.ended_at, member.end_reason = False, now, _("调整合议组")
            member.save(update_fields=["active", "ended_at", "end_reason"])
    result = []
    for user in members:
        role = PanelMember.Role.PRESIDING if user.pk == presiding.pk else PanelMember.Role.MEMBER
        member = current.get(user.pk)
        if member is None:
            member = PanelMember.objects.create(adjudication=adj, user=user, role=role, appointed_by=actor)
            case_grant_user(case=adj.case, user=user, actor=actor, perms=CASE_PERMS)
            c.notify_user(user, adj.case, key=f"adj-panel-{member.pk}", subject=_("您被指定为合议组成员"),
                          body=_("您被指定为%(case)s的%(role)s。") % {
                              "case": adj.case.number, "role": member.get_role_display()})
        elif member.role != role:
            member.role = role
            member.save(update_fields=["role"])
        result.append(member)
    result.sort(key=lambda m: (m.role != PanelMember.Role.PRESIDING, m.appointed_at, m.pk))
    text = _panel_text(result)
    event_record(
        case=adj.case, actor=actor, kind="adjudication_panel", public=True,
        message=_("合议组：%(panel)s") % {"panel": text},
        after={"members": [m.user_id for m in result], "presiding": presiding.pk},
    )
    c.notify_parties(
        adj.case, key=f"adj-panel-{adj.pk}-{int(now.timestamp())}", subject=_("合议组组成"),
        body=_("%(case)s的合议组由%(panel)s组成。认为成员应当回避的，可以申请回避并说明理由。") % {
            "case": adj.case.number, "panel": text},
    )
    c.signal(adj, flowlink.PANEL_APPOINTED, actor, complete=c.panel_complete(result))
    return result


@transaction.atomic
def adjudication_raise_recusal(*, actor, case, member, kind, ground, reason, party=None) -> Recusal:
    """A member declares a ground for recusal, or a party asks for a member's recusal; the chief decides."""
    adj = c.lock(case)
    c.require_status(adj.case, S.ADJUDICATING, S.ADJUDICATION_SUSPENDED)
    if member is None or member.adjudication_id != adj.pk or not member.active:
        raise c.invalid(_("请选择本案合议组的在任成员。"), "member")
    if kind not in Recusal.Kind.values:
        raise c.invalid(_("请选择自行回避或申请回避。"), "kind")
    if ground not in RecusalGround.values:
        raise c.invalid(_("请选择回避事由。"), "ground")
    reason = c.clean_text(reason, "reason", _("具体理由"), max_length=2000)
    if kind == Recusal.Kind.DECLARATION:
        if actor.pk != member.user_id:
            raise c.invalid(_("自行回避只能由该成员本人提出。"), "kind")
        party = None
    else:
        party = c.party_of(adj.case, party, Party.PartyRole.APPLICANT, Party.PartyRole.RESPONDENT,
                           Party.PartyRole.THIRD_PARTY)
        if party.user_id != actor.pk and not c.is_staff_of(actor, adj):
            raise c.invalid(_("只能以本人作为当事人的身份申请回避。"), "party")
    if member.recusals.filter(state=Recusal.State.PENDING).exists():
        raise c.conflict(_("对该成员的回避申请正在等待负责人决定。"))
    recusal = Recusal.objects.create(
        adjudication=adj, member=member, kind=kind, ground=ground, reason=reason, party=party, raised_by=actor,
    )
    event_record(
        case=adj.case, actor=actor, kind="adjudication_recusal_raised", public=kind == Recusal.Kind.REQUEST,
        message=_("%(kind)s：%(member)s，事由：%(ground)s") % {
            "kind": recusal.get_kind_display(), "member": member.user, "ground": recusal.get_ground_display()},
        after={"recusal": recusal.pk, "member": member.user_id, "ground": ground},
    )
    c.signal(adj, flowlink.RECUSAL_RAISED, actor, recusal=recusal)
    return recusal


@transaction.atomic
def adjudication_decide_recusal(*, actor, case, recusal, granted: bool, note="") -> Recusal:
    """The chief grants the recusal (the member leaves the panel) or refuses it with reasons."""
    adj = c.lock(case)
    recusal = Recusal.objects.select_for_update(of=("self",)).select_related("member__user", "party").get(pk=recusal.pk)
    if recusal.adjudication_id != adj.pk:
        raise c.invalid(_("该回避申请不属于本案。"), "recusal")
    if recusal.state != Recusal.State.PENDING:
        raise c.conflict(_("该回避申请已经作出决定。"))
    note = c.clean_text(note, "note", _("决定理由"), required=not granted, max_length=2000)
    recusal.state = Recusal.State.GRANTED if granted else Recusal.State.REFUSED
    recusal.decided_by, recusal.decided_at, recusal.decision_note = actor, timezone.now(), note
    recusal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    member = recusal.member
    if granted:
        member.active, member.ended_at, member.end_reason = False, recusal.decided_at, _("回避")
        member.save(update_fields=["active", "ended_at", "end_reason"])
        case_revoke_user(case=adj.case, user=member.user, actor=actor, perms=CASE_PERMS)
    event_record(
        case=adj.case, actor=actor, kind="adjudication_recusal_decided", public=recusal.kind == Recusal.Kind.REQUEST,
        message=_("%(member)s%(result)s") % {
            "member": member.user, "result": _("回避，退出合议组") if granted else _("的回避申请被驳回")}
        + (f"：{note}" if note else ""),
        after={"recusal": recusal.pk, "granted": granted},
    )
    if recusal.party is not None:
        c.notify_parties(
            adj.case, key=f"adj-recusal-{recusal.pk}", roles=(recusal.party.role,), subject=_("回避申请已决定"),
            body=_("您对%(member)s提出的回避申请%(result)s。") % {
                "member": member.user, "result": _("已准予") if granted else _("已被驳回")},
        )
    c.signal(adj, flowlink.RECUSAL_DECIDED, actor, recusal=recusal, granted=granted,
             panel_complete=c.panel_complete(c.active_panel(adj)))
    return recusal
