"""The entity register in memory: who the bureau serves (创新主体), and how a typed name finds one.

An `Entity` is one organisation: its registered name, other names it goes by (aliases), its
统一社会信用代码, district, kind (the notice's four kinds), free tags (高企培育库, 孵化载体, 联络员单位 —
measures 8, 11, 12) and a contact person. Entries are never deleted: one merged into another
keeps its file with `merged_into`, and every reader follows that pointer, so visits that name
the merged entry count for the one that stayed.

`Register.resolve(text)` is the one look-up used by `visit add`, `entity link` and import: exact
name, then alias, then the normalised key (entity_names.name_key), then a unique prefix of a key;
otherwise no match, with near misses to suggest. Pure: no I/O.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from wkb_tracker.domain.entity_names import name_key
from wkb_tracker.domain.model import Field

# Tags the notice suggests (measures 8, 11, 12); any other tag is accepted as typed.
SUGGESTED_TAGS = ("高企培育库", "孵化器", "孵化载体", "联络员单位")
MIN_PREFIX = 2  # characters of key a prefix needs before it may pick an entity on its own

# How a typed name was matched: the first four name an entity; the last two do not.
EXACT, ALIAS, NORMALISED, PREFIX, AMBIGUOUS, NONE = (
    "exact",
    "alias",
    "normalised",
    "prefix",
    "ambiguous",
    "none",
)


@dataclass(frozen=True, slots=True)
class Entity:
    """One registered innovation entity; `path` is the file it was read from (root-relative)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    credit_code: str | None = None
    district: str | None = None
    district_id: str | None = None
    type: str | None = None
    tags: tuple[str, ...] = ()
    contact: str = ""
    created_by: str = ""
    created_at: datetime | None = None
    # Set by `wkb entity merge`: the entry that took this one's names (kept, never deleted).
    merged_into: str | None = None
    merged_by: str | None = None
    merged_at: datetime | None = None
    path: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def is_merged(self) -> bool:
        return self.merged_into is not None


# An entry's fields in the order its file holds them (the on-disk format is a promise: add
# optional fields, never rename). The file mapping and the public JSON view
# (store/entity_store) and the cache row (store/entity_cache) are derived from this one list;
# `path` is where an entry was read from, not a field of the file.
ENTITY_FIELDS = (
    Field("id", "str"),
    Field("name", "str"),
    Field("aliases", "strs", required=False),
    Field("credit_code", "str", required=False, nullable=True),
    Field("district", "str", required=False, nullable=True),
    Field("district_id", "str", required=False, nullable=True),
    Field("type", "str", required=False, nullable=True),
    Field("tags", "strs", required=False),
    Field("contact", "text", required=False),
    Field("created_by", "text", required=False),
    Field("created_at", "datetime", required=False),
    # Written by `wkb entity merge` only.
    Field("merged_into", "str", required=False, nullable=True, omit_empty=True),
    Field("merged_by", "text", required=False, nullable=True, omit_empty=True),
    Field("merged_at", "datetime", required=False, nullable=True, omit_empty=True),
)


@dataclass(frozen=True, slots=True)
class Match:
    """What a typed name resolved to.

    `entity` is the entry that counts (after following merges) when `how` is exact, alias,
    normalised or prefix; None when `how` is ambiguous (`candidates`: every entry it could be) or
    none (`candidates`: near misses worth suggesting, closest first, maybe empty). `via` is the
    registered name or alias that matched."""

    text: str
    how: str
    entity: Entity | None = None
    via: str = ""
    candidates: tuple[Entity, ...] = ()

    @property
    def found(self) -> bool:
        return self.entity is not None


class Register:
    """Every entry by id, with the name keys of the entries that are not merged away."""

    __slots__ = ("_keys", "entities")

    def __init__(
        self, entities: Iterable[Entity] = (), keys: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        """`keys` (entity id → the name_key of each of its names, in order) may come with the
        entities from a cache, so that a large register is indexed without normalising again."""
        self.entities: dict[str, Entity] = {}
        # name key → (entity id, the name or alias giving that key), active entries only
        self._keys: dict[str, list[tuple[str, str]]] = {}
        for entity in entities:
            self.include(entity, keys.get(entity.id) if keys else None)

    def include(self, entity: Entity, keys: Sequence[str] | None = None) -> None:
        """Add (or replace, by id) one entry: how import and `entity add` keep a register current
        while they write, without reading the files again."""
        old = self.entities.get(entity.id)
        if old is not None:
            self._forget(old)
        self.entities[entity.id] = entity
        if not entity.is_merged:
            names = entity.names
            if keys is None or len(keys) != len(names):
                keys = [name_key(name) for name in names]
            for name, key in zip(names, keys, strict=True):
                self._keys.setdefault(key, []).append((entity.id, name))

    def _forget(self, entity: Entity) -> None:
        for name in entity.names:
            key = name_key(name)
            kept = [pair for pair in self._keys.get(key, []) if pair[0] != entity.id]
            if kept:
                self._keys[key] = kept
            else:
                self._keys.pop(key, None)

    def __iter__(self) -> Iterator[Entity]:
        return iter(sorted(self.entities.values(), key=lambda e: (e.name, e.id)))

    def __len__(self) -> int:
        return len(self.entities)

    def active(self) -> list[Entity]:
        """The entries not merged into another, by name."""
        return [entity for entity in self if not entity.is_merged]

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    def canonical(self, entity_id: str | None) -> Entity | None:
        """The entry a stored id stands for now: itself, or the one it was merged into (followed
        to the end; None for an unknown id or a merge cycle, which `wkb validate` reports)."""
        seen: set[str] = set()
        current = self.entities.get(entity_id) if entity_id else None
        while current is not None and current.merged_into is not None:
            if current.id in seen:
                return None
            seen.add(current.id)
            current = self.entities.get(current.merged_into)
        return current

    def by_code(self, code: str) -> Entity | None:
        """The active entry holding this 统一社会信用代码 (codes are compared as stored: normalised)."""
        return next((e for e in self.active() if e.credit_code == code), None)

    def same_name(self, name: str) -> list[Entity]:
        """Active entries one of whose names has the same key as `name` (duplicates to refuse)."""
        ids = dict.fromkeys(entity_id for entity_id, _n in self._keys.get(name_key(name), []))
        return [self.entities[entity_id] for entity_id in ids]

    def resolve(self, text: str, *, suggest: bool = True) -> Match:
        """The entry `text` names: exact registered name, exact alias, same key
        (entity_names.name_key), or a unique prefix (at least MIN_PREFIX characters) of a key.
        Several entries at the first step that finds any → ambiguous. Never raises. Near misses
        are looked for only when `suggest` (they cost a similarity pass over every name)."""
        wanted = text.strip()
        key = name_key(wanted)
        if not key:
            return Match(text, NONE)
        pairs = self._keys.get(key, [])
        for how, chosen in (
            (EXACT, [p for p in pairs if p[1] == wanted and p[1] == self.entities[p[0]].name]),
            (ALIAS, [p for p in pairs if p[1] == wanted]),
            (NORMALISED, pairs),
        ):
            found = self._one(text, how, chosen)
            if found is not None:
                return found
        if len(key) >= MIN_PREFIX:
            prefixed = [
                pair
                for other, names in self._keys.items()
                if other.startswith(key)
                for pair in names
            ]
            found = self._one(text, PREFIX, prefixed)
            if found is not None:
                return found
        return Match(text, NONE, candidates=self.near(wanted) if suggest else ())

    def _one(self, text: str, how: str, pairs: list[tuple[str, str]]) -> Match | None:
        ids = list(dict.fromkeys(entity_id for entity_id, _n in pairs))
        if not ids:
            return None
        if len(ids) > 1:
            return Match(text, AMBIGUOUS, candidates=tuple(self.entities[i] for i in sorted(ids)))
        via = next(name for entity_id, name in pairs if entity_id == ids[0])
        return Match(text, how, entity=self.entities[ids[0]], via=via)

    def near(self, text: str, count: int = 3) -> tuple[Entity, ...]:
        """Up to `count` active entries whose names are close to `text` (did-you-mean), closest
        first: by similarity of keys, and any entry whose key contains the typed key."""
        key = name_key(text)
        if not key:
            return ()
        close = difflib.get_close_matches(key, list(self._keys), n=count, cutoff=0.6)
        close += [other for other in self._keys if key in other and other not in close]
        ids = dict.fromkeys(entity_id for other in close for entity_id, _n in self._keys[other])
        return tuple(self.entities[entity_id] for entity_id in list(ids)[:count])

    def find(self, text: str) -> Entity | None:
        """The entry with this id (as typed, any case), else the one `text` resolves to."""
        entity = self.entities.get(text.strip().upper())
        if entity is not None:
            return entity
        return self.resolve(text).entity


def ambiguous_error(match: Match, label: str = "--entity") -> Exception:
    """The refusal for a name several entries answer to: each candidate with its id."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.i18n import say

    return UserError(
        say(
            "{label} {t!r} 有歧义,可能是:{c}。请写全称或编号",
            "{label} {t!r} is ambiguous; it could be: {c}. Give the whole name or the id",
            label=label,
            t=match.text,
            c=listed(match.candidates),
        )
    )


LISTED = 5  # candidates named in one message; the rest are counted


def listed(entities: Sequence[Entity]) -> str:
    """`name(id)、…` for the first LISTED entries, then how many more (a short prefix of a large
    register can match hundreds: the message stays one readable line)."""
    from wkb_tracker.domain.i18n import join_names, say

    more = say(" 等,另有 {n} 个", " and {n} more")  # {n}: filled in by join_names
    return join_names((f"{e.name}({e.id})" for e in entities), LISTED, more=more)


def choose(register: Register, text: str, label: str = "--entity") -> Match:
    """What a visit's typed entity stands for: a Match naming an entry (followed through merges:
    a visit never points at an entry merged away), or `none` with near misses (the name is then
    recorded as typed, as before the register existed). Refuses an ambiguous name (UserError,
    exit 2), an id that is not in the register; an entry's id typed as the name picks it."""
    from wkb_tracker.domain.errors import UserError
    from wkb_tracker.domain.i18n import say

    wanted = text.strip()
    by_id = register.get(wanted.upper())
    if by_id is None and _looks_like_id(wanted) and len(register):
        raise UserError(
            say(
                "{label} {t!r} 不是登记册中的主体编号。wkb entity list 列出全部",
                "{label} {t!r} is not an id in the entity register. wkb entity list shows them all",
                label=label,
                t=text,
            )
        )
    if by_id is not None:
        match = Match(text, EXACT, entity=by_id, via=by_id.id)
    else:
        match = register.resolve(wanted)
    if match.how == AMBIGUOUS:
        raise ambiguous_error(match, label)
    if match.entity is not None and match.entity.is_merged:
        current = register.canonical(match.entity.id)
        match = Match(text, match.how, entity=current, via=match.via) if current else match
    return match


def _looks_like_id(text: str) -> bool:
    from wkb_tracker.domain.ids import ENTITY, is_valid_id

    return is_valid_id(text.upper(), ENTITY)
