"""How fast a course renders, on this machine's pool and on a Dask cluster (a benchmark, not a
test: it prints figures).

    .venv/bin/python benchmarks/course_speed.py                     # tiny frames: about two minutes
    .venv/bin/python benchmarks/course_speed.py --quality preview --lessons 4 --workers 2

It writes a course of `--lessons` lessons (different texts, so no chapter is shared between
them; silent), each with the chapters of `--chapters`, and renders it cold twice: with the
local pool (`--workers` processes) and on a Dask LocalCluster of `--workers` worker processes
(one thread each, loopback), started here (its start-up is printed apart). For each it prints
the chapters rendered per minute and where the time went: preparing the lessons (training,
checks), the chapters' own render times added up (the work the workers share), and joining
the lessons (subtitles, thumbnails, pages: done one at a time on the machine running `course`).

The serial fraction is (preparing + joining) / (preparing + joining + chapter work): Amdahl's
law then bounds the course's time on n workers at about serial + chapter work / n.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import render
from scenes.lesson import LESSON
from scenes.publishing import course as courses

SENTENCES = [
    "the cat sat on the mat",
    "the dog ran to the park",
    "a bird flew over the house",
    "the sun is warm and the snow is cold",
    "my friend reads a book at night",
    "we eat bread and we drink tea",
]


def course_file(folder: Path, lessons: int, chapters: list[int], quality: str) -> Path:
    """A course of `lessons` silent lessons with different texts."""
    text = ['title = "Benchmark"', "[defaults]", f"chapters = {chapters}", "[defaults.voice]",
            'engine = "none"']
    for k in range(lessons):
        text += ["[[lesson]]", f'slug = "lesson-{k + 1}"', f'sentence = "{SENTENCES[k % len(SENTENCES)]}"']
        if k >= len(SENTENCES):
            text += ["[lesson.training]", f"seed = {k}"]
    path = folder / "course.toml"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    return path


def run(path: Path, out: Path, quality: str, backend) -> courses.CourseResult:
    spec = courses.load_course_file(path).with_options(quality=quality)
    with open(os.devnull, "w") as quiet:
        return courses.render_course(
            spec, out_dir=out, media_dir=out.parent / f"{out.name}-media",
            prepare=render.course_lesson_settings, backend=backend, progress_stream=quiet,
        )


def report(name: str, result: courses.CourseResult) -> None:
    chapters = result.rendered
    serial = result.prepare_seconds + result.join_seconds
    fraction = serial / (serial + result.chapter_seconds)
    print(f"{name}:")
    print(f"  {chapters} chapters in {result.total_seconds:.1f} s: "
          f"{60 * chapters / result.total_seconds:.1f} chapters per minute")
    print(f"  preparing {result.prepare_seconds:.1f} s · chapter work {result.chapter_seconds:.1f} s "
          f"(added up) · joining {result.join_seconds:.1f} s")
    print(f"  serial fraction {fraction:.1%} (preparing + joining over all the work); "
          f"{serial / result.total_seconds:.1%} of the wall time")
    if result.failed:
        print(f"  FAILED lessons: {', '.join(lesson.spec.slug for lesson in result.failed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quality", default="tiny", help="tiny (the tests' size, the default), preview, ...")
    parser.add_argument("--lessons", type=int, default=3)
    parser.add_argument("--chapters", default="1,7", help="chapter numbers of each lesson (default 1,7)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    chapters = [int(c) for c in args.chapters.split(",")]
    assert all(1 <= c <= len(LESSON) for c in chapters), "chapters are 1 to 8"

    from distributed import LocalCluster

    from scenes.publishing.cluster import DaskCluster

    with tempfile.TemporaryDirectory(prefix="nextword-course-bench-") as tmp:
        folder = Path(tmp)
        path = course_file(folder, args.lessons, chapters, args.quality)
        print(f"{args.lessons} lessons x chapters {chapters} at {args.quality}, {args.workers} workers, "
              f"{os.cpu_count()} cores\n")
        report(f"local pool (--jobs {args.workers})",
               run(path, folder / "local", args.quality, courses.LocalPool(args.workers)))
        started = time.perf_counter()
        with LocalCluster(n_workers=args.workers, processes=True, threads_per_worker=1, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            backend = DaskCluster.connect(cluster.scheduler_address)
            print(f"\nDask LocalCluster started and checked in {time.perf_counter() - started:.1f} s")
            try:
                report(f"Dask LocalCluster ({args.workers} workers)",
                       run(path, folder / "dask", args.quality, backend))
            finally:
                backend.close()


if __name__ == "__main__":
    main()
