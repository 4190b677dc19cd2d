"""One output vocabulary for every command (issue 13.1): the format names, their aliases, the file
extensions that imply them, and the one rule that picks a format from `--format` and `--output`.

Kept import-free (no openpyxl, no docx, no Rich): every exporting command imports this at start-up.
The writers themselves live beside it, one module per format, each producing bytes:

    cells          the one neutralising rule for CSV and xlsx text cells (OWASP), typed cells, sheets
    tabular        sheets → CSV / Markdown / JSON bytes (lists and the report's sheets)
    report_sheets  a report (its JSON view) → the sheets 汇总 / 明细 / 整改 / 考核 / 说明
    xlsx_book      sheets → an Excel workbook (openpyxl, imported lazily)
    html_page      a report or sheets → one self-contained HTML file (inline CSS and SVG)
    bulletin       the 通报's content: template file, placeholders, paragraphs (pure)
    docx_bulletin  the 通报 as a Word document in GB/T 9704-2012 layout (python-docx, lazily)
"""

from __future__ import annotations

from pathlib import PurePath

TABLE = "table"
JSON = "json"
CSV = "csv"
MARKDOWN = "markdown"
XLSX = "xlsx"
DOCX = "docx"
HTML = "html"

# The order every help text and error message lists them in.
ALL = (TABLE, JSON, CSV, MARKDOWN, XLSX, DOCX, HTML)

# Names accepted as well, so that every value an earlier version took keeps working (`text` was
# the default of the show/add commands; `md` is what people type).
ALIASES = {"text": TABLE, "md": MARKDOWN, "excel": XLSX, "word": DOCX, "htm": HTML}

# What each kind of command makes (the order is the vocabulary's): a report, `due`, `stats` and
# every list make the same set (each from its JSON view and its sheets); the 通报 is a document.
EXPORT_FORMATS = (TABLE, JSON, CSV, MARKDOWN, XLSX, HTML)
BULLETIN_FORMATS = (DOCX, MARKDOWN)

# Formats that are bytes for a file, never text for a console.
BINARY = frozenset({XLSX, DOCX})

EXTENSIONS = {
    ".json": JSON,
    ".csv": CSV,
    ".md": MARKDOWN,
    ".markdown": MARKDOWN,
    ".xlsx": XLSX,
    ".docx": DOCX,
    ".html": HTML,
    ".htm": HTML,
    ".txt": TABLE,
}


def canonical(value: str) -> str:
    """The format named by `value` (case and surrounding blanks ignored, aliases resolved); the
    value itself, lowered, when it names none (the caller refuses it)."""
    name = value.strip().lower()
    return ALIASES.get(name, name)


def from_extension(path: str | PurePath) -> str | None:
    """The format a file name implies (`通报.docx` → docx), None for an unknown extension."""
    return EXTENSIONS.get(PurePath(path).suffix.lower())
