"""The compact document faces: Noto's glyphs as TrueType, used first, with the full Noto faces behind them."""
import subprocess

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from cases.documents import fonts, services
from cases.documents.models import DocumentType
from tests.documents.conftest import pdf_text

# a few characters of every document, and none of 喆 (outside GB 2312, so never in a compact face)
SAMPLE = "受理通知书璧山区知识产权保护中心（）〔〕号：，。0123456789"


@pytest.fixture(scope="session")
def compact_faces(tmp_path_factory):
    """The faces ``make deps`` built; without them, both cut to SAMPLE and ASCII (GB 2312 takes a minute)."""
    if fonts.built_faces():
        return fonts.font_dir()
    directory = tmp_path_factory.mktemp("fonts")
    characters = {*map(ord, SAMPLE), *range(0x20, 0x7F)}
    for name, source, weight in fonts.FACES:
        fonts.build_face(fonts.NOTO_DIR / source, directory / name, bold=weight >= 700, characters=characters)
    return directory


def _noto_sc(source):
    path = fonts.NOTO_DIR / source
    return TTFont(str(path), fontNumber=fonts._collection_index(path, fonts.SOURCE_FAMILY), lazy=True)


def _glyph(font, char):
    name = font.getBestCmap()[ord(char)]
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return font["hmtx"][name][0], pen.bounds


def test_a_compact_face_is_truetype_with_its_own_name_and_noto_sc_glyphs(compact_faces):
    for name, source, weight in fonts.FACES:
        face = TTFont(str(compact_faces / name))
        assert "glyf" in face and "CFF " not in face
        assert face["name"].getDebugName(1) == fonts.FAMILY  # never taken for the full Noto face
        assert face["name"].getDebugName(2) == ("Bold" if weight >= 700 else "Regular")
        assert set(map(ord, SAMPLE)) <= set(face.getBestCmap()) and ord("喆") not in face.getBestCmap()
        noto = _noto_sc(source)
        for char in "受〔号":  # SC forms; 〔 is the full-width, centred bracket
            advance, bounds = _glyph(face, char)
            noto_advance, noto_bounds = _glyph(noto, char)
            assert advance == noto_advance
            assert all(abs(a - b) <= 2 for a, b in zip(bounds, noto_bounds, strict=True)), (char, bounds, noto_bounds)


def test_gb2312_holds_the_characters_of_official_documents():
    codes = fonts.gb2312_characters()
    assert all(ord(c) in codes for c in "璧山区市场监督管理局（知识产权局）行政裁决书〔〕①℃№—“”、：；")
    assert ord("喆") not in codes and len([c for c in codes if 0x4E00 <= c <= 0x9FFF]) == 6763


def test_documents_use_the_compact_faces_and_fall_back_to_noto_for_what_they_lack(
        issue, case, compact_faces, settings, monkeypatch, tmp_path):
    settings.IPDR_DOCUMENT_FONT_DIR = compact_faces
    monkeypatch.setattr(services, "_FONT_SHEETS", None)
    respondent = case.parties.get(role="respondent")
    respondent.name = "王喆"
    respondent.save(update_fields=["name"])
    document = issue(DocumentType.ACCEPTANCE_NOTICE)
    path = tmp_path / "doc.pdf"
    with document.file.open("rb") as fh:
        path.write_bytes(fh.read())
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[1] for line in out.splitlines()[2:] if line.strip()}
    assert {"IPDR-Serif-SC", "IPDR-Serif-SC-Bold"} <= names, out  # body and title from the compact faces
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in names), out  # the rest from Noto
    text = pdf_text(document)
    assert "王喆" in text and "受理通知书" in text and document.number in text


def test_the_font_fetcher_reads_only_the_built_faces(compact_faces, settings):
    settings.IPDR_DOCUMENT_FONT_DIR = compact_faces
    fetcher = services._FontFileFetcher()
    face = compact_faces / fonts.FACES[0][0]
    assert fetcher.fetch(face.as_uri()).read() == face.read_bytes()
    for url in ("file:///etc/passwd", (compact_faces / "other.ttf").as_uri(), "http://example.com/font.ttf"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
