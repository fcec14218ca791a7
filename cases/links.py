"""Signed links that open a party's view of a case without a password (invitations).

A link carries only the party id, signed with the project's secret and a purpose
salt, and expires; it can be re-sent, and an old one stops working when the party
already has an account (the link then asks for a login).
"""
from django.core import signing

PARTY_SALT = "ipdr.party-invitation"
PARTY_MAX_AGE = 30 * 24 * 3600  # 30 days


def party_token(party) -> str:
    return signing.TimestampSigner(salt=PARTY_SALT).sign_object({"p": party.pk, "c": party.case_id})


def party_from_token(token: str, max_age: int = PARTY_MAX_AGE):
    """The Party the token was made for, or None when forged, expired or stale."""
    from cases.models import Party

    try:
        data = signing.TimestampSigner(salt=PARTY_SALT).unsign_object(token, max_age=max_age)
    except (signing.BadSignature, signing.SignatureExpired, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    return Party.objects.select_related("case").filter(pk=data.get("p"), case_id=data.get("c")).first()
