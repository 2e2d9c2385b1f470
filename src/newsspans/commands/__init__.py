"""Command lines: each module's `main(argv) -> int` parses, calls the library, renders, returns a code.

Exit codes everywhere: 0 success, 1 the input has problems (reported), 2 usage error or refused.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Sequence

from ..errors import NewsspansError

Main = Callable[[Sequence[str] | None], int]


def guarded(main: Main) -> Main:
    """Turn library errors into one line on stderr and exit code 2; never show a traceback."""

    @functools.wraps(main)
    def wrapper(argv: Sequence[str] | None = None) -> int:
        try:
            return main(argv)
        except NewsspansError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            return 0
        except MemoryError:
            print("error: out of memory", file=sys.stderr)
            return 2
        except Exception as exc:  # a bug: say so in one line rather than show a traceback
            print(f"internal error (please report it): {type(exc).__name__}: {exc}", file=sys.stderr)
            return 2

    return wrapper


def add_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=None, help="project checkout (default: the one this package is in)")
