"""Package metadata stays complete (issue 16.8): an SPDX license with its file, one version
source, classifiers, the typing marker, a changelog with an unreleased section."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import wkb_tracker

HERE = Path(__file__).resolve().parent.parent


def test_metadata__license_version_classifiers_typing_changelog() -> None:
    project = tomllib.loads((HERE / "pyproject.toml").read_text(encoding="utf-8"))
    meta = project["project"]
    assert meta["license"] == "MIT" and meta["license-files"] == ["LICENSE"]
    assert (HERE / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert meta["dynamic"] == ["version"] and "version" not in meta  # one version source
    assert project["tool"]["hatch"]["version"]["path"] == "src/wkb_tracker/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", wkb_tracker.__version__)
    classifiers = set(meta["classifiers"])
    assert {"Typing :: Typed", "Operating System :: Microsoft :: Windows"} <= classifiers
    assert (HERE / "src" / "wkb_tracker" / "py.typed").exists()
    assert "## Unreleased" in (HERE / "CHANGELOG.md").read_text(encoding="utf-8")
