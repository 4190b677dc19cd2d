"""The entity register on disk: one YAML file per entity, `data/entities/<id>.yaml`.

Why this layout: the register is always read whole (every look-up of a typed name needs every
name), so month folders would buy nothing; the file is named by the entity's id, which never
changes, so renaming an entity (its old name kept as an alias) edits one file in place and never
renames it; and two clerks who each register an entity on their own clones add two different
files, so their clones merge without conflicts (as visits do). Ids are `S` + the day it was
registered + six random characters (ids.py), unique without coordination.

The small API other features use (import, visit add):

    register, problems = load_register(root)        # every entry; broken files as Problems
    match = register.resolve("光谷实验室")              # entities.Match: how, entity, candidates
    entity = add_entity(root, policy, register, EntityRequest(name=…), by="张三")

Every refusal is a UserError (exit 2) raised before anything is written; entries are never
deleted (a merge marks the merged entry, `merged_into`, and keeps it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain import dates, ids
from wkb_tracker.domain.credit_code import code_problem, normalise_code, parse_code
from wkb_tracker.domain.entities import ENTITY_FIELDS, PREFIX, Entity, Register, listed
from wkb_tracker.domain.entity_names import name_key
from wkb_tracker.domain.errors import DataError, Problem, UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import ENTITY_TYPES
from wkb_tracker.domain.policy import Policy
from wkb_tracker.domain.text import clean_text
from wkb_tracker.store.root import ENTITIES_DIR
from wkb_tracker.store.schema import check_mapping, every_field, field_values, written_field
from wkb_tracker.store.storage import (
    Document,
    create_exclusive,
    dump_yaml,
    is_temp_file,
    parse_yaml,
    read_yaml,
    update_locked,
)

CREATE_ATTEMPTS = 8


def entity_path(entity_id: str) -> str:
    """`data/entities/<id>.yaml`, relative to the root."""
    return f"{ENTITIES_DIR}/{entity_id}.yaml"


# -- reading ------------------------------------------------------------------------------------


def entity_from_document(doc: Document) -> tuple[Entity | None, list[Problem]]:
    """An Entity from its parsed file, or None and the problems that prevent it. Problems that
    leave the entry usable (a bad credit code, an unknown type) are `entity_problems`' job."""
    raw = doc.value
    problems = check_mapping(doc, raw, ENTITY_FIELDS)
    if problems:
        return None, problems
    if not ids.is_valid_id(raw["id"], ids.ENTITY):
        message = say(
            "主体编号格式不对:{i}(形如 S20261201-7KQF2M)",
            "malformed entity id {i} (ids look like S20261201-7KQF2M)",
            i=raw["id"],
        )
        return None, [doc.problem(message, "id")]
    if doc.rel != entity_path(raw["id"]):
        message = say(
            "文件应为 {p}(按主体编号命名)",
            "the file should be {p} (named by the entity's id)",
            p=entity_path(raw["id"]),
        )
        return None, [doc.problem(message, "id")]
    # A field the file leaves out, or writes as null, keeps the Entity's default ("" for a text,
    # no aliases, no merge …).
    values: dict[str, Any] = {
        spec.name: tuple(value) if spec.kind == "strs" else value
        for spec in ENTITY_FIELDS
        if (value := raw.get(spec.name)) is not None
    }
    return Entity(**values, path=doc.rel), []


def entity_to_mapping(entity: Entity) -> dict[str, Any]:
    """The mapping an entity file holds, in `ENTITY_FIELDS` order; the merge fields only once
    the entry is merged."""
    return field_values(entity, ENTITY_FIELDS, keep=written_field)


def render(entity: Entity) -> str:
    return dump_yaml(entity_to_mapping(entity))


def entity_files(root: Path) -> tuple[list[str], list[str], list[Problem]]:
    """(entity files, leftover temp files, problems) under data/entities, relative to root.

    The folder is flat: a subfolder or a file that is not `.yaml` is a problem, not read."""
    folder = root / ENTITIES_DIR
    files: list[str] = []
    temps: list[str] = []
    problems: list[Problem] = []
    if os.path.islink(folder):
        return (
            [],
            [],
            [Problem(ENTITIES_DIR, 1, say("是符号链接,未读取", "is a symlink; not read"))],
        )
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except FileNotFoundError:
        return [], [], []
    except OSError as error:
        why = error.strerror or str(error)
        return (
            [],
            [],
            [Problem(ENTITIES_DIR, 1, say("无法读取文件夹:", "cannot read this folder: ") + why)],
        )
    for entry in entries:
        rel = f"{ENTITIES_DIR}/{entry.name}"
        if is_temp_file(entry.name):
            temps.append(rel)
        elif entry.name.startswith("."):
            continue
        elif entry.name.endswith(".yaml") and not entry.is_dir(follow_symlinks=False):
            files.append(rel)
        else:
            problems.append(
                Problem(
                    rel,
                    1,
                    say(
                        "主体登记册只放 <编号>.yaml 文件,此项未读取",
                        "the entity register holds only <id>.yaml files; not read",
                    ),
                )
            )
    return files, temps, problems


def read_entities(root: Path) -> tuple[list[Entity], list[Problem]]:
    """Every readable entry (file order) and the problems of the files that are not."""
    files, _temps, problems = entity_files(root)
    found: list[Entity] = []
    for rel in files:
        doc = read_yaml(root, rel)
        entity, more = entity_from_document(doc) if not doc.problems else (None, doc.problems)
        problems += more
        if entity is not None:
            found.append(entity)
    return found, problems


def load_register(root: Path, *, cache: bool = True) -> tuple[Register, list[Problem]]:
    """The register of `root` (empty when there is no data/entities) and the files left out.

    A register without problems is remembered in `.wkb-cache/entities.json` (entity_cache), so
    `wkb visit add` reads one file instead of parsing every entry; `cache=False` (validate)
    always reads the files."""
    if not os.path.lexists(root / ENTITIES_DIR):  # no register: one stat, no cache file
        return Register(), []
    from wkb_tracker.store import entity_cache

    return load_signed_register(root, entity_cache.key(root, ENTITIES_DIR) if cache else None)


def load_signed_register(root: Path, wanted: str | None) -> tuple[Register, list[Problem]]:
    """`load_register` under a signature of data/entities the caller already took
    (`entity_cache.key`, e.g. for an answer's key: the folder is listed once); None: read the
    files, remember nothing."""
    if not os.path.lexists(root / ENTITIES_DIR):
        return Register(), []
    from wkb_tracker.store import entity_cache

    cached = entity_cache.read(root, wanted)
    if cached is not None:
        return Register(*cached), []
    found, problems = read_entities(root)
    if not problems:
        entity_cache.write(root, wanted, found)
    return Register(found), problems


def _line(root: Path, rel: str, *keys: str | int) -> int:
    doc = read_yaml(root, rel)
    return doc.line(*keys) if doc.value is not None else 1


def entity_problems(
    root: Path, register: Register, district_names: dict[str, str]
) -> list[Problem]:
    """What `wkb validate` reports about entries that were read (`path:line: message`): a bad
    credit code, an unknown type or district, a merge pointing nowhere (or in a circle), names
    or codes registered twice (reported at the later entry, naming the earlier one).
    `district_names`: district name → id, as in the responsibility table."""
    problems: list[Problem] = []

    def at(entity: Entity, message: str, *keys: str | int) -> None:
        problems.append(Problem(entity.path, _line(root, entity.path, *keys), message))

    for entity in register:
        if entity.credit_code is not None:
            why = code_problem(entity.credit_code)
            if why is None and normalise_code(entity.credit_code) != entity.credit_code:
                why = say("应写成 {c}", "write it as {c}", c=normalise_code(entity.credit_code))
            if why is not None:
                at(
                    entity,
                    say("统一社会信用代码无效:", "invalid credit code: ") + why,
                    "credit_code",
                )
        if entity.type is not None and entity.type not in ENTITY_TYPES:
            at(
                entity,
                say(
                    "未知的主体类型 {t};可选:{v}",
                    "unknown entity type {t}; valid: {v}",
                    t=entity.type,
                    v=" | ".join(ENTITY_TYPES),
                ),
                "type",
            )
        placed = entity.district is not None or entity.district_id is not None
        if placed and district_names.get(entity.district or "") != entity.district_id:
            at(
                entity,
                say(
                    "区 {d}({i})与责任分工表不符",
                    "district {d} ({i}) does not match the responsibility table",
                    d=entity.district,
                    i=entity.district_id,
                ),
                "district",
            )
        if entity.merged_into is not None and register.canonical(entity.id) is None:
            at(
                entity,
                say(
                    "merged_into {m} 不是登记册中的主体(或合并形成了循环)",
                    "merged_into {m} is not an entry of the register (or merges form a circle)",
                    m=entity.merged_into,
                ),
                "merged_into",
            )
    problems += _duplicates(root, register)
    return sorted(problems)


def check_register(root: Path, policy: Policy) -> tuple[Register, list[Problem]]:
    """The register read from its files (never the cache) and every problem `wkb validate`
    reports about it: unreadable files, then `entity_problems`."""
    register, problems = load_register(root, cache=False)
    return register, problems + entity_problems(root, register, policy.district_ids_by_name)


def _duplicates(root: Path, register: Register) -> list[Problem]:
    problems: list[Problem] = []
    first_by_key: dict[str, Entity] = {}
    first_by_code: dict[str, Entity] = {}
    for entity in sorted(register.active(), key=lambda e: e.id):
        for index, name in enumerate(entity.names):
            other = first_by_key.setdefault(name_key(name), entity)
            if other.id != entity.id:
                keys: tuple[str | int, ...] = ("name",) if index == 0 else ("aliases", index - 1)
                problems.append(
                    Problem(
                        entity.path,
                        _line(root, entity.path, *keys),
                        say(
                            "名称 {n} 与 {i}({o})重复;同一主体请用 wkb entity merge {i} {j} 合并",
                            "the name {n} is already registered as {i} ({o}); if they are one "
                            "entity: wkb entity merge {i} {j}",
                            n=name,
                            i=other.id,
                            o=other.name,
                            j=entity.id,
                        ),
                    )
                )
        if entity.credit_code:
            other = first_by_code.setdefault(entity.credit_code, entity)
            if other.id != entity.id:
                problems.append(
                    Problem(
                        entity.path,
                        _line(root, entity.path, "credit_code"),
                        say(
                            "统一社会信用代码 {c} 已属于 {i}({o})",
                            "credit code {c} already belongs to {i} ({o})",
                            c=entity.credit_code,
                            i=other.id,
                            o=other.name,
                        ),
                    )
                )
    return problems


# -- checking typed values ------------------------------------------------------------------------


def _names(values: Iterable[str], label: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(clean_text(value, label, required=True) for value in values))


def _refuse_taken(
    register: Register, names: Sequence[str], code: str | None, own: str = ""
) -> None:
    """Refuse a name (by key) or a code that another active entry already holds."""
    for name in names:
        others = [e for e in register.same_name(name) if e.id != own]
        if others:
            other = others[0]
            raise UserError(
                say(
                    "{n} 已登记为 {i}({o});如是同一主体,请直接使用或 wkb entity edit {i} --alias …",
                    "{n} is already registered as {i} ({o}); use it, or add an alias with "
                    "wkb entity edit {i} --alias …",
                    n=name,
                    i=other.id,
                    o=other.name,
                )
            )
    if code:
        other_entity = register.by_code(code)
        if other_entity is not None and other_entity.id != own:
            raise UserError(
                say(
                    "统一社会信用代码 {c} 已属于 {i}({o})",
                    "credit code {c} already belongs to {i} ({o})",
                    c=code,
                    i=other_entity.id,
                    o=other_entity.name,
                )
            )


def _district(policy: Policy, text: str | None) -> tuple[str | None, str | None]:
    if text is None or not text.strip():
        return None, None
    district_id = policy.resolve_district(text, field="--district")
    return policy.district_name(district_id), district_id


def _type(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    from wkb_tracker.domain.visit_rules import resolve_type

    return resolve_type(text)


@dataclass(frozen=True)
class EntityRequest:
    """Values as typed for a new entry; only `name` is required."""

    name: str
    aliases: Sequence[str] = ()
    code: str | None = None
    district: str | None = None
    type: str | None = None
    tags: Sequence[str] = ()
    contact: str = ""


def build_entity(
    policy: Policy,
    register: Register,
    request: EntityRequest,
    *,
    by: str,
    now: datetime | None = None,
) -> Entity:
    """A checked new Entity. Refuses (UserError naming the option): an empty name, an invalid
    credit code (GB 32100-2015 and GB 11714 check characters), a name, alias or code another
    active entry holds, an unknown or ambiguous district, an unknown type, control characters."""
    # NAME: `wkb entity add` takes the name as its argument (there is no --name option there)
    name = clean_text(request.name, "NAME", required=True)
    aliases = tuple(a for a in _names(request.aliases, "--alias") if a != name)
    code = parse_code(request.code) if request.code and request.code.strip() else None
    _refuse_taken(register, (name, *aliases), code)
    district, district_id = _district(policy, request.district)
    moment = now or dates.now()
    return Entity(
        id=ids.new_id(ids.ENTITY, moment.date()),
        name=name,
        aliases=aliases,
        credit_code=code,
        district=district,
        district_id=district_id,
        type=_type(request.type),
        tags=_names(request.tags, "--tag"),
        contact=clean_text(request.contact, "--contact"),
        created_by=clean_text(by, "--by"),
        created_at=moment,
    )


def write_new(root: Path, entity: Entity) -> Entity:
    """Create the entry's file exclusively and atomically (a fresh id if the name is taken);
    returns it with its final id and path. An existing file is never touched."""
    for _attempt in range(CREATE_ATTEMPTS):
        rel = entity_path(entity.id)
        try:
            create_exclusive(root / rel, render(entity))
        except FileExistsError:
            entity = replace(
                entity, id=ids.new_id(ids.ENTITY, ids.id_date(entity.id) or dates.today())
            )
            continue
        return replace(entity, path=rel)
    raise UserError(  # pragma: no cover - needs CREATE_ATTEMPTS id collisions in a row
        say("无法生成不重复的编号,请重试", "could not draw an unused id; try again")
    )


def add_entity(
    root: Path, policy: Policy, register: Register, request: EntityRequest, *, by: str
) -> Entity:
    """Check and write a new entry, and include it in `register` (so a caller adding many, like
    import, sees each one). Nothing is written when anything is refused."""
    from wkb_tracker.store.sealed_register import refuse_moving_sealed_figures

    entity = build_entity(policy, register, request, by=by)
    refuse_moving_sealed_figures(root, register, [entity])
    entity = write_new(root, entity)
    register.include(entity)
    return entity


# -- changing an entry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityChanges:
    """What `wkb entity edit` was asked to change; None / empty: leave as is."""

    name: str | None = None
    add_aliases: Sequence[str] = ()
    remove_aliases: Sequence[str] = ()
    code: str | None = None  # "" clears it
    district: str | None = None  # "" clears it
    type: str | None = None  # "" clears it
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()
    contact: str | None = None

    def is_empty(self) -> bool:
        return not any(getattr(self, name) or getattr(self, name) == "" for name in _CHANGES)


_CHANGES = (
    "name",
    "add_aliases",
    "remove_aliases",
    "code",
    "district",
    "type",
    "add_tags",
    "remove_tags",
    "contact",
)


def _parse_file(rel: str, data: bytes) -> Entity:
    value, problems = parse_yaml(data, rel)
    entity, more = (
        entity_from_document(Document(rel, data, value, problems)) if not problems else (None, [])
    )
    if entity is None:
        raise DataError("\n".join(str(problem) for problem in problems + more))
    return entity


def find_entity(register: Register, text: str, *, prefix: bool = True) -> Entity:
    """The entry `text` names (an id, or a name resolved as `visit add` would; without `prefix`
    only a whole name, alias or normalised name: merging is not undone by a command, so it
    never acts on a guess). Refuses an unknown or ambiguous one, listing the candidates."""
    entity = register.get(text.strip().upper())
    if entity is not None:
        return entity
    match = register.resolve(text)
    if match.entity is not None and (prefix or match.how != PREFIX):
        return match.entity
    if match.entity is not None:
        match = replace(match, candidates=(match.entity,))
    if match.candidates and match.how == "ambiguous":
        raise UserError(
            say(
                "{t!r} 有歧义,可能是:{c}",
                "{t!r} is ambiguous; it could be: {c}",
                t=text,
                c=listed(match.candidates),
            )
        )
    hint = (
        say("(是不是 {c}?)", " (did you mean {c}?)", c=match.candidates[0].name)
        if match.candidates
        else ""
    )
    raise UserError(
        say(
            "登记册中没有主体 {t!r}{h}。wkb entity list 列出全部",
            "no entity {t!r} in the register{h}. wkb entity list shows them all",
            t=text,
            h=hint,
        )
    )


def _refuse_merged(entity: Entity) -> None:
    if entity.merged_into is not None:
        raise UserError(
            say(
                "{i}({n})已并入 {m},请修改 {m}",
                "{i} ({n}) was merged into {m}; change {m} instead",
                i=entity.id,
                n=entity.name,
                m=entity.merged_into,
            )
        )


def apply_changes(
    policy: Policy, register: Register, entity: Entity, changes: EntityChanges
) -> Entity:
    """`entity` with `changes` applied and checked (as `build_entity` checks a new one). A new
    name keeps the old one as an alias, so visits that named it still find this entry."""
    name = entity.name
    aliases = list(entity.aliases)
    if changes.name is not None:
        new_name = clean_text(changes.name, "--name", required=True)
        if new_name != name:
            aliases = [a for a in aliases if a != new_name]
            aliases.insert(0, name)
            name = new_name
    for alias in _names(changes.add_aliases, "--alias"):
        if alias != name and alias not in aliases:
            aliases.append(alias)
    for alias in _names(changes.remove_aliases, "--remove-alias"):
        if alias not in aliases:
            raise UserError(
                say(
                    "{i} 没有别名 {a};现有别名:{v}",
                    "{i} has no alias {a}; its aliases: {v}",
                    i=entity.id,
                    a=alias,
                    v=join_names(aliases) or "-",
                )
            )
        aliases.remove(alias)
    code = entity.credit_code
    if changes.code is not None:
        code = parse_code(changes.code) if changes.code.strip() else None
    _refuse_taken(register, (name, *aliases), code, own=entity.id)
    district, district_id = entity.district, entity.district_id
    if changes.district is not None:
        district, district_id = _district(policy, changes.district)
    kind = entity.type if changes.type is None else _type(changes.type)
    tags = list(entity.tags)
    tags += [tag for tag in _names(changes.add_tags, "--tag") if tag not in tags]
    for tag in _names(changes.remove_tags, "--remove-tag"):
        if tag in tags:
            tags.remove(tag)
    contact = entity.contact
    if changes.contact is not None:
        contact = clean_text(changes.contact, "--contact")
    return replace(
        entity,
        name=name,
        aliases=tuple(aliases),
        credit_code=code,
        district=district,
        district_id=district_id,
        type=kind,
        tags=tuple(tags),
        contact=contact,
    )


def edit_entity(
    root: Path, policy: Policy, register: Register, text: str, changes: EntityChanges
) -> tuple[Entity, Entity]:
    """(before, after) of the entry `text` names, changed in its own file under its lock.
    Refuses a merged entry (change the one it went into), and what `apply_changes` refuses."""
    from wkb_tracker.store.sealed_register import refuse_moving_sealed_figures

    entity = find_entity(register, text)
    _refuse_merged(entity)
    rel = entity_path(entity.id)
    result: list[tuple[Entity, Entity]] = []

    def build(current: bytes) -> str:
        before = _parse_file(rel, current)
        _refuse_merged(before)
        after = apply_changes(policy, register, before, changes)
        refuse_moving_sealed_figures(root, register, [after])
        result.append((before, replace(after, path=rel)))
        return render(after)

    update_locked(root / rel, build)
    before, after = result[-1]
    register.include(after)
    return before, after


def merge_entities(
    root: Path, register: Register, keep_text: str, gone_text: str, *, by: str
) -> tuple[Entity, Entity]:
    """Merge the entry `gone_text` names into the one `keep_text` names; (kept, merged).

    The kept entry takes the other's name and aliases as aliases, its tags, and whatever it lacks
    of credit code, district, type and contact. The merged entry's file stays, marked
    `merged_into`, `merged_by`, `merged_at`: visits that point to it count for the kept one when
    read (no visit file is rewritten). Refuses: the same entry twice, an entry already merged,
    and two different credit codes (two legal persons are never one entity)."""
    keep = find_entity(register, keep_text, prefix=False)
    gone = find_entity(register, gone_text, prefix=False)
    if keep.id == gone.id:
        raise UserError(say("不能把 {i} 合并到它自己", "cannot merge {i} into itself", i=keep.id))
    _refuse_merged(keep)
    _refuse_merged(gone)
    if keep.credit_code and gone.credit_code and keep.credit_code != gone.credit_code:
        raise UserError(
            say(
                "{a} 与 {b} 的统一社会信用代码不同({x} / {y}),是两个法人,不能合并",
                "{a} and {b} have different credit codes ({x} / {y}): two legal persons, not merged",
                a=keep.id,
                b=gone.id,
                x=keep.credit_code,
                y=gone.credit_code,
            )
        )
    now = dates.now()
    by = clean_text(by, "--by")
    keep_rel, gone_rel = entity_path(keep.id), entity_path(gone.id)
    kept: list[Entity] = []

    def merged_keep(entity: Entity) -> Entity:
        aliases = list(entity.aliases)
        aliases += [n for n in gone.names if n != entity.name and n not in aliases]
        tags = list(entity.tags) + [t for t in gone.tags if t not in entity.tags]
        return replace(
            entity,
            aliases=tuple(aliases),
            tags=tuple(tags),
            credit_code=entity.credit_code or gone.credit_code,
            district=entity.district if entity.district_id else gone.district,
            district_id=entity.district_id or gone.district_id,
            type=entity.type or gone.type,
            contact=entity.contact or gone.contact,
            path=keep_rel,
        )

    def merged_gone(entity: Entity) -> Entity:
        return replace(entity, merged_into=keep.id, merged_by=by, merged_at=now, path=gone_rel)

    from wkb_tracker.store.sealed_register import refuse_moving_sealed_figures

    refuse_moving_sealed_figures(root, register, [merged_keep(keep), merged_gone(gone)])

    def build_keep(current: bytes) -> str:
        entity = _parse_file(keep_rel, current)
        _refuse_merged(entity)
        entity = merged_keep(entity)
        kept.append(entity)
        return render(entity)

    merged: list[Entity] = []

    def build_gone(current: bytes) -> str:
        entity = _parse_file(gone_rel, current)
        _refuse_merged(entity)
        entity = merged_gone(entity)
        merged.append(entity)
        return render(entity)

    # The kept entry first: a crash in between leaves both active with shared names, which
    # `wkb validate` reports as duplicates and a second `merge` completes (never a lost name).
    update_locked(root / keep_rel, build_keep)
    update_locked(root / gone_rel, build_gone)
    register.include(kept[-1])
    register.include(merged[-1])
    return kept[-1], merged[-1]


def entity_view(entity: Entity) -> dict[str, Any]:
    """The public JSON shape of an entry (`entity list/show/add --format json`): every field of
    `ENTITY_FIELDS` in order (null when unset), then `path`."""
    return {**field_values(entity, ENTITY_FIELDS, keep=every_field, iso=True), "path": entity.path}


def commit_message(action: str, entity: Entity, by: str, *others: Entity) -> str:
    """`entity add: 楚天光电科技有限公司 (S20261201-7KQF2M) by 张三`."""
    from wkb_tracker.store.gitops import commit_message as message

    return message(
        f"entity {action}", entity.name, by, [entity.id, *(other.id for other in others)]
    )
