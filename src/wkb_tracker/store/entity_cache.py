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

from wkb_tracker.domain.entities import Entity
from wkb_tracker.store import json_cache

FILE = f"{json_cache.CACHE_DIR}/entities.json"
VERSION = 2  # 2: each entry's name keys kept beside it


def key(root: Path, folder: str) -> str | None:
    """A digest of every file's identity in `folder`; None when it cannot be listed."""
    import hashlib

    digest = hashlib.blake2b(str(VERSION).encode(), digest_size=16)
    try:
        with os.scandir(root / folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
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
            entity.id: list(row[15]) for entity, row in zip(entities, raw["entities"], strict=True)
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


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _encode(entity: Entity) -> list[Any]:
    return [
        entity.id,
        entity.name,
        list(entity.aliases),
        entity.credit_code,
        entity.district,
        entity.district_id,
        entity.type,
        list(entity.tags),
        entity.contact,
        entity.created_by,
        _time(entity.created_at),
        entity.merged_into,
        entity.merged_by,
        _time(entity.merged_at),
        entity.path,
    ]


def _decode(row: list[Any]) -> Entity:
    def moment(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value is not None else None

    return Entity(
        id=row[0],
        name=row[1],
        aliases=tuple(row[2]),
        credit_code=row[3],
        district=row[4],
        district_id=row[5],
        type=row[6],
        tags=tuple(row[7]),
        contact=row[8],
        created_by=row[9],
        created_at=moment(row[10]),
        merged_into=row[11],
        merged_by=row[12],
        merged_at=moment(row[13]),
        path=row[14],
    )
