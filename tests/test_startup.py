"""What `wkb visit add` pays for at start-up (issue 9: `visit add` within 1.15× a minimal Typer
app), pinned without timing anything: the modules it never needs stay unimported, and the
collector is paused before typer is imported. The times themselves live in bench/ (README 性能).
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from wkb_tracker.domain import dates, deferred_model, model
from wkb_tracker.store import storage

ROOT_DIR = Path(__file__).resolve().parents[1]

# Run in a child process, as `wkb` runs: which modules the command imported, and whether the
# collector was on when typer was first imported.
CHILD = """
import gc, json, sys

class Watch:
    typer_with_gc = None

    def find_spec(self, name, path=None, target=None):
        if name == "typer" and Watch.typer_with_gc is None:
            Watch.typer_with_gc = gc.isenabled()
        return None

sys.meta_path.insert(0, Watch())
sys.argv = ["wkb", "--root", sys.argv[1], *sys.argv[2:]]
from wkb_tracker.__main__ import main
try:
    main()
except SystemExit as end:
    assert end.code in (0, None), end.code
print(json.dumps({"modules": sorted(sys.modules), "typer_with_gc": Watch.typer_with_gc}))
"""

ADD = (
    "visit", "add", "--date", "2026-11-03", "--district", "东湖", "--entity", "光谷实验室",
    "--type", "team", "--no-rectify", "--no-commit",
)  # fmt: skip

# Modules `visit add` has no use for, each once imported at its start-up: the standard library's
# tempfile (and random), calendar, unicodedata and tomllib (the config has the flat shape
# store/plain_toml.py reads); what reads or builds rectification items, lists or edits visits,
# reports; YAML (the policy comes from its cache) and rich.
NOT_FOR_VISIT_ADD = (
    "tomllib",
    "tempfile",
    "random",
    "calendar",
    "unicodedata",
    "yaml",
    "rich",
    "sqlite3",
    "wkb_tracker.domain.deferred_model",  # the void mark, item and rule-problem classes
    "wkb_tracker.domain.dataset",
    "wkb_tracker.domain.compliance",
    "wkb_tracker.store.visit_filter",
    "wkb_tracker.store.visit_changes",
    "wkb_tracker.store.loader",
    "wkb_tracker.store.record_cache",
    "wkb_tracker.store.row_codec",
)


def _child(root: Path, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_visit_add__imports_nothing_it_does_not_use(root: Path) -> None:
    _child(root, "districts")  # a first command fills the policy cache, as any clone has it
    seen = _child(root, *ADD)
    modules = seen["modules"]
    assert isinstance(modules, list)
    assert "wkb_tracker.store.visits" in modules  # it did run
    assert [name for name in NOT_FOR_VISIT_ADD if name in modules] == []


def test_wkb_script__pauses_the_collector_before_typer_is_imported(root: Path) -> None:
    """The console script calls wkb_tracker.__main__:main, which pauses the collector first:
    typer's import makes tens of thousands of objects that are never garbage."""
    pyproject = tomllib.loads((ROOT_DIR / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["wkb"] == "wkb_tracker.__main__:main"
    assert _child(root, *ADD)["typer_with_gc"] is False


# -- the item classes, created on first use (domain/model.py) ----------------------------------


def _item() -> model.Rectification:
    event = model.RectificationEvent(
        "close", date(2026, 11, 3), "王", datetime(2026, 11, 3, 9, 0), resolution="已解决"
    )
    return model.Rectification(
        "R20261103-7KQF2M", "缺人才", "东湖高新区", "donghu", "visit", "V20261103-7KQF2M", 14,
        "人事处", "李", date(2026, 11, 3), date(2026, 12, 3), events=(event,),
    )  # fmt: skip


def test_deferred_classes__the_model_gives_the_same_classes_with_the_same_behaviour() -> None:
    """Moved out of model.py, not rebuilt: one class under both names, frozen, with slots, the
    fields in the order the record format writes them, equal and hashed by value."""
    for name in ("EventFile", "Rectification", "RectificationEvent", "VoidMark"):
        assert getattr(model, name) is getattr(deferred_model, name)
        params = getattr(model, name).__dataclass_params__
        assert params.frozen and params.eq and "__slots__" in vars(getattr(model, name))
    with pytest.raises(AttributeError):
        model.NoSuchClass  # noqa: B018
    written = [spec.name for spec in model.RECTIFICATION_FIELDS]
    fields = [spec.name for spec in dataclasses.fields(model.Rectification)]
    assert [name for name in fields if name in written] == written
    event_fields = [spec.name for spec in dataclasses.fields(model.RectificationEvent)]
    assert event_fields[:4] == ["kind", "date", "by", "at"]
    item = _item()
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.owner = "张"  # type: ignore[misc]
    assert item == _item() and hash(item) == hash(_item())
    assert dataclasses.replace(item, owner="张") != item
    assert repr(item).startswith("Rectification(id='R20261103-7KQF2M', problem='缺人才'")
    assert pickle.loads(pickle.dumps(item)) == item  # a forked reader sends records pickled


# -- the temp file of an atomic write (store/storage.py) -------------------------------------


def test_temp_file__a_name_taken_by_a_file_or_a_link_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As tempfile.mkstemp: never an existing file, never through a link; another name instead."""
    taken, link = tmp_path / ".wkb-000000000000.tmp", tmp_path / ".wkb-010101010101.tmp"
    taken.write_bytes(b"kept")
    link.symlink_to(tmp_path / "elsewhere")
    draws = iter([b"\0" * 6, b"\1" * 6, b"\2" * 6])
    monkeypatch.setattr(os, "urandom", lambda _n: next(draws))
    handle, name = storage._create_temp(tmp_path)
    os.close(handle)
    assert name == str(tmp_path / ".wkb-020202020202.tmp") and os.path.isabs(name)
    assert taken.read_bytes() == b"kept" and not (tmp_path / "elsewhere").exists()
    if os.name != "nt":
        assert os.stat(name).st_mode & 0o777 == 0o600  # the owner's until written


# -- help pages: tidied only when one is shown (cli.WkbGroup.main) ---------------------------


def test_help__pages_keep_their_examples_when_a_command_ran_first(root: Path) -> None:
    """`wkb visit add` with options runs without tidying the help tree; a help page asked for
    later in the same process (or a group named alone) is tidied then: examples, no `<bool>`."""
    from typer.testing import CliRunner

    from wkb_tracker.cli import build_app

    app, runner = build_app(), CliRunner()
    added = runner.invoke(app, ["--root", str(root), *ADD])
    assert added.exit_code == 0, added.stderr
    page = runner.invoke(app, ["--root", str(root), "visit", "add", "-h"])
    assert "示例:" in page.stdout and "--no-rectify " in page.stdout and "<bool>" not in page.stdout
    group = runner.invoke(app, ["visit"])
    assert "示例:" in group.stdout and "wkb visit list --month" in group.stdout


# -- dates typed as 2026-11-03 are read without the date regex (domain/dates.py) --------------


@settings(max_examples=examples(2000))
@given(
    st.one_of(
        st.text(alphabet="0123456789-/.年月日 ０１", max_size=12),
        st.dates().map(date.isoformat),
        st.text(max_size=11),
    )
)
def test_iso_groups__splits_a_date_as_the_regex_does_or_leaves_it_to_it(text: str) -> None:
    groups = dates.iso_groups(text)
    if groups is not None:
        match = re.match(dates._NUMERIC, text)
        assert match is not None and match.groups() == groups
