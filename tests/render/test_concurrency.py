"""Two commands at once from the same folder never break each other: each run keeps manim's
working files (texts, SVGs, partial movies) in a private folder removed at its end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_stills_commands_started_together_both_finish(small_trace_file, tmp_path):
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "render.py"),
                "stills",
                name,
                "--trace",
                str(small_trace_file),
                "--quality",
                "preview",
                "--out",
                str(tmp_path / name),
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("HowWrongWasIt", "HowWrongWasIt", "ThreeLayers")
    ]
    for run in runs:
        out, err = run.communicate(timeout=600)
        assert run.returncode == 0, err[-2000:]
    assert len(list((tmp_path / "HowWrongWasIt").glob("*.png"))) >= 4
    assert len(list((tmp_path / "ThreeLayers").glob("*.png"))) >= 4
    assert not (tmp_path / "media").exists()  # no working files left where the commands ran
