"""Plain data: the policy (measures, responsibility table) and the records (visits, rectifications).

No imports from the package, no I/O. Every record carries the path (relative to the records root)
it was read from, so any figure can be traced back to a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

# The notice's four kinds of innovation entity (创新主体), with English aliases.
ENTITY_TYPES: dict[str, str] = {
    "高校院所": "institute",
    "平台载体": "platform",
    "科技企业": "enterprise",
    "创新团队": "team",
}
# How a contact was made (对口联系的方式).
CONTACT_MODES: dict[str, str] = {
    "实地走访": "visit",
    "座谈交流": "meeting",
    "电话联系": "phone",
    "线上交流": "online",
}
# Where a rectification item came from, besides a visit (measure 15; 好差评 is measure 4).
RECTIFICATION_SOURCES: dict[str, str] = {
    "visit": "visit",
    "自查": "self-check",
    "督查": "inspection",
    "考核": "assessment",
    "好差评": "review",
    "其他": "other",
}
# The entity's satisfaction at a return visit (回访) after an item is closed (issue 15.4).
SATISFACTION = ("满意", "基本满意", "不满意")
UNSATISFIED = "不满意"
MEASURE_NUMBERS = range(1, 18)
Day = date  # for annotations inside classes that have a field named `date`
MAX_TEXT = 2000  # longest free-text field accepted, in characters


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record kind, declared once: its key (in the file, the JSON view and the
    cache row alike), its kind (str | text | int | ints | strs | date | any_date | datetime |
    mapping | list; store/schema.py checks each), whether a file must have it, whether it may
    hold null, and whether writing leaves it out while it is empty."""

    name: str
    kind: str
    required: bool = True
    nullable: bool = False
    omit_empty: bool = False


@dataclass(frozen=True, slots=True)
class Section:
    """One of the notice's sections (一、…), which group its measures."""

    numeral: str
    title: str


@dataclass(frozen=True, slots=True)
class Measure:
    """One of the notice's 17 measures, as `data/measures.yaml` states it (`rule`: measure 14's
    counting rule, see domain/counting_rule.py)."""

    number: int
    numeral: str
    section: str
    section_title: str
    title: str
    text: str
    rule: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """One row of the responsibility table (包区服务责任分工表), in force from `start` until `end`.

    `end` is the day before the next entry for the same district starts, or None while in force.
    """

    district_id: str
    district: str
    leader: str
    title: str
    department: str
    contact: str
    start: date
    end: date | None
    path: str
    line: int

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Visit:
    """A contact with an innovation entity: the proof behind measure 14."""

    id: str
    date: date
    district: str
    district_id: str
    leader: str
    entity: str
    # The register entry `entity` was resolved to (issue 14.2); older files have none. Keyword
    # only, so it can stand beside `entity` (the file's order) ahead of the required fields.
    entity_id: str | None = field(default=None, kw_only=True)
    type: str
    mode: str
    measures: tuple[int, ...] = ()
    summary: str = ""
    problems: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    recorder: str = ""
    recorded_at: datetime | None = None
    late_reason: str | None = None
    # Who approved an entry into a sealed month (封存后补录, issue 10.7); older files have none.
    late_approved_by: str | None = None
    void: VoidMark | None = None
    path: str = ""
    # Other leaders present (陪同, issue 15.2): `wkb visit add --with`; older files have none.
    joint_leaders: tuple[str, ...] = ()

    @property
    def is_void(self) -> bool:
        return self.void is not None


# A visit's fields in the order they are written (the on-disk format is a promise: add optional
# fields, never rename). The file mapping (store/records.py), the public JSON view
# (store/visits.visit_view) and the cache row are derived from this one list; `path` is where a
# visit was read from, not a field of the file.
VISIT_FIELDS = (
    Field("id", "str"),
    Field("date", "date"),
    Field("district", "str"),
    Field("district_id", "str"),
    Field("leader", "str"),
    Field("entity", "str"),
    # The register entry `entity` was resolved to (issue 14.2): written only when known.
    Field("entity_id", "str", required=False, omit_empty=True),
    Field("type", "str"),
    Field("mode", "str"),
    Field("measures", "ints", required=False),
    Field("summary", "text", required=False),
    Field("problems", "strs", required=False),
    Field("participants", "strs", required=False),
    Field("recorder", "text", required=False),
    Field("recorded_at", "datetime"),
    Field("late_reason", "str", required=False, omit_empty=True),
    Field("late_approved_by", "str", required=False, omit_empty=True),
    Field("void", "mapping", required=False, omit_empty=True),
    # Other leaders present (陪同, issue 15.2): written only when given, so a visit without them
    # stays readable by earlier versions (they refuse unknown keys).
    Field("joint_leaders", "strs", required=False, omit_empty=True),
)
VOID_FIELDS = (Field("reason", "str"), Field("by", "text"), Field("at", "datetime"))


# A visit's void mark, a rectification item, its events and an event read from its own file are
# created on first use (domain/deferred_model.py): `wkb visit add` builds none of them, and each
# frozen dataclass costs start-up time to create. `from wkb_tracker.domain.model import
# Rectification` works as ever.
_DEFERRED = ("EventFile", "Rectification", "RectificationEvent", "VoidMark")
if TYPE_CHECKING:
    from wkb_tracker.domain.deferred_model import EventFile as EventFile
    from wkb_tracker.domain.deferred_model import Rectification as Rectification
    from wkb_tracker.domain.deferred_model import RectificationEvent as RectificationEvent
    from wkb_tracker.domain.deferred_model import VoidMark as VoidMark
else:

    def __getattr__(name: str) -> Any:
        """The deferred classes, imported the first time one is asked for (PEP 562), then kept
        as attributes of this module like any other. Defined for the interpreter only: mypy
        reads the imports above, so a misspelt name is still an error."""
        if name not in _DEFERRED:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        from wkb_tracker.domain import deferred_model

        for each in _DEFERRED:
            globals()[each] = getattr(deferred_model, each)
        return globals()[name]


# A rectification item's fields in the order its file holds them, and its events' (the on-disk
# format is a promise: add optional fields, never rename). store/records.py reads and writes
# both from these lists; `path` (and an event's `id`/`path`/`index`) say where a record was read
# from, not fields of the file.
RECTIFICATION_FIELDS = (
    Field("id", "str"),
    Field("problem", "str"),
    Field("district", "str", nullable=True),
    Field("district_id", "str", nullable=True),
    Field("source", "str"),
    Field("visit", "str", required=False, nullable=True),
    Field("measure", "int", required=False, nullable=True),
    Field("department", "text"),
    Field("owner", "text"),
    Field("opened", "date"),
    Field("deadline", "date"),
    Field("created_by", "text", required=False),
    Field("created_at", "datetime", required=False),
    # Events written in the item's own file: the format before one file per event.
    Field("events", "list", required=False),
    # Opened in a sealed month (measure 17): written only then.
    Field("late_reason", "str", required=False, omit_empty=True),
    Field("late_approved_by", "text", required=False, omit_empty=True),
    # 好差评 (measure 4): the review an item came from; written only when given (issue 15.4).
    Field("review", "str", required=False, omit_empty=True),
)
# `followup` (回访, issue 15.4) is only ever written in its own file: an earlier version reports
# that file as a problem and skips it (no crash); the closure beside it still counts.
EVENT_KINDS = ("progress", "extend", "close", "reopen", "followup")
# An event's fields: the four every event has, then those a kind uses (written only when set).
EVENT_FIELDS = (
    Field("kind", "str"),
    Field("date", "date"),
    Field("by", "text"),
    Field("at", "datetime"),
    Field("note", "str", required=False),
    Field("deadline", "date", required=False),
    Field("reason", "str", required=False),
    Field("approved_by", "text", required=False),
    Field("resolution", "str", required=False),
    Field("late_reason", "str", required=False),
    Field("satisfaction", "str", required=False),
)
# An event in its own file (`<item id>.<event id>.yaml` beside the item): the same fields, after
# the event's id and its item's id.
EVENT_FILE_FIELDS = (Field("id", "str"), Field("item", "str"), *EVENT_FIELDS)
# What each kind of event must carry besides kind/date/by/at.
EVENT_REQUIRES = {
    "progress": ("note",),
    "extend": ("deadline", "reason"),
    "close": ("resolution",),
    "reopen": ("reason",),
    "followup": ("satisfaction",),
}
