"""The files that record seals (a public promise, like the record format): read them, whatever
they hold, into plain objects or `path:line: message` problems — never a crash.

    data/sealed/YYYY-MM.yaml                   the month's current manifest (its official figures)
    data/sealed/history/YYYY-MM.vN.yaml        version N, kept byte for byte after a reopen
    data/sealed/history/YYYY-MM.vN.reopen.yaml who reopened version N, when, why, approved by whom

A manifest without `version` is version 1 and one without `hash_scheme` hashed raw bytes (every
manifest written before versions existed); both are still read and verified.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from wkb_tracker.domain.counting_rule import RULE_KEYS, CountingRule, parse_rule
from wkb_tracker.domain.dates import SHANGHAI
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.store.root import SEALED_DIR, VISITS_DIR
from wkb_tracker.store.schema import Field, check_mapping
from wkb_tracker.store.storage import MAX_FILE_BYTES, Document, read_yaml

HISTORY_DIR = f"{SEALED_DIR}/history"
# New manifests hash each visit file with CRLF turned into LF, so a checkout that converts line
# endings (Git for Windows' core.autocrlf=true) still verifies (issue 10.10).
HASH_LF = "lf"
HASH_SCHEMES = (HASH_LF,)

MANIFEST_FIELDS = (
    Field("month", "str"),
    Field("version", "int", required=False),
    Field("sealed_by", "text"),
    Field("sealed_at", "datetime"),
    Field("hash_scheme", "str", required=False),
    Field("visits", "list"),
    Field("figures", "mapping", required=False),
    # Measure 14's rule the month was counted under (issue 15.1); manifests written before
    # rules were data have none and were counted under the default rule.
    Field("rule", "mapping", required=False),
)
ENTRY_FIELDS = (Field("id", "str"), Field("path", "str"), Field("sha256", "str"))
FIGURES_FIELDS = (
    Field("minimum_per_month", "int", required=False),
    Field("summary", "mapping", required=False),
    Field("leaders", "list"),
)
LEADER_FIELDS = (
    Field("leader", "str"),
    Field("status", "str"),
    Field("contacts", "int"),
    Field("districts", "list"),
)
DISTRICT_FIELDS = (Field("district", "str"), Field("contacts", "int"), Field("required", "int"))
REOPEN_FIELDS = (
    Field("month", "str"),
    Field("version", "int"),
    Field("reopened_by", "text"),
    Field("reopened_at", "datetime"),
    Field("reason", "str"),
    Field("approved_by", "str"),
)

_LABEL = re.compile(r"(\d{4})-(\d{2})")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ARCHIVED = re.compile(r"(\d{4}-\d{2})\.v([1-9]\d{0,5})(\.reopen)?\.yaml")
MAX_VERSION = 999_999  # a month reopened a million times is not a real history


@dataclass(frozen=True, slots=True)
class SealedVisit:
    id: str
    path: str
    sha256: str
    index: int  # position in the manifest's `visits` (its line is found only for a problem)


@dataclass(frozen=True, slots=True)
class Seal:
    year: int
    month: int
    sealed_by: str
    sealed_at: datetime
    visits: tuple[SealedVisit, ...]
    path: str
    figures: dict[str, Any] | None = None
    figures_line: int = 1
    version: int = 1
    hash_scheme: str | None = None  # None: raw bytes (manifests written before 10.10)
    rule: CountingRule | None = None  # None: sealed before rules were data (the default rule)

    def counting_rule(self, fallback_minimum: int, override: int | None = None) -> CountingRule:
        """The rule this month was counted under: the stored one; for a manifest written before
        rules were data, the default rule with the minimum its figures were sealed with. The
        config key `monthly_minimum` (`override`) still overrides the minimum, as it always did."""
        if self.rule is not None:
            rule = self.rule
        else:
            minimum = (self.figures or {}).get("minimum_per_month")
            if not (isinstance(minimum, int) and not isinstance(minimum, bool) and minimum >= 1):
                minimum = fallback_minimum
            rule = CountingRule(minimum=minimum)
        return rule if override is None else replace(rule, minimum=override)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def sealed_on(self) -> date:
        """The Shanghai day of sealing (checked to be representable when the manifest is read)."""
        return self.sealed_at.astimezone(SHANGHAI).date()


@dataclass(frozen=True, slots=True)
class Reopening:
    year: int
    month: int
    version: int  # the version that was reopened
    by: str
    at: datetime
    reason: str
    approved_by: str
    path: str

    @property
    def on(self) -> date:
        return self.at.astimezone(SHANGHAI).date()


@dataclass(slots=True)
class MonthSeals:
    """Everything recorded about sealing one month."""

    year: int
    month: int
    current: Seal | None = None
    archived: dict[int, Seal] = field(default_factory=dict)
    reopenings: dict[int, Reopening] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def versions(self) -> list[Seal]:
        found = sorted(self.archived.values(), key=lambda seal: seal.version)
        return found + ([self.current] if self.current is not None else [])

    def official(self, known_on: date | None = None) -> Seal | None:
        """The seal whose figures are official: the current one; with `known_on`, the version
        that was in force on that day (sealed by then and not yet reopened), if any."""
        if known_on is None:
            return self.current
        in_force = None
        for seal in self.versions():
            reopened = self.reopenings.get(seal.version)
            if seal.sealed_on <= known_on and (reopened is None or reopened.on > known_on):
                in_force = seal
        return in_force


# -- hashing ------------------------------------------------------------------------------------


def _read_record(path: Path) -> bytes | None:
    """The bytes of a regular file of sane size; None for anything else (never read)."""
    try:
        status = os.lstat(path)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _lf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n")


def file_hash(path: Path) -> str | None:
    """SHA-256 of a record file with CRLF read as LF (the `lf` scheme); None if not a regular
    file of sane size."""
    data = _read_record(path)
    return None if data is None else hashlib.sha256(_lf(data)).hexdigest()


def hash_matches(path: Path, sealed: str, scheme: str | None) -> bool:
    """Does the file at `path` still hold what was sealed? Line endings never matter: the `lf`
    scheme hashed LF text; an older manifest hashed raw bytes, which were LF or CRLF text."""
    data = _read_record(path)
    if data is None:
        return False
    text = _lf(data)
    if hashlib.sha256(text).hexdigest() == sealed:
        return True
    if scheme == HASH_LF:
        return False
    candidates = (data, text.replace(b"\n", b"\r\n"))
    return any(hashlib.sha256(candidate).hexdigest() == sealed for candidate in candidates)


# -- reading ------------------------------------------------------------------------------------


def parse_label(text: str) -> tuple[int, int] | None:
    """(year, month) of a `YYYY-MM` label naming a real month, else None."""
    match = _LABEL.fullmatch(text)
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    return (year, month) if year >= 1 and 1 <= month <= 12 else None


def _shanghai_ok(value: datetime) -> bool:
    try:
        value.astimezone(SHANGHAI)
    except (OverflowError, ValueError):
        return False
    return True


def _bad_label(doc: Document, text: Any) -> Problem:
    return doc.problem(
        say(
            "month 应为存在的月份 YYYY-MM(如 2026-09),实际是 {v}",
            "month must be a real month YYYY-MM (e.g. 2026-09), got {v}",
            v=str(text)[:40],
        ),
        "month",
    )


def _sealable_path(text: str) -> bool:
    """A manifest may only name a visit file inside data/visits/ (nothing else is ever read)."""
    parts = text.split("/")
    return (
        text.startswith(VISITS_DIR + "/")
        and ".." not in parts
        and "" not in parts
        and "\\" not in text
        and "\x00" not in text
    )


def _check_figures(doc: Document, figures: Any) -> list[Problem]:
    """The figures block: leaders × districts with integer contacts and required."""
    problems = check_mapping(doc, figures, FIGURES_FIELDS, "figures")
    if problems:
        return problems
    for index, leader in enumerate(figures["leaders"]):
        keys: tuple[str | int, ...] = ("figures", "leaders", index)
        found = check_mapping(doc, leader, LEADER_FIELDS, *keys)
        if not found:
            for number, district in enumerate(leader["districts"]):
                where = (*keys, "districts", number)
                bad = check_mapping(doc, district, DISTRICT_FIELDS, *where)
                if not bad and (district["contacts"] < 0 or district["required"] < 0):
                    bad.append(
                        doc.problem(
                            say("联系次数不能为负数", "contacts cannot be negative"), *where
                        )
                    )
                found += bad
        problems += found
        if len(problems) > 20:  # enough to see what is wrong; a huge broken file stops here
            break
    return problems


def parse_manifest(
    root: Path, rel: str, label: str, version: int | None
) -> tuple[Seal | None, list[Problem]]:
    """The seal in `rel` (named for month `label`, archived as `version` or current if None),
    or None and why not. Broken figures are a problem but keep the seal (its hashes still
    protect the visits); the figures are then left out."""
    doc = read_yaml(root, rel)
    if doc.problems:
        return None, doc.problems
    problems = check_mapping(doc, doc.value, MANIFEST_FIELDS)
    raw = doc.value
    if problems:
        return None, problems
    month = parse_label(raw["month"])
    if month is None:
        return None, [_bad_label(doc, raw["month"])]
    if raw["month"] != label:
        return None, [
            doc.problem(say("month 与文件名不符", "month does not match the file name"), "month")
        ]
    number = raw.get("version", 1)
    if number is None:
        number = 1
    if not 1 <= number <= MAX_VERSION or (version is not None and number != version):
        return None, [
            doc.problem(
                say(
                    "version 应与文件名一致且在 1–{m} 之间",
                    "version must match the file name and lie in 1–{m}",
                    m=MAX_VERSION,
                ),
                "version",
            )
        ]
    scheme = raw.get("hash_scheme")
    if scheme is not None and scheme not in HASH_SCHEMES:
        return None, [
            doc.problem(
                say(
                    "未知的 hash_scheme {s};可用:{k}",
                    "unknown hash_scheme {s}; known: {k}",
                    s=str(scheme)[:40],
                    k=", ".join(HASH_SCHEMES),
                ),
                "hash_scheme",
            )
        ]
    if not _shanghai_ok(raw["sealed_at"]):
        return None, [
            doc.problem(say("sealed_at 超出范围", "sealed_at is out of range"), "sealed_at")
        ]
    visits = []
    for index, entry in enumerate(raw["visits"]):
        bad = check_mapping(doc, entry, ENTRY_FIELDS, "visits", index)
        if not bad and not _sealable_path(entry["path"]):
            line = doc.line("visits", index)
            bad = [
                Problem(
                    rel,
                    line,
                    say(
                        "封存清单只能列出 data/visits/ 下的走访文件:{p}",
                        "a manifest may only list visit files under data/visits/: {p}",
                        p=entry["path"][:200],
                    ),
                )
            ]
        if not bad and not _SHA256.fullmatch(entry["sha256"]):
            line = doc.line("visits", index)
            bad = [
                Problem(
                    rel,
                    line,
                    say(
                        "sha256 应为 64 位十六进制小写字符",
                        "sha256 must be 64 lowercase hex digits",
                    ),
                )
            ]
        problems += bad
        if not bad:
            visits.append(SealedVisit(entry["id"], entry["path"], entry["sha256"], index))
        if len(problems) > 20:
            break
    figures = raw.get("figures")
    figures_line = 1
    if figures is not None:
        figures_line = doc.line("figures")
        bad = _check_figures(doc, figures)
        if bad:
            problems += bad
            figures = None
    rule = None
    if raw.get("rule") is not None:
        rule, wrong = parse_rule(raw["rule"], CountingRule(), RULE_KEYS)
        problems += [doc.problem(p.message, "rule", *p.keys) for p in wrong]
    seal = Seal(
        month[0],
        month[1],
        raw["sealed_by"],
        raw["sealed_at"],
        tuple(visits),
        rel,
        figures,
        figures_line,
        number,
        scheme,
        rule,
    )
    return seal, problems


def parse_reopening(
    root: Path, rel: str, label: str, version: int
) -> tuple[Reopening | None, list[Problem]]:
    doc = read_yaml(root, rel)
    if doc.problems:
        return None, doc.problems
    problems = check_mapping(doc, doc.value, REOPEN_FIELDS)
    if problems:
        return None, problems
    raw = doc.value
    month = parse_label(raw["month"])
    if month is None:
        return None, [_bad_label(doc, raw["month"])]
    if raw["month"] != label or raw["version"] != version:
        return None, [
            doc.problem(
                say("month/version 与文件名不符", "month/version do not match the file name"),
                "month",
            )
        ]
    if not _shanghai_ok(raw["reopened_at"]):
        return None, [
            doc.problem(say("reopened_at 超出范围", "reopened_at is out of range"), "reopened_at")
        ]
    return (
        Reopening(
            month[0],
            month[1],
            version,
            raw["reopened_by"],
            raw["reopened_at"],
            raw["reason"],
            raw["approved_by"],
            rel,
        ),
        [],
    )


def _yaml_names(folder: Path) -> list[str]:
    try:
        return sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name.endswith(".yaml") and not entry.name.startswith(".")
        )
    except OSError:
        return []


def read_seal_book(
    root: Path, months: Iterable[tuple[int, int]] | None = None
) -> tuple[dict[tuple[int, int], MonthSeals], list[Problem]]:
    """Every month with anything recorded about sealing (or only `months`: a report reads the
    manifests of its own months), and the problems of files that could not be read as what
    their name says."""
    wanted = None if months is None else {f"{y:04d}-{m:02d}" for y, m in months}
    book: dict[tuple[int, int], MonthSeals] = {}
    problems: list[Problem] = []

    def month_of(key: tuple[int, int]) -> MonthSeals:
        return book.setdefault(key, MonthSeals(*key))

    for name in _yaml_names(root / SEALED_DIR):
        rel = f"{SEALED_DIR}/{name}"
        label = name.removesuffix(".yaml")
        if wanted is not None and label not in wanted:
            continue
        seal, found = parse_manifest(root, rel, label, None)
        problems += found
        if seal is not None:
            month_of((seal.year, seal.month)).current = seal
    for name in _yaml_names(root / HISTORY_DIR):
        rel = f"{HISTORY_DIR}/{name}"
        match = _ARCHIVED.fullmatch(name)
        if wanted is not None and (match is None or match[1] not in wanted):
            continue
        key = parse_label(match[1]) if match else None
        if match is None or key is None:
            problems.append(
                Problem(
                    rel,
                    1,
                    say(
                        "封存历史中不认识的文件名(应为 YYYY-MM.vN.yaml 或 YYYY-MM.vN.reopen.yaml)",
                        "unexpected name in the sealing history (expected YYYY-MM.vN.yaml or YYYY-MM.vN.reopen.yaml)",
                    ),
                )
            )
            continue
        version = int(match[2])
        if match[3]:
            reopening, found = parse_reopening(root, rel, match[1], version)
            problems += found
            if reopening is not None:
                month_of(key).reopenings[version] = reopening
        else:
            seal, found = parse_manifest(root, rel, match[1], version)
            problems += found
            if seal is not None:
                month_of(key).archived[version] = seal
    return book, problems
