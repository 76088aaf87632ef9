"""How much of the lesson moves, measured (a benchmark, not a test: it prints figures).

    .venv/bin/python benchmarks/motion.py --render --chapters 1-4     # render at preview, then measure
    .venv/bin/python benchmarks/motion.py media/lesson                # a lesson already rendered
    .venv/bin/python benchmarks/motion.py media/lesson --strips media/strips --frames 6 [--phrases]

It reads each chapter's video and record (beats, their start times, the narration's
phrases) from a lesson folder, and counts a frame still when it differs from the
frame before by less than 0.2 grey levels on average (luma, 0–255, at the video's
own size). Per beat it prints the share of still frames and the longest still
stretch in seconds; per chapter and in total, the share of still frames, the median
beat's longest still stretch and the beats (a chapter's last beat excepted) that
stand still for more than 5 s.

Targets (the motion issues): still frames at most 45% of a chapter's frames; the
median beat's longest still stretch at most 3 s; no beat still for more than 5 s
except a chapter's last.

With --strips DIR it also writes, per beat (or per phrase with --phrases), one PNG of
--frames frames taken evenly across it, three to a row, each stamped with its time: a
frame strip to look at an animation by eye.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

STILL_GREY_LEVELS = 0.2  # mean absolute luma difference under which a frame counts as still
LONG_STILL = 5.0  # seconds: a still stretch longer than this is a fault (except in a chapter's last beat)
TARGET_STILL_SHARE = 0.45
TARGET_MEDIAN_STRETCH = 3.0


@dataclass
class Span:
    """A stretch of one chapter's video: a beat or a phrase."""

    chapter: int
    name: str  # beat id ("03-softmax") or phrase id ("03-softmax.2")
    start: float  # seconds from the chapter's start
    end: float
    last: bool = False  # the chapter's last beat


def read_records(lesson_dir: Path) -> list[dict]:
    """The chapter records of a rendered lesson (OUT/.nextword/chapters/*.json), in lesson order."""
    from scenes.lesson import LESSON
    from scenes.publishing.workers import record_path

    records = []
    for chapter in LESSON:
        path = record_path(lesson_dir, chapter.name, "chapters")
        if path.is_file():
            records.append(json.loads(path.read_text(encoding="utf-8")))
    if not records:
        raise SystemExit(f"{lesson_dir} holds no rendered chapters (render a lesson there first).")
    return records


def beat_spans(record: dict) -> list[Span]:
    ends = list(record["beat_starts"][1:]) + [record["duration"]]
    n = len(record["beats"])
    return [
        Span(record["index"], f"{record['index']:02d}-{beat}", start, end, last=k == n - 1)
        for k, (beat, start, end) in enumerate(zip(record["beats"], record["beat_starts"], ends))
    ]


def phrase_spans(record: dict) -> list[Span]:
    spans = []
    for line in record["lines"]:
        spans.append(
            Span(record["index"], f"{line['beat']}.{line.get('phrase', 1)}", line["start"], line["end"])
        )
    return spans


def still_flags(video: Path) -> tuple[np.ndarray, float]:
    """For every frame of `video`: whether it is still (see STILL_GREY_LEVELS; the first frame
    counts as moving); and the frame rate."""
    flags, previous = [], None
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate)
        for frame in container.decode(stream):
            grey = frame.to_ndarray(format="gray").astype(np.int16)
            flags.append(previous is not None and float(np.abs(grey - previous).mean()) < STILL_GREY_LEVELS)
            previous = grey
    return np.array(flags, dtype=bool), fps


def longest_run(flags: np.ndarray) -> int:
    best = run = 0
    for still in flags:
        run = run + 1 if still else 0
        best = max(best, run)
    return best


def frame_strip(video: Path, span: Span, count: int, dest: Path, tile_width: int = 480) -> Path:
    """`count` frames evenly across `span` of `video`, side by side, each stamped with its time."""
    from PIL import Image, ImageDraw

    times = [span.start + (k + 0.5) * (span.end - span.start) / count for k in range(count)]
    frames: list = []
    with av.open(str(video)) as container:
        stream = container.streams.video[0]
        fps = float(stream.average_rate)
        wanted = [int(t * fps) for t in times]
        for i, frame in enumerate(container.decode(stream)):
            while len(frames) < len(wanted) and i >= wanted[len(frames)]:
                frames.append(frame.to_image())
            if len(frames) == len(wanted):
                break
    tiles = []
    for t, image in zip(times, frames):
        scale = tile_width / max(image.width, image.height) * (1 if image.width >= image.height else 0.6)
        tile = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
        ImageDraw.Draw(tile).text((6, 4), f"{t:.2f} s", fill=(255, 255, 0))
        tiles.append(tile)
    if not tiles:
        return dest
    cols = min(3, len(tiles))  # a grid three frames wide: big enough to read when opened
    rows = -(-len(tiles) // cols)
    w, h = tiles[0].width, tiles[0].height
    strip = Image.new("RGB", (cols * w + 4 * (cols - 1), rows * h + 4 * (rows - 1)), (90, 90, 90))
    for k, tile in enumerate(tiles):
        strip.paste(tile, ((k % cols) * (w + 4), (k // cols) * (h + 4)))
    dest.parent.mkdir(parents=True, exist_ok=True)
    strip.save(dest)
    return dest


def measure(lesson_dir: Path, chapters: set[int] | None, strips: Path | None, frames: int, phrases: bool):
    records = [r for r in read_records(lesson_dir) if chapters is None or r["index"] in chapters]
    total_frames = total_still = 0
    all_stretches, faults = [], []
    print(f"{'beat':<28} {'length':>7} {'still':>6} {'longest still':>14}")
    for record in records:
        video = lesson_dir / record["video"]
        flags, fps = still_flags(video)
        stretches = []
        chapter_frames = chapter_still = 0
        for span in beat_spans(record):
            a, b = int(round(span.start * fps)), int(round(span.end * fps))
            part = flags[a:b]
            longest = longest_run(part) / fps
            share = float(part.mean()) if len(part) else 0.0
            fault = longest > LONG_STILL and not span.last
            if fault:
                faults.append(span.name)
            stretches.append(longest)
            chapter_frames += len(part)
            chapter_still += int(part.sum())
            mark = "  over 5 s" if fault else ""
            print(f"{span.name:<28} {span.end - span.start:>6.1f}s {share:>6.0%} {longest:>13.1f}s{mark}")
        share = chapter_still / max(chapter_frames, 1)
        print(
            f"{'chapter ' + str(record['index']) + ' ' + record['name']:<28} {record['duration']:>6.1f}s "
            f"{share:>6.0%}   median longest {statistics.median(stretches):.1f}s\n"
        )
        total_frames += chapter_frames
        total_still += chapter_still
        all_stretches += stretches
        if strips is not None:
            for span in phrase_spans(record) if phrases else beat_spans(record):
                frame_strip(video, span, frames, strips / f"{span.name}.png")
    share = total_still / max(total_frames, 1)
    median = statistics.median(all_stretches)
    print(
        f"total: {total_frames} frames, {share:.0%} still (target ≤ {TARGET_STILL_SHARE:.0%}); "
        f"median beat's longest still stretch {median:.1f} s (target ≤ {TARGET_MEDIAN_STRETCH:.0f} s); "
        f"beats still over {LONG_STILL:.0f} s (a chapter's last excepted): {len(faults)}"
        + (f" ({', '.join(faults)})" if faults else "")
    )


def chapter_set(text: str | None) -> set[int] | None:
    """ "1-4" or "2,5" → {1, 2, 3, 4} or {2, 5}; None → every chapter."""
    if not text:
        return None
    out: set[int] = set()
    for part in text.split(","):
        a, _, b = part.partition("-")
        out |= set(range(int(a), int(b or a) + 1))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("lesson_dir", nargs="?", type=Path, help="a rendered lesson's folder")
    parser.add_argument("--render", action="store_true", help="render the chapters first (default trace)")
    parser.add_argument("--chapters", help="chapters to measure, e.g. 1-4 (default all)")
    parser.add_argument("--quality", default="preview", help="quality of --render (default preview)")
    parser.add_argument("--aspect", default="16:9", help="frame shape of --render (default 16:9)")
    parser.add_argument("--strips", type=Path, help="write a frame strip per beat into this folder")
    parser.add_argument("--frames", type=int, default=6, help="frames per strip (default 6)")
    parser.add_argument("--phrases", action="store_true", help="strips per phrase instead of per beat")
    args = parser.parse_args(argv)
    chapters = chapter_set(args.chapters)
    lesson_dir = args.lesson_dir
    with tempfile.TemporaryDirectory() as tmp:
        if args.render:
            from model import TrainConfig
            from model.cache import cached_trace
            from render import render_settings
            from scenes.lesson import LESSON
            from scenes.publishing.lesson import render_lesson
            from scenes.publishing.workers import default_jobs

            lesson_dir = lesson_dir or Path(tmp) / "lesson"
            _, trace_path = cached_trace(TrainConfig())
            settings = render_settings(trace_path, quality=args.quality, aspect=args.aspect)
            chosen = [c for k, c in enumerate(LESSON, 1) if chapters is None or k in chapters]
            with open(os.devnull, "w") as quiet:
                render_lesson(
                    chosen,
                    settings,
                    out_dir=lesson_dir,
                    media_dir=Path(tmp) / "m",
                    jobs=default_jobs(),
                    progress_stream=quiet,
                )
        if lesson_dir is None:
            parser.error("give a lesson folder, or --render")
        measure(lesson_dir, chapters, args.strips, args.frames, args.phrases)


if __name__ == "__main__":
    main()
