"""The signed survey link: opens one party's invitation without a login.

The token carries the invitation and party ids, signed with the project's secret and a
purpose salt of its own (a party-portal link cannot be replayed here, nor the reverse).
The invitation row decides expiry; the signature's own age limit is a second fence.
"""
from django.conf import settings
from django.core import signing
from django.urls import reverse

SURVEY_SALT = "ipdr.survey-invitation"


def _max_age() -> int:
    return (settings.SURVEY_EXPIRY_DAYS + 1) * 24 * 3600


def survey_token(invitation) -> str:
    return signing.TimestampSigner(salt=SURVEY_SALT).sign_object({"i": invitation.pk, "p": invitation.party_id})


def survey_path(invitation) -> str:
    return reverse("surveys:answer", args=[survey_token(invitation)])


def invitation_from_token(token: str):
    """The SurveyInvitation the token was made for, or None when forged, expired or altered."""
    from cases.surveys.models import SurveyInvitation

    if not token or len(token) > 300:
        return None
    try:
        data = signing.TimestampSigner(salt=SURVEY_SALT).unsign_object(token, max_age=_max_age())
    except (signing.BadSignature, signing.SignatureExpired, ValueError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("p"), int):
        return None
    return (
        SurveyInvitation.objects.select_related("case", "organization", "party")
        .filter(pk=data["i"], party_id=data["p"]).first()
    )
