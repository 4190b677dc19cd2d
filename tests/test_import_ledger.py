"""`wkb import`: an office 台账 made in the test (openpyxl, CSV in Excel's and WPS's encodings) into
visits and rectification items, all-or-nothing, idempotent, one commit per import."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from conftest import Invoke
from gitrepo import git, init, subjects
from wkb_tracker.domain import ledger_columns as columns
from wkb_tracker.store.ledger_files import cell_text, decode_csv


def record_files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for folder in ("data/visits", "data/rectifications")
        for p in (root / folder).rglob("*.yaml")
    )


def messy_workbook(path: Path) -> Path:
    """A 台账 as offices keep it: a merged title, a two-level header (整改情况 merged over three
    columns, the others merged down), a date cell and date texts, a leader with a title, two
    problems in one cell, a formula-looking text, a blank line, and two bad rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2026年11月"
    sheet.append(["2026年包区服务走访台账"])
    sheet.merge_cells("A1:L1")
    sheet.append(
        [
            "序号",
            "走访日期",
            "所属区",
            "带队领导",
            "走访对象",
            "主体类型",
            "走访方式",
            "情况摘要",
            "存在问题",
            "整改情况",
            None,
            None,
        ]
    )
    for column in "ABCDEFGHI":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("J2:L2")
    sheet.append([None] * 9 + ["整改措施", "整改时限", "责任处室"])
    sheet.append(
        [
            1,
            datetime(2026, 11, 3),
            "东湖",
            "胡军副局长",
            "武汉光谷实验室",
            "平台载体",
            "座谈交流",
            "了解用地需求",
            "1.实验用房不足\n2.人才公寓紧张",
            "",
            "2026-12-31",
            "成果转化处",
        ]
    )
    sheet.append([2, "2026/11/4", "江岸区", "", "某科技公司", "科技企业", "电话联系", "=1+1"])
    sheet["H5"].data_type = "s"  # typed as text in Excel: never evaluated, kept as written
    sheet.append([])
    sheet.append([3, "2026/11/40", "江岸区", "", "某科技公司", "科技企业"])  # no such day
    sheet.append([4, "2026年11月5日", "江岸区", "", "", "科技企业"])  # no entity
    sheet.append([5, "2026.11.6", "江汉区", "", "某研究院", "高校院所", "实地走访"])
    sheet.append(["合计", None, None, None, "5 家"])  # a total line: skipped, with a warning
    book.save(path)
    return path


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return messy_workbook(tmp_path / "台账.xlsx")


def test_import__dry_run_lists_rows_and_problems_and_writes_nothing(
    wkb: Invoke, root: Path, ledger: Path
) -> None:
    result = wkb("import", str(ledger), "--dry-run")

    assert result.exit_code == 1
    assert record_files(root) == []
    assert f"{ledger}:7: 「走访日期」 不是有效日期:'2026/11/40'" in result.stderr
    assert f"{ledger}:8: 「走访对象」 不能为空" in result.stderr
    assert "表头第 3 行" in result.stdout
    assert (
        f"{ledger}:4: 新走访+2 个整改事项 2026-11-03 胡军 东湖高新区 · 武汉光谷实验室"
        in result.stdout
    )
    assert "将新增 3 行,已导入 0 行,无效 2 行" in result.stdout
    assert f"{ledger}:10: 合计行,已跳过" in result.stderr


def test_import__one_bad_row_and_nothing_is_written(wkb: Invoke, root: Path, ledger: Path) -> None:
    result = wkb("import", str(ledger))

    assert result.exit_code == 1
    assert "未写入任何内容:2 行有问题" in result.stderr
    assert record_files(root) == []


def test_import__skip_invalid_writes_the_good_rows_then_a_rerun_writes_nothing(
    wkb: Invoke, root: Path, ledger: Path
) -> None:
    first = wkb("import", str(ledger), "--skip-invalid", "--format", "json")

    assert first.exit_code == 1  # rows were skipped: scripts can tell
    report = json.loads(first.stdout)
    assert list(report) == [  # the JSON contract: keys are only ever added
        "file",
        "sheet",
        "kind",
        "dry_run",
        "written",
        "header_row",
        "columns",
        "ignored_columns",
        "rows",
        "problems",
        "warnings",
        "visits_written",
        "rectifications_written",
        "events_written",
        "entities_written",
        "paths",
    ]
    assert list(report["rows"][0]) == [
        "row",
        "status",
        "visit",
        "rectifications",
        "new_files",
        "entity",
    ]
    assert len(report["visits_written"]) == 3 and len(report["rectifications_written"]) == 2
    assert [p["row"] for p in report["problems"]] == [7, 8]
    assert [list(p) for p in report["problems"]] == [["row", "code", "message", "text"]] * 2
    # issue 12.4: a language-free code beside the message
    assert [p["code"] for p in report["problems"]] == ["is-not-a-valid-date", "must-not-be-empty"]
    visits = json.loads(wkb("visit", "list", "--format", "json").stdout)
    assert [(v["date"], v["leader"], v["entity"], v["summary"]) for v in visits] == [
        ("2026-11-03", "胡军", "武汉光谷实验室", "了解用地需求"),
        ("2026-11-04", "徐涛", "某科技公司", "=1+1"),
        ("2026-11-06", "余文珠", "某研究院", ""),
    ]
    assert visits[0]["problems"] == ["实验用房不足", "人才公寓紧张"]
    items = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    assert {(i["problem"], i["deadline"], i["department"], i["visit"]) for i in items} == {
        ("实验用房不足", "2026-12-31", "成果转化处", visits[0]["id"]),
        ("人才公寓紧张", "2026-12-31", "成果转化处", visits[0]["id"]),
    }
    files = record_files(root)

    again = wkb("import", str(ledger), "--skip-invalid", "--format", "json")

    assert json.loads(again.stdout)["paths"] == []
    assert record_files(root) == files
    assert wkb("validate").exit_code == 0


def test_import__a_reexport_as_gbk_csv_is_recognised(
    wkb: Invoke, root: Path, ledger: Path, tmp_path: Path
) -> None:
    """The same rows saved by WPS as CSV (GBK, columns moved, other date forms, 东湖高新区 for
    东湖, the leader without title, a full-width space in a name) import as nothing new."""
    wkb("import", str(ledger), "--skip-invalid")
    files = record_files(root)
    text = (
        "走访对象,走访日期,区,局领导,主体类型,存在问题\r\n"
        '武汉光谷实验室,2026年11月3日,东湖高新区,胡军,平台载体,"实验用房不足\n人才公寓紧张"\r\n'
        "某科技公司,2026-11-04,江岸区,徐涛,科技企业,\r\n"
        "某\u3000研究院,2026-11-6,江汉区,余文珠,高校院所,\r\n"
    )
    sheet = tmp_path / "台账.csv"
    sheet.write_bytes(text.encode("gbk"))

    result = wkb("import", str(sheet))

    assert result.exit_code == 0, result.stderr
    assert f"{sheet} 不是 UTF-8 编码,已按 GBK/GB18030 读取" in result.stderr
    assert "已导入 0 条走访、0 个整改事项、0 个整改事件;已导入过 3 行" in result.stdout
    assert record_files(root) == files


def test_import__bom_csv_with_semicolons_english_headers_and_a_neutralised_cell(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "visits.csv"
    sheet.write_bytes(
        "\ufeffdate;district;entity;type;mode;summary;measures\r\n"
        "2026-11-10;洪山;'=HYPERLINK(\"x\");enterprise;phone;'-3 人;第十四条、15\r\n".encode()
    )

    result = wkb("import", str(sheet), "--format", "json")

    assert result.exit_code == 0, result.stderr
    visit = json.loads(wkb("visit", "list", "--format", "json").stdout)[0]
    assert (visit["entity"], visit["type"], visit["mode"], visit["summary"], visit["measures"]) == (
        '=HYPERLINK("x")',
        "科技企业",
        "电话联系",
        "-3 人",
        [14, 15],
    )


def test_import__short_forms_of_mode_and_type_as_ledgers_write_them(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    """Trial import: a ledger's 「实地」「座谈」 rows were refused (是不是 实地走访?)."""
    sheet = tmp_path / "台账.csv"
    sheet.write_text(
        "日期,区,走访对象,主体类型,方式,情况摘要\n"
        "2026-11-10,洪山,某研究院,高校,实地,了解需求\n"
        "2026-11-11,洪山,某平台,平台,座谈,座谈\n",
        encoding="utf-8",
    )

    result = wkb("import", str(sheet))

    assert result.exit_code == 0, result.stderr
    visits = json.loads(wkb("visit", "list", "--format", "json").stdout)
    assert sorted((v["type"], v["mode"]) for v in visits) == [
        ("平台载体", "座谈交流"),
        ("高校院所", "实地走访"),
    ]
    assert wkb("validate").exit_code == 0  # the files hold the values themselves


def test_import__map_and_default_name_what_the_sheet_lacks(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "x.csv"
    sheet.write_text("日期,区,对接企业,备注\n2026-11-12,青山,青山某公司,无\n", encoding="utf-8")

    missing = wkb("import", str(sheet))
    assert missing.exit_code == 2
    assert "缺少必需的列:entity" in missing.stderr
    untyped = wkb("import", str(sheet), "--map", "对接企业=entity")
    assert untyped.exit_code == 1 and "未知的主体类型" in untyped.stderr
    assert record_files(root) == []

    result = wkb("import", str(sheet), "--map", "对接企业=entity", "--default", "主体类型=科技企业")

    assert result.exit_code == 0, result.stderr
    assert "未使用的列:备注" in result.stdout
    assert json.loads(wkb("visit", "list", "--format", "json").stdout)[0]["type"] == "科技企业"


def test_import__a_visit_typed_with_visit_add_is_not_imported_again(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    wkb(
        "visit",
        "add",
        "--date",
        "2026-11-03",
        "--district",
        "东湖",
        "--entity",
        "武汉光谷实验室",
        "--type",
        "平台载体",
    )
    sheet = tmp_path / "x.csv"
    sheet.write_text(
        "日期,区,单位名称,类型\n2026-11-03,东湖,武汉光谷实验室,平台载体\n"
        "2026-11-03,东湖,武汉光谷实验室,平台载体\n",  # a second contact that day: a new visit
        encoding="utf-8",
    )

    result = wkb("import", str(sheet), "--format", "json")

    assert [row["status"] for row in json.loads(result.stdout)["rows"]] == ["existing", "new"]
    assert len(json.loads(wkb("visit", "list", "--format", "json").stdout)) == 2


def test_import__rectifications_with_status_and_closing_date(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    sheet = tmp_path / "整改清单.csv"
    sheet.write_text(
        "问题描述,所属区,问题来源,立项日期,整改期限,状态,办结日期,整改措施\n"
        "孵化器用地审批慢,东湖,督查,2026-10-08,2026-11-08,已办结,2026-11-01,已协调规划局\n"
        "审批流程繁琐,,自查,2026-10-09,2026-12-31,整改中,,\n"
        "实验用房不足,江岸,督查,2026-10-10,2026-11-30,已办结,,\n",
        encoding="utf-8",
    )

    refused = wkb("import", str(sheet), "--kind", "rectifications")
    assert refused.exit_code == 1
    assert f"{sheet}:3: 没有 --district 的局内事项须给出 --department 和 --owner" in refused.stderr
    assert f"{sheet}:4: 状态为已办结,但没有办结日期" in refused.stderr

    done = wkb("import", str(sheet), "--kind", "rectifications", "--skip-invalid")

    assert "已导入 0 条走访、1 个整改事项、1 个整改事件" in done.stdout
    item = json.loads(wkb("rectify", "list", "--status", "all", "--format", "json").stdout)[0]
    assert (item["status"], item["closed"], item["closed_late"], item["source"]) == (
        "closed",
        "2026-11-01",
        False,
        "督查",
    )
    again = wkb("import", str(sheet), "--kind", "rectifications", "--skip-invalid")
    assert "已导入 0 条走访、0 个整改事项、0 个整改事件;已导入过 1 行" in again.stdout


def test_import__a_crash_after_the_visit_is_completed_by_a_rerun(
    wkb: Invoke, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wkb_tracker.store import rectification_store

    sheet = tmp_path / "x.csv"
    sheet.write_text(
        '日期,区,单位名称,类型,问题\n2026-11-03,东湖,光谷实验室,平台载体,"用房不足\n融资难"\n',
        encoding="utf-8",
    )
    real = rectification_store.write_new_item
    calls: list[int] = []

    def dies_on_second(root_: Path, item: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped midway
        return real(root_, item)  # type: ignore[arg-type]

    monkeypatch.setattr(rectification_store, "write_new_item", dies_on_second)
    wkb("import", str(sheet))
    assert len(record_files(root)) == 2  # the visit and its first item
    monkeypatch.setattr(rectification_store, "write_new_item", real)

    result = wkb("import", str(sheet), "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["rectifications_written"]) == 1
    items = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    assert sorted(i["problem"] for i in items) == ["用房不足", "融资难"]
    assert len(json.loads(wkb("visit", "list", "--format", "json").stdout)) == 1


def test_import__one_commit_per_import(tmp_path: Path, ledger: Path) -> None:
    from gitrepo import wkb as run

    repo = tmp_path / "repo"
    assert init(repo).exit_code == 0
    before = len(subjects(repo))

    result = run(repo, "import", str(ledger), "--skip-invalid")

    assert result.exit_code == 1
    assert subjects(repo)[0].startswith(
        "import: 台账.xlsx 3 visits, 2 rectification items, 0 events by "
    )
    assert len(subjects(repo)) == before + 1
    assert git(repo, "status", "--porcelain") == ""
    assert run(repo, "import", str(ledger), "--skip-invalid").exit_code == 1
    assert len(subjects(repo)) == before + 1  # nothing new, no commit


def test_import__usage_mistakes_exit_2(wkb: Invoke, tmp_path: Path) -> None:
    assert "找不到文件" in wkb("import", str(tmp_path / "none.xlsx")).stderr
    old = tmp_path / "a.xls"
    old.write_bytes(b"\xd0\xcf")
    assert wkb("import", str(old)).exit_code == 2
    sheet = tmp_path / "x.csv"
    sheet.write_text("a,b\n1,2\n", encoding="utf-8")
    result = wkb("import", str(sheet))
    assert result.exit_code == 2 and "找不到表头" in result.stderr
    assert "没有字段 'nothing'" in wkb("import", str(sheet), "--map", "a=nothing").stderr
    # a --default without a field is reported as a --default mistake, not as one in --map
    nameless = wkb("import", str(sheet), "--default", "=科技企业")
    assert nameless.exit_code == 2
    assert nameless.stderr == "--default 须写作 字段=值,收到 '=科技企业'\n"


# -- the pure parts --------------------------------------------------------------------------


def test_columns__headers_are_recognised_after_normalisation() -> None:
    assert columns.field_of("visits", " 走访 日期* ") == "date"
    assert columns.field_of("visits", "走访日期(年月日)") == "date"
    assert columns.field_of("visits", "ＤＡＴＥ") == "date"
    assert columns.field_of("visits", "--participant") == "participants"
    assert columns.field_of("rectifications", "问题") == "problem"
    assert columns.field_of("visits", "备注") is None


def test_columns__cells_with_several_values() -> None:
    assert columns.measure_numbers("第十四条、(十五)、3") == ["14", "15", "3"]
    assert columns.split_problems("1.用地紧张;审批慢\n(2)人才不足\n\n") == [
        "用地紧张;审批慢",
        "人才不足",
    ]
    assert columns.split_list("张三、李四,王五") == ["张三", "李四", "王五"]


def test_files__cells_and_encodings() -> None:
    assert cell_text(datetime(2026, 11, 3)) == "2026-11-03"
    assert cell_text(14.0) == "14"
    assert cell_text("'=1+1") == "=1+1" and cell_text("'abc") == "'abc"
    assert decode_csv("\ufeff区".encode(), "f") == ("区", [])
    text, warnings = decode_csv("区".encode("gbk"), "f")
    assert text == "区" and len(warnings) == 1


def test_import__entities_into_the_register_then_visits_resolve_through_it(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    from wkb_tracker.domain.credit_code import complete

    code = complete("91420100MA4K1234")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    register = tmp_path / "名录.csv"
    register.write_text(
        "企业名称,统一社会信用代码,所属区,主体类型,标签,简称\n"
        f"武汉光谷实验室有限公司,{code},东湖,平台载体,高企培育库、孵化器,光谷实验室\n"
        "某研究院,,江岸,高校院所,,\n"
        "某 研究院,,江岸,高校院所,,\n"  # the same name again: one entry
        f"坏代码公司,{wrong},江岸,科技企业,,\n",
        encoding="utf-8",
    )

    refused = wkb("import", str(register), "--kind", "entities")
    assert refused.exit_code == 1 and f"{register}:5: 「统一社会信用代码」 " in refused.stderr
    done = wkb("import", str(register), "--kind", "entities", "--skip-invalid")
    assert "已登记 2 个创新主体;已登记过 1 行;跳过无效的 1 行" in done.stdout
    entities = json.loads(wkb("entity", "list", "--format", "json").stdout)
    assert sorted(e["name"] for e in entities) == ["某研究院", "武汉光谷实验室有限公司"]
    again = wkb("import", str(register), "--kind", "entities", "--skip-invalid")
    assert "已登记 0 个创新主体;已登记过 3 行" in again.stdout

    visits = tmp_path / "台账.csv"
    visits.write_text(  # no type column: the register's entry gives it
        "日期,区,单位名称\n2026-11-03,东湖,光谷实验室\n", encoding="utf-8"
    )
    assert wkb("import", str(visits)).exit_code == 0
    visit = json.loads(wkb("visit", "list", "--format", "json").stdout)[0]
    lab = next(e for e in entities if e["name"] == "武汉光谷实验室有限公司")
    assert (visit["entity"], visit["entity_id"], visit["type"]) == (
        "武汉光谷实验室有限公司",
        lab["id"],
        "平台载体",
    )
    renamed = tmp_path / "再导出.csv"  # the full name without 有限公司, and by credit code
    renamed.write_text(
        f"日期,区,单位名称,统一社会信用代码,类型\n2026-11-03,东湖,武汉光谷实验室,{code},平台载体\n",
        encoding="utf-8",
    )
    result = wkb("import", str(renamed), "--format", "json")
    assert [row["status"] for row in json.loads(result.stdout)["rows"]] == ["existing"]


def test_rows__date_cells_in_the_forms_sheets_hold_them() -> None:
    from wkb_tracker.store.ledger_import import _day_text

    assert _day_text("46329") == "2026-11-03"  # an Excel serial day in a format openpyxl misses
    assert _day_text("2026-11-03 14:30") == "2026-11-03"
    assert _day_text("12") == "12" and _day_text("2026年11月3日") == "2026年11月3日"


def test_import__a_rerun_after_the_month_is_sealed_says_already_imported(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    """Review 2026-12-01: after `month close`, re-running the same import refused every row
    already in as "the month is sealed" (exit 1) instead of recognising it; a new row in the
    sealed month is still refused."""
    visits = tmp_path / "走访.csv"
    visits.write_text(
        "日期,区,领导,企业名称,类型,问题\n2026-10-22,新洲,余文珠,新洲农科公司,科技企业,缺少场地\n",
        encoding="utf-8",
    )
    items = tmp_path / "整改.csv"
    items.write_text(
        "问题描述,所属区,问题来源,立项日期\n孵化器用地审批慢,东湖,督查,2026-10-08\n",
        encoding="utf-8",
    )
    assert wkb("import", str(visits)).exit_code == 0
    assert wkb("import", str(items), "--kind", "rectifications").exit_code == 0
    assert wkb("month", "close", "2026-10", "--by", "办公室").exit_code == 0
    files = record_files(root)

    again = wkb("import", str(visits))
    again_items = wkb("import", str(items), "--kind", "rectifications")

    assert (again.exit_code, again.stderr) == (0, "")
    assert "已导入过 1 行" in again.stdout
    assert (again_items.exit_code, again_items.stderr) == (0, "")
    assert "已导入过 1 行" in again_items.stdout
    assert record_files(root) == files
    with visits.open("a", encoding="utf-8") as sheet:
        sheet.write("2026-10-23,新洲,余文珠,另一公司,科技企业,\n")
    refused = wkb("import", str(visits))
    assert refused.exit_code == 1
    assert f"{visits}:3: 2026-10 已封存,只能补录" in refused.stderr
    assert record_files(root) == files


def test_import__a_formula_saved_without_its_result_is_named_not_silently_empty(
    wkb: Invoke, root: Path, tmp_path: Path
) -> None:
    """A workbook made by a program holds formulas Excel/WPS never computed: openpyxl reads them
    as empty, so the row was refused as "empty" with no word of the formula."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["走访日期", "所属区", "带队领导", "走访对象", "主体类型"])
    sheet.append(["2026-11-03", "东湖", "胡军", '="武汉"&"光谷实验室"', "平台载体"])
    sheet.append(["2026-11-04", "东湖", "胡军", "某科技公司", "科技企业"])
    path = tmp_path / "公式.xlsx"
    book.save(path)

    result = wkb("import", str(path), "--dry-run")

    assert f"{path}:1 个单元格是未保存计算结果的公式(D2),按空白读取" in result.stderr
    assert f"{path}:2: 「走访对象」 不能为空" in result.stderr
    english = wkb("--lang", "en", "import", str(path), "--dry-run")
    assert "1 cells hold a formula saved without its result (D2) and read as empty" in (
        english.stderr
    )
    assert record_files(root) == []


def test_import_problems__each_line_of_a_refusal_is_a_problem_with_its_code() -> None:
    """A refused row is reported with the `Problem` every other data problem uses (`path:line:
    message`; path the file, line the row); a message of several lines gives one problem per
    line, each keeping the message's language-free code for the JSON."""
    from wkb_tracker.domain.errors import Problem, UserError
    from wkb_tracker.domain.i18n import say
    from wkb_tracker.store.ledger_import import _row_problems

    error = UserError(
        say("{f} 不能为空\n第二行", "{f} must not be empty.\nsecond line", f="「走访对象」")
    )

    problems = _row_problems("台账.xlsx", 8, error)

    assert [type(p) for p in problems] == [Problem, Problem]
    assert [str(p) for p in problems] == [
        "台账.xlsx:8: 「走访对象」 不能为空",
        "台账.xlsx:8: 第二行",
    ]
    assert [p.code for p in problems] == ["must-not-be-empty"] * 2
