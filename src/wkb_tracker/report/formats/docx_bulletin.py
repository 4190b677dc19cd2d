"""The 通报 as a Word document laid out per GB/T 9704-2012 《党政机关公文格式》 (issue 13.3), with
python-docx (imported only here, only when a bulletin is made).

- Paper A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (the standard's 版心 of
  156 mm × 225 mm), 22 lines a page: exact line spacing 28.95 pt.
- Title 方正小标宋简体 二号 (22 pt), centred; body 仿宋_GB2312 三号 (16 pt), first line indented two
  characters; level-1 headings (一、) 黑体 三号.
- Page numbers 4号 (14 pt) half-width 宋体 Arabic digits between two em dashes, "— 1 —", odd pages
  right and even pages left, one character in from the edge of the text block.
- Fonts are named for East Asian text (`w:eastAsia`), and each is listed in the document's font
  table with the fall-backs Word and WPS use on a machine without it (`w:altName`: 方正小标宋简体 →
  华文中宋, 仿宋_GB2312 → 仿宋, 黑体 → SimHei), so the document still reads right there.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from wkb_tracker.report.formats.bulletin import Bulletin

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
# Named fall-backs (font table altName), the usual substitutes on Windows, WPS and LibreOffice.
FALLBACKS = {
    TITLE_FONT: "华文中宋",
    BODY_FONT: "仿宋",
    HEADING_FONT: "SimHei",
    NUMBER_FONT: "SimSun",
}

TITLE_PT = 22  # 二号
BODY_PT = 16  # 三号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 12  # 小四: a six-column table fits the 156 mm line
LINE_PT = 28.95  # 225 mm / 22 lines

# Column widths (mm) of the leader × district table: together the 156 mm text block.
TABLE_WIDTHS_MM = (22, 28, 34, 22, 28, 22)
STATUS_FILLS = {"met": "C6EFCE", "short": "FFC7CE", "pending": "FFEB9C", "not_tracked": "EDEDED"}


def _fonts(run: Any, east_asian: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT if east_asian != NUMBER_FONT else NUMBER_FONT
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph(
    document: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_PT,
    align: str = "justify",
    indent: bool = True,
    bold: bool = False,
    right_chars: float = 0,
) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    paragraph.alignment = {
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    form = paragraph.paragraph_format
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Pt(LINE_PT if size <= BODY_PT else size * 1.5)
    form.space_before = form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(2 * size)
    if right_chars:
        form.right_indent = Pt(right_chars * size)
    _fonts(paragraph.add_run(text), font, size, bold=bold)
    return paragraph


def _declare_fallbacks(document: Any) -> None:
    """List each font with its fall-back in the font table (`w:altName`)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    try:
        part = document.part.part_related_by(RT.FONT_TABLE)
    except KeyError:  # a template without a font table: the run fonts still name the faces
        return
    table = part.element if hasattr(part, "element") else parse_xml(part.blob)
    for name, alternative in FALLBACKS.items():
        for existing in table.findall(qn("w:font")):
            if existing.get(qn("w:name")) == name:
                table.remove(existing)
        table.append(
            parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternative}"/>'
                '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/>'
                "</w:font>"
            )
        )
    if not hasattr(part, "element"):
        from lxml import etree

        part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(footer: Any, *, odd: bool) -> None:
    """ "— N —" in 4号 half-width 宋体, odd pages right and even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    form = paragraph.paragraph_format
    if odd:
        form.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        form.left_indent = Pt(PAGE_NUMBER_PT)
    _fonts(paragraph.add_run("— "), NUMBER_FONT, PAGE_NUMBER_PT)
    run = paragraph.add_run()
    _fonts(run, NUMBER_FONT, PAGE_NUMBER_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _fonts(paragraph.add_run(" —"), NUMBER_FONT, PAGE_NUMBER_PT)


def _shade(cell: Any, rgb: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    cell._tc.get_or_add_tcPr().append(
        parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{rgb}"/>')
    )


def _table(document: Any, bulletin: Bulletin) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(bulletin.table_header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, bulletin.table_header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _fonts(cell.paragraphs[0].add_run(text), HEADING_FONT, TABLE_PT)
    for row, status in zip(bulletin.table_rows, bulletin.table_statuses, strict=True):
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            paragraph = cell.paragraphs[0]
            numeric = index in (3, 4)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if numeric else WD_ALIGN_PARAGRAPH.LEFT
            _fonts(paragraph.add_run(text), BODY_FONT, TABLE_PT)
        if status in STATUS_FILLS:
            _shade(cells[-1], STATUS_FILLS[status])
    if len(bulletin.table_header) == len(TABLE_WIDTHS_MM):
        from docx.shared import Mm

        table.autofit = False
        for column, width in zip(table.columns, TABLE_WIDTHS_MM, strict=True):
            column.width = Mm(width)  # the grid, which LibreOffice and WPS lay out by
        for row in table.rows:
            for cell, width in zip(row.cells, TABLE_WIDTHS_MM, strict=True):
                cell.width = Mm(width)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    """The bulletin as .docx bytes, the same for the same bulletin on any day."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(24)  # the number's line sits about 7 mm below the text block
    section.header_distance = Mm(15)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)
    _declare_fallbacks(document)

    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    properties = document.core_properties
    properties.title = bulletin.title
    properties.author = "wkb"
    made = datetime.combine(bulletin.made_on, datetime.min.time())
    properties.created = properties.modified = made  # the bulletin's date, not the clock
    properties.last_modified_by = "wkb"
    properties.revision = 1

    _paragraph(
        document, bulletin.title, font=TITLE_FONT, size=TITLE_PT, align="center", indent=False
    )
    _paragraph(document, "", indent=False)  # one blank line under the title (GB/T 9704 7.3.1)
    _paragraph(document, bulletin.addressee, align="left", indent=False)
    _paragraph(document, bulletin.opening)
    _paragraph(document, bulletin.table_heading, font=HEADING_FONT)
    _table(document, bulletin)
    _paragraph(document, bulletin.short_heading, font=HEADING_FONT)
    for line in bulletin.short_lines:
        _paragraph(document, line)
    _paragraph(document, bulletin.overdue_heading, font=HEADING_FONT)
    for line in bulletin.overdue_lines:
        _paragraph(document, line)
    _paragraph(document, bulletin.closing)
    _paragraph(document, "", indent=False)
    # 发文机关署名 and 成文日期: right-aligned, the date four characters in from the right edge.
    _paragraph(document, bulletin.signature, align="right", indent=False, right_chars=4)
    _paragraph(document, bulletin.date_line, align="right", indent=False, right_chars=4)

    buffer = io.BytesIO()
    document.save(buffer)
    from wkb_tracker.report.formats.zipped import reproducible

    return reproducible(buffer.getvalue(), bulletin.made_on)
