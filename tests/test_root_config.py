"""Records roots (discovery, init) and wkb.toml (config get/set/list)."""

from __future__ import annotations

import json
import subprocess
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wkb_tracker.cli import app
from wkb_tracker.domain.errors import RootNotFound
from wkb_tracker.store.root import find_root

runner = CliRunner()


def test_find_root__walks_up_from_a_subfolder(root: Path) -> None:
    assert find_root(start=root / "data" / "visits") == root


def test_find_root__env_then_option(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WKB_ROOT", str(root))
    assert find_root(start=tmp_path) == root
    with pytest.raises(RootNotFound):
        find_root(str(tmp_path))


def test_commands__outside_a_root_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["districts"])
    assert result.exit_code == 2
    assert "当前目录不在任何 wkb 记录根目录中" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands__root_option_pointing_nowhere(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--lang", "en", "--root", str(tmp_path / "nope"), "validate"])
    assert result.exit_code == 2
    assert "is not a wkb records root" in result.stderr


def test_init__creates_a_valid_root_with_git(tmp_path: Path) -> None:
    target = tmp_path / "bureau"
    result = runner.invoke(app, ["init", str(target)])
    assert result.exit_code == 0, result.stderr
    for rel in (
        "wkb.toml",
        "data/measures.yaml",
        "data/districts.yaml",
        "data/visits",
        "data/rectifications",
    ):
        assert (target / rel).exists(), rel
    assert (target / ".git").is_dir()
    config = tomllib.loads((target / "wkb.toml").read_text(encoding="utf-8"))
    assert config["auto_commit"] is True
    assert runner.invoke(app, ["--root", str(target), "validate"]).exit_code == 0


def test_init__no_git(tmp_path: Path) -> None:
    target = tmp_path / "bureau"
    assert runner.invoke(app, ["init", str(target), "--no-git"]).exit_code == 0
    assert not (target / ".git").exists()


def test_init__refuses_an_existing_root_and_changes_nothing(root: Path) -> None:
    before = (root / "wkb.toml").read_bytes()
    result = runner.invoke(app, ["init", str(root)])
    assert result.exit_code == 2
    assert "已经是记录根目录" in result.stderr
    assert (root / "wkb.toml").read_bytes() == before


def test_config__set_get_round_trip(wkb, root: Path) -> None:
    assert wkb("config", "set", "due_soon_days", "10").exit_code == 0
    assert wkb("config", "set", "auto_commit", "true").exit_code == 0
    assert wkb("config", "set", "monthly_minimum", "3").exit_code == 0
    assert wkb("config", "get", "due_soon_days").stdout.strip() == "10"
    assert wkb("config", "get", "auto_commit").stdout.strip() == "true"
    stored = tomllib.loads((root / "wkb.toml").read_text(encoding="utf-8"))
    assert stored["due_soon_days"] == 10 and stored["monthly_minimum"] == 3
    assert stored["recorder"] == "测试员"
    listed = json.loads(wkb("config", "list", "--format", "json").stdout)
    assert listed["due_soon_days"] == 10 and listed["lang"] == "zh"
    assert wkb("config", "set", "monthly_minimum", "default").exit_code == 0
    assert "monthly_minimum" not in tomllib.loads((root / "wkb.toml").read_text(encoding="utf-8"))
    assert wkb("validate").exit_code == 0


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("colour", "red", "未知配置项 colour;可用:monthly_minimum、rectify_deadline_days"),
        ("due_soon_days", "soon", "due_soon_days 须为整数"),
        ("auto_commit", "maybe", "auto_commit 须为 true 或 false"),
        ("lang", "fr", "lang 只能是:zh、en"),
        ("rectify_deadline_days", "0", "rectify_deadline_days 不能小于 1"),
    ],
)
def test_config_set__refuses_bad_keys_and_values(
    wkb, root: Path, key: str, value: str, message: str
) -> None:
    before = (root / "wkb.toml").read_bytes()
    result = wkb("config", "set", key, value)
    assert result.exit_code == 2
    assert message in result.stderr
    assert (root / "wkb.toml").read_bytes() == before


def test_language__config_env_and_option(wkb, root: Path) -> None:
    wkb("config", "set", "lang", "en")
    assert "ok: checked" in wkb("validate").stdout
    assert "检查通过" in wkb("--lang", "zh", "validate").stdout
    assert "检查通过" in wkb("validate", env={"WKB_LANG": "zh"}).stdout


def test_python_dash_m__runs(root: Path) -> None:
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "wkb_tracker", "--root", str(root), "leaders", "--format", "json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["name"] == "胡军"


def test_districts_assign__keeps_history_and_carries_fields(wkb, root: Path) -> None:
    result = wkb("districts", "assign", "东湖", "--leader", "赵峰", "--from", "2026-11-16")
    assert result.exit_code == 0, result.stderr
    before = json.loads(wkb("districts", "--as-of", "2026-11-15", "--format", "json").stdout)[0]
    after = json.loads(wkb("districts", "--as-of", "2026-11-16", "--format", "json").stdout)[0]
    assert (before["leader"], before["to"]) == ("胡军", "2026-11-15")
    assert (
        after["leader"],
        after["title"],
        after["department"],
        after["contact"],
        after["from"],
        after["to"],
    ) == (
        "赵峰",
        "副局长",
        "高新处",
        "彭华魁",
        "2026-11-16",
        None,
    )
    assert wkb("validate").exit_code == 0
    text = (root / "data" / "districts.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 附件")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["东湖", "--leader", "张三", "--from", "2026-11-16"], "张三 是新的责任领导,请用 --title"),
        (["东湖", "--leader", "赵峰", "--from", "2021-07-01"], "须晚于"),
        (["东区", "--leader", "赵峰", "--from", "2026-11-16"], "未知的区"),
        (
            ["东湖", "--leader", "胡军", "--from", "2026-11-16", "--title", "局长"],
            "同一时间有两个职务",
        ),
    ],
)
def test_districts_assign__refusals_change_nothing(
    wkb, root: Path, args: list[str], message: str
) -> None:
    before = (root / "data" / "districts.yaml").read_bytes()
    result = wkb("districts", "assign", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert (root / "data" / "districts.yaml").read_bytes() == before


def test_districts_assign__new_leader_with_title(wkb) -> None:
    result = wkb(
        "districts",
        "assign",
        "xinzhou",
        "--leader",
        "张三",
        "--title",
        "副局长",
        "--from",
        "2026-12-01",
    )
    assert result.exit_code == 0, result.stderr
    leaders = json.loads(wkb("leaders", "--as-of", "2026-12-01", "--format", "json").stdout)
    assert {"name": "张三", "title": "副局长", "districts": ["新洲区"]} in leaders
