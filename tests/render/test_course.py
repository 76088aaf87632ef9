"""Courses, rendered for real at the tiny test size: a course through the local pool and the same
course on a Dask LocalCluster (two worker processes on loopback, started and closed here) give
the same frames; a worker killed mid-chapter does not stop the course; a re-run renders nothing.

To stay quick every lesson holds one short chapter (chapter 7 at the fastest reading pace), and
the renders are shared by the module's tests."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
from pathlib import Path

import av
import pytest

import render
from scenes.publishing import course as courses

CHAPTER = "FromGuessingToKnowing"
CLIP = f"chapters/07-{CHAPTER}.mp4"
COURSE = """
title = "Tiny course <test>"
[defaults]
chapters = [7]
[defaults.training]
epochs = 8
[defaults.voice]
engine = "none"
[defaults.output]
reading_pace = 10.0

[[lesson]]
slug = "cats"

[[lesson]]
title = "Dogs & <parks>"
sentence = "the dog ran to the park"
[lesson.output]
aspect = "9:16"
"""
MORE = """
[[lesson]]
slug = "cats-bom"   # the same chapter as "cats" (the mark is not in the picture): copied, not drawn
[lesson.output]
subtitle_bom = true

[[lesson]]
slug = "one-word"
sentence = "hello"
"""


@pytest.fixture(scope="module")
def course_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    two, four = folder / "two.toml", folder / "four.toml"
    two.write_text(COURSE, encoding="utf-8")
    four.write_text(COURSE + MORE, encoding="utf-8")
    return folder, two, four


@pytest.fixture(scope="module")
def trace_cache(tmp_path_factory):
    """The lessons' runs are trained into a temporary cache (these renders come before the
    per-test isolated cache)."""
    import model.cache

    with pytest.MonkeyPatch.context() as patch:
        cache = tmp_path_factory.mktemp("course-traces")
        patch.setattr(model.cache, "DEFAULT_CACHE_DIR", cache)
        patch.setenv("NEXTWORD_CACHE", str(cache))
        yield cache


def _render(course_file: Path, out: Path, backend):
    spec = courses.load_course_file(course_file).with_options(quality="tiny")
    return courses.render_course(
        spec, out_dir=out, media_dir=out.parent / f"{out.name}-media", prepare=render.course_lesson_settings,
        backend=backend,
    )


@pytest.fixture(scope="module")
def local_course(course_files, trace_cache):
    folder, _, four = course_files
    out = folder / "local"
    return _render(four, out, courses.LocalPool(2)), out


def _kill_a_busy_worker(client, stop: threading.Event, killed: dict) -> None:
    """Wait until some worker is drawing a chapter, then SIGKILL that worker's process. (The
    course's own client asks: a second client closed in this process would stall the first.)"""
    while not stop.is_set():
        busy = client.run(lambda dask_worker: (os.getpid(), len(dask_worker.state.executing)))
        drawing = sorted(worker for worker, (_, executing) in busy.items() if executing)
        if drawing:
            pid = busy[drawing[0]][0]
            os.kill(pid, signal.SIGKILL)
            killed.update(worker=drawing[0], pid=pid)
            return
        stop.wait(0.1)


@pytest.fixture(scope="module")
def dask_course(course_files, trace_cache):
    """The two-lesson course on a LocalCluster, one worker killed while it draws; then the same
    command again."""
    from distributed import LocalCluster

    from scenes.publishing.cluster import DaskCluster

    folder, two, _ = course_files
    out = folder / "dask"
    killed, stop = {}, threading.Event()
    seen = []  # (task number, frames drawn) as the progress display heard them
    heard = courses.CourseProgress.frames_drawn

    def spy(progress, number, frames):
        seen.append((number, frames))
        return heard(progress, number, frames)

    with LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    ) as cluster, pytest.MonkeyPatch.context() as patch:
        patch.setattr(courses.CourseProgress, "frames_drawn", spy)
        backend = DaskCluster.connect(cluster.scheduler_address)
        killer = threading.Thread(target=_kill_a_busy_worker, args=(backend.client, stop, killed))
        killer.start()
        try:
            first = _render(two, out, backend)
        finally:
            stop.set()
            killer.join()
        again = _render(two, out, backend)
        backend.close()
    return first, again, out, killed, seen


def _frames(path: Path) -> list[str]:
    """The MD5 of every decoded frame (as ffmpeg -f framemd5 would list them)."""
    with av.open(str(path)) as container:
        frames = container.decode(video=0)
        return [hashlib.md5(frame.to_ndarray(format="rgb24").tobytes()).hexdigest() for frame in frames]


def test_every_lesson_gets_its_folder_and_the_course_its_list_and_page(local_course):
    result, out = local_course
    data = json.loads((out / "course.json").read_text(encoding="utf-8"))
    status = {lesson["slug"]: lesson["status"] for lesson in data["lessons"]}
    assert status == {"cats": "done", "dogs-parks": "done", "cats-bom": "done", "one-word": "failed"}
    for lesson in data["lessons"][:3]:
        slug = lesson["slug"]
        for name in ("lesson.mp4", "lesson.srt", "index.html", "manifest.json", "thumbnail.png", CLIP):
            assert (out / slug / name).is_file(), (slug, name)
        listed = {f["path"]: f for f in lesson["files"]}
        assert listed[f"{slug}/lesson.mp4"]["bytes"] == (out / slug / "lesson.mp4").stat().st_size
        assert listed[f"{slug}/lesson.mp4"]["duration"] == pytest.approx(lesson["duration"], abs=0.01)
        assert lesson["page"] == f"{slug}/index.html" and lesson["chapters"][0]["name"] == CHAPTER
    failed = data["lessons"][3]
    assert failed["reason"] == "sentence: the sentence needs at least 2 words, got 1."
    # One chapter drawn per distinct key: "cats-bom" has "cats"'s chapter, copied.
    assert data["chapters"] == {"rendered": 2, "reused": 0, "copied": 1}
    assert data["lessons"][2]["copied"] == [CHAPTER] and data["lessons"][2]["rendered"] == []
    assert _frames(out / "cats-bom" / CLIP) == _frames(out / "cats" / CLIP)
    assert (out / "cats-bom" / "lesson.srt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (out / "cats" / "lesson.srt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (out / "dogs-parks" / "manifest.json").read_text(encoding="utf-8").count('"aspect": "9:16"') == 1
    page = (out / "index.html").read_text(encoding="utf-8")
    for slug in ("cats", "dogs-parks", "cats-bom"):
        assert f'href="{slug}/index.html"' in page
    assert "Dogs &amp; &lt;parks&gt;" in page and "<parks>" not in page
    assert "Tiny course &lt;test&gt;" in page and "at least 2 words" in page


def test_a_dask_cluster_gives_the_same_frames_as_the_local_pool(local_course, dask_course):
    _, local = local_course
    first, _, out, _, _ = dask_course
    assert first.backend == "dask" and not first.failed
    for slug in ("cats", "dogs-parks"):
        frames = _frames(out / slug / CLIP)
        assert len(frames) > 100
        assert frames == _frames(local / slug / CLIP), slug
        assert (out / slug / "lesson.mp4").is_file() and (out / slug / "index.html").is_file()


def test_dask_workers_report_frames_while_they_draw(dask_course):
    """Each chapter's frame count reaches the progress display from the worker drawing it (Dask
    events), not only when the chapter is done."""
    first, _, _, _, seen = dask_course
    numbers = {number for number, _ in seen}
    assert len(numbers) == 2, seen  # both chapters of the course
    assert all(frames > 0 for _, frames in seen)


def test_a_worker_killed_mid_chapter_does_not_stop_the_course(dask_course):
    first, _, out, killed, _ = dask_course
    assert killed, "no worker was seen drawing a chapter"
    with pytest.raises(ProcessLookupError):
        os.kill(killed["pid"], 0)  # it is gone
    # and its working folder with it: the chapter's next try removed it
    assert not list(Path(tempfile.gettempdir()).glob(f"nextword-chapter-{killed['pid']}-*"))
    data = json.loads((out / "course.json").read_text(encoding="utf-8"))
    assert [lesson["status"] for lesson in data["lessons"]] == ["done", "done"]
    assert sorted(n for lesson in first.lessons for n in lesson.rendered) == [CHAPTER, CHAPTER]


def test_a_rerun_renders_nothing(local_course, dask_course, course_files):
    _, again, out, _, _ = dask_course
    assert again.rendered == 0 and not again.failed
    assert [lesson.reused for lesson in again.lessons] == [[CHAPTER], [CHAPTER]]
    joined = (out / "cats" / "lesson.mp4").stat().st_mtime_ns
    _, local = local_course
    folder, _, four = course_files
    before = (local / "cats" / "lesson.mp4").stat().st_mtime_ns
    rerun = _render(four, local, courses.LocalPool(2))
    assert rerun.rendered == 0 and [lesson.status for lesson in rerun.lessons] == ["done"] * 3 + ["failed"]
    assert (local / "cats" / "lesson.mp4").stat().st_mtime_ns == before  # not even joined again
    assert (out / "cats" / "lesson.mp4").stat().st_mtime_ns == joined
