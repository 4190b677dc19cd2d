"""The one rule for "are these two visits to the same entity?" (issue 12.2). Pure.

With an entity register, a visit's entity is the entry it stands for now: its `entity_id`
followed through merges (a merged entry counts for the one that stayed), else its name resolved
as `visit add` resolves one (Register.resolve). Without a register, or for a name the register
does not know, it is the name's key (entity_names.name_key: width, blanks, case, brackets,
有限公司-style suffixes). `wkb stats` groups by this key and measure 14's
`one_per_entity_per_day` counts one contact per key and day, `wkb entity show` lists the visits
of an entry, `report --explain` names who each visit served and `wkb import` recognises a row
again by this key: none of them can disagree about which visits are one entity's.
"""

from __future__ import annotations

from collections.abc import Iterable

from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.domain.entity_names import name_key
from wkb_tracker.domain.model import Visit


class Identities:
    """Who each visit's entity is, remembered per typed name (a register look-up by name is
    not free and one name recurs across many visits)."""

    def __init__(self, register: Register | None = None) -> None:
        self.register = register if register is not None and len(register) else None
        self._by_name: dict[str, Entity | None] = {}
        self._identified: dict[tuple[str | None, str], tuple[str, Entity | None]] = {}

    def entry(self, visit: Visit) -> Entity | None:
        """The register entry the visit's entity is now; None without a register or when the
        register does not know it."""
        if self.register is None:
            return None
        if visit.entity_id:
            current = self.register.canonical(visit.entity_id)
            if current is not None:
                return current
        if visit.entity not in self._by_name:
            match = self.register.resolve(visit.entity, suggest=False)
            found = self.register.canonical(match.entity.id) if match.entity else None
            self._by_name[visit.entity] = found
        return self._by_name[visit.entity]

    def key(self, visit: Visit) -> str:
        """`id:<entry id>` for a registered entity, else `name:<name key>`: equal keys, same
        entity."""
        return self.identify(visit)[0]

    def identify(self, visit: Visit) -> tuple[str, Entity | None]:
        """(`key`, `entry`) of the visit, remembered per entity id and typed name: a year's
        statistics ask for ~25,000 visits' keys, of a few thousand names."""
        memo = (visit.entity_id, visit.entity)
        found = self._identified.get(memo)
        if found is None:
            entry = self.entry(visit)
            key = "id:" + entry.id if entry is not None else "name:" + name_key(visit.entity)
            found = self._identified[memo] = (key, entry)
        return found

    def visits_of(self, visits: Iterable[Visit], entity_id: str) -> list[Visit]:
        """The non-void `visits` whose entity is the entry `entity_id` now (recorded with its
        id or an id merged into it, or by a name that resolves to it), by date and id."""
        return sorted(
            (
                visit
                for visit in visits
                if not visit.is_void
                and (found := self.entry(visit)) is not None
                and found.id == entity_id
            ),
            key=lambda visit: (visit.date, visit.id),
        )
