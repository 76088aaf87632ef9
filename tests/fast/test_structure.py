"""The shape of the code: one direction of flow (model → trace → scenes → rendering →
publishing), chapter cache keys that follow from folders, and one way to write each number."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scenes.lesson import LESSON
from scenes.publishing.keys import code_digest

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_chapters_does_not_import_the_training_code():
    code = ("import sys, importlib; from scenes.lesson import LESSON\n"
            "for c in LESSON: importlib.import_module(c.module)\n"
            "import scenes.chapters.thumbnail, scenes.rendering.chapter\n"
            "assert 'manim' in sys.modules\n"
            "bad = [m for m in ('model.training', 'scenes.publishing') if m in sys.modules]\n"
            "assert not bad, bad\nprint('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def test_every_chapter_lives_in_the_chapters_folder():
    for chapter in LESSON:
        assert chapter.module.startswith("scenes.chapters."), chapter
        assert (ROOT / (chapter.module.replace(".", "/") + ".py")).is_file()


@pytest.fixture()
def project_copy(tmp_path):
    for package in ("model", "scenes"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _keys(root):
    code_digest.cache_clear()
    try:
        return {c.name: code_digest(c.module, root=root) for c in LESSON}
    finally:
        code_digest.cache_clear()


def _edit(path: Path):
    with open(path, "a", encoding="utf-8") as f:
        f.write("\n# an edit\n")


def test_editing_publishing_code_rekeys_no_chapter(project_copy):
    before = _keys(project_copy)
    for path in (project_copy / "scenes" / "publishing").glob("*.py"):
        _edit(path)
    assert _keys(project_copy) == before


def test_editing_one_chapter_rekeys_only_that_chapter(project_copy):
    before = _keys(project_copy)
    _edit(project_copy / "scenes" / "chapters" / "learning.py")
    after = _keys(project_copy)
    assert [name for name in before if before[name] != after[name]] == ["LearningFromTheMistake"]
    _edit(project_copy / "scenes" / "chapters" / "thumbnail.py")  # the thumbnail is no chapter of the lesson
    assert _keys(project_copy) == after


@pytest.mark.parametrize("shared", ["scenes/kit/text.py", "scenes/kit/base.py", "scenes/rendering/chapter.py",
                                    "model/network.py", "scenes/lesson.py"])
def test_editing_the_kit_rendering_or_model_rekeys_every_chapter(project_copy, shared):
    before = _keys(project_copy)
    _edit(project_copy / shared)
    after = _keys(project_copy)
    assert all(after[name] != before[name] for name in before)


def test_render_settings_travel_whole_to_a_worker(default_trace_file):
    from render import render_settings

    settings = render_settings(default_trace_file, quality="tiny", aspect="9:16", no_captions=True, title="T")
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert {name for name, _ in settings.comparisons} == {"too small", "too large", "context 1"}
    assert all(path.is_file() for _, path in settings.comparisons)  # resolved before any worker starts
    assert settings.fps == 10 and settings.pixel_size == (144, 256) and settings.lesson_title == "T"


def test_chapter_times_are_written_as_youtube_reads_them():
    from scenes.kit.formatting import clock
    from scenes.publishing.youtube import chapters_text, youtube_chapters

    assert [clock(t) for t in (0, 9.99, 65, 600, 3725)] == ["0:00", "0:09", "1:05", "10:00", "1:02:05"]
    marks = youtube_chapters([("A", 0.0), ("B", 30.0), ("C", 34.0), ("D", 60.0)], total=95.0)
    assert marks == [("A", 0.0), ("C", 34.0), ("D", 60.0)]  # B lasts 4 s: folded into A
    assert chapters_text(marks) == "0:00 A\n0:34 C\n1:00 D\n"
    assert youtube_chapters([("A", 0.0), ("B", 50.0), ("C", 52.0)], total=55.0) == []  # fewer than 3


def test_the_formatting_module_imports_no_manim():
    code = "import sys, scenes.kit.formatting, scenes.publishing.youtube; assert 'manim' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_numbers_are_written_one_way():
    from scenes.kit.formatting import count, learning_rate, percent, round_step

    assert [percent(p) for p in (0.2034, 0.996, 0.004, 1.0)] == ["20%", "99.6%", "0.4%", "100%"]
    # Only a certainty reads 100% or 0%; never more than five characters (a cell's width).
    assert [percent(p) for p in (0.99996, 0.00004, 0.0)] == ["99.9%", "0.1%", "0%"]
    assert (count(1234), learning_rate(0.01), learning_rate(5.0)) == ("1,234", "0.01", "5")
    assert [round_step(n, 6) for n in (5, 12, 60, 2000)] == [1, 2, 10, 500]


def test_the_code_is_formatted_to_the_projects_width():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.fail("ruff is not installed (it comes with `pip install -e '.[test]'`)")
    done = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


def test_the_readme_names_every_debian_package_the_first_run_installs():
    import re

    script = (ROOT / "nextword").read_text(encoding="utf-8")
    packages = re.search(r"^DEB_PACKAGES=\((.*?)\)", script, re.M).group(1).split()
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert packages and [p for p in packages if p not in readme] == []


def test_a_scaled_number_keeps_its_drawn_size_when_it_changes():
    from scenes.kit.text import GlyphNumber

    number = GlyphNumber("12%", 22)
    height = number.height
    number.scale(0.5).shift([1.0, 2.0, 0.0])
    number.set_text("38%")
    assert number.drawn_scale == pytest.approx(0.5)
    assert number.height == pytest.approx(height * 0.5, rel=0.05)  # not snapped back to full size
    fresh = GlyphNumber("38%", 22).scale(0.5)
    assert number.get_left()[0] == pytest.approx(fresh.get_left()[0] + 1.0, abs=0.05)
