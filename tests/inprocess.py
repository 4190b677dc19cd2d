"""Running wkb inside the test process: fast (the click command is built once, not per call), and
in forked children that a test can run side by side or kill at any moment.

Forking the already-imported test process costs a millisecond or two; starting a fresh Python for
each of hundreds of kills would cost minutes. Children write their output to /dev/null (or a file)
and leave with `os._exit`, so nothing of pytest runs twice.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import typer
from typer.testing import CliRunner

from wkb_tracker.cli import app
from wkb_tracker.store.root import init_root

CHILD_FAILED = 70  # exit status of a child whose work raised instead of returning


@cache
def command() -> Any:
    """The click command behind `wkb`, built once (building it costs more than most commands)."""
    return typer.main.get_command(app)


@dataclass(frozen=True)
class Outcome:
    """What a person at a terminal would see: exit code, stdout, stderr, and any exception that
    escaped the CLI (which they would have seen as a traceback)."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


_RUNNER = CliRunner()


def invoke_raw(
    args: Sequence[str], *, charset: str = "utf-8"
) -> tuple[int, bytes, bytes, BaseException | None]:
    """`wkb ARGS...` in this process with stdout and stderr in `charset` (strict, like a real
    console's): exit code, the raw bytes of both, and any exception that escaped the CLI."""
    exception: BaseException | None = None
    runner = _RUNNER if charset == "utf-8" else CliRunner(charset=charset)
    with runner.isolation() as (out, err, _mixed):
        try:
            command().main(args=list(args), prog_name="wkb")
            code = 0
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
        except Exception as error:
            code, exception = 1, error
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception as error:
                exception = exception or error
        stdout, stderr = out.getvalue(), err.getvalue()
    return code, stdout, stderr, exception


def invoke(*args: str) -> Outcome:
    """`wkb ARGS...` in this process, like typer's CliRunner but without rebuilding the command."""
    code, stdout, stderr, exception = invoke_raw(args)
    return Outcome(
        code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"), exception
    )


def run(args: Sequence[str]) -> int:
    """`wkb ARGS...` in this process with output wherever sys.stdout/stderr point; the exit code."""
    try:
        command().main(args=list(args), prog_name="wkb")
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 0 if stop.code is None else 1
    return 0


def warm(*args: str) -> None:
    """Run `wkb ARGS...` once in this process on a scratch records root, output discarded, so
    that children forked afterwards inherit everything it imports and builds. A cold child spends
    ~0.1 s importing before it does any work: twenty of them cost two seconds, and a kill aimed
    at one lands in its imports instead of its writes."""
    with tempfile.TemporaryDirectory() as scratch:
        root = init_root(Path(scratch) / "records", git=False)
        invoke_raw(["--root", str(root), *args])


def fork(work: Callable[[], int], *, output: Path | None = None, errors: Path | None = None) -> int:
    """Run `work()` in a forked child; returns its pid. The child exits with what `work` returns
    (CHILD_FAILED if it raised); its stdout goes to `output`, its stderr to `errors` (each else
    /dev/null)."""
    pid = os.fork()
    if pid == 0:
        _child(work, output, errors)
    return pid


def workers(
    count: int,
    work: Callable[[int], int],
    output: Path | None = None,
    errors: Path | None = None,
) -> list[int]:
    """Fork `count` children that start `work(n)` at the same moment; their exit statuses, in
    order. Child n's stdout goes to `output / f"{n}.out"`, its stderr to `errors / f"{n}.err"`.

    They stand in for separate `wkb` processes: each is a process of its own with its own file
    handles and locks, without the 0.2 s of a fresh interpreter's start-up (which is not what a
    concurrency test tests; tests/test_root_config.py runs the real `python -m wkb_tracker`).
    `warm` the command first when there are many children."""
    command()  # built once, inherited
    wait_for_start, start = gate()

    def child(number: int) -> Callable[[], int]:
        def body() -> int:
            wait_for_start()
            return work(number)

        return body

    pids = [
        fork(
            child(n),
            output=output / f"{n}.out" if output else None,
            errors=errors / f"{n}.err" if errors else None,
        )
        for n in range(count)
    ]
    start(count)
    return [wait(pid) for pid in pids]


def _child(work: Callable[[], int], output: Path | None, errors: Path | None) -> NoReturn:
    code = CHILD_FAILED
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND
        os.dup2(os.open(output, flags) if output else null, 1)
        os.dup2(os.open(errors, flags) if errors else null, 2)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8")
        code = work()
        sys.stdout.flush()
    except BaseException:
        code = CHILD_FAILED
    finally:
        os._exit(code)


def kill_after(pid: int, delay: float) -> bool:
    """SIGKILL the child after `delay` seconds and reap it; True if the kill (not the child's own
    exit) ended it. Killing a child that has already exited (a zombie until reaped) is harmless."""
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _pid, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def wait(pid: int, timeout: float = 60.0) -> int:
    """The exit status of a child left to finish; kills it and fails if it takes over `timeout`
    seconds (a stale lock would make it wait forever)."""
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"child {pid} still running after {timeout} s")
        time.sleep(0.002)


def die() -> NoReturn:
    """SIGKILL this process: a crash at exactly this point (used inside forked children)."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")  # pragma: no cover


def gate() -> tuple[Callable[[], None], Callable[[int], None]]:
    """(wait_for_start, start): children call the first and block until the parent calls the
    second with their number, so they start their work at the same moment."""
    read_end, write_end = os.pipe()

    def wait_for_start() -> None:
        os.close(write_end)
        os.read(read_end, 1)

    def start(children: int) -> None:
        os.close(read_end)
        os.write(write_end, b"x" * children)
        os.close(write_end)

    return wait_for_start, start


def snapshot(root: Path) -> dict[str, bytes | int]:
    """Every file under `root` (relative path → its bytes; a link, pipe or device → its mode),
    to compare before and after a command that must write nothing. Never follows links."""
    files: dict[str, bytes | int] = {}
    for folder, _subfolders, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            rel = path.relative_to(root).as_posix()
            files[rel] = path.read_bytes() if stat.S_ISREG(mode) else mode
    return files
