"""The one way in: a records root → a Dataset (policy, config, records) plus every Problem found.

Bad files never stop a load: they become Problems and are left out of the Dataset. So does a
record outside the month folder of its date: a one-month reader would never see it there.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wkb_tracker.domain.dataset import Dataset
from wkb_tracker.domain.errors import Problem
from wkb_tracker.domain.i18n import say
from wkb_tracker.domain.model import EventFile, Rectification, Visit
from wkb_tracker.store import settings
from wkb_tracker.store.config import read_config
from wkb_tracker.store.json_cache import CACHE_DIR
from wkb_tracker.store.policy_files import load_policy
from wkb_tracker.store.records import (
    event_file_from_document,
    is_event_file,
    rectification_from_document,
    rectification_path,
    visit_from_document,
    visit_path,
)
from wkb_tracker.store.root import RECTIFICATIONS_DIR, SEALED_DIR, VISITS_DIR
from wkb_tracker.store.storage import Document, is_temp_file, read_yaml

if TYPE_CHECKING:
    from wkb_tracker.store.checked import CheckedFiles
    from wkb_tracker.store.record_cache import Window


def record_files(
    root: Path, directory: str, months: Iterable[tuple[int, int]] | None = None
) -> tuple[list[str], list[str]]:
    """(record files, leftover temp files) under `directory`, relative to root, sorted.

    With `months`, only the `YYYY/MM` folders of those months are listed: a month's report never
    touches other months' files. A folder that cannot be read as one is never entered; it is
    listed among the records instead, so that reading it reports it rather than its contents
    being counted by some commands and not by others (or by none, silently): a symlinked folder
    (anywhere from `data/` down), a folder that cannot be listed (no permission), and a file
    where a `YYYY` or `MM` folder belongs.
    """
    if months is not None:
        tops = [f"{directory}/{year:04d}/{month:02d}" for year, month in months]
    else:
        tops = [directory]
    records: set[str] = set()
    temps: list[str] = []

    def unreadable(error: OSError) -> None:
        if error.filename is not None:
            records.add(Path(os.fsdecode(error.filename)).relative_to(root).as_posix())

    for top in tops:
        odd = odd_folder(root, top)
        if odd is not None:
            records.add(odd)
            continue
        base = root / top
        if not os.path.isdir(base):
            continue
        for folder, subfolders, names in os.walk(base, onerror=unreadable):
            rel_folder = Path(folder).relative_to(root).as_posix()
            kept = []
            for name in subfolders:
                if name.startswith("."):
                    if is_temp_file(name):  # not wkb's making, but `validate --fix` must see it
                        temps.append(f"{rel_folder}/{name}")
                    continue
                if os.path.islink(os.path.join(folder, name)):
                    records.add(f"{rel_folder}/{name}")
                else:
                    kept.append(name)
            subfolders[:] = kept
            level = rel_folder.count("/") - 1  # 0: data/<kind>, 1: a YYYY folder, 2: MM
            for name in names:
                if is_temp_file(name):
                    temps.append(f"{rel_folder}/{name}")
                elif name.startswith("."):
                    continue
                elif name.endswith(".yaml") or (level < 2 and name.isdigit()):
                    records.add(f"{rel_folder}/{name}")
    return sorted(records), sorted(temps)


def odd_folder(root: Path, top: str) -> str | None:
    """The first folder from `data/` down to `top` (relative) that exists but cannot be read as
    a real folder (a symlink, a file, unreadable); None when all are folders or `top` is absent."""
    rel = ""
    for part in top.split("/"):
        rel = f"{rel}/{part}" if rel else part
        try:
            status = os.lstat(root / rel)
        except FileNotFoundError:
            return None
        except OSError:
            return rel
        if not stat.S_ISDIR(status.st_mode):  # a symlink (even to a folder) or a file
            return rel
    return None


def _odd_entry(root: Path, rel: str) -> Problem | None:
    """Why a listed path that is not a `.yaml` record cannot be read: an unreadable folder, or a
    file where a folder belongs. (Symlinks are left to `read_yaml`, which says where they point.)"""
    if rel.endswith(".yaml"):
        return None
    path = root / rel
    if os.path.islink(path):
        return None
    try:
        folder = stat.S_ISDIR(os.stat(path).st_mode)
        if folder:
            with os.scandir(path):
                pass
    except OSError as error:  # no permission on it, or on the folder holding it
        message = say("无法读取文件夹:", "cannot read this folder: ") + (
            error.strerror or str(error)
        )
        return Problem(rel, 1, message)
    if folder:
        return None
    message = say(
        "此处应为文件夹(记录放在 YYYY/MM 文件夹中),却是文件;未读取",
        "a file where a folder belongs (records go in YYYY/MM folders); not read",
    )
    return Problem(rel, 1, message)


def folder_problems(root: Path, rel: str) -> list[Problem]:
    """A problem when `rel` exists but cannot be read as a real folder of the root: reported,
    never taken for an empty (or absent) folder."""
    odd = odd_folder(root, rel)
    if odd is not None:
        if os.path.islink(root / odd):
            message = say("是符号链接,未读取", "is a symlink; not read")
            return [Problem(odd, 1, message)]
        found = _odd_entry(root, odd)
        return [found] if found is not None else []
    try:
        with os.scandir(root / rel):
            pass
    except FileNotFoundError:
        return []
    except OSError as error:
        why = error.strerror or str(error)
        return [Problem(rel, 1, say("无法读取文件夹:", "cannot read this folder: ") + why)]
    return []


def read_doc(root: Path, rel: str) -> Document:
    """A listed path read as a document (an odd entry: no value, its problem)."""
    odd = _odd_entry(root, rel)
    if odd is not None:
        return Document(rel, b"", None, [odd])
    return read_yaml(root, rel)


def month_folder(directory: str, day: date) -> str:
    """`data/visits/YYYY/MM`: where the record of `day` belongs."""
    return f"{directory}/{day.year:04d}/{day.month:02d}"


def _misplaced(
    doc: Document, directory: str, day: date, key: str, what: tuple[str, str]
) -> list[Problem]:
    """A record outside the month folder of its date (`key`: date for a visit, opened for an
    item) is left out rather than counted by some readers and missed by others (a one-month
    reader only looks in that month's folder)."""
    folder = month_folder(directory, day)
    if doc.rel.startswith(folder + "/"):
        return []
    message = say(
        "文件不在其{wz}对应的月份目录({f})",
        "file is not in the month folder of its {we} ({f})",
        wz=what[0],
        we=what[1],
        f=folder,
    )
    return [doc.problem(message, key)]


def _visit_misplaced(doc: Document, visit: Visit) -> list[Problem]:
    return _misplaced(doc, VISITS_DIR, visit.date, "date", ("日期", "date"))


def _item_misplaced(doc: Document, item: Rectification) -> list[Problem]:
    return _misplaced(doc, RECTIFICATIONS_DIR, item.opened, "opened", ("立项日期", "opened date"))


@contextmanager
def _bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while thousands of small acyclic records are built:
    it would otherwise rescan them again and again (up to 1.6x slower on large loads). In a
    one-command process the records are then frozen: they stay until the command ends, and
    every later pass would scan them again (~0.05 s of a warm year report at 100k visits). A
    process is one command when its start-up froze what it made (`cli.main` → `session`); tests
    run many commands in one process, freeze nothing, and keep collecting what each leaves."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count():
                gc.freeze()
            gc.enable()


def _numbered_folder(entry: os.DirEntry[str], digits: int) -> bool:
    """A real folder (not a link) named by `digits` digits: YYYY or MM."""
    return (
        entry.name.isdigit() and len(entry.name) == digits and entry.is_dir(follow_symlinks=False)
    )


def _month_folders(
    root: Path, directory: str, months: Iterable[tuple[int, int]] | None
) -> list[str] | None:
    """The `YYYY/MM` folders to read, or None when the tree has anything else in it (a stray
    file, a symlink, an oddly named or unreadable folder): then every file is read the slow way
    and reported."""
    base = root / directory
    if odd_folder(root, directory) is not None:
        return None
    if months is not None:
        folders = []
        for number, month_number in months:
            month_rel = f"{directory}/{number:04d}/{month_number:02d}"
            try:
                if not stat.S_ISDIR(os.lstat(root / month_rel).st_mode):
                    return None  # a symlink or a file: the slow way reports it
            except FileNotFoundError:
                if odd_folder(root, month_rel) is not None:
                    return None  # the YYYY folder is a symlink
                continue
            except OSError:
                return None  # NotADirectoryError (YYYY is a file), no permission
            if os.path.islink(root / month_rel.rsplit("/", 1)[0]):
                return None
            folders.append(month_rel)
        return folders
    folders = []
    try:
        with os.scandir(base) as years:
            for year in years:
                if year.name.startswith("."):
                    continue
                if not _numbered_folder(year, 4):
                    return None
                with os.scandir(year.path) as month_entries:
                    for month in month_entries:
                        if month.name.startswith("."):
                            continue
                        if not _numbered_folder(month, 2):
                            return None
                        folders.append(f"{directory}/{year.name}/{month.name}")
    except FileNotFoundError:
        return []
    except OSError:
        return None
    return sorted(folders)


def month_signatures(
    root: Path, directory: str, months: Iterable[tuple[int, int]]
) -> dict[str, str] | None:
    """The record cache's signature of each of these month folders (those that exist): one
    changes when any record file in its folder is added, removed, renamed, edited or touched.
    None when a folder cannot be signed (an oddity the slow read reports)."""
    from wkb_tracker.store.record_cache import folder_signatures

    folders = _month_folders(root, directory, months)
    if folders is None:
        return None
    signatures = folder_signatures(root, folders)
    signed = {rel: sig for rel, sig in zip(folders, signatures, strict=True) if sig is not None}
    return signed if len(signed) == len(folders) else None


def _read_visit(root: Path, rel: str) -> tuple[Visit | None, list[Problem]]:
    return visit_from_doc(read_doc(root, rel))


def visit_from_doc(doc: Document) -> tuple[Visit | None, list[Problem]]:
    """The visit a read document holds (None and the problems if it holds none), checked as every
    reader checks it: only its bytes and its path matter."""
    if doc.problems:
        return None, list(doc.problems)
    visit, found = visit_from_document(doc)
    if visit is not None and (misplaced := _visit_misplaced(doc, visit)):
        return None, misplaced
    return visit, found


def _read_item(root: Path, rel: str) -> tuple[Rectification | EventFile | None, list[Problem]]:
    """An item, or one event from its own file (joined with its item by `event_files.join`)."""
    return item_from_doc(read_doc(root, rel))


def item_from_doc(doc: Document) -> tuple[Rectification | EventFile | None, list[Problem]]:
    """Like `visit_from_doc`, for an item or an event file."""
    if doc.problems:
        return None, list(doc.problems)
    if is_event_file(doc.rel.rsplit("/", 1)[-1]):
        return event_file_from_document(doc)
    item, found = rectification_from_document(doc)
    if item is not None and (misplaced := _item_misplaced(doc, item)):
        return None, misplaced
    return item, found


def _load_kind(
    root: Path,
    directory: str,
    kind: str,
    read: Callable[[Path, str], tuple[Any, list[Problem]]],
    months: Iterable[tuple[int, int]] | None,
    window: Window | None,
    cache: bool,
    recorded_before: int | None = None,
    checked: CheckedFiles | None = None,
    signed: dict[str, str] | None = None,
    items_only: bool = False,
) -> tuple[list[Any], list[Problem], list[str]]:
    """Records of one kind, one per id (a copied file is reported, not counted twice);
    `items_only`: rectification items without their event files (see load_rectifications)."""
    # Imported here, as parallel.py below: the pre-commit check imports this module for
    # `read_doc` and `visit_from_doc` alone, and every import counts in its time.
    from wkb_tracker.store.duplicates import one_per_id

    outside: list[Any] = []  # copies of loaded items' ids the window left out (cache only)
    if checked is not None:  # validate: every file read, parses of unchanged bytes reused
        files, temps = record_files(root, directory, list(months) if months is not None else None)
        build = visit_from_doc if kind == "visits" else item_from_doc
        # In this process only: the reuse table is read and written here (the reads it leaves
        # are cheap; a forked half would send its new parses back pickled).
        read_checked = checked.reader(kind, build)
        records, problems = [], []
        with _bulk():
            for rel in files:
                record, found = read_checked(root, rel)
                problems += found
                if record is not None:
                    records.append(record)
    else:
        records, problems, temps, outside = _load_files(
            root, directory, kind, read, months, window, cache, recorded_before, signed, items_only
        )
        # The record cache hands back the folders it parsed again before those it held, and a
        # folder it cannot sign after all others: the problems are put in the path order of a
        # file-by-file read (`--no-cache`), a file's own problems in theirs (a stable sort).
        problems.sort(key=lambda problem: problem.path)
    if kind == "visits":
        records, copies = one_per_id(
            root, records, lambda v: visit_path(v.id, v.date, v.district_id), check_homes=False
        )
    else:  # before event files join their item: they must join the copy that counts
        # Copies the window left out take part too: which copy counts, and what is warned, must
        # not depend on the window (a file-by-file read sees every copy). They are never kept.
        outside_events = [record for record in outside if isinstance(record, EventFile)]
        items = [record for record in records if not isinstance(record, EventFile)]
        items += [record for record in outside if not isinstance(record, EventFile)]
        kept, copies = one_per_id(
            root, items, lambda r: rectification_path(r.id, r.opened), check_homes=True
        )
        if copies:
            counted = {id(item) for item in kept}
            records = [r for r in records if isinstance(r, EventFile) or id(r) in counted]
        if outside_events:  # those of a copy not counted join no item: reported (event_files)
            homes = {(item.path.rsplit("/", 1)[0], item.id) for item in kept}
            records += [
                event
                for event in outside_events
                if (event.path.rsplit("/", 1)[0], event.item) not in homes
            ]
    return records, problems + copies, temps


def _load_files(
    root: Path,
    directory: str,
    kind: str,
    read: Callable[[Path, str], tuple[Any, list[Problem]]],
    months: Iterable[tuple[int, int]] | None,
    window: Window | None,
    cache: bool,
    recorded_before: int | None = None,
    signed: dict[str, str] | None = None,
    items_only: bool = False,
) -> tuple[list[Any], list[Problem], list[str], list[Any]]:
    """Records of one kind: through the cache where it can serve them, else file by file; and,
    through the cache with a window, the items outside it that share an id with another item
    file (a copy: see `one_per_id`). `signed`: folder signatures this command has just taken
    (`month_signatures`), not taken again."""
    month_list = list(months) if months is not None else None
    with _bulk():
        if cache and settings.cache_enabled():
            folders = _month_folders(root, directory, month_list)
            if folders is not None:
                from wkb_tracker.store.record_cache import cached_load

                try:
                    done = cached_load(
                        root,
                        kind,
                        folders,
                        lambda rels: _parse_here(root, rels, read),
                        window,
                        recorded_before,
                        signed,
                        items_only,
                        split_from=PARALLEL_FROM,
                        # every folder is read (not one month's): a file-by-file read would
                        # weigh every copy of an item, whatever the window
                        weigh_copies=month_list is None,
                        # the rows of an asked folder that is not there go
                        asked=None
                        if month_list is None
                        else {f"{directory}/{year:04d}/{month:02d}" for year, month in month_list},
                    )
                except (ValueError, TypeError, LookupError):  # a damaged row: read the files
                    done = None
                if done is not None:
                    records, problems, irregular, outside = done
                    for rel in irregular:  # a folder holding a symlink or a subfolder
                        listed = record_files(root, rel)[0]
                        more, found, _temps = _read_files(root, listed, read, kind)
                        records += more
                        problems += found
                    loaded = {record.path for record in records}
                    return records, problems, [], [r for r in outside if r.path not in loaded]
        files, temps = record_files(root, directory, month_list)
        records, problems, _none = _read_files(root, files, read, kind)
        return records, problems, temps, []


PARALLEL_FROM = 4000  # files; below this a second process costs more than it saves


def _read_files(
    root: Path,
    files: list[str],
    read: Callable[[Path, str], tuple[Any, list[Problem]]],
    kind: str,
) -> tuple[list[Any], list[Problem], list[str]]:
    """Read and check each file (thousands are split between two processes, `parallel.py`);
    the records that could be read, in file order, and the problems of the others."""
    records: list[Any] = []
    problems: list[Problem] = []
    for record, found in _parse_many(root, files, read, kind):
        problems += found
        if record is not None:
            records.append(record)
    return records, problems, []


def _parse_many(
    root: Path,
    files: list[str],
    read: Callable[[Path, str], tuple[Any, list[Problem]]],
    kind: str,
) -> list[tuple[Any, list[Problem]]]:
    """(record or None, problems) for each file, in order; thousands are split between two
    processes (YAML parsing is CPU-bound and the machines have two cores). The child sends its
    records back as the record cache's rows, decoded here: pickling the record objects cost
    three times what it saved (0.75 s against 0.27 s for 26,000 items, 17.4)."""
    from wkb_tracker.store.parallel import in_two_halves

    def parse(some: Sequence[str]) -> list[tuple[Any, list[Problem]]]:
        return _parse_here(root, some, read)

    if len(files) < PARALLEL_FROM:  # no child: nothing to send
        return parse(files)
    from wkb_tracker.store.row_codec import forget_shared_values, row_codec

    encode, decode = row_codec(kind)

    def ship(done: list[tuple[Any, list[Problem]]]) -> list[Any]:
        return [(None if record is None else encode(record), found) for record, found in done]

    def unship(sent: list[Any]) -> list[tuple[Any, list[Problem]]]:
        with _bulk():
            records = [(None if row is None else decode(row), found) for row, found in sent]
        forget_shared_values()  # the decoded rows' shared values: held for the process else
        return records

    return in_two_halves(files, parse, from_size=PARALLEL_FROM, ship=ship, unship=unship)


def _parse_here(
    root: Path, files: Sequence[str], read: Callable[[Path, str], tuple[Any, list[Problem]]]
) -> list[tuple[Any, list[Problem]]]:
    """(record or None, problems) for each file, in this process (the record cache splits its
    work by folder itself; `_parse_many` splits a long list)."""
    with _bulk():
        return [read(root, rel) for rel in files]


def load_visits(
    root: Path,
    months: Iterable[tuple[int, int]] | None = None,
    *,
    cache: bool = True,
    checked: CheckedFiles | None = None,
    signed: dict[str, str] | None = None,
) -> tuple[list[Visit], list[Problem], list[str]]:
    """Visits of the given months (all when None), the problems met, and leftover temp files.
    With `checked`, every file is read and the parses of unchanged bytes are reused; `signed`:
    folder signatures just taken (`month_signatures`)."""
    return _load_kind(
        root, VISITS_DIR, "visits", _read_visit, months, None, cache, checked=checked, signed=signed
    )


def load_rectifications(
    root: Path,
    *,
    window: Window | None = None,
    cache: bool = True,
    known_on: date | None = None,
    checked: CheckedFiles | None = None,
    months: Iterable[tuple[int, int]] | None = None,
    signed: dict[str, str] | None = None,
    items_only: bool = False,
) -> tuple[list[Rectification], list[Problem], list[str]]:
    """Rectification items (those in `window` only, when given: (settled before → out,
    opened after → out); those opened in `months` only, when given: items live in the folder of
    their opened month, their event files beside them), the problems met, and leftover temp
    files.

    With `known_on`, an item settled before the window is kept if anything in its history was
    recorded after that day: as known then, it may not have been settled (the caller applies
    the knowledge filter).

    `items_only` (no window): each item as its own file holds it, its event files not read from
    the cache nor joined (an unreadable file is still reported) — for what an event never
    changes, such as an item's source and opened date (`wkb stats`)."""
    from wkb_tracker.store.event_files import join
    from wkb_tracker.store.record_cache import in_window, recorded_key

    recorded_before = None
    if known_on is not None and window is not None:
        from wkb_tracker.domain.knowledge import end_of

        recorded_before = recorded_key(end_of(known_on))
    records, problems, temps = _load_kind(
        root,
        RECTIFICATIONS_DIR,
        "rectifications",
        _read_item,
        months,
        window,
        cache,
        recorded_before,
        checked,
        signed,
        items_only,
    )
    if items_only:
        return [record for record in records if isinstance(record, Rectification)], problems, temps
    # Events in their own files join their items first: only the whole history says whether an
    # item is in the window (an event file may reopen an item its own file shows closed).
    items, orphans = join(records)
    if window is not None:
        items = [item for item in items if in_window(item, window, recorded_before)]
    return items, problems + orphans + _merged_conflicts(root, items), temps


def _merged_conflicts(root: Path, items: list[Rectification]) -> list[Problem]:
    """Histories merged from event files that the rules refuse in part (two clones both closed an
    item): warned about by every reader, as `wkb validate` reports them. Items with only embedded
    events were checked when each event was written."""
    from wkb_tracker.domain.dates import today
    from wkb_tracker.store.event_files import history_problems

    day = today()
    problems: list[Problem] = []
    merged = [item for item in items if any(event.id is not None for event in item.events)]
    # In path order, as a file-by-file read meets them: the record cache hands back the
    # folders it parsed again before those it held. (Only the few merged items are sorted.)
    for item in sorted(merged, key=lambda item: item.path):
        problems += history_problems(root, item, today=day)
    return problems


def other_temp_files(root: Path) -> list[str]:
    """Temp files a crash may leave beside the policy files, the seals, wkb.toml or the cache,
    and editor copies a killed `wkb visit edit` left in .wkb-cache/edit."""
    found = []
    for folder in ("", "data", "data/sealed", "data/sealed/history", "data/entities", CACHE_DIR):
        try:
            names = os.listdir(root / folder) if folder else os.listdir(root)
        except OSError:
            continue
        found += [f"{folder}/{name}" if folder else name for name in names if is_temp_file(name)]
    from wkb_tracker.store.leftovers import editor_copies

    return sorted(found) + editor_copies(root)


def load(
    root: Path,
    *,
    visits: bool = True,
    rectifications: bool = True,
    months: Iterable[tuple[int, int]] | None = None,
    window: Window | None = None,
    cache: bool = True,
    known_on: date | None = None,
    reuse_checks: bool = False,
    checked: CheckedFiles | None = None,
) -> Dataset:
    """Load what a command needs: the policy and config always, records on request.

    `months` limits visits to those month folders; `window` limits rectification items to those
    a period can count (see record_cache); `cache=False` reads every file (as `wkb validate` does);
    `known_on` keeps only what was recorded by the end of that day (knowledge.py);
    `reuse_checks` (validate, with `cache=False`) reads every file but reuses the parse of bytes
    it parsed before (store/checked.py); or the caller's `checked`, which it keeps open.
    """
    if checked is not None:
        return _load(root, visits, rectifications, months, window, cache, known_on, checked)
    if reuse_checks and settings.cache_enabled():
        from wkb_tracker.store.checked import CheckedFiles

        checked = CheckedFiles(root)
    try:
        return _load(root, visits, rectifications, months, window, cache, known_on, checked)
    finally:
        if checked is not None:
            checked.close()


def _load(
    root: Path,
    visits: bool,
    rectifications: bool,
    months: Iterable[tuple[int, int]] | None,
    window: Window | None,
    cache: bool,
    known_on: date | None,
    checked: CheckedFiles | None,
) -> Dataset:
    config, problems = read_config(root)
    policy, policy_problems = load_policy(root, cache=cache)
    dataset = Dataset(root, config, policy, problems=problems + policy_problems)
    dataset.problems += folder_problems(root, SEALED_DIR)  # seals are read by path, not listed
    if visits:
        dataset.visits, found, temps = load_visits(root, months, cache=cache, checked=checked)
        dataset.problems += found
        dataset.temp_files += temps
    if rectifications:
        dataset.rectifications, found, temps = load_rectifications(
            root, window=window, cache=cache, known_on=known_on, checked=checked
        )
        dataset.problems += found
        dataset.temp_files += temps
    if visits and rectifications and months is None and not cache:  # a full check: validate
        dataset.temp_files += other_temp_files(root)
    if known_on is not None:
        from wkb_tracker.domain.knowledge import as_known_on

        return as_known_on(dataset, known_on)
    return dataset


def visit_months(root: Path) -> list[tuple[int, int]] | None:
    """The (year, month) folders under data/visits, in order; None when anything there is not a
    plain YYYY/MM folder (a stray file, a symlink, month 13): read everything at once then, so
    every oddity is reported as usual."""
    return _months_of(root, VISITS_DIR)


def rectification_months(root: Path) -> list[tuple[int, int]] | None:
    """Like `visit_months`, for data/rectifications (an item and its event files live in the
    folder of its opened month)."""
    return _months_of(root, RECTIFICATIONS_DIR)


def _months_of(root: Path, directory: str) -> list[tuple[int, int]] | None:
    folders = _month_folders(root, directory, None)
    if folders is None:
        return None
    months = [(int(rel[-7:-3]), int(rel[-2:])) for rel in folders]
    return months if all(1 <= month <= 12 for _year, month in months) else None
