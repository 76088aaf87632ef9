"""The same trace and settings render to the same video file, in any process: nothing drawn
depends on Python's per-process string hashing (a shape-matching transform ordered its pieces by
hashes of their points, so overlapping glyphs were drawn in a different order run to run)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RENDER = """
import sys
from pathlib import Path

import render
from scenes.lesson import find
from scenes.rendering.chapter import render_chapter

settings = render.render_settings(Path(sys.argv[1]), quality="tiny", reading_pace=10.0)
print(render_chapter(find("ThreeLayers"), settings, media_dir=Path(sys.argv[2])).video)
"""


def _render_in_a_new_process(trace_file: Path, media: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", RENDER, str(trace_file), str(media)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return Path(done.stdout.strip().splitlines()[-1]).read_bytes()


def test_a_chapter_renders_to_the_same_bytes_whatever_the_process(default_trace_file, tmp_path):
    """Chapter 3 (its formulas rewritten as the layers compute), drawn by two processes whose
    string hashes differ."""
    first = _render_in_a_new_process(default_trace_file, tmp_path / "one", "1")
    second = _render_in_a_new_process(default_trace_file, tmp_path / "two", "2")
    assert hashlib.md5(first).hexdigest() == hashlib.md5(second).hexdigest()
