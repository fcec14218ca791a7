"""Masking of personal identifiers for roles that do not need them (one place for the rule)."""
import re

_ID_RE = re.compile(r"\b(\d{6})(\d{8})(\d{3}[\dXx])\b")
_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_id_number(value: str) -> str:
    """110105********0021: region and last four kept, the birth date hidden."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****1234 for mobiles; landlines keep the area code and last two digits."""
    if not value:
        return ""
    digits = value
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if "-" in digits:
        area, number = digits.split("-", 1)
        return area + "-" + "*" * max(len(number) - 2, 0) + number[-2:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_text(text: str) -> str:
    """Mask every ID or mobile number found in free text (facts, comments …)."""
    if not text:
        return text
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
