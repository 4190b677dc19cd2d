"""A run's settings (language, cache switch) are made once by the CLI and active for exactly that
command: nothing carries over to the next command in the same process, and library code called
outside any command sees the defaults (Chinese, cache on)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import Invoke
from wkb_tracker.domain.i18n import language, say
from wkb_tracker.domain.settings import DEFAULT, Settings, active, using
from wkb_tracker.store.hook import hook_settings
from wkb_tracker.store.settings import cache_enabled, settings_for

CHECKED_ZH = "检查通过"
CHECKED_EN = "ok: checked"


def test_say__outside_any_command_is_chinese() -> None:
    assert active() == DEFAULT == Settings(lang="zh", cache=True, parallel=True)
    assert say("已取消", "cancelled") == "已取消"
    assert language() == "zh" and cache_enabled()


def test_using__restores_the_previous_settings_however_the_block_ends() -> None:
    with pytest.raises(RuntimeError), using(Settings(lang="en", cache=False)):
        assert say("已取消", "cancelled") == "cancelled" and not cache_enabled()
        raise RuntimeError
    assert active() == DEFAULT
    assert Settings(lang="fr").lang == "zh"  # an unknown language falls back to Chinese


def test_lang__does_not_leak_into_the_next_command(wkb: Invoke) -> None:
    assert CHECKED_EN in wkb("--lang", "en", "validate").stdout
    assert active() == DEFAULT  # restored when the command ended
    assert CHECKED_ZH in wkb("validate").stdout
    assert say("已取消", "cancelled") == "已取消"


def test_lang__a_command_uses_its_own_settings_not_its_callers(wkb: Invoke) -> None:
    with using(Settings(lang="en")):
        assert CHECKED_ZH in wkb("validate").stdout
        assert language() == "en"  # the caller's settings come back afterwards
    assert CHECKED_EN in wkb("--lang", "en", "validate").stdout


def test_lang__from_the_root_config_applies_and_the_option_overrides_it(
    wkb: Invoke, root: Path
) -> None:
    (root / "wkb.local.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert CHECKED_EN in wkb("validate").stdout
    assert CHECKED_ZH in wkb("--lang", "zh", "validate").stdout
    assert CHECKED_ZH in wkb("validate", env={"WKB_LANG": "zh"}).stdout
    assert active() == DEFAULT


def test_lang__from_the_root_config_also_names_a_broken_config_in_that_language(
    wkb: Invoke, root: Path
) -> None:
    (root / "wkb.local.toml").write_text('lang = "en"\nbogus = 1\n', encoding="utf-8")
    for _ in range(2):  # once per command: the warnings said are forgotten when it ends
        result = wkb("report", "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert result.stderr.startswith("warning: wkb.local.toml:2:")
        assert result.stderr.count("bogus") == 1  # by the command, not at start-up too


def test_no_cache__writes_no_cache_and_does_not_leak_into_the_next_command(
    wkb: Invoke, root: Path
) -> None:
    cache = root / ".wkb-cache"
    assert wkb("--no-cache", "report", "--format", "json").exit_code == 0
    assert not cache.exists() or not any(cache.iterdir())
    assert cache_enabled()
    assert wkb("report", "--format", "json").exit_code == 0
    assert (cache / "records.sqlite").is_file()


def test_no_cache__from_the_environment(wkb: Invoke, root: Path) -> None:
    assert wkb("report", "--format", "json", env={"WKB_NO_CACHE": "1"}).exit_code == 0
    assert not (root / ".wkb-cache").exists()
    assert settings_for(no_cache=False).cache and not settings_for(no_cache=True).cache


def test_settings_for__option_then_environment_then_root(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings_for(configured_lang="en").lang == "en"
    assert settings_for(lang="zh", configured_lang="en").lang == "zh"
    monkeypatch.setenv("WKB_LANG", "en_US.UTF-8")
    monkeypatch.setenv("WKB_PARALLEL", "0")
    assert settings_for(configured_lang="zh") == Settings(lang="en", cache=True, parallel=False)
    assert settings_for(lang="zh").lang == "zh"


def test_commands_outside_a_root_still_work_and_still_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wkb: Invoke
) -> None:
    from typer.testing import CliRunner

    from wkb_tracker.cli import app

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["init", "fresh", "--no-git"]).exit_code == 0
    assert runner.invoke(app, ["--version"]).exit_code == 0
    missing = runner.invoke(app, ["--lang", "en", "districts"])
    assert missing.exit_code == 2 and "not inside a wkb records root" in missing.stderr
    assert "当前目录不在任何" in runner.invoke(app, ["districts"]).stderr
    assert active() == DEFAULT


def test_hook_settings__environment_then_the_first_roots_language(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hook_settings([]) == DEFAULT
    assert hook_settings([root]).lang == "zh"
    (root / "wkb.local.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert hook_settings([root]).lang == "en"
    monkeypatch.setenv("WKB_LANG", "zh")
    assert hook_settings([root]).lang == "zh"


def test_python_dash_m__uses_the_same_settings(root: Path) -> None:
    """`python -m wkb_tracker` is the CLI: the root's language applies there too."""
    import sys

    (root / "wkb.local.toml").write_text('lang = "en"\n', encoding="utf-8")
    shown = subprocess.run(
        [sys.executable, "-m", "wkb_tracker", "--root", str(root), "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert CHECKED_EN in shown.stdout


def test_help__reads_no_records_root(
    wkb: Invoke, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A help page is shown in the language of `--lang`/$WKB_LANG, as always: the start-up does
    not look for the root's `lang` for it (that would cost `wkb visit add --help` the config)."""
    from wkb_tracker.store import config

    def unreadable(_root: Path) -> object:
        raise AssertionError("a help page read the config")

    monkeypatch.setattr(config, "read_config", unreadable)
    assert wkb("visit", "add", "--help").exit_code == 0
    assert wkb("--lang", "en", "report", "-h").exit_code == 0
