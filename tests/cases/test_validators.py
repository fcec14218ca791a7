"""Tests of cases.validators: identifiers are normalised (full-width, case, spaces), then validated.

Valid vectors are computed by small helpers written here from the standards' definitions
(weights derived as powers, check characters by formula), independently of the code under
test, and the helpers are themselves pinned to published or real-world numbers.
"""
import datetime
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cases import validators as v

TODAY = datetime.date.today()


# --------------------------------------------------------------------------------------------
# Independent helpers
# --------------------------------------------------------------------------------------------

def id_check_char(first17: str) -> str:
    """GB 11643-1999: W_i = 2^(i-1) mod 11 counted from the right; check = (12 - S mod 11) mod 11."""
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    total = 0
    for weight, digit in zip(weights, first17, strict=True):
        total += weight * int(digit)
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


def make_id(region="500227", birth="19900307", seq="123") -> str:
    first17 = region + birth + seq
    return first17 + id_check_char(first17)


USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015: W_i = 3^(i-1) mod 31; check = 31 - S mod 31 (31 → 0)."""
    total = 0
    for i, char in enumerate(first17):
        total += pow(3, i, 31) * USCC_CHARS.index(char)
    return USCC_CHARS[(31 - total % 31) % 31]


def make_uscc(first17="91500227MA5U000A1") -> str:
    return first17 + uscc_check_char(first17)


def patent_check_char(digits: str) -> str:
    """Weights 2..9 repeated (2,3,4,5,6,7,8,9,2,3,4,5); check = S mod 11, 10 → X."""
    total = 0
    for i, digit in enumerate(digits):
        total += (2 + i % 8) * int(digit)
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def make_patent(digits: str) -> str:
    """Canonical form ZL<digits>.<check>."""
    return f"ZL{digits}.{patent_check_char(digits)}"


def patent_with_check(prefix: str, wanted: str) -> str:
    """Search serial numbers for one whose check character is ``wanted`` (e.g. X)."""
    width = 12 - len(prefix) if len(prefix) >= 5 else 8 - len(prefix)
    for serial in range(10 ** width):
        digits = prefix + str(serial).zfill(width)
        if patent_check_char(digits) == wanted:
            return digits
    raise AssertionError("no such serial")


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def error_of(func, *args):
    """The ValidationError's code and its message rendered untranslated (the msgid)."""
    with pytest.raises(ValidationError) as info:
        func(*args)
    error = info.value
    with translation.override(None):
        return error.code, " ".join(error.messages)


def wrong_check(number: str, check_alphabet: str) -> str:
    """The same number with a different (hence wrong) last character."""
    other = next(c for c in check_alphabet if c != number[-1])
    return number[:-1] + other


# --------------------------------------------------------------------------------------------
# The helpers against numbers known from elsewhere
# --------------------------------------------------------------------------------------------

def test_id_helper_matches_standard_example():
    # The example number printed in GB 11643-1999.
    assert make_id("110105", "19491231", "002") == "11010519491231002X"


# Real-world 统一社会信用代码 as published; each checked with the helper above
# (91500000202800720W was a candidate but fails the check, so it is not used).
REAL_CREDIT_CODES = [
    "91440300708461136T",
    "914403001922038216",
    "91110108551385082Q",
    "91330100799655058B",
    "91110000100006485K",
    "11100000000013127D",
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_uscc_helper_agrees_with_real_codes(code):
    assert uscc_check_char(code[:17]) == code[17]


def test_uscc_helper_rejects_unverified_candidate():
    assert make_uscc("91500000202800720") != "91500000202800720W"


def test_patent_helper_weights():
    # Hand computation: digits 1..8 with weights 2..9: 2+6+12+20+30+42+56+72 = 240; 240 mod 11 = 9.
    assert patent_check_char("12345678") == "9"


# --------------------------------------------------------------------------------------------
# Module hygiene
# --------------------------------------------------------------------------------------------

def test_module_imports_no_model_and_needs_no_settings():
    code = (
        "import sys, cases.validators as v; "
        "assert not [m for m in sys.modules if m.startswith(('cases.models', 'django.db.models'))]; "
        "print(v.normalize_id_number(' 1x '))"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1X"


@pytest.mark.parametrize(
    "validator",
    [v.validate_id_number, v.validate_credit_code, v.validate_phone, v.validate_patent_number],
)
@pytest.mark.parametrize("empty", ["", None, "  ", "\u3000"])
def test_validators_accept_empty(validator, empty):
    validator(empty)


@pytest.mark.parametrize(
    "normalizer",
    [v.normalize_id_number, v.normalize_credit_code, v.normalize_phone, v.normalize_patent_number],
)
@pytest.mark.parametrize("empty", ["", None, " \u3000 "])
def test_normalizers_return_empty_string(normalizer, empty):
    assert normalizer(empty) == ""


# --------------------------------------------------------------------------------------------
# 居民身份证号码
# --------------------------------------------------------------------------------------------

VALID_ID = make_id("500227", "19900307", "123")
ID_WITH_X = next(
    make_id("110105", "19850101", str(seq).zfill(3))
    for seq in range(1000)
    if id_check_char("11010519850101" + str(seq).zfill(3)) == "X"
)


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        VALID_ID,
        ID_WITH_X,
        make_id("310104", "20000229", "018"),  # leap day
        make_id("810000", "19700101", "001"),  # Hong Kong
        make_id("830000", "19991231", "555"),  # Taiwan residents' residence permit
        make_id("910000", "19800515", "321"),
        make_id("650102", TODAY.strftime("%Y%m%d"), "001"),  # born today
        make_id("150102", "19000101", "002"),  # earliest year accepted
    ],
)
def test_id_number_valid(number):
    v.validate_id_number(number)
    assert v.normalize_id_number(number) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 11010519491231002x ", "11010519491231002X"),
        ("\u300011010519491231002X\u3000", "11010519491231002X"),
        (to_fullwidth("11010519491231002X"), "11010519491231002X"),
        (to_fullwidth("11010519491231002x"), "11010519491231002X"),
        ("110105 19491231 002X", "11010519491231002X"),
        ("\t" + ID_WITH_X.lower() + "\n", ID_WITH_X),
    ],
)
def test_id_number_normalised_then_valid(raw, expected):
    assert v.normalize_id_number(raw) == expected
    v.validate_id_number(raw)


@pytest.mark.parametrize(
    ("number", "length"),
    [(VALID_ID[:16], "16"), (VALID_ID + "1", "19"), ("1", "1"), (VALID_ID[:17], "17")],
)
def test_id_number_wrong_length(number, length):
    code, message = error_of(v.validate_id_number, number)
    assert code == "length"
    assert "身份证" in message
    assert "18位" in message
    assert f"您输入了{length}位" in message


def test_id_number_old_15_digit():
    code, message = error_of(v.validate_id_number, "110105491231002")
    assert code == "length"
    assert "身份证" in message and "15位" in message


@pytest.mark.parametrize("index", range(18))
def test_id_number_wrong_check_character(index):
    number = make_id("500227", "19900307", str(index).zfill(3))
    code, message = error_of(v.validate_id_number, wrong_check(number, "0123456789X"))
    assert code == "checksum"
    assert "身份证" in message and "校验码" in message
    # The expected check character is not revealed.
    assert number[-1] not in message


@pytest.mark.parametrize(
    ("number", "position"),
    [
        ("5002271990X307123" + "4", "11"),
        ("A10105194912310021", "1"),
        ("1101051949123100X2", "17"),
        ("11010519491231-02X", "15"),
    ],
)
def test_id_number_letters_in_wrong_places(number, position):
    code, message = error_of(v.validate_id_number, number)
    assert code == "charset"
    assert "身份证" in message
    assert f"第{position}位" in message


def test_id_number_bad_last_character():
    code, message = error_of(v.validate_id_number, "11010519491231002Y")
    assert code == "charset"
    assert "身份证" in message and "最后一位" in message and "Y" in message


@pytest.mark.parametrize(
    "birth",
    [
        "19900230",  # 30 February
        "20010229",  # not a leap year
        "19901301",  # month 13
        "19900000",
        "18991231",  # before 1900
        "18800101",
        (TODAY + datetime.timedelta(days=1)).strftime("%Y%m%d"),  # tomorrow
        "29991231",
    ],
)
def test_id_number_invalid_birth_date(birth):
    code, message = error_of(v.validate_id_number, make_id("500227", birth, "123"))
    assert code == "birth_date"
    assert "身份证" in message and "出生日期" in message


def test_id_number_standard_example_born_1880_is_rejected_for_its_date():
    # 440524188001010014 is a second example of GB 11643: check correct, born in 1880.
    assert make_id("440524", "18800101", "001") == "440524188001010014"
    code, _ = error_of(v.validate_id_number, "440524188001010014")
    assert code == "birth_date"


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72",
                                      "80", "84", "90", "92", "99"])
def test_id_number_invalid_province(province):
    code, message = error_of(v.validate_id_number, make_id(province + "0101", "19900307", "123"))
    assert code == "region"
    assert "身份证" in message and province in message


@pytest.mark.parametrize("province", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65",
                                      "71", "81", "82", "83", "91"])
def test_id_number_valid_provinces(province):
    v.validate_id_number(make_id(province + "0101", "19900307", "123"))


# --------------------------------------------------------------------------------------------
# 统一社会信用代码
# --------------------------------------------------------------------------------------------

VALID_USCC = make_uscc("91500227MA5U000A1")
# A code whose weighted sum is a multiple of 31: "31 maps to 0", the check character is "0".
USCC_CHECK_ZERO = next(
    code for code in (make_uscc(f"91500227MA5U{n:05d}") for n in range(100000)) if code.endswith("0")
)


@pytest.mark.parametrize(
    "code",
    [
        *REAL_CREDIT_CODES,
        VALID_USCC,
        USCC_CHECK_ZERO,
        make_uscc("91500000MA5U2W5D1"),
        make_uscc("52500000YYYYYYYYY"),
        make_uscc("Y1110000000000000"),
        make_uscc("12500000450400000"),
    ],
)
def test_credit_code_valid(code):
    v.validate_credit_code(code)
    assert v.normalize_credit_code(code) == code


@pytest.mark.parametrize(
    "raw",
    [
        VALID_USCC.lower(),
        f"  {VALID_USCC}\u3000",
        to_fullwidth(VALID_USCC),
        to_fullwidth(VALID_USCC.lower()),
        f"{VALID_USCC[:8]} {VALID_USCC[8:]}",
    ],
)
def test_credit_code_normalised_then_valid(raw):
    assert v.normalize_credit_code(raw) == VALID_USCC
    v.validate_credit_code(raw)


@pytest.mark.parametrize("length", [1, 15, 17, 19])
def test_credit_code_wrong_length(length):
    code, message = error_of(v.validate_credit_code, (VALID_USCC * 2)[:length])
    assert code == "length"
    assert "统一社会信用代码" in message and "18位" in message and f"您输入了{length}位" in message


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
@pytest.mark.parametrize("position", [0, 9, 17])
def test_credit_code_forbidden_letters(letter, position):
    code_value = VALID_USCC[:position] + letter + VALID_USCC[position + 1:]
    code, message = error_of(v.validate_credit_code, code_value)
    assert code == "charset"
    assert "统一社会信用代码" in message
    assert f"“{letter}”" in message
    assert "I、O、Z、S、V" in message


@pytest.mark.parametrize("char", ["-", "中", "*"])
def test_credit_code_other_forbidden_characters(char):
    code, message = error_of(v.validate_credit_code, VALID_USCC[:10] + char + VALID_USCC[11:])
    assert code == "charset"
    assert "统一社会信用代码" in message and char in message


def test_credit_code_forbidden_letter_typed_lower_case():
    code, message = error_of(v.validate_credit_code, VALID_USCC[:12].lower() + "o" + VALID_USCC[13:])
    assert code == "charset"
    assert "“O”" in message


@pytest.mark.parametrize("code_value", [*REAL_CREDIT_CODES, VALID_USCC, USCC_CHECK_ZERO])
def test_credit_code_wrong_check_character(code_value):
    code, message = error_of(v.validate_credit_code, wrong_check(code_value, USCC_CHARS))
    assert code == "checksum"
    assert "统一社会信用代码" in message and "校验码" in message
    assert f"“{code_value[-1]}”" not in message


def test_credit_code_transposed_characters_detected():
    swapped = VALID_USCC[0] + VALID_USCC[2] + VALID_USCC[1] + VALID_USCC[3:]
    assert swapped != VALID_USCC
    code, _ = error_of(v.validate_credit_code, swapped)
    assert code == "checksum"


def test_credit_code_letter_in_region_code():
    code, message = error_of(v.validate_credit_code, make_uscc("915000A7MA5U000A1"))
    assert code == "region"
    assert "统一社会信用代码" in message and "行政区划码" in message


# --------------------------------------------------------------------------------------------
# 联系电话
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("19912345678", "19912345678"),
        ("+8613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-138-0013-8000", "13800138000"),
        (" 138\u30000013 8000 ", "13800138000"),
        (to_fullwidth("13800138000"), "13800138000"),
        (to_fullwidth("+8613800138000"), "13800138000"),
        ("023-41234567", "023-41234567"),
        ("02341234567", "023-41234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("020-8765432", "020-8765432"),
        ("0755-12345678", "0755-12345678"),
        ("075512345678", "0755-12345678"),
        ("0898-1234567", "0898-1234567"),
        ("0351-7654321", "0351-7654321"),
        ("035187654321", "0351-87654321"),
        ("08981234567", "0898-1234567"),
        (to_fullwidth("023-41234567"), "023-41234567"),
        ("023\uff0d41234567", "023-41234567"),
        ("023\u201441234567", "023-41234567"),
        ("(023)41234567", "023-41234567"),
        ("\uff08023\uff094123 4567", "023-41234567"),
        ("023 4123 4567", "023-41234567"),
    ],
)
def test_phone_valid_and_normalised(raw, expected):
    v.validate_phone(raw)
    assert v.normalize_phone(raw) == expected
    v.validate_phone(expected)
    assert v.normalize_phone(expected) == expected


@pytest.mark.parametrize(
    ("raw", "expected_code"),
    [
        ("12345678901", "mobile_prefix"),
        ("10086000000", "mobile_prefix"),
        ("+8612800138000", "mobile_prefix"),
        ("1380013800", "length"),
        ("138001380001", "length"),
        ("+86138001380", "length"),
        ("023-41234567-801", "extension"),
        ("023-41234567转801", "extension"),
        ("023-41234567 ext. 12", "extension"),
        ("023-41234567#8", "extension"),
        ("0234-1234567", "area_code"),
        ("023-41234567".replace("023", "0023"), "area_code"),
        ("0755-123456", "invalid"),
        ("075-51234567", "area_code"),
        ("035-17654321", "area_code"),
        ("0201-2345678", "area_code"),
        ("0012345678", "area_code"),
        ("0231234", "invalid"),
        ("023123456", "invalid"),
        ("02312345678901", "invalid"),
        ("41234567", "invalid"),
        ("+1 650 555 0100", "invalid"),
        ("abc", "invalid"),
        ("138OO138000", "invalid"),
    ],
)
def test_phone_invalid(raw, expected_code):
    code, message = error_of(v.validate_phone, raw)
    assert code == expected_code
    assert "电话" in message or "手机" in message


def test_phone_normalize_leaves_unparseable_input_cleaned():
    assert v.normalize_phone(" alice@example.com ") == "ALICE@EXAMPLE.COM"
    assert v.normalize_phone("023-41234567-801") == "023-41234567-801"


# --------------------------------------------------------------------------------------------
# 专利申请号
# --------------------------------------------------------------------------------------------

INVENTION_DIGITS = "202310123456"
UTILITY_DIGITS = "202220654321"
DESIGN_DIGITS = "202430000123"
PCT_INVENTION_DIGITS = "201880012345"
PCT_UTILITY_DIGITS = "201990000077"
OLD_INVENTION_DIGITS = "98123456"
OLD_UTILITY_DIGITS = "01200345"
OLD_DESIGN_DIGITS = "96300001"
X_DIGITS = patent_with_check("202310", "X")
OLD_X_DIGITS = patent_with_check("981", "X")


@pytest.mark.parametrize(
    "digits",
    [INVENTION_DIGITS, UTILITY_DIGITS, DESIGN_DIGITS, PCT_INVENTION_DIGITS, PCT_UTILITY_DIGITS,
     OLD_INVENTION_DIGITS, OLD_UTILITY_DIGITS, OLD_DESIGN_DIGITS, X_DIGITS, OLD_X_DIGITS,
     f"2003{1}0000001", f"{TODAY.year}{2}0000001"],
)
def test_patent_valid_canonical(digits):
    number = make_patent(digits)
    v.validate_patent_number(number)
    assert v.normalize_patent_number(number) == number


def test_patent_x_vectors_really_end_in_x():
    assert make_patent(X_DIGITS).endswith(".X")
    assert make_patent(OLD_X_DIGITS).endswith(".X")


@pytest.mark.parametrize(
    "spelling",
    [
        lambda d, c: f"ZL{d}.{c}",
        lambda d, c: f"ZL{d}{c}",
        lambda d, c: f"{d}.{c}",
        lambda d, c: f"{d}{c}",
        lambda d, c: f"CN{d}.{c}",
        lambda d, c: f"cn{d}{c}".lower(),
        lambda d, c: f"zl{d}.{c}".lower(),
        lambda d, c: f"  ZL {d[:4]} {d[4]} {d[5:]}.{c}\u3000",
        lambda d, c: to_fullwidth(f"ZL{d}.{c}"),
        lambda d, c: f"ZL{d}\u3002{c}",  # ideographic full stop typed by an IME
        lambda d, c: to_fullwidth(f"zl{d}.{c}".lower()),
    ],
    ids=["zl-dot", "zl-nodot", "dot", "bare", "cn-dot", "cn-lower", "zl-lower", "spaces", "fullwidth",
         "ideographic-stop", "fullwidth-lower"],
)
@pytest.mark.parametrize("digits", [INVENTION_DIGITS, X_DIGITS, OLD_INVENTION_DIGITS, OLD_X_DIGITS])
def test_patent_spellings_normalise_to_canonical(spelling, digits):
    raw = spelling(digits, patent_check_char(digits))
    v.validate_patent_number(raw)
    assert v.normalize_patent_number(raw) == make_patent(digits)


@pytest.mark.parametrize(
    "digits", [INVENTION_DIGITS, UTILITY_DIGITS, DESIGN_DIGITS, OLD_INVENTION_DIGITS, X_DIGITS],
)
def test_patent_wrong_check_character(digits):
    number = wrong_check(make_patent(digits), "0123456789X")
    code, message = error_of(v.validate_patent_number, number)
    assert code == "checksum"
    assert "专利" in message and "校验位" in message


def test_patent_single_digit_typo_detected():
    number = make_patent(INVENTION_DIGITS)
    typo = number[:8] + str((int(number[8]) + 1) % 10) + number[9:]
    code, _ = error_of(v.validate_patent_number, typo)
    assert code == "checksum"


@pytest.mark.parametrize(
    ("raw", "length"),
    [
        ("ZL20231012345.6", "12"),  # one digit short, dot present
        ("ZL2023101234567.8", "14"),
        ("ZL9812345.6", "8"),
        ("ZL123.4", "4"),
    ],
)
def test_patent_wrong_length(raw, length):
    code, message = error_of(v.validate_patent_number, raw)
    assert code == "length"
    assert "专利申请号" in message and f"您输入了{length}位" in message


@pytest.mark.parametrize("raw", ["ZL202310123456", "202310123456", "ZL98123456"])
def test_patent_missing_check_digit(raw):
    code, message = error_of(v.validate_patent_number, raw)
    assert code == "length"
    assert "专利申请号" in message and "校验位" in message


@pytest.mark.parametrize(
    "raw",
    ["ZL2023101X3456.7", "ZLX202310123456", "ZL202310123456.XX", "ZL202310123456..1", "ZL202310123456.",
     "专利202310123456.1", "ZL-202310123456-1", "AB202310123456.1"],
)
def test_patent_bad_format(raw):
    code, message = error_of(v.validate_patent_number, raw)
    assert code == "format"
    assert "专利申请号" in message


@pytest.mark.parametrize("type_digit", ["0", "4", "5", "6", "7"])
def test_patent_invalid_type_digit(type_digit):
    code, message = error_of(v.validate_patent_number, make_patent(f"2023{type_digit}0123456"))
    assert code == "type_digit"
    assert "专利" in message and "第5位" in message


def test_patent_invalid_type_digit_old_style():
    code, message = error_of(v.validate_patent_number, make_patent("98512345"))
    assert code == "type_digit"
    assert "第3位" in message


@pytest.mark.parametrize("year", ["2002", "1999", str(TODAY.year + 1), "3023"])
def test_patent_invalid_year(year):
    code, message = error_of(v.validate_patent_number, make_patent(f"{year}10123456"))
    assert code == "year"
    assert "专利申请号" in message and year in message


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        (INVENTION_DIGITS, "invention_patent"),
        (PCT_INVENTION_DIGITS, "invention_patent"),
        (OLD_INVENTION_DIGITS, "invention_patent"),
        (UTILITY_DIGITS, "utility_model"),
        (PCT_UTILITY_DIGITS, "utility_model"),
        (OLD_UTILITY_DIGITS, "utility_model"),
        (DESIGN_DIGITS, "design_patent"),
        (OLD_DESIGN_DIGITS, "design_patent"),
    ],
)
def test_patent_type_matches_kind(digits, kind):
    v.validate_patent_number(make_patent(digits), kind)
    assert v.normalize_patent_number(make_patent(digits)[2:], kind) == make_patent(digits)
    assert v.normalize_ip_number(kind, make_patent(digits).lower()) == make_patent(digits)


@pytest.mark.parametrize(
    ("digits", "kind", "actual"),
    [
        (UTILITY_DIGITS, "invention_patent", "实用新型专利"),
        (PCT_UTILITY_DIGITS, "design_patent", "实用新型专利"),
        (INVENTION_DIGITS, "utility_model", "发明专利"),
        (PCT_INVENTION_DIGITS, "design_patent", "发明专利"),
        (DESIGN_DIGITS, "invention_patent", "外观设计专利"),
        (OLD_DESIGN_DIGITS, "utility_model", "外观设计专利"),
    ],
)
def test_patent_type_differs_from_kind(digits, kind, actual):
    code, message = error_of(v.validate_patent_number, make_patent(digits), kind)
    assert code == "patent_type"
    assert "专利类型与所选权利类型不符" in message
    assert f"该号码为{actual}" in message
    code, message = error_of(v.normalize_ip_number, kind, make_patent(digits))
    assert code == "patent_type"


def test_patent_normalize_leaves_unparseable_input_cleaned():
    assert v.normalize_patent_number(" zl2023 ") == "ZL2023"
    # A wrong kind is a validation error, not a normalisation one.
    assert v.normalize_patent_number(make_patent(UTILITY_DIGITS), "invention_patent") == make_patent(
        UTILITY_DIGITS
    )


def test_patent_kind_that_is_not_a_patent_is_a_programming_error():
    with pytest.raises(ValueError):
        v.validate_patent_number(make_patent(INVENTION_DIGITS), "trademark")


# --------------------------------------------------------------------------------------------
# normalize_ip_number: by kind of right
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["invention_patent", "utility_model", "design_patent"])
@pytest.mark.parametrize("empty", ["", None, "  "])
def test_ip_number_patent_required(kind, empty):
    code, message = error_of(v.normalize_ip_number, kind, empty)
    assert code == "required"
    assert "专利申请号" in message


def test_ip_number_patent_errors_come_through():
    code, message = error_of(v.normalize_ip_number, "invention_patent", "ZL202310123456")
    assert code == "length"
    assert "专利申请号" in message


def test_ip_number_accepts_choices_members():
    from cases.models import IPRightKind

    assert v.normalize_ip_number(IPRightKind.TRADEMARK, " g123 ") == "G123"
    assert v.normalize_ip_number(IPRightKind.UTILITY_MODEL, make_patent(UTILITY_DIGITS)[2:]) == make_patent(
        UTILITY_DIGITS
    )
    code, _ = error_of(v.normalize_ip_number, IPRightKind.INVENTION_PATENT, make_patent(UTILITY_DIGITS))
    assert code == "patent_type"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345678", "12345678"),
        ("1", "1"),
        ("123456789", "123456789"),
        ("G1234567", "G1234567"),
        (" g 1234567 ", "G1234567"),
        (to_fullwidth("g1234567"), "G1234567"),
        ("\u30001234 5678\u3000", "12345678"),
        ("第12345678号", "12345678"),
        ("", ""),
        (None, ""),
        ("  ", ""),
    ],
)
def test_ip_number_trademark_valid(raw, expected):
    assert v.normalize_ip_number("trademark", raw) == expected


@pytest.mark.parametrize(
    "raw", ["1234567890", "G", "GG123", "123G", "12-345", "R12345", "TM123", "商标123", "0x1F"],
)
def test_ip_number_trademark_invalid(raw):
    code, message = error_of(v.normalize_ip_number, "trademark", raw)
    assert code == "format"
    assert "商标" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("国作登字-2023-F-00123456", "国作登字-2023-F-00123456"),
        ("国作登字-2019-A-00000001", "国作登字-2019-A-00000001"),
        ("国作登字-2021-L-12345678", "国作登字-2021-L-12345678"),
        ("国作登字-2023-f-00123456", "国作登字-2023-F-00123456"),
        (to_fullwidth("国作登字-2023-F-00123456"), "国作登字-2023-F-00123456"),
        (" 国作登字 - 2023 - F - 00123456 ", "国作登字-2023-F-00123456"),
        ("国作登字2023F00123456", "国作登字-2023-F-00123456"),
        ("国作登字\u20142023\u2014F\u201400123456", "国作登字-2023-F-00123456"),
        ("渝作登字-2022-A-00001234", "渝作登字-2022-A-00001234"),
        ("2023SR0123456", "2023SR0123456"),
        ("2023sr0123456", "2023SR0123456"),
        (to_fullwidth(" 2023sr0123456 "), "2023SR0123456"),
        ("", ""),
        (None, ""),
    ],
)
def test_ip_number_copyright_valid(raw, expected):
    assert v.normalize_ip_number("copyright", raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "国作登字-2023-M-00123456",  # category letters run A-L
        "国作登字-2023-F-0012345",  # 7 digits
        "国作登字-2023-F-001234567",
        "国作登字-23-F-00123456",
        "作登字-2023-F-00123456",
        "软著登字-2023-F-00123456",
        "2023SR012345",  # 6 digits
        "2023SR01234567",
        "23SR0123456",
        "2023-SR-0123456",
        "2023RS0123456",
        "12345678",
    ],
)
def test_ip_number_copyright_invalid(raw):
    code, message = error_of(v.normalize_ip_number, "copyright", raw)
    assert code == "format"
    assert "著作权" in message


@pytest.mark.parametrize("kind", ["trade_secret", "geographical_indication", "plant_variety", "ic_layout"])
def test_ip_number_free_text(kind):
    assert v.normalize_ip_number(kind, "\u3000 CNA20201234.5 \n") == "CNA20201234.5"
    assert v.normalize_ip_number(kind, "ａｂｃ 内部编号") == "ａｂｃ 内部编号"  # only stripped
    assert v.normalize_ip_number(kind, "") == ""
    assert v.normalize_ip_number(kind, None) == ""
    assert v.normalize_ip_number(kind, "字" * 40) == "字" * 40
    assert v.normalize_ip_number(kind, " " + "x" * 40 + " ") == "x" * 40


@pytest.mark.parametrize(
    ("kind", "label"),
    [("trade_secret", "商业秘密"), ("geographical_indication", "地理标志"), ("plant_variety", "植物新品种"),
     ("ic_layout", "集成电路布图设计")],
)
def test_ip_number_free_text_too_long(kind, label):
    code, message = error_of(v.normalize_ip_number, kind, "字" * 41)
    assert code == "max_length"
    assert label in message and "40" in message and "41" in message


@pytest.mark.parametrize("kind", ["", None, "patent", "INVENTION_PATENT", "domain_name"])
def test_ip_number_unknown_kind(kind):
    code, message = error_of(v.normalize_ip_number, kind, "12345")
    assert code == "kind"
    assert "权利类型" in message
