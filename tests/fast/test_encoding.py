"""The same frames make the same video file, every time: x264 is given settings under which its
output depends only on its input (on a CPU with AVX-512, x264 otherwise reads memory it never
wrote, and one encode in three came out different)."""

from __future__ import annotations

import hashlib
import io

import av
import numpy as np

from scenes.rendering.formats import encoder_options


def _frames() -> list[np.ndarray]:
    """Eight 144×256 frames (a narrow test-size 9:16 picture) with shapes that move."""
    frames = []
    for n in range(8):
        img = np.full((256, 144, 3), 20, dtype=np.uint8)
        img[40:60, 10 + 3 * n:100 + 3 * n] = (200, 180, 90)
        img[100:104, 20:130] = 230
        img[150 + n:170 + n, 60:70] = (90, 160, 220)
        frames.append(img)
    return frames


def _encode(frames: list[np.ndarray], options: dict) -> str:
    """The MD5 of the H.264 packets the frames encode to with `options`."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=10, options=options)
        stream.width, stream.height, stream.pix_fmt = 144, 256, "yuv420p"
        for k, img in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = k
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buffer.seek(0)
    with av.open(buffer) as video:
        return hashlib.md5(b"".join(bytes(p) for p in video.demux(video=0))).hexdigest()


def test_the_same_frames_encode_to_the_same_video_whatever_the_memory_held():
    frames, options = _frames(), encoder_options("tiny")
    rng = np.random.default_rng(0)
    made = set()
    for _ in range(8):
        # Memory that held other things before each encode (as it does mid-render).
        sizes = rng.integers(1_000, 400_000, size=50)
        junk = [rng.integers(0, 255, size=int(n), dtype=np.uint8) for n in sizes]
        del junk
        made.add(_encode(frames, options))
    assert len(made) == 1, f"{len(made)} different videos from the same frames"
