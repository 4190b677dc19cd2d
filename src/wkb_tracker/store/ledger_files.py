"""Reading an office 台账 from an Excel workbook (.xlsx) or a CSV file, as Excel and WPS write them.

Every cell becomes text (dates as YYYY-MM-DD), so one set of rules reads both. Refusals are
`UserError`s (exit 2): a file that cannot be read, is not a workbook, or is in no encoding wkb
knows. openpyxl is imported here only, and only for an .xlsx file.

- **xlsx**: read-only mode (the rows stream; a large workbook is never held whole). A cell
  holding a formula is read as the value Excel/WPS last computed and saved with it (never
  evaluated by wkb); a formula never computed (a file written by a program) reads as empty, with
  a warning naming the cells. Cells
  merged into one (a title across the top, a two-level header, a date merged down over several
  rows) give every cell of the range the value of its top-left cell: read-only mode does not
  expose the merge ranges, so they are read from the sheet's XML (`<mergeCell ref=…>`).
- **csv**: UTF-8 with or without a BOM; otherwise GB18030 (a superset of GBK, what Chinese Excel
  and WPS write as "CSV") with one warning line. The delimiter (`,` `;` or a tab) is sniffed.
- A text cell that a safe export neutralised with a leading `'` (OWASP's rule for cells starting
  with = + - @) reads back without it, so a sheet exported by wkb imports as it was.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say

MAX_ROWS = 200_000  # a 台账 is thousands of rows; this bounds memory on a hostile file
MAX_BYTES = 100_000_000  # the file itself (a CSV is read whole)
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass
class Table:
    """The cells of one sheet as text, row by row (`rows[i]` is spreadsheet row i + 1)."""

    name: str  # file name as given, for `file:row: message`
    rows: list[list[str]]
    sheet: str | None = None  # the worksheet read, for an xlsx file
    warnings: list[str] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell value as text: dates as YYYY-MM-DD (a time of day is dropped when it is midnight),
    whole numbers without `.0`, a neutralising `'` before = + - @ removed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def read_table(path: Path, *, sheet: str | None = None) -> Table:
    """The cells of `path` (.xlsx, or .csv/.txt), first worksheet unless `sheet` names one."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UserError(say("找不到文件 {p}", "no such file: {p}", p=path))
    if path.stat().st_size > MAX_BYTES:
        raise UserError(
            say(
                "{p} 超过 {m} MB,请拆分后分别导入",
                "{p} is larger than {m} MB; split it and import the parts",
                p=path,
                m=MAX_BYTES // 1_000_000,
            )
        )
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet is not None:
            raise UserError(say("--sheet 只用于 .xlsx 文件", "--sheet is for .xlsx files only"))
        return _read_csv(path)
    raise UserError(
        say(
            "不支持的文件类型 {s}:请用 .xlsx 或 .csv(旧版 .xls 请在 Excel/WPS 中另存为 .xlsx)",
            "unsupported file type {s}: use .xlsx or .csv (save an old .xls as .xlsx first)",
            s=suffix or path.name,
        )
    )


# -- csv ------------------------------------------------------------------------------------------


def decode_csv(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a CSV file and the warnings: UTF-8 (BOM or not), else GB18030 with a warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(
            say(
                "{n} 既不是 UTF-8 也不是 GBK/GB18030 编码,无法读取;请在 Excel/WPS 中另存为「CSV UTF-8」",
                '{n} is neither UTF-8 nor GBK/GB18030; save it as "CSV UTF-8" in Excel/WPS',
                n=name,
            )
        ) from None
    return text, [
        say(
            "{n} 不是 UTF-8 编码,已按 GBK/GB18030 读取",
            "{n} is not UTF-8; read as GBK/GB18030",
            n=name,
        )
    ]


def _delimiter(text: str) -> str:
    sample = text[:8192]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        return max(",;\t", key=first.count)


def _read_csv(path: Path) -> Table:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(
            say("无法读取 {n}:{e}", "cannot read {n}: {e}", n=name, e=error.strerror or error)
        ) from None
    text, warnings = decode_csv(data, name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[str]] = []
    try:
        for cells in reader:
            rows.append([cell_text(cell) for cell in cells])
            if len(rows) > MAX_ROWS:
                raise UserError(_too_many(name))
    except csv.Error as error:
        raise UserError(
            say(
                "{n}:{r}: 无法解析的 CSV:{e}",
                "{n}:{r}: unreadable CSV: {e}",
                n=name,
                r=reader.line_num,
                e=error,
            )
        ) from None
    return Table(name, rows, warnings=warnings)


def _too_many(name: str) -> str:
    return say(
        "{n} 超过 {m} 行,请拆分后分别导入",
        "{n} has more than {m} rows; split it and import the parts",
        n=name,
        m=MAX_ROWS,
    )


# -- xlsx -----------------------------------------------------------------------------------------


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: its XML part in the archive}, in workbook order."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG}Relationship")}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = part
    return parts


@dataclass
class SheetLayout:
    """What read-only openpyxl does not tell: merged ranges and formulas saved without a value."""

    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 1-based, inclusive
    uncomputed: list[str] = field(default_factory=list)  # cell references, e.g. "C4"


def _sheet_layout(archive: zipfile.ZipFile, part: str) -> SheetLayout:
    """The merged ranges — (first row, first column, last row, last column), 1-based — and the
    cells holding a formula with no saved result (a workbook written by a program and never
    opened in Excel/WPS: openpyxl reads such a cell as empty, which would be reported later as a
    missing value without saying why)."""
    from openpyxl.utils.cell import range_boundaries

    layout = SheetLayout()
    with archive.open(part) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag == f"{_MAIN}mergeCell":
                bounds = range_boundaries(element.get("ref", ""))
                if None not in bounds:
                    min_col, min_row, max_col, max_row = (int(b) for b in bounds)
                    layout.merged.append((min_row, min_col, max_row, max_col))
            elif element.tag == f"{_MAIN}c":
                formula = element.find(f"{_MAIN}f")
                value = element.find(f"{_MAIN}v")
                if formula is not None and (value is None or not (value.text or "")):
                    layout.uncomputed.append(element.get("r", "?"))
            elif element.tag == f"{_MAIN}row":
                element.clear()  # rows are read by openpyxl; keep memory flat
    return layout


UNCOMPUTED_NAMED = 5  # cells named in the warning; a whole column of formulas is not listed


def _uncomputed_warning(name: str, cells: list[str]) -> str:
    shown = join_names(cells, UNCOMPUTED_NAMED)
    return say(
        "{n}:{k} 个单元格是未保存计算结果的公式({c}),按空白读取;"
        "请在 Excel/WPS 中打开并保存后再导入",
        "{n}: {k} cells hold a formula saved without its result ({c}) and read as empty; "
        "open and save the file in Excel/WPS, then import again",
        n=name,
        k=len(cells),
        c=shown if cells else "",
    )


def _read_xlsx(path: Path, wanted: str | None) -> Table:
    import openpyxl

    name = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UserError(
            say(
                "{n} 不是可读取的 Excel 工作簿(.xlsx):{e}",
                "{n} is not a readable Excel workbook (.xlsx): {e}",
                n=name,
                e=error,
            )
        ) from None
    try:
        names = list(book.sheetnames)
        chosen = wanted if wanted is not None else names[0]
        if chosen not in names:
            raise UserError(
                say(
                    "{n} 中没有工作表 {s!r}。可选:{v}",
                    "{n} has no worksheet {s!r}. Valid: {v}",
                    n=name,
                    s=wanted,
                    v=join_names(names),
                )
            )
        warnings = []
        if wanted is None and len(names) > 1:
            warnings.append(
                say(
                    "{n} 有 {k} 个工作表,只读取了第一个「{s}」;其他的请用 --sheet 名称 分别导入",
                    "{n} has {k} worksheets; read the first, {s!r}; import the others with --sheet NAME",
                    n=name,
                    k=len(names),
                    s=chosen,
                )
            )
        rows = list(_rows(book[chosen], name))
    finally:
        book.close()
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_parts(archive).get(chosen)
            layout = _sheet_layout(archive, part) if part else SheetLayout()
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        layout = SheetLayout()
    _fill_merged(rows, layout.merged)
    if layout.uncomputed:
        warnings.append(_uncomputed_warning(name, layout.uncomputed))
    return Table(name, rows, sheet=chosen, warnings=warnings)


def _rows(sheet: Any, name: str) -> Iterator[list[str]]:
    for count, values in enumerate(sheet.iter_rows(values_only=True), 1):
        if count > MAX_ROWS:
            raise UserError(_too_many(name))
        yield [cell_text(value) for value in values]


def _fill_merged(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    """Give each cell of a merged range the text of the range's top-left cell."""
    for first_row, first_col, last_row, last_col in merged:
        if first_row > len(rows):
            continue
        top = rows[first_row - 1]
        value = top[first_col - 1] if first_col - 1 < len(top) else ""
        for row in range(first_row, min(last_row, len(rows)) + 1):
            cells = rows[row - 1]
            if len(cells) < last_col:
                cells.extend([""] * (last_col - len(cells)))
            for column in range(first_col, last_col + 1):
                cells[column - 1] = value
