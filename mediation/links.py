"""Signed links of the mediation tier: a party's calendar invitation, fetched without a login."""
from django.core import signing
from django.urls import reverse

INVITE_SALT = "ipdr.mediation-invite"
INVITE_MAX_AGE = 120 * 24 * 3600


def invite_token(session, party=None) -> str:
    return signing.TimestampSigner(salt=INVITE_SALT).sign_object({"s": session.pk, "p": party.pk if party else 0})


def invite_url(session, party=None) -> str:
    return reverse("mediation:session_invite", args=[invite_token(session, party)])


def session_from_token(token: str):
    """The session the token was made for, or None when forged, expired or stale."""
    from mediation.models import MediationSession

    try:
        data = signing.TimestampSigner(salt=INVITE_SALT).unsign_object(token, max_age=INVITE_MAX_AGE)
    except (signing.BadSignature, signing.SignatureExpired, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        return None
    session = MediationSession.objects.select_related("case", "case__organization").filter(pk=data["s"]).first()
    if session is None:
        return None
    party_id = data.get("p")
    if party_id and not session.case.parties.filter(pk=party_id).exists():
        return None
    return session
