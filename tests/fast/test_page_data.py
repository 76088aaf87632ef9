"""The interactive page's data: small enough to embed, and no user text can end its script."""

from __future__ import annotations

import json

from render import render_settings
from scenes.publishing.page import _script_json, page_data, page_html


def test_the_default_runs_page_with_its_data_is_under_1_mb(default_trace_file):
    settings = render_settings(default_trace_file)
    runs = {name: settings.load_comparison(name) for name, _ in settings.comparisons}
    data = page_data(title=settings.lesson_title, video="lesson.mp4", trace=settings.load_trace(),
                     comparisons=runs, chapters=[], cues=[], lines=[], beat_starts={})
    assert set(data["runs"]) == {"main", "too small", "too large", "context 1"}
    assert data["runs"]["too small"]["label"] == "learning rate too small"  # as chapter 8 calls it
    assert data["runs"]["too large"]["label"] == "learning rate too large"
    assert len(page_html(data).encode("utf-8")) < 1_000_000


def test_a_blown_up_runs_page_calls_the_smaller_rate_smaller(tmp_path):
    from model import TrainConfig, save_trace, train

    path = save_trace(train(TrainConfig(lr=100.0, epochs=20)), tmp_path / "lr100.npz")
    settings = render_settings(path)
    runs = {name: settings.load_comparison(name) for name, _ in settings.comparisons}
    data = page_data(title="t", video="lesson.mp4", trace=settings.load_trace(),
                     comparisons=runs, chapters=[], cues=[], lines=[], beat_starts={})
    assert set(data["runs"]) == {"main", "too small", "context 1"}  # nothing larger than 100 to try
    assert data["runs"]["too small"]["label"] == "smaller learning rate"  # 10 jumps around: not "too small"


def test_user_text_cannot_end_the_data_script():
    hostile = {"title": '</script><script>alert(1)</script> & "x"'}
    embedded = _script_json(hostile)
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert json.loads(embedded) == hostile


def test_the_page_command_needs_a_rendered_lesson(tmp_path, default_trace_file):
    from click.testing import CliRunner

    import render

    out = tmp_path / "empty"
    out.mkdir()
    result = CliRunner().invoke(render.cli, ["page", "--trace", str(default_trace_file), "--out", str(out)])
    assert result.exit_code == 2 and "holds no finished lesson" in result.output
    assert list(out.iterdir()) == []
