"""The English catalogue translates every message, and the public pages speak English when asked.

The source strings are Simplified Chinese; ``locale/en/LC_MESSAGES/django.po`` must give every one of
them an English ``msgstr`` (none empty, none fuzzy) that keeps the placeholders and HTML tags.
Refresh it with ``manage.py makemessages -l en --ignore=.venv --ignore=locale_vendor
--ignore=staticfiles --ignore=var --no-obsolete`` and compile it with ``make messages``.
"""
import ast
import gettext
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

CJK = re.compile(r"[\u4e00-\u9fff]")
# %(name)s, %s, %d, %%, {name}, and HTML tags: what a translation must carry over unchanged.
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_0-9]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[sdif]|%%|\{[A-Za-z_0-9]*\}|</?[A-Za-z][^>]*>"
)


# -- (a) the catalogue itself ------------------------------------------------------------------


def _unquote(text: str) -> str:
    return ast.literal_eval(text)  # a PO string is a C-style "..." literal


def parse_po(path: Path) -> list[dict]:
    """A small PO reader: one dict per entry (flags, msgctxt, msgid, msgid_plural, msgstr by index)."""
    entries, entry, field = [], None, None

    def flush():
        if entry is not None and entry.get("msgid") is not None:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#~"):  # obsolete entries do not count
            continue
        if line.startswith("#"):
            if entry is not None and field is not None:
                flush()
                entry, field = None, None
            if entry is None:
                entry = {"flags": set(), "msgstr": {}}
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            key, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if key in ("msgctxt", "msgid") and field is not None and field[0] == "msgstr":
                flush()
                entry, field = None, None
            if entry is None:
                entry = {"flags": set(), "msgstr": {}}
            if key.startswith("msgstr"):
                field = ("msgstr", int(index) if index is not None else None)
                entry["msgstr"][field[1]] = value
            else:
                field = (key, None)
                entry[key] = value
            continue
        assert line.startswith('"'), f"unexpected line in {path.name}: {line!r}"
        value = _unquote(line)
        if field[0] == "msgstr":
            entry["msgstr"][field[1]] += value
        else:
            entry[field[0]] += value
    flush()
    return entries


@pytest.fixture(scope="module")
def catalogue():
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l en"
    return parse_po(PO_PATH)


def _label(entry) -> str:
    return entry["msgid"][:60]


def test_header_declares_english_plural_forms_and_utf8(catalogue):
    header = catalogue[0]
    assert header["msgid"] == ""
    text = header["msgstr"][None]
    assert "Language: en\n" in text
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in text
    assert "charset=UTF-8" in text
    assert "fuzzy" not in header["flags"]


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    entries = catalogue[1:]
    assert entries, "the catalogue has no messages"
    fuzzy = [_label(e) for e in entries if "fuzzy" in e["flags"]]
    untranslated = [_label(e) for e in entries if not all(s.strip() for s in e["msgstr"].values())]
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries, e.g. {fuzzy[:5]}"
    assert not untranslated, f"{len(untranslated)} untranslated entries, e.g. {untranslated[:5]}"


def test_plural_entries_have_both_english_forms(catalogue):
    for entry in catalogue[1:]:
        if entry.get("msgid_plural") is not None:
            assert sorted(entry["msgstr"]) == [0, 1], _label(entry)
        else:
            assert list(entry["msgstr"]) == [None], _label(entry)


def test_translations_keep_placeholders_and_tags(catalogue):
    wrong = []
    for entry in catalogue[1:]:
        if entry.get("msgid_plural") is not None:
            pairs = [(entry["msgid"], entry["msgstr"][0]), (entry["msgid_plural"], entry["msgstr"][1])]
        else:
            pairs = [(entry["msgid"], entry["msgstr"][None])]
        for source, target in pairs:
            expected = Counter(PLACEHOLDER.findall(source))
            got = Counter(PLACEHOLDER.findall(target))
            # A template's literal "%" is written "%%" in the msgid; English may drop the percent sign.
            expected.pop("%%", None)
            got.pop("%%", None)
            if expected != got:
                wrong.append((_label(entry), dict(expected), dict(got)))
    assert not wrong, f"{len(wrong)} translations change placeholders or tags: {wrong[:5]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_catalogue_with_nothing_untranslated_or_fuzzy():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_PATH)],
        capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}, check=False,
    )
    assert result.returncode == 0, result.stderr
    stats = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", stats), stats


# -- (c) the public pages in English -------------------------------------------------------------


class _MainText(HTMLParser):
    """The text a reader of <main> sees or hears: text nodes plus alt / title / aria-label / placeholder.

    Script and style are skipped; so is an element inside <main> marked lang="zh..." (the product's
    Chinese name may appear that way).
    """

    ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.in_main, self.stack = [], 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main += 1
        marked_chinese = self.in_main and (attrs.get("lang") or "").lower().startswith("zh")
        skip = tag in ("script", "style") or marked_chinese
        if tag not in self.VOID:
            self.stack.append((tag, skip))
        if self.in_main and not self._skipping():
            self.chunks.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))

    def handle_startendtag(self, tag, attrs):
        if self.in_main and not self._skipping():
            attrs = dict(attrs)
            self.chunks.extend(attrs[name] for name in self.ATTRIBUTES if attrs.get(name))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data):
        if self.in_main and not self._skipping():
            self.chunks.append(data)

    def _skipping(self):
        return any(skip for _tag, skip in self.stack)


def main_text(html: str) -> str:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.chunks).split())


def _cjk_fragments(text: str) -> list[str]:
    return [text[max(m.start() - 30, 0):m.end() + 30] for m in CJK.finditer(text)]


@pytest.fixture(scope="module")
def compiled(catalogue):
    """The pages are rendered from the compiled .mo: it must hold what the .po says."""
    if not MO_PATH.exists():
        pytest.fail(f"{MO_PATH} is missing: run `make messages`")
    with MO_PATH.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [_label(e) for e in catalogue[1:]
             if e.get("msgid_plural") is None and e.get("msgctxt") is None
             and mo.gettext(e["msgid"]) != e["msgstr"][None]]
    if stale:
        pytest.fail(f"{MO_PATH.name} is out of date ({len(stale)} messages differ): run `make messages`")


@pytest.fixture
def english_client(client, compiled):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


GUIDE_ANSWERS = [
    # adjudication: patent infringement, stop it quickly, the other side refused
    {"right": "invention_patent", "happened": "infringement", "wants": "both", "court": "no",
     "other_side": "refused", "quick_order": "yes"},
    # mediation: trademark, compensation, court unsure, quick order asked for the wrong kind of right
    {"right": "trademark", "happened": "infringement", "wants": "compensation", "court": "unsure",
     "other_side": "willing", "quick_order": "yes"},
    # litigation: already in court
    {"right": "copyright", "happened": "ownership", "wants": "other", "court": "yes",
     "other_side": "unknown", "quick_order": "no"},
    # litigation: the other side refused, patent infringement without a quick order
    {"right": "design_patent", "happened": "infringement", "wants": "compensation", "court": "no",
     "other_side": "refused", "quick_order": "no"},
    # mediation: trade secret contract dispute
    {"right": "trade_secret", "happened": "contract", "wants": "other", "court": "no",
     "other_side": "unknown", "quick_order": ""},
]


@pytest.mark.django_db
@pytest.mark.parametrize("page", [
    pytest.param(lambda: reverse("login"), id="login"),
    pytest.param(lambda: reverse("intake:guide"), id="guide"),
    *[pytest.param(lambda answers=answers: reverse("intake:guide") + "?" + "&".join(
        f"{key}={value}" for key, value in answers.items()), id=f"guide-answered-{index}")
      for index, answers in enumerate(GUIDE_ANSWERS)],
])
def test_public_pages_show_no_chinese_in_english(english_client, page):
    response = english_client.get(page())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    text = main_text(html)
    assert text, "the page has no <main> text"
    if "?" in page():
        assert "Recommended route" in text, "the guide did not show a recommendation"
    leftovers = _cjk_fragments(text)
    assert not leftovers, f"Chinese left in <main> of {page()}: {leftovers}"


@pytest.mark.django_db
def test_the_check_sees_chinese_when_the_page_is_chinese(client):
    """Guards the check above against passing vacuously: the default (zh-hans) login page is Chinese."""
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert _cjk_fragments(main_text(html))
    assert not _cjk_fragments(main_text('<main><p>Name <span lang="zh">快调</span></p></main>'))
