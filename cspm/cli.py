"""The `cspm` command line: argparse, printing, exit codes. All work is done by cspm.service.

Exit codes: 0 ok, 2 bad input (one sentence on stderr), 1 internal error, 141 the reader of
the output left (`| head`). Command groups live in `cspm.commands`, one module each.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Sequence

from cspm.commands import (
    accounts,
    add_global_options,
    app,
    contacts,
    db,
    evidence,
    export,
    fields,
    forecast,
    imports,
    outcomes,
    parse_date,
    segments,
    tasks,
    undo,
)
from cspm.commands import settings as settings_cmd
from cspm.core.errors import CspmError

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 141
"""What a shell reports for a program its pipe's reader left (128 + SIGPIPE), as `git log |
head` ends: quietly, not as an internal error."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cspm", description="Customer Success portfolio manager (command line)."
    )
    add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        add_global_options(p)
        return p

    imports.register(command, parse_date)
    fields.register(command)
    accounts.register(command)
    contacts.register(command)
    segments.register(command)
    settings_cmd.register(command)
    outcomes.register(command)
    tasks.register(command)
    export.register(command)
    app.register(command)
    db.register(command)
    undo.register(command)
    forecast.register(command)
    evidence.register(command)
    return parser


def _route_logs() -> None:
    """Log records are for developers: with CSPM_DEBUG they go to stderr with tracebacks;
    otherwise they are dropped, so a user reads one sentence (a notice), never a traceback."""
    logger = logging.getLogger("cspm")
    if os.environ.get("CSPM_DEBUG"):
        logging.basicConfig(level=logging.DEBUG)
    elif not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())


def main(argv: Sequence[str] | None = None) -> int:
    _route_logs()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help exits 0
        return int(exc.code or 0)
    from cspm.service.export_cleanup import clean_up_interrupted_exports

    clean_up_interrupted_exports()  # the window starts here too
    try:
        return int(args.handler(args))
    except CspmError as exc:
        print(f"cspm: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cspm: interrupted; nothing was changed.", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # the reader of the output left (`cspm accounts | head`): fine
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # a bug: one line, and the traceback when CSPM_DEBUG is set
        if os.environ.get("CSPM_DEBUG"):
            raise
        print(f"cspm: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return EXIT_INTERNAL


def _silence_stdout() -> None:
    """Point stdout at the null device, so the output still buffered is not flushed into
    the closed pipe at exit (Python would report that as one more error)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # stdout is no file (captured in-process): nothing to do
        pass


def _one_line(exc: BaseException) -> str:
    """The exception's own message: a database driver's, never the SQL statement it wraps."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.split("[SQL:")[0].strip().splitlines()[0] if text.strip() else ""


def run() -> None:
    """The `cspm` console script: `main`, then, for a command that printed its answer, an
    exit without the interpreter's teardown.

    Freeing a 100,000-account portfolio object by object at exit took a quarter of a second
    after the answer was complete. Everything that must be kept is kept before this point:
    the context is closed (database released, disk copies written) and the output is
    flushed here. Only when nothing else could still be running: not the window (Qt saves
    settings as its objects are destroyed), not any other thread, not when flushing fails
    (a closed pipe is then reported as Python reports it)."""
    code = main()
    if "PySide6.QtCore" not in sys.modules and threading.active_count() == 1:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:
            raise SystemExit(code) from None
        logging.shutdown()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()


def gui_main() -> int:
    """`python main.py` / `cspm-gui`: the window, with the same options as `cspm gui`."""
    return main(["gui", *sys.argv[1:]])
