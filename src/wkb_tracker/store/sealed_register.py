"""A change to the entity register must not move the figures of a sealed month.

Measure 14 counts contacts; when a month's counting rule says one contact per entity and day
(`one_per_entity_per_day`, issue 15), which visits are to one entity comes from the register
(domain/identity: merges, names and aliases). Sealed figures are a promise (issue 6): a record of
a sealed month cannot be changed without reopening it, and neither can the register in a way that
recounts it — `entity add`, `entity edit`, `entity merge` and `wkb import` of entities check here
before they write anything. A month sealed under any other rule does not depend on the register
and costs nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from pathlib import Path

from wkb_tracker.domain.entities import Entity, Register
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say


def refuse_moving_sealed_figures(
    root: Path, register: Register | None, changed: Iterable[Entity]
) -> None:
    """Refuse (exit 2, nothing written) when the register with `changed` entries put in (new or
    replacing theirs by id) would give a sealed month other measure-14 figures than the
    register as it is (`register`; read from disk when None and a sealed month needs it)."""
    from wkb_tracker.store.sealing import read_seals

    seals, _problems = read_seals(root)
    # The flag does not depend on the minimum a seal falls back to (manifests without a rule).
    seals = [
        seal
        for seal in seals
        if seal.figures is not None and seal.counting_rule(2).one_per_entity_per_day
    ]
    changed = list(changed)
    if not seals or not changed:
        return
    from wkb_tracker.store.loader import load
    from wkb_tracker.store.sealing import figure_changes, figures_of

    if register is None:
        from wkb_tracker.store.entity_store import load_register

        register, _problems = load_register(root)

    proposed = Register(register.entities.values())
    for entity in changed:
        proposed.include(entity)
    data = load(root, months=[(seal.year, seal.month) for seal in seals], rectifications=False)
    for seal in seals:
        first = date(seal.year, seal.month, 1)
        sealed_ids = {entry.id for entry in seal.visits}
        visits = [
            visit
            for visit in data.visits
            if visit.id in sealed_ids
            and (visit.date.year, visit.date.month) == (seal.year, seal.month)
        ]
        month = replace(data, visits=visits)
        rule = seal.counting_rule(data.monthly_minimum, data.config.monthly_minimum)
        now = figures_of(replace(month, register=register), first, rule)
        then = figures_of(replace(month, register=proposed), first, rule)
        changes = figure_changes(now, then)
        if changes:
            raise UserError(
                say(
                    "此改动会改变已封存月份 {m} 的数字(该月按同一主体同日只计一次计数):{c}。"
                    "确需改动,请先重新打开该月:wkb month reopen {m}",
                    "this change would move the figures of the sealed month {m} (counted one "
                    "contact per entity and day): {c}. To make it, reopen the month first: "
                    "wkb month reopen {m}",
                    m=seal.label,
                    c=join_names(changes, 3, sep="; "),
                )
            )
