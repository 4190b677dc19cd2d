"""A derived copy of the entity register in `.wkb-cache/entities.json`.

`wkb visit add --entity X` needs every registered name; parsing a few thousand small YAML files
takes a noticeable fraction of a second, reading one JSON file a few milliseconds. Keyed by each
entity file's name, size, mtime, ctime (ns) and inode: adding, editing, merging or a `git pull`
that touches any file changes the key and the files are parsed again. Missing, corrupt or
stale → silently rebuilt. Only a register without problems is cached, so `wkb validate` always
reads the files themselves.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain.entities import ENTITY_FIELDS, Entity
from wkb_tracker.store import json_cache
from wkb_tracker.store.schema import every_field, field_values

FILE = f"{json_cache.CACHE_DIR}/entities.json"
# 2: each entry's name keys kept beside it; then the field list itself, so a field added to
# ENTITY_FIELDS (and to Entity) changes the version with no edit here.
VERSION = "2:" + ",".join(f"{spec.name}:{spec.kind}" for spec in ENTITY_FIELDS)
_KEYS = len(ENTITY_FIELDS) + 1  # a row: the fields, the path, then the name keys


def key(root: Path, folder: str) -> str | None:
    """A digest of every file's identity in `folder`; None when it cannot be listed or holds a
    symlink (read through to its target, whose edits this key would not see)."""
    import hashlib

    digest = hashlib.blake2b(VERSION.encode(), digest_size=16)
    try:
        with os.scandir(root / folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.is_symlink():
                    return None  # its target's edits would not change the key: never cached
                st = entry.stat(follow_symlinks=False)
                line = (
                    f"{entry.name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n"
                )
                digest.update(line.encode("utf-8", "surrogateescape"))
    except FileNotFoundError:
        return "empty"
    except OSError:
        return None
    return digest.hexdigest()


def read(root: Path, wanted: str | None) -> tuple[list[Entity], dict[str, list[str]]] | None:
    """The cached entries and each one's name keys (entity_names.name_key of its names)."""
    raw = json_cache.load(root, FILE, wanted)
    if raw is None:
        return None
    try:
        entities = [_decode(row) for row in raw["entities"]]
        keys = {
            entity.id: list(row[_KEYS])
            for entity, row in zip(entities, raw["entities"], strict=True)
        }
        return entities, keys
    except (ValueError, KeyError, TypeError, IndexError):
        return None  # corrupt: parse the YAML instead


def write(root: Path, wanted: str | None, entities: list[Entity]) -> None:
    if wanted is None:
        return

    def build() -> dict[str, Any]:
        from wkb_tracker.domain.entity_names import name_key

        rows = [
            [*_encode(entity), [name_key(name) for name in entity.names]] for entity in entities
        ]
        return {"key": wanted, "entities": rows}

    json_cache.save(root, FILE, build)


def _encode(entity: Entity) -> list[Any]:
    """A cache row: `ENTITY_FIELDS`' values in order (times as ISO text, lists), then the path."""
    values = field_values(entity, ENTITY_FIELDS, keep=every_field, iso=True)
    return [*values.values(), entity.path]


def _decode(row: list[Any]) -> Entity:
    values: dict[str, Any] = {}
    for spec, value in zip(ENTITY_FIELDS, row, strict=False):
        if spec.kind == "datetime" and value is not None:
            value = datetime.fromisoformat(value)
        elif spec.kind == "strs":
            value = tuple(value)
        values[spec.name] = value
    return Entity(**values, path=row[len(ENTITY_FIELDS)])
