"""`wkb visit add --entity X`: the typed name resolved against the entity register (issue 14.2).

Exact name, alias, normalised name or unique prefix → the visit stores the registered name and
its id (`entity_id`), and a missing --type / --district is taken from the entry. An ambiguous
name is refused (exit 2, the candidates listed). An unknown name is still recorded as typed (as
before the register existed); it is registered on the spot with `--register`, or after a yes/no
question in a terminal — never a question when standard input is not a terminal. Near misses
are offered ("是不是 …?") in a terminal and named in a warning otherwise. A root without a register
(no data/entities) is never asked: the question starts once the bureau registers entities.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from wkb_tracker.cli.common import warn
from wkb_tracker.domain.i18n import join_names, say

if TYPE_CHECKING:
    from wkb_tracker.domain.entities import Entity, Match, Register
    from wkb_tracker.domain.policy import Policy
    from wkb_tracker.store.visits import VisitRequest

REGISTER_HELP = (
    "未登记的主体当场登记(终端中会询问;--no-register 不登记也不询问)/ register an unknown "
    "entity on the spot (a terminal asks; --no-register neither registers nor asks)"
)


@dataclass
class EntityStep:
    """`visit add`'s use of the entity register: the entry `--entity` names, or a new one."""

    root: Path
    register: Register | None  # None: the root has no register (nothing of it is even imported)
    match: Match | None = None
    registered: Entity | None = None
    paths: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, root: Path, values: dict[str, Any]) -> EntityStep:
        """Load the register; resolve a typed --entity before anything is asked, so the entry's
        type and district fill in what was not given."""
        import os

        from wkb_tracker.store.root import ENTITIES_DIR

        if not os.path.lexists(root / ENTITIES_DIR):  # no register: visit add as before
            return cls(root, None)
        from wkb_tracker.cli.entity_cmds import _register

        step = cls(root, _register(root))
        if values["entity"] is not None:
            step._resolve(values)
        return step

    def _resolve(self, values: dict[str, Any]) -> None:
        from wkb_tracker.domain.entities import choose

        if self.register is None:
            return
        self.match = choose(self.register, values["entity"])
        self._take(values)

    def _take(self, values: dict[str, Any]) -> None:
        entity = self.match.entity if self.match else None
        if entity is None:
            return
        values["entity"] = entity.name
        if values["type"] is None and entity.type:
            values["type"] = entity.type
        if values["district"] is None and entity.district_id:
            values["district"] = entity.district_id

    def finish(self, values: dict[str, Any], wanted: bool | None, ask: bool) -> bool:
        """After the prompts: resolve a prompted name, offer near misses in a terminal. Returns
        whether an unknown name is to be registered (`--register`, or yes to the question)."""
        if self.register is None:
            return bool(wanted)  # no register: only --register starts one; never a question
        if self.match is None:
            self._resolve(values)
        match = self.match
        if match is None or match.entity is not None:
            return False
        if match.candidates and ask and wanted is None:
            guess = match.candidates[0]
            if typer.confirm(
                say(
                    "未登记的主体 {t}。是不是 {n}({i})?",
                    "{t} is not registered. Did you mean {n} ({i})?",
                    t=values["entity"],
                    n=guess.name,
                    i=guess.id,
                ),
                default=False,
                err=True,
            ):
                self.match = replace(match, how="chosen", entity=guess, via=guess.name)
                self._take(values)
                return False
        if wanted is None and ask and len(self.register):  # a bureau without a register: no question
            return typer.confirm(
                say(
                    "登记 {t} 为新的创新主体?",
                    "register {t} as a new innovation entity?",
                    t=values["entity"],
                ),
                default=False,
                err=True,
            )
        if not wanted and match.candidates:
            warn(
                say(
                    "{t} 未在主体登记册中(是不是 {c}?);已按输入记录。登记:wkb entity add 或 --register",
                    "{t} is not in the entity register (did you mean {c}?); recorded as typed. "
                    "To register it: wkb entity add, or --register",
                    t=values["entity"],
                    c=join_names(e.name for e in match.candidates),
                )
            )
        return bool(wanted)

    @property
    def entity_id(self) -> str | None:
        if self.registered is not None:
            return self.registered.id
        return self.match.entity.id if self.match and self.match.entity else None

    def register_new(self, policy: Policy, request: VisitRequest) -> VisitRequest:
        """Register the visit's entity (name, type, district as the visit has them) once the
        visit itself is known to be acceptable: a refused visit registers nothing."""
        from wkb_tracker.store.entity_store import EntityRequest, add_entity
        from wkb_tracker.store.visits import check_new

        visit = check_new(policy, self.root, request).visit  # refuses before anything is written
        if self.register is None:
            from wkb_tracker.domain.entities import Register

            self.register = Register()
        self.registered = add_entity(
            self.root,
            policy,
            self.register,
            EntityRequest(name=visit.entity, type=visit.type, district=visit.district_id),
            by=request.recorder,
        )
        self.paths.append(self.registered.path)
        return replace(request, entity_id=self.registered.id)

    def how(self) -> str:
        """How the visit's entity was found, for JSON: exact | alias | normalised | prefix |
        chosen (a suggestion accepted at the prompt) | registered | none."""
        if self.registered is not None:
            return "registered"
        return self.match.how if self.match else "none"

    def line(self) -> str:
        """The output line naming the entry the visit now points to."""
        if self.registered is not None:
            return say(
                "已登记新主体 {i}:{n}",
                "registered a new entity {i}: {n}",
                i=self.registered.id,
                n=self.registered.name,
            )
        assert self.match is not None and self.match.entity is not None
        entity = self.match.entity
        if self.match.how in ("exact", "chosen"):
            return say("主体:{n}({i})", "entity: {n} ({i})", n=entity.name, i=entity.id)
        return say(
            "主体:{n}({i}),按 {t!r} 匹配",
            "entity: {n} ({i}), matched from {t!r}",
            n=entity.name,
            i=entity.id,
            t=self.match.text,
        )


def current(register: Register, entity_id: str | None) -> dict[str, str] | None:
    """JSON `entity_current`: the entry a visit's `entity_id` stands for now (followed through
    merges), as {id, name}; None for a visit without an id or one the register lacks."""
    entity = register.canonical(entity_id) if entity_id else None
    return {"id": entity.id, "name": entity.name} if entity is not None else None


def id_text(register: Register, entity_id: str | None) -> str:
    """A visit's entity id for people: `S…`, `S… → S…(name)` when merged, or `S…(未登记)`."""
    if not entity_id:
        return ""
    entity = register.canonical(entity_id)
    if entity is None:
        return say("{i}(不在登记册中)", "{i} (not in the register)", i=entity_id)
    if entity.id != entity_id:
        return f"{entity_id} → {entity.id}({entity.name})"
    return entity_id
