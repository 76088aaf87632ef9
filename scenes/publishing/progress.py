"""One progress display for a whole lesson: chapters done, frames drawn, speed and time left.

On a terminal it is a live `rich.progress` bar; elsewhere (a log, CI) one line is written
per finished chapter.
"""

from __future__ import annotations

import sys
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn


class LessonProgress:
    """Progress of `total` chapters. expected_frames: chapter index -> frames it will draw (an
    estimate, corrected as chapters finish). Call as a context manager."""

    def __init__(self, total: int, expected_frames: dict[int, int], stream=None):
        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.live = self.console.is_terminal
        self.total = total
        self.expected = dict(expected_frames)
        self.frames: dict[int, int] = {}
        self.done: set[int] = set()
        self.started = time.monotonic()
        self.bar = Progress(
            TextColumn("chapters {task.fields[done]}/{task.fields[chapters]}"),
            BarColumn(),
            TextColumn("frames {task.completed:,.0f} · {task.fields[rate]}"),
            TimeRemainingColumn(),
            console=self.console,
            transient=True,
            disable=not self.live,
        )
        self.task = self.bar.add_task(
            "lesson", total=sum(self.expected.values()) or None, done=0, chapters=total, rate=""
        )

    def __enter__(self) -> "LessonProgress":
        self.bar.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.stop()

    def rate(self) -> float:
        """Frames drawn per second since the start."""
        elapsed = time.monotonic() - self.started
        return sum(self.frames.values()) / elapsed if elapsed > 0 else 0.0

    def _update(self) -> None:
        open_frames = sum(f for i, f in self.expected.items() if i not in self.done)
        total = sum(self.frames.get(i, 0) for i in self.done) + open_frames
        rate = self.rate()
        self.bar.update(
            self.task,
            completed=sum(self.frames.values()),
            total=max(total, 1),
            done=len(self.done),
            rate=f"{rate:.0f} frames/s" if rate else "",
        )

    def chapter_reused(self, index: int) -> None:
        self.done.add(index)
        self.expected.pop(index, None)
        self._update()

    def frames_drawn(self, index: int, frames: int) -> None:
        self.frames[index] = frames
        self._update()

    def speech_done(self, lines: int, speech_seconds: float, busy_seconds: float, seconds: float) -> None:
        """The narration of every chapter to render is spoken (or was cached): one line."""
        made = "every line cached"
        if lines:
            made = f"{lines} lines, {speech_seconds:.0f} s of speech, made in {busy_seconds:.0f} s of work"
        self.console.print(f"speech: {made} ({seconds:.0f} s)", markup=False, soft_wrap=True)

    def chapter_done(self, index: int, name: str, frames: int, seconds: float) -> None:
        """A finished chapter: one line above the bar (or in the log)."""
        self.frames[index] = self.expected[index] = frames
        self.done.add(index)
        self._update()
        line = (
            f"chapter {index:02d} {name}: {frames:,} frames in {seconds:.0f} s "
            f"(chapters {len(self.done)}/{self.total} · frames {sum(self.frames.values()):,} · "
            f"{self.rate():.0f} frames/s)"
        )
        self.console.print(line, markup=False, soft_wrap=True)
