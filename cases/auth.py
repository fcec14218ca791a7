"""Sign-in with a username, a mobile number or an e-mail address."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Aggregate, CharField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat

from cases import validators
from cases.models import GROUP_LIST_SEPARATOR


class _JoinedText(Aggregate):
    """``STRING_AGG`` (PostgreSQL) / ``GROUP_CONCAT`` (SQLite) of text with a separator."""

    function = "STRING_AGG"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def _group_list():
    """The user's groups as one "id:name" string, so the request's roles come with the user row."""
    through = get_user_model().groups.through
    item = Concat(Cast("group_id", CharField()), Value(":"), "group__name", output_field=CharField())
    joined = (through.objects.filter(user_id=OuterRef("pk")).values("user_id")
              .annotate(v=_JoinedText(item, Value(GROUP_LIST_SEPARATOR))).values("v"))
    return Coalesce(Subquery(joined), Value(""), output_field=CharField())


class PhoneOrEmailBackend(ModelBackend):
    """ModelBackend that also accepts a phone number or e-mail as the login name.

    Unknown users still cost one password hash (ModelBackend's timing defence), so
    the answer for a wrong name and a wrong password looks the same.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        name = username.strip()
        query = Q(username=name) | Q(email__iexact=name) if name else Q(pk=None)
        try:
            phone = validators.normalize_phone(name)
        except Exception:
            phone = ""
        if phone:
            query |= Q(phone=phone)
        candidates = list(User.objects.filter(query)[:2])
        if len(candidates) != 1:
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in user of a request, with its organisation, district and groups in one query
        (every page reads them: the navigation, the roles, the case permissions)."""
        User = get_user_model()
        try:
            user = (User._default_manager.select_related("organization__district")
                    .annotate(group_list=_group_list()).get(pk=user_id))
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
