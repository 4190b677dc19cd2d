"""Visits and the register: `wkb entity link` (ids for visits recorded before the register) and
what `wkb validate` says about a visit's `entity_id`.

`link` proposes, for each visit without an `entity_id`, the entry its recorded name resolves to —
by exact name, alias or normalised name only: a prefix of an old free-text name is a guess, and
a guess is not written into a record. A dry run prints the proposals; `apply` adds the one line
`entity_id: …` to each file (atomically, under the file's lock, re-checked against what is on
disk) and leaves the recorded name as it was. Visits in a sealed month are never changed (their
files are part of the sealed figures, measure 17): they are listed as skipped.

A merge never rewrites visits either: a visit pointing at an entry merged away counts for the
entry it was merged into whenever it is read (`Register.canonical`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from wkb_tracker.domain.entities import PREFIX, Entity, Register
from wkb_tracker.domain.errors import Problem, UserError
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import Visit
from wkb_tracker.store.storage import read_yaml

LINKABLE = frozenset({"exact", "alias", "normalised"})


@dataclass(frozen=True)
class Link:
    """One proposal: the visit at `path`, recorded as `name`, is the entry `entity`."""

    path: str
    visit_id: str
    name: str
    entity: Entity
    how: str


@dataclass(frozen=True)
class Unresolved:
    """A visit whose name resolved to no single entry (`candidates`: the ones it could be)."""

    path: str
    visit_id: str
    name: str
    candidates: tuple[Entity, ...]


@dataclass
class Plan:
    links: list[Link]
    unresolved: list[Unresolved]
    sealed: list[Link]  # would link, but the month is sealed: never changed
    unknown: int = 0  # visits whose name is close to no entry at all


def plan_links(register: Register, visits: Iterable[Visit], sealed: set[tuple[int, int]]) -> Plan:
    """What `wkb entity link` would do, by path. Pure: `sealed` is the set of sealed months."""
    plan = Plan([], [], [])
    for visit in sorted(visits, key=lambda v: v.path):
        if visit.entity_id:
            continue
        match = register.resolve(visit.entity)
        entity = register.canonical(match.entity.id) if match.entity else None
        if entity is None or match.how not in LINKABLE:
            # ambiguous: every entry it could be; none: the near misses; prefix: the one entry
            candidates = match.candidates
            if match.how == PREFIX and match.entity is not None:
                candidates = (match.entity,)
            if candidates:
                plan.unresolved.append(Unresolved(visit.path, visit.id, visit.entity, candidates))
            else:
                plan.unknown += 1
            continue
        link = Link(visit.path, visit.id, visit.entity, entity, match.how)
        if (visit.date.year, visit.date.month) in sealed:
            plan.sealed.append(link)
        else:
            plan.links.append(link)
    return plan


def apply_link(root: Path, link: Link) -> None:
    """Add `entity_id` to one visit file, atomically under its lock. Refuses (ConcurrentChange)
    when the file changed meanwhile (now another name, or already linked)."""
    from wkb_tracker.domain.errors import ConcurrentChange
    from wkb_tracker.store.storage import update_locked
    from wkb_tracker.store.visits import parse_current, render

    def build(current: bytes) -> str:
        visit = parse_current(link.path, current)
        if visit.entity_id or visit.entity != link.name:
            raise ConcurrentChange(
                say(
                    "{p} 在此期间被修改,未关联;请重新运行 wkb entity link",
                    "{p} changed meanwhile; not linked, run wkb entity link again",
                    p=link.path,
                )
            )
        return render(replace(visit, entity_id=link.entity.id))

    update_locked(root / link.path, build)


def visit_problems(root: Path, register: Register, visits: Iterable[Visit]) -> list[Problem]:
    """`wkb validate`: a visit whose `entity_id` is not in the register (a typo in an edited
    file, or an entity file not yet pulled from another clone), at the `entity_id` line."""
    problems = []
    for visit in visits:
        if visit.entity_id and register.canonical(visit.entity_id) is None:
            doc = read_yaml(root, visit.path)
            line = doc.line("entity_id") if doc.value is not None else 1
            problems.append(
                Problem(
                    visit.path,
                    line,
                    say(
                        "entity_id {i} 不在主体登记册中(或其合并形成了循环)",
                        "entity_id {i} is not in the entity register (or its merges form a circle)",
                        i=visit.entity_id,
                    ),
                )
            )
    return problems


def refuse_empty(register: Register) -> None:
    if not len(register):
        raise UserError(
            say(
                "主体登记册为空:先用 wkb entity add 登记主体",
                "the entity register is empty: register entities first with wkb entity add",
            )
        )
