"""The `wkb` command (its console script calls `main`) and `python -m wkb_tracker`.

Start-up time matters (`wkb visit add` is typed many times a day). Importing typer, click and
wkb's modules makes tens of thousands of objects that live for the whole run and no garbage,
and the collector would scan them again and again while they are made (~5 ms of `visit add`'s
~90 ms CPU). So it is paused here, before the first import; `cli.main()` keeps it paused while
the command is built, and the command turns it back on (`cli.common.session`).
"""

import gc


def main() -> None:
    gc.disable()
    from wkb_tracker.cli import main as run

    run()


if __name__ == "__main__":
    main()
