"""Sign-in with a username, a mobile number or an e-mail address."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from cases import validators


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
