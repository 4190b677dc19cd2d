"""The entity register on disk: add, edit, merge, and what `validate` says about broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.policy import Policy
from wkb_tracker.store.entity_store import (
    EntityChanges,
    EntityRequest,
    add_entity,
    edit_entity,
    entity_path,
    entity_problems,
    load_register,
    merge_entities,
)
from wkb_tracker.store.policy_files import load_policy

CODE = "91350100M000100Y43"  # GB 32100-2015's example code (both check characters valid)


@pytest.fixture
def policy(root: Path) -> Policy:
    return load_policy(root)[0]


def _districts(policy: Policy) -> dict[str, str]:
    return {a.district: a.district_id for a in policy.assignments}


def test_add__writes_one_file_named_by_id_and_reads_back(root: Path, policy: Policy) -> None:
    register, _ = load_register(root)
    entity = add_entity(
        root,
        policy,
        register,
        EntityRequest(
            name=" 楚天光电科技有限公司 ",
            aliases=["楚天光电", "楚天光电"],
            code="９１３５０１００ｍ０００１００ｙ４３",
            district="东湖",
            type="enterprise",
            tags=["高企培育库"],
            contact="李四",
        ),
        by="测试员",
    )
    assert entity.path == entity_path(entity.id) and entity.id.startswith("S20261125-")
    again, problems = load_register(root)
    assert problems == []
    read = again.get(entity.id)
    assert read == entity
    assert (read.name, read.aliases, read.credit_code) == (
        "楚天光电科技有限公司",
        ("楚天光电",),
        CODE,
    )
    assert (read.district, read.district_id, read.type) == ("东湖高新区", "donghu", "科技企业")
    assert entity_problems(root, again, _districts(policy)) == []


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (EntityRequest(name="楚天光电科技股份有限公司"), "已登记为"),
        (EntityRequest(name="新主体", aliases=["楚天 光电"]), "已登记为"),
        (EntityRequest(name="新主体", code=CODE), "已属于"),
        (EntityRequest(name="新主体", code="91350100M000100Y44"), "不是有效的统一社会信用代码"),
        (EntityRequest(name="新主体", district="不存在区"), "未知的区"),
        (EntityRequest(name="新主体", type="公司"), "未知的主体类型"),
        (EntityRequest(name="  "), "不能为空"),
    ],
)
def test_add__refusals_write_nothing(
    root: Path, policy: Policy, request_: EntityRequest, message: str
) -> None:
    register, _ = load_register(root)
    add_entity(
        root,
        policy,
        register,
        EntityRequest(name="楚天光电科技有限公司", aliases=["楚天光电"], code=CODE),
        by="测试员",
    )
    before = sorted((root / "data/entities").iterdir())
    with pytest.raises(UserError) as caught:
        add_entity(root, policy, register, request_, by="测试员")
    assert message in caught.value.message
    assert sorted((root / "data/entities").iterdir()) == before


def test_edit__rename_keeps_old_name_as_alias(root: Path, policy: Policy) -> None:
    register, _ = load_register(root)
    entity = add_entity(root, policy, register, EntityRequest(name="光谷实验室"), by="测试员")
    before, after = edit_entity(
        root,
        policy,
        register,
        "光谷实验室",
        EntityChanges(name="武汉光谷实验室", add_tags=["孵化载体"], code=CODE, district="donghu"),
    )
    assert before.name == "光谷实验室"
    assert (after.name, after.aliases, after.tags) == (
        "武汉光谷实验室",
        ("光谷实验室",),
        ("孵化载体",),
    )
    reread = load_register(root)[0]
    assert reread.get(entity.id) == after
    assert reread.resolve("光谷实验室").entity == after
    cleared = edit_entity(root, policy, reread, entity.id, EntityChanges(code="", district=""))[1]
    assert (cleared.credit_code, cleared.district) == (None, None)


def test_merge__names_move_file_stays_marked(root: Path, policy: Policy) -> None:
    register, _ = load_register(root)
    keep = add_entity(root, policy, register, EntityRequest(name="武汉光谷实验室"), by="测试员")
    gone = add_entity(
        root,
        policy,
        register,
        EntityRequest(name="光谷实验室", aliases=["光谷实验"], code=CODE, tags=["孵化器"]),
        by="测试员",
    )
    kept, merged = merge_entities(root, register, keep.id, "光谷实验室", by="办公室王")
    assert kept.aliases == ("光谷实验室", "光谷实验") and kept.credit_code == CODE
    assert kept.tags == ("孵化器",)
    assert (merged.merged_into, merged.merged_by) == (keep.id, "办公室王")
    reread, problems = load_register(root)
    assert problems == [] and entity_problems(root, reread, _districts(policy)) == []
    assert (root / entity_path(gone.id)).exists()
    assert reread.canonical(gone.id) == reread.get(keep.id)
    assert reread.resolve("光谷实验").entity == reread.get(keep.id)
    with pytest.raises(UserError, match="已并入"):
        merge_entities(root, reread, keep.id, gone.id, by="办公室王")
    with pytest.raises(UserError, match="它自己"):
        merge_entities(root, reread, keep.id, keep.id, by="办公室王")


def test_merge__two_credit_codes_are_two_legal_persons(root: Path, policy: Policy) -> None:
    register, _ = load_register(root)
    add_entity(root, policy, register, EntityRequest(name="甲公司", code=CODE), by="测试员")
    add_entity(
        root, policy, register, EntityRequest(name="乙公司", code="914403001922038216"), by="测试员"
    )
    with pytest.raises(UserError, match="两个法人"):
        merge_entities(root, register, "甲公司", "乙公司", by="测试员")


def _write(root: Path, name: str, text: str) -> None:
    folder = root / "data/entities"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_problems__broken_files_each_at_their_line(root: Path, policy: Policy) -> None:
    _write(root, "S20261101-AAAAAA.yaml", "id: S20261101-AAAAAA\nname: 甲\ncolour: red\n")
    _write(root, "S20261101-BBBBBB.yaml", "id: S20261101-CCCCCC\nname: 乙\n")
    _write(
        root,
        "S20261101-DDDDDD.yaml",
        "id: S20261101-DDDDDD\nname: 丙\ncredit_code: 91350100M000100Y44\ntype: 公司\n"
        "district: 东湖高新区\ndistrict_id: jiangan\nmerged_into: S20261101-ZZZZZZ\n",
    )
    _write(root, "S20261101-EEEEEE.yaml", "id: S20261101-EEEEEE\nname: 丙 有限公司\n")
    _write(root, "notes.txt", "x")
    register, problems = load_register(root)
    problems += entity_problems(root, register, _districts(policy))
    text = sorted(str(p) for p in problems)
    assert text == sorted(
        [
            "data/entities/S20261101-AAAAAA.yaml:3: 未知字段 colour;可用字段:id、name、aliases、"
            "credit_code、district、district_id、type、tags、contact、created_by、created_at、"
            "merged_into、merged_by、merged_at",
            "data/entities/S20261101-BBBBBB.yaml:1: 文件应为 data/entities/S20261101-CCCCCC.yaml"
            "(按主体编号命名)",
            "data/entities/S20261101-DDDDDD.yaml:3: 统一社会信用代码无效:校验码(第 18 位)应为 3,"
            "实际为 4(GB 32100-2015)",
            "data/entities/S20261101-DDDDDD.yaml:4: 未知的主体类型 公司;可选:高校院所 | 平台载体 | "
            "科技企业 | 创新团队",
            "data/entities/S20261101-DDDDDD.yaml:5: 区 东湖高新区(jiangan)与责任分工表不符",
            "data/entities/S20261101-DDDDDD.yaml:7: merged_into S20261101-ZZZZZZ 不是登记册中的主体"
            "(或合并形成了循环)",
            "data/entities/notes.txt:1: 主体登记册只放 <编号>.yaml 文件,此项未读取",
        ]
    )


def test_problems__duplicate_names_and_codes_reported_at_the_later_entry(
    root: Path, policy: Policy
) -> None:
    _write(
        root,
        "S20261101-AAAAAA.yaml",
        f"id: S20261101-AAAAAA\nname: 甲有限公司\ncredit_code: {CODE}\n",
    )
    _write(
        root,
        "S20261102-BBBBBB.yaml",
        f"id: S20261102-BBBBBB\nname: 乙\naliases:\n- 甲 股份有限公司\ncredit_code: {CODE}\n",
    )
    register, problems = load_register(root)
    assert problems == []
    found = [str(p) for p in entity_problems(root, register, _districts(policy))]
    assert found == [
        "data/entities/S20261102-BBBBBB.yaml:4: 名称 甲 股份有限公司 与 S20261101-AAAAAA(甲有限公司)重复;"
        "同一主体请用 wkb entity merge S20261101-AAAAAA S20261102-BBBBBB 合并",
        "data/entities/S20261102-BBBBBB.yaml:5: 统一社会信用代码 91350100M000100Y43 已属于 "
        "S20261101-AAAAAA(甲有限公司)",
    ]


def test_fields__file_view_and_cache_row_derive_from_one_list() -> None:
    """ENTITY_FIELDS (domain/entities) gives the file mapping, the JSON view and the cache row:
    a merged entry with every field set goes through each and comes back the same."""
    from datetime import datetime

    from wkb_tracker.domain.dates import SHANGHAI
    from wkb_tracker.domain.entities import ENTITY_FIELDS, Entity
    from wkb_tracker.store import entity_cache
    from wkb_tracker.store.entity_store import _parse_file, entity_to_mapping, entity_view
    from wkb_tracker.store.storage import dump_yaml

    at = datetime(2026, 11, 3, 9, 30, tzinfo=SHANGHAI)
    entity = Entity(
        "S20261103-ABCDEF", "楚天光电", ("楚天",), CODE, "江岸区", "jiangan", "科技企业",
        ("孵化器",), "张三", "办公室", at, "S20261103-GHJKMN", "办公室", at,
        path=entity_path("S20261103-ABCDEF"),
    )  # fmt: skip
    names = [spec.name for spec in ENTITY_FIELDS]
    assert list(entity_to_mapping(entity)) == names
    assert list(entity_view(entity)) == [*names, "path"]
    assert entity_cache._decode(entity_cache._encode(entity)) == entity
    text = dump_yaml(entity_to_mapping(entity))
    assert _parse_file(entity.path, text.encode("utf-8")) == entity
    unmerged = Entity("S20261103-ABCDEF", "楚天光电", path=entity.path)
    assert "merged_into" not in entity_to_mapping(unmerged)  # unmerged files stay as they were
    nulled = text.replace("contact: 张三", "contact: null").encode("utf-8")
    assert _parse_file(entity.path, nulled).contact == ""
