"""The 通报's opening and its 「未达到最低联系次数」 section read as an office writer would, for every
combination of figures (issue 13.3, review): nothing to count, all compliant, some short, some
still in progress, all or some assignments before tracking_start, and the rectification list."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from typing import Any

import pytest

from wkb_tracker.report.formats.bulletin import default_template, make_bulletin, parse_template
from wkb_tracker.report.formats.bulletin_summary import contact_summary, rectification_summary

MADE = date(2026, 12, 2)
INTRO = "现将2026年11月包区服务工作情况通报如下:"
DISTRICTS = [("江岸区", "jiangan"), ("江夏区", "jiangxia"), ("洪山区", "hongshan")]


def report(
    statuses: list[str],
    rectifications: tuple[int, int, int, int] = (0, 0, 0, 0),
    tracking_start: str | None = None,
) -> dict[str, Any]:
    """The report view of November 2026 the bulletin reads: leader 徐涛 with one assignment per
    status (contacts 2 when met, 1 otherwise; 2 required unless not tracked), and the bureau's
    rectification counts (open, overdue, closed on time, closed late)."""
    districts = []
    for status, (name, key) in zip(statuses, DISTRICTS, strict=False):
        contacts = 2 if status == "met" else 1
        required = 0 if status == "not_tracked" else 2
        month = {"month": "2026-11", "contacts": contacts, "required": required, "status": status}
        districts.append(
            {"district": name, "district_id": key, "contacts": contacts, "required": required}
            | {"status": status, "months": [month]}
        )
    zero = {"open": 0, "overdue": 0, "closed_on_time": 0, "closed_late": 0}
    leaders = [
        {
            "leader": "徐涛",
            "title": "副局长",
            "contacts": sum(d["contacts"] for d in districts),
            "late_entries": 0,
            "rectifications": zero,
            "districts": districts,
        }
    ]
    opened, overdue, on_time, late = rectifications
    return {
        "period": {"from": "2026-11-01", "to": "2026-11-30", "kind": "month"},
        "snapshot": "2026-11-30",
        "minimum_per_month": 2,
        "tracking_start": tracking_start,
        "leaders": leaders if districts else [],
        "bureau": {
            "rectifications": {
                "open": opened,
                "overdue": overdue,
                "closed_on_time": on_time,
                "closed_late": late,
            }
        },
    }


def opening(view: dict[str, Any], template: dict[str, str] | None = None) -> str:
    made = make_bulletin(view, [], template or default_template(), MADE)
    return made.opening.split(INTRO, 1)[1]


def short_section(view: dict[str, Any]) -> list[str]:
    return make_bulletin(view, [], default_template(), MADE).short_lines


@pytest.mark.parametrize(
    ("statuses", "tracking", "said", "section"),
    [
        (
            [],
            None,
            "本期没有对口联系分工,不作联系次数统计。",
            "本期没有对口联系分工。",
        ),
        (
            ["met", "met"],
            None,
            "1位局领导带队对口联系2个区(开发区),共联系创新主体4次(应联系4次);"
            "2项分工均达到最低联系次数。",
            "本期各分工区均达到最低联系次数。",
        ),
        (
            ["met"],
            None,
            "共联系创新主体2次(应联系2次);1项分工达到最低联系次数。",
            "本期各分工区均达到最低联系次数。",
        ),
        (
            ["met", "short"],
            None,
            "(应联系4次);2项分工中,1项达到最低联系次数,1项未达到。",
            "徐涛同志(副局长)对口联系江夏区,11月联系1次,应联系2次,尚差1次。",
        ),
        (
            ["short", "short"],
            None,
            ";2项分工均未达到最低联系次数。",
            "徐涛同志(副局长)对口联系江岸区,11月联系1次,应联系2次,尚差1次。",
        ),
        (
            ["short", "pending", "met"],
            None,
            ";3项分工中,1项达到最低联系次数,1项未达到,1项尚在进行中。",
            "徐涛同志(副局长)对口联系江岸区,11月联系1次,应联系2次,尚差1次。",
        ),
        (
            ["met", "pending"],
            None,
            ";2项分工中,1项达到最低联系次数,1项尚在进行中。",
            "本期暂无未达到最低联系次数的分工区,1项分工尚在进行中。",
        ),
        (
            ["not_tracked", "not_tracked"],
            "2026-12",
            "共联系创新主体2次。本期在跟踪起始月(2026年12月)之前,2项分工均不计入考核。",
            "本期在跟踪起始月(2026年12月)之前,不作联系次数考核。",
        ),
        (
            ["not_tracked", "met", "met"],
            "2026-11",
            "(应联系4次);3项分工中,1项在跟踪起始月(2026年11月)之前、不计入考核,"
            "其余2项均达到最低联系次数。",
            "本期计入考核的各分工区均达到最低联系次数。",
        ),
        (
            ["not_tracked", "met", "short"],
            "2026-11",
            ";3项分工中,1项在跟踪起始月(2026年11月)之前、不计入考核,"
            "其余2项中,1项达到最低联系次数,1项未达到。",
            "徐涛同志(副局长)对口联系洪山区,11月联系1次,应联系2次,尚差1次。",
        ),
    ],
)
def test_bulletin_opening__each_combination_of_assignments(
    statuses: list[str], tracking: str | None, said: str, section: str
) -> None:
    """Review: with every assignment before tracking_start the opening read 「14项分工中,0项达到
    最低联系次数,0项未达到,0项尚在进行中。问题整改清单…。其中14项分工在跟踪起始月…之前」, and
    a period with assignments still in progress said 「本期各分工区均达到最低联系次数」."""
    view = report(statuses, tracking_start=tracking)

    text = opening(view)

    assert said in text
    assert text.endswith("问题整改清单中没有未结事项,期内也没有办结事项。")
    assert text.count("跟踪起始月") <= 1  # said once, where the assignments are
    assert short_section(view)[0] == section


@pytest.mark.parametrize(
    ("counts", "said"),
    [
        ((0, 0, 0, 0), "问题整改清单中没有未结事项,期内也没有办结事项。"),
        ((3, 1, 2, 0), "问题整改清单中未结事项3项,其中逾期1项;期内按期办结2项。"),
        ((3, 0, 0, 0), "问题整改清单中未结事项3项,均未逾期;期内没有办结事项。"),
        ((1, 0, 0, 1), "问题整改清单中未结事项1项,未逾期;期内超期办结1项。"),
        ((2, 2, 1, 1), "问题整改清单中未结事项2项,均已逾期;期内办结2项,其中按期1项、超期1项。"),
        ((0, 0, 0, 2), "问题整改清单中没有未结事项;期内超期办结2项。"),
    ],
)
def test_bulletin_opening__the_rectification_list(
    counts: tuple[int, int, int, int], said: str
) -> None:
    assert opening(report(["met"], counts)).endswith("达到最低联系次数。" + said)


ZERO = re.compile(r"(?<![0-9])0(项|次)")


def test_bulletin_opening__no_zero_counts_and_no_lone_均_in_any_combination() -> None:
    """Every combination of up to two assignments per state and up to two items per count: no
    「0项」 or 「0次」 is said (a careful writer leaves out what is not), 「均」 only of two or
    more, and each summary is whole sentences."""
    states = ("met", "short", "pending", "not_tracked")
    for *counts, contacted in itertools.product(range(3), range(3), range(3), range(3), (0, 1)):
        statuses = [state for state, n in zip(states, counts, strict=True) for _ in range(n)]
        figures = dict(zip(states, counts, strict=True))
        assignments = len(statuses)
        figures |= {
            "assignments": assignments,
            "tracked": assignments - figures["not_tracked"],
            "leaders": 1 if assignments else 0,
            "districts": assignments,
            "contacts": contacted * (1 + assignments),  # none at all too: 「共联系创新主体0次」
            "required": 2 * (assignments - figures["not_tracked"]),
            "tracking_start": "2026年11月",
        }
        said = contact_summary(figures)
        assert not ZERO.search(said), said
        assert "1项分工均" not in said and "其余1项均" not in said
        assert said.endswith("。") and "。。" not in said
    for opened, overdue, on_time, late in itertools.product(range(3), repeat=4):
        if overdue > opened:
            continue
        said = rectification_summary(
            {
                "open": opened,
                "overdue": overdue,
                "closed_on_time": on_time,
                "closed_late": late,
                "closed": on_time + late,
            }
        )
        assert not ZERO.search(said) and "1项,均" not in said and said.endswith("。"), said


def test_bulletin_opening__an_office_opening_from_an_earlier_wkb_keeps_working() -> None:
    """A template written by an earlier `--init-template` spells the figures out and has no
    {contact_summary}: it is filled as before, and the untracked note follows it."""
    old = (
        'opening = "现将{period_name}包区服务工作情况通报如下:{assignments}项分工中,'
        '{met}项达到最低联系次数。"\n'
    )
    template, warnings = parse_template(old)
    view = report(["not_tracked", "met"], tracking_start="2026-11")

    text = opening(view, template)

    assert warnings == []
    assert text == "2项分工中,1项达到最低联系次数。其中1项分工在跟踪起始月(2026年11月)之前,不计入考核。"


# The closing of every earlier wkb, said whatever the figures were.
EARLIER_CLOSING = (
    "请各责任领导和责任部门对照通报,未达标的分工区抓紧对接联系,逾期事项限期办结,并及时在台账中如实录入。"
    "有呼必应、无事不扰,持续优化科技领域营商环境。"
)


@pytest.mark.parametrize(
    ("statuses", "counts", "request_"),
    [
        (
            ["met", "short"],
            (2, 1, 0, 0),
            "请各责任领导和责任部门对照通报,未达标的分工区抓紧对接联系,逾期事项限期办结,"
            "并及时在台账中如实录入。",
        ),
        (
            ["short", "short"],
            (2, 0, 1, 1),
            "请各责任领导和责任部门对照通报,未达标的分工区抓紧对接联系,并及时在台账中如实录入。",
        ),
        (
            ["met", "met"],
            (2, 2, 0, 0),
            "请各责任领导和责任部门对照通报,逾期事项限期办结,并及时在台账中如实录入。",
        ),
        (
            ["met", "pending"],
            (1, 0, 0, 0),
            "请各责任领导和责任部门继续按要求对口联系创新主体,及时在台账中如实录入。",
        ),
        (
            ["not_tracked", "not_tracked"],
            (0, 0, 0, 0),
            "请各责任领导和责任部门继续按要求对口联系创新主体,及时在台账中如实录入。",
        ),
        (
            [],
            (0, 0, 0, 0),
            "请各责任领导和责任部门继续按要求对口联系创新主体,及时在台账中如实录入。",
        ),
    ],
    ids=["short+overdue", "short", "overdue", "neither", "not-tracked", "no-assignments"],
)
def test_bulletin_closing__asks_only_for_what_the_bulletin_found(
    statuses: list[str], counts: tuple[int, int, int, int], request_: str
) -> None:
    """Review (polish 1): the closing urged 「未达标的分工区抓紧对接联系,逾期事项限期办结」 with no
    district short and nothing overdue. Each ask now follows its finding: short (measure 14),
    overdue (measure 15: 限期整改), both, neither."""
    view = report(statuses, counts, tracking_start="2026-12" if "not_tracked" in statuses else None)

    made = make_bulletin(view, [], default_template(), MADE)

    assert made.closing == request_ + "有呼必应、无事不扰,持续优化科技领域营商环境。"


def test_bulletin_closing__with_both_asks_reads_as_it_always_did() -> None:
    made = make_bulletin(report(["short"], (1, 1, 0, 0)), [], default_template(), MADE)

    assert made.closing == EARLIER_CLOSING


def test_bulletin_closing__an_office_closing_from_an_earlier_wkb_is_filled_as_before() -> None:
    """A template written by an earlier `--init-template` has the fixed closing (no
    {closing_request}): it is said as written, whatever the figures, with no warning."""
    template, warnings = parse_template(f'closing = "{EARLIER_CLOSING}"\n')

    for statuses, counts in ((["met"], (0, 0, 0, 0)), (["short"], (1, 1, 0, 0))):
        made = make_bulletin(report(statuses, counts), [], template, MADE)
        assert made.closing == EARLIER_CLOSING
    assert warnings == []


def test_bureau_item__each_output_shows_it_as_the_readme_says(wkb: Any) -> None:
    """README「局内事项在各输出中的写法」: JSON null (no district, no leader), 局内 in the list
    table, (局内) in CSV, 局内 in the 通报's overdue line. Scripts depend on these: pinned."""
    added = wkb(
        "rectify", "add", "--problem", "窗口电话接通率低", "--source", "好差评",
        "--department", "办公室", "--owner", "张三", "--opened", "2026-10-08", "--deadline", "2026-10-20",
        "--format", "json",
    )
    assert added.exit_code == 0, added.stderr
    item = json.loads(added.stdout)
    assert (item["district"], item["district_id"], item["leader"]) == (None, None, None)

    listed = json.loads(wkb("rectify", "list", "--format", "json").stdout)
    table = wkb("rectify", "list").stdout
    english = wkb("rectify", "list", "--lang", "en").stdout
    csv_text = wkb("rectify", "list", "--format", "csv").stdout
    bulletin = wkb("bulletin", "--month", "2026-10", "--format", "markdown").stdout

    assert [one["district"] for one in listed] == [None]
    assert f"│ {item['id']} │ 窗口电话接通率低" in table and "│ 局内 " in table
    assert "│ bureau " in english
    assert csv_text.splitlines()[1].split(",")[2] == "(局内)"
    assert f"局内:窗口电话接通率低(编号{item['id']},责任部门办公室" in bulletin


def test_bulletin_table__status_words_are_chinese_whatever_the_lang() -> None:
    """The 通报 is a Chinese official document: with `--lang en` its table's status column said
    met/short/pending in English between Chinese headers and names. Every status, both langs."""
    from wkb_tracker.domain.settings import Settings, using

    statuses = ["met", "short", "pending"]
    for lang in ("zh", "en"):
        with using(Settings(lang=lang)):
            made = make_bulletin(report(statuses), [], default_template(), MADE)
        assert [row[-1] for row in made.table_rows] == ["达标", "未达标", "进行中"], lang
    with using(Settings(lang="en")):
        made = make_bulletin(
            report(["not_tracked"], tracking_start="2026-12"), [], default_template(), MADE
        )
    assert [row[-1] for row in made.table_rows] == ["未开始跟踪"]
