#!/usr/bin/env python3
"""Deterministic benchmark data: a records root with N visits over several years.

    python bench/generate.py OUT_DIR --visits 100000 [--seed 7] [--end 2026-10-31]

All 14 districts and 8 leaders; most district-months met, some short; ~30% of visits raise a
problem that becomes a rectification item (open, overdue, extended, closed on time, closed late,
reopened); a few voided visits, a few visits by a non-responsible leader, and one table revision.
Records are produced by the project's own code (`records.*_to_mapping`, `storage.dump_yaml`, the
same paths), written without fsync to keep generation quick.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from wkb_tracker.domain.dates import SHANGHAI, add_months, month_bounds, months_between
from wkb_tracker.domain.ids import ALPHABET, RECTIFICATION, VISIT
from wkb_tracker.domain.model import (
    CONTACT_MODES,
    ENTITY_TYPES,
    Rectification,
    RectificationEvent,
    Visit,
    VoidMark,
)
from wkb_tracker.domain.settings import using
from wkb_tracker.store.policy_files import load_policy
from wkb_tracker.store.records import (
    event_file_mapping,
    event_path,
    rectification_path,
    rectification_to_mapping,
    visit_path,
    visit_to_mapping,
)
from wkb_tracker.store.root import init_root
from wkb_tracker.store.settings import settings_for
from wkb_tracker.store.storage import dump_yaml

ENTITIES = {
    "高校院所": [
        "武汉大学",
        "华中科技大学",
        "武汉理工大学",
        "华中师范大学",
        "中南财经政法大学",
        "湖北大学",
        "中科院武汉病毒研究所",
        "武汉纺织大学",
    ],
    "平台载体": [
        "光谷实验室",
        "东湖实验室",
        "九峰山实验室",
        "江城实验室",
        "洪山创新街区孵化器",
        "青山科技企业加速器",
        "汉阳创意产业园",
    ],
    "科技企业": [
        "长江存储",
        "华工科技",
        "烽火通信",
        "斗鱼网络",
        "高德红外",
        "联影医疗",
        "光迅科技",
        "精测电子",
        "锐科激光",
        "小药药",
    ],
    "创新团队": [
        "激光制造创新团队",
        "基因编辑青年团队",
        "智能网联汽车团队",
        "新型显示材料团队",
        "工业软件攻关团队",
    ],
}
PROBLEMS = [
    "研发用地紧张,希望协调扩建",
    "高企认定材料不清楚",
    "科技成果转化审批周期长",
    "缺少中试熟化场地",
    "外籍人才工作许可办理慢",
    "融资渠道少,希望对接基金",
    "项目经费拨付进度慢",
    "希望参加揭榜挂帅项目",
]
SUMMARIES = [
    "走访了解企业研发进展和需求",
    "座谈交流政策落实情况",
    "电话了解项目申报困难",
    "线上对接科技成果转化需求",
    "宣讲高企认定政策",
    "调研孵化载体运营情况",
]
OWNERS = ["张伟", "李娜", "王磊", "刘洋", "陈静", "杨帆", "赵敏", "黄强"]
# In every generated root; bench/run.py writes the generator version into it once data is complete.
MARKER = ".bench-generated"


def make_id(rng: random.Random, kind: str, day: date, used: set[str]) -> str:
    while True:
        record_id = f"{kind}{day:%Y%m%d}-" + "".join(rng.choice(ALPHABET) for _ in range(6))
        if record_id not in used:
            used.add(record_id)
            return record_id


def stamp(day: date, rng: random.Random, delay_days: int = 0) -> datetime:
    moment = datetime(day.year, day.month, day.day, 9, 0, tzinfo=SHANGHAI) + timedelta(
        days=delay_days, minutes=rng.randrange(600)
    )
    return moment


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(
    out: Path, visits: int, seed: int, end: date, per_month: int = 60
) -> dict[str, int]:
    """`visits` visits up to `end`, about `per_month` per district-month (the months follow)."""
    rng = random.Random(seed)
    if out.exists():
        # Only ever a folder this script made (or an empty one): OUT_DIR given by mistake must
        # not cost anyone their records.
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise SystemExit(
                f"{out} exists and was not made by bench/generate.py (no {MARKER}); "
                "give a new or empty folder"
            )
        shutil.rmtree(out)
    init_root(out, git=False)
    # Marked before anything else is written, so a run cut short can be cleared by the next one.
    (out / MARKER).write_text("incomplete\n", encoding="utf-8")
    # A personal setting, where a clerk's set-up keeps it (wkb.local.toml, not the shared wkb.toml).
    (out / "wkb.local.toml").write_text('recorder = "办公室"\n', encoding="utf-8")
    # One revision of the table (分工调整): 江岸区 moves from 徐涛 to 刘红 on 2025-03-01.
    districts_file = out / "data" / "districts.yaml"
    with districts_file.open("a", encoding="utf-8") as stream:
        stream.write(
            "  - district: 江岸区\n    id: jiangan\n    leader: 刘红\n    title: 二级巡视员\n"
        )
        stream.write("    department: 项目中心\n    contact: 亓巍\n    from: 2025-03-01\n")
    policy, problems = load_policy(out)
    assert not problems, problems
    # About 60 contacts per district-month (`per_month`), over at most the months since the notice
    # took effect (2021-07): a larger N makes the months denser rather than reaching before the
    # table. The tests ask for fewer per month to get several months from a few hundred visits.
    months_count = max(1, -(-visits // (14 * per_month)))
    notice = date(2021, 7, 1)
    first_month = max(notice, add_months(date(end.year, end.month, 1), -(months_count - 1)))
    months = months_between(first_month, end)
    used: set[str] = set()
    counts = {"visits": 0, "rectifications": 0, "void": 0}
    slots = [(y, m, d) for (y, m) in months for d in policy.district_ids]
    # About 8% of district-months are short (0 or 1 contact); the rest share the remaining visits.
    planned_counts = [rng.choice([0, 1]) if rng.random() < 0.08 else -1 for _ in slots]
    spare = visits - sum(c for c in planned_counts if c >= 0)
    open_slots = [i for i, c in enumerate(planned_counts) if c < 0]
    for i in open_slots:
        planned_counts[i] = spare // len(open_slots)
    for i in rng.sample(open_slots, spare % len(open_slots)):
        planned_counts[i] += 1
    leaders = policy.leaders
    for (year, month, district_id), planned in zip(slots, planned_counts, strict=True):
        first, last = month_bounds(year, month)
        last = min(last, end)
        for _ in range(planned):
            day = first + timedelta(days=rng.randrange((last - first).days + 1))
            entry = policy.assignment_on(district_id, day)
            assert entry is not None
            leader = entry.leader if rng.random() > 0.01 else rng.choice(leaders)
            kind = rng.choice(list(ENTITY_TYPES))
            late = rng.random() < 0.03
            recorded = stamp(day, rng, rng.randrange(12, 40) if late else 0)
            visit_id = make_id(rng, VISIT, day, used)
            raised = [rng.choice(PROBLEMS)] if rng.random() < 0.30 else []
            void = None
            if rng.random() < 0.002:
                void = VoidMark("重复录入", "办公室", recorded + timedelta(days=1))
                counts["void"] += 1
            visit = Visit(
                id=visit_id,
                date=day,
                district=entry.district,
                district_id=district_id,
                leader=leader,
                entity=rng.choice(ENTITIES[kind]),
                type=kind,
                mode=rng.choice(list(CONTACT_MODES)),
                measures=tuple(sorted(rng.sample(range(1, 18), rng.randrange(1, 3)))),
                summary=rng.choice(SUMMARIES),
                problems=tuple(raised),
                participants=(entry.contact,),
                recorder=entry.contact,
                recorded_at=recorded,
                void=void,
            )
            write(out, visit_path(visit_id, day, district_id), dump_yaml(visit_to_mapping(visit)))
            counts["visits"] += 1
            for problem in raised:
                item = make_item(rng, visit, problem, entry.department, end, used)
                write_item(out, item)
                counts["rectifications"] += 1
    return counts


def write_item(out: Path, item: Rectification) -> None:
    """About half the items (by their id, so the data stays the same) as wkb writes them now, one
    file per event beside the item; the rest in the format before, events inside the item's file."""
    rel = rectification_path(item.id, item.opened)
    if item.id[-1] in ALPHABET[::2]:
        write(out, rel, dump_yaml(rectification_to_mapping(item)))
        return
    write(out, rel, dump_yaml(rectification_to_mapping(replace(item, events=()))))
    for index, event in enumerate(item.events):
        stamp_utc = event.at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
        event_id = f"E{stamp_utc}{index:06d}-{item.id[-6:]}"  # deterministic, unique per item
        placed = replace(event, id=event_id, path=event_path(rel, item.id, event_id))
        write(out, placed.path, dump_yaml(event_file_mapping(item.id, placed)))


def make_item(
    rng: random.Random, visit: Visit, problem: str, department: str, end: date, used: set[str]
) -> Rectification:
    opened = visit.date
    deadline = opened + timedelta(days=30)
    who = rng.choice(OWNERS)
    events: list[RectificationEvent] = []
    age = (end - opened).days

    def event(kind: str, day: date, **fields: object) -> None:
        events.append(RectificationEvent(kind=kind, date=day, by=who, at=stamp(day, rng), **fields))  # type: ignore[arg-type]

    if age > 5 and rng.random() < 0.5:
        event(
            "progress",
            opened + timedelta(days=min(age, rng.randrange(1, 10))),
            note="已联系相关处室协调",
        )
    fate = rng.random()
    if age > 45:
        if fate < 0.65:
            event("close", opened + timedelta(days=rng.randrange(3, 30)), resolution="已协调解决")
        elif fate < 0.80:
            event(
                "close", opened + timedelta(days=rng.randrange(31, 45)), resolution="已解决(超期)"
            )
        elif fate < 0.90:
            new_deadline = deadline + timedelta(days=30)
            event(
                "extend",
                deadline - timedelta(days=2),
                deadline=new_deadline,
                reason="需跨部门协调",
                approved_by="盛继亮",
            )
            if rng.random() < 0.7:
                event(
                    "close",
                    deadline + timedelta(days=rng.randrange(5, 25)),
                    resolution="延期后解决",
                )
        elif fate < 0.93:
            event("close", opened + timedelta(days=10), resolution="已答复")
            event("reopen", opened + timedelta(days=20), reason="企业反映问题仍在")
        # else: left open, long overdue
    elif age > 10 and fate < 0.4:
        event(
            "close",
            opened + timedelta(days=rng.randrange(3, min(age, 30))),
            resolution="已协调解决",
        )
    return Rectification(
        id=make_id(rng, RECTIFICATION, opened, used),
        problem=problem,
        district=visit.district,
        district_id=visit.district_id,
        source="visit",
        visit=visit.id,
        measure=14,
        department=department,
        owner=who,
        opened=opened,
        deadline=deadline,
        created_by=visit.recorder,
        created_at=visit.recorded_at,
        events=tuple(sorted(events, key=lambda e: e.date)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 10, 31))
    args = parser.parse_args(argv)
    with using(settings_for()):  # the same settings a `wkb` command would run with
        counts = generate(args.out, args.visits, args.seed, args.end)
    print(
        f"{args.out}: {counts['visits']} visits, {counts['rectifications']} rectifications, {counts['void']} void",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
