"""Plain-data views of the policy and of data problems for the read commands (the JSON shapes
are public)."""

from __future__ import annotations

from datetime import date
from typing import Any

from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.policy import Policy


def measures_view(policy: Policy) -> list[dict[str, Any]]:
    return [
        {
            "number": m.number,
            "numeral": m.numeral,
            "section": m.section,
            "section_title": m.section_title,
            "title": m.title,
            "text": m.text,
        }
        for m in policy.measures
    ]


def districts_view(policy: Policy, day: date) -> list[dict[str, Any]]:
    """The responsibility table in force on `day`: `to` is null while an entry is in force."""
    return [
        {
            "id": a.district_id,
            "name": a.district,
            "leader": a.leader,
            "title": a.title,
            "department": a.department,
            "contact": a.contact,
            "from": a.start.isoformat(),
            "to": a.end.isoformat() if a.end else None,
        }
        for a in policy.table_on(day)
    ]


def leaders_view(policy: Policy, day: date) -> list[dict[str, Any]]:
    """Leaders in force on `day`, in table order, with their districts."""
    leaders: dict[str, dict[str, Any]] = {}
    for a in policy.table_on(day):
        entry = leaders.setdefault(a.leader, {"name": a.leader, "title": a.title, "districts": []})
        entry["districts"].append(a.district)
    return list(leaders.values())


def problem_view(problem: Problem) -> dict[str, Any]:
    """One data problem: where, what kind (`code`, the same in every language) and the message
    in the language shown; `text` is the `path:line: message` line validate prints."""
    return {
        "path": problem.path,
        "line": problem.line,
        "code": problem.code,
        "message": problem.shown(),
        "text": problem.text(),
    }
