"""Issue 11.6 and 11.14: every date is bounded (dates.FIRST_DAY..LAST_DAY), at the point of input
and in the record files, and a report's period is bounded (dates.MAX_PERIOD_MONTHS) and costs
linear time in its months.

Before: `report --quarter 0000-Q1`, `--deadline +1d` after a 9999-12-31 deadline, a visit recorded
`9999-12-31 23:00:00-12:00`, `WKB_TODAY=garbage` ... each ended in a traceback (exit 1)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_item, make_visit, write_item, write_visit
from conftest import Invoke
from inprocess import invoke, snapshot
from wkb_tracker.domain import compliance
from wkb_tracker.domain.dates import FIRST_DAY, LAST_DAY, MAX_PERIOD_MONTHS, parse_deadline
from wkb_tracker.domain.errors import UserError
from wkb_tracker.store.loader import load
from wkb_tracker.store.root import init_root

OUT_OF_RANGE_DAYS = [
    "0000-01-01",
    "0001-01-01",
    "1999-12-31",
    "2101-01-01",
    "9999-12-31",
    "10000-01-01",
]
OUT_OF_RANGE_MONTHS = ["0000-01", "0001-01", "1999-12", "2101-01", "9999-12", "10000-01"]


def files(root: Path) -> dict[str, bytes | int]:
    return {rel: data for rel, data in snapshot(root).items() if not rel.startswith(".wkb-cache/")}


def refused_cleanly(wkb: Invoke, root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Exit 2, a short message on stderr, no traceback, nothing written; returns stderr."""
    before = files(root)
    result = wkb(*args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, (args, result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stdout + result.stderr
    assert 0 < len(result.stderr.strip().splitlines()) <= 2, result.stderr
    assert files(root) == before
    return result.stderr


@pytest.fixture
def item_id(root: Path) -> str:
    return write_item(root, make_item(date(2026, 11, 2))).rsplit("/", 1)[1].removesuffix(".yaml")


# -- options ------------------------------------------------------------------------------------

DAY_OPTIONS = [
    ("report", "--as-of"),
    ("report", "--known-on"),
    ("due", "--as-of"),
    ("districts", "--as-of"),
    ("leaders", "--as-of"),
    ("rectify list", "--as-of"),
    ("rectify show {item}", "--as-of"),
    ("visit list", "--from"),
    ("visit list --from 2026-11-01", "--to"),
    ("report --to 2026-11-30", "--from"),
    ("report --from 2026-11-01", "--to"),
    ("visit add --district 东湖 --entity 某公司 --type 科技企业", "--date"),
    ("rectify add --problem 某问题 --source 自查 --district 东湖", "--opened"),
    ("rectify add --problem 某问题 --source 自查 --district 东湖", "--deadline"),
    ("rectify extend {item} --reason 需要", "--deadline"),
    ("rectify extend {item} --reason 需要 --deadline 2027-06-30", "--date"),
    ("rectify progress {item} --note 进展", "--date"),
    ("rectify close {item} --resolution 已解决", "--date"),
    ("districts assign 东湖 --leader 赵峰", "--from"),
]


@pytest.mark.parametrize("text", ["1999-12-31", "9999-12-31"])  # 2101: the property test
@pytest.mark.parametrize(("command", "option"), DAY_OPTIONS)
def test_date_option__out_of_range_is_refused_in_every_command(
    wkb: Invoke, root: Path, item_id: str, command: str, option: str, text: str
) -> None:
    args = command.format(item=item_id).split()
    stderr = refused_cleanly(wkb, root, *args, f"{option}={text}")
    assert option in stderr


@pytest.mark.parametrize(
    ("option", "text"),
    [("--month", m) for m in OUT_OF_RANGE_MONTHS]
    + [("--quarter", q) for q in ("0000-Q1", "0001-Q4", "1999-Q4", "2101-Q1", "9999-Q4")]
    + [("--year", y) for y in ("0000", "0001", "1999", "2101", "9999", "10000")],
)
def test_report__period_outside_the_accepted_dates_is_refused(
    wkb: Invoke, root: Path, option: str, text: str
) -> None:
    refused_cleanly(wkb, root, "report", option, text)


@pytest.mark.parametrize("text", OUT_OF_RANGE_MONTHS)
@pytest.mark.parametrize("command", [["visit", "list", "--month"], ["month", "close"]])
def test_month_argument__out_of_range_is_refused(
    wkb: Invoke, root: Path, command: list[str], text: str
) -> None:
    refused_cleanly(wkb, root, *command, text)


@pytest.mark.parametrize("term", ["+1d", "1天", "+1w", "1个月", "+12m", "+9999m", "9999个月"])
def test_rectify_extend__a_term_past_the_last_day_is_refused(
    wkb: Invoke, root: Path, term: str
) -> None:
    item = make_item(date(2026, 11, 2), deadline=LAST_DAY)
    write_item(root, item)
    stderr = refused_cleanly(
        wkb, root, "rectify", "extend", item.id, "--deadline", term, "--reason", "r"
    )
    assert str(LAST_DAY) in stderr


@pytest.mark.parametrize("term", ["+30d", "+5w", "1个月", "+9999m", "9999天", None])
def test_rectify_add__a_term_from_a_late_opened_date_is_refused(
    wkb: Invoke, root: Path, term: str | None
) -> None:
    # None: the default term (rectify_deadline_days) from an opened date near the last day.
    late = {"WKB_TODAY": "2100-12-20"}
    args = ["rectify", "add", "--problem", "某问题", "--source", "自查", "--district", "东湖"]
    deadline = [] if term is None else ["--deadline", term]
    stderr = refused_cleanly(wkb, root, *args, *deadline, env=late)
    assert str(LAST_DAY) in stderr


@pytest.mark.parametrize("opened", [date(1, 1, 1), date(9999, 12, 31), LAST_DAY])
@pytest.mark.parametrize("term", ["+9999d", "+9999w", "+9999m", "1个月"])
def test_parse_deadline__never_overflows_whatever_it_starts_from(opened: date, term: str) -> None:
    with pytest.raises(UserError, match="2100-12-31"):
        parse_deadline(term, opened=opened)


# -- the clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WKB_TODAY", "garbage"),
        ("WKB_TODAY", "2026-13-01"),
        ("WKB_TODAY", "0001-01-01"),
        ("WKB_TODAY", "9999-12-31"),
        ("WKB_NOW", "garbage"),
        ("WKB_NOW", "9999-12-31T23:00:00-12:00"),
        ("WKB_NOW", "0001-01-01T00:00:00+14:00"),
    ],
)
@pytest.mark.parametrize("command", [["report"], ["validate"], ["due"]])
def test_pinned_clock__garbage_exits_2_with_one_line(
    wkb: Invoke, root: Path, name: str, value: str, command: list[str]
) -> None:
    stderr = refused_cleanly(wkb, root, *command, env={name: value})
    assert name in stderr
    assert len(stderr.strip().splitlines()) == 1


# -- record files ----------------------------------------------------------------------------

MINUS_12 = timezone(timedelta(hours=-12))
PLUS_14 = timezone(timedelta(hours=14))
BAD_STAMPS = [
    datetime(9999, 12, 31, 23, 0, tzinfo=MINUS_12),
    datetime(1, 1, 1, 0, 30, tzinfo=PLUS_14),
    datetime(2101, 1, 1, 0, 0, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
]


@pytest.mark.parametrize(
    ("field", "stamp"),
    [
        ("recorded_at", BAD_STAMPS[0]),
        ("recorded_at", BAD_STAMPS[1]),
        ("void.at", BAD_STAMPS[2]),
        ("void.at", BAD_STAMPS[3]),
    ],
    ids=str,
)
def test_visit_file__timestamp_out_of_range_is_a_problem_not_a_crash(
    wkb: Invoke, root: Path, field: str, stamp: datetime
) -> None:
    from wkb_tracker.domain.model import VoidMark

    good = make_visit(date(2026, 11, 4))
    write_visit(root, good)
    if field == "recorded_at":
        rel = write_visit(root, make_visit(date(2026, 11, 3), recorded_at=stamp))
    else:
        at = datetime(2026, 11, 5, tzinfo=UTC)
        rel = write_visit(root, make_visit(date(2026, 11, 3), void=VoidMark("错录", "测试员", at)))
        text = (root / rel).read_text(encoding="utf-8")
        (root / rel).write_text(text.replace(at.isoformat(" "), stamp.isoformat(" ")), "utf-8")
    assert_reported_and_left_out(wkb, root, rel, field.rsplit(".", 1)[-1])
    listed = wkb("visit", "list", "--month", "2026-11", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert rel in listed.stderr
    assert good.id in listed.stdout


def assert_reported_and_left_out(wkb: Invoke, root: Path, rel: str, field: str) -> None:
    """validate: exit 1 naming path:line and the field; report, due: exit 0, a warning, the record
    not counted."""
    checked = wkb("validate")
    assert checked.exit_code == 1, checked.stdout
    assert re.search(rf"{re.escape(rel)}:\d+: .*{field}.*2000-01-01", checked.stdout), (
        checked.stdout
    )
    for args in (["report", "--month", "2026-11"], ["due"]):
        result = wkb(*args)
        assert result.exit_code == 0, (args, result.stderr, result.exception)
        assert rel in result.stderr
    problems = [p for p in load(root, cache=False).problems if p.path == rel]
    assert problems and all(p.line > 1 for p in problems)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deadline", date(9999, 12, 31)),
        ("created_at", datetime(9999, 12, 31, 23, 0, tzinfo=MINUS_12)),
        ("events.date", date(1, 1, 1)),
        ("events.deadline", date(9999, 12, 31)),
        ("events.at", datetime(9999, 12, 31, 23, 0, tzinfo=MINUS_12)),
    ],
    ids=str,
)
def test_rectification_file__date_out_of_range_is_a_problem_not_a_crash(
    wkb: Invoke, root: Path, field: str, value: date
) -> None:
    from wkb_tracker.domain.model import RectificationEvent

    opened = date(2026, 11, 2)
    event = RectificationEvent(
        kind="extend",
        date=date(2026, 11, 10),
        by="测试员",
        at=datetime(2026, 11, 10, 9, tzinfo=UTC),
        deadline=date(2027, 1, 31),
        reason="需要",
    )
    if field.startswith("events."):
        name = field.split(".")[1]
        event = RectificationEvent(**{**_fields(event), name: value})
        item = make_item(opened, events=(event,))
    else:
        item = make_item(opened, **{field: value})
    rel = write_item(root, item)
    assert_reported_and_left_out(wkb, root, rel, field.split(".")[-1])
    shown = wkb("rectify", "list", "--format", "json")
    assert shown.exit_code == 0 and item.id not in shown.stdout
    refused = wkb("rectify", "extend", item.id, "--deadline", "+1d", "--reason", "r")
    assert refused.exit_code in (1, 2) and "Traceback" not in refused.stderr
    assert rel in refused.stderr or item.id in refused.stderr


def _fields(event: object) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(event, f.name) for f in fields(event)}  # type: ignore[arg-type]


def test_visit_file__date_out_of_range_in_its_own_folder_is_a_problem(
    wkb: Invoke, root: Path
) -> None:
    far = make_visit(date(2026, 11, 3))
    rel = write_visit(root, far)
    text = (root / rel).read_text(encoding="utf-8").replace("date: 2026-11-03", "date: 9999-11-03")
    moved = rel.replace("2026/11", "9999/11").replace("2026-11-03_", "9999-11-03_")
    (root / moved).parent.mkdir(parents=True)
    (root / moved).write_text(text, encoding="utf-8")
    (root / rel).unlink()
    checked = wkb("validate")
    assert checked.exit_code == 1
    assert re.search(rf"{re.escape(moved)}:\d+: .*date", checked.stdout), checked.stdout
    assert wkb("visit", "list", "--from", "2026-01-01", "--to", "2100-12-31").exit_code == 0


# -- periods -----------------------------------------------------------------------------------


def test_report__longest_allowed_period_computes(root: Path) -> None:
    # 600 months from the table's start; every month ended before the as-of date.
    first = date(2021, 7, 1)
    last = date(2071, 6, 30)
    period = compliance.make_period(first, last)
    assert len(period.months()) == MAX_PERIOD_MONTHS
    write_visit(root, make_visit(date(2026, 11, 3)))
    write_visit(root, make_visit(date(2026, 11, 4)))
    dataset = load(root, months=period.months())
    report = compliance.compute(dataset, period, date(2080, 1, 1))
    hu = next(leader for leader in report.leaders if leader.leader == "胡军")
    assessment = hu.assessment
    assert assessment.months_assessed == MAX_PERIOD_MONTHS
    assert assessment.months_met == 0  # 胡军 holds two districts; only 东湖 was met, once
    assert assessment.contacts == 2
    donghu = next(d for d in hu.districts if d.district_id == "donghu")
    assert [m.status for m in donghu.months].count("met") == 1
    assert len(report.month_labels()) == MAX_PERIOD_MONTHS


def test_assessment__counts_a_month_met_only_when_every_district_is(root: Path) -> None:
    # The one-pass assessment against its definition: a month is met when all districts are.
    for day in (3, 4):
        write_visit(root, make_visit(date(2026, 10, day)))
        write_visit(root, make_visit(date(2026, 9, day)))
        write_visit(root, make_visit(date(2026, 10, day), district="汉阳区", district_id="hanyang"))
    period = compliance.make_period(date(2026, 9, 1), date(2026, 11, 30))
    report = compliance.compute(load(root, months=period.months()), period, date(2026, 12, 5))
    hu = next(leader for leader in report.leaders if leader.leader == "胡军")
    held = {d.district_id for d in hu.districts}
    assert held == {"donghu", "hanyang"}, held
    assert (hu.assessment.months_met, hu.assessment.months_assessed) == (1, 3)
    assert [hu.month_status(m) for m in ("2026-09", "2026-10", "2026-11")] == [
        "short",
        "met",
        "short",
    ]


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("2021-07-01", "2071-07-01"),
        ("2000-01-01", "2100-12-31"),
        ("2021-06-30", "2071-06-30"),
    ],
)
def test_report__a_period_over_the_limit_is_refused(
    wkb: Invoke, root: Path, first: str, last: str
) -> None:
    stderr = refused_cleanly(wkb, root, "report", "--from", first, "--to", last)
    assert str(MAX_PERIOD_MONTHS) in stderr
    with pytest.raises(UserError):
        compliance.make_period(date.fromisoformat(first), date.fromisoformat(last))


def test_report__the_longest_period_through_the_cli(wkb: Invoke) -> None:
    result = wkb("report", "--from", "2021-07-01", "--to", "2071-06-30", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert '"2071-06"' in result.stdout


# -- properties: odd dates in every date option -----------------------------------------------

ODD = settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
YEARS = st.sampled_from([0, 1, 999, 1999, 2000, 2026, 2100, 2101, 9999, 10000, 99999])
ODD_DAY = st.one_of(
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", YEARS, st.integers(0, 13), st.integers(0, 32)
    ),
    st.dates().map(date.isoformat),
    st.dates(FIRST_DAY, LAST_DAY).map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    st.sampled_from(["today", "昨天", "前天", "+9999d", "+9999m", "9999个月", "1个月", "+1d"]),
)
ODD_MONTH = st.builds(lambda y, m: f"{y:04d}-{m:02d}", YEARS, st.integers(0, 13))
ODD_QUARTER = st.builds(lambda y, q: f"{y:04d}-Q{q}", YEARS, st.integers(0, 5))
ODD_YEAR = YEARS.map(lambda y: f"{y:04d}")
CLOCK = st.one_of(st.none(), st.sampled_from(["2000-01-01", "2100-12-31", "garbage", "9999-12-31"]))


@pytest.fixture(scope="module")
def odd_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_root(tmp_path_factory.mktemp("odd") / "records", git=False)
    with (root / "wkb.toml").open("a", encoding="utf-8") as stream:
        stream.write('recorder = "测试员"\n')
    write_visit(root, make_visit(date(2026, 11, 3)))
    write_item(root, make_item(date(2026, 11, 2), deadline=LAST_DAY - timedelta(days=3)))
    return root


@st.composite
def odd_calls(draw: st.DrawFn) -> tuple[list[str], str | None]:
    item = "{item}"
    choices: list[tuple[list[str], st.SearchStrategy[str]]] = [
        (["report", "--as-of"], ODD_DAY),
        (["report", "--known-on"], ODD_DAY),
        (["visit", "list", "--to", "2026-12-31", "--from"], ODD_DAY),
        (["visit", "list", "--from", "2026-01-01", "--to"], ODD_DAY),
        (["rectify", "show", item, "--as-of"], ODD_DAY),
        (["rectify", "close", item, "--resolution", "r", "--date"], ODD_DAY),
        (["month", "close"], ODD_MONTH),
        (["report", "--month"], ODD_MONTH),
        (["report", "--quarter"], ODD_QUARTER),
        (["report", "--year"], ODD_YEAR),
        (["due", "--as-of"], ODD_DAY),
        (["districts", "--as-of"], ODD_DAY),
        (["leaders", "--as-of"], ODD_DAY),
        (["visit", "list", "--month"], ODD_MONTH),
        (["rectify", "list", "--as-of"], ODD_DAY),
        (["rectify", "extend", item, "--reason", "r", "--deadline"], ODD_DAY),
        (["rectify", "progress", item, "--note", "n", "--date"], ODD_DAY),
        (["districts", "assign", "东湖", "--leader", "赵峰", "--from"], ODD_DAY),
    ]
    command, values = draw(st.sampled_from(choices))
    args = [*command, draw(values)]
    if command[0] == "report" and draw(st.booleans()):
        args = ["report", "--from", draw(ODD_DAY), "--to", draw(ODD_DAY)]
    return args, draw(CLOCK)


@ODD
@given(call=odd_calls())
def test_any_odd_date__accepted_or_refused_cleanly(
    odd_root: Path, call: tuple[list[str], str | None]
) -> None:
    args, clock = call
    item = next((odd_root / "data/rectifications/2026/11").glob("*.yaml")).stem
    args = [arg.replace("{item}", item) for arg in args]
    before = files(odd_root)
    with pytest.MonkeyPatch.context() as patch:
        if clock is not None:
            patch.setenv("WKB_TODAY", clock)
        checked = invoke("--root", str(odd_root), "validate")
        result = invoke("--root", str(odd_root), *args)
        try:
            assert result.exception is None, f"{args!r} raised {result.exception!r}"
            assert result.exit_code in (0, 2), (args, clock, result.exit_code, result.stderr)
            if result.exit_code == 2:
                assert result.stderr.strip()
                assert files(odd_root) == before
            else:  # whatever was written adds no problem (under the same clock)
                again = invoke("--root", str(odd_root), "validate")
                assert set(again.stdout.splitlines()) <= set(checked.stdout.splitlines()), (
                    args,
                    again.stdout,
                )
        finally:
            after = files(odd_root)
            for rel, data in before.items():
                if after.get(rel) != data and isinstance(data, bytes):
                    (odd_root / rel).write_bytes(data)
            for rel in set(after) - set(before):
                (odd_root / rel).unlink()


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("date", "0000-01-01"),
        ("date", "10000-01-01"),
        ("recorded_at", "0000-01-01 00:00:00+08:00"),
        ("recorded_at", "10000-01-01 00:00:00+08:00"),
    ],
)
def test_visit_file__year_0_or_10000_is_a_problem(
    wkb: Invoke, root: Path, key: str, text: str
) -> None:
    rel = write_visit(root, make_visit(date(2026, 11, 3)))
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    lines = [f"{key}: {text}" if line.startswith(f"{key}: ") else line for line in lines]
    (root / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = wkb("validate")
    assert checked.exit_code == 1
    assert re.search(rf"{re.escape(rel)}:\d+: ", checked.stdout), checked.stdout
    result = wkb("report", "--month", "2026-11", "--format", "json")
    assert result.exit_code == 0 and rel in result.stderr
