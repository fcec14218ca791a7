"""Small writes of the respondent portal: the link login and the written answer (答辩意见).

Moves between tiers are not made here; they go through ``workflows.router``.
"""
import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import STAFF_ROLES, TERMINAL_STATUSES, Party, Role
from cases.services import case_grant_user, event_record, user_set_roles

ANSWER_MAX_CHARS = 5000


def link_login_allowed(user) -> bool:
    """May a signed invitation link sign ``user`` in?

    Only a party account made by such a link (no password of its own, no staff role,
    not staff or superuser). An account with a password signs in with it, so a
    forwarded or leaked link never opens an account that holds more than the invitation.
    """
    if user is None or not user.is_active or user.is_staff or user.is_superuser:
        return False
    if user.roles & STAFF_ROLES:
        return False
    return not user.has_usable_password()


def _free_phone(phone, User):
    return phone if phone and not User.objects.filter(phone=phone).exists() else None


def _free_email(email, User):
    return email if email and not User.objects.filter(email__iexact=email).exists() else ""


def _new_username(party, User) -> str:
    while True:
        username = f"resp{party.pk}-{secrets.token_hex(3)}"
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def respondent_portal_login(*, party):
    """The account a respondent's invitation link signs in, created on first use; or None.

    First use: a respondent account (generated username, unusable password, the party's
    name, its phone and e-mail where no other account uses them) is linked to the party
    and given view access to the case. Later uses return that account. None when the
    party is not a respondent or its account may not be signed in by a link
    (``link_login_allowed``): the caller then asks for a normal login.
    """
    User = get_user_model()
    party = Party.objects.select_for_update(of=("self",)).select_related("case", "user").get(pk=party.pk)
    if party.role != Party.PartyRole.RESPONDENT:
        return None
    if party.user is not None:
        return party.user if link_login_allowed(party.user) else None
    user = User(
        username=_new_username(party, User), full_name=party.name[:50],
        phone=_free_phone(party.phone, User), email=_free_email(party.email, User),
    )
    user.set_unusable_password()
    user.save()
    user_set_roles(user=user, roles=[Role.RESPONDENT])
    party.user = user
    party.save(update_fields=["user"])
    case_grant_user(case=party.case, user=user, actor=user)
    return user


@transaction.atomic
def respondent_answer_submit(*, actor, case, party, text):
    """答辩意见: the respondent's written answer, kept on the case timeline (visible to the parties)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("请填写答辩意见。")]}, code="required")
    if len(text) > ANSWER_MAX_CHARS:
        raise ValidationError(
            {"text": [_("答辩意见不能超过%(max)s字。") % {"max": ANSWER_MAX_CHARS}]}, code="max_length",
        )
    if party.case_id != case.pk or party.role != Party.PartyRole.RESPONDENT:
        raise ValidationError(_("只有本案被申请人可以提交答辩意见。"), code="not_respondent")
    if case.status in TERMINAL_STATUSES:
        raise ValidationError(_("案件已经结束，不能再提交答辩意见。"), code="closed")
    return event_record(
        case=case, actor=actor, kind="respondent_answer", public=True, message=text[:500],
        after={"party": party.pk, "text": text},
    )
