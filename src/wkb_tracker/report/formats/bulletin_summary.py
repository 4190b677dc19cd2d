"""The sentences of a 通报's opening that depend on what there is to say (issue 13.3, review):
the contacts and how the assignments stand, and the rectification list. Pure: the bulletin's
figures in (`bulletin.figures`, whose `tracked` and `closed` are taken as given, never counted
again here), finished Chinese sentences out.

A fixed sentence with every figure in it reads oddly whenever some are zero: 「14项分工中,0项达到
最低联系次数,0项未达到,0项尚在进行中」 for a month before `tracking_start`, then 「其中14项…不计入
考核」 after the rectification clause. An office writer says only what is so: 「14项分工均达到最低联系
次数」, 「12项达到最低联系次数,2项未达到」, 「本期在跟踪起始月(2026年11月)之前,14项分工均不计入考核」,
「问题整改清单中没有未结事项,期内也没有办结事项」, and a period without a contact 「期内未联系创新主体」,
not 「共联系创新主体0次」. These sentences are the `{contact_summary}` and
`{rectification_summary}` placeholders of the template's `opening`; an office that wants other
words writes them with the plain figures (`{met}`, `{short}` …) instead.

The closing asks for what the bulletin found, no more (`{closing_request}`): 「未达标的分工区抓紧
对接联系」 only when some assignment is short, 「逾期事项限期办结」 only when some item is overdue
(measure 15: 限期整改); with neither it asks to keep up the contacts and the ledger.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The words of each state of an assignment (measure 14: the monthly minimum of contacts).
_MET = "达到最低联系次数"
_SHORT_ALONE = "未达到最低联系次数"
_SHORT_AFTER_MET = "未达到"  # after 「…项达到最低联系次数」 the rest is understood
_PENDING = "尚在进行中"


def _all(count: int) -> str:
    """「均」 for two or more: 「14项分工均…」, but 「1项分工…」."""
    return "均" if count > 1 else ""


def _states(figures: Mapping[str, Any]) -> list[str]:
    """「12项达到最低联系次数」「2项未达到」…: the states the tracked assignments are in, none
    that no assignment is in."""
    parts = []
    if figures["met"]:
        parts.append(f"{figures['met']}项{_MET}")
    if figures["short"]:
        parts.append(f"{figures['short']}项{_SHORT_AFTER_MET if figures['met'] else _SHORT_ALONE}")
    if figures["pending"]:
        parts.append(f"{figures['pending']}项{_PENDING}")
    return parts


def _one_state(figures: Mapping[str, Any]) -> str | None:
    """The one state every tracked assignment is in (its words), or None when they differ."""
    for key, words in (("met", _MET), ("short", _SHORT_ALONE), ("pending", _PENDING)):
        if figures[key] == figures["tracked"]:
            return words
    return None


def contact_summary(figures: Mapping[str, Any]) -> str:
    """How many leaders contacted how many districts how often, and how the assignments (leader
    × district) stand; one or two sentences ending in 「。」. No contact at all is said in words
    (「期内未联系创新主体」), never as 「0次」."""
    assignments = figures["assignments"]
    if not assignments:
        return "本期没有对口联系分工,不作联系次数统计。"
    contacted = (
        f"共联系创新主体{figures['contacts']}次" if figures["contacts"] else "期内未联系创新主体"
    )
    head = f"{figures['leaders']}位局领导带队对口联系{figures['districts']}个区(开发区),{contacted}"
    untracked, tracked = figures["not_tracked"], figures["tracked"]
    if not tracked:  # the whole period lies before tracking_start: nothing was required
        return (
            f"{head}。本期在跟踪起始月({figures['tracking_start']})之前,"
            f"{assignments}项分工{_all(assignments)}不计入考核。"
        )
    if figures["required"]:
        head += f"(应联系{figures['required']}次)"
    lead = f"{assignments}项分工"
    if untracked:
        lead += (
            f"中,{untracked}项在跟踪起始月({figures['tracking_start']})之前、不计入考核,"
            f"其余{tracked}项"
        )
    one = _one_state(figures)
    states = f"{_all(tracked)}{one}" if one else "中," + ",".join(_states(figures))
    return f"{head};{lead}{states}。"


def rectification_summary(figures: Mapping[str, Any]) -> str:
    """The rectification list (measure 15): open items and the overdue among them, items closed
    in the period on time and late; one sentence ending in 「。」."""
    still_open, overdue = figures["open"], figures["overdue"]
    on_time, late, closed = figures["closed_on_time"], figures["closed_late"], figures["closed"]
    if not still_open and not closed:
        return "问题整改清单中没有未结事项,期内也没有办结事项。"
    if not still_open:
        opened = "问题整改清单中没有未结事项"
    elif not overdue:
        opened = f"问题整改清单中未结事项{still_open}项,{_all(still_open)}未逾期"
    elif overdue == still_open:
        opened = f"问题整改清单中未结事项{still_open}项,{_all(still_open)}已逾期"
    else:
        opened = f"问题整改清单中未结事项{still_open}项,其中逾期{overdue}项"
    if not closed:
        done = "期内没有办结事项"
    elif not late:
        done = f"期内按期办结{closed}项"
    elif not on_time:
        done = f"期内超期办结{closed}项"
    else:
        done = f"期内办结{closed}项,其中按期{on_time}项、超期{late}项"
    return f"{opened};{done}。"


# The closing's request, its asks between these (the default wording of earlier versions when
# both are asked for: 「请各责任领导和责任部门对照通报,未达标的分工区抓紧对接联系,逾期事项限期办结,
# 并及时在台账中如实录入。」).
_ASK_FROM = "请各责任领导和责任部门对照通报,"
_ASK_SHORT = "未达标的分工区抓紧对接联系,"
_ASK_OVERDUE = "逾期事项限期办结,"
_ASK_LEDGER = "并及时在台账中如实录入。"
_NOTHING_TO_ASK = "请各责任领导和责任部门继续按要求对口联系创新主体,及时在台账中如实录入。"


def closing_request(figures: Mapping[str, Any]) -> str:
    """The closing's request to the leaders and departments, one sentence ending in 「。」: to
    contact the short districts (when an assignment is short, measure 14) and to close the
    overdue items (when one is overdue, measure 15), and to record in the ledger."""
    asks = (_ASK_SHORT if figures["short"] else "") + (_ASK_OVERDUE if figures["overdue"] else "")
    return f"{_ASK_FROM}{asks}{_ASK_LEDGER}" if asks else _NOTHING_TO_ASK


def none_short_key(figures: Mapping[str, Any]) -> str:
    """The template key of the sentence under 「未达到最低联系次数的分工区」 when no district-month
    is short: none to assess (`no_assignments`), all before tracking_start (`untracked_none`),
    some still in progress (`pending_none`: 「均达到」 would not be true yet), some not assessed
    (`tracked_none`), else every one met (`short_none`)."""
    if not figures["assignments"]:
        return "no_assignments"
    if not figures["tracked"]:
        return "untracked_none"
    if figures["pending"]:
        return "pending_none"
    if figures["not_tracked"]:
        return "tracked_none"
    return "short_none"
