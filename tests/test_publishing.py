"""What course makers publish: the YouTube-ready lesson and what goes beside it, reuse of
unchanged chapters, interrupted runs, and clips for slide decks (low-resolution real renders,
checked with PyAV)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from scenes.catalog import LESSON, find
from scenes.publishing import chapters_text, clock, youtube_chapters

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.render


# ---- YouTube's chapter rules (no rendering) ----------------------------------------------
def test_chapter_times_are_written_as_youtube_reads_them():
    assert [clock(t) for t in (0, 9.99, 65, 600, 3725)] == ["0:00", "0:09", "1:05", "10:00", "1:02:05"]
    marks = youtube_chapters([("A", 0.0), ("B", 30.0), ("C", 34.0), ("D", 60.0)], total=95.0)
    assert marks == [("A", 0.0), ("C", 34.0), ("D", 60.0)]  # B lasts 4 s: folded into A
    assert chapters_text(marks) == "0:00 A\n0:34 C\n1:00 D\n"
    assert youtube_chapters([("A", 0.0), ("B", 50.0)], total=55.0) == [("A", 0.0)]  # B would be 5 s long


# ---- the lesson --------------------------------------------------------------------------
def _render(trace_file, out, jobs=2, chapters=LESSON, **kw):
    from scenes.production import render_lesson

    return render_lesson(chapters, trace_path=trace_file, quality="tiny", aspect="16:9", media_dir=out.parent / "m",
                         out_dir=out, jobs=jobs, **kw)


@pytest.fixture(scope="module")
def lesson(small_trace_module_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("publish") / "lesson"
    return _render(small_trace_module_file, out), out


def _boxes(path: Path) -> dict[bytes, int]:
    """Where the top-level MP4 boxes start."""
    data, found, at = path.read_bytes(), {}, 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at:at + 4], "big"), data[at + 4:at + 8]
        found.setdefault(kind, at)
        if size == 1:
            size = int.from_bytes(data[at + 8:at + 16], "big")
        if size < 8:
            break
        at += size
    return found


def test_the_lesson_is_a_youtube_ready_mp4_with_chapter_markers(lesson):
    result, out = lesson
    with av.open(str(result.video)) as c:
        video = c.streams.video[0]
        assert video.codec_context.name == "h264" and video.codec_context.profile == "High"
        assert video.codec_context.pix_fmt == "yuv420p"
        duration = float(video.duration * video.time_base)
        markers = c.chapters()
    boxes = _boxes(result.video)
    assert boxes[b"moov"] < boxes[b"mdat"], "the index must be at the front (fast start)"
    assert b"elst" not in result.video.read_bytes()[boxes[b"moov"]:boxes[b"mdat"]], "no edit list"
    chapter_lengths = [d for _, _, d in result.chapters]
    assert duration == pytest.approx(sum(chapter_lengths), abs=0.15)  # the sum of its chapters, within a frame
    assert [m["metadata"]["title"] for m in markers] == [c.title for c in LESSON]
    starts = [float(m["start"] * m["time_base"]) for m in markers]
    expected = [sum(chapter_lengths[:k]) for k in range(len(LESSON))]
    assert starts == pytest.approx(expected, abs=0.15)
    for _, clip, _ in result.chapters:  # each chapter's own clip is publishable too
        assert _boxes(clip)[b"moov"] < _boxes(clip)[b"mdat"]


def test_beside_the_lesson_chapters_description_thumbnail_and_subtitles(lesson, small_trace):
    from scenes.subtitles import read_srt, read_vtt

    result, out = lesson
    lines = (out / "chapters.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("0:00 ") and len(lines) >= 3
    seconds = [int(t.split()[0].split(":")[0]) * 60 + int(t.split()[0].split(":")[1]) for t in lines]
    total = sum(d for _, _, d in result.chapters)
    assert all(b - a >= 10 for a, b in zip(seconds, seconds[1:] + [int(total)]))
    description = (out / "description.txt").read_text(encoding="utf-8")
    assert "\n".join(lines) in description and "How a neural network learns the next word" in description
    p = 1  # the lesson's pair "the cat → sat": the probabilities in the description are the trace's
    assert f"{small_trace.p_correct[0, p]:.0%} before training and {small_trace.p_correct[-1, p]:.0%} after" in description
    thumb = out / "thumbnail.png"
    with Image.open(thumb) as im:
        assert im.size == (1280, 720) and im.mode == "RGB"
    assert thumb.stat().st_size < 2 * 1024 * 1024
    srt, vtt = read_srt(out / "lesson.srt"), read_vtt(out / "lesson.vtt")
    assert len(srt) == len(vtt) and all(a.end <= b.start + 1e-3 for a, b in zip(srt, srt[1:]))
    assert srt[-1].end <= total + 0.1
    # Cues of a later chapter are shifted to its place in the lesson.
    last_chapter = read_srt(out / "chapters" / f"08-{LESSON[-1].name}.srt")
    assert srt[-1].start == pytest.approx(last_chapter[-1].start + total - result.chapters[-1][2], abs=0.01)


def test_the_manifest_lists_every_file_with_its_duration_and_settings(lesson):
    result, out = lesson
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"]: f for f in manifest["files"]}
    for name in ("lesson.mp4", "lesson.srt", "lesson.vtt", "chapters.txt", "description.txt", "thumbnail.png",
                 "script.md"):
        assert name in listed, name
    assert len([p for p in listed if p.startswith("chapters/") and p.endswith(".mp4")]) == len(LESSON)
    for path, entry in listed.items():
        assert (out / path).stat().st_size == entry["bytes"]
    assert listed["lesson.mp4"]["duration"] == pytest.approx(sum(d for _, _, d in result.chapters), abs=0.01)
    settings = manifest["settings"]
    assert (settings["quality"], settings["aspect"], settings["width"], settings["height"]) == ("tiny", "16:9", 256, 144)
    assert [c["title"] for c in settings["chapters"]] == [c.title for c in LESSON]


def test_a_second_run_with_nothing_changed_reuses_every_chapter(lesson, small_trace_module_file):
    result, out = lesson
    assert result.rendered == [c.name for c in LESSON] and result.reused == []
    video_time = result.video.stat().st_mtime_ns
    again = _render(small_trace_module_file, out)
    assert again.rendered == [] and again.reused == [c.name for c in LESSON]
    assert again.video.stat().st_mtime_ns == video_time  # not even joined again


def test_a_voiced_lesson_carries_its_narration_as_aac_48k(small_trace_file, tmp_path):
    from scenes.source import SceneOptions
    from scenes.voice import Voice

    result = _render(small_trace_file, tmp_path / "voiced", jobs=1, chapters=[find("FromGuessingToKnowing")],
                     options=SceneOptions(voice=Voice(engine="espeak")))
    with av.open(str(result.video)) as c:
        (audio,) = c.streams.audio
        assert audio.codec_context.name == "aac" and audio.codec_context.sample_rate == 48000
        video = c.streams.video[0]
        assert float(audio.duration * audio.time_base) == pytest.approx(float(video.duration * video.time_base),
                                                                        abs=0.1)


def test_a_changed_setting_renders_again(small_trace_file, tmp_path):
    from scenes.source import SceneOptions

    chapters = [find("WatchItLearn")]
    out = tmp_path / "lesson"
    first = _render(small_trace_file, out, jobs=1, chapters=chapters)
    same = _render(small_trace_file, out, jobs=1, chapters=chapters)
    other = _render(small_trace_file, out, jobs=1, chapters=chapters, options=SceneOptions(captions=False))
    assert (first.rendered, same.rendered, other.rendered) == (["WatchItLearn"], [], ["WatchItLearn"])


def test_editing_one_chapter_renders_only_that_chapter_again(tmp_path):
    import shutil

    from scenes.production import code_digest

    for package in ("model", "scenes"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))

    def digests():
        code_digest.cache_clear()
        return {c.name: code_digest(c.module, root=tmp_path) for c in LESSON}

    before = digests()
    with open(tmp_path / "scenes" / "learning.py", "a") as f:
        f.write("\n# an edit\n")
    after = digests()
    assert [n for n in before if before[n] != after[n]] == ["LearningFromTheMistake"]
    with open(tmp_path / "scenes" / "parts.py", "a") as f:  # shared by every chapter
        f.write("\n# an edit\n")
    shared = digests()
    assert all(shared[n] != after[n] for n in after)
    with open(tmp_path / "scenes" / "publishing.py", "a") as f:  # packaging only: no chapter changes
        f.write("\n# an edit\n")
    assert digests() == shared
    code_digest.cache_clear()


def test_an_interrupted_render_leaves_no_partial_file_and_the_rerun_completes(small_trace_file, tmp_path):
    out = tmp_path / "lesson"
    script = tmp_path / "run.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from scenes.catalog import LESSON
        from scenes.production import render_lesson
        if __name__ == "__main__":
            render_lesson(LESSON[:3], trace_path=Path({str(small_trace_file)!r}), quality="tiny", aspect="16:9",
                          media_dir=Path({str(tmp_path / "m")!r}), out_dir=Path({str(out)!r}), jobs=1)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], start_new_session=True, stderr=subprocess.DEVNULL)
    first_record = out / ".nextword" / "chapters" / f"{LESSON[0].name}.json"
    deadline = time.monotonic() + 240
    while not first_record.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert first_record.exists(), "the first chapter never finished"
    time.sleep(1.5)  # the worker is now midway through chapter 2
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, workers included, as a crash or power cut would
    proc.wait()
    assert not (out / "lesson.mp4").exists()
    for clip in (out / "chapters").glob("*.mp4"):  # whatever is under a final name is whole
        with av.open(str(clip)) as c:
            assert c.streams.video[0].frames > 0 or c.duration
    assert not (out / "chapters" / f"02-{LESSON[1].name}.mp4").exists()
    result = _render(small_trace_file, out, jobs=1, chapters=LESSON[:3])
    assert result.reused == [LESSON[0].name] and result.rendered == [c.name for c in LESSON[1:3]]
    assert result.video.exists() and not list((out / "chapters").glob(".*"))


# ---- clips -------------------------------------------------------------------------------
def test_clips_one_per_beat_with_narration_audio_stills_gif_webm_notes_and_index(small_trace_file, tmp_path):
    from scenes.production import render_clips
    from scenes.source import SceneOptions
    from scenes.voice import Voice

    chapter = find("HowWrongWasIt")
    out = tmp_path / "clips"
    clips = render_clips([chapter], trace_path=small_trace_file, quality="tiny", aspect="16:9",
                         media_dir=tmp_path / "m", out_dir=out, jobs=1, gif=True, webm=True,
                         options=SceneOptions(voice=Voice(engine="espeak")))
    record = json.loads((out / ".nextword" / "nextword-chapters" / f"{chapter.name}.json").read_text())
    assert [c.beat for c in clips] == [f"04-{b}" for b in record["beats"]]  # one clip per beat
    total = 0.0
    for clip in clips:
        with av.open(str(clip.video)) as c:
            video = c.streams.video[0]
            assert video.codec_context.name == "h264" and video.codec_context.pix_fmt == "yuv420p"
            assert [s.codec_context.name for s in c.streams.audio] == ["aac"]  # its narration inside
            length = float(video.duration * video.time_base)
            assert next(c.decode(video)).key_frame
        assert length == pytest.approx(clip.duration, abs=0.15)
        total += length
        with Image.open(clip.still) as im:
            assert im.size == (256, 144)
        with Image.open(clip.gif) as gif:
            assert gif.info.get("loop") == 0 and gif.n_frames > 1
        with av.open(str(clip.webm)) as c:
            decoder = av.codec.CodecContext.create("libvpx-vp9", "r")
            frame = next(f for p in c.demux(c.streams.video[0]) for f in decoder.decode(p))
            assert frame.format.name == "yuva420p"  # a transparent background
    assert total == pytest.approx(record["duration"], abs=0.3)
    notes = (out / "notes.md").read_text(encoding="utf-8")
    positions = [notes.index(line["text"]) for line in record["lines"]]
    assert positions == sorted(positions)  # speaker notes in clip order
    page = (out / "index.html").read_text(encoding="utf-8")
    for clip in clips:
        assert f'src="{clip.video.name}"' in page and f'poster="{clip.still.name}"' in page
