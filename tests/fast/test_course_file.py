"""Course files: lessons, defaults, slugs and chapter selections read and checked before anything
is rendered; a bad file stops with one sentence naming the lesson and the key (exit 2), writing
nothing; a lesson that cannot be prepared fails alone, reported in course.json and index.html."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import render
from scenes.lesson import LESSON
from scenes.publishing import course as courses
from scenes.publishing.course import CourseFileError, load_course_file, one_sentence, slugify

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "course.toml"


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(content, encoding="utf-8")
    return path


def test_the_example_course_has_lessons_of_different_texts_and_shapes():
    course = load_course_file(EXAMPLE)
    assert course.title and course.out == EXAMPLE.parent / "../media/course"
    assert [lesson.slug for lesson in course.lessons] == [
        "cat-on-the-mat",
        "dog-in-the-park-vertical",
        "two-sentences-one-word-of-context",  # made from the title
    ]
    assert len({lesson.options["sentence"] for lesson in course.lessons}) == 3
    assert [lesson.options["aspect"] for lesson in course.lessons] == ["16:9", "9:16", "1:1"]
    assert all(lesson.options["voice_engine"] == "none" for lesson in course.lessons)  # the defaults
    assert course.lessons[2].options["context"] == 1 and course.lessons[2].options["epochs"] == 150
    assert course.lessons[0].options["epochs"] == 60
    assert course.lessons[2].chapters == ("PredictingTheNextWord", "WatchItLearn")
    assert course.lessons[0].chapters == ("PredictingTheNextWord", "ThreeLayers", "FromGuessingToKnowing")


def test_lessons_take_the_defaults_and_their_own_keys_win(tmp_path):
    course = load_course_file(
        write(
            tmp_path,
            'title = "Year 9"\nout = "rendered"\n'
            '[defaults]\nchapters = [6]\n[defaults.training]\nepochs = 12\nseed = 3\n'
            '[defaults.output]\nquality = "720p30"\ncaptions = false\n'
            '[defaults.voice]\nengine = "espeak"\n'
            '[[lesson]]\nslug = "a"\n'
            '[[lesson]]\nslug = "b"\nchapters = ["watchitlearn", 1, 1]\n[lesson.training]\nepochs = 30\n'
            '[lesson.voice]\ncommand = "say {text}"\n',
        )
    )
    a, b = course.lessons
    assert course.title == "Year 9" and course.out == tmp_path / "rendered"
    assert a.options["epochs"] == 12 and b.options["epochs"] == 30 and b.options["seed"] == 3
    assert a.options["quality"] == "720p30" and a.options["no_captions"] is True
    assert a.options["voice_engine"] == "espeak"
    # A lesson's [voice] replaces the defaults' voice whole: no "choose one voice" conflict.
    assert b.options["voice_engine"] is None and b.options["voice_cmd"] == "say {text}"
    assert a.chapters == ("WatchItLearn",)
    assert b.chapters == ("PredictingTheNextWord", "WatchItLearn")  # in lesson order, each once
    assert a.options["sentence"] == "the cat sat on the mat" and a.options["aspect"] == "16:9"
    assert a.title == "How a neural network learns the next word"
    command_line = course.with_options(quality="preview")
    assert {lesson.options["quality"] for lesson in command_line.lessons} == {"preview"}


@pytest.mark.parametrize(
    "title,slug",
    [
        ("Dogs & <parks>", "dogs-parks"),
        ("Ünïcode Café, déjà vu!", "unicode-cafe-deja-vu"),
        ("  --Hello   World--  ", "hello-world"),
        ("猫が座った", ""),
        ("word " * 30, ("word-" * 12)[:-1]),  # at most 60 characters, cut between words
    ],
)
def test_slugs_made_from_titles_are_plain_folder_names(title, slug):
    assert slugify(title) == slug
    assert len(slugify(title)) <= 60


def test_slugs_come_from_the_title_else_the_text_and_never_repeat(tmp_path):
    course = load_course_file(
        write(
            tmp_path,
            '[[lesson]]\ntitle = "Cats"\n'
            '[[lesson]]\ntitle = "Cats"\n[lesson.output]\naspect = "9:16"\n'
            '[[lesson]]\nsentence = "the dog ran to the park"\n'
            '[[lesson]]\ntitle = "猫"\nsentence = "猫 が 座った"\n'
            '[[lesson]]\nslug = "cats-3"\ntitle = "Cats"\n'
            '[[lesson]]\ntitle = "Cats"\n',
        )
    )
    assert [lesson.slug for lesson in course.lessons] == [
        "cats",
        "cats-2",
        "the-dog-ran-to-the-park",
        "lesson-4",
        "cats-3",  # given: taken before any slug is made
        "cats-4",
    ]


@pytest.mark.parametrize(
    "content,message",
    [
        ('[[lesson]]\nslug = "a"\nsentense = "typo"\n', "lesson 1 ('a'): unknown key 'sentense'"),
        (
            '[[lesson]]\nslug = "a"\n[[lesson]]\nslug = "b"\n[lesson.training]\nepochs = "sixty"\n',
            "lesson 2 ('b'): training.epochs must be a whole number",
        ),
        (
            '[[lesson]]\ntitle = "Dogs"\n[lesson.training]\nlr = -1\n',
            "lesson 1 ('Dogs'): training.lr must be between",
        ),
        ('[[lesson]]\n[lesson.output]\naspect = "4:3"\n', "lesson 1: output.aspect must be one of"),
        ('[[lesson]]\n[lesson.output]\nout = "x"\n', "lesson 1: output.out cannot be set here"),
        ('[[lesson]]\nslug = "Cats!"\n', "lesson 1 ('Cats!'): slug must be lowercase ASCII"),
        (
            '[[lesson]]\nslug = "a"\n[[lesson]]\nslug = "a"\n',
            "lesson 2 ('a'): slug 'a' is lesson 1's already",
        ),
        ('[[lesson]]\nchapters = [9]\n', "lesson 1: chapters: 9 is no chapter"),
        ('[[lesson]]\nchapters = ["Intro"]\n', "lesson 1: chapters: 'Intro' is no chapter"),
        ('[[lesson]]\nchapters = "all"\n', "lesson 1: chapters must be a list"),
        ('[[lesson]]\nchapters = []\n', "lesson 1: chapters must be a list"),
        (
            '[[lesson]]\n[lesson.voice]\nengine = "espeak"\ncommand = "say {text}"\n',
            "lesson 1: choose one voice, not voice.engine and voice.command",
        ),
        ('[defaults]\nslug = "a"\n[[lesson]]\n', "defaults: slug belongs to a lesson"),
        ('[defaults.training]\nepochs = 0\n[[lesson]]\n', "defaults: training.epochs must be between"),
        ('sentence = "the cat"\n[[lesson]]\n', "unknown key 'sentence' at the top"),
        ('title = "A course"\n', "lists no lessons"),
        ('[lesson]\ntitle = "one"\n', "lesson must be a list of [[lesson]] tables"),
        ("[[lesson]\n", "is not valid TOML"),
    ],
)
def test_a_bad_course_file_is_one_sentence_naming_the_lesson_and_key(content, message, tmp_path):
    path = write(tmp_path, content)
    with pytest.raises(CourseFileError) as error:
        load_course_file(path)
    text = str(error.value)
    assert message in text and text.startswith(str(path))
    assert "\n" not in text and text.endswith(".")


def test_a_course_file_saved_as_utf16_or_missing_is_named(tmp_path):
    path = tmp_path / "course.toml"
    path.write_text('[[lesson]]\ntitle = "x"\n', encoding="utf-16")
    with pytest.raises(CourseFileError, match="UTF-16"):
        load_course_file(path)
    with pytest.raises(CourseFileError, match="does not exist"):
        load_course_file(tmp_path / "none.toml")


def test_a_bad_course_file_exits_2_before_anything_is_written(tmp_path, monkeypatch):
    called = []
    monkeypatch.setattr(courses, "render_course", lambda *a, **k: called.append(1))
    path = write(tmp_path, '[[lesson]]\nslug = "a"\n[[lesson]]\nslug = "b"\n[lesson.training]\nepochs = 0\n')
    out = tmp_path / "out"
    result = CliRunner().invoke(render.cli, ["course", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "lesson 2 ('b'): training.epochs must be between 1 and 2000, got 0." in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not called


@pytest.mark.parametrize(
    "options,message",
    [
        (["--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786"], "--jobs is for this machine's pool"),
        (["--shared-dir", "shared"], "--shared-dir goes with --scheduler"),
        (["--scheduler", "tcp://127.0.0.1:8786", "--scheduler-file", "s.json"], "not both"),
        (["--scheduler-file", "missing.json"], "the scheduler file missing.json does not exist"),
    ],
)
def test_scheduler_options_that_do_not_fit_are_usage_errors(options, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(courses, "render_course", lambda *a, **k: pytest.fail("rendered"))
    path = write(tmp_path, '[[lesson]]\nslug = "a"\n')
    result = CliRunner().invoke(render.cli, ["course", str(path), "--out", str(tmp_path / "out"), *options])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()


def test_the_command_line_quality_wins_and_the_file_names_the_folder(tmp_path, monkeypatch):
    seen = {}

    def fake(course, **kwargs):
        seen.update(kwargs, course=course)
        raise SystemExit(0)

    monkeypatch.setattr(courses, "render_course", fake)
    path = write(tmp_path, 'out = "made"\n[defaults.output]\nquality = "720p30"\n[[lesson]]\nslug = "a"\n')
    result = CliRunner().invoke(render.cli, ["course", str(path), "--quality", "preview", "--jobs", "3"])
    assert result.exit_code == 0, result.output
    assert seen["out_dir"] == tmp_path / "made"
    assert seen["course"].lessons[0].options["quality"] == "preview"
    assert isinstance(seen["backend"], courses.LocalPool) and seen["backend"].jobs == 3


def test_a_lesson_that_cannot_be_prepared_fails_alone_with_its_sentence(tmp_path, monkeypatch):
    """Lessons whose text or voice cannot be used fail in course.json (exit 1, one sentence) with
    nothing rendered; every word a user gave is escaped on index.html."""
    path = write(
        tmp_path,
        'title = "Year 9 <script>alert(1)</script>"\n'
        '[[lesson]]\nslug = "one-word"\ntitle = "<b>bold</b> & co"\nsentence = "hello"\n'
        '[[lesson]]\nslug = "bad-voice"\n[lesson.voice]\nmodel = "missing.onnx"\n',
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(render.cli, ["course", str(path), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert "2 of 2 lessons failed (one-word, bad-voice)" in result.output
    data = json.loads((out / "course.json").read_text(encoding="utf-8"))
    one, voice = data["lessons"]
    assert (one["status"], voice["status"]) == ("failed", "failed")
    assert one["reason"] == "sentence: the sentence needs at least 2 words, got 1."
    assert voice["reason"].endswith(".") and "\n" not in voice["reason"]
    assert data["chapters"] == {"rendered": 0, "reused": 0, "copied": 0}
    assert not (out / "one-word").exists()
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert 'lang="en"' in page and "at least 2 words" in page


def test_errors_read_as_one_sentence_with_the_course_files_key_names():
    from click import UsageError

    assert one_sentence(UsageError("--sentence: the text has 61 words")) == "sentence: the text has 61 words."
    assert one_sentence(UsageError("--voice-model goes with --voice piper.")) == (
        "voice.model goes with voice.engine piper."
    )
    assert one_sentence(OSError(errno.ENOSPC, "No space left on device")) == "the disk is full."
    assert one_sentence(RuntimeError("first line\nsecond line")) == "first line."


def test_the_worker_check_names_a_worker_without_nextword_or_with_other_code():
    from scenes.publishing.cluster import ClusterError, _probe, check_workers, local_version

    mine = _probe()()
    assert mine == {"version": local_version(), "code": courses.code_fingerprint()}

    class FakeClient:
        def __init__(self, answers):
            self.answers = answers

        def wait_for_workers(self, n, timeout=None):
            pass

        def run(self, function, on_error="raise"):
            return self.answers

    good = {"tcp://10.0.0.1:4000": mine}
    assert check_workers(FakeClient(good), "tcp://s:8786") == ["tcp://10.0.0.1:4000"]
    lacking = {"version": None, "error": "ModuleNotFoundError: No module named 'scenes'"}
    missing = {**good, "tcp://10.0.0.2:4000": lacking}
    with pytest.raises(ClusterError, match=r"worker tcp://10\.0\.0\.2:4000 cannot import nextword"):
        check_workers(FakeClient(missing), "tcp://s:8786")
    other = {**good, "tcp://10.0.0.3:4000": {**mine, "code": "0" * 64}}
    named = r"worker tcp://10\.0\.0\.3:4000 has other chapter code than this machine"
    with pytest.raises(ClusterError, match=named):
        check_workers(FakeClient(other), "tcp://s:8786")
    older = {**good, "tcp://10.0.0.4:4000": {**mine, "version": "0.0.1"}}
    with pytest.raises(ClusterError, match=r"worker tcp://10\.0\.0\.4:4000 has nextword 0\.0\.1 and this"):
        check_workers(FakeClient(older), "tcp://s:8786")


def test_the_worker_check_travels_by_value():
    """The probe must run on a worker where nextword cannot be imported, to say so: it is pickled
    whole, not as a reference to this module."""
    import pickle

    import cloudpickle

    from scenes.publishing.cluster import _probe

    data = cloudpickle.dumps(_probe())
    assert b"scenes.publishing.cluster" not in data
    assert set(pickle.loads(data)()) == {"version", "code"}


def test_every_chapter_can_be_chosen_by_number_or_name(tmp_path):
    names = ", ".join(f'"{c.name}"' for c in LESSON)
    text = f"[[lesson]]\nchapters = [{names}]\n[[lesson]]\nchapters = [8, 1]\n"
    course = load_course_file(write(tmp_path, text))
    assert course.lessons[0].chapters == tuple(c.name for c in LESSON)
    assert course.lessons[1].chapters == (LESSON[0].name, LESSON[7].name)


def test_the_course_command_has_help():
    result = CliRunner().invoke(render.cli, ["course", "--help"])
    assert result.exit_code == 0
    for option in ("--out", "--jobs", "--quality", "--scheduler", "--scheduler-file", "--shared-dir"):
        assert option in result.output


def test_a_chapter_that_fails_fails_its_lessons_and_is_reported(tmp_path):
    """A chapter that fails on its worker fails its lesson, and a lesson waiting for the same chapter
    (same key), each with one sentence; nothing is joined."""

    class Failing:
        name = "failing"

        def run(self, tasks, progress):
            for task in tasks:
                yield task, RuntimeError("the worker ran out of memory\n(details)")

    path = write(
        tmp_path,
        '[defaults]\nchapters = [7]\n[defaults.voice]\nengine = "none"\n'
        '[[lesson]]\nslug = "a"\n[[lesson]]\nslug = "b"\n[lesson.output]\nsubtitle_bom = true\n',
    )
    out = tmp_path / "out"
    result = courses.render_course(
        load_course_file(path).with_options(quality="preview"),
        out_dir=out,
        media_dir=tmp_path / "media",
        prepare=render.course_lesson_settings,
        backend=Failing(),
    )
    reason = "chapter 07-FromGuessingToKnowing failed: the worker ran out of memory."
    assert [(lesson.status, lesson.reason) for lesson in result.lessons] == [("failed", reason)] * 2
    data = json.loads((out / "course.json").read_text(encoding="utf-8"))
    assert [lesson["reason"] for lesson in data["lessons"]] == [reason] * 2
    assert not (out / "a" / "lesson.mp4").exists()
