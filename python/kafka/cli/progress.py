"""Progress and summary lines on stderr for the console consumer and producer."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO


def add_progress_cli_args(parser: argparse.ArgumentParser) -> None:
    """The ``progress`` options of the console consumer and producer."""
    group = parser.add_argument_group('progress')
    group.add_argument('-q', '--quiet', action='store_true', help='no progress or summary lines on stderr')
    group.add_argument('--progress-interval', type=float, default=10.0,
                       help='seconds between progress lines on stderr during long runs; '
                            '0 disables them (default: 10)')


class Progress:
    """Counts records and reports on ``stream`` (stderr).

    Nothing is shown during the first ``interval_s`` seconds, so short runs only print the
    summary; a longer run gets a progress line every ``interval_s`` seconds (rewritten in
    place on a terminal, one line each otherwise).

    Arguments:
        verb (str): what happens to the records ('consumed', 'produced').
        interval_s (float): seconds between progress lines; 0 or less disables them.
        quiet (bool): print nothing at all.
    """

    def __init__(self, verb: str, interval_s: float = 10.0, quiet: bool = False,
                 stream: TextIO | None = None) -> None:
        self.verb = verb
        self.count = 0
        self.failed = 0
        self.quiet = quiet
        self.interval_s = interval_s
        self._stream = stream if stream is not None else sys.stderr
        self._started = time.monotonic()
        self._next = self._started + interval_s if interval_s > 0 else float('inf')
        self._tty = bool(getattr(self._stream, 'isatty', lambda: False)())
        self._dirty = False

    def add(self, n: int = 1) -> None:
        """Count ``n`` records; report if a progress line is due."""
        self.count += n
        if not self.quiet and time.monotonic() >= self._next:
            self.report()

    def report(self) -> None:
        """Show the progress line now (and schedule the next one)."""
        now = time.monotonic()
        self._next = now + self.interval_s if self.interval_s > 0 else float('inf')
        elapsed = max(now - self._started, 1e-9)
        line = f'{self.count} messages {self.verb} ({self.count / elapsed:.1f}/s, {elapsed:.0f}s)'
        if self.failed:
            line += f', {self.failed} failed'
        self._write(line, final=False)

    def summary(self, text: str) -> None:
        """The last line (after any progress line)."""
        self._write(text, final=True)

    def _write(self, line: str, final: bool) -> None:
        if self.quiet:
            return
        try:
            if self._tty:
                end = '\n' if final else ''
                self._stream.write(f'\r\x1b[K{line}{end}')
            else:
                self._stream.write(f'{line}\n')
            self._stream.flush()
        except (OSError, ValueError):
            pass
