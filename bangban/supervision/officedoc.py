"""Official documents (公文) as .docx in the GB/T 9704-2012 layout.

- A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which leaves the
  type area 156 × 225 mm.
- 22 lines of 28 characters: the section's document grid (`w:docGrid`, type linesAndChars) sets
  the line pitch to 225 mm / 22 and the character pitch to 156 mm / 28 for a 16 pt (三号) body.
- Fonts: title 方正小标宋简体 22 pt (二号); body 仿宋_GB2312 16 pt (三号); first-level headings
  黑体, second-level headings 楷体_GB2312; page numbers 宋体 14 pt (四号).
- 版头: the issuing authority's name in red, centred, over a red separator line; the 发文字号
  (机关代字〔年份〕序号号) centred above the line.
- 成文日期 in Arabic numerals without leading zeros (2026年11月27日), as §7.3.5.3 of the 2012
  edition prescribes (the 1999 edition used Chinese numerals).
- Page numbers "— N —" from a PAGE field: odd pages on the right, even pages on the left, each one
  character in from the edge.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
TYPE_AREA_MM = (156, 225)
LINES, CHARS = 22, 28
BODY_PT = 16

TWIPS_PER_MM = 1440 / 25.4
LINE_PITCH = round(TYPE_AREA_MM[1] * TWIPS_PER_MM / LINES)  # 580 twips
# charSpace: how much each grid cell differs from the font size, in 1/4096 pt.
CHAR_SPACE = round((TYPE_AREA_MM[0] * TWIPS_PER_MM / CHARS / 20 - BODY_PT) * 4096)


def chinese_date(day: dt.date) -> str:
    """2026-01-05 → 2026年1月5日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def doc_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}〔{year}〕{seq}号"


def _fonts(run: Any, name: str, size: float, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _paragraph(
    doc: Any,
    text: str,
    font: str = BODY_FONT,
    size: float = BODY_PT,
    *,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = True,
    bold: bool = False,
    color: RGBColor | None = None,
) -> Any:
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")
    if text:
        _fonts(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _rule(paragraph: Any, color: str = "FF0000") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), color)
    borders.append(bottom)
    ppr.append(borders)


def _layout(section: Any) -> None:
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
    # The page number sits about 7 mm under the type area (which ends 35 mm above the bottom edge).
    section.footer_distance = Mm(21)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    sect_pr.append(grid)


def _page_number(footer: Any, align: Any) -> None:
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    p.alignment = align
    ind = p._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:leftChars" if align == WD_ALIGN_PARAGRAPH.LEFT else "w:rightChars"), "100")
    _fonts(p.add_run("— "), PAGE_NUMBER_FONT, 14)
    run = p.add_run()
    _fonts(run, PAGE_NUMBER_FONT, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    _fonts(p.add_run(" —"), PAGE_NUMBER_FONT, 14)


def _table(doc: Any, headers: list[str], rows: list[list[Any]]) -> None:
    """A centred grid table: a 黑体 header row, then one row per item. Data rows are copies of one
    formatted template row (python-docx's add_row is quadratic on long tables)."""
    table = doc.add_table(rows=2, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header, template = table.rows[0], table.rows[1]
    for cell, text in zip(header.cells, headers, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(str(text)), HEADING1_FONT, 12)
    for cell in template.cells:
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(p.add_run(""), BODY_FONT, 12)
    template_tr = template._tr
    parent = template_tr.getparent()
    for values in rows:
        tr = copy.deepcopy(template_tr)
        texts = tr.findall(".//" + qn("w:r"))
        for run, value in zip(texts, values, strict=False):
            t = OxmlElement("w:t")
            t.set(qn("xml:space"), "preserve")
            t.text = "—" if value is None else str(value)
            run.append(t)
        parent.append(tr)
    parent.remove(template_tr)


def build_document(
    *,
    authority: str,
    number: str,
    title: str,
    salutation: str,
    sections: list[dict[str, Any]],
    signed_by: str,
    date: dt.date,
    copy_to: str = "",
) -> bytes:
    """The .docx bytes of one 通报. `sections`: [{heading, subheadings?, paragraphs, table?}]."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _layout(doc.sections[0])
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    # 版头: authority (red), blank line, 发文字号, red separator line.
    for _ in range(2):
        _paragraph(doc, "", indent=False)
    _paragraph(
        doc, f"{authority}文件", TITLE_FONT, 36, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, color=RED
    )
    _paragraph(doc, "", indent=False)
    numbered = _paragraph(doc, number, BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _rule(numbered)
    _paragraph(doc, "", indent=False)
    # 标题 and 主送机关.
    _paragraph(doc, title, TITLE_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, salutation, indent=False)
    for block in sections:
        if block.get("heading"):
            _paragraph(doc, block["heading"], HEADING1_FONT)
        if block.get("subheading"):
            _paragraph(doc, block["subheading"], HEADING2_FONT)
        for text in block.get("paragraphs", []):
            _paragraph(doc, text)
        table = block.get("table")
        if table and table.get("rows"):
            _table(doc, table["headers"], table["rows"])
    _paragraph(doc, "", indent=False)
    _paragraph(doc, "", indent=False)
    sign = _paragraph(doc, signed_by, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    sign.paragraph_format.right_indent = Pt(BODY_PT * 4)
    dated = _paragraph(doc, chinese_date(date), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    dated.paragraph_format.right_indent = Pt(BODY_PT * 4)
    # 版记: 抄送 and 印发机关 / 印发日期 between lines.
    _paragraph(doc, "", indent=False)
    if copy_to:
        cc = _paragraph(doc, f"抄送：{copy_to}。", BODY_FONT, 14, indent=False)
        _rule(cc, "000000")
    printed = _paragraph(doc, f"{authority}　　　　{chinese_date(date)}印发", BODY_FONT, 14, indent=False)
    _rule(printed, "000000")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
