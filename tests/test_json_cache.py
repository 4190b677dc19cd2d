"""The one reader/writer behind the policy and entity caches: anything odd means "no cache"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wkb_tracker.domain.settings import Settings, using
from wkb_tracker.store import json_cache

REL = f"{json_cache.CACHE_DIR}/thing.json"


def test_round_trip_and_key_mismatch(tmp_path: Path) -> None:
    json_cache.save(tmp_path, REL, lambda: {"key": [1, 2], "value": "甲"})
    assert json_cache.load(tmp_path, REL, [1, 2]) == {"key": [1, 2], "value": "甲"}
    assert json_cache.load(tmp_path, REL, [1, 3]) is None
    assert json_cache.load(tmp_path, REL, None) is None


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '{"value": 1}', "null"])
def test_corrupt_file_is_no_cache(tmp_path: Path, text: str) -> None:
    (tmp_path / json_cache.CACHE_DIR).mkdir()
    (tmp_path / REL).write_text(text, encoding="utf-8")
    assert json_cache.load(tmp_path, REL, [1]) is None


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_link_in_place_of_the_cache_is_never_read(tmp_path: Path) -> None:
    real = tmp_path / "elsewhere.json"
    real.write_text('{"key": [1]}', encoding="utf-8")
    (tmp_path / json_cache.CACHE_DIR).mkdir()
    (tmp_path / REL).symlink_to(real)
    assert json_cache.load(tmp_path, REL, [1]) is None


def test_switched_off_reads_and_writes_nothing(tmp_path: Path) -> None:
    built: list[int] = []
    with using(Settings(cache=False)):
        json_cache.save(tmp_path, REL, lambda: built.append(1) or {"key": [1]})
        assert json_cache.load(tmp_path, REL, [1]) is None
    assert built == [] and not (tmp_path / REL).exists()


def test_read_only_cache_folder_is_skipped_silently(tmp_path: Path) -> None:
    (tmp_path / json_cache.CACHE_DIR).write_text("not a folder", encoding="utf-8")
    json_cache.save(tmp_path, REL, lambda: {"key": [1]})  # no exception
    assert json_cache.load(tmp_path, REL, [1]) is None
