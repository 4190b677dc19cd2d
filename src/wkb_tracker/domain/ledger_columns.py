"""The columns of an office 台账 (ledger): which header names mean which wkb field.

Pure: no I/O. `wkb import` reads a spreadsheet into rows of cell texts (ledger_files), then asks
this module where the header row is and which column feeds which field, so the same rules serve
an Excel workbook and a CSV file. Header names are compared after normalisation (full-width →
half-width, blanks, a required-marker `*`, a trailing bracketed note such as 「期限(天)」 and case
removed), so 「走访日期」, 「 走访 日期* 」 and 「走访日期(年月日)」 are one header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say

VISITS = "visits"
RECTIFICATIONS = "rectifications"
ENTITIES = "entities"
KINDS = (VISITS, RECTIFICATIONS, ENTITIES)

# Header names of a typical 台账, per kind of record → the field they feed. English field names
# (as in the record files and the CLI options) are recognised too, see `_english`. A column
# named 整改措施 (the measures taken to fix a problem) becomes the progress note of an open
# item, or the resolution of a closed one.
_ITEM_COLUMNS: dict[str, tuple[str, ...]] = {
    "deadline": ("期限", "整改期限", "整改时限", "完成时限", "办结时限", "时限", "截止日期"),
    "department": ("责任处室", "责任部门", "牵头处室", "承办处室", "责任单位"),
    "owner": ("责任人", "经办人", "承办人"),
    "status": ("状态", "办理状态", "整改状态", "完成情况", "办结情况"),
    "resolution": ("整改措施", "整改情况", "办理情况", "整改结果", "办理结果"),
    "closed": ("办结日期", "完成日期", "销号日期", "整改完成日期", "办结时间", "完成时间"),
}
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    VISITS: {
        "date": ("日期", "走访日期", "联系日期", "走访时间", "时间", "服务日期"),
        "district": ("区", "辖区", "所属区", "区域", "分工区", "行政区", "所在区", "区名"),
        "leader": ("局领导", "带队领导", "责任领导", "领导", "带队局领导", "走访领导"),
        "entity": (
            "单位名称",
            "企业名称",
            "走访对象",
            "创新主体",
            "主体名称",
            "走访单位",
            "服务对象",
            "单位",
        ),
        "type": ("主体类型", "类型", "单位类型", "对象类型"),
        "mode": ("方式", "走访方式", "联系方式", "服务方式"),
        "measures": ("措施", "相关措施", "措施编号", "对应措施"),
        "summary": ("摘要", "情况摘要", "走访情况", "主要内容", "走访内容", "内容", "服务内容"),
        "problems": ("问题", "存在问题", "诉求", "困难问题", "企业诉求", "反映问题", "问题诉求"),
        "participants": ("参加人员", "陪同人员", "参加人", "随行人员"),
        "recorder": ("记录人", "填报人", "录入人"),
        "late_reason": ("补录原因",),
        "approved_by": ("批准人", "补录批准人"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
        **_ITEM_COLUMNS,
    },
    RECTIFICATIONS: {
        "problem": ("问题", "存在问题", "问题描述", "整改事项", "诉求", "问题诉求", "反映问题"),
        "district": ("区", "辖区", "所属区", "区域", "分工区", "行政区", "所在区", "区名"),
        "source": ("来源", "问题来源"),
        "opened": ("立项日期", "发现日期", "交办日期", "日期", "登记日期", "走访日期"),
        "measure": ("措施", "相关措施", "措施编号"),
        "visit": ("走访编号",),
        "recorder": ("记录人", "填报人", "录入人"),
        "late_reason": ("补录原因",),
        "approved_by": ("批准人", "补录批准人"),
        **_ITEM_COLUMNS,
    },
    ENTITIES: {
        "name": ("单位名称", "企业名称", "主体名称", "名称", "创新主体", "单位"),
        "aliases": ("别名", "简称", "曾用名"),
        "credit_code": ("统一社会信用代码", "信用代码", "社会信用代码"),
        "district": ("区", "辖区", "所属区", "区域", "所在区", "区名"),
        "type": ("主体类型", "类型", "单位类型"),
        "tags": ("标签", "类别", "入库情况"),
        "contact": ("联系人", "联络员"),
    },
}
# Fields a row of each kind must give (the others have defaults, as the CLI's options do).
REQUIRED: dict[str, tuple[str, ...]] = {
    VISITS: ("date", "district", "entity"),
    RECTIFICATIONS: ("problem",),
    ENTITIES: ("name",),
}
# Cells holding several values (an Excel cell with line breaks, or 、/,/; between values).
LIST_FIELDS = frozenset({"measures", "participants", "aliases", "tags"})
_ENGLISH_ALIASES = {
    "measure": "measures",
    "problem": "problems",
    "participant": "participants",
    "approved-by": "approved_by",
    "late-reason": "late_reason",
    "credit-code": "credit_code",
    "alias": "aliases",
    "tag": "tags",
}


def normalise_header(text: str) -> str:
    """A header as compared: NFKC (full-width → half-width), no blanks or `*`, no trailing
    bracketed note, lower case."""
    cleaned = unicodedata.normalize("NFKC", text)
    cleaned = re.sub(r"\s+|\*", "", cleaned)
    cleaned = re.sub(r"[\(\[【][^\)\]】]*[\)\]】]$", "", cleaned)
    return cleaned.lower()


def _english(kind: str, name: str) -> str | None:
    """The field an English header (the field's own name, or the CLI option) names, if any."""
    wanted = name.strip().lstrip("-").lower()
    wanted = _ENGLISH_ALIASES.get(wanted, wanted).replace("-", "_")
    if kind == RECTIFICATIONS and wanted == "problems":
        wanted = "problem"
    return wanted if wanted in HEADERS[kind] else None


def field_of(kind: str, header: str) -> str | None:
    """The field a header feeds for this kind of record, or None (an ignored column)."""
    wanted = normalise_header(header)
    if not wanted:
        return None
    for name, headers in HEADERS[kind].items():
        if wanted in (normalise_header(h) for h in headers):
            return name
    return _english(kind, wanted)


def parse_mapping(kind: str, pairs: Sequence[str]) -> dict[str, str]:
    """`--map 列名=field` options → {normalised header: field}; refuses a malformed pair or an
    unknown field (naming the valid ones). `--map 备注=` ignores a column."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.partition("=")
        if not sep or not header.strip():
            raise UserError(
                say(
                    "--map 须写作 列名=字段,收到 {p!r}",
                    "--map must be written HEADER=FIELD, got {p!r}",
                    p=pair,
                )
            )
        wanted = name.strip()
        if wanted:
            resolved = _english(kind, wanted) or field_of(kind, wanted)
            if resolved is None:
                raise UserError(
                    say(
                        "--map {p!r}:{k} 没有字段 {f!r}。可选:{v}",
                        "--map {p!r}: {k} have no field {f!r}. Valid: {v}",
                        p=pair,
                        k=kind,
                        f=wanted,
                        v=", ".join(HEADERS[kind]),
                    )
                )
            wanted = resolved
        mapping[normalise_header(header)] = wanted
    return mapping


@dataclass(frozen=True)
class Columns:
    """Where the header is and which column feeds which field."""

    header_row: int  # spreadsheet row number (1-based) of the header row used
    fields: dict[int, str]  # column index (0-based) → field
    headers: list[str]  # the header text of every column (rows above filled in)
    ignored: list[str] = field(default_factory=list)  # header texts of unused columns


def _score(kind: str, cells: Sequence[str], mapping: dict[str, str]) -> int:
    names = {_field(kind, cell, mapping) for cell in cells if cell.strip()}
    names.discard(None)
    names.discard("")
    return len(names)


def _field(kind: str, header: str, mapping: dict[str, str]) -> str | None:
    key = normalise_header(header)
    if key in mapping:
        return mapping[key] or None
    return field_of(kind, header)


HEADER_SEARCH_ROWS = 10  # a title, a note and a two-level header fit in the first ten rows


def find_columns(
    kind: str, rows: Sequence[Sequence[str]], mapping: dict[str, str] | None = None
) -> Columns:
    """The header among the first rows: the one naming the most fields (the first such row).

    A header cell left empty takes the text above it (a two-level header, or a cell merged
    down whose lower part reads empty). Refuses (UserError) a sheet where no row names two
    fields, a required field without a column, and two columns feeding one field.
    """
    mapping = mapping or {}
    best, best_score = -1, 0
    for index, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _score(kind, cells, mapping)
        if score > best_score:
            best, best_score = index, score
    if best < 0 or best_score < 2:
        raise UserError(
            say(
                "前 {n} 行中找不到表头(至少两个能识别的列名,如 {e});可用 --map 列名=字段 指定",
                "no header in the first {n} rows (one naming at least two known columns, such "
                "as {e}); name columns with --map HEADER=FIELD",
                n=HEADER_SEARCH_ROWS,
                e=join_names(h[0] for h in list(HEADERS[kind].values())[:3]),
            )
        )
    width = max(len(cells) for cells in rows[: best + 1])
    headers: list[str] = []
    for column in range(width):
        text = ""
        for above in range(best, -1, -1):
            cells = rows[above]
            if column < len(cells) and cells[column].strip():
                text = cells[column].strip()
                break
        headers.append(text)
    fields: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for column, header in enumerate(headers):
        name = _field(kind, header, mapping) if header else None
        if name is None:
            if header:
                ignored.append(header)
            continue
        if name in seen:
            raise UserError(
                say(
                    "列「{a}」和「{b}」都对应字段 {f};请用 --map 指定其中一列(如 --map {b}=)",
                    "columns {a!r} and {b!r} both feed the field {f}; choose with --map "
                    "(e.g. --map {b}=)",
                    a=seen[name],
                    b=header,
                    f=name,
                )
            )
        seen[name] = header
        fields[column] = name
    missing = [name for name in REQUIRED[kind] if name not in seen]
    if missing:
        raise UserError(
            say(
                "缺少必需的列:{m}(可识别的列名如 {e});可用 --map 列名=字段 指定",
                "required columns missing: {m} (known headers such as {e}); name them with "
                "--map HEADER=FIELD",
                m=", ".join(missing),
                e=join_names(HEADERS[kind][missing[0]][:3]),
            )
        )
    return Columns(best + 1, fields, headers, ignored)


def row_values(columns: Columns, cells: Sequence[str]) -> dict[str, str]:
    """{field: cell text} of one data row (blank cells left out)."""
    values: dict[str, str] = {}
    for column, name in columns.fields.items():
        if column < len(cells) and cells[column].strip():
            values[name] = cells[column].strip()
    return values


TOTALS = frozenset({"合计", "总计", "小计", "total"})


def is_total_row(cells: Sequence[str]) -> bool:
    """A 合计/总计/小计 line at the foot of a block (its first non-blank cell says so)."""
    for cell in cells:
        if cell.strip():
            return normalise_header(cell) in TOTALS
    return False


_LIST_SPLIT = re.compile(r"[\n、,,;;/]+")


def split_list(text: str) -> list[str]:
    """A cell holding several values: one per line or between 、 , ; / (full- or half-width)."""
    return [part.strip() for part in _LIST_SPLIT.split(text) if part.strip()]


_NUMBERING = re.compile(r"^\s*(?:\d+|[一二三四五六七八九十]+)\s*[\.、.)）]\s*|^\s*[\((（]\s*\d+\s*[\))）]\s*")


def split_problems(text: str) -> list[str]:
    """A problems cell: one problem per line (Alt+Enter in Excel), list numbering (1. 2、 (3))
    removed. Punctuation inside a line is kept: a sentence may hold a 「;」."""
    return [
        _NUMBERING.sub("", line).strip()
        for line in text.replace("\r\n", "\n").split("\n")
        if _NUMBERING.sub("", line).strip()
    ]


_NUMERALS = {n: i for i, n in enumerate("一二三四五六七八九十", 1)}


def measure_numbers(text: str) -> list[str]:
    """Measure numbers in a cell: `14`, `14、15`, `第十四条`, `(十五)` → ["14", "15"]; anything
    unreadable is passed on as written, for the visit rules to refuse with their message."""
    found: list[str] = []
    for part in split_list(text):
        token = re.sub(r"^第|条$|^[\((（]|[\))）]$|^措施", "", unicodedata.normalize("NFKC", part))
        token = token.strip()
        if token and all(ch in _NUMERALS for ch in token):
            value = 0
            if "十" in token:
                tens, _, ones = token.partition("十")
                value = (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[ones] if ones else 0)
            elif len(token) == 1:
                value = _NUMERALS[token]
            found.append(str(value) if value else part)
        else:
            found.append(token or part)
    return found


OPEN_STATUSES = ("进行中", "整改中", "办理中", "未完成", "未办结", "未整改", "open")
CLOSED_STATUSES = ("已完成", "已办结", "已整改", "已销号", "完成", "办结", "已解决", "closed")


def item_closed(text: str) -> bool:
    """Whether a 状态 cell says the item is done; refuses (UserError) an unknown status."""
    wanted = normalise_header(text)
    if wanted in (normalise_header(s) for s in CLOSED_STATUSES):
        return True
    if not wanted or wanted in (normalise_header(s) for s in OPEN_STATUSES):
        return False
    raise UserError(
        say(
            "未知的状态 {t!r}。可选:{o}(未结);{c}(已结)",
            "unknown status {t!r}. Valid: {o} (open); {c} (closed)",
            t=text,
            o=join_names(OPEN_STATUSES),
            c=join_names(CLOSED_STATUSES),
        )
    )


def normalise_text(text: str) -> str:
    """Text as compared for recognising a row again: NFKC, no blanks, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
