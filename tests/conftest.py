"""Shared fixtures: a fresh records root per test, a pinned clock, and a CLI runner over it."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import budget  # noqa: F401  (loads the quick or thorough hypothesis profile)
from wkb_tracker.cli import app
from wkb_tracker.store.root import init_root

TODAY = "2026-11-25"  # the pinned "today" of every test (WKB_TODAY)


def _build_once() -> None:
    """typer's CliRunner rebuilds the whole click command tree from the Typer app on every
    invoke (~45 ms with wkb's 20 commands: half the time of a typical CLI test). The tree does
    not change between calls, so the tests build it once per app — as `inprocess.command()`
    and a real `wkb` process do. Test-only; nothing in src/ relies on typer's internals."""
    import typer.testing

    build = getattr(typer.testing, "_get_command", None)
    if build is not None and not hasattr(build, "cache_info"):
        typer.testing._get_command = functools.cache(build)  # type: ignore[attr-defined]


_build_once()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "durable: keep os.fsync real (the crash tests; every other test runs without it)"
    )


@pytest.fixture(autouse=True)
def _no_fsync(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.fsync does nothing, but in tests marked `durable`: what fsync guarantees shows only
    after a power cut, which no test makes; the write paths that call it still run. On ext4 it
    cost a quarter of the suite's wall time (2 workers, load 4: 91 s with it, 68 s without; CPU
    83 s and 73 s). The crash tests keep it real (they kill writers right at it): `durable`."""
    if request.node.get_closest_marker("durable") is None:
        monkeypatch.setattr(os, "fsync", lambda _fd: None)


@pytest.fixture(autouse=True)
def _pinned_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WKB_TODAY", TODAY)
    monkeypatch.delenv("WKB_NOW", raising=False)
    monkeypatch.delenv("WKB_ROOT", raising=False)
    monkeypatch.delenv("WKB_LANG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "测试员")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "测试员")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A fresh records root (bundled policy data, no git) with recorder 测试员."""
    created = init_root(tmp_path / "records", git=False)
    with (created / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    return created


Invoke = Callable[..., Result]


@pytest.fixture
def wkb(root: Path) -> Invoke:
    """Run `wkb --root <root> ARGS...` in-process; returns the Result (stdout/stderr apart)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, ["--root", str(root), *args], input=input, env=env)

    return invoke
