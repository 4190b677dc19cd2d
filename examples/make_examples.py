#!/usr/bin/env python3
"""Rebuild `examples/records/`: a small, FICTIONAL records root for trying wkb (示例数据,纯属虚构).

Deterministic (fixed seed, fixed ids and timestamps): running it again gives the same files. It
writes through wkb's own code (init_root, assign, records.*_to_mapping, storage.dump_yaml,
storage.create_exclusive), so the files are exactly what `wkb visit add` / `wkb rectify` would
write. Run from the repository: `.venv/bin/python examples/make_examples.py`.

The story, January–November 2026 (visits dated up to 2026-11-20):
- every leader contacts each of their districts about twice a month, with these exceptions:
  胡军 汉阳区 short in August; 刘红 临空港开发区 short in March and October; 金开红 硚口区 short
  in May and 蔡甸区 short in September; 徐涛 江岸区 short in October;
- 江夏区 passes from 赵峰 to 徐涛 on 2026-07-16 (a mid-month reassignment: July is pro-rated);
- in October 金开红 also visits 武昌区 (王振旭's district: shown bureau-wide, not counted) and a
  mistaken 江汉区 visit is voided; a September visit of 刘红 was entered late (补录);
- November is under way: some districts already met, others still short (`wkb due`);
- a register of the example entities (issue 14) since 2026-07-01: visits from July on carry their
  entity's id, earlier ones do not (`wkb entity link` proposes them); a short-named duplicate
  registered in July was merged into 长江数智软件有限公司(示例) (two July visits point to it);
- rectification items in every state: closed on time, closed late, extended then closed, overdue,
  due soon, open, and two without a district (bureau-internal).
"""

from __future__ import annotations

import random
import shutil
import sys
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))  # use this checkout's wkb even without installing it

from wkb_tracker.domain.credit_code import complete  # noqa: E402
from wkb_tracker.domain.dates import SHANGHAI, month_bounds  # noqa: E402
from wkb_tracker.domain.entities import Entity  # noqa: E402
from wkb_tracker.domain.ids import ALPHABET  # noqa: E402
from wkb_tracker.domain.model import Rectification, RectificationEvent, Visit, VoidMark  # noqa: E402
from wkb_tracker.domain.policy import Policy  # noqa: E402
from wkb_tracker.store.assign import assign  # noqa: E402
from wkb_tracker.store.config import write_config  # noqa: E402
from wkb_tracker.store.entity_store import entity_path, entity_to_mapping  # noqa: E402
from wkb_tracker.store.policy_files import load_policy  # noqa: E402
from wkb_tracker.store.records import (  # noqa: E402
    rectification_path,
    rectification_to_mapping,
    visit_path,
    visit_to_mapping,
)
from wkb_tracker.store.root import init_root  # noqa: E402
from wkb_tracker.store.storage import create_exclusive, dump_yaml  # noqa: E402

TARGET = HERE / "records"
MARKER = "README.md"
RECORDER = "示例录入员"
LAST_DAY = date(2026, 11, 20)  # no visit or event after this day
MONTHS = [(2026, month) for month in range(1, 12)]

# (district id, "YYYY-MM") → number of visits by the responsible leader (default 2).
COUNTS = {
    ("hanyang", "2026-08"): 1,
    ("linkonggang", "2026-03"): 1,
    ("linkonggang", "2026-10"): 1,
    ("qiaokou", "2026-05"): 1,
    ("caidian", "2026-09"): 1,
    ("jiangan", "2026-10"): 1,
    ("donghu", "2026-06"): 3,
    ("wuhankaifa", "2026-09"): 3,
    ("qingshan", "2026-11"): 3,
    # November so far
    ("hanyang", "2026-11"): 1,
    ("linkonggang", "2026-11"): 1,
    ("jiangan", "2026-11"): 0,
    ("caidian", "2026-11"): 1,
}

ENTITIES = {
    "科技企业": [
        "楚天光电科技有限公司",
        "江城智能装备有限公司",
        "汉江生物医药有限公司",
        "长江数智软件有限公司",
    ],
    "高校院所": ["武汉某大学产业技术研究院", "华中某研究所成果转化中心"],
    "平台载体": ["光谷某科技企业孵化器", "某区大学生创业园", "某产业创新联合体"],
    "创新团队": ["新型显示材料创新团队", "北斗应用创新团队"],
}
# The register (issue 14): one entry per example entity, with a fictional credit code whose check
# characters are valid (organisation-code part "EX" + a number: the form of a code, belonging to
# no one), its district, tags from measures 8, 11, 12, and a contact. (registration authority and
# kind code, district, alias, tags) per name; teams are not legal persons and have no code.
REGISTER: dict[str, tuple[str | None, str, tuple[str, ...], tuple[str, ...]]] = {
    "楚天光电科技有限公司": ("91", "donghu", ("楚天光电",), ("高企培育库",)),
    "江城智能装备有限公司": ("91", "wuhankaifa", (), ("高企培育库", "联络员单位")),
    "汉江生物医药有限公司": ("91", "hanyang", (), ()),
    "长江数智软件有限公司": ("91", "jiangan", (), ("联络员单位",)),
    "武汉某大学产业技术研究院": ("12", "hongshan", (), ("联络员单位",)),
    "华中某研究所成果转化中心": ("12", "wuchang", (), ()),
    "光谷某科技企业孵化器": ("52", "donghu", ("光谷孵化器",), ("孵化器", "孵化载体")),
    "某区大学生创业园": ("52", "jiangxia", (), ("孵化载体",)),
    "某产业创新联合体": ("52", "qiaokou", (), ()),
    "新型显示材料创新团队": (None, "donghu", (), ()),
    "北斗应用创新团队": (None, "jiangan", (), ()),
}
REGISTER_START = date(2026, 7, 1)  # visits from this day on carry the entity's id
MODES = ["实地走访", "实地走访", "座谈交流", "电话联系", "线上交流"]
SUMMARIES = [
    "了解企业研发投入和高企申报准备情况,宣讲科技创新政策。",
    "座谈交流成果转化需求,对接高校院所技术资源。",
    "走访孵化载体,了解在孵企业融资和场地需求。",
    "电话回访上次提出的问题办理进展,企业表示满意。",
    "宣讲科技金融政策,协调科技型企业贷款需求。",
]
PROBLEMS = [
    "研发费用加计扣除政策口径不清楚",
    "中试场地紧张,希望协调公共平台",
    "科技成果评价渠道不畅",
    "高企认定材料准备缺少辅导",
    "知识产权质押融资审批周期长",
]


def _id(kind: str, day: date, rng: random.Random) -> str:
    return f"{kind}{day:%Y%m%d}-" + "".join(rng.choice(ALPHABET) for _ in range(6))


def _at(day: date, hour: int = 17, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def _weekdays(first: date, last: date) -> list[date]:
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [day for day in days if day.weekday() < 5]


def _visit(
    policy: Policy,
    rng: random.Random,
    district_id: str,
    day: date,
    *,
    leader: str | None = None,
    recorded: datetime | None = None,
    problems: tuple[str, ...] = (),
) -> Visit:
    entry = policy.assignment_on(district_id, day)
    assert entry is not None, (district_id, day)
    kind = rng.choice(list(ENTITIES))
    return Visit(
        id=_id("V", day, rng),
        date=day,
        district=entry.district,
        district_id=district_id,
        leader=leader or entry.leader,
        entity=rng.choice(ENTITIES[kind]) + "(示例)",
        type=kind,
        mode=rng.choice(MODES),
        measures=(14,),
        summary=rng.choice(SUMMARIES),
        problems=problems,
        participants=(entry.department, entry.contact),
        recorder=RECORDER,
        recorded_at=recorded or _at(day),
    )


def _visits(policy: Policy, rng: random.Random) -> list[Visit]:
    visits: list[Visit] = []
    for year, month in MONTHS:
        first, last = month_bounds(year, month)
        last = min(last, LAST_DAY)
        key = f"{year:04d}-{month:02d}"
        for district_id in policy.district_ids:
            # One block of days per leader who held the district this month (July's 江夏区 has two).
            holders = []
            for entry in policy.history(district_id):
                start = max(first, entry.start)
                end = min(last, entry.end) if entry.end is not None else last
                if start <= end:
                    holders.append((start, end))
            for start, end in holders:
                share = COUNTS.get((district_id, key), 2)
                if len(holders) > 1:  # a reassignment month: 1 for the first leader, 2 after
                    share = 1 if start == first else 2
                for day in sorted(rng.sample(_weekdays(start, end), share)):
                    visits.append(_visit(policy, rng, district_id, day))
    # October: 金开红 visits 王振旭's 武昌区 (does not count, shown bureau-wide) and a mistaken
    # 江汉区 visit is voided.
    visits.append(_visit(policy, rng, "wuchang", date(2026, 10, 15), leader="金开红"))
    mistaken = _visit(policy, rng, "jianghan", date(2026, 10, 21))
    visits.append(
        replace(
            mistaken,
            void=VoidMark("重复录入,与同日另一条记录相同", RECORDER, _at(date(2026, 10, 22), 9)),
        )
    )
    # September: 刘红's visit entered on 10-12, twelve days after the month ended (补录).
    visits.append(
        _visit(policy, rng, "linkonggang", date(2026, 9, 22), recorded=_at(date(2026, 10, 12), 10))
    )
    return visits


def _entities(policy: Policy) -> tuple[list[Entity], dict[str, str]]:
    """The example register and name → id. Its own random sequence, so the visits and items drawn
    from the main one stay as they were. One extra entry, registered twice by mistake under a
    short name and then merged (`wkb entity merge`), shows how a merged entry is kept."""
    rng = random.Random(14)
    kinds = {name: kind for kind, names in ENTITIES.items() for name in names}
    entities: list[Entity] = []
    registered = _at(date(2026, 6, 30), 9)
    for number, (name, (authority, district_id, aliases, tags)) in enumerate(REGISTER.items(), 1):
        code = complete(f"{authority}420100EX{number:06d}") if authority else None
        entities.append(
            Entity(
                id=_id("S", registered.date(), rng),
                name=name + "(示例)",
                aliases=tuple(alias + "(示例)" for alias in aliases),
                credit_code=code,
                district=policy.district_name(district_id),
                district_id=district_id,
                type=kinds[name],
                tags=tags,
                contact="示例联系人",
                created_by=RECORDER,
                created_at=registered,
            )
        )
    kept = entities[3]  # 长江数智软件有限公司(示例)
    merged_at = _at(date(2026, 8, 3), 11)
    duplicate = Entity(
        id=_id("S", date(2026, 7, 20), rng),
        name="长江数智(示例)",
        type="科技企业",
        created_by=RECORDER,
        created_at=_at(date(2026, 7, 20), 15),
        merged_into=kept.id,
        merged_by=RECORDER,
        merged_at=merged_at,
    )
    entities[3] = replace(kept, aliases=(*kept.aliases, duplicate.name))
    entities.append(duplicate)
    ids = {entity.name: entity.id for entity in entities}
    return entities, ids


def _linked(visits: list[Visit], ids: dict[str, str]) -> list[Visit]:
    """Visits from REGISTER_START on carry their entity's id, as `wkb visit add` records it once
    the register exists; earlier ones have none (`wkb entity link` proposes them). Two July
    visits point to the entry later merged away: they count for the kept one when read."""
    linked: list[Visit] = []
    merged_left = 2
    for visit in visits:
        if visit.date >= REGISTER_START:
            entity_id = ids[visit.entity]
            if visit.entity == "长江数智软件有限公司(示例)" and visit.date.month == 7 and merged_left:
                visit = replace(visit, entity="长江数智(示例)")
                entity_id, merged_left = ids[visit.entity], merged_left - 1
            visit = replace(visit, entity_id=entity_id)
        linked.append(visit)
    return linked


def _with_problem(visits: list[Visit], district_id: str, month: str, problem: str) -> Visit:
    """The district's first visit of the month, now raising `problem` (replaced in `visits`)."""
    for index, visit in enumerate(visits):
        if (
            visit.district_id == district_id
            and f"{visit.date:%Y-%m}" == month
            and visit.void is None
        ):
            visits[index] = replace(visit, problems=(*visit.problems, problem))
            return visits[index]
    raise LookupError((district_id, month))


Step = tuple[str, int, dict[str, object]]  # (event kind, days after opening, fields)


def _items(policy: Policy, visits: list[Visit], rng: random.Random) -> list[Rectification]:
    """Items opened from visits (dates follow the visit), plus two bureau-internal ones."""

    problems = iter(PROBLEMS * 3)

    def item(
        deadline: int | date,
        steps: tuple[Step, ...] = (),
        *,
        district_id: str | None = None,
        month: str | None = None,
        opened: date | None = None,
        problem: str | None = None,
        source: str = "visit",
    ) -> Rectification:
        text = problem or next(problems)
        visit, district, department, owner = None, None, "办公室", "示例经办人"
        if district_id is not None and month is not None:
            visit = _with_problem(visits, district_id, month, text)
            opened = visit.date
            entry = policy.assignment_on(district_id, opened)
            assert entry is not None
            district, department, owner = entry.district, entry.department, entry.contact
        assert opened is not None
        events = tuple(
            RectificationEvent(
                kind=kind,
                date=opened + timedelta(days=offset),
                by=RECORDER,
                at=_at(opened + timedelta(days=offset), 10),
                note=fields.get("note"),  # type: ignore[arg-type]
                deadline=opened + timedelta(days=fields["deadline"])  # type: ignore[operator]
                if "deadline" in fields
                else None,
                reason=fields.get("reason"),  # type: ignore[arg-type]
                approved_by=fields.get("approved_by"),  # type: ignore[arg-type]
                resolution=fields.get("resolution"),  # type: ignore[arg-type]
            )
            for kind, offset, fields in steps
        )
        assert all(event.date <= LAST_DAY for event in events), (district_id, month)
        return Rectification(
            id=_id("R", opened, rng),
            problem=text,
            district=district,
            district_id=district_id,
            source=source,
            visit=visit.id if visit else None,
            measure=14 if visit else None,
            department=department,
            owner=owner,
            opened=opened,
            deadline=deadline if isinstance(deadline, date) else opened + timedelta(days=deadline),
            created_by=RECORDER,
            created_at=_at(opened, 18),
            events=events,
        )

    return [
        # closed on time
        item(30, (("close", 14, {"resolution": "已协调区科技局专人辅导"}),),
             district_id="xinzhou", month="2026-02"),
        item(30, (("progress", 10, {"note": "已约谈区税务部门"}),
                  ("close", 25, {"resolution": "政策口径已书面答复企业"})),
             district_id="donghu", month="2026-03"),
        item(30, (("close", 20, {"resolution": "已对接评价机构"}),),
             district_id="caidian", month="2026-07"),
        # closed late
        item(30, (("close", 40, {"resolution": "已推荐至市级中试平台"}),),
             district_id="hanyang", month="2026-05"),
        # extended with approval, then closed within the new deadline
        item(30, (("extend", 25, {"deadline": 80, "reason": "需市区两级协调场地", "approved_by": "盛继亮"}),
                  ("close", 70, {"resolution": "场地问题已解决"})),
             district_id="linkonggang", month="2026-08"),
        item(30, (("close", 36, {"resolution": "融资需求已对接银行"}),),
             district_id="jiangxia", month="2026-08"),
        # still open: overdue since October
        item(30, (("progress", 15, {"note": "已转规划处研究"}),),
             district_id="qiaokou", month="2026-09"),
        # closed on time in November
        item(30, (("progress", 10, {"note": "已形成办理方案"}),
                  ("close", 20, {"resolution": "已办结并回访企业"})),
             district_id="wuchang", month="2026-10"),
        # overdue since 2026-11-21; due soon (2026-11-30); open
        item(date(2026, 11, 20), district_id="hongshan", month="2026-10"),
        item(date(2026, 11, 30), district_id="jianghan", month="2026-11"),
        item(date(2026, 12, 10), district_id="donghu", month="2026-11"),
        # bureau-internal, no district
        item(30, (("close", 27, {"resolution": "指南已全部更新"}),),
             opened=date(2026, 9, 15), source="自查", problem="政务服务事项办理指南部分要素未更新"),
        item(30, opened=date(2026, 11, 3), source="好差评", problem="群众反映窗口咨询电话接通率低"),
    ]  # fmt: skip


def main() -> None:
    if TARGET.exists() and not ((TARGET / MARKER).is_file() and (TARGET / "wkb.toml").is_file()):
        sys.exit(f"{TARGET} exists but is not the example root; not touching it")
    # Built in a temporary folder, then moved into place: this checkout is itself a records root,
    # and `wkb init` (rightly) refuses a root inside another one.
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "records"
        _build(built)
        if TARGET.exists():
            shutil.rmtree(TARGET)
        shutil.move(str(built), TARGET)


def _build(target: Path) -> None:
    init_root(target, git=False)
    write_config(target, {"lang": "zh", "auto_commit": False, "recorder": RECORDER})
    (target / MARKER).write_text(
        "# 示例数据 / Example data\n\n"
        "本目录是 wkb 的**虚构示例数据**(走访、整改事项均为编造,不是真实记录),"
        "由 `examples/make_examples.py` 生成,请勿手工修改。\n\n"
        "This folder holds **fictional example records** for trying wkb; generated by "
        "`examples/make_examples.py` — do not edit by hand.\n\n"
        "```\nWKB_ROOT=examples/records wkb report --month 2026-10\n"
        "WKB_ROOT=examples/records wkb report --quarter 2026-Q3\n"
        "WKB_ROOT=examples/records wkb report --year 2026\n"
        "WKB_ROOT=examples/records WKB_TODAY=2026-11-25 wkb due\n"
        "WKB_ROOT=examples/records wkb entity list\n```\n",
        encoding="utf-8",
    )
    # A mid-year revision of the table: 江夏区 passes from 赵峰 to 徐涛 on 2026-07-16.
    assign(target, "江夏区", leader="徐涛", start="2026-07-16")
    policy, problems = load_policy(target)
    if problems:
        sys.exit("\n".join(str(p) for p in problems))
    rng = random.Random(20211210)
    visits = _visits(policy, rng)
    items = _items(policy, visits, rng)
    entities, ids = _entities(policy)
    visits = _linked(visits, ids)
    for entity in entities:
        create_exclusive(target / entity_path(entity.id), dump_yaml(entity_to_mapping(entity)))
    for visit in visits:
        path = target / visit_path(visit.id, visit.date, visit.district_id)
        create_exclusive(path, dump_yaml(visit_to_mapping(visit)))
    for rectification in items:
        path = target / rectification_path(rectification.id, rectification.opened)
        create_exclusive(path, dump_yaml(rectification_to_mapping(rectification)))
    print(
        f"wrote {len(visits)} visits, {len(items)} rectification items and {len(entities)} "
        f"register entries to {target}"
    )


if __name__ == "__main__":
    main()
