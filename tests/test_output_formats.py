"""Issue 13: `--output FILE`, one `--format` vocabulary, the xlsx workbook, the Word 通报, the
one-file HTML page, and safe CSV — and the same figures in every format (13.6)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from inprocess import invoke_raw, run
from wkb_tracker.report.formats.cells import neutralise, plain

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "records"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def ok(result: Any) -> Any:
    assert result.exit_code == 0, result.stderr
    return result


# -- 13.5: the one neutralising rule -----------------------------------------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_neutralise__owasp_starts_get_an_apostrophe(start: str) -> None:
    assert neutralise(start + "1+1") == "'" + start + "1+1"


def test_neutralise__other_text_and_numbers_unchanged() -> None:
    assert neutralise("光谷实验室 =1") == "光谷实验室 =1"
    assert neutralise("") == ""
    # Only text cells: a negative number stays a number, a date an ISO date.
    assert plain(-3) == -3 and plain(-0.5) == -0.5
    assert plain(date(2026, 10, 1)) == "2026-10-01"
    assert plain("-3") == "'-3"


@settings(max_examples=examples(500))
@given(st.text(max_size=12), st.lists(st.text(max_size=6) | st.integers(-99, 99), max_size=4))
def test_csv__every_text_cell_safe_and_read_back(first: str, rest: list[str | int]) -> None:
    """Whatever the cells: no text cell of the CSV starts a formula, each reads back as written
    (less the apostrophe), numbers stay numbers, and rows end in exactly one \r\n."""
    from wkb_tracker.report.formats.tabular import csv_text

    row: list[Any] = [first, *rest]
    text = csv_text(["a"] * len(row), [row])
    assert text.startswith("\ufeff") and "\r\r\n" not in text
    (read,) = list(csv.reader(io.StringIO(text[1:], newline="")))[1:]
    for written, cell in zip(row, read, strict=True):
        if isinstance(written, int):
            assert cell == str(written)  # -5 stays -5: only text cells are touched
        else:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert cell == written or cell == "'" + written


def test_visit_list__formula_entity_is_text_in_csv_and_xlsx(wkb: Any, tmp_path: Path) -> None:
    ok(
        wkb(
            "visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity",
            "=HYPERLINK(\"http://x\",\"y\")", "--type", "team", "--no-rectify",
        )
    )  # fmt: skip
    listed = ok(wkb("visit", "list", "--format", "csv")).stdout
    assert ",\"'=HYPERLINK(" in listed and ',"=HYPERLINK(' not in listed
    out = tmp_path / "visits.xlsx"
    ok(wkb("visit", "list", "--output", str(out)))
    from openpyxl import load_workbook

    sheet = load_workbook(out).worksheets[0]
    row = [cell for cell in sheet[2]]
    assert row[4].value == '\'=HYPERLINK("http://x","y")' and row[4].data_type == "s"
    assert row[1].value == datetime(2026, 11, 3)  # a date is a date
    assert sheet.freeze_panes == "A2"


# -- 13.1: --output and the one --format vocabulary ---------------------------------------------


def test_output__format_from_extension_unless_format_says(wkb: Any, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    wrote = ok(wkb("report", "--month", "2026-10", "--output", str(target)))
    assert wrote.stdout == f"已写入 {target}(json,{target.stat().st_size} 字节)\n"
    assert json.loads(target.read_text(encoding="utf-8"))["period"]["label"] == "2026-10"
    again = ok(wkb("report", "--month", "2026-10", "-o", str(target), "--format", "csv"))
    assert again.stdout.startswith(f"已覆盖 {target}(csv,")  # an export is replaced, and said so
    assert target.read_bytes().startswith("\ufeff".encode())
    english = ok(wkb("--lang", "en", "due", "-o", str(tmp_path / "due.md")))
    assert english.stdout.startswith("wrote ") and "(markdown, " in english.stdout


def test_output__csv_file_holds_exactly_the_bytes_of_stdout(
    root: Path, wkb: Any, tmp_path: Path
) -> None:
    target = tmp_path / "q.csv"
    ok(wkb("report", "--quarter", "2026-Q4", "-o", str(target)))
    code, stdout, _err, error = invoke_raw(
        ["--root", str(root), "report", "--quarter", "2026-Q4", "--format", "csv"]
    )
    assert (code, error) == (0, None)
    data = target.read_bytes()
    assert data == stdout
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\r\n" not in data
    assert data.count(b"\n") == data.count(b"\r\n") > 1


@pytest.mark.parametrize(
    ("where", "args"),
    [
        ("data/x.csv", []),
        ("data/visits/2026/x.json", []),
        (".wkb-cache/x.csv", []),
        ("wkb.toml", ["--format", "csv"]),
        ("out.pdf", []),  # no format for that extension
        ("out.txt", []),
        ("table.csv", ["--format", "table"]),  # the terminal's table is not for a file
    ],
)
def test_output__refused_exit_2_nothing_written(
    root: Path, wkb: Any, where: str, args: list[str]
) -> None:
    from inprocess import snapshot

    before = snapshot(root)
    result = wkb("report", "-o", str(root / where), *args)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.count("\n") <= 2 and "Traceback" not in result.stderr
    assert snapshot(root) == before


def test_output__a_link_into_the_records_is_refused(root: Path, wkb: Any, tmp_path: Path) -> None:
    link = tmp_path / "looks-harmless.csv"
    link.symlink_to(root / "data" / "districts.yaml")
    before = (root / "data" / "districts.yaml").read_bytes()
    assert wkb("report", "-o", str(link)).exit_code == 2
    assert (root / "data" / "districts.yaml").read_bytes() == before


def test_output__a_folder_is_refused(wkb: Any, tmp_path: Path) -> None:
    result = wkb("report", "-o", str(tmp_path), "--format", "csv")
    assert result.exit_code == 2 and "文件夹" in result.stderr


def test_format__one_vocabulary_with_old_values_kept(wkb: Any) -> None:
    assert ok(wkb("report", "--format", "text")).stdout == ok(wkb("report")).stdout
    assert ok(wkb("report", "--format", "JSON")).stdout.startswith("{")
    refused = wkb("visit", "list", "--format", "docx")
    assert refused.exit_code == 2
    # wkb's one-line usage error (cli.usage) names the valid choices
    assert "'docx' 无效;可选:table|json|csv|markdown|xlsx|html" in refused.stderr
    for args in (["due"], ["rectify", "list"], ["visit", "list"], ["report"], ["stats"]):
        shown = ok(wkb(*args, "-h")).stdout
        assert "[table|json|csv|markdown|xlsx|html]" in shown
        assert ".docx" not in shown  # --output names only the extensions the command writes
    assert ".docx" in ok(wkb("bulletin", "-h")).stdout


def test_output_help__extensions_of_the_formats_a_command_writes() -> None:
    from wkb_tracker.cli.exporting import extensions
    from wkb_tracker.report.formats import BULLETIN_FORMATS, EXPORT_FORMATS

    assert extensions(EXPORT_FORMATS) == ".json .csv .md .xlsx .html"
    assert extensions(BULLETIN_FORMATS) == ".md .docx"


def test_format__show_and_add_commands_keep_text(wkb: Any) -> None:
    """`--format text`, the old default of the show/add/status commands, is `table` now."""
    added = ok(wkb("rectify", "add", "--problem", "用地", "--source", "自查", "--district", "东湖"))
    assert (
        ok(wkb("month", "status", "--format", "text")).stdout == ok(wkb("month", "status")).stdout
    )
    item = json.loads(ok(wkb("rectify", "list", "--format", "json")).stdout)[0]["id"]
    shown = ok(wkb("rectify", "show", item, "--format", "text")).stdout
    assert shown == ok(wkb("rectify", "show", item, "--format", "table")).stdout and added.stdout
    assert "[table|json]" in ok(wkb("visit", "show", "-h")).stdout


class Terminal(io.TextIOWrapper):
    def isatty(self) -> bool:
        return True


def test_output__a_workbook_is_not_sent_to_a_terminal(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", Terminal(raw, encoding="utf-8", write_through=True))
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert run(["--root", str(root), "report", "--format", "xlsx"]) == 2
    assert raw.getvalue() == b""
    assert "--output" in sys.stderr.getvalue()


def test_output__windows_console_never_touches_machine_formats(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A redirected Chinese Windows stdout: GBK, text mode turning "\\n" into "\\r\\n". A workbook
    sent to it arrives as the workbook's bytes; a file written with --output holds exact bytes
    and the console gets one line it can show."""
    monkeypatch.setattr(os, "linesep", "\r\n")
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="gbk", newline="\r\n", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    assert run(["--root", str(root), "report", "--format", "xlsx"]) == 0
    stream.flush()
    book = raw.getvalue()
    assert zipfile.ZipFile(io.BytesIO(book)).testzip() is None
    raw.seek(0), raw.truncate()
    target = tmp_path / "r.csv"
    assert run(["--root", str(root), "report", "-o", str(target)]) == 0
    stream.flush()
    assert raw.getvalue().decode("gbk").startswith(f"已写入 {target}")
    assert b"\r\r\n" not in target.read_bytes()


# -- 13.6: the same figures in every format ----------------------------------------------------


class Tables(HTMLParser):
    """The text of every table cell, by table id, and every SVG rect's data attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.rects: list[dict[str, str]] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "table":
            self._table = found.get("id", "")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag == "td" and self._table is not None:
            self._cell = []
        elif tag == "rect" and "data-contacts" in found:
            self.rects.append(found)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "table":
            self._table = None


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every format of the example records' year 2026 and October 2026 (today 2026-11-25)."""
    out = tmp_path_factory.mktemp("exports")
    made: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WKB_TODAY", "2026-11-25")
        for period in (["--month", "2026-10"], ["--year", "2026"]):
            key = period[1]
            base = ["--root", str(EXAMPLES)]
            code, stdout, err, error = invoke_raw(
                [*base, "report", *period, "--format", "json", "--explain"]
            )
            assert (code, error) == (0, None), err
            made[key, "json"] = json.loads(stdout)
            for fmt in ("csv", "markdown", "xlsx", "html"):
                target = out / f"{key}.{fmt}"
                code, _out, err, error = invoke_raw(
                    [*base, "report", *period, "--format", fmt, "-o", str(target)]
                )
                assert (code, error) == (0, None), err
                made[key, fmt] = target
        target = out / "bulletin.docx"
        code, _out, err, error = invoke_raw(
            ["--root", str(EXAMPLES), "bulletin", "--month", "2026-10", "-o", str(target)]
        )
        assert (code, error) == (0, None), err
        made["2026-10", "docx"] = target
    return made


PERIODS = ["2026-10", "2026"]


def leader_figures(report: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    return {
        leader["leader"]: (
            leader["contacts"],
            sum(district["required"] for district in leader["districts"]),
            leader["rectifications"]["open"],
            leader["rectifications"]["overdue"],
            leader["rectifications"]["closed_on_time"],
            leader["rectifications"]["closed_late"],
            leader["late_entries"],
        )
        for leader in report["leaders"]
    }


def month_figures(report: dict[str, Any]) -> dict[tuple[str, str, str], tuple[int, int, str]]:
    return {
        (leader["leader"], district["district"], month["month"]): (
            month["contacts"],
            month["required"],
            month["status"],
        )
        for leader in report["leaders"]
        for district in leader["districts"]
        for month in district["months"]
    }


@pytest.mark.parametrize("period", PERIODS)
def test_same_figures__csv(exported: dict[str, Any], period: str) -> None:
    report = exported[period, "json"]
    text = exported[period, "csv"].read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {
        (r["责任领导"], r["分工区"], r["月份"]): (
            int(r["联系次数"]),
            int(r["应联系次数"]),
            r["状态代码"],
        )
        for r in rows
    } == month_figures(report)
    leaders = leader_figures(report)
    for row in rows:
        figures = leaders[row["责任领导"]]
        assert (
            int(row["领导未结整改"]),
            int(row["领导逾期整改"]),
            int(row["领导按期办结"]),
            int(row["领导超期办结"]),
            int(row["领导补录"]),
        ) == figures[2:]
    if period == "2026":
        by_leader = {leader["leader"]: leader["assessment"] for leader in report["leaders"]}
        for row in rows:
            assessment = by_leader[row["责任领导"]]
            assert int(row["领导达标月数"]) == assessment["months_met"]
            assert int(row["领导考核月数"]) == assessment["months_assessed"]


@pytest.mark.parametrize("period", PERIODS)
def test_same_figures__xlsx(exported: dict[str, Any], period: str) -> None:
    from openpyxl import load_workbook

    report = exported[period, "json"]
    book = load_workbook(exported[period, "xlsx"])
    assert book.sheetnames == ["汇总", "明细", "整改", "考核", "说明"]
    summary = {
        row[0]: tuple(row[3:10]) for row in book["汇总"].iter_rows(min_row=2, values_only=True)
    }
    assert summary == leader_figures(report)
    detail = {
        (row[0], row[2], row[3]): (row[4], row[5])
        for row in book["明细"].iter_rows(min_row=2, values_only=True)
    }
    assert detail == {key: value[:2] for key, value in month_figures(report).items()}
    assessment = {
        row[0]: (row[2], row[3], row[4], row[5], row[6], row[7], row[8])
        for row in book["考核"].iter_rows(min_row=2, values_only=True)
    }
    assert assessment == {
        leader["leader"]: tuple(
            leader["assessment"][key]
            for key in (
                "months_met", "months_assessed", "contacts", "closed_on_time", "closed_late",
                "on_time_rate", "late_entries",
            )
        )
        for leader in report["leaders"]
    }  # fmt: skip
    # `rectify list`'s columns in its words (one wording), then the report's two.
    header = next(book["整改"].iter_rows(max_row=1, values_only=True))
    assert ",".join(header) == (
        "编号,问题,区,责任领导,责任部门,责任人,来源,立项,期限,状态,关闭,相关措施,走访,逾期天数,延期次数"
    )
    ids = {row[0] for row in book["整改"].iter_rows(min_row=2, values_only=True)}
    counted = {
        item
        for part in [leader["rectification_ids"] for leader in report["leaders"]]
        + [report["bureau"]["rectification_ids"]]
        for key in ("open", "closed_on_time", "closed_late")
        for item in part[key]
    }
    assert ids == counted
    sheet = book["汇总"]
    assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert (
        sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9
    )  # A4
    assert isinstance(sheet["D2"].value, int)  # numbers are numbers


@pytest.mark.parametrize("period", PERIODS)
def test_same_figures__html(exported: dict[str, Any], period: str) -> None:
    report = exported[period, "json"]
    page = Tables()
    page.feed(exported[period, "html"].read_text(encoding="utf-8"))
    rows = page.tables["leader-table"][1:]
    assert {row[0]: tuple(int(cell) for cell in row[3:10]) for row in rows} == leader_figures(
        report
    )
    detail = page.tables["detail-table"][1:]
    assert {(r[0], r[2], r[3]): (int(r[4]), int(r[5])) for r in detail} == {
        key: value[:2] for key, value in month_figures(report).items()
    }
    heat = [rect for rect in page.rects if "data-leader" in rect]
    for leader in report["leaders"]:
        mine = [rect for rect in heat if rect["data-leader"] == leader["leader"]]
        assert sum(int(rect["data-contacts"]) for rect in mine) == leader["contacts"]
    bars = [rect for rect in page.rects if "data-district" in rect]
    assert sum(int(rect["data-contacts"]) for rect in bars) == report["summary"]["contacts"]
    assert ("assessment-table" in page.tables) == (period == "2026")


def test_same_figures__markdown(exported: dict[str, Any]) -> None:
    report = exported["2026-10", "json"]
    text = exported["2026-10", "markdown"].read_text(encoding="utf-8")
    for (_leader, district, _month), (contacts, required, _status) in month_figures(report).items():
        assert f"| {district} | {contacts}/{required}" in text


def test_same_figures__docx_bulletin(exported: dict[str, Any]) -> None:
    from docx import Document

    report = exported["2026-10", "json"]
    document = Document(str(exported["2026-10", "docx"]))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert {(r[0], r[2]): (int(r[3]), int(r[4])) for r in rows} == {
        (leader, district): value[:2]
        for (leader, district, _m), value in month_figures(report).items()
    }
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    total = report["summary"]["contacts"]
    required = sum(leader_figures(report)[name][1] for name in leader_figures(report))
    assert f"共联系创新主体{total}次(应联系{required}次)" in text


# -- 13.3: the 通报 ------------------------------------------------------------------------------


def test_bulletin__official_layout(exported: dict[str, Any]) -> None:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    document = Document(str(exported["2026-10", "docx"]))
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    title = document.paragraphs[0]
    assert title.text == "关于2026年10月包区服务工作情况的通报"
    run_fonts = title.runs[0]._element.rPr.rFonts
    assert run_fonts.get(W + "eastAsia") == "方正小标宋简体" and title.runs[0].font.size.pt == 22
    body = next(p for p in document.paragraphs if p.text.startswith("为落实"))
    assert body.runs[0]._element.rPr.rFonts.get(W + "eastAsia") == "仿宋_GB2312"
    assert body.runs[0].font.size.pt == 16
    footer = section.footer._element.xml
    assert "PAGE" in footer and "— " in footer and 'w:val="28"' in footer  # 4号 = 14 pt
    assert document.settings.odd_and_even_pages_header_footer
    fonts = document.part.part_related_by(RT.FONT_TABLE).blob.decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="仿宋"' in fonts
    assert document.paragraphs[-1].text == "2026年11月25日"


def test_bulletin__template_init_edit_and_warnings(root: Path, wkb: Any, tmp_path: Path) -> None:
    made = ok(wkb("bulletin", "--init-template"))
    template = root / "templates" / "bulletin.toml"
    assert "templates/bulletin.toml" in made.stdout and template.is_file()
    assert wkb("bulletin", "--init-template").exit_code == 2  # never over the office's edits
    template.write_text(
        'title = "{period_name}对口联系通报"\nsignature = "{nope}办公室"\nextra = 1\n',
        encoding="utf-8",
    )
    preview = ok(wkb("bulletin", "--format", "markdown"))  # default: last month
    assert preview.stdout.startswith("# 2026年10月对口联系通报\n")
    assert "{nope}办公室" in preview.stdout  # an unknown placeholder stays as typed …
    assert "{nope}" in preview.stderr and "extra" in preview.stderr  # … and is named
    quarter = ok(wkb("bulletin", "--quarter", "2026-Q3", "--format", "md"))
    assert quarter.stdout.startswith("# 2026年第三季度对口联系通报\n")
    assert wkb("bulletin", "--month", "2026-10", "--quarter", "2026-Q3").exit_code == 2


def test_bulletin__months_before_tracking_start_are_said_not_assessed(root: Path, wkb: Any) -> None:
    """A bulletin for a period before `tracking_start` printed "0项未达到" and "本期各分工区均
    达到最低联系次数" as if the leaders had been assessed."""
    tracked = ok(wkb("bulletin", "--month", "2026-10", "--format", "markdown")).stdout
    assert "跟踪起始月" not in tracked
    ok(wkb("config", "set", "tracking_start", "2026-11"))
    before = ok(wkb("bulletin", "--month", "2026-10", "--format", "markdown")).stdout
    # no contact in October: said in words, not 「共联系创新主体0次」
    assert "期内未联系创新主体。本期在跟踪起始月(2026年11月)之前,14项分工均不计入考核。" in before
    assert "0项" not in before and "0次" not in before
    assert "本期在跟踪起始月(2026年11月)之前,不作联系次数考核。" in before
    assert "均达到最低联系次数" not in before
    partly = ok(wkb("bulletin", "--quarter", "2026-Q4", "--format", "markdown")).stdout
    assert "跟踪起始月" not in partly  # November is tracked: every assignment is assessed


# -- 13.4: the one-file HTML page ----------------------------------------------------------------


@pytest.mark.parametrize("period", PERIODS)
def test_html__summary_says_what_the_table_and_markdown_say(
    exported: dict[str, Any], period: str
) -> None:
    """One summary (report_render.summary_lines over the JSON): contacts counted, voided
    visits, contacts counted for nobody — the page says each line the Markdown says."""
    import html
    import re

    page = html.unescape(exported[period, "html"].read_text(encoding="utf-8"))
    markdown = exported[period, "markdown"].read_text(encoding="utf-8")
    first = re.search(r"^共 \d+ 位责任领导", markdown, re.MULTILINE)
    assert first is not None
    lines = [line.removeprefix("- ").strip() for line in markdown[first.start() :].splitlines()]
    assert len([line for line in lines if line]) > 2
    assert f"计入联系 {exported[period, 'json']['summary']['contacts']} 次" in page
    for line in filter(None, lines):
        assert line in page


def test_html__self_contained_and_deterministic(exported: dict[str, Any]) -> None:
    page = exported["2026", "html"].read_bytes()
    again = invoke_raw(["--root", str(EXAMPLES), "report", "--year", "2026", "--format", "html"])[1]
    assert again == page  # same figures, same bytes
    text = page.decode("utf-8").lower()
    for outside in ("<script", "<link", "@import", "url(", "src=", "https://"):
        assert outside not in text
    assert text.count("http://") == text.count('xmlns="http://www.w3.org/2000/svg"') == 2
    assert "@page { size: a4" in text and "<svg" in text


def test_html__record_ids_and_headers_never_break(exported: dict[str, Any]) -> None:
    """A record id is copied whole into `wkb rectify show`; a narrow 来源 header must not stand
    one character a line (both were seen broken in the demo's screenshot)."""
    import re

    page = exported["2026-10", "html"].read_text(encoding="utf-8")
    ids = re.findall(r"<td[^>]*>([VRS]\d{8}-[0-9A-Z]{6})</td>", page)
    assert ids, "the month's page lists rectification items by id"
    for record_id in ids:
        assert f'<td class="id">{record_id}</td>' in page
    assert "td.id { white-space: nowrap;" in page and "th { white-space: nowrap; }" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_html__renders_in_headless_chromium(exported: dict[str, Any]) -> None:
    page = exported["2026-10", "html"]
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    assert 'id="heatmap"' in dom and "胡军" in dom and "整改事项" in dom
    # The PNG screenshot (and the LibreOffice checks) are in scripts/check_outputs.py.


@pytest.mark.parametrize("key", [("2026-10", "xlsx"), ("2026-10", "docx")])
def test_office_files__dated_by_their_day_not_the_clock(
    exported: dict[str, Any], key: tuple[str, str]
) -> None:
    """Every zip member and the document's created/modified carry the output's day (today,
    pinned): the same figures give the same bytes whenever they are made."""
    archive = zipfile.ZipFile(exported[key])
    assert {info.date_time for info in archive.infolist()} == {(2026, 11, 25, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode("utf-8")
    assert core.count("2026-11-25T00:00:00Z") == 2


def test_report_csv__english_headers_in_english(wkb: Any) -> None:
    header = ok(wkb("--lang", "en", "report", "--year", "2026", "--format", "csv")).stdout
    columns = header.removeprefix("\ufeff").splitlines()[0].split(",")
    assert columns[:3] == ["from", "to", "as_of"] and "district_id" in columns
    assert columns[-8:] == [
        "leader_open", "leader_overdue", "leader_closed_on_time", "leader_closed_late",
        "leader_late_entries", "leader_months_met", "leader_months_assessed", "leader_on_time_rate",
    ]  # fmt: skip
    assert all(column.isascii() for column in columns)


def test_entity_list__exports_like_every_list(wkb: Any, tmp_path: Path) -> None:
    ok(wkb("entity", "add", "=楚天光电"))
    target = tmp_path / "主体.xlsx"
    assert ok(wkb("entity", "list", "-o", str(target))).stdout.startswith(f"已写入 {target}")
    from openpyxl import load_workbook

    assert load_workbook(target).worksheets[0]["B2"].value == "'=楚天光电"
    assert "'=楚天光电" in ok(wkb("entity", "list", "--format", "csv")).stdout


def test_output__a_pipe_or_device_is_never_replaced_by_a_file(wkb: Any, tmp_path: Path) -> None:
    """Regression: `--output` renamed its temp file over whatever the path named, so
    `--output /dev/full` replaced the device with a file (and a named pipe's reader hung)."""
    import stat

    fifo = tmp_path / "管道"
    os.mkfifo(fifo)
    for command in (("report",), ("stats",), ("visit", "list"), ("rectify", "list")):
        result = wkb(*command, "-o", str(fifo), "--format", "csv")
        assert result.exit_code == 2, (command, result.stdout)
        assert "不是普通文件" in result.stderr and "Traceback" not in result.stderr
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output__a_link_is_written_through(wkb: Any, tmp_path: Path) -> None:
    """A link to an export elsewhere: the file it names gets the export, the link stays a link."""
    target = tmp_path / "共享" / "报告.csv"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "报告.csv"
    link.symlink_to(target)
    assert wkb("report", "-o", str(link), "--format", "csv").exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8-sig") != "old"
    dangling = tmp_path / "新.csv"
    dangling.symlink_to(tmp_path / "共享" / "新报告.csv")
    assert wkb("report", "-o", str(dangling), "--format", "csv").exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "共享" / "新报告.csv").is_file()
