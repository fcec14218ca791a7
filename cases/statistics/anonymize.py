"""Masking a case for publication as a typical case (典型案例), and checking that it is masked.

- every natural person of the case (parties, agents, legal representatives) becomes a 某
  pattern: 李明 → 李某 (a second 李 → 李某某, then 李某甲 …); 欧阳 and other compound surnames kept;
- ID and mobile numbers: ``cases.masking.mask_text``; the parties' own phone numbers (landlines
  too) with ``mask_phone``; e-mail addresses removed;
- addresses reduced to the district (重庆市璧山区璧泉街道88号 → 重庆市璧山区);
- company names kept, or (by choice) turned into 重庆某科技有限公司 style, with their credit codes removed.

``find_unmasked`` scans a text for whatever of the case is still recognisable; the proposal
and the approval both refuse a text it finds anything in.
"""
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cases.masking import mask_phone, mask_text
from cases.models import Party

COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "钟离", "端木", "西门", "南宫", "独孤", "万俟", "闻人", "赫连", "澹台",
    "公冶", "宗政", "濮阳", "太叔", "申屠", "仲孙", "单于", "呼延", "鲜于", "百里", "东郭", "第五",
})
PERSON_SUFFIXES = ("某", "某某", "某甲", "某乙", "某丙", "某丁", "某戊", "某己", "某庚", "某辛")
COMPANY_SUFFIXES = (
    "股份有限公司", "有限责任公司", "有限公司", "合伙企业（有限合伙）", "合伙企业", "集团公司", "集团", "研究院",
    "研究所", "律师事务所", "事务所", "合作社", "工作室", "经营部", "门市部", "商行", "公司", "厂", "店", "中心",
)
SERIALS = "甲乙丙丁戊己庚辛壬癸"
_CJK = re.compile(r"^[\u4e00-\u9fff·]+$")
_REGION = re.compile(r"^(重庆市?|北京市?|上海市?|天津市?|[\u4e00-\u9fff]{2,7}(?:省|自治区)[\u4e00-\u9fff]{2,5}?市|"
                     r"[\u4e00-\u9fff]{2,4}市)")
_DISTRICT = re.compile(r"^(.*?(?:省|自治区))?(.*?市)?(.*?(?:区|县|旗))")

# What must never remain in a published text.
_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)")
_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<![\d*])0\d{2,3}-?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STREET_ADDRESS = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{1,12}(?:路|街|大道|巷|弄|胡同|村|组|社区|小区|花园|大厦|广场)"
    r"[0-9０-９一二三四五六七八九十百]+(?:号|栋|幢|单元|室|楼|弄|组)"
)
_CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NP-RT-UW-Y]{2}\d{6}[0-9A-HJ-NP-RT-UW-Y]{10}(?![0-9A-Z])")


def _surname(name: str) -> str:
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def reduce_address(address: str) -> str:
    """An address down to its district or county (重庆市璧山区璧泉街道 → 重庆市璧山区), else nothing."""
    match = _DISTRICT.match(address or "")
    return "".join(part for part in match.groups() if part) if match else ""


@dataclass
class CasePersonalData:
    """What of a case identifies someone: names, numbers, addresses."""

    persons: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    credit_codes: list[str] = field(default_factory=list)


def personal_data(case) -> CasePersonalData:
    data = CasePersonalData()

    def add(items, value):
        value = (value or "").strip()
        if value and value not in items:
            items.append(value)

    for party in Party.objects.filter(case=case).order_by("id"):
        if party.kind == Party.Kind.PERSON:
            add(data.persons, party.name)
        else:
            add(data.companies, party.name)
        add(data.persons, party.legal_representative)
        add(data.phones, party.phone)
        add(data.emails, party.email)
        add(data.addresses, party.address)
        add(data.id_numbers, party.id_number)
        add(data.credit_codes, party.credit_code)
        if party.user_id and party.user is not None and party.kind == Party.Kind.PERSON:
            add(data.persons, party.user.full_name)
    for holder in case.ip_rights.values_list("holder", flat=True):
        if holder and holder not in data.companies:
            add(data.companies if holder.endswith(COMPANY_SUFFIXES) else data.persons, holder)
    return data


def _company_pseudonym(name: str, taken: set) -> str:
    region = _REGION.match(name)
    prefix = region.group(1).rstrip("市") if region else ""
    rest = name[len(region.group(1)):] if region else name
    suffix = next((s for s in COMPANY_SUFFIXES if rest.endswith(s)), "")
    core = rest[: len(rest) - len(suffix)] if suffix else rest
    trade = core[-2:] if len(core) >= 4 else ""
    for serial in ("", *SERIALS):
        candidate = f"{prefix}某{serial}{trade}{suffix or '单位'}"
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    return f"{prefix}某单位"


def pseudonyms(data: CasePersonalData, *, mask_companies: bool) -> list[tuple[str, str]]:
    """``(original, replacement)`` pairs, longest original first (so 李明亮 goes before 李明)."""
    pairs = []
    taken: set = set()
    if mask_companies:
        for company in data.companies:
            pairs.append((company, _company_pseudonym(company, taken)))
        for code in data.credit_codes:
            pairs.append((code, _("（统一社会信用代码略）")))
    for person in data.persons:
        if len(person) < 2:
            continue
        if _CJK.match(person):
            base = _surname(person)
            replacement = next((base + s for s in PERSON_SUFFIXES if base + s not in taken), base + "某")
        else:
            replacement = next((s for s in ("某某", *(f"某{c}" for c in SERIALS)) if s not in taken), "某某")
        taken.add(replacement)
        pairs.append((person, replacement))
    for address in data.addresses:
        pairs.append((address, reduce_address(address) or _("（地址略）")))
    for phone in data.phones:
        pairs.append((phone, mask_phone(phone)))
    for email in data.emails:
        pairs.append((email, _("（电子邮箱略）")))
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def mask(text: str, pairs) -> str:
    """``text`` with every original replaced (in one pass, longest first), then numbers masked."""
    if not text:
        return text
    originals = [re.escape(original) for original, _r in pairs if original]
    if originals:
        lookup = dict(pairs)
        text = re.sub("|".join(originals), lambda m: lookup[m.group(0)], text)
    text = mask_text(text)
    text = _LANDLINE.sub(lambda m: mask_phone(m.group(0)), text)
    return _EMAIL.sub(_("（电子邮箱略）"), text)


def masked_draft(case, *, mask_companies: bool) -> dict:
    """The first draft of a typical case: the case's title, facts and claims, masked."""
    pairs = pseudonyms(personal_data(case), mask_companies=mask_companies)
    return {
        "title": mask(case.title, pairs),
        "facts": mask(case.facts, pairs),
        "claims": mask(case.claims, pairs),
        "pairs": pairs,
    }


def find_unmasked(texts: dict, case, *, mask_companies: bool) -> list[str]:
    """Everything still recognisable in ``texts`` ({label: text}); an empty list when all is masked."""
    data = personal_data(case)
    problems = []
    for label, text in texts.items():
        text = text or ""
        found = []
        if _ID.search(text) or any(n and n in text for n in data.id_numbers):
            found.append(_("身份证号码"))
        if _MOBILE.search(text) or _LANDLINE.search(text) or any(p and p in text for p in data.phones):
            found.append(_("电话号码"))
        if _EMAIL.search(text):
            found.append(_("电子邮箱"))
        for person in data.persons:
            if len(person) >= 2 and person in text:
                found.append(_("姓名“%(name)s”") % {"name": person})
        for address in data.addresses:
            detail = address[len(reduce_address(address)):]
            if address in text or (len(detail) >= 4 and detail in text):
                found.append(_("详细地址"))
                break
        else:
            if _STREET_ADDRESS.search(text):
                found.append(_("详细地址"))
        if mask_companies:
            for company in data.companies:
                if company in text:
                    found.append(_("单位名称“%(name)s”") % {"name": company})
            if any(code in text for code in data.credit_codes) or _CREDIT_CODE.search(text):
                found.append(_("统一社会信用代码"))
        if found:
            problems.append(_("%(field)s中仍有未隐去的%(items)s。") % {"field": label, "items": "、".join(found)})
    return problems
