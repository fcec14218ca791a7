"""Validators and normalisers for the identifiers parties type in: 居民身份证号码, 统一社会信用代码,
联系电话 and the registration numbers of the rights in dispute (专利申请号, 商标注册号, 著作权登记号 …).

Normalise first, then validate
------------------------------
Parties mostly fill in the forms on a phone with a Chinese IME, which readily produces
full-width digits and letters (``１１０１…``, ``ｘ``), full-width punctuation (``．`` ``－``),
an ideographic space (U+3000) or a lower-case ``x``. Rejecting such input would be
unfriendly and would not make the data any better, so every ``validate_*`` function first
applies the matching ``normalize_*`` function and validates the *normalised* value:
``" 11010519491231002x "`` with a correct check character is valid. The normalised form
is what gets stored (``cases.services`` normalises party fields before saving, and
``IPRight.clean`` stores the result of :func:`normalize_ip_number`).

Normalisation of every identifier:

* strip surrounding white space, including U+3000 and zero-width characters;
* convert full-width ASCII (U+FF01-FF5E: digits, letters, ``．`` ``－`` ``（`` …) to ASCII,
  dash-like characters (``—`` ``–`` ``‐`` ``−``) to ``-`` and ``。`` to ``.``;
* upper-case letters;
* for fixed-format identifiers (ID number, credit code, phone, patent, trademark and
  copyright numbers) also drop white space *inside* the value, since numbers are often
  typed or pasted in groups (``1101 0519 4912 3100 2X``).

``normalize_*`` functions never raise: input they cannot parse is returned cleaned but
otherwise unchanged, and the matching ``validate_*`` function reports what is wrong with
it. :func:`normalize_ip_number` is the exception: it normalises *and* validates (it is
what ``IPRight.clean`` calls) and raises ``ValidationError``.

Empty values: every ``validate_*`` function accepts ``""`` (and ``None``): the model
fields are ``blank=True`` and whether a value is required is the form's business.
The ``normalize_*`` functions return ``""`` for empty input.

Error messages name the identifier, say exactly what is wrong, carry a ``code`` and use
``%(name)s`` parameters so they stay translatable. A wrong check character is reported
without revealing the expected one (that would help forgery).

This module depends only on Django's ``ValidationError`` and ``gettext_lazy`` and the
standard library: ``cases.models`` imports it, so it must never import a model.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "normalize_credit_code",
    "normalize_id_number",
    "normalize_ip_number",
    "normalize_patent_number",
    "normalize_phone",
    "validate_credit_code",
    "validate_id_number",
    "validate_patent_number",
    "validate_phone",
]


# --------------------------------------------------------------------------------------------
# Common text clean-up
# --------------------------------------------------------------------------------------------

_TRANSLATION = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
_TRANSLATION.update({0x3000: " ", 0x3002: "."})  # ideographic space, ideographic full stop
_TRANSLATION.update(dict.fromkeys((0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212), "-"))
_TRANSLATION.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))  # zero-width: drop
_WHITESPACE_RE = re.compile(r"\s+")


def _clean(value) -> str:
    """Full-width to ASCII, surrounding white space stripped, upper case."""
    if value is None:
        return ""
    return str(value).translate(_TRANSLATION).strip().upper()


def _compact(value) -> str:
    """``_clean`` and no white space inside either."""
    return _WHITESPACE_RE.sub("", _clean(value))


def _check_sum(weights, chars, alphabet) -> int:
    return sum(w * alphabet.index(c) for w, c in zip(weights, chars, strict=True))


# --------------------------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# --------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # indexed by the weighted sum mod 11 (ISO 7064 MOD 11-2)
_ID_PROVINCES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66),
     71, 81, 82, 83, 91]
)
_ID_MIN_BIRTH_YEAR = 1900


def normalize_id_number(value) -> str:
    """Cleaned 居民身份证号码 (``x`` → ``X``, full-width → ASCII, no spaces); ``""`` for empty."""
    return _compact(value)


def validate_id_number(value):
    """Validate a 18-character 居民身份证号码: characters, province, birth date, check character."""
    number = normalize_id_number(value)
    if not number:
        return
    if len(number) != 18:
        if len(number) == 15 and number.isdigit():
            raise ValidationError(
                _("居民身份证号码应为18位（17位数字加1位校验码），您输入了15位；"
                  "15位的第一代身份证号码已停止使用，请填写18位号码。"),
                code="length",
            )
        raise ValidationError(
            _("居民身份证号码应为18位（17位数字加1位校验码），您输入了%(length)s位。"),
            code="length", params={"length": len(number)},
        )
    for position, char in enumerate(number[:17], start=1):
        if not ("0" <= char <= "9"):
            raise ValidationError(
                _("居民身份证号码的第%(position)s位应为数字，不能是“%(char)s”。"),
                code="charset", params={"position": position, "char": char},
            )
    if number[17] not in "0123456789X":
        raise ValidationError(
            _("居民身份证号码的最后一位应为数字或X，不能是“%(char)s”。"),
            code="charset", params={"char": number[17]},
        )
    if int(number[:2]) not in _ID_PROVINCES:
        raise ValidationError(
            _("居民身份证号码的前两位“%(code)s”不是有效的省级行政区划代码。"),
            code="region", params={"code": number[:2]},
        )
    _validate_birth_date(number[6:14])
    if _ID_CHECK_CHARS[_check_sum(_ID_WEIGHTS, number[:17], "0123456789") % 11] != number[17]:
        raise ValidationError(
            _("居民身份证号码的校验码不正确，请核对号码是否抄错。"), code="checksum",
        )


def _validate_birth_date(text):
    try:
        birth = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise ValidationError(
            _("居民身份证号码中的出生日期“%(date)s”不是有效的日期。"),
            code="birth_date", params={"date": text},
        ) from None
    if birth.year < _ID_MIN_BIRTH_YEAR:
        raise ValidationError(
            _("居民身份证号码中的出生日期“%(date)s”无效：出生年份不能早于%(year)s年。"),
            code="birth_date", params={"date": text, "year": _ID_MIN_BIRTH_YEAR},
        )
    if birth > datetime.date.today():
        raise ValidationError(
            _("居民身份证号码中的出生日期“%(date)s”无效：出生日期不能晚于今天。"),
            code="birth_date", params={"date": text},
        )


# --------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------------------------

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_credit_code(value) -> str:
    """Cleaned 统一社会信用代码 (upper case, full-width → ASCII, no spaces); ``""`` for empty."""
    return _compact(value)


def validate_credit_code(value):
    """Validate an 18-character 统一社会信用代码: alphabet, region code, check character."""
    code = normalize_credit_code(value)
    if not code:
        return
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，您输入了%(length)s位。"),
            code="length", params={"length": len(code)},
        )
    for char in code:
        if char not in _USCC_ALPHABET:
            raise ValidationError(
                _("统一社会信用代码含有不允许的字符“%(char)s”"
                  "（只能使用数字和大写英文字母，且不使用I、O、Z、S、V）。"),
                code="charset", params={"char": char},
            )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("统一社会信用代码的第3至8位应为登记管理机关的行政区划码（6位数字）。"),
            code="region",
        )
    total = _check_sum(_USCC_WEIGHTS, code[:17], _USCC_ALPHABET)
    if _USCC_ALPHABET[(31 - total % 31) % 31] != code[17]:
        raise ValidationError(
            _("统一社会信用代码的校验码不正确，请核对代码是否抄错。"), code="checksum",
        )


# --------------------------------------------------------------------------------------------
# 联系电话: mainland mobile or landline with area code
# --------------------------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"(?:\+86|0086|86)?(1\d{10})")
_MOBILE_LIKE_RE = re.compile(r"(?:\+86|0086)?(1\d*)")
_LANDLINE_HYPHEN_RE = re.compile(r"\((0\d{2,3})\)-?(\d{7,8})|(0\d{2,3})-(\d{7,8})")
_LANDLINE_PLAIN_RE = re.compile(r"0\d{9,11}")
_EXTENSION_RE = re.compile(r"(?:\(?0\d{2,3}\)?-?\d{7,8})(?:-|转|分机|EXT\.?|X|#)\d{1,6}")


def normalize_phone(value) -> str:
    """Mobile → 11 digits (``+86``/``86``/``0086`` dropped); landline → ``023-41234567``.

    ``""`` for empty; input that is not a phone number comes back cleaned but unchanged.
    """
    try:
        return _parse_phone(value)
    except ValidationError:
        return _compact(value)


def validate_phone(value):
    """Validate a mainland mobile number or a landline number with area code (no extension)."""
    _parse_phone(value)


def _parse_phone(value) -> str:
    text = _compact(value)
    if not text:
        return ""
    mobile = _MOBILE_RE.fullmatch(re.sub(r"[-()]", "", text))
    if mobile:
        number = mobile.group(1)
        if number[1] not in "3456789":
            raise ValidationError(
                _("手机号码“%(number)s”无效：第2位应为3至9。"), code="mobile_prefix",
                params={"number": number},
            )
        return number
    mobile_like = _MOBILE_LIKE_RE.fullmatch(re.sub(r"[-()]", "", text))
    if mobile_like:
        raise ValidationError(
            _("手机号码应为11位，您输入了%(length)s位。"),
            code="length", params={"length": len(mobile_like.group(1))},
        )
    if _EXTENSION_RE.fullmatch(text):
        raise ValidationError(
            _("联系电话不支持分机号，请只填写区号和电话号码（如023-41234567）。"), code="extension",
        )
    hyphenated = _LANDLINE_HYPHEN_RE.fullmatch(text)
    if hyphenated:
        area, number = [g for g in hyphenated.groups() if g is not None]
        if len(area) != _area_code_length(area):
            raise ValidationError(
                _("固定电话的区号“%(area)s”不正确：以010、02开头的区号为3位，其余为4位。"),
                code="area_code", params={"area": area},
            )
        return f"{area}-{number}"
    if _LANDLINE_PLAIN_RE.fullmatch(text):
        area_length = _area_code_length(text)
        area, number = text[:area_length], text[area_length:]
        if not 7 <= len(number) <= 8:
            raise ValidationError(
                _("固定电话号码“%(number)s”位数不正确：区号%(area)s后应为7至8位号码。"),
                code="length", params={"number": text, "area": area},
            )
        return f"{area}-{number}"
    raise ValidationError(
        _("联系电话格式不正确：请填写11位手机号码，或带区号的固定电话（如023-41234567）。"),
        code="invalid",
    )


def _area_code_length(digits):
    """010 and 02x are the 3-digit area codes; 03x-09x are 4 digits; 00 is international."""
    if digits[1] == "0":
        raise ValidationError(
            _("固定电话的区号不能以00开头；境外电话请填写手机号码或联系邮箱。"), code="area_code",
        )
    return 3 if digits[1] in "12" else 4


# --------------------------------------------------------------------------------------------
# 专利申请号 (ZL202310123456.X; old style ZL98123456.7)
# --------------------------------------------------------------------------------------------

INVENTION_PATENT = "invention_patent"
UTILITY_MODEL = "utility_model"
DESIGN_PATENT = "design_patent"
_PATENT_KINDS = (INVENTION_PATENT, UTILITY_MODEL, DESIGN_PATENT)
_PATENT_TYPE_BY_DIGIT = {
    "1": INVENTION_PATENT, "8": INVENTION_PATENT,  # 8: PCT application entering the national phase
    "2": UTILITY_MODEL, "9": UTILITY_MODEL,
    "3": DESIGN_PATENT,
}
_PATENT_KIND_LABELS = {
    INVENTION_PATENT: _("发明专利"),
    UTILITY_MODEL: _("实用新型专利"),
    DESIGN_PATENT: _("外观设计专利"),
}
_PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PATENT_FIRST_NEW_STYLE_YEAR = 2003  # 12-digit numbers since 1 October 2003


def normalize_patent_number(value, kind=None) -> str:
    """``ZL`` + 12 (or old-style 8) digits + ``.`` + check character, e.g. ``ZL202310123456.X``.

    Accepts ``ZL``/``CN``/no prefix, with or without the dot, any case, full-width
    characters. ``""`` for empty; unparseable input comes back cleaned but unchanged.
    """
    try:
        return _parse_patent_number(value, kind)
    except ValidationError:
        return _compact(value)


def validate_patent_number(value, kind=None):
    """Validate a 专利申请号; with ``kind`` (invention_patent …) its type digit must match."""
    _parse_patent_number(value, kind)


def _parse_patent_number(value, kind) -> str:
    kind = getattr(kind, "value", kind)
    if kind is not None and kind not in _PATENT_KINDS:
        raise ValueError(f"not a patent kind: {kind!r}")
    text = _compact(value)
    if not text:
        return ""
    body = re.sub(r"^(?:ZL|CN)", "", text)
    if not re.fullmatch(r"\d+(?:\.?[\dX])?", body):
        raise ValidationError(
            _("专利申请号格式不正确：应为12位数字（2003年10月起的申请）或8位数字（此前的申请）"
              "加1位校验位，形如ZL+数字+“.”+校验位，可省略“ZL”和“.”。"),
            code="format",
        )
    raw = body.replace(".", "")
    if len(raw) in (8, 12) and raw.isdigit() and "." not in body:
        raise ValidationError(
            _("专利申请号缺少校验位：请填写完整的号码，包括“.”后的一位数字或X。"), code="length",
        )
    if len(raw) not in (9, 13):
        raise ValidationError(
            _("专利申请号应为13位（12位数字加1位校验位）或旧式的9位（8位数字加1位校验位），"
              "您输入了%(length)s位。"),
            code="length", params={"length": len(raw)},
        )
    digits, check = raw[:-1], raw[-1]
    new_style = len(digits) == 12
    if new_style:
        year = int(digits[:4])
        if not _PATENT_FIRST_NEW_STYLE_YEAR <= year <= datetime.date.today().year:
            raise ValidationError(
                _("专利申请号中的申请年份“%(year)s”无效。"), code="year", params={"year": digits[:4]},
            )
    type_position = 5 if new_style else 3
    type_digit = digits[type_position - 1]
    if type_digit not in _PATENT_TYPE_BY_DIGIT:
        raise ValidationError(
            _("专利申请号的第%(position)s位表示专利类型，应为1、2、3、8或9，不能是“%(digit)s”。"),
            code="type_digit", params={"position": type_position, "digit": type_digit},
        )
    remainder = _check_sum(_PATENT_WEIGHTS[: len(digits)], digits, "0123456789") % 11
    if ("X" if remainder == 10 else str(remainder)) != check:
        raise ValidationError(
            _("专利申请号的校验位不正确，请核对号码是否抄错。"), code="checksum",
        )
    actual = _PATENT_TYPE_BY_DIGIT[type_digit]
    if kind is not None and actual != kind:
        raise ValidationError(
            _("专利申请号的专利类型与所选权利类型不符：该号码为%(actual)s，所选的是%(expected)s。"),
            code="patent_type",
            params={"actual": _PATENT_KIND_LABELS[actual], "expected": _PATENT_KIND_LABELS[kind]},
        )
    return f"ZL{digits}.{check}"


# --------------------------------------------------------------------------------------------
# Registration numbers by kind of right
# --------------------------------------------------------------------------------------------

_FREE_TEXT_KINDS = {
    "trade_secret": _("商业秘密"),
    "geographical_indication": _("地理标志"),
    "plant_variety": _("植物新品种"),
    "ic_layout": _("集成电路布图设计"),
}
_FREE_TEXT_MAX_LENGTH = 40
_TRADEMARK_RE = re.compile(r"第?(G?\d{1,9})号?")
# 国作登字 (national) or a provincial copyright office (渝作登字 …), same layout.
_WORK_REGISTRATION_RE = re.compile(
    r"([国京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘青宁新]作登字)-?(\d{4})-?([A-L])-?(\d{8})"
)
_SOFTWARE_REGISTRATION_RE = re.compile(r"\d{4}SR\d{7}")


def normalize_ip_number(kind, number) -> str:
    """Normalise *and validate* the 登记/申请号 of a right of the given kind; raise ValidationError.

    Patents: required, normalised to ``ZL…`` (type digit must match the kind). Trademark
    (``G`` + up to 9 digits) and copyright (``国作登字-2023-F-00123456`` or ``2023SR0123456``):
    optional, checked when given. Other kinds: free text, stripped, at most 40 characters.
    """
    kind = getattr(kind, "value", kind)
    if kind in _PATENT_KINDS:
        if not _clean(number):
            raise ValidationError(_("请填写专利申请号。"), code="required")
        return _parse_patent_number(number, kind)
    if kind == "trademark":
        return _normalize_trademark_number(number)
    if kind == "copyright":
        return _normalize_copyright_number(number)
    if kind in _FREE_TEXT_KINDS:
        text = "" if number is None else str(number).strip()
        if len(text) > _FREE_TEXT_MAX_LENGTH:
            raise ValidationError(
                _("%(kind)s的登记号不能超过%(max)s个字符，您输入了%(length)s个。"),
                code="max_length",
                params={"kind": _FREE_TEXT_KINDS[kind], "max": _FREE_TEXT_MAX_LENGTH, "length": len(text)},
            )
        return text
    if not kind:
        raise ValidationError(_("请先选择知识产权的权利类型，再填写登记号。"), code="kind")
    raise ValidationError(_("未知的知识产权权利类型“%(kind)s”。"), code="kind", params={"kind": kind})


def _normalize_trademark_number(number) -> str:
    text = _compact(number)
    if not text:
        return ""
    match = _TRADEMARK_RE.fullmatch(text)
    if not match:
        raise ValidationError(
            _("商标注册号格式不正确：应为1至9位数字，马德里国际注册商标可在数字前加“G”。"),
            code="format",
        )
    return match.group(1)


def _normalize_copyright_number(number) -> str:
    text = _compact(number)
    if not text:
        return ""
    work = _WORK_REGISTRATION_RE.fullmatch(text)
    if work:
        return "-".join(work.groups())
    if _SOFTWARE_REGISTRATION_RE.fullmatch(text):
        return text
    raise ValidationError(
        _("著作权登记号格式不正确：作品登记号形如“国作登字-2023-F-00123456”，"
          "计算机软件著作权登记号形如“2023SR0123456”。"),
        code="format",
    )
