"""`wkb sync` and what arrives while a clerk's records wait to be pushed: a seal (measure 17),
a revised responsibility table (measure 14).

Seen on a trial run: a clerk recorded a visit dated in last month on a clone the office's seal
had not reached; `wkb sync` brought the seal in, replayed the visit on top and pushed it, and
`wkb validate` failed on every clone from then on. Sync now pushes nothing in that case and says
what to do; `wkb visit edit ID --late-reason … --approved-by …` approves such a visit.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitrepo import VISIT, clean, from_template, git, init, ok, wkb

SEALED_AT = "2026-11-25T13:00:00+08:00"  # after the template's records (WKB_TODAY noon)
LATER = "2026-11-25T14:00:00+08:00"
BEFORE = "2026-11-25T12:30:00+08:00"


@pytest.fixture(autouse=True)
def _not_interactive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WKB_INTERACTIVE", raising=False)


def _office(folder: Path) -> None:
    remote = folder / "office.git"
    git(folder, "init", "-q", "--bare", "-b", "main", str(remote))
    office, clerk = folder / "office", folder / "clerk"
    git(folder, "clone", "-q", str(remote), str(office))
    git(office, "config", "user.name", "办公室王")
    assert init(office).exit_code == 0
    ok(office, *VISIT, "--date", "2026-10-08", "--problem", "缺场地")
    ok(office, "sync")
    git(folder, "clone", "-q", str(remote), str(clerk))
    git(clerk, "config", "user.name", "李四")


@pytest.fixture
def office(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A bare remote; the office's clone holds one October visit (and its item), pushed; a clerk
    cloned it. Returns (office, clerk, remote)."""
    from_template("sealed-office", tmp_path, _office, tmp_path_factory)
    return tmp_path / "office", tmp_path / "clerk", tmp_path / "office.git"


def _seal_october(office: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WKB_NOW", SEALED_AT)
    ok(office, "month", "close", "2026-10")
    ok(office, "sync")
    monkeypatch.setenv("WKB_NOW", LATER)


def _remote_head(remote: Path) -> str:
    return git(remote, "rev-parse", "main").strip()


def test_sync__an_unapproved_visit_into_a_month_sealed_meanwhile_is_not_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    off, clerk, remote = office
    monkeypatch.setenv("WKB_NOW", BEFORE)  # before the seal, not synced
    late = json.loads(ok(clerk, *VISIT, "--date", "2026-10-20", "--format", "json").stdout)
    _seal_october(off, monkeypatch)
    sealed_head = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "未推送:2026-10 已由办公室封存" in lines[0] and late["path"] in lines[0]
    assert f"wkb visit edit {late['id']} --late-reason 原因 --approved-by 批准人" in lines[1]
    assert _remote_head(remote) == sealed_head  # nothing pushed
    assert clean(clerk) and (clerk / late["path"]).is_file()  # the visit is kept, committed
    assert "data/sealed/2026-10.yaml" in git(clerk, "ls-files")  # the seal came in

    ok(
        clerk,
        "visit",
        "edit",
        late["id"],
        "--late-reason",
        "纸质台账漏录",
        "--approved-by",
        "办公室主任",
    )
    assert ok(clerk, "sync").stdout.endswith("推送 2 个本地提交\n")
    ok(off, "sync")
    checked = wkb(off, "validate")
    assert checked.exit_code == 0, checked.stdout
    view = json.loads(ok(off, "visit", "show", late["id"], "--format", "json").stdout)
    assert (view["late_reason"], view["late_approved_by"]) == ("纸质台账漏录", "办公室主任")


def test_sync__an_unapproved_rectification_event_into_a_sealed_month_is_not_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    off, clerk, remote = office
    _seal_october(off, monkeypatch)
    item = json.loads(ok(clerk, "rectify", "list", "--format", "json").stdout)[0]["id"]
    ok(clerk, "rectify", "progress", item, "--note", "已协调", "--date", "2026-10-25")
    sealed_head = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4
    assert "整改事项或事件请删除该文件" in refused.stderr
    assert f"data/rectifications/2026/10/{item}." in refused.stderr
    assert _remote_head(remote) == sealed_head


def test_sync__approved_and_later_records_are_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    off, clerk, _remote = office
    monkeypatch.setenv("WKB_NOW", BEFORE)
    ok(clerk, *VISIT, "--date", "2026-11-01")  # after the sealed month: not its business
    ok(clerk, *VISIT, "--date", "2026-10-21", "--late-reason", "漏录", "--approved-by", "主任")
    _seal_october(off, monkeypatch)
    assert ok(clerk, "sync").stdout.endswith("推送 2 个本地提交\n")
    ok(off, "sync")
    assert ok(off, "validate").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--late-reason", "漏录"), "须同时给出 --late-reason(原因)和 --approved-by(批准人)"),
        (("--late-reason", "漏录", "--approved-by", " "), "--approved-by"),
    ],
)
def test_visit_edit__a_late_approval_needs_both(
    office: tuple[Path, Path, Path], args: tuple[str, ...], message: str
) -> None:
    off, _clerk, _remote = office
    visit_id = json.loads(ok(off, "visit", "list", "--format", "json").stdout)[0]["id"]
    before = git(off, "rev-parse", "HEAD")
    refused = wkb(off, "visit", "edit", visit_id, *args)
    assert refused.exit_code == 2 and message in refused.stderr
    assert git(off, "rev-parse", "HEAD") == before and clean(off)


def test_visit_edit__a_late_approval_is_refused_for_sealed_and_unsealed_visits(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    off, _clerk, _remote = office
    sealed = json.loads(ok(off, "visit", "list", "--format", "json").stdout)[0]["id"]
    approve = ("--late-reason", "漏录", "--approved-by", "主任")
    refused = wkb(off, "visit", "edit", sealed, *approve)
    assert refused.exit_code == 2 and "2026-10 未封存" in refused.stderr  # nothing to approve
    _seal_october(off, monkeypatch)
    refused = wkb(off, "visit", "edit", sealed, *approve)
    assert refused.exit_code == 2 and "2026-10 已封存,其中的走访不能作废或修改" in refused.stderr
    late = json.loads(ok(off, *VISIT, "--date", "2026-10-22", *approve, "--format", "json").stdout)[
        "id"
    ]
    refused = wkb(off, "visit", "edit", late, *approve)
    assert refused.exit_code == 2 and "已有补录原因" in refused.stderr
    assert clean(off)


def test_sync__warns_when_a_table_revision_received_moves_a_pushed_visit_s_district(
    office: tuple[Path, Path, Path],
) -> None:
    """Seen on a trial run: the office gave 江夏区 to 徐涛 from 2026-11-20; a clerk whose clone did
    not have that yet recorded a visit there on 2026-11-24 and let wkb fill in the leader (赵峰,
    from the old table). Synced silently, the visit counted for nobody."""
    off, clerk, _remote = office
    ok(off, "districts", "assign", "江夏", "--leader", "徐涛", "--from", "2026-11-20")
    ok(off, "sync")
    stale = json.loads(
        ok(clerk, *VISIT[:2], "--district", "江夏", "--entity", "某公司", "--type", "enterprise",
           "--date", "2026-11-24", "--format", "json").stdout
    )  # fmt: skip
    assert stale["leader"] == "赵峰"
    ok(clerk, *VISIT[:2], "--district", "江岸", "--entity", "某公司", "--type", "enterprise",
       "--date", "2026-11-24")  # fmt: skip
    synced = ok(clerk, "sync")
    assert synced.stdout.endswith("推送 2 个本地提交\n")
    assert synced.stderr.count("注意") == 1
    assert (
        f"收到的分工表中 江夏区 自 2026-11-20 起由 徐涛 负责,本地走访 {stale['id']}(2026-11-24)"
        f"记为 赵峰 带队,不计入 徐涛 的联系;若实际由 徐涛 带队,请用 wkb visit edit {stale['id']} 改正"
    ) in synced.stderr
    ok(clerk, *VISIT[:2], "--district", "江夏", "--entity", "某公司", "--type", "enterprise",
       "--date", "2026-11-25")  # fmt: skip
    again = json.loads(ok(clerk, "sync", "--format", "json").stdout)
    assert again["warnings"] == [] and again["pushed"] == 1  # nothing received: no warning


@pytest.mark.parametrize("change", ["void", "move"])
def test_sync__a_sealed_visit_changed_on_a_clone_the_seal_had_not_reached_is_not_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """A void (or a date edit that moves the file) of a visit the manifest lists breaks the seal:
    validate reports it on every clone. Only a reopening lets it through."""
    off, clerk, remote = office
    sealed = json.loads(ok(clerk, "visit", "list", "--format", "json").stdout)[0]
    monkeypatch.setenv("WKB_NOW", BEFORE)
    if change == "void":
        ok(clerk, "visit", "void", sealed["id"], "--reason", "重复录入")
    else:  # what `visit edit` does on a date change: the file moves to its new month folder
        moved = (
            (clerk / sealed["path"]).read_text(encoding="utf-8").replace("2026-10-08", "2026-11-08")
        )
        target = clerk / sealed["path"].replace("2026/10/2026-10-08", "2026/11/2026-11-08")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(moved, encoding="utf-8")
        (clerk / sealed["path"]).unlink()
        git(clerk, "add", "-A")
        git(clerk, "commit", "-qm", "move")
    _seal_october(off, monkeypatch)
    sealed_head = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4, refused.stderr
    assert sealed["path"] in refused.stderr
    assert (
        f"已封存的走访({sealed['id']})的修改、作废或删除须办公室先按规定重开该月" in refused.stderr
    )
    assert _remote_head(remote) == sealed_head

    ok(off, "month", "reopen", "2026-10", "--reason", "更正", "--approved-by", "局长")
    ok(off, "sync")
    assert ok(clerk, "sync").exit_code == 0
    ok(off, "sync")
    ok(off, "month", "close", "2026-10")
    checked = wkb(off, "validate")
    assert checked.exit_code == 0, checked.stdout


def test_sync__a_broken_event_file_beside_does_not_let_an_unapproved_one_through(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The item was read with its whole history, which refuses a broken event file: the item was
    skipped, and its unapproved event pushed. The broken file is validate's to report."""
    off, clerk, remote = office
    _seal_october(off, monkeypatch)
    item = json.loads(ok(clerk, "rectify", "list", "--format", "json").stdout)[0]["id"]
    # The broken file comes from the remote (pushed by hand with git): a broken file among the
    # clerk's own outgoing ones is refused before (test_sync__a_broken_local_record_…).
    broken = f"data/rectifications/2026/10/{item}.E20261023000000000000-DDDDDD.yaml"
    (off / broken).write_text("kind: progress\ndate: [x\n", encoding="utf-8")
    git(off, "add", "-A")
    git(off, "commit", "-qm", "hand-edited")
    git(off, "push", "-q", "origin", "HEAD:main")
    ok(clerk, "rectify", "progress", item, "--note", "已协调", "--date", "2026-10-25")
    sealed_head = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4, refused.stdout
    assert f"data/rectifications/2026/10/{item}.E" in refused.stderr
    assert broken not in refused.stderr
    assert _remote_head(remote) == sealed_head


def _office_in_a_folder(folder: Path) -> None:
    remote = folder / "office.git"
    git(folder, "init", "-q", "--bare", "-b", "main", str(remote))
    office, clerk = folder / "office", folder / "clerk"
    git(folder, "clone", "-q", str(remote), str(office))
    git(office, "config", "user.name", "办公室王")
    assert init(office / "records").exit_code == 0
    ok(office / "records", *VISIT, "--date", "2026-10-08")
    ok(office / "records", "sync")
    git(folder, "clone", "-q", str(remote), str(clerk))
    git(clerk, "config", "user.name", "李四")


def test_sync__a_records_root_in_a_folder_of_the_repository_is_checked_too(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The outgoing files were listed with top-relative pathspecs run in the root's folder, which
    git reads relative to that folder: nothing was listed, and the late visit was pushed."""
    from_template("sealed-office-in-a-folder", tmp_path, _office_in_a_folder, tmp_path_factory)
    off, clerk, remote = (
        tmp_path / "office/records",
        tmp_path / "clerk/records",
        tmp_path / "office.git",
    )
    monkeypatch.setenv("WKB_NOW", BEFORE)
    late = json.loads(ok(clerk, *VISIT, "--date", "2026-10-20", "--format", "json").stdout)
    _seal_october(off, monkeypatch)
    sealed_head = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4, refused.stdout
    assert late["path"] in refused.stderr and late["path"].startswith("data/visits/")
    assert _remote_head(remote) == sealed_head


def test_sync__a_local_seal_that_misses_a_visit_received_meanwhile_is_not_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mirror case, seen on the office's side: the office sealed October before fetching a
    clerk's October visit; sync replayed the seal on top of it and pushed it, and the visit, which
    the manifest does not list, needed a late reason on every clone (validate failed)."""
    off, clerk, remote = office
    monkeypatch.setenv("WKB_NOW", BEFORE)
    timely = json.loads(ok(clerk, *VISIT, "--date", "2026-10-20", "--format", "json").stdout)
    ok(clerk, "sync")
    clerk_head = _remote_head(remote)
    monkeypatch.setenv("WKB_NOW", SEALED_AT)
    ok(off, "month", "close", "2026-10")

    refused = wkb(off, "sync")
    assert refused.exit_code == 4, refused.stdout
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 2
    assert "未推送:本地对 2026-10 的封存没有包含刚收到的 1 处改动" in lines[0]
    assert timely["path"] in lines[0]
    assert "wkb month reopen 2026-10 --reason 原因 --approved-by 批准人" in lines[1]
    assert _remote_head(remote) == clerk_head and clean(off)

    monkeypatch.setenv("WKB_NOW", LATER)
    ok(off, "month", "reopen", "2026-10", "--reason", "漏收", "--approved-by", "局长")
    ok(off, "month", "close", "2026-10")
    ok(off, "sync")
    checked = wkb(off, "validate")
    assert checked.exit_code == 0, checked.stdout


def test_sync__late_visits_in_several_sealed_months_are_all_named_with_their_remedy(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The remedy named the first visit only: a clerk with three approved the one, synced, was
    refused again for the next, and so on; and two months were 「落在该月」."""
    off, clerk, _remote = office
    monkeypatch.setenv("WKB_NOW", BEFORE)
    ids = [
        json.loads(ok(clerk, *VISIT, "--date", day, "--format", "json").stdout)["id"]
        for day in ("2026-09-20", "2026-10-22", "2026-10-23")
    ]
    monkeypatch.setenv("WKB_NOW", SEALED_AT)
    ok(off, "month", "close", "2026-09")
    _seal_october(off, monkeypatch)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4
    first, remedy = refused.stderr.strip().splitlines()
    assert "未推送:2026-09、2026-10 已由办公室封存,本地 3 处改动落在这些月份却未经批准" in first
    assert (
        f"wkb visit edit {ids[0]} --late-reason 原因 --approved-by 批准人({ids[1]}、{ids[2]} 也一样)"
        in remedy
    )
    english = wkb(clerk, "--lang", "en", "sync")
    assert "the office sealed 2026-09, 2026-10, and 3 local change(s) in them" in english.stderr
    assert f"(and the same for {ids[1]}, {ids[2]})" in english.stderr


def test_visit_edit__a_late_approval_carries_to_the_items_the_visit_opened(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review rv6a: the approval reached the visit but not the item its problem opened, so sync
    still refused the item (as `visit add --late-reason … --problem …` approves both)."""
    off, clerk, _remote = office
    _seal_october(off, monkeypatch)  # recorded after the seal, on a clone it has not reached
    late = json.loads(
        ok(
            clerk, *VISIT, "--date", "2026-10-20", "--problem", "缺人才公寓", "--format", "json"
        ).stdout
    )
    refused = wkb(clerk, "sync")
    assert refused.exit_code == 4
    # Review fb: the hint said to delete the item's file, which the visit's approval covers.
    assert "整改事项或事件请删除该文件" not in refused.stderr
    assert f"wkb visit edit {late['id']}" in refused.stderr

    approved = ok(
        clerk, "visit", "edit", late["id"], "--late-reason", "漏录", "--approved-by", "主任"
    )
    items = [
        one
        for one in json.loads(ok(clerk, "rectify", "list", "--format", "json").stdout)
        if one["visit"] == late["id"]
    ]
    assert len(items) == 1 and items[0]["id"] in approved.stdout
    text = (clerk / items[0]["path"]).read_text(encoding="utf-8")
    assert "late_reason: 漏录\n" in text and "late_approved_by: 主任\n" in text
    assert clean(clerk)  # the item's file was committed with the visit's
    assert ok(clerk, "sync").exit_code == 0
    ok(off, "sync")
    checked = wkb(off, "validate")
    assert checked.exit_code == 0, checked.stdout


def test_sync__a_broken_local_record_is_not_pushed(
    office: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hand edit that breaks a record (here a visit's date) was pushed and failed `wkb
    validate` on every clone. Now: exit 1, nothing pushed, the first problem at path:line."""
    _off, clerk, remote = office
    monkeypatch.setenv("WKB_NOW", BEFORE)
    path = json.loads(ok(clerk, *VISIT, "--date", "2026-11-20", "--format", "json").stdout)["path"]
    text = (clerk / path).read_text(encoding="utf-8")
    (clerk / path).write_text(
        text.replace("date: 2026-11-20", "date: 2026-11-31"), encoding="utf-8"
    )
    before = _remote_head(remote)

    refused = wkb(clerk, "sync")
    assert refused.exit_code == 1
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("未推送:本地 1 个记录文件有问题") and f"{path}:" in lines[0]
    assert "wkb validate" in lines[1]
    assert _remote_head(remote) == before
    assert clean(clerk)  # the edit was committed first (as sync does), nothing lost

    (clerk / path).write_text(text, encoding="utf-8")
    assert ok(clerk, "sync").exit_code == 0
    assert _remote_head(remote) != before
