"""`wkb entity add | list | show | edit | merge` end to end: output, JSON, exit codes, commits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import git
from gitrepo import ok as ok_in
from wkb_tracker.store.root import init_root

CODE = "91350100M000100Y43"


def entity_files(root: Path) -> list[str]:
    folder = root / "data/entities"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def add(wkb, *args: str) -> dict:
    result = wkb("entity", "add", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_entity_add__json_view_and_file(wkb, root: Path) -> None:
    view = add(
        wkb,
        "楚天光电科技有限公司",
        "--code",
        CODE,
        "--district",
        "东湖",
        "--type",
        "enterprise",
        "--tag",
        "高企培育库",
        "--alias",
        "楚天光电",
        "--contact",
        "李四",
    )
    assert {k: view[k] for k in ("name", "aliases", "credit_code", "district", "district_id")} == {
        "name": "楚天光电科技有限公司",
        "aliases": ["楚天光电"],
        "credit_code": CODE,
        "district": "东湖高新区",
        "district_id": "donghu",
    }
    assert (view["type"], view["tags"], view["contact"]) == ("科技企业", ["高企培育库"], "李四")
    assert (view["merged_into"], view["created_by"]) == (None, "测试员")
    assert view["path"] == f"data/entities/{view['id']}.yaml"
    assert entity_files(root) == [f"{view['id']}.yaml"]
    assert wkb("validate").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("甲公司", "--code", "91350100M000100Y44"),
            "--code '91350100M000100Y44' 不是有效的统一社会信用代码:校验码(第 18 位)应为 3,"
            "实际为 4(GB 32100-2015)\n",
        ),
        (
            ("甲公司", "--code", "9135010"),
            "--code '9135010' 不是有效的统一社会信用代码:应为 18 位,实际 7 位\n",
        ),
        (("甲公司", "--type", "公司"), None),
        (("  ",), "NAME 不能为空\n"),
        (("甲公司", "--district", "不存在"), None),
    ],
)
def test_entity_add__refusals_exit_2_one_line_nothing_written(
    wkb, root: Path, args: tuple[str, ...], message: str | None
) -> None:
    result = wkb("entity", "add", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    if message is not None:
        assert result.stderr == message
    assert entity_files(root) == []


def test_entity_add__duplicate_by_normalised_name_is_refused(wkb, root: Path) -> None:
    first = add(wkb, "楚天光电科技有限公司")
    result = wkb("entity", "add", "楚天光电科技 股份有限公司")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"楚天光电科技 股份有限公司 已登记为 {first['id']}(楚天光电科技有限公司)"
    )
    assert entity_files(root) == [f"{first['id']}.yaml"]


def test_entity_list__filters_formats_and_merged_entries(wkb) -> None:
    a = add(
        wkb,
        "楚天光电科技有限公司",
        "--district",
        "东湖",
        "--tag",
        "高企培育库",
        "--type",
        "科技企业",
    )
    b = add(wkb, "光谷孵化器", "--district", "江岸", "--tag", "孵化器", "--type", "platform")
    c = add(wkb, "光谷某孵化器")
    assert wkb("entity", "merge", b["id"], c["id"]).exit_code == 0
    listed = json.loads(wkb("entity", "list", "--format", "json").stdout)
    assert [v["id"] for v in listed] == [b["id"], a["id"]]  # by name; the merged one left out
    everything = json.loads(wkb("entity", "list", "--all", "--format", "json").stdout)
    assert {v["id"] for v in everything} == {a["id"], b["id"], c["id"]}
    tagged = json.loads(wkb("entity", "list", "--tag", "孵化器", "--format", "json").stdout)
    assert [v["id"] for v in tagged] == [b["id"]]
    east = json.loads(wkb("entity", "list", "--district", "donghu", "--format", "json").stdout)
    assert [v["id"] for v in east] == [a["id"]]
    kinds = json.loads(wkb("entity", "list", "--type", "platform", "--format", "json").stdout)
    assert [v["id"] for v in kinds] == [b["id"]]
    csv = wkb("entity", "list", "--format", "csv").stdout
    assert csv.splitlines()[0] == "\ufeff编号,名称,别名,统一社会信用代码,区,类型,标签,联系人"
    table = wkb("entity", "list").stdout
    assert "共 2 个主体" in table and "光谷孵化器" in table


def test_entity_show__by_id_name_alias_and_prefix(wkb) -> None:
    view = add(wkb, "武汉光谷实验室", "--alias", "光谷实验室", "--code", CODE)
    for wanted in (view["id"], view["id"].lower(), "武汉光谷实验室", "光谷实验室", "武汉光谷"):
        result = wkb("entity", "show", wanted)
        assert result.exit_code == 0, (wanted, result.stderr)
        assert f"编号: {view['id']}" in result.stdout
        assert f"统一社会信用代码: {CODE}" in result.stdout
    shown = json.loads(wkb("entity", "show", "光谷实验室", "--format", "json").stdout)
    assert shown == {**view, "visits": []}  # show adds the visits that count for it
    missing = wkb("entity", "show", "武汉光谷实验")
    assert missing.exit_code == 0  # a unique prefix
    unknown = wkb("entity", "show", "汉江生物")
    assert unknown.exit_code == 2
    assert unknown.stderr == "登记册中没有主体 '汉江生物'。wkb entity list 列出全部\n"


def test_entity_edit__changes_and_refusals(wkb, root: Path) -> None:
    view = add(wkb, "光谷实验室")
    result = wkb(
        "entity", "edit", "光谷实验室", "--name", "武汉光谷实验室", "--tag", "孵化载体",
        "--code", CODE, "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    edited = json.loads(result.stdout)
    assert (edited["name"], edited["aliases"], edited["tags"]) == (
        "武汉光谷实验室",
        ["光谷实验室"],
        ["孵化载体"],
    )
    before = (root / view["path"]).read_bytes()
    nothing = wkb("entity", "edit", view["id"])
    assert nothing.exit_code == 2 and nothing.stderr.startswith("没有要修改的内容")
    bad = wkb("entity", "edit", view["id"], "--code", "91350100M000100Y44")
    assert bad.exit_code == 2 and "不是有效的统一社会信用代码" in bad.stderr
    gone = wkb("entity", "edit", view["id"], "--remove-alias", "不存在")
    assert gone.exit_code == 2 and "没有别名 不存在" in gone.stderr
    assert (root / view["path"]).read_bytes() == before


def test_entity_merge__refuses_guesses_and_merged_entries(wkb, root: Path) -> None:
    a = add(wkb, "武汉光谷实验室")
    b = add(wkb, "光谷实验室(筹)")
    prefix = wkb("entity", "merge", "武汉光谷实验室", "光谷实验")
    assert prefix.exit_code == 2
    assert (
        prefix.stderr
        == "登记册中没有主体 '光谷实验'(是不是 光谷实验室(筹)?)。wkb entity list 列出全部\n"
    )
    done = wkb("entity", "merge", "武汉光谷实验室", "光谷实验室（筹）")
    assert done.exit_code == 0, done.stderr
    assert "并入" in done.stdout
    again = wkb("entity", "merge", a["id"], b["id"])
    assert again.exit_code == 2
    assert again.stderr == f"{b['id']}(光谷实验室(筹))已并入 {a['id']},请修改 {a['id']}\n"
    shown = wkb("entity", "show", b["id"]).stdout
    assert f"已并入: 武汉光谷实验室({a['id']})" in shown
    assert entity_files(root) == sorted([f"{a['id']}.yaml", f"{b['id']}.yaml"])


def test_entity_commands__commit_each_change_alone(tmp_path: Path) -> None:
    origin = init_root(tmp_path / "origin", git=True)
    git(origin, "config", "user.name", "测试员")
    a = json.loads(ok_in(origin, "entity", "add", "武汉光谷实验室", "--format", "json").stdout)
    b = json.loads(ok_in(origin, "entity", "add", "光谷实验室", "--format", "json").stdout)
    ok_in(origin, "entity", "edit", a["id"], "--tag", "孵化载体")
    ok_in(origin, "entity", "merge", a["id"], b["id"], "--by", "办公室王")
    log = git(origin, "log", "--format=%s", "-4").splitlines()
    assert log == [
        f"entity merge: 武汉光谷实验室 ({a['id']}, {b['id']}) by 办公室王",
        f"entity edit: 武汉光谷实验室 ({a['id']}) by 测试员",
        f"entity add: 光谷实验室 ({b['id']}) by 测试员",
        f"entity add: 武汉光谷实验室 ({a['id']}) by 测试员",
    ]
    assert git(origin, "status", "--porcelain") == ""
    merged = git(origin, "show", "--name-only", "--format=", "HEAD").split()
    assert sorted(merged) == sorted([a["path"], b["path"]])


def test_validate__reports_broken_and_duplicate_entity_files(wkb, root: Path) -> None:
    folder = root / "data/entities"
    folder.mkdir(parents=True)
    (folder / "S20261101-AAAAAA.yaml").write_text(
        f"id: S20261101-AAAAAA\nname: 甲有限公司\ncredit_code: {CODE}\n", encoding="utf-8"
    )
    (folder / "S20261101-BBBBBB.yaml").write_text(
        f"id: S20261101-BBBBBB\nname: 乙\naliases:\n- 甲股份有限公司\ncredit_code: {CODE}\n",
        encoding="utf-8",
    )
    (folder / "S20261101-CCCCCC.yaml").write_text(
        "id: S20261101-CCCCCC\nname: 丙\ncredit_code: 91350100M000100Y4\n", encoding="utf-8"
    )
    (folder / "S20261101-DDDDDD.yaml").write_text("id: [\n", encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("data/entities/S20261101-DDDDDD.yaml:2: ")
    assert lines[1:] == [
        "data/entities/S20261101-BBBBBB.yaml:4: 名称 甲股份有限公司 与 S20261101-AAAAAA(甲有限公司)"
        "重复;同一主体请用 wkb entity merge S20261101-AAAAAA S20261101-BBBBBB 合并",
        "data/entities/S20261101-BBBBBB.yaml:5: 统一社会信用代码 91350100M000100Y43 已属于 "
        "S20261101-AAAAAA(甲有限公司)",
        "data/entities/S20261101-CCCCCC.yaml:3: 统一社会信用代码无效:应为 18 位,实际 17 位",
        "发现 4 个问题",
    ]


def test_validate__counts_and_fixes_temp_files_a_crash_left_in_the_register(
    wkb, root: Path
) -> None:
    add(wkb, "甲有限公司")
    (root / "data/entities/.wkb-crash.tmp").write_text("id: S", encoding="utf-8")
    result = wkb("validate")
    assert "1 个崩溃遗留的临时文件" in result.stdout
    fixed = wkb("validate", "--fix")
    assert "已清理 1 个临时文件" in fixed.stdout
    assert not (root / "data/entities/.wkb-crash.tmp").exists()


def test_entity_json__keys_are_a_pinned_contract(wkb) -> None:
    """Keys may be added, never renamed or dropped."""
    view = add(wkb, "甲有限公司")
    assert list(view) == [
        "id", "name", "aliases", "credit_code", "district", "district_id", "type", "tags",
        "contact", "created_by", "created_at", "merged_into", "merged_by", "merged_at", "path",
    ]  # fmt: skip
    shown = json.loads(wkb("entity", "show", view["id"], "--format", "json").stdout)
    assert list(shown) == [*view, "visits"]
    listed = json.loads(wkb("entity", "list", "--format", "json").stdout)
    assert [list(item) for item in listed] == [list(view)]
