"""A chapter's sound track: the narration clips placed at their lines' start times, at the
loudness broadcasters measure (ITU-R BS.1770 integrated loudness, with pyloudnorm), muxed
beside the video as AAC-LC, 48 kHz, stereo (YouTube's recommendation).

The track is as long as the video to the sample, so chapters join without drift.
"""

from __future__ import annotations

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


def video_duration(path: Path) -> float:
    """Seconds of the video stream of a media file."""
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(c.duration / av.time_base)


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
    """`video` (its video stream copied, not re-encoded) with `track` as its sound: AAC-LC,
    48 kHz, stereo (the mono narration on both channels), written whole or not at all, in the
    lesson's MP4 form (fast start, no edit list).

    Without an edit list a player plays the encoder's priming samples first, so the track is
    encoded from AAC_PRIMING samples in: every sound then plays at its own time, and the sound
    track is exactly as long as `track` (chapters join without drift)."""
    from scenes.rendering.formats import MP4_OPTIONS

    sound = np.asarray(track, dtype=np.float32)[AAC_PRIMING:]
    stereo = np.ascontiguousarray(np.repeat(sound[None, :], 2, axis=0))  # (2, n) planar
    with (
        atomic_path(dest) as tmp,
        av.open(str(video)) as src,
        av.open(str(tmp), "w", format="mp4", options=MP4_OPTIONS) as out,
    ):
        vin = src.streams.video[0]
        vout = out.add_stream_from_template(vin)
        aout = out.add_stream("aac", rate=RATE, layout="stereo")
        aout.bit_rate = AAC_BIT_RATE
        for packet in src.demux(vin):
            if packet.dts is None:
                continue
            packet.stream = vout
            out.mux(packet)
        step = 1024  # AAC's frame size
        for at in range(0, stereo.shape[1], step):
            frame = av.AudioFrame.from_ndarray(stereo[:, at : at + step], format="fltp", layout="stereo")
            frame.sample_rate, frame.pts, frame.time_base = RATE, at, Fraction(1, RATE)
            for packet in aout.encode(frame):
                out.mux(packet)
        for packet in aout.encode(None):
            out.mux(packet)
    return dest


def decoded_sound(path: Path) -> np.ndarray:
    """(n, 2) float samples of a file's sound track as a player hears it, from time 0."""
    with av.open(str(path)) as c:
        frames = [f.to_ndarray() for f in c.decode(c.streams.audio[0])]
    return np.concatenate(frames, axis=1).T.astype(np.float64) if frames else np.zeros((0, 2))
