"""A chapter's sound track: the narration clips placed at their lines' start times, at the
loudness broadcasters measure (ITU-R BS.1770 integrated loudness, with pyloudnorm), muxed
beside the video as AAC-LC, 48 kHz, stereo (YouTube's recommendation).

The track is as long as the video to the sample, so chapters join without drift.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from scenes.files import atomic_path

RATE = 48_000  # Hz: what YouTube and AAC in MP4 expect
TARGET_LUFS = -16.0  # integrated loudness of speech for online video (YouTube, podcasts)
PEAK_DBFS = -1.0  # no sample above this
LIMIT_DBFS = -1.5  # the limiter's ceiling: AAC's rounding keeps decoded peaks under PEAK_DBFS
AAC_BIT_RATE = 192_000  # bits per second, stereo (YouTube asks for at least 128 kb/s)
AAC_FRAME = 1024  # samples in one AAC frame
AAC_PRIMING = 1024  # samples of silence FFmpeg's AAC encoder puts first (played: no edit list)
# BS.1770 adds the channels' powers: mono speech on both channels measures 3.01 dB louder than
# the mono clip. Clips are made this loud, so the stereo lesson measures TARGET_LUFS.
MONO_TARGET_LUFS = TARGET_LUFS - 10 * np.log10(2)


def integrated_loudness(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4, gated) of mono (n,) or multichannel (n, ch)
    samples in [-1, 1]. -inf for silence; clips under 0.4 s are measured as one block."""
    import pyloudnorm

    x = np.asarray(samples, dtype=np.float64)
    block = 0.4
    if len(x) < int(block * rate):  # BS.1770 gates 400 ms blocks: pad a short clip with itself
        reps = int(np.ceil(block * rate / max(len(x), 1)))
        x = np.concatenate([x] * reps)
    return float(pyloudnorm.Meter(rate, block_size=block).integrated_loudness(x))


def limit(samples: np.ndarray, ceiling_dbfs: float = LIMIT_DBFS, rate: int = RATE) -> np.ndarray:
    """A peak limiter: a smooth gain (5 ms attack, 50 ms release) that keeps every sample at or
    under `ceiling_dbfs`, leaving quieter passages untouched. (n,) float samples in, same out."""
    x = np.asarray(samples, dtype=np.float64)
    ceiling = 10 ** (ceiling_dbfs / 20)
    peak = np.abs(x)
    if len(x) == 0 or peak.max() <= ceiling:
        return x.astype(np.float32)
    need = np.minimum(1.0, ceiling / np.maximum(peak, 1e-12))  # the gain each sample needs
    attack, release = max(1, int(0.005 * rate)), max(1, int(0.050 * rate))
    # Hold the lowest gain over the attack window ahead and the release window behind, then smooth
    # it over the attack window (edges padded with their own values, so the ends are untouched).
    padded = np.pad(need, (release, attack), constant_values=1.0)
    held = np.lib.stride_tricks.sliding_window_view(padded, attack + release + 1).min(axis=1)
    edges = np.pad(held, (attack // 2, attack - 1 - attack // 2), mode="edge")
    smooth = np.convolve(edges, np.ones(attack) / attack, mode="valid")
    gain = np.minimum(smooth, held)
    return np.clip(x * gain, -ceiling, ceiling).astype(np.float32)


def to_loudness(samples: np.ndarray, target_lufs: float = MONO_TARGET_LUFS) -> np.ndarray:
    """The mono clip at `target_lufs` integrated loudness (within 0.1 LU), peaks limited under
    LIMIT_DBFS. Limiting lowers the loudness a little, so gain and limit are applied in turns."""
    x = np.asarray(samples, dtype=np.float64)
    for _ in range(4):
        loudness = integrated_loudness(x)
        if not np.isfinite(loudness) or abs(loudness - target_lufs) < 0.1:
            break
        x = limit(x * 10 ** ((target_lufs - loudness) / 20)).astype(np.float64)
    return limit(x)


def stream_fps(stream) -> Fraction:
    """Frames per second of a video stream (exact, from the container's nominal rate).
    Raises ValueError if the container does not say."""
    rate = stream.base_rate or stream.guessed_rate or stream.average_rate
    if not rate:
        raise ValueError(f"no frame rate for stream {stream.index}")
    return Fraction(rate)


def video_duration(path: Path) -> float:
    """Seconds of the video stream of a media file: its frames over its frame rate when the
    container counts them (exact, whatever rounding its timestamps carry), else its duration."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        if stream.frames:
            with contextlib.suppress(ValueError):
                return float(stream.frames / stream_fps(stream))
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(c.duration / av.time_base)


@dataclass(frozen=True)
class FrameGrid:
    """Where each packet of a video stream belongs on the exact frame grid.

    Manim joins its segments with timestamps that drift from k / fps by a few ticks at every
    joint (and by up to half a millisecond per frame in WebM), so a cut at a beat's time may
    miss its keyframe. Counting frames in presentation order gives each packet its frame
    index, whatever its timestamp: `ranks[i]` is the frame shown by the i-th packet in file
    (decoding) order, `keys[i]` whether that packet is a keyframe, `delay` how many frames
    decoding runs ahead of presentation (B-frames)."""

    fps: Fraction
    time_base: Fraction
    ranks: tuple[int, ...]
    keys: tuple[bool, ...]
    delay: int

    @property
    def count(self) -> int:
        """Frames in the stream."""
        return len(self.ranks)

    def ticks(self, frame: int) -> int:
        """The timestamp (in time_base units) of frame number `frame` (may be negative)."""
        return int(round(Fraction(frame) / self.fps / self.time_base))


def frame_grid(path: Path | io.BytesIO) -> FrameGrid:
    """The frame grid of the first video stream of `path` (a file, or a file in memory; one
    pass over its packets). Raises ValueError for a stream without a frame rate."""
    with av.open(path if isinstance(path, io.IOBase) else str(path)) as c:
        stream = c.streams.video[0]
        fps = stream_fps(stream)
        pts, keys = [], []
        for packet in c.demux(stream):
            if packet.dts is None and packet.pts is None:
                continue  # the demuxer's flush packet
            pts.append(packet.pts if packet.pts is not None else packet.dts)
            keys.append(bool(packet.is_keyframe))
        order = sorted(range(len(pts)), key=lambda i: (pts[i], i))
        ranks = [0] * len(pts)
        for rank, i in enumerate(order):
            ranks[i] = rank
        delay = max([i - r for i, r in enumerate(ranks)] + [0])
        return FrameGrid(fps, Fraction(stream.time_base), tuple(ranks), tuple(keys), delay)


def grid_packets(container, stream, grid: FrameGrid, first: int = 0, last: int | None = None,
                 at: int = 0, delay: int | None = None):
    """Yield the packets of frames `first` to `last` (exclusive; None: to the end) of `stream`
    (in `container`, whose grid is `grid`) in file order, restamped on the exact frame grid:
    frame `first` shown at frame `at`. `delay` (frames; at least the cut's own, which is the
    default) sets how far decoding timestamps run ahead, so joined parts can share one."""
    last = grid.count if last is None else last
    chosen = [r for r in grid.ranks if first <= r < last]
    own = max([j - (r - first) for j, r in enumerate(chosen)] + [0])
    delay = own if delay is None else max(delay, own)
    i = j = 0
    for packet in container.demux(stream):
        if packet.dts is None and packet.pts is None:
            continue
        rank = grid.ranks[i]
        i += 1
        if not first <= rank < last:
            continue
        packet.pts = grid.ticks(at + rank - first)
        packet.dts = grid.ticks(at + j - delay)
        packet.duration = grid.ticks(1)
        j += 1
        yield packet
        if j == len(chosen):
            break  # the rest of the file is not needed


def interleaved(*streams):
    """The packets of several time-ordered packet iterators merged by decoding time (so a
    player streaming the file finds picture and sound side by side)."""
    import heapq

    return heapq.merge(*streams, key=lambda packet: packet.dts * packet.time_base)


def sound_padding(frames: int, fps: Fraction) -> int:
    """Frames to add after `frames` frames so that the picture lasts a whole number of AAC
    frames (1024 samples at RATE): 0 to 31 at the usual rates (16 frames make 1024 x 25 samples
    at 15 or 30 fps, 32 at 60). A sound track that long ends exactly with the picture, AAC's
    priming included, so chapters joined end to end stay in step. Raises ValueError for a
    frame rate that never lines up within 1024 frames."""
    for pad in range(1024):
        samples = Fraction(frames + pad) * RATE / Fraction(fps)
        if samples.denominator == 1 and samples.numerator % AAC_FRAME == 0:
            return pad
    raise ValueError(f"{fps} frames/s never lines up with AAC frames")


def still_padding(video: Path, frames: int) -> tuple[list, int]:
    """`frames` more frames of `video`'s last picture, encoded as its own segment (an IDR frame
    first) with the settings the chapter was encoded with (its quality preset's, else x264's
    defaults: whichever gives the same parameter sets), so they join it by stream copy:
    (their (frame index from 0, packet) in file order, their decoding delay in frames).
    Raises ValueError for a video that is not H.264 or whose settings are neither."""
    from scenes.rendering.formats import encoder_options, quality_of

    if frames <= 0:
        return [], 0
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        fps, extradata = stream_fps(stream), bytes(stream.codec_context.extradata or b"")
        width, height = stream.codec_context.width, stream.codec_context.height
        codec = stream.codec_context.name
        c.seek(max(0, int(stream.duration or 0) - 1), stream=stream, backward=True)
        picture = None
        for picture in c.decode(stream):
            pass
    if codec != "h264" or picture is None:
        raise ValueError(f"cannot pad {video.name}: not an H.264 video")
    picture = picture.reformat(format="yuv420p")
    quality = quality_of(width, height, fps)
    for options in ([encoder_options(quality)] if quality else []) + [{}]:
        buffer = io.BytesIO()
        with av.open(buffer, "w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=fps, options=options)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for k in range(frames):
                picture.pts, picture.time_base = k, 1 / fps
                for packet in stream.encode(picture):
                    out.mux(packet)
            for packet in stream.encode(None):
                out.mux(packet)
        buffer.seek(0)
        grid = frame_grid(buffer)
        buffer.seek(0)
        with av.open(buffer) as c:
            if bytes(c.streams.video[0].codec_context.extradata or b"") != extradata:
                continue  # other settings: its frames would not decode as part of the video
            packets = [p for p in c.demux(c.streams.video[0]) if p.dts is not None or p.pts is not None]
            return list(zip(grid.ranks, packets)), grid.delay
    raise ValueError(f"cannot pad {video.name}: its encoder settings are not known")


def sound_stream(out):
    """A new AAC-LC stream (RATE, stereo, AAC_BIT_RATE) in the open container `out` (before
    anything is muxed into it)."""
    stream = out.add_stream("aac", rate=RATE, layout="stereo")
    stream.bit_rate = AAC_BIT_RATE
    return stream


def encode_sound(stream, track: np.ndarray):
    """Yield the packets of `track` ((n,) mono, or (n, 2)) encoded by `stream` (sound_stream),
    restamped from 0 in 1/RATE units.

    Without an edit list a player plays the encoder's priming samples first, so the track is
    encoded from AAC_PRIMING samples in: every sound then plays at its own time. With n a
    multiple of 1024, what a player decodes is exactly n samples long."""
    samples = np.asarray(track, dtype=np.float32)
    stereo = samples.T if samples.ndim == 2 else np.repeat(samples[None, :], 2, axis=0)
    stereo = np.ascontiguousarray(stereo[:, AAC_PRIMING:])  # (2, n) planar
    made = 0

    def restamped(packets):
        nonlocal made
        for packet in packets:
            packet.pts = packet.dts = made
            packet.time_base, packet.duration = Fraction(1, RATE), AAC_FRAME
            made += AAC_FRAME
            yield packet

    for at in range(0, stereo.shape[1], AAC_FRAME):
        frame = av.AudioFrame.from_ndarray(stereo[:, at : at + AAC_FRAME], format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = RATE, at, Fraction(1, RATE)
        yield from restamped(stream.encode(frame))
    yield from restamped(stream.encode(None))


def narration_track(clips: list[tuple[float, np.ndarray]], seconds: float) -> np.ndarray:
    """(n,) mono samples `seconds` long at RATE with each (start in seconds, samples) clip placed
    at its start (a clip that would run past the end is cut there)."""
    track = np.zeros(int(round(seconds * RATE)), dtype=np.float32)
    for start, samples in clips:
        at = int(round(start * RATE))
        piece = samples[: max(0, len(track) - at)]
        track[at : at + len(piece)] += piece
    return track


def mux_narration(video: Path, track: np.ndarray, dest: Path) -> Path:
    """`video` (its video stream copied, not re-encoded, restamped on the exact frame grid) with
    `track` ((n,) mono samples at RATE from time 0) as its sound: AAC-LC, 48 kHz, stereo, written
    whole or not at all, in the lesson's MP4 form (fast start, no edit list).

    Picture and sound end together, to the sample: the picture is padded with copies of its
    last frame (sound_padding: under 32 frames) to a whole number of AAC frames, and the track
    is cut or padded with silence to that length (a track longer than the padded picture is
    cut). Chapters so made join end to end without drift. A video that cannot be padded (not
    H.264 from x264 at known settings) keeps its length, and its sound ends in the AAC frame
    after its last frame (under 1024 samples later)."""
    from scenes.rendering.formats import MP4_OPTIONS

    grid = frame_grid(video)
    try:
        extra, extra_delay = still_padding(video, sound_padding(grid.count, grid.fps))
    except ValueError:  # cannot pad (not our encoding): the sound ends in the AAC frame after the picture
        extra, extra_delay = [], 0
    samples = round(Fraction(grid.count + len(extra)) * RATE / grid.fps)
    if not extra:
        samples = -(-samples // AAC_FRAME) * AAC_FRAME
    sound = np.zeros(samples, dtype=np.float32)
    piece = np.asarray(track, dtype=np.float32)[:samples]
    sound[: len(piece)] = piece
    delay = max(grid.delay, extra_delay)
    with (
        atomic_path(dest) as tmp,
        av.open(str(video)) as src,
        av.open(str(tmp), "w", format="mp4", options=MP4_OPTIONS) as out,
    ):
        vin = src.streams.video[0]
        vout = out.add_stream_from_template(vin)
        aout = sound_stream(out)

        def picture():
            for packet in grid_packets(src, vin, grid, delay=delay):
                packet.stream = vout
                yield packet
            for k, (rank, packet) in enumerate(extra):  # after the last frame
                packet.pts = grid.ticks(grid.count + rank)
                packet.dts = grid.ticks(grid.count + k - delay)
                packet.duration = grid.ticks(1)
                packet.stream, packet.time_base = vout, grid.time_base
                yield packet

        for packet in interleaved(picture(), encode_sound(aout, sound)):
            out.mux(packet)
    return dest


def decoded_sound(path: Path) -> np.ndarray:
    """(n, 2) float samples of a file's sound track as a player hears it, from time 0."""
    with av.open(str(path)) as c:
        frames = [f.to_ndarray() for f in c.decode(c.streams.audio[0])]
    return np.concatenate(frames, axis=1).T.astype(np.float64) if frames else np.zeros((0, 2))
