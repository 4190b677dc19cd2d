"""The policy files: `data/measures.yaml` and `data/districts.yaml` read into a domain `Policy`
(every defect reported as a Problem), and districts.yaml written back (`wkb districts assign`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from wkb_tracker.domain.counting_rule import RuleBook, parse_rule_book, rule_problem
from wkb_tracker.domain.errors import DataError, Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import Assignment, Measure, Section
from wkb_tracker.domain.policy import Policy
from wkb_tracker.store.root import DISTRICTS_FILE, MEASURES_FILE
from wkb_tracker.store.schema import Field, check_mapping
from wkb_tracker.store.storage import Document, read_yaml, scalar_text

DEFAULT_MONTHLY_MINIMUM = 2  # only when measures.yaml is unreadable; validate reports that
_DISTRICT_ID = r"^[a-z][a-z0-9-]{0,31}$"  # compiled on first use: a cached policy needs none

SECTION_FIELDS = (Field("numeral", "str"), Field("title", "str"))
MEASURE_FIELDS = (
    Field("number", "int"),
    Field("numeral", "str"),
    Field("section", "str"),
    Field("title", "str"),
    Field("text", "str"),
    Field("rule", "mapping", required=False),
)
ENTRY_FIELDS = (
    Field("district", "str"),
    Field("id", "str"),
    Field("leader", "str"),
    Field("title", "str"),
    Field("department", "str"),
    Field("contact", "str"),
    Field("from", "date"),
)


def _load_measures(
    root: Path,
) -> tuple[list[Section], list[Measure], int, RuleBook, list[Problem]]:
    doc = read_yaml(root, MEASURES_FILE)
    problems = list(doc.problems)
    sections: list[Section] = []
    measures: list[Measure] = []
    minimum = DEFAULT_MONTHLY_MINIMUM
    book = RuleBook()
    value = doc.value
    if doc.problems:
        return sections, measures, minimum, book, problems
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("sections"), list)
        or not isinstance(value.get("measures"), list)
    ):
        problems.append(
            doc.problem(
                say(
                    "应为含 sections 和 measures 列表的映射",
                    "expected a mapping with lists `sections` and `measures`",
                )
            )
        )
        return sections, measures, minimum, book, problems
    for index, raw in enumerate(value["sections"]):
        found = check_mapping(doc, raw, SECTION_FIELDS, "sections", index)
        problems += found
        if not found:
            sections.append(Section(raw["numeral"], raw["title"]))
    titles = {s.numeral: s.title for s in sections}
    seen: set[int] = set()
    rule_found = False
    for index, raw in enumerate(value["measures"]):
        found = check_mapping(doc, raw, MEASURE_FIELDS, "measures", index)
        problems += found
        if found:
            continue
        number = raw["number"]
        where = ("measures", index)
        if number in seen:
            problems.append(
                doc.problem(
                    say("措施编号 {n} 重复", "duplicate measure number {n}", n=number),
                    *where,
                    "number",
                )
            )
        seen.add(number)
        if raw["section"] not in titles:
            problems.append(
                doc.problem(
                    say("未知的部分 {s}", "unknown section {s}", s=raw["section"]),
                    *where,
                    "section",
                )
            )
            continue
        rule = raw.get("rule")
        if isinstance(rule, dict) and rule.get("kind") == "monthly_contacts":
            rule_found = True
            # Every field of the rule is read and checked (counting_rule); the minimum of the
            # rule in force from the beginning is the policy's `monthly_minimum`, as before.
            book, rule_problems = parse_rule_book(rule)
            if "minimum_per_month" not in rule and "minimum" not in rule:
                rule_problems.insert(
                    0,
                    rule_problem(
                        ("minimum_per_month",),
                        say(
                            "minimum_per_month 须为正整数",
                            "minimum_per_month must be a positive integer",
                        ),
                    ),
                )
            minimum = book.rules[0].minimum
            problems += [doc.problem(p.message, *where, "rule", *p.keys) for p in rule_problems]
        measures.append(
            Measure(
                number,
                raw["numeral"],
                raw["section"],
                titles[raw["section"]],
                raw["title"],
                raw["text"],
                rule,
            )
        )
    if sorted(seen) != list(range(1, 18)):
        problems.append(
            doc.problem(
                say("措施应为第 1–17 条,每条一次", "measures must be numbered 1–17, each once"),
                "measures",
            )
        )
    if not rule_found:
        problems.append(
            doc.problem(
                say(
                    "第十四条缺少 rule: kind: monthly_contacts",
                    "measure 14 lacks its rule (kind: monthly_contacts)",
                ),
                "measures",
            )
        )
    return sections, measures, minimum, book, problems


def _end_dates(rows: list[tuple[int, dict[str, object]]]) -> dict[int, date | None]:
    """For each entry index, the day before the next entry of the same district starts."""
    by_district: dict[str, list[tuple[int, dict[str, object]]]] = defaultdict(list)
    for index, raw in rows:
        by_district[str(raw["id"])].append((index, raw))
    ends: dict[int, date | None] = {}
    for entries in by_district.values():
        entries.sort(key=lambda item: item[1]["from"])  # type: ignore[arg-type, return-value]
        for (index, _raw), following in zip(entries, [*entries[1:], None], strict=True):
            nxt = following[1]["from"] if following else None
            ends[index] = nxt - timedelta(days=1) if isinstance(nxt, date) else None
    return ends


def _load_assignments(root: Path) -> tuple[list[Assignment], list[Problem]]:
    return assignments_from_document(read_yaml(root, DISTRICTS_FILE))


def assignments_from_document(doc: Document) -> tuple[list[Assignment], list[Problem]]:
    """The table's entries from a parsed districts.yaml, and every problem with it."""
    if doc.problems:
        return [], list(doc.problems)
    if not isinstance(doc.value, dict) or not isinstance(doc.value.get("entries"), list):
        return [], [
            doc.problem(
                say("应为含 entries 列表的映射", "expected a mapping with a list `entries`")
            )
        ]
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, object]]] = []
    for index, raw in enumerate(doc.value["entries"]):
        found = check_mapping(doc, raw, ENTRY_FIELDS, "entries", index)
        problems += found
        if not found:
            rows.append((index, raw))
    problems += _check_table(doc, rows)
    problems += _check_withdrawn(doc)
    ends = _end_dates(rows)
    lines = doc.item_lines("entries")
    assignments = [
        Assignment(
            district_id=str(raw["id"]),
            district=str(raw["district"]),
            leader=str(raw["leader"]),
            title=str(raw["title"]),
            department=str(raw["department"]),
            contact=str(raw["contact"]),
            start=raw["from"],  # type: ignore[arg-type]
            end=ends[index],
            path=DISTRICTS_FILE,
            line=lines[index] if index < len(lines) else 1,
        )
        for index, raw in rows
    ]
    return assignments, problems


WITHDRAWN_FIELDS = (
    *(field for field in ENTRY_FIELDS if field.name != "from"),
    Field("from", "any_date"),  # as it was written, even outside the accepted dates
    Field("withdrawn_at", "datetime"),
    Field("withdrawn_by", "str"),
    Field("reason", "str"),
)


def _check_withdrawn(doc: Document) -> list[Problem]:
    """The record of withdrawn revisions (optional): a list of entries with who, when and why."""
    found = doc.value.get("withdrawn") if isinstance(doc.value, dict) else None
    if found is None:
        return []
    if not isinstance(found, list):
        return [doc.problem(say("withdrawn 应为列表", "withdrawn must be a list"), "withdrawn")]
    problems: list[Problem] = []
    for index, item in enumerate(found):
        problems += check_mapping(doc, item, WITHDRAWN_FIELDS, "withdrawn", index)
    return problems


def _check_table(doc: Document, rows: list[tuple[int, dict[str, object]]]) -> list[Problem]:
    """Consistency of the table: ids, names, overlapping entries, one title per leader at a time."""
    problems = []
    id_of: dict[str, tuple[str, int]] = {}
    name_of: dict[str, str] = {}
    starts: dict[tuple[str, object], int] = {}
    for index, raw in rows:
        district, district_id = str(raw["district"]), str(raw["id"])
        if not re.match(_DISTRICT_ID, district_id):
            problems.append(
                doc.problem(
                    say(
                        "id {i} 须为小写字母开头的 ASCII(字母、数字、-)",
                        "id {i} must be lowercase ASCII letters, digits or -, starting with a letter",
                        i=district_id,
                    ),
                    "entries",
                    index,
                    "id",
                )
            )
        if district in id_of and id_of[district][0] != district_id:
            problems.append(
                doc.problem(
                    say(
                        "{d} 的 id 与之前的条目不一致({a} ≠ {b})",
                        "{d} has a different id than before ({a} ≠ {b})",
                        d=district,
                        a=district_id,
                        b=id_of[district][0],
                    ),
                    "entries",
                    index,
                    "id",
                )
            )
        if district_id in name_of and name_of[district_id] != district:
            problems.append(
                doc.problem(
                    say(
                        "id {i} 已用于 {d}",
                        "id {i} is already used for {d}",
                        i=district_id,
                        d=name_of[district_id],
                    ),
                    "entries",
                    index,
                    "id",
                )
            )
        id_of.setdefault(district, (district_id, index))
        name_of.setdefault(district_id, district)
        key = (district_id, raw["from"])
        if key in starts:
            problems.append(
                doc.problem(
                    say(
                        "{d} 在 {f} 已有一条分工(第 {n} 条),条目重叠",
                        "{d} already has an entry from {f} (entry {n}); entries overlap",
                        d=district,
                        f=raw["from"],
                        n=starts[key] + 1,
                    ),
                    "entries",
                    index,
                    "from",
                )
            )
        starts.setdefault(key, index)
    # One leader, two titles at once: compare every pair of the leader's entries that overlap in time.
    ends = _end_dates(rows)
    by_leader: dict[str, list[tuple[int, dict[str, object]]]] = defaultdict(list)
    for index, raw in rows:
        by_leader[str(raw["leader"])].append((index, raw))
    for leader, entries in by_leader.items():
        for position, (first, a) in enumerate(entries):
            for second, b in entries[position + 1 :]:
                if a["title"] == b["title"]:
                    continue
                a_end, b_end = ends[first], ends[second]
                a_start, b_start = a["from"], b["from"]
                assert isinstance(a_start, date) and isinstance(b_start, date)
                if (b_end is None or a_start <= b_end) and (a_end is None or b_start <= a_end):
                    problems.append(
                        doc.problem(
                            say(
                                "{l} 同一时间有两个职务:{a} 与 {b}",
                                "{l} has two titles at once: {a} and {b}",
                                l=leader,
                                a=a["title"],
                                b=b["title"],
                            ),
                            "entries",
                            second,
                            "title",
                        )
                    )
    return problems


def load_policy(root: Path, *, cache: bool = True) -> tuple[Policy, list[Problem]]:
    """Read both policy files. Always returns a Policy (possibly partial) and every problem found.

    A clean policy is remembered in `.wkb-cache/policy.json`, keyed by both files' size and
    modification time, so that commands like `wkb visit add` start without parsing YAML.
    """
    from wkb_tracker.store import policy_cache

    key = policy_cache.key(root) if cache else None
    cached = policy_cache.read(root, key)
    if cached is not None:
        return cached, []
    sections, measures, minimum, book, problems = _load_measures(root)
    assignments, more = _load_assignments(root)
    policy = Policy(tuple(sections), tuple(measures), tuple(assignments), minimum, book)
    if not problems and not more:
        policy_cache.write(root, key, policy)
    return policy, problems + more


def refuse_broken_policy(problems: list[Problem]) -> None:
    """Raise DataError (exit 1, every problem as `path:line: message`) when any of `problems` is
    in a policy file: a figure computed from a broken table would be wrong, so every command
    stops alike (a broken record, by contrast, is skipped with a warning)."""
    broken = [p for p in problems if p.path in (MEASURES_FILE, DISTRICTS_FILE)]
    if broken:
        raise DataError("\n".join(str(p) for p in broken))


def checked_policy(root: Path) -> Policy:
    """The policy, refusing to go on (exit 1) when the policy files themselves are broken."""
    policy, problems = load_policy(root)
    refuse_broken_policy(problems)
    return policy


ENTRY_KEYS = ("district", "id", "leader", "title", "department", "contact", "from")
WITHDRAWN_KEYS = (*ENTRY_KEYS, "withdrawn_at", "withdrawn_by", "reason")


def render_districts(
    header: str, entries: list[dict[str, object]], withdrawn: list[dict[str, object]] | None = None
) -> str:
    """districts.yaml text: the header comment kept as it was, then every entry, one field a line,
    then the withdrawn revisions (`wkb districts withdraw`), if any."""
    lines = (
        [header.rstrip("\n"), "version: 1", "entries:"]
        if header.strip()
        else ["version: 1", "entries:"]
    )
    for entry in entries:
        for position, key in enumerate(ENTRY_KEYS):
            value = entry[key]
            text = scalar_text(value)
            lines.append(f"{'  - ' if position == 0 else '    '}{key}: {text}")
    if withdrawn:
        lines.append("withdrawn:")
        for item in withdrawn:
            for position, key in enumerate(WITHDRAWN_KEYS):
                text = scalar_text(item.get(key))
                lines.append(f"{'  - ' if position == 0 else '    '}{key}: {text}")
    return "\n".join(lines) + "\n"


def leading_comments(text: str) -> str:
    """The comment block at the top of a file."""
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    return "\n".join(header)
