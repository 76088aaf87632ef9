"""How fast nextword renders, measured (a benchmark, not a test: it prints figures).

    ./nextword bench                       # the whole lesson (long: tens of minutes on 2 cores)
    ./nextword bench --chapters 2          # the first two chapters only (a few minutes)
    .venv/bin/python benchmarks/render_speed.py --help

For each quality (preview and 1080p60 by default) it renders the lesson cold with the
default number of jobs and prints: frames rendered per second, render time over video
duration, the encoding floor (PyAV/x264 encoding the same number of real frames of the
lesson at the same settings, measured here in the same run) and the render's ratio to
it. Then: the speed-up of --jobs 2 over --jobs 1 (preview), the time of a re-run with
nothing changed, and how the render time follows the video's length, not the epochs
trained (chapter 6 rendered from runs of two lengths). Then the voice: seconds of speech
the bundled Piper voice makes per second of synthesis, and what speaking adds to a cold
render (--voice-quality, default 1080p60; the lessons above are silent).

Targets on a 2-core machine (the motion issues): preview at least 4x faster than it plays;
1080p60 within 1.0x of its encoding floor; --jobs 2 at least 1.3x over --jobs 1; a re-run with nothing
changed under 5% of a cold render.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from model import TrainConfig
from model.cache import cached_trace
from render import render_settings
from scenes.kit.voice import Voice
from scenes.lesson import LESSON, find
from scenes.publishing.lesson import render_lesson
from scenes.publishing.workers import default_jobs
from scenes.rendering.formats import encoder_options, frame_rate, pixel_size


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def render(chapters, trace_path, quality, jobs, out_dir, media_dir, voice=Voice(), speech_dir=None):
    settings = render_settings(trace_path, quality=quality, voice=voice)
    if speech_dir is not None:
        settings = settings.replace(speech_dir=speech_dir)
    with open(os.devnull, "w") as quiet:
        return timed(
            lambda: render_lesson(
                chapters, settings, out_dir=out_dir, media_dir=media_dir, jobs=jobs, progress_stream=quiet
            )
        )


def speech_speed(chapters, trace_path, speech_dir: Path) -> tuple[int, float, float]:
    """Every line of the chapters spoken by the default voice into an empty speech cache:
    (lines, seconds of speech, seconds of synthesis)."""
    from scenes.rendering.chapter import render_chapter

    settings = render_settings(trace_path, voice=Voice(engine="piper")).replace(speech_dir=speech_dir)
    made = [render_chapter(c, settings, media_dir=speech_dir / "m", dry_run=True).synthesis for c in chapters]
    lines, speech, busy = (sum(column) for column in zip(*made))
    return lines, speech, busy


def sample_frames(video: Path, count: int) -> list[np.ndarray]:
    """`count` real frames spread over the lesson, as the RGBA arrays manim hands its encoder."""
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        total = stream.frames or int(float(stream.duration * stream.time_base) * float(stream.average_rate))
        wanted = set(np.linspace(0, max(total - 1, 0), count).astype(int).tolist())
        frames = []
        for i, frame in enumerate(c.decode(stream)):
            if i in wanted:
                frames.append(frame.to_ndarray(format="rgba"))
            if len(frames) == len(wanted):
                break
    return frames


def encoding_floor(frames: list[np.ndarray], n_frames: int, quality: str) -> float:
    """Seconds PyAV/x264 takes to encode n_frames (cycling through the real frames) at the lesson's
    settings."""
    fps = frame_rate(quality)
    width, height = pixel_size(quality, "16:9")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        with av.open(str(Path(tmp) / "floor.mp4"), "w") as out:
            stream = out.add_stream("libx264", rate=Fraction(fps), options=encoder_options(quality))
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            # Hold each sampled frame as the lesson holds its pictures, so x264 sees similar motion.
            hold = max(1, n_frames // len(frames))
            for i in range(n_frames):
                frame = av.VideoFrame.from_ndarray(frames[min(i // hold, len(frames) - 1)], format="rgba")
                for packet in stream.encode(frame):
                    out.mux(packet)
            for packet in stream.encode():
                out.mux(packet)
        return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--chapters", type=int, default=len(LESSON), help="render the first N chapters (default all)"
    )
    parser.add_argument("--qualities", default="preview,1080p60")
    parser.add_argument("--skip-jobs", action="store_true", help="skip the --jobs 1 render")
    parser.add_argument("--skip-epochs", action="store_true", help="skip the render-time-vs-epochs check")
    parser.add_argument(
        "--voice-quality",
        default="1080p60",
        help="the quality at which the voice's cost is measured ('' to skip)",
    )
    args = parser.parse_args(argv)
    chapters = LESSON[: args.chapters]
    _, trace_path = cached_trace(TrainConfig())
    jobs = default_jobs()
    print(
        f"nextword render benchmark: {len(chapters)} chapters, default trace, {jobs} jobs, "
        f"{len(os.sched_getaffinity(0))} cores"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold = {}
        for quality in args.qualities.split(","):
            fps = frame_rate(quality)
            result, seconds = render(chapters, trace_path, quality, jobs, tmp / quality, tmp / f"m-{quality}")
            duration = sum(d for _, _, d in result.chapters)
            frames = int(round(duration * fps))
            floor = encoding_floor(sample_frames(result.video, 48), frames, quality)
            cold[quality] = (seconds, duration)
            rows.append((quality, duration, frames, seconds, floor))
            print(f"\n{quality}: {duration:.1f} s of video, {frames} frames")
            print(
                f"  cold render ({jobs} jobs)   {seconds:7.1f} s   {frames / seconds:6.1f} frames/s   "
                f"render/video {seconds / duration:.2f}  ({duration / seconds:.2f}x faster than it plays)"
            )
            print(
                f"  encoding floor (x264)    {floor:7.1f} s   {frames / floor:6.1f} frames/s   "
                f"render/floor {seconds / floor:.2f}"
            )
            _, again = render(chapters, trace_path, quality, jobs, tmp / quality, tmp / f"m-{quality}")
            print(
                f"  re-run, nothing changed  {again:7.1f} s   {100 * again / seconds:.1f}% of the cold render"
            )
        if args.voice_quality:
            lines, speech, busy = speech_speed(chapters, trace_path, tmp / "speech-alone")
            print(
                f"\nspeech (Piper, bundled voice): {lines} lines, {speech:.1f} s of speech synthesised in "
                f"{busy:.1f} s: {speech / busy:.1f} s of speech per second of synthesis"
            )
            quality = args.voice_quality
            result, voiced = render(
                chapters,
                trace_path,
                quality,
                jobs,
                tmp / f"voiced-{quality}",
                tmp / f"m-voiced-{quality}",
                voice=Voice(engine="piper"),
                speech_dir=tmp / "speech-voiced",
            )
            duration = sum(d for _, _, d in result.chapters)
            print(
                f"{quality} cold, voiced (speech made in the same run): {voiced:.1f} s "
                f"for {duration:.1f} s of video ({voiced / duration:.2f} s per second of video)"
            )
            if quality in cold:
                silent, silent_duration = cold[quality]
                print(
                    f"  silent: {silent:.1f} s for {silent_duration:.1f} s of video "
                    f"({silent / silent_duration:.2f} s per second); the voice adds "
                    f"{voiced / duration - silent / silent_duration:+.2f} s per second of video "
                    f"({100 * (voiced / duration) / (silent / silent_duration) - 100:+.0f}%)"
                )
        if not args.skip_jobs and "preview" in cold:
            _, one = render(chapters, trace_path, "preview", 1, tmp / "jobs1", tmp / "m-jobs1")
            print(
                f"\npreview --jobs 1: {one:.1f} s; --jobs {jobs}: {cold['preview'][0]:.1f} s; "
                f"speed-up {one / cold['preview'][0]:.2f}x"
            )
        if not args.skip_epochs:
            print("\nrender time against epochs trained (chapter 6, preview, 1 job):")
            for epochs in (30, 120):
                _, path = cached_trace(TrainConfig(epochs=epochs))
                result, seconds = render(
                    [find("WatchItLearn")], path, "preview", 1, tmp / f"e{epochs}", tmp / f"m-e{epochs}"
                )
                duration = result.chapters[0][2]
                print(
                    f"  {epochs:4d} epochs: {duration:5.1f} s of video in {seconds:5.1f} s "
                    f"({seconds / duration:.2f} s per second of video)"
                )


if __name__ == "__main__":
    main()
