"""`wkb validate`: every problem in one run, each as `path:line: message`, exit 1; else exit 0."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import builders
from builders import make_visit


def write_visit(root: Path, **changes: object) -> str:
    """A valid visit file (胡军, 东湖高新区, 2026-11-03) with `changes` applied; returns its path."""
    return builders.write_visit(
        root, make_visit(date(2026, 11, 3), id="V20261103-7KQF2M"), **changes
    )


def line_of(root: Path, rel: str, start: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(start))


def test_validate__clean_root_exits_0_with_summary(wkb, root) -> None:
    write_visit(root)
    result = wkb("validate")
    assert result.exit_code == 0
    assert "17 条措施、14 个区、1 条走访记录" in result.stdout


def test_check__is_an_alias(wkb) -> None:
    assert wkb("check").exit_code == 0


def test_validate__unknown_district_leader_type_and_measure_at_their_lines(wkb, root) -> None:
    rel = write_visit(root, district="东湖区", leader="胡君", type="企业", measures=[14, 18])
    result = wkb("validate")
    assert result.exit_code == 1
    out = result.stdout
    # The same rules and words as `visit add` / `visit edit` (one visit rule set, issue 12.2).
    assert f"{rel}:{line_of(root, rel, 'district:')}: 未知的区 district '东湖区'" in out
    assert f"{rel}:{line_of(root, rel, 'leader:')}: 未知的责任领导 leader '胡君'" in out
    assert f"{rel}:{line_of(root, rel, 'type:')}: 未知的主体类型 type '企业'" in out
    assert f"{rel}:{line_of(root, rel, '- 18')}: measures 须为 1–17 的措施编号,收到 '18'" in out
    assert "发现 4 个问题" in out


def test_validate__yaml_syntax_error_at_its_line(wkb, root) -> None:
    rel = write_visit(root)
    text = (
        (root / rel)
        .read_text(encoding="utf-8")
        .replace("entity: 武汉光谷实验室", "entity: [武汉光谷实验室")
    )
    (root / rel).write_text(text, encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 1
    assert f"{rel}:{line_of(root, rel, 'type:')}: YAML 语法错误" in result.stdout


def test_validate__unknown_missing_and_mistyped_fields(wkb, root) -> None:
    rel = write_visit(root, colour="red", date="昨天")
    text = (root / rel).read_text(encoding="utf-8").replace("mode: 实地走访\n", "")
    (root / rel).write_text(text, encoding="utf-8")
    out = wkb("validate").stdout
    assert f"{rel}:{line_of(root, rel, 'colour:')}: 未知字段 colour" in out
    assert f"{rel}:1: 缺少字段 mode" in out
    assert f"{rel}:{line_of(root, rel, 'date:')}: 字段 date 应为日期(YYYY-MM-DD)" in out


def test_validate__duplicate_ids_across_files(wkb, root) -> None:
    first = write_visit(root)
    second = first.replace("donghu", "hanyang")
    (root / second).write_text(
        (root / first)
        .read_text(encoding="utf-8")
        .replace("东湖高新区", "汉阳区")
        .replace("donghu", "hanyang"),
        encoding="utf-8",
    )
    out = wkb("validate").stdout
    assert f"{second}:1: 编号 V20261103-7KQF2M 重复(另见 {first})" in out


def test_validate__wrong_month_folder(wkb, root) -> None:
    rel = write_visit(root)
    moved = rel.replace("/2026/11/", "/2026/10/")
    (root / moved).parent.mkdir(parents=True)
    (root / rel).rename(root / moved)
    out = wkb("validate").stdout
    assert f"{moved}:{line_of(root, moved, 'date:')}: 文件不在其日期对应的月份目录" in out


def test_validate__conflict_markers_at_their_line(wkb, root) -> None:
    rel = write_visit(root)
    text = (root / rel).read_text(encoding="utf-8")
    text = text.replace(
        "summary: 了解需求\n",
        "<<<<<<< HEAD\nsummary: 了解需求\n=======\nsummary: 需求\n>>>>>>> other\n",
    )
    (root / rel).write_text(text, encoding="utf-8")
    out = wkb("validate").stdout
    assert f"{rel}:{line_of(root, rel, '<<<<<<<')}: 残留的 git 合并冲突标记" in out


def test_validate__reports_every_problem_in_one_run(wkb, root) -> None:
    write_visit(root, leader="无名")
    write_visit(root, id="V20261103-AAAAAA", type="企业")
    (root / "wkb.toml").write_text('lang = "zh"\ncolour = 1\n', encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 1
    assert "wkb.toml:2: 未知配置项 colour" in result.stdout
    assert "未知的责任领导 leader '无名'" in result.stdout
    assert "未知的主体类型 type '企业'" in result.stdout


def _edit_districts(root: Path, old: str, new: str) -> None:
    path = root / "data" / "districts.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_validate__overlapping_table_entries(wkb, root) -> None:
    path = root / "data" / "districts.yaml"
    with path.open("a", encoding="utf-8") as stream:
        stream.write(
            "  - district: 东湖高新区\n    id: donghu\n    leader: 赵峰\n    title: 副局长\n"
        )
        stream.write("    department: 高新处\n    contact: 彭华魁\n    from: 2021-07-01\n")
    lines = path.read_text(encoding="utf-8").splitlines()
    out = wkb("validate").stdout
    assert (
        f"data/districts.yaml:{len(lines)}: 东湖高新区 在 2021-07-01 已有一条分工(第 1 条),条目重叠"
        in out
    )


def test_validate__one_leader_two_titles_at_once(wkb, root) -> None:
    _edit_districts(
        root,
        "leader: 胡军\n    title: 副局长\n    department: 转化中心",
        "leader: 胡军\n    title: 局长\n    department: 转化中心",
    )
    lines = (root / "data" / "districts.yaml").read_text(encoding="utf-8").splitlines()
    title_line = next(
        n
        for n, line in enumerate(lines, 1)
        if line.strip() == "title: 局长" and "转化中心" in lines[n]
    )
    out = wkb("validate").stdout
    assert f"data/districts.yaml:{title_line}: 胡军 同一时间有两个职务:副局长 与 局长" in out


def test_validate__district_missing_a_field(wkb, root) -> None:
    _edit_districts(root, "    contact: 彭华魁\n", "")
    result = wkb("validate")
    assert result.exit_code == 1
    assert "data/districts.yaml:7: 缺少字段 contact" in result.stdout


def test_validate__english_messages(wkb, root) -> None:
    write_visit(root, district="东湖区")
    out = wkb("--lang", "en", "validate").stdout
    assert "unknown district district '东湖区'" in out
    assert "1 problems found" in out


def test_validate__temp_files_are_not_records_and_fix_removes_them(wkb, root) -> None:
    rel = write_visit(root)
    temp = (root / rel).parent / ".wkb-abc123.tmp"
    temp.write_text("id: V2026", encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 0
    assert "1 条走访记录" in result.stdout
    assert "临时文件" in result.stdout
    assert wkb("validate", "--fix").exit_code == 0
    assert not temp.exists()
    assert (root / rel).exists()


def test_validate__an_alias_of_a_plain_value_is_reported(wkb, root) -> None:
    """The README says anchors/aliases are reported; an alias of a plain value passed before."""
    rel = write_visit(root)
    text = (root / rel).read_text(encoding="utf-8")
    text = text.replace("entity: 武汉光谷实验室", "entity: &e 武汉光谷实验室")
    (root / rel).write_text(text.replace("summary: 了解需求", "summary: *e"), encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 1
    assert f"{rel}:1: 不允许 YAML 锚点和别名" in result.stdout
