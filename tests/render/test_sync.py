"""Picture and sound in step: clips start on their beat's keyframe with every frame of it and its
voice at the same instant; voiced chapters end with their sound, so a joined lesson's markers,
subtitles and voice agree (low-resolution real renders with tone recordings, checked with PyAV)."""

from __future__ import annotations

import wave
from fractions import Fraction

import av
import numpy as np
import pytest

from render import render_settings
from scenes.kit.voice import Voice
from scenes.lesson import LESSON, find
from scenes.rendering.audio import AAC_FRAME, RATE, decoded_sound, frame_grid
from scenes.rendering.chapter import dry_run_lesson
from scenes.rendering.formats import encoder_options, frame_rate
from scenes.rendering.subtitles import read_srt

# How early or late a sound may be heard: a little over one AAC frame. The encoder's priming
# takes the first 1024 samples of each file, so a phrase that starts a clip is heard from then.
IN_STEP = AAC_FRAME / RATE + 0.005


def _tone(path, seconds, rate=22050):
    t = np.arange(int(seconds * rate)) / rate
    pcm = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(rate), w.writeframes(pcm.tobytes())


def _voices(chapters, trace, folder):
    """A tone recording for every phrase of `chapters`: each phrase's sound starts with it."""
    folder.mkdir(exist_ok=True)
    for _, _, lines in dry_run_lesson(chapters, render_settings(trace), media_dir=folder / "m"):
        for line in lines:
            _tone(folder / f"{line.id}.wav", 0.8)
    return Voice(engine="recordings", directory=str(folder))


def _onset(sound, after):
    """Seconds at which `sound` ((n, 2) at RATE) first gets loud after `after` seconds."""
    at = max(0, int(after * RATE))
    loud = np.nonzero(np.abs(sound[at:, 0]) > 0.05)[0]
    return (at + loud[0]) / RATE if len(loud) else float("inf")


def _first_packet(path):
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        packet = next(p for p in c.demux(stream) if p.size)
        return packet.is_keyframe, float(packet.pts * packet.time_base)


def _frames(path):
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(c.streams.video[0]))


# ---- the fault at its root: timestamps a little off the frame grid ---------------------------
def _drifting_video(path, fps=15, segments=6, length=7):
    """An H.264 MP4 made like manim's chapters (one encoder per segment, so each starts on a
    keyframe) whose timestamps fall 5 ticks earlier at every joint, as manim's are: (its path,
    the frame number at which each segment starts)."""
    from scenes.rendering.formats import MP4_OPTIONS

    starts = []
    with av.open(str(path), "w", format="mp4", options=MP4_OPTIONS) as out:
        vout = None
        for k in range(segments):
            starts.append(k * length)
            import io

            buffer = io.BytesIO()
            with av.open(buffer, "w", format="mp4") as seg:
                s = seg.add_stream("libx264", rate=fps, options=encoder_options("tiny"))
                s.width, s.height, s.pix_fmt = 256, 144, "yuv420p"
                for n in range(length):
                    img = np.full((144, 256, 3), (40 * k + 3 * n) % 256, dtype=np.uint8)
                    frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                    frame.pts, frame.time_base = n, Fraction(1, fps)
                    for p in s.encode(frame):
                        seg.mux(p)
                for p in s.encode(None):
                    seg.mux(p)
            buffer.seek(0)
            with av.open(buffer) as seg:
                vin = seg.streams.video[0]
                if vout is None:
                    vout = out.add_stream_from_template(vin)
                tick = int(1 / (fps * vin.time_base))
                for p in seg.demux(vin):
                    if p.dts is None:
                        continue
                    shift = k * length * tick - 5 * k  # the joint's drift
                    p.pts, p.dts = p.pts + shift, p.dts + shift
                    p.stream = vout
                    out.mux(p)
    return path, starts


def test_a_cut_at_a_beat_takes_its_keyframe_and_every_frame_though_timestamps_drift(tmp_path):
    from scenes.publishing.clips import cut_video

    src, starts = _drifting_video(tmp_path / "chapter.mp4")
    grid = frame_grid(src)
    assert grid.count == 42
    ends = starts[1:] + [None]
    for k, (a, b) in enumerate(zip(starts, ends)):
        clip = cut_video(src, tmp_path / f"{k}.mp4", a / 15, None if b is None else b / 15)
        key, pts = _first_packet(clip)
        assert key and pts == 0.0, (k, key, pts)
        assert _frames(clip) == (42 if b is None else b) - a
        with av.open(str(clip)) as c:
            v = c.streams.video[0]
            assert v.duration * v.time_base == Fraction((42 if b is None else b) - a, 15)


def test_a_cut_off_a_keyframe_is_refused(tmp_path):
    from scenes.publishing.clips import cut_video

    src, _ = _drifting_video(tmp_path / "chapter.mp4", segments=2, length=12)
    with pytest.raises(ValueError, match="not a keyframe"):
        cut_video(src, tmp_path / "x.mp4", 2 / 15, 10 / 15)


# ---- clips of a real voiced render ----------------------------------------------------------
def test_clips_start_on_a_keyframe_with_every_frame_and_the_voice_in_step(small_trace_file, tmp_path):
    """MP4 and transparent WebM clips of every beat: the first packet a keyframe at time 0, as
    many frames as the beat has, and each phrase's tone heard within one frame of its time."""
    import json

    from scenes.publishing.clips import render_clips

    chapter = find("HowWrongWasIt")
    voice = _voices([chapter], small_trace_file, tmp_path / "voices")
    settings = render_settings(small_trace_file, quality="tiny", voice=voice)
    out = tmp_path / "clips"
    clips = render_clips([chapter], settings, media_dir=tmp_path / "m", out_dir=out, jobs=1, webm=True)
    fps = frame_rate("tiny")

    def beat_frames(kind):  # the frame at which each beat of that render starts, and the scene's end
        record = json.loads((out / ".nextword" / kind / f"{chapter.name}.json").read_text())
        return record, [round(t * fps) for t in [*record["beat_starts"], record["duration"]]]

    record, starts = beat_frames("nextword-chapters")
    _, alpha_starts = beat_frames("nextword-alpha")  # the transparent render: its own frames
    assert len(clips) == len(record["beats"]) > 1
    for k, clip in enumerate(clips):
        for path, at in ((clip.video, starts), (clip.webm, alpha_starts)):
            key, pts = _first_packet(path)
            assert key and pts == 0.0, (path.name, key, pts)
            assert _frames(path) == at[k + 1] - at[k], path.name
        sound = decoded_sound(clip.video)
        begin = starts[k] / fps
        for line in record["lines"]:
            if starts[k] <= round(line["start"] * fps) < starts[k + 1]:
                heard = _onset(sound, line["start"] - begin)
                assert heard == pytest.approx(line["start"] - begin, abs=IN_STEP), line["id"]


# ---- a joined voiced lesson ------------------------------------------------------------------
def test_joined_voiced_chapters_keep_markers_subtitles_and_voice_together(small_trace_file, tmp_path):
    """Three voiced chapters: each chapter's sound exactly as long as its picture (AAC priming and
    padding included); in the lesson every chapter starts at its marker, and each subtitle cue's
    tone is heard within one frame of the cue."""
    from scenes.publishing.lesson import render_lesson

    chapters = LESSON[:3]
    voice = _voices(chapters, small_trace_file, tmp_path / "voices")
    settings = render_settings(small_trace_file, quality="tiny", voice=voice)
    out = tmp_path / "lesson"
    result = render_lesson(chapters, settings, out_dir=out, media_dir=tmp_path / "m", jobs=2)
    fps = frame_rate("tiny")
    offsets, at = [], 0
    for _, clip, _ in result.chapters:
        frames = frame_grid(clip).count
        assert len(decoded_sound(clip)) == frames * RATE // fps  # sound and picture end together
        offsets.append(at / fps)
        at += frames
    assert frame_grid(result.video).count == at
    sound = decoded_sound(result.video)
    assert len(sound) == at * RATE // fps
    with av.open(str(result.video)) as c:
        markers = [float(m["start"] * m["time_base"]) for m in c.chapters()]
    assert markers == pytest.approx(offsets, abs=1 / fps)
    cues = read_srt(out / "lesson.srt")
    quiet = np.abs(sound[:, 0]) < 0.01
    before = [quiet[max(0, int((c.start - 0.1) * RATE)) : max(0, int((c.start - 0.03) * RATE))] for c in cues]
    starts = [c for c, q in zip(cues, before) if q.all()]
    assert len(starts) >= 6  # the cues a phrase starts with: silence before them
    for cue in starts:
        assert _onset(sound, cue.start - 0.05) == pytest.approx(cue.start, abs=IN_STEP), cue.text
