"""The one rule set of a visit: what `visit add`/`visit edit` refuse and `wkb validate` reports.

`visit_findings` yields every rule a visit breaks, with where in its file (the key path) and the
message; `check_visit` raises the first one (UserError, exit 2) and returns the warnings a kept
visit deserves; store/validation.py turns each finding into a `path:line: message` problem. The
parsers of typed values (type, mode, measure, date) live here too, so an option and a file field
are held to the same rules. `labels` names each field as the reader knows it: the option a
clerk typed (OPTION_LABELS) or the key in the file (FILE_LABELS).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from wkb_tracker.domain import dates, ids
from wkb_tracker.domain.errors import UserError
from wkb_tracker.domain.i18n import join_names, say
from wkb_tracker.domain.model import (
    CONTACT_MODES,
    ENTITY_TYPES,
    MEASURE_NUMBERS,
    Visit,
)
from wkb_tracker.domain.policy import Policy, did_you_mean
from wkb_tracker.domain.text import clean_text

# How each field is named in messages: the option a clerk typed, or the key in the file they edited.
OPTION_LABELS = {
    "id": "id",
    "date": "--date",
    "district": "--district",
    "district_id": "--district",
    "leader": "--leader",
    "entity": "--entity",
    "entity_id": "--entity",
    "type": "--type",
    "mode": "--mode",
    "measures": "--measure",
    "summary": "--summary",
    "problems": "--problem",
    "participants": "--participant",
    "recorder": "--recorder",
    "late_reason": "--late-reason",
    "late_approved_by": "--approved-by",
    "recorded_at": "recorded_at",
    "void": "void",
    "joint_leaders": "--with",
}
FILE_LABELS = {name: name for name in OPTION_LABELS}
# Short forms of the notice's values that ledgers and clerks write (seen in a trial import:
# 「实地」 for 实地走访), taken when typed or imported, never in a record file. Only forms that
# name one value in this office's words: not 走访, 交流, 联系 (any contact), not 企业 (not every
# company is a 科技企业), 创新 or 科技.
SHORT_FORMS = {
    "实地": "实地走访",
    "座谈": "座谈交流",
    "电话": "电话联系",
    "线上": "线上交流",
    "高校": "高校院所",
    "平台": "平台载体",
}
_MULTILINE = frozenset({"summary", "problems", "late_reason"})


# -- typed values → canonical values ----------------------------------------------------------


def _choice(
    text: str, table: dict[str, str], label: str, what: tuple[str, str], *, aliases: bool = True
) -> str:
    """The Chinese value a user means: the value itself or (unless strict: a file's value must be
    the value itself) its English alias or its short form (SHORT_FORMS: 实地, 座谈, 高校 … as
    ledgers write them)."""
    wanted = text.strip() if aliases else text
    if wanted in table:
        return wanted
    for value, alias in table.items():
        if aliases and wanted.lower() == alias:
            return value
    if aliases and SHORT_FORMS.get(wanted) in table:
        return SHORT_FORMS[wanted]
    choices = [*table, *table.values()]
    raise UserError(
        say(
            "未知的{what_zh} {label} {text!r}{hint}。可选:{valid}",
            "unknown {what_en} {label} {text!r}{hint}. Valid: {valid}",
            what_zh=what[0],
            what_en=what[1],
            label=label,
            text=text,
            hint=did_you_mean(wanted.strip(), choices),
            valid=" | ".join(
                f"{value} ({alias})" if aliases else value for value, alias in table.items()
            ),
        )
    )


def resolve_type(text: str, label: str = "--type", *, aliases: bool = True) -> str:
    """One of the notice's four kinds of innovation entity (高校院所 | 平台载体 | 科技企业 | 创新团队)."""
    return _choice(text, ENTITY_TYPES, label, ("主体类型", "entity type"), aliases=aliases)


def resolve_mode(text: str, label: str = "--mode", *, aliases: bool = True) -> str:
    """How the contact was made (实地走访 | 座谈交流 | 电话联系 | 线上交流)."""
    return _choice(text, CONTACT_MODES, label, ("联系方式", "contact mode"), aliases=aliases)


def parse_measure(text: str | int, label: str = "--measure") -> int:
    """A measure number 1–17 of the notice; refuses anything else."""
    cleaned = str(text).strip()
    if cleaned.isascii() and cleaned.isdigit() and int(cleaned) in MEASURE_NUMBERS:
        return int(cleaned)
    raise UserError(
        say(
            "{label} 须为 1–17 的措施编号,收到 {text!r}",
            "{label} must be a measure number from 1 to 17, got {text!r}",
            label=label,
            text=str(text),
        )
    )


def clean_list(values: Iterable[str], label: str, *, multiline: bool) -> tuple[str, ...]:
    return tuple(clean_text(value, label, required=True, multiline=multiline) for value in values)


def parse_visit_date(text: str, label: str = "--date") -> date:
    """A date in one of the clerk forms, not in the future (Asia/Shanghai)."""
    day = dates.parse_date(text, field=label)
    _check_not_future(day, label, dates.today())
    return day


def _check_not_future(day: date, label: str, today: date) -> None:
    if day > today:
        raise UserError(
            say(
                "{label} {d} 在未来(今天是 {t});只能记录已经发生的联系",
                "{label} {d} is in the future (today is {t}); record contacts that happened",
                label=label,
                d=day,
                t=today,
            )
        )


# -- the rules of a whole visit ----------------------------------------------------------------

Finding = tuple[tuple[str | int, ...], str]  # (where in the file: key path, message)
_TEXTS = ("entity", "summary", "recorder", "late_reason", "late_approved_by")
_REQUIRED_TEXTS = frozenset({"entity", "late_reason", "late_approved_by"})
_LISTS = ("problems", "participants")


def _refusal(check: Callable[[], object]) -> str | None:
    """The message of the UserError `check` raises, None when it passes."""
    try:
        check()
    except UserError as error:
        return str(error)
    return None


def _blanks(label: str) -> str:
    return say("{label} 前后不能有空格", "{label} has blanks around it", label=label)


def _text_finding(value: str, label: str, *, required: bool, multiline: bool) -> str | None:
    """What is wrong with a stored text: what `clean_text` refuses, or blanks around it."""
    try:
        cleaned = clean_text(value, label, required=required, multiline=multiline)
    except UserError as error:
        return str(error)
    return _blanks(label) if cleaned != value else None


def visit_findings(
    policy: Policy, visit: Visit, labels: dict[str, str] = FILE_LABELS, *, today: date
) -> Iterator[Finding]:
    """Every rule `visit` breaks, in the order `check_visit` tries them (measures 14, 17: the
    district and leader must be in the responsibility table, the date not in the future).
    (Each check first asks the plain question — is the value one the table or the notice lists —
    and builds a refusal only when not.)"""
    message: str | None
    if visit.date > today:
        try:
            _check_not_future(visit.date, labels["date"], today)
        except UserError as error:
            yield ("date",), str(error)
    names = policy.district_ids_by_name
    if visit.district not in names:
        yield (
            ("district",),
            say(
                "未知的区 {label} {text!r}{hint}。可选:{valid}",
                "unknown district {label} {text!r}{hint}. Valid: {valid}",
                label=labels["district"],
                text=visit.district,
                hint=did_you_mean(visit.district, list(names)),
                valid=join_names(names),
            ),
        )
    elif names[visit.district] != visit.district_id:
        yield (
            ("district_id",),
            say(
                "district_id 应为 {i}({d})",
                "district_id should be {i} ({d})",
                i=names[visit.district],
                d=visit.district,
            ),
        )
    else:
        first = policy.first_entries.get(visit.district_id)
        if first is None or visit.date < first.start:
            yield (
                ("date",),
                say(
                    "{label} {d} 早于 {n} 在责任分工表中的第一条分工(自 {f} 起)",
                    "{label} {d} is before {n}'s first entry in the responsibility table (from {f})",
                    label=labels["date"],
                    d=visit.date,
                    n=visit.district,
                    f=first.start if first is not None else None,
                ),
            )
    if visit.leader not in policy.leader_names or visit.leader != visit.leader.strip():
        yield from _leader_findings(policy, visit, labels)
    for index, name in enumerate(visit.joint_leaders):  # 陪同 (issue 15.2): leaders of the table
        message = _refusal(
            lambda: policy.resolve_leader(
                name,  # noqa: B023
                field=labels["joint_leaders"],
                prefix=False,  # as stored: the exact name, as for the leading leader
            )
        )
        if message is None and (name == visit.leader or name in visit.joint_leaders[:index]):
            message = say(
                "{label} 不能重复,也不能是带队的 {l} 本人",
                "{label} names a leader twice, or the leading leader {l} himself",
                label=labels["joint_leaders"],
                l=visit.leader,
            )
        if message is not None:
            yield ("joint_leaders", index), message
    if visit.type not in ENTITY_TYPES:
        message = _refusal(lambda: resolve_type(visit.type, labels["type"], aliases=False))
        if message is not None:
            yield ("type",), message
    if visit.mode not in CONTACT_MODES:
        message = _refusal(lambda: resolve_mode(visit.mode, labels["mode"], aliases=False))
        if message is not None:
            yield ("mode",), message
    for index, number in enumerate(visit.measures):
        if type(number) is int and number in MEASURE_NUMBERS:
            continue
        message = _refusal(lambda: parse_measure(number, labels["measures"]))  # noqa: B023
        if message is not None:
            yield ("measures", index), message
    if visit.entity_id is not None and not ids.is_valid_id(visit.entity_id, ids.ENTITY):
        yield (
            ("entity_id",),
            say(
                "{label} 不是主体编号(形如 S20261201-7KQF2M):{i!r}",
                "{label} is not an entity id (ids look like S20261201-7KQF2M): {i!r}",
                label=labels["entity_id"],
                i=visit.entity_id,
            ),
        )
    for name in _TEXTS:
        value = getattr(visit, name)
        if value is not None:
            required, multiline = name in _REQUIRED_TEXTS, name in _MULTILINE
            message = _text_finding(value, labels[name], required=required, multiline=multiline)
            if message is not None:
                yield (name,), message
    for name in _LISTS:
        for index, value in enumerate(getattr(visit, name)):
            message = _text_finding(
                value, labels[name], required=True, multiline=name in _MULTILINE
            )
            if message is not None:
                yield (name, index), message
    if visit.void is not None:
        reason = visit.void.reason
        message = _refusal(lambda: clean_text(reason, "void.reason", required=True, multiline=True))
        if message is not None:
            yield ("void", "reason"), message


def _leader_findings(policy: Policy, visit: Visit, labels: dict[str, str]) -> Iterator[Finding]:
    """A leading leader who is not in the table by that exact name (or has blanks around it)."""
    # As stored: the exact name (a prefix is for what a clerk types, not for a record).
    message = _refusal(
        lambda: policy.resolve_leader(visit.leader, field=labels["leader"], prefix=False)
    )
    if message is None and visit.leader != visit.leader.strip():
        message = _blanks(labels["leader"])
    if message is not None:
        yield ("leader",), message


def check_visit(policy: Policy, visit: Visit, labels: dict[str, str] = FILE_LABELS) -> list[str]:
    """Refuse (UserError) a visit that `wkb validate` would flag; return the warnings it deserves.

    The same rules run on a new visit, on an edited file and in `wkb validate`, so none can keep
    what another would refuse. The one warning: a leader who is not responsible for the district
    on that date (the visit is kept but does not count toward that district's measure-14
    requirement).
    """
    for _where, message in visit_findings(policy, visit, labels, today=dates.today()):
        raise UserError(message)
    return _leader_warnings(policy, visit)


def _leader_warnings(policy: Policy, visit: Visit) -> list[str]:
    entry = policy.assignment_on(visit.district_id, visit.date)
    if entry is None or entry.leader == visit.leader:
        return []
    if entry.leader in visit.joint_leaders:
        # Led by another leader with the responsible one present (陪同): the rule's `joint` field
        # decides; by default it counts for him (issue 15.2), so no warning.
        return []
    return [
        say(
            "{l} 在 {d} 不是 {n} 的责任领导(当日为 {r});此次联系照常记录,但不计入 {n} 的第十四条每月要求",
            "{l} was not {n}'s responsible leader on {d} ({r} was); the visit is recorded but does "
            "not count toward {n}'s measure-14 monthly requirement",
            l=visit.leader,
            d=visit.date,
            n=visit.district,
            r=entry.leader,
        )
    ]
