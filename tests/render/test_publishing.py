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
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from render import render_settings
from scenes.kit.formatting import percent
from scenes.kit.voice import Voice
from scenes.lesson import LESSON, find
from scenes.rendering.chapter import render_chapter
from scenes.rendering.subtitles import read_srt, read_vtt

ROOT = Path(__file__).resolve().parents[2]


# ---- the lesson --------------------------------------------------------------------------
def _render(trace_file, out, jobs=2, chapters=LESSON, **options):
    from scenes.publishing.lesson import render_lesson

    settings = render_settings(trace_file, quality="tiny", **options)
    return render_lesson(chapters, settings, out_dir=out, media_dir=out.parent / "m", jobs=jobs)


@pytest.fixture(scope="module")
def lesson(small_trace_module_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("publish") / "lesson"
    return _render(small_trace_module_file, out), out


def _boxes(path: Path) -> dict[bytes, int]:
    """Where the top-level MP4 boxes start."""
    data, found, at = path.read_bytes(), {}, 0
    while at + 8 <= len(data):
        size, kind = int.from_bytes(data[at : at + 4], "big"), data[at + 4 : at + 8]
        found.setdefault(kind, at)
        if size == 1:
            size = int.from_bytes(data[at + 8 : at + 16], "big")
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
        assert not c.streams.audio  # --voice none: a silent, captioned lesson
    boxes = _boxes(result.video)
    assert boxes[b"moov"] < boxes[b"mdat"], "the index must be at the front (fast start)"
    assert b"elst" not in result.video.read_bytes()[boxes[b"moov"] : boxes[b"mdat"]], "no edit list"
    chapter_lengths = [d for _, _, d in result.chapters]
    assert duration == pytest.approx(
        sum(chapter_lengths), abs=0.15
    )  # the sum of its chapters, within a frame
    assert [m["metadata"]["title"] for m in markers] == [c.title for c in LESSON]
    starts = [float(m["start"] * m["time_base"]) for m in markers]
    expected = [sum(chapter_lengths[:k]) for k in range(len(LESSON))]
    assert starts == pytest.approx(expected, abs=0.15)
    for _, clip, _ in result.chapters:  # each chapter's own clip is publishable too
        assert _boxes(clip)[b"moov"] < _boxes(clip)[b"mdat"]


def test_beside_the_lesson_chapters_description_thumbnail_and_subtitles(lesson, small_trace):
    from scenes.rendering.subtitles import read_srt, read_vtt

    result, out = lesson
    lines = (out / "chapters.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("0:00 ") and len(lines) >= 3
    seconds = [int(t.split()[0].split(":")[0]) * 60 + int(t.split()[0].split(":")[1]) for t in lines]
    total = sum(d for _, _, d in result.chapters)
    assert all(b - a >= 10 for a, b in zip(seconds, seconds[1:] + [int(total)]))
    description = (out / "description.txt").read_text(encoding="utf-8")
    assert "\n".join(lines) in description and "How a neural network learns the next word" in description
    p = 1  # the lesson's pair "the cat → sat": the probabilities in the description are the trace's
    before, after = percent(small_trace.p_correct[0, p]), percent(small_trace.p_correct[-1, p])
    assert f"{before} before training and {after} after" in description
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
    for name in (
        "lesson.mp4",
        "lesson.srt",
        "lesson.vtt",
        "chapters.txt",
        "description.txt",
        "thumbnail.png",
        "script.md",
    ):
        assert name in listed, name
    assert len([p for p in listed if p.startswith("chapters/") and p.endswith(".mp4")]) == len(LESSON)
    for path, entry in listed.items():
        assert (out / path).stat().st_size == entry["bytes"]
    assert listed["lesson.mp4"]["duration"] == pytest.approx(sum(d for _, _, d in result.chapters), abs=0.01)
    settings = manifest["settings"]
    text = (out / "manifest.json").read_text(encoding="utf-8")
    assert str(out.parent) not in text and str(Path.home()) not in text  # no local paths: it gets shared
    assert len(settings["trace"]["sha256"]) == 64 and settings["trace"]["config"]["epochs"] == 8
    assert (settings["quality"], settings["aspect"], settings["width"], settings["height"]) == (
        "tiny",
        "16:9",
        256,
        144,
    )
    assert [c["title"] for c in settings["chapters"]] == [c.title for c in LESSON]


def test_a_second_run_with_nothing_changed_reuses_every_chapter(lesson, small_trace_module_file):
    result, out = lesson
    assert result.rendered == [c.name for c in LESSON] and result.reused == []
    video_time = result.video.stat().st_mtime_ns
    again = _render(small_trace_module_file, out)
    assert again.rendered == [] and again.reused == [c.name for c in LESSON]
    assert again.video.stat().st_mtime_ns == video_time  # not even joined again


def test_a_lesson_speaks_with_the_natural_voice_at_minus_16_lufs_in_step_with_its_subtitles(
    small_trace_file, tmp_path
):
    """Three chapters with the default voice (Piper, bundled): AAC-LC 48 kHz stereo at 128 kb/s or
    more, −16 ±1 LUFS (BS.1770, pyloudnorm) with sample peaks at or under −1 dBFS, the sound as
    long as the picture, every subtitle cue's speech heard within 0.2 s of its start."""
    from scenes.rendering.audio import decoded_sound, integrated_loudness

    out = tmp_path / "voiced"
    result = _render(small_trace_file, out, jobs=2, chapters=LESSON[:3], voice=Voice(engine="piper"))
    with av.open(str(result.video)) as c:
        (audio,) = c.streams.audio
        assert (audio.codec_context.name, audio.codec_context.profile) == ("aac", "LC")
        assert (audio.rate, audio.channels) == (48000, 2) and audio.bit_rate >= 128_000
        video = c.streams.video[0]
        seconds = float(video.duration * video.time_base)
        assert float(audio.duration * audio.time_base) == pytest.approx(seconds, abs=1 / 48000)
    sound = decoded_sound(result.video)
    assert integrated_loudness(sound) == pytest.approx(-16.0, abs=1.0)
    assert 20 * np.log10(np.abs(sound).max()) <= -1.0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    reported = manifest["settings"]["audio"]["integrated_lufs"]
    assert reported == pytest.approx(integrated_loudness(sound), abs=0.01)
    mono, window = sound[:, 0], 960  # 20 ms
    cues = read_srt(out / "lesson.srt")
    assert len(cues) >= 6
    for cue in cues:
        start = int(cue.start * 48000)
        part = mono[start : start + int(0.2 * 48000)]
        loudest = np.sqrt((part[: len(part) // window * window].reshape(-1, window) ** 2).mean(axis=1)).max()
        assert 20 * np.log10(loudest) > -40, f"no speech in the 0.2 s after the cue at {cue.start:.2f} s"


def test_a_changed_setting_renders_again(small_trace_file, tmp_path):
    chapters = [find("WatchItLearn")]
    out = tmp_path / "lesson"
    first = _render(small_trace_file, out, jobs=1, chapters=chapters)
    same = _render(small_trace_file, out, jobs=1, chapters=chapters)
    other = _render(small_trace_file, out, jobs=1, chapters=chapters, no_captions=True)
    assert (first.rendered, same.rendered, other.rendered) == (["WatchItLearn"], [], ["WatchItLearn"])


def test_an_interrupted_render_leaves_no_partial_file_and_the_rerun_completes(small_trace_file, tmp_path):
    """The run is killed (workers included, as a crash or a power cut would) as soon as its progress
    events say the second chapter is drawing frames: no fixed sleep decides when."""
    out = tmp_path / "lesson"
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from render import render_settings
        from scenes.lesson import LESSON
        from scenes.publishing.lesson import render_lesson

        def tell(kind, index, value):
            print(kind, index, value, flush=True)

        if __name__ == "__main__":
            settings = render_settings(Path({str(small_trace_file)!r}), quality="tiny")
            render_lesson(LESSON[:3], settings, media_dir=Path({str(tmp_path / "m")!r}),
                          out_dir=Path({str(out)!r}), jobs=1, on_event=tell)
    """)
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        start_new_session=True,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    heard = []
    for line in proc.stdout:  # ends if the run ends by itself
        heard.append(line.split())
        if heard[-1][:2] == ["frames", "2"]:  # chapter 2 is under way: some of its frames are drawn
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert ["done", "1"] in [h[:2] for h in heard], heard  # chapter 1 had finished
    assert heard[-1][:2] == ["frames", "2"], "the run ended before chapter 2 was under way"
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
    from scenes.publishing.clips import render_clips

    chapter = find("HowWrongWasIt")
    out = tmp_path / "clips"
    settings = render_settings(small_trace_file, quality="tiny", voice=Voice(engine="espeak"))
    clips = render_clips(
        [chapter], settings, media_dir=tmp_path / "m", out_dir=out, jobs=1, gif=True, webm=True
    )
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


def test_real_low_resolution_render_has_video_and_subtitles(small_trace_file, tmp_path):
    result = render_chapter(
        find("WatchItLearn"), render_settings(small_trace_file, quality="tiny"), media_dir=tmp_path / "m"
    )
    with av.open(str(result.video)) as c:
        stream = c.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert (stream.codec_context.width, stream.codec_context.height) == (256, 144)
        frames = sum(1 for _ in c.decode(stream))
        duration = float(stream.duration * stream.time_base)
    assert duration == pytest.approx(result.duration, abs=1 / 10 + 1e-6)
    assert frames == pytest.approx(result.duration * 10, abs=1)
    from scenes.rendering.subtitles import read_srt

    cues = read_srt(result.subtitles)
    assert " ".join(c.text.replace("\n", " ") for c in cues) == " ".join(line.text for line in result.lines)
    assert result.webvtt.read_text(encoding="utf-8").startswith("WEBVTT")


def check_subtitles(result, duration):
    srt, vtt = read_srt(result.subtitles), read_vtt(result.webvtt)
    assert [(round(c.start, 3), round(c.end, 3), c.text) for c in srt] == [
        (round(c.start, 3), round(c.end, 3), c.text) for c in vtt
    ]
    assert all(c.start < c.end for c in srt)
    assert all(a.end <= b.start + 1e-3 for a, b in zip(srt, srt[1:]))
    assert srt[0].start >= 0 and srt[-1].end <= duration + 1e-3
    joined = " ".join(c.text.replace("\n", " ") for c in srt)
    assert joined == " ".join(line.text for line in result.lines)


def test_voiced_render_waits_for_the_voice(small_trace_file, tmp_path):
    settings = render_settings(small_trace_file, quality="tiny", voice=Voice(engine="espeak")).replace(
        speech_dir=tmp_path / "speech"
    )
    result = render_chapter(find("HowWrongWasIt"), settings, media_dir=tmp_path / "m")
    with av.open(str(result.video)) as c:
        video, audio = c.streams.video[0], c.streams.audio[0]
        assert audio.codec_context.name == "aac" and audio.codec_context.sample_rate == 48000
        v_dur = float(video.duration * video.time_base)
        a_dur = float(audio.duration * audio.time_base)
    assert a_dur == pytest.approx(v_dur, abs=1 / 10)  # within one frame at 10 fps
    for line in result.lines:
        assert line.audio and line.audio_duration > 0.5
        assert line.end - line.start >= line.audio_duration  # the beat lasts as long as its speech
    for a, b in zip(result.lines, result.lines[1:]):
        assert (
            b.start >= a.start + a.audio_duration
        )  # the next line never starts before the last has finished
    check_subtitles(result, v_dur)
