"""Quality presets and aspect ratios (plain data, no manim import)."""

from __future__ import annotations

import platform
from functools import lru_cache
from pathlib import Path

# name -> (short side in pixels, frames per second)
QUALITIES = {
    "preview": (480, 15),
    "720p30": (720, 30),
    "1080p30": (1080, 30),
    "1080p60": (1080, 60),
    "2160p60": (2160, 60),
}
DEFAULT_QUALITY = "1080p60"
# Not offered by the CLI: for tests that render real frames quickly.
TEST_QUALITIES = {"tiny": (144, 10)}

# name -> (width, height) proportions
ASPECTS = {"16:9": (16, 9), "9:16": (9, 16), "1:1": (1, 1)}
DEFAULT_ASPECT = "16:9"

# The frame's short side in Manim units; the long side follows the aspect. Text sizes are
# in these units, so text takes the same share of a 16:9 or 9:16 frame's short side. A
# square frame is a little larger (10 units): 8 units across would leave two panels side
# by side no room, so its text is drawn at 80% of its share there.
FRAME_SHORT_SIDE = 8.0
SQUARE_SIDE = 10.0


def frame_rate(quality: str) -> int:
    """Frames per second of a quality preset (the test preset included)."""
    return {**QUALITIES, **TEST_QUALITIES}[quality][1]


def _even(x: float) -> int:
    return int(round(x / 2.0)) * 2  # H.264 with yuv420p needs even sizes


def pixel_size(quality: str, aspect: str) -> tuple[int, int]:
    short, _ = {**QUALITIES, **TEST_QUALITIES}[quality]
    w, h = ASPECTS[aspect]
    if w >= h:
        return _even(short * w / h), short
    return short, _even(short * h / w)


def frame_size(aspect: str) -> tuple[float, float]:
    w, h = ASPECTS[aspect]
    if w == h:
        return SQUARE_SIDE, SQUARE_SIDE
    if w >= h:
        return FRAME_SHORT_SIDE * w / h, FRAME_SHORT_SIDE
    return FRAME_SHORT_SIDE, FRAME_SHORT_SIDE * h / w


def quality_of(width: int, height: int, fps: float) -> str | None:
    """The quality preset (the test preset included) whose frames are `width` x `height` pixels
    in some aspect at `fps` frames per second; None if none is."""
    for quality in (*QUALITIES, *TEST_QUALITIES):
        if frame_rate(quality) == fps and any(pixel_size(quality, a) == (width, height) for a in ASPECTS):
            return quality
    return None


def encoder_options(quality: str) -> dict[str, str]:
    """x264 settings for YouTube-ready video: high quality (crf 18), a keyframe every half
    second (g = fps/2), two B-frames. The preview trades size for speed.

    Every animation is encoded on its own (manim's segments), so every animation, and with it
    every beat, starts on a keyframe (an IDR frame): clips are cut there by stream copy."""
    fps = frame_rate(quality)
    return {
        "crf": "18",
        "g": str(max(1, fps // 2)),
        "bf": "2",
        "preset": "veryfast" if quality in ("preview", *TEST_QUALITIES) else "medium",
        "profile": "high",
        **x264_cpu_options(),
    }


@lru_cache(maxsize=None)
def x264_cpu_options() -> dict[str, str]:
    """x264 settings for this machine's CPU: on one with AVX-512, x264's instructions capped at
    AVX2 ({"x264-params": "asm=AVX2"}); elsewhere none ({}).

    With AVX-512, x264 (core 165, as PyAV bundles it) reads memory it never wrote: the same
    frames encoded twice in one process, with other allocations between, gave four different
    videos out of twelve (pixels up to 4 levels apart, e.g. a 144-pixel-wide frame); with x264
    capped at AVX2, or without macroblock-tree rate control, all twelve were the same, and a
    1080p encode was as fast and as large. Frames and their files are then the same on every run of a render.
    Read from /proc/cpuinfo (Linux on x86-64); elsewhere nothing is changed."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {}
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return {"x264-params": "asm=AVX2"} if " avx512f" in flags else {}


def transparent_settings() -> dict:
    """manim settings for a transparent background: VP9 with alpha in WebM, tuned for speed
    (libvpx is slow at its defaults)."""
    return {
        "transparent": True,
        "format": "webm",
        "video_encoder_options": {"crf": "32", "b": "0", "deadline": "realtime", "cpu-used": "8",
                                  "row-mt": "1"},
    }


def manim_settings(quality: str, aspect: str) -> dict:
    """The manim config keys that give this quality and aspect."""
    pw, ph = pixel_size(quality, aspect)
    fw, fh = frame_size(aspect)
    return {
        "pixel_width": pw,
        "pixel_height": ph,
        "frame_rate": frame_rate(quality),
        "frame_width": fw,
        "frame_height": fh,
        "video_encoder_options": encoder_options(quality),
        # Overlap encoding with drawing: the next animation is drawn while the last is encoded.
        "max_inflight_encoders": 4,
    }


# The index (moov) first, so players and YouTube start before the whole file arrives; negative
# composition offsets instead of an edit list (B-frames), so the duration is exact everywhere.
MP4_OPTIONS = {"movflags": "+faststart+negative_cts_offsets", "use_editlist": "0"}
