"""Issue 10.7 / 10.10 / 11.3: a sealed month's official figures, 封存后补录, reopen and versions,
what validate sees in git history, sealed visits checked by id, and line endings."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget import examples
from builders import make_visit, write_visit
from wkb_tracker.domain import compliance
from wkb_tracker.domain.dates import today
from wkb_tracker.store.loader import load
from wkb_tracker.store.manifest import read_seal_book
from wkb_tracker.store.official import apply_seals
from wkb_tracker.store.records import visit_to_mapping
from wkb_tracker.store.storage import dump_yaml

LATE = ["--late-reason", "纸质台账漏录", "--approved-by", "办公室主任"]


def _add(wkb, day: str, *extra: str) -> None:
    args = ["visit", "add", "--date", day, "--district", "东湖", "--entity", "补录企业"]
    result = wkb(*args, "--type", "team", *extra)
    assert result.exit_code == 0, result.stderr


def _hu_donghu(report: dict, month: str = "2026-09") -> dict:
    hu = next(leader for leader in report["leaders"] if leader["leader"] == "胡军")
    donghu = next(d for d in hu["districts"] if d["district_id"] == "donghu")
    return next(m for m in donghu["months"] if m["month"] == month)


@pytest.fixture
def sealed_short(wkb, root: Path) -> Path:
    """2026-09 sealed with 胡军 0/2 in 东湖高新区, then two approved late entries."""
    assert wkb("month", "close", "2026-09").exit_code == 0
    _add(wkb, "2026-09-10", *LATE)
    _add(wkb, "2026-09-20", *LATE)
    return root


@pytest.mark.parametrize(
    "period", [["--month", "2026-09"], ["--quarter", "2026-Q3"], ["--year", "2026"]]
)
def test_report__late_entries_do_not_change_a_sealed_months_official_figures(
    wkb, sealed_short: Path, period: list[str]
) -> None:
    report = json.loads(wkb("report", *period, "--format", "json", "--explain").stdout)
    month = _hu_donghu(report)
    assert (month["contacts"], month["required"], month["status"]) == (0, 2, "short")
    assert month["sealed"] is True and month["after_seal"] == 2
    assert len(month["after_seal_visits"]) == 2 and month["visits"] == []
    hu = next(leader for leader in report["leaders"] if leader["leader"] == "胡军")
    assert hu["after_seal"] == 2 and hu["status"] == "short"
    assert report["sealed_months"][0]["month"] == "2026-09"
    assert report["sealed_months"][0]["version"] == 1
    table = wkb("report", *period, "--explain").stdout
    assert "封存后补录 2 条" in table and "已封存(正式数字);封存后补录 +2" in table
    markdown = wkb("report", *period, "--format", "markdown").stdout
    assert "封存后补录 2 条" in markdown
    rows = wkb("report", *period, "--format", "csv").stdout.lstrip("\ufeff").splitlines()
    donghu = next(row for row in rows if "东湖高新区" in row and ",2026-09," in row)
    cells = donghu.split(",")
    assert cells[8:11] == ["0", "2", "short"] and cells[14:16] == ["1", "2"]


def test_report__month_table_shows_the_late_entries_beside_the_official_figure(
    wkb, sealed_short: Path
) -> None:
    table = wkb("report", "--month", "2026-09", "--leader", "胡军").stdout
    assert "0/2 +2" in table and "未达标" in table


def test_apply_seals__known_on_before_sealing_shows_the_records(root: Path) -> None:
    write_visit(root, make_visit(date(2026, 9, 3)))
    from wkb_tracker.store.sealing import month_figures, seal_month

    seal_month(root, 2026, 9, by="办公室", figures=month_figures(root, date(2026, 9, 1)))
    write_visit(root, make_visit(date(2026, 9, 4), late_reason="补录", late_approved_by="主任"))
    dataset = load(root, months=[(2026, 9)])
    report = compliance.compute(dataset, compliance.month_of(date(2026, 9, 1)), date(2026, 11, 25))
    book, problems = read_seal_book(root)
    assert problems == []

    def donghu(applied: compliance.Report) -> compliance.MonthFigure:
        hu = next(leader for leader in applied.leaders if leader.leader == "胡军")
        return hu.districts[0].months[0]

    assert donghu(apply_seals(report, book)).contacts == 1  # sealed today (2026-11-25)
    assert donghu(apply_seals(report, book, known_on=date(2026, 11, 25))).sealed
    earlier = donghu(apply_seals(report, book, known_on=date(2026, 11, 24)))
    assert (earlier.contacts, earlier.sealed, earlier.after_seal) == (2, False, ())


@pytest.mark.parametrize(
    "given",
    [["--reason", "核实"], ["--approved-by", "局长"], ["--reason", " ", "--approved-by", "局长"]],
)
def test_month_reopen__needs_a_reason_and_an_approver(wkb, root: Path, given: list[str]) -> None:
    assert wkb("month", "close", "2026-09").exit_code == 0
    result = wkb("month", "reopen", "2026-09", *given)
    assert result.exit_code == 2 and "重开封存月份须写明" in result.stderr
    assert (root / "data/sealed/2026-09.yaml").exists()
    assert not (root / "data/sealed/history").exists()


def test_month_reopen__refuses_a_month_that_is_not_sealed(wkb, root: Path) -> None:
    result = wkb("month", "reopen", "2026-09", "--reason", "x", "--approved-by", "局长")
    assert result.exit_code == 2 and "2026-09 未封存" in result.stderr


def test_month_reopen_then_close__new_version_old_kept_figures_change(
    wkb, sealed_short: Path
) -> None:
    root = sealed_short
    first = (root / "data/sealed/2026-09.yaml").read_bytes()
    reopened = wkb("month", "reopen", "2026-09", "--reason", "补录核实", "--approved-by", "局长")
    assert reopened.exit_code == 0, reopened.stderr
    assert (root / "data/sealed/history/2026-09.v1.yaml").read_bytes() == first
    record = (root / "data/sealed/history/2026-09.v1.reopen.yaml").read_text(encoding="utf-8")
    assert "approved_by: 局长" in record and "reason: 补录核实" in record
    assert wkb("validate").exit_code == 0
    closed = wkb("month", "close", "2026-09")
    assert closed.exit_code == 0 and "第 2 版" in closed.stdout
    report = json.loads(wkb("report", "--month", "2026-09", "--format", "json").stdout)
    month = _hu_donghu(report)
    assert (month["contacts"], month["status"], month["after_seal"]) == (2, "met", 0)
    status = json.loads(wkb("month", "status", "--format", "json").stdout)[0]
    assert (status["state"], status["version"], status["versions"]) == ("sealed", 2, 2)
    assert status["reopenings"][0]["approved_by"] == "局长"
    assert "v1" in wkb("month", "status").stdout
    assert wkb("validate").exit_code == 0


def test_report__known_on_before_the_seal_shows_the_records(wkb, root: Path) -> None:
    """`--known-on D` reproduces the report of day D: a seal made after D is not applied."""
    rel = write_visit(root, make_visit(date(2026, 9, 3)))
    visit_id = rel.rsplit("_", 1)[1].removesuffix(".yaml")
    from wkb_tracker.store.manifest import file_hash

    (root / "data/sealed/2026-09.yaml").write_text(
        "month: 2026-09\nsealed_by: 办公室\nsealed_at: 2026-10-08 09:00:00+08:00\n"
        f"visits:\n- id: {visit_id}\n  path: {rel}\n  sha256: {file_hash(root / rel)}\n",
        encoding="utf-8",
    )
    write_visit(
        root,
        make_visit(
            date(2026, 9, 4),
            recorded_at=datetime(2026, 10, 6, 9, 0, tzinfo=UTC),
            late_reason="补录",
            late_approved_by="主任",
        ),
    )

    def month(*args: str) -> dict:
        result = wkb("report", "--month", "2026-09", "--format", "json", *args)
        assert result.exit_code == 0, result.stderr
        return _hu_donghu(json.loads(result.stdout))

    assert (month()["contacts"], month()["after_seal"]) == (1, 1)
    before = month("--known-on", "2026-10-07")
    assert (before["contacts"], before["sealed"], before["status"]) == (2, False, "met")
    on_the_day = month("--known-on", "2026-10-08")
    assert (on_the_day["contacts"], on_the_day["sealed"]) == (1, True)


def test_validate__legacy_manifest_without_version_or_hash_scheme_still_verifies(
    wkb, root: Path
) -> None:
    """A manifest written before versions (raw-byte hashes, no version) is read unchanged."""
    rel = write_visit(root, make_visit(date(2026, 9, 3)))
    import hashlib

    raw = hashlib.sha256((root / rel).read_bytes()).hexdigest()
    visit_id = rel.rsplit("_", 1)[1].removesuffix(".yaml")
    (root / "data/sealed/2026-09.yaml").write_text(
        "month: 2026-09\nsealed_by: 办公室\nsealed_at: 2026-10-08 09:00:00+08:00\n"
        f"visits:\n- id: {visit_id}\n  path: {rel}\n  sha256: {raw}\n",
        encoding="utf-8",
    )
    assert wkb("validate").exit_code == 0
    _add(wkb, "2026-09-10", *LATE)
    month = _hu_donghu(json.loads(wkb("report", "--month", "2026-09", "--format", "json").stdout))
    assert (month["contacts"], month["after_seal"], month["sealed"]) == (1, 1, True)
    status = json.loads(wkb("month", "status", "--format", "json").stdout)[0]
    assert status["version"] == 1


# -- 11.3: sealed visits checked by id wherever the file now is ---------------------------------


def _rename(root: Path, rel: str, target: str, *, change: bool) -> str:
    text = (root / rel).read_text(encoding="utf-8")
    if change:
        text = text.replace("summary: 了解需求", "summary: 改过")
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    (root / target).write_text(text, encoding="utf-8")
    (root / rel).unlink()
    return target


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("same folder", False),
        ("same folder", True),
        ("other month", True),
        ("other year", True),
    ],
)
def test_validate__sealed_visit_renamed_or_moved_is_checked_by_id(
    wkb, root: Path, where: str, change: bool
) -> None:
    visit = make_visit(date(2026, 9, 3))
    rel = write_visit(root, visit)
    assert wkb("month", "close", "2026-09").exit_code == 0
    folder = {
        "same folder": "data/visits/2026/09",
        "other month": "data/visits/2026/08",
        "other year": "data/visits/2025/09",
    }[where]
    target = _rename(root, rel, f"{folder}/renamed_{visit.id}.yaml", change=change)
    result = wkb("validate")
    assert result.exit_code == 1
    assert (
        f"{target}:1: 2026-09 封存后走访 {visit.id} 被改名或移动(封存时为 {rel})" in result.stdout
    )
    assert (f"{target}:1: 2026-09 封存后此走访被修改" in result.stdout) is change
    assert "被删除" not in result.stdout


def test_validate__a_changed_copy_of_a_sealed_visit_is_reported(wkb, root: Path) -> None:
    visit = make_visit(date(2026, 9, 3))
    rel = write_visit(root, visit)
    assert wkb("month", "close", "2026-09").exit_code == 0
    copy = f"data/visits/2026/10/copy_{visit.id}.yaml"
    changed = replace(visit, summary="改过", date=date(2026, 10, 3))
    (root / copy).parent.mkdir(parents=True, exist_ok=True)
    (root / copy).write_text(dump_yaml(visit_to_mapping(changed)), encoding="utf-8")
    result = wkb("validate")
    assert f"{copy}:1: 2026-09 封存后此走访被修改" in result.stdout
    assert rel not in result.stdout.split("封存后此走访被修改")[0].splitlines()[-1]


# -- 10.10: line endings ---------------------------------------------------------------------------


def _to_crlf(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


def test_validate__sealed_files_with_crlf_line_endings_are_clean(wkb, root: Path) -> None:
    rels = [write_visit(root, make_visit(date(2026, 9, day))) for day in (3, 4)]
    assert wkb("month", "close", "2026-09").exit_code == 0
    for rel in [*rels, "data/sealed/2026-09.yaml"]:
        _to_crlf(root / rel)
    result = wkb("validate")
    assert result.exit_code == 0, result.stdout
    (root / rels[0]).write_bytes((root / rels[0]).read_bytes().replace(b"18:00", b"19:00"))
    assert "封存后此走访被修改" in wkb("validate").stdout  # a real change still shows


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(params=["top", "sub-folder"])
def repo(root: Path, request: pytest.FixtureRequest) -> Path:
    """The records root in a git repository (as its top, or as a sub-folder of a larger one)
    with auto_commit on and one commit."""
    top = root if request.param == "top" else root.parent
    assert _git(top, "init", "-q").returncode == 0
    config = root / "wkb.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("auto_commit = false", "auto_commit = true"), encoding="utf-8")
    _git(root, "add", "-A")
    assert _git(root, "commit", "-qm", "init").returncode == 0
    return root


def test_hook__autocrlf_checkout_of_a_sealed_month_does_not_block(wkb, repo: Path) -> None:
    rel = write_visit(repo, make_visit(date(2026, 9, 3)))
    _git(repo, "add", rel)
    _git(repo, "commit", "-qm", "visit")
    assert wkb("month", "close", "2026-09").exit_code == 0
    assert wkb("hook", "install").exit_code == 0
    # What a Git for Windows clone (core.autocrlf=true) has in its working tree.
    _git(repo, "config", "core.autocrlf", "true")
    for path in [repo / rel, repo / "data/sealed/2026-09.yaml"]:
        _to_crlf(path)
    validated = wkb("validate")
    assert validated.exit_code == 0, validated.stdout
    other = write_visit(repo, make_visit(date(2026, 11, 3)))
    _git(repo, "add", other)
    committed = _git(repo, "commit", "-qm", "november")
    assert committed.returncode == 0, committed.stderr


# -- git: commits, and a seal that cannot be undone silently ----------------------------------------


@pytest.mark.parametrize("repo", ["top"], indirect=True)
def test_month_close_and_reopen__are_committed(wkb, repo: Path) -> None:
    assert wkb("month", "close", "2026-09").exit_code == 0
    assert (
        wkb("month", "reopen", "2026-09", "--reason", "核实", "--approved-by", "局长").exit_code
        == 0
    )
    assert wkb("month", "close", "2026-09").exit_code == 0
    log = _git(repo, "log", "--format=%s").stdout.splitlines()
    assert log[0].startswith("month close: 2026-09 0 visits, version 2")
    assert log[1].startswith("month reopen: 2026-09 v1") and "局长" in log[1]
    assert log[2].startswith("month close: 2026-09 0 visits by")
    assert _git(repo, "status", "--porcelain", "data/sealed").stdout == ""
    assert wkb("validate").exit_code == 0


@pytest.mark.parametrize("undo", ["revert seal", "delete manifest", "revert reclose"])
def test_validate__a_seal_undone_without_reopen_is_reported(wkb, repo: Path, undo: str) -> None:
    assert wkb("month", "close", "2026-09").exit_code == 0
    if undo == "revert reclose":
        assert (
            wkb("month", "reopen", "2026-09", "--reason", "核实", "--approved-by", "局长").exit_code
            == 0
        )
        assert wkb("month", "close", "2026-09").exit_code == 0
    if undo == "delete manifest":
        (repo / "data/sealed/2026-09.yaml").unlink()
    else:
        assert _git(repo, "revert", "--no-edit", "HEAD").returncode == 0
    result = wkb("validate")
    assert result.exit_code == 1
    assert "data/sealed/2026-09.yaml:1: 2026-09 的封存清单已被删除或撤销" in result.stdout


def test_validate__a_reverted_reopen_and_an_edited_manifest_are_reported(wkb, repo: Path) -> None:
    assert wkb("month", "close", "2026-09").exit_code == 0
    assert (
        wkb("month", "reopen", "2026-09", "--reason", "核实", "--approved-by", "局长").exit_code
        == 0
    )
    assert _git(repo, "revert", "--no-edit", "HEAD").returncode == 0
    result = wkb("validate")
    assert (
        "data/sealed/history/2026-09.v1.reopen.yaml:1: 封存历史文件已被删除或撤销" in result.stdout
    )
    manifest = repo / "data/sealed/2026-09.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("sealed_by: 测试员", "sealed_by: 别人"),
        encoding="utf-8",
    )
    assert "封存后被改动(工作区)" in wkb("validate").stdout


# -- 11.7: hostile manifests -------------------------------------------------------------------------

GOOD = "month: 2026-09\nsealed_by: 办公室\nsealed_at: 2026-10-08 09:00:00+08:00\nvisits: []\n"
HOSTILE = {
    "month 13": GOOD.replace("2026-09\n", "2026-13\n", 1),
    "month 00": GOOD.replace("2026-09\n", "2026-00\n", 1),
    "month as a date": GOOD.replace("month: 2026-09", "month: 2026-09-01"),
    "month as a number": GOOD.replace("month: 2026-09", "month: 202609"),
    "leaders of strings": GOOD + "figures: {leaders: [x]}\n",
    "leaders a mapping": GOOD + "figures: {leaders: {a: 1}}\n",
    "districts of numbers": GOOD + "figures: {leaders: [{leader: 胡军, status: met, "
    "contacts: 1, districts: [1, 2]}]}\n",
    "contacts as text": GOOD + "figures: {leaders: [{leader: 胡军, status: met, contacts: x, "
    "districts: [{district: 东湖高新区, contacts: '1', required: 2}]}]}\n",
    "negative contacts": GOOD + "figures: {leaders: [{leader: 胡军, status: met, contacts: 1, "
    "districts: [{district: 东湖高新区, contacts: -5, required: 2}]}]}\n",
    "figures a list": GOOD + "figures: [1, 2]\n",
    "visits of strings": GOOD.replace("visits: []", "visits: [a, b]"),
    "visit path outside": GOOD.replace(
        "visits: []", "visits: [{id: V1, path: ../../etc/passwd, sha256: " + "a" * 64 + "}]"
    ),
    "bad sha": GOOD.replace(
        "visits: []", "visits: [{id: V1, path: data/visits/x.yaml, sha256: z}]"
    ),
    "sealed_at far away": GOOD.replace("2026-10-08 09:00:00+08:00", "9999-12-31 23:00:00-12:00"),
    "sealed_at naive": GOOD.replace("2026-10-08 09:00:00+08:00", "2026-10-08 09:00:00"),
    "version text": GOOD + "version: two\n",
    "version huge": GOOD + "version: 100000000000000000000\n",
    "hash scheme unknown": GOOD + "hash_scheme: md5\n",
    "a list": "- 1\n- 2\n",
    "a scalar": "hello\n",
    "empty": "",
    "nested deep": "month: " + "[" * 5000 + "]" * 5000 + "\n",
    "nested figures": GOOD + "figures: {leaders: " + "[" * 3000 + "]" * 3000 + "}\n",
    "huge": GOOD.replace("办公室", "办" * 2_000_000),
    "not utf-8": GOOD.replace("办公室", "\udc85", 1),
    "binary": "\x00\x01\x02",
    "anchors": "a: &a [*a]\n",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_manifest__reported_never_a_crash(wkb, root: Path, text: str) -> None:
    write_visit(root, make_visit(date(2026, 9, 3)))
    (root / "data/sealed/2026-09.yaml").write_bytes(text.encode("utf-8", "surrogateescape"))
    result = wkb("validate")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1, result.stdout
    assert "data/sealed/2026-09.yaml:" in result.stdout
    status = wkb("month", "status", "--format", "json")
    assert status.exit_code == 0, status.stderr
    assert "data/sealed/2026-09.yaml:" in status.stderr
    for period in (["--month", "2026-09"], ["--year", "2026"]):
        report = wkb("report", *period, "--format", "json")
        assert report.exit_code == 0, report.stderr
        assert "data/sealed/2026-09.yaml:" in report.stderr
        assert json.loads(report.stdout)["problems"]


@pytest.mark.parametrize(
    "name", ["history/2026-09.v0.yaml", "history/junk.yaml", "history/2026-09.v1.reopen.yaml"]
)
def test_hostile_history_file__reported(wkb, root: Path, name: str) -> None:
    (root / "data/sealed/history").mkdir(parents=True)
    (root / "data/sealed" / name).write_text("figures: {leaders: [x]}\n", encoding="utf-8")
    result = wkb("validate")
    assert result.exit_code == 1 and f"data/sealed/{name}:" in result.stdout
    assert wkb("month", "status").exit_code == 0


def test_seal_dates_are_shanghai_days() -> None:
    """`sealed_on` is the Shanghai day: 20:00 UTC on 10-07 is already 10-08 in Wuhan."""
    from wkb_tracker.store.manifest import Seal

    seal = Seal(2026, 9, "x", datetime(2026, 10, 7, 20, 0, tzinfo=UTC), (), "p")
    assert seal.sealed_on == date(2026, 10, 8)


# -- any manifest content: read, checked and applied without a crash ---------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["2026-09", "2026-13", "0000-00", "met", "胡军", "东湖高新区"])
    | st.dates()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "leaders",
                    "leader",
                    "districts",
                    "district",
                    "contacts",
                    "required",
                    "status",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=25,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "month": st.sampled_from(["2026-09"]) | VALUES,
        "version": VALUES,
        "sealed_by": VALUES,
        "sealed_at": st.sampled_from([datetime(2026, 10, 8, 9, tzinfo=UTC)]) | VALUES,
        "hash_scheme": VALUES,
        "visits": VALUES,
        "figures": VALUES,
    },
)


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(manifest=FIELDS)
def test_any_manifest__read_checked_and_applied_without_a_crash(root: Path, manifest: dict) -> None:
    import yaml

    from wkb_tracker.store.seal_checks import check_sealed_months

    (root / "data/sealed/2026-09.yaml").write_text(
        yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8"
    )
    book, _problems = read_seal_book(root)
    dataset = load(root, months=[(2026, 9)])
    list(check_sealed_months(dataset))
    report = compliance.compute(dataset, compliance.month_of(date(2026, 9, 1)), date(2026, 11, 25))
    apply_seals(report, book)
    apply_seals(report, book, known_on=date(2026, 10, 1))


def test_month_seals__the_version_in_force_on_a_known_on_day() -> None:
    """v1 sealed 10-08 and reopened 10-20, v2 sealed 10-25 (Shanghai days)."""
    from wkb_tracker.store.manifest import MonthSeals, Reopening, Seal

    def at(day: int) -> datetime:
        return datetime(2026, 10, day, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    v1 = Seal(2026, 9, "办公室", at(8), (), "data/sealed/history/2026-09.v1.yaml", version=1)
    v2 = Seal(2026, 9, "办公室", at(25), (), "data/sealed/2026-09.yaml", version=2)
    reopened = Reopening(2026, 9, 1, "办公室", at(20), "核实", "局长", "r")
    seals = MonthSeals(2026, 9, current=v2, archived={1: v1}, reopenings={1: reopened})
    found = {day: seals.official(date(2026, 10, day)) for day in (7, 8, 19, 20, 24, 25)}
    assert found == {7: None, 8: v1, 19: v1, 20: None, 24: None, 25: v2}
    assert seals.official() is v2


def test_validate_fix__removes_a_temp_file_left_in_the_sealing_history(wkb, root: Path) -> None:
    """A crash during `month reopen` can leave `.wkb-*.tmp` beside the kept versions."""
    assert wkb("month", "close", "2026-09").exit_code == 0
    assert (
        wkb("month", "reopen", "2026-09", "--reason", "核实", "--approved-by", "局长").exit_code
        == 0
    )
    leftover = root / "data/sealed/history/.wkb-crash.tmp"
    leftover.write_text("half", encoding="utf-8")
    assert "1" in wkb("validate").stdout
    assert wkb("validate", "--fix").exit_code == 0
    assert not leftover.exists()
    assert (root / "data/sealed/history/2026-09.v1.yaml").exists()


def test_month_figures__agree_with_the_report_json_of_the_month(root: Path) -> None:
    """The sealed figures come from the domain report, not from the JSON view (issue 12.1): they
    still say exactly what `wkb report --json` says for the month."""
    from wkb_tracker.report.report_render import report_dict
    from wkb_tracker.store.sealing import month_figures

    write_visit(root, make_visit(date(2026, 9, 3)))
    write_visit(root, make_visit(date(2026, 9, 8)))
    figures = month_figures(root, date(2026, 9, 1))
    dataset = load(root, months=[(2026, 9)])
    month = compliance.month_of(date(2026, 9, 1))
    shown = report_dict(compliance.compute(dataset, month, today()))
    assert figures["summary"] == shown["summary"] and "not_tracked" in figures["summary"]
    assert figures["minimum_per_month"] == shown["minimum_per_month"]
    assert [(f["leader"], f["status"], f["contacts"]) for f in figures["leaders"]] == [
        (s["leader"], s["status"], s["contacts"]) for s in shown["leaders"]
    ]
    assert [
        [(d["district"], d["contacts"], d["required"]) for d in f["districts"]]
        for f in figures["leaders"]
    ] == [
        [(d["district"], d["contacts"], d["required"]) for d in s["districts"]]
        for s in shown["leaders"]
    ]
    assert sum(leader["contacts"] for leader in figures["leaders"]) == 2
