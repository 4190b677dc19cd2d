"""tasks.py, the set-up script a newcomer runs first: it must refuse an old Python plainly and
rebuild a .venv that another Python made or a failed install left behind."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

TASKS_FILE = Path(__file__).resolve().parents[1] / "tasks.py"


def _tasks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wkb_tasks", TASKS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("version", [(3, 10, 13), (3, 9, 0), (2, 7, 18)])
def test_check_python__older_than_3_11_names_the_version_needed(
    monkeypatch: pytest.MonkeyPatch, version: tuple[int, int, int]
) -> None:
    tasks = _tasks()
    monkeypatch.setattr(sys, "version_info", version)
    with pytest.raises(SystemExit) as stopped:
        tasks.check_python()
    message = str(stopped.value.code)
    assert "Python 3.11" in message and ".".join(map(str, version)) in message


def test_check_python__3_11_and_newer_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = _tasks()
    monkeypatch.setattr(sys, "version_info", (3, 12, 1))
    tasks.check_python()


def test_ensure_venv__a_venv_of_another_python_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tasks = _tasks()
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "leftover").write_text("from another Python")
    stamp = venv / ".wkb-installed"
    stamp.write_text("0" * 64 + " 3.10 /usr/bin/python3.10")
    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "STAMP", stamp)
    monkeypatch.setattr(tasks, "PYTHON", venv / "bin" / "python")
    created: list[Path] = []
    ran: list[tuple[str, ...]] = []

    def create(path: Path, **_: object) -> None:
        created.append(Path(path))
        Path(path).mkdir(parents=True)

    monkeypatch.setattr(tasks.venv, "create", create)
    monkeypatch.setattr(tasks, "run", lambda *args, **_: ran.append(tuple(map(str, args))))
    monkeypatch.setattr(tasks, "venv_python_works", lambda: True)
    tasks.ensure_venv()
    assert not (venv / "leftover").exists()  # removed, not reused
    assert created == [venv]
    assert any("-e" in args for args in ran)
    assert stamp.read_text(encoding="utf-8") == tasks.wanted_stamp()


def test_ensure_venv__an_install_that_never_finished_is_rebuilt(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tasks = _tasks()
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "half-installed").write_text("pip failed here")
    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "STAMP", venv / ".wkb-installed")  # no stamp: install failed
    monkeypatch.setattr(tasks, "PYTHON", venv / "bin" / "python")
    monkeypatch.setattr(tasks.venv, "create", lambda path, **_: Path(path).mkdir(parents=True))
    monkeypatch.setattr(tasks, "run", lambda *args, **_: None)
    monkeypatch.setattr(tasks, "venv_python_works", lambda: True)
    tasks.ensure_venv()
    assert not (venv / "half-installed").exists()


def test_ensure_venv__an_up_to_date_venv_is_kept(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tasks = _tasks()
    venv = tmp_path / ".venv"
    venv.mkdir()
    stamp = venv / ".wkb-installed"
    stamp.write_text(tasks.wanted_stamp())
    monkeypatch.setattr(tasks, "VENV", venv)
    monkeypatch.setattr(tasks, "STAMP", stamp)
    monkeypatch.setattr(tasks, "venv_python_works", lambda: True)
    monkeypatch.setattr(tasks, "run", lambda *args, **_: pytest.fail("nothing to install"))
    tasks.ensure_venv()


def test_constraints_lowest__pins_exactly_the_minimums_of_pyproject() -> None:
    """`tasks.py test-lowest` tests the ranges pyproject.toml declares, not some other set."""
    import re
    import tomllib

    here = TASKS_FILE.parent
    declared = tomllib.loads((here / "pyproject.toml").read_text(encoding="utf-8"))
    minimums = {}
    for requirement in declared["project"]["dependencies"]:
        # a minimum, and maybe an upper bound (typer<0.29: see pyproject.toml)
        found = re.fullmatch(
            r"([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)(,<[0-9][0-9.]*)?", requirement.replace(" ", "")
        )
        assert found, f"no plain `>=` minimum to test: {requirement}"
        minimums[found[1].lower().replace("_", "-")] = found[2]
    pins = {}
    for line in (here / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.strip().lower()] = version.strip()
    assert pins == minimums


def _python(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)


@pytest.mark.parametrize(
    ("mypy_exit", "pytest_exit", "expected"), [(0, 0, 0), (1, 0, 1), (0, 3, 3), (1, 3, 3)]
)
def test_alongside__mypy_beside_pytest_fails_if_either_fails_and_prints_after_it(
    capfd: pytest.CaptureFixture[str], mypy_exit: int, pytest_exit: int, expected: int
) -> None:
    """`tasks.py test` runs mypy while pytest runs: a failure of either fails the command, and
    mypy's output comes whole after pytest's (it was written first, so it was held back)."""
    tasks = _tasks()
    code = tasks.alongside(
        _python(f"import sys; print('MYPY', 'SAYS'); sys.exit({mypy_exit})"),
        _python(f"import sys; print('PYTEST', 'SAYS'); sys.exit({pytest_exit})"),
        env=dict(os.environ),
    )
    assert code == expected
    out = capfd.readouterr().out
    assert out.index("PYTEST SAYS") < out.index("MYPY SAYS")


@pytest.mark.parametrize("setting", ["1", ""])
def test_keep_bytecode__the_suite_compiles_once_and_never_beside_the_sources(setting: str) -> None:
    """Under PYTHONDONTWRITEBYTECODE each worker, hook and child Python compiled everything again
    (138 s of CPU instead of 88 s): the tests keep bytecode in .venv; without it nothing changes."""
    tasks = _tasks()
    env = {"PATH": "/bin", "PYTHONDONTWRITEBYTECODE": setting}
    tasks.keep_bytecode(env)
    if setting:
        assert env == {"PATH": "/bin", "PYTHONPYCACHEPREFIX": str(tasks.VENV / "pycache")}
    else:
        assert env == {"PATH": "/bin"}  # empty is unset to Python: no prefix either
    untouched = {"PATH": "/bin"}
    tasks.keep_bytecode(untouched)
    assert untouched == {"PATH": "/bin"}


def test_in_memory_temp__used_where_there_is_room_never_over_the_users_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest's temp folders go to /dev/shm when it has room, with passing tests' folders
    removed as they pass; a temp root or --basetemp the user gave is kept, and without
    /dev/shm (Windows, macOS) or room in it nothing changes."""
    tasks = _tasks()
    monkeypatch.setattr(tasks, "SHM", tmp_path)
    monkeypatch.setattr(tasks, "SHM_NEEDED", 0)
    env: dict[str, str] = {}
    assert tasks.in_memory_temp(env, ["-k", "x"]) == ["-o", "tmp_path_retention_policy=failed"]
    assert env == {"PYTEST_DEBUG_TEMPROOT": str(tmp_path)}
    for env, args in [
        ({"PYTEST_DEBUG_TEMPROOT": "/elsewhere"}, []),
        ({}, ["--basetemp=/mine"]),
        ({}, ["--basetemp", "/mine"]),
    ]:
        before = dict(env)
        assert tasks.in_memory_temp(env, args) == []
        assert env == before
    monkeypatch.setattr(tasks, "SHM_NEEDED", 1 << 62)  # no room
    assert tasks.in_memory_temp({}, []) == []
    monkeypatch.setattr(tasks, "SHM", tmp_path / "missing")
    monkeypatch.setattr(tasks, "SHM_NEEDED", 0)
    assert tasks.in_memory_temp({}, []) == []


@pytest.mark.parametrize(
    ("given", "dist"), [([], ["--dist", "worksteal"]), (["--dist=load"], ["--dist=load"])]
)
def test_test_task__workers_steal_queued_tests_unless_told_otherwise(
    monkeypatch: pytest.MonkeyPatch, given: list[str], dist: list[str]
) -> None:
    """A worker out of tests takes half of another's queue (`--dist worksteal`): with xdist's
    default one worker was seen finishing 16 s after the other. A --dist of the user's wins."""
    tasks = _tasks()
    ran: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks, "run", lambda *args, **_: None)
    monkeypatch.setattr(tasks, "in_memory_temp", lambda env, args: [])
    monkeypatch.setattr(
        tasks, "alongside", lambda background, foreground, env: ran.append(foreground) or 0
    )
    monkeypatch.setattr(sys, "argv", ["tasks.py", "test", *given])
    with pytest.raises(SystemExit) as stop:
        tasks.test()
    assert stop.value.code == 0
    (pytest_args,) = ran
    assert [a for a in pytest_args if "dist" in str(a) or a == "worksteal"] == dist
    assert "-n" in pytest_args
