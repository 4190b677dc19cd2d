"""YAML in and out, and writes that a crash or a second writer cannot tear.

Reading never builds Python objects (CSafeLoader, falling back to SafeLoader) and never raises on
bad content: every defect comes back as a `Problem` with the line it is on. Writing goes through a
temp file in the same folder (flush, fsync, rename), so a crash leaves either no file or a whole one.
Temp files start with `.wkb-` and end with `.tmp`; readers only look at `*.yaml`.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wkb_tracker.domain.errors import Problem, RefusedWrite
from wkb_tracker.domain.i18n import say


def _yaml() -> Any:
    """PyYAML, imported on first use: writing a record (`wkb visit add`) never needs it."""
    import yaml

    return yaml


_strict_loader: Any = None


def _safe_loader() -> Any:
    """PyYAML's C safe loader when built with libyaml (else the pure-Python one), refusing a key
    given twice in one mapping: YAML keeps the last value silently, so a hand edit or a merge that
    leaves `date:` twice in a visit would change a figure with nothing said."""
    global _strict_loader
    if _strict_loader is None:
        yaml = _yaml()
        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        class StrictLoader(base):  # type: ignore[misc, valid-type]
            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                seen: dict[tuple[str, str], int] = {}
                for key_node, _value in node.value:
                    if isinstance(key_node, yaml.ScalarNode):
                        key = (key_node.tag, key_node.value)
                        line = key_node.start_mark.line + 1
                        if key in seen:
                            raise DuplicateKey(key_node.value, seen[key], line)
                        seen[key] = line
                return super().construct_mapping(node, deep)

        _strict_loader = StrictLoader
    return _strict_loader


class DuplicateKey(Exception):
    """A mapping names the same key twice (see `_safe_loader`)."""

    def __init__(self, key: str, first: int, line: int) -> None:
        super().__init__(key)
        self.key, self.first, self.line = key, first, line


MAX_FILE_BYTES = 1_000_000  # a record is a few hundred bytes; anything this big is not one
TEMP_PREFIX = ".wkb-"
TEMP_SUFFIX = ".tmp"
_CONFLICT_MARKER = rb"^(<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|)(?: |$)"  # compiled on first use


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_bytes(data: bytes, rel: str) -> list[Problem]:
    """Defects visible before parsing: empty, BOM, NUL, conflict markers, invalid UTF-8."""
    if not data.strip():
        return [Problem(rel, 1, say("文件为空", "the file is empty"))]
    if data.startswith(codecs.BOM_UTF8):
        return [
            Problem(
                rel,
                1,
                say(
                    "文件以字节顺序标记(BOM)开头;请存为不带 BOM 的 UTF-8",
                    "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
                ),
            )
        ]
    nul = data.find(b"\x00")
    if nul >= 0:
        return [
            Problem(
                rel, _line_of(data, nul), say("文件含 NUL 字节", "the file contains a NUL byte")
            )
        ]
    marker = re.search(_CONFLICT_MARKER, data, re.MULTILINE)
    if marker:
        return [
            Problem(
                rel,
                _line_of(data, marker.start()),
                say(
                    "残留的 git 合并冲突标记;请先解决冲突",
                    "leftover git conflict marker; resolve the merge first",
                ),
            )
        ]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return [
            Problem(
                rel,
                _line_of(data, error.start),
                say("不是有效的 UTF-8 编码", "not valid UTF-8"),
            )
        ]
    return []


def _has_alias(node: Any) -> bool:
    """True when a node of the composed tree is reached twice: an alias (`*name`) of an anchored
    node, of a plain value as much as of a list (the 'billion laughs' shape). Walked before
    anything is built, so an alias bomb costs one visit per distinct node."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            return True
        seen.add(id(current))
        value = current.value
        if isinstance(value, list):  # a sequence's items, or a mapping's (key, value) pairs
            for part in value:
                if isinstance(part, tuple):
                    stack.extend(part)
                else:
                    stack.append(part)
    return False


def _alias_problem(rel: str) -> Problem:
    return Problem(
        rel, 1, say("不允许 YAML 锚点和别名", "YAML anchors and aliases are not allowed")
    )


def parse_yaml(data: bytes, rel: str) -> tuple[Any, list[Problem]]:
    """Parse one YAML document safely. Returns (value, problems); value is None on any problem.
    An alias (of any value) is a problem; an anchor nothing refers to changes nothing and is
    read like the value it names."""
    # Most records are in the plain shape wkb writes, read without a YAML parser; any such
    # document has none of the defects check_bytes looks for (plain_yaml.py).
    try:
        value = _plain_load()(data.decode("utf-8"))
    except UnicodeDecodeError:
        value = None
    if value is not None:
        return value, []
    problems = check_bytes(data, rel)
    if problems:
        return None, problems
    # An alias needs a "*" (an "&" alone, as in "R&D", never made a difference): documents
    # without one skip the walk; every document takes the fast path first.
    try:
        value = _fast_load(data, check_aliases=b"*" in data)
    except _Aliased:
        return None, [_alias_problem(rel)]
    except Exception:  # anything unusual: the standard safe loader decides, and reports
        return _standard_load(data, rel)
    return value, []


_plain_loader: Callable[[str], Any] | None = None


def _plain_load() -> Callable[[str], Any]:
    """plain_yaml.load, imported on first use (writing a record never needs it)."""
    global _plain_loader
    if _plain_loader is None:
        from wkb_tracker.store.plain_yaml import load

        _plain_loader = load
    return _plain_loader


def _standard_load(data: bytes, rel: str) -> tuple[Any, list[Problem]]:
    text = data.decode("utf-8")
    yaml = _yaml()
    try:
        loader = _safe_loader()(text)
        try:
            node = loader.get_single_node()
            if node is not None and b"*" in data and _has_alias(node):
                return None, [_alias_problem(rel)]
            value = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except DuplicateKey as error:
        return None, [
            Problem(
                rel,
                error.line,
                say(
                    "键 {k} 出现两次(第 {f} 行已有);只能保留一个值",
                    "the key {k} appears twice (first on line {f}); keep only one value",
                    k=error.key,
                    f=error.first,
                ),
            )
        ]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = error.problem or str(error)
        if error.problem and "could not determine a constructor" in error.problem:
            detail = say("不允许的 YAML 标签", "YAML tag not allowed") + f" ({error.problem})"
        return None, [Problem(rel, line, say("YAML 语法错误:", "YAML error: ") + detail)]
    except RecursionError:
        return None, [Problem(rel, 1, say("嵌套过深", "nesting too deep"))]
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
        line = _bad_scalar_line(text) if isinstance(error, ValueError | OverflowError) else 1
        return None, [Problem(rel, line, say("无法解析:", "cannot parse: ") + str(error))]
    return value, []


def _bad_scalar_line(text: str) -> int:
    """The line of the first scalar the safe loader cannot build (e.g. the date 2026-02-30)."""
    yaml = _yaml()
    try:
        node = yaml.compose(text, Loader=_safe_loader())
    except (yaml.YAMLError, RecursionError, ValueError):
        return 1
    builder = yaml.SafeLoader("")
    stack = [node]
    while stack:  # depth first, in document order
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                builder.construct_object(current, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError):
                return int(current.start_mark.line) + 1
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            stack.extend(reversed([part for pair in current.value for part in pair]))
    return 1


# -- the fast path for reading -------------------------------------------------------------------
# PyYAML's C parser composes the node tree quickly, but its safe constructor and implicit-type
# resolver run in Python and cost about two thirds of a load. Records use a handful of plain
# shapes, so this path resolves plain scalars that cannot be anything but strings without the
# regex table, and builds maps, lists, strings, plain ints, null, booleans and ISO dates itself.
# Whatever else it meets (other tags, merge keys, floats, odd timestamps, non-scalar keys) makes it
# give up, and the standard safe loader reads the document instead, so the result is always what
# `yaml.load(..., CSafeLoader)` returns (tests/test_fast_yaml.py compares them).
# (Before this path, plain_yaml.py reads records in the plain shape wkb writes without composing
# anything; this path reads what it declines.)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_fast_parser: Any = None
_resolved: dict[str, str] = {}  # plain scalar → its tag, as the implicit resolvers say


class _GiveUp(Exception):
    """The fast path met something it does not handle exactly; use the standard loader."""


class _Aliased(Exception):
    """The document holds an alias: a problem, whichever loader reads it."""


def _fast_parser_class() -> Any:
    global _fast_parser
    if _fast_parser is None:
        from wkb_tracker.store.plain_yaml import ISO_DATE, ISO_TIME, TIMESTAMP

        yaml = _yaml()
        implicit = yaml.resolver.Resolver.yaml_implicit_resolvers
        scalar_node = yaml.ScalarNode

        # PyYAML's public libyaml loader; only its resolver is narrowed (composing nodes is
        # libyaml's, constructing them is _construct's). No private PyYAML module is used.
        class FastParser(yaml.CSafeLoader):  # type: ignore[misc, name-defined]
            def descend_resolver(self, current_node: Any, current_index: Any) -> None:
                pass  # no path resolvers are registered (the safe loader has none)

            def ascend_resolver(self) -> None:
                pass

            def resolve(self, kind: Any, value: Any, implied: Any) -> Any:
                if kind is scalar_node:
                    if implied[0]:
                        if value[:1] not in implicit:
                            return _STR  # a plain scalar no implicit type can start like
                        # A plain scalar's type depends on its text alone: short ones (keys
                        # such as `opened`, dates, numbers, `null`) recur in every file.
                        tag = _resolved.get(value)
                        if tag is None:
                            if ISO_DATE.fullmatch(value) or ISO_TIME.fullmatch(value):
                                tag = TIMESTAMP  # what the timestamp resolver says of these
                            else:
                                tag = super().resolve(kind, value, implied)
                            if len(value) <= 32 and len(_resolved) < 100_000:
                                _resolved[value] = tag
                        return tag
                    if implied[1]:
                        return _STR  # quoted
                return super().resolve(kind, value, implied)

        _fast_parser = FastParser
    return _fast_parser


def _fast_load(data: bytes, *, check_aliases: bool = True) -> Any:
    node = _yaml().compose(data, Loader=_fast_parser_class())
    if node is None:
        return None
    if check_aliases and _has_alias(node):
        raise _Aliased
    return _construct(node)


def _construct(node: Any) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _MAP:
        mapping = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR or key_node.value in mapping:  # a twice-given key is refused
                raise _GiveUp  # by the standard loader, with its line
            # Most values are strings: taken here, without a call per value.
            value = value_node.value if value_node.tag == _STR else _construct(value_node)
            mapping[key_node.value] = value
        return mapping
    if tag == _SEQ:
        return [_construct(item) for item in node.value]
    from wkb_tracker.store.plain_yaml import GIVE_UP, tagged

    value = tagged(tag, node.value)
    if value is GIVE_UP:
        raise _GiveUp
    return value


class Document:
    """One parsed YAML file: its value (None if unreadable), its problems, and lines on demand."""

    __slots__ = ("data", "problems", "rel", "value")

    def __init__(self, rel: str, data: bytes, value: Any, problems: list[Problem]) -> None:
        self.rel = rel
        self.data = data
        self.value = value
        self.problems = problems

    def line(self, *keys: str | int) -> int:
        """The line of the value at `keys`; parsed again only when a problem needs a line."""
        return node_line(self.data.decode("utf-8", "replace"), *keys)

    def item_lines(self, *keys: str | int) -> list[int]:
        """The line of each item of the sequence at `keys` (one parse for all of them)."""
        try:
            yaml = _yaml()
            node = yaml.compose(self.data.decode("utf-8", "replace"), Loader=_safe_loader())
        except (yaml.YAMLError, RecursionError, ValueError):
            return []
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), None)
            elif (
                isinstance(node, yaml.SequenceNode)
                and isinstance(key, int)
                and key < len(node.value)
            ):
                node = node.value[key]
            else:
                return []
        if not isinstance(node, yaml.SequenceNode):
            return []
        return [item.start_mark.line + 1 for item in node.value]

    def problem(self, message: str, *keys: str | int) -> Problem:
        return Problem(self.rel, self.line(*keys), message)


def read_yaml(root: Path, rel: str) -> Document:
    """Read and parse `root/rel`, refusing symlinks that leave the root, anything but a regular
    file (FIFO, device, folder) and oversized files."""
    data, problems = read_record_bytes(root, rel)
    if data is None:
        return Document(rel, b"", None, problems)
    value, problems = parse_yaml(data, rel)
    return Document(rel, data, value, problems)


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)  # a symlink fails to open: judged the slow way below
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_record_bytes(root: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """The bytes of `root/rel`, or None and the problem: a symlink leaving the root, anything but
    a regular file (FIFO, device, folder: never opened), an oversized file, a read error."""
    path = f"{os.fspath(root)}/{rel}"  # not pathlib: 10-15% of a validate of small files
    try:
        status = os.lstat(path)
    except OSError:
        return _read_slowly(root, rel)
    if not stat.S_ISREG(status.st_mode) or not _OPEN_FLAGS & getattr(os, "O_NOFOLLOW", 0):
        return _read_slowly(root, rel)  # a symlink, a FIFO, …: judged and reported there
    if status.st_size > MAX_FILE_BYTES:
        return None, [_too_large(rel, status.st_size)]
    try:
        # os.open and os.read, not a Python file object: a third of the cost of reading a
        # small file. O_NOFOLLOW/O_NONBLOCK: swapped for a symlink or a FIFO since the lstat,
        # the open fails or returns at once instead of following or waiting.
        descriptor = os.open(path, _OPEN_FLAGS)
        try:
            data = os.read(descriptor, status.st_size + 1)
            while len(data) <= MAX_FILE_BYTES and (more := os.read(descriptor, 65536)):
                data += more  # grew since the lstat
        finally:
            os.close(descriptor)
    except OSError as error:
        message = say("无法读取:", "cannot read: ") + (error.strerror or str(error))
        return None, [Problem(rel, 1, message)]
    if len(data) > MAX_FILE_BYTES:
        return None, [_too_large(rel, len(data))]
    return data, []


def _too_large(rel: str, size: int) -> Problem:
    message = say(
        "文件过大({size} 字节,上限 {limit}),未读取",
        "file too large ({size} bytes, limit {limit}); not read",
        size=size,
        limit=MAX_FILE_BYTES,
    )
    return Problem(rel, 1, message)


def _read_slowly(root: Path, rel: str) -> tuple[bytes | None, list[Problem]]:
    """`read_record_bytes` for a path that would not simply open: a symlink is followed only
    inside the root; anything else reports why it cannot be read."""
    path = root / rel
    try:
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            target = path.resolve()
            if not target.is_relative_to(root.resolve()):
                message = say(
                    "符号链接指向记录根目录之外,已拒绝读取",
                    "symlink points outside the records root; refused",
                )
                return None, [Problem(rel, 1, message)]
            status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            message = say("不是普通文件,未读取", "not a regular file; not read")
            return None, [Problem(rel, 1, message)]
        if status.st_size > MAX_FILE_BYTES:
            return None, [_too_large(rel, status.st_size)]
        with open(path, "rb") as stream:
            return stream.read(), []
    except OSError as error:
        message = say("无法读取:", "cannot read: ") + (error.strerror or str(error))
        return None, [Problem(rel, 1, message)]


def node_line(text: str, *keys: str | int) -> int:
    """The 1-based line of the value at `keys` (mapping keys / list indexes), or of the nearest parent."""
    try:
        yaml = _yaml()
        node = yaml.compose(text, Loader=_safe_loader())
    except (yaml.YAMLError, RecursionError, ValueError):
        return 1
    line = 1
    for key in keys:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if key_node.value == key:
                    line = key_node.start_mark.line + 1
                    found = value_node
                    break
            if found is None:
                return int(line)
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            return int(line)
    return int(line)


# -- writing YAML -------------------------------------------------------------------------------
# Records are written by this small emitter rather than PyYAML's: it knows the few shapes a record
# has (mappings of scalars, lists, one nested level), so `wkb visit add` needs no YAML library at
# all, and its output is what PyYAML's safe loader reads back as exactly the same values (proved
# by property tests over arbitrary text). Style: block mappings, "- item" lists at the key's
# indentation, Chinese unescaped, plain scalars where unambiguous, double quotes otherwise, `|-`
# blocks for multi-line text.

_KEYWORDS = frozenset(
    ["y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"]
)  # resolve to bool/null in YAML 1.1 (case-insensitively, to be safe)
_PLAIN_FIRST_FORBIDDEN = frozenset("-?:,[]{}#&*!|>'\"%@`0123456789+.~=< \t")
_PLAIN_FORBIDDEN = frozenset(",[]{}#\"'\\`")


def _printable(char: str) -> bool:
    """YAML 1.1's printable set, minus line breaks and the byte-order mark."""
    code = ord(char)
    if code < 0x7F:
        return code >= 0x20
    if code in (0xFEFF, 0x2028, 0x2029):  # BOM; YAML 1.1 reads LS/PS as line breaks
        return False
    return 0xA0 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


def _plain(text: str) -> bool:
    if (
        not text
        or text[0] in _PLAIN_FIRST_FORBIDDEN
        or text[-1] in " \t:"
        or text.lower() in _KEYWORDS
    ):
        return False
    if ": " in text or " #" in text or "\t" in text:
        return False
    return all(char not in _PLAIN_FORBIDDEN and _printable(char) for char in text)


def _quoted(text: str) -> str:
    out = []
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\r":
            out.append("\\r")
        elif _printable(char) or char == " ":
            out.append(char)
        else:
            code = ord(char)
            if 0xD800 <= code <= 0xDFFF:  # a lone surrogate: an undecodable input byte
                _refuse_surrogate()
            out.append(
                f"\\x{code:02X}"
                if code < 0x100
                else f"\\u{code:04X}"
                if code < 0x10000
                else f"\\U{code:08X}"
            )
    return '"' + "".join(out) + '"'


def _refuse_surrogate() -> None:
    """Text that is not UTF-8 is refused rather than written as a `\\uDC85` escape that reads
    back as the same undecodable character (and later breaks output and git)."""
    from wkb_tracker.domain.text import not_utf8

    raise RefusedWrite(not_utf8(say("要写入的文本", "the text to write")).message)


def _literal_ok(text: str) -> bool:
    """A `|-` block keeps multi-line text readable; only for text it reproduces exactly."""
    if "\n" not in text or text.endswith("\n") or text[:1] in (" ", "\t", "\n"):
        return False
    for line in text.split("\n"):
        if line != line.rstrip(" \t") or not all(_printable(char) for char in line) or "\r" in line:
            return False
        if line and line[0] == "\t":
            return False
    return True


def scalar_text(value: Any) -> str:
    """One scalar as YAML text that reads back as the same value."""
    return _scalar(value)


def _scalar(value: Any) -> str:
    from datetime import date, datetime

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        if not value:
            return "''"
        return value if _plain(value) else _quoted(value)
    raise TypeError(f"cannot write {type(value).__name__} to a record")


def _emit_value(lines: list[str], prefix: str, value: Any, indent: int) -> None:
    """Append `prefix` (e.g. "key:" or "-") followed by `value`, children at `indent`."""
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            lines.append(f"{prefix} {{}}")
            return
        lines.append(prefix)
        _emit_mapping(lines, value, indent)
    elif isinstance(value, list | tuple):
        if not value:
            lines.append(f"{prefix} []")
            return
        lines.append(prefix)
        _emit_sequence(lines, value, indent - 2 if prefix.endswith(":") and indent else indent)
    elif isinstance(value, str) and not _plain(value) and _literal_ok(value):
        lines.append(f"{prefix} |-")
        lines.extend(f"{pad}{line}" if line else "" for line in value.split("\n"))
    else:
        lines.append(f"{prefix} {_scalar(value)}")


def _emit_mapping(lines: list[str], mapping: dict[str, Any], indent: int) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        name = key if _plain(key) else _quoted(key)
        _emit_value(lines, f"{pad}{name}:", value, indent + 2)


def _emit_sequence(lines: list[str], items: Any, indent: int) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            first = len(lines)
            _emit_mapping(lines, item, indent + 2)
            lines[first] = f"{pad}- " + lines[first][indent + 2 :]
        else:
            _emit_value(lines, f"{pad}-", item, indent + 2)


def dump_yaml(mapping: dict[str, Any]) -> str:
    """Block-style YAML, UTF-8 with Chinese unescaped, keys in the order given, one field a line."""
    if not mapping:
        return "{}\n"
    lines: list[str] = []
    _emit_mapping(lines, mapping, 0)
    return "\n".join(lines) + "\n"


def _file_mode() -> int:
    """The mode a plainly created file would get (0666 less the umask): mkstemp's 0600 would
    hide records from colleagues sharing the folder."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


# What tempfile.mkstemp does, written out: a new file (O_EXCL: never one that exists, nor through a
# link), readable by its owner only until written, not inherited by child processes, under a
# random name, another name tried on a clash. Importing tempfile (and random, which it imports)
# is ~1 ms of `wkb visit add`'s start-up, and this is all wkb wanted from it here.
_TEMP_FLAGS = (
    os.O_RDWR
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOINHERIT", 0)  # Windows
    | getattr(os, "O_BINARY", 0)  # Windows
)
TEMP_ATTEMPTS = 100  # as tempfile.TMP_MAX; 2**48 names make a second attempt already unlikely


def _create_temp(directory: Path) -> tuple[int, str]:
    """A new empty temp file `.wkb-<random>.tmp` in `directory`: (open descriptor, absolute path)."""
    for _attempt in range(TEMP_ATTEMPTS):
        name = os.path.abspath(
            os.path.join(directory, f"{TEMP_PREFIX}{os.urandom(6).hex()}{TEMP_SUFFIX}")
        )
        try:
            return os.open(name, _TEMP_FLAGS, 0o600), name
        except FileExistsError:
            continue
        except PermissionError:
            # Windows says this when the name is a folder's: try another, as mkstemp does.
            if os.name == "nt" and os.path.isdir(directory) and os.access(directory, os.W_OK):
                continue
            raise
    raise FileExistsError(errno.EEXIST, "no usable temporary file name found", str(directory))


def _write_temp(directory: Path, data: bytes | Iterable[bytes]) -> Path:
    try:
        handle, name = _create_temp(directory)
    except OSError as error:  # a folder without write permission, a read-only file system
        raise RefusedWrite(
            say(
                "无法在 {p} 中写入:{e};未写入任何内容",
                "cannot write in {p}: {e}; nothing written",
                p=directory,
                e=error.strerror or str(error),
            )
        ) from None
    try:
        if os.name != "nt":
            os.fchmod(handle, _file_mode())
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:  # a document made piece by piece (a streamed export)
                for chunk in data:
                    stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


# -- what may be written, and where ------------------------------------------------------------
# Every record, manifest, config and table write goes through `_checked` below: the one place
# that knows (a) wkb must be able to read back what it writes (UTF-8, at most MAX_FILE_BYTES),
# and (b) writes stay in real folders inside the records root, as readers only read there.

ROOT_MARKER = "wkb.toml"  # config.CONFIG_FILE; named here so that storage imports no config


def _encoded(path: Path, text: str) -> bytes:
    """`text` as the bytes to write; refuses what a reader would refuse afterwards."""
    from wkb_tracker.domain.text import not_utf8

    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        label = say("要写入 {p} 的文本", "the text for {p}", p=path.name)
        raise RefusedWrite(not_utf8(label).message) from None
    if len(data) > MAX_FILE_BYTES:
        raise RefusedWrite(
            say(
                "{p} 将有 {n} 字节,超过 wkb 读取文件的上限 {limit} 字节,写入后将无法再读取;未写入任何内容",
                "{p} would be {n} bytes, over the {limit}-byte limit wkb reads files up to: it could "
                "not be read back; nothing written",
                p=path.name,
                n=len(data),
                limit=MAX_FILE_BYTES,
            )
        )
    return data


def ensure_folder(path: Path) -> None:
    """Create the folder that will hold `path`, refusing (RefusedWrite) when any folder between
    the records root and it is a symlink or not a folder: a write must never follow a link out of
    the root (readers never read through one either). Outside any records root (no wkb.toml above
    `path`) the folder is simply created."""

    folder = path.parent
    offending: tuple[Path, str] | None = None
    current = folder
    while True:
        try:
            status = os.lstat(current)
        except FileNotFoundError:
            status = None
        except OSError as error:
            offending = offending or (current, error.strerror or str(error))
            status = None
        if status is not None and os.path.isfile(current / ROOT_MARKER):
            break  # the records root (it may itself be reached through a link: the user's choice)
        if status is not None and offending is None:
            if stat.S_ISLNK(status.st_mode):
                offending = (current, say("是符号链接", "is a symlink"))
            elif not stat.S_ISDIR(status.st_mode):
                offending = (current, say("不是文件夹", "is not a folder"))
        if current.parent == current:
            offending = None  # not inside a records root: nothing to hold the write to
            break
        current = current.parent
    if offending is not None:
        where, why = offending
        rel = where.relative_to(current).as_posix() if where.is_relative_to(current) else str(where)
        raise RefusedWrite(
            say(
                "{p} {why}:wkb 只写入记录根目录内的真实文件夹;未写入任何内容",
                "{p} {why}: wkb writes only into real folders inside the records root; "
                "nothing written",
                p=rel,
                why=why,
            )
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise RefusedWrite(
            say(
                "无法创建文件夹 {p}:{e}",
                "cannot create the folder {p}: {e}",
                p=folder,
                e=error.strerror or str(error),
            )
        ) from None


def _checked(path: Path, text: str) -> bytes:
    data = _encoded(path, text)
    ensure_folder(path)
    return data


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    handle = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def on_windows() -> bool:
    """Whether the Windows-only paths below are taken (tests select them by patching this:
    patching `os.name` itself would break pathlib for the whole process)."""
    return os.name == "nt"


def link_exclusive(source: Path, target: Path) -> bool:
    """Give `source`'s file the name `target` too, never replacing an existing `target`
    (FileExistsError). A hard link is atomic and exclusive; on a file system without hard links
    (FAT/exFAT sticks, some network shares) the file is renamed instead, after checking `target`
    is free (Windows' rename also refuses an existing target). Returns True when it fell
    back to a rename (then `source` is gone)."""
    try:
        os.link(source, target)
        return False
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS and not on_windows():
            raise
    if os.path.lexists(target):  # POSIX rename would replace it; Windows' refuses as well
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
    os.rename(source, target)
    return True


# errno values of "this file system cannot make hard links" (FAT/exFAT, SMB, FUSE mounts).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK}


def replace_file(temp: Path, path: Path) -> None:
    """`os.replace`, retried for about two seconds on Windows while another program (an
    antivirus scanner, a search indexer, Excel) holds `path` open; then one clear refusal."""
    delay = 0.05
    for attempt in range(8):
        try:
            os.replace(temp, path)
            return
        except PermissionError:
            if not on_windows():
                raise
            if attempt == 7:
                raise RefusedWrite(
                    say(
                        "{p} 正被其他程序占用(如杀毒软件、Excel),未能保存;请关闭该程序后重试",
                        "{p} is held open by another program (antivirus, Excel); not saved, "
                        "close it and try again",
                        p=path.name,
                    )
                ) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def create_exclusive(path: Path, text: str) -> None:
    """Write a new file atomically; raise FileExistsError rather than overwrite anything.
    Refuses (RefusedWrite) what `_checked` refuses, before anything is written."""
    temp = _write_temp(path.parent, _checked(path, text))
    try:
        link_exclusive(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    _fsync_directory(path.parent)


def replace_atomic(path: Path, text: str) -> None:
    """Replace an existing file (or create it) in one rename; refuses what `_checked` refuses."""
    temp = _write_temp(path.parent, _checked(path, text))
    try:
        replace_file(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def replace_bytes_atomic(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (bytes, or pieces of them written as they come) to `path` exactly as given
    (an export: CSV, xlsx, docx, HTML), replacing an
    existing file in one rename: a reader sees the old file or the whole new one, never a part.
    Refuses (RefusedWrite) a folder that cannot be created or written, as record writes do."""
    ensure_folder(path)
    temp = _write_temp(path.parent, data)
    try:
        replace_file(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def update_locked(path: Path, build: Callable[[bytes], str]) -> str:
    """Read-modify-write `path` so that no concurrent update is lost.

    `build` gets the file's current bytes (read under the record's lock, wkb_tracker.store.locks) and
    returns the new text, or raises to refuse. Writers take turns on every system (the lock is
    the operating system's, on Windows too); the file is replaced atomically. Refuses what
    `_checked` refuses (the folders are checked before the file is even opened).
    """
    from wkb_tracker.store.locks import record_locked

    ensure_folder(path)
    with record_locked(path):
        text = build(path.read_bytes())
        replace_atomic(path, text)
        return text


def is_temp_file(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the lock of the existing file `path` (never written through it) while the block
    runs: read, check and add files that depend on it without a concurrent writer between.
    The same lock as `update_locked`'s (wkb_tracker.store.locks), on every system."""
    from wkb_tracker.store.locks import record_locked

    path.stat()  # FileNotFoundError for a missing file, as before
    with record_locked(path):
        yield
