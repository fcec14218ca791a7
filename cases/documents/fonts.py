"""Compact TrueType copies of Noto Serif CJK SC for the official documents, built once per machine.

Why: WeasyPrint subsets every embedded font again for every PDF. Read from the Debian
``.ttc`` collections (26 MB, 65,535 CFF glyphs shared by five regions) that took about
230 ms per face per document, two faces (body and bold title) per document. The same SC
faces cut to GB 2312 and the punctuation of official documents, with the outlines
converted from CFF to TrueType, subset in a few milliseconds. The glyphs are Noto's
(cubic curves turned into quadratic ones within 1 unit of the 1,000-unit em), so a
document looks the same. A character outside the set (a rare one in a name) falls back,
through the CSS font stacks, to the full Noto Serif CJK SC: same design, that document
renders a little slower.

``make deps`` builds them (``manage.py build_document_fonts``) into ``.cache/fonts``;
they are derived from the installed package, so they are not in git. Without them the
stacks in ``gbt9704.css`` fall through to the system Noto faces: correct, only slower.
Noto CJK is under the SIL Open Font License 1.1 with no reserved font name; the copies
carry their own family name so that fontconfig never mistakes them for the full faces.
"""
from pathlib import Path

from django.conf import settings

FAMILY = "IPDR Serif SC"
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
# (file in FONT_DIR, source collection, CSS font-weight)
FACES = (
    ("ipdr-serif-sc-regular.ttf", "NotoSerifCJK-Regular.ttc", 400),
    ("ipdr-serif-sc-bold.ttf", "NotoSerifCJK-Bold.ttc", 700),
)
SOURCE_FAMILY = "Noto Serif CJK SC"
# Latin, general punctuation, letterlike symbols and number forms (℃, №, Ⅰ), ①…⑳,
# CJK punctuation, full-width forms: what official documents print besides the 汉字.
EXTRA_RANGES = ((0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF),
                (0x3000, 0x303F), (0xFF00, 0xFFEF))


def font_dir() -> Path:
    return Path(getattr(settings, "IPDR_DOCUMENT_FONT_DIR", settings.BASE_DIR / ".cache" / "fonts"))


def built_faces() -> list[tuple[Path, int]]:
    """``(path, weight)`` of every compact face present; all or nothing, so a half-built set is not used."""
    faces = [(font_dir() / name, weight) for name, _, weight in FACES]
    return faces if all(path.is_file() for path, _ in faces) else []


def gb2312_characters() -> set[int]:
    """Every character of GB 2312 (6,763 汉字 and 682 symbols) and the EXTRA_RANGES."""
    codes = {code for start, end in EXTRA_RANGES for code in range(start, end + 1)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                codes.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return codes


def _collection_index(path: Path, family: str) -> int:
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    for index, face in enumerate(collection.fonts):
        if face["name"].getDebugName(1) == family:
            return index
    raise LookupError(f"{family} not in {path}")


def _cff_to_truetype(font) -> None:
    """Replace the CFF outlines by quadratic TrueType ones (the fontTools otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        glyph.recalcBounds(glyf)
        hmtx[name] = (hmtx[name][0], getattr(glyph, "xMin", 0))
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(order)
    maxp.maxZones = 1
    for field in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxTwilightPoints",
                  "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)  # the point and contour maxima are recomputed on save
    font["post"].formatType = 3.0  # no glyph names: a PDF addresses glyphs by id
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font, family: str, bold: bool) -> None:
    style = "Bold" if bold else "Regular"
    name = font["name"]
    name.names = [record for record in name.names if record.nameID not in (1, 2, 3, 4, 6, 16, 17, 18)]
    postscript = f"{family.replace(' ', '')}-{style}"
    for name_id, value in ((1, family), (2, style), (3, f"{postscript};{SOURCE_FAMILY} subset"),
                           (4, f"{family} {style}"), (6, postscript)):
        name.setName(value, name_id, 3, 1, 0x409)
        name.setName(value, name_id, 1, 0, 0)


def build_face(source: Path, target: Path, *, bold: bool, characters=None, family: str = FAMILY) -> int:
    """Write the SC face of the collection ``source``, cut to ``characters``, as TrueType to ``target``.

    Returns the number of glyphs kept. The default layout features stay (shaping is unchanged).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=_collection_index(source, SOURCE_FAMILY))
    codes = (gb2312_characters() if characters is None else set(characters)) & set(font.getBestCmap())
    options = subset.Options()
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False  # WeasyPrint drops hints from the PDF anyway
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    _cff_to_truetype(font)
    _rename(font, family, bold)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    font.save(str(partial))
    partial.replace(target)  # never a half-written font in the directory
    return len(font.getGlyphOrder())


def build(directory: Path | None = None, source_dir: Path = NOTO_DIR) -> list[Path]:
    """Build every face of FACES that is missing from ``directory``; return the faces built."""
    directory = directory or font_dir()
    built = []
    for name, source, weight in FACES:
        target = directory / name
        if not target.is_file():
            build_face(source_dir / source, target, bold=weight >= 700)
            built.append(target)
    return built


def font_face_css() -> str:
    """The @font-face rules of the built faces ('' when they are not built)."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); font-weight: {weight}; }}'
        for path, weight in built_faces()
    )
