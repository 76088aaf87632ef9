"""A course: many lessons from one course file, rendered in one go.

    render.py course course.toml [--jobs N | --scheduler tcp://HOST:8786] [--out DIR]

A course file (TOML, see examples/course.toml) has a `title`, an optional `out` folder, a
`[defaults]` table holding any lesson-file key (scenes.publishing.lessonfile.KEYS) for every
lesson, and one `[[lesson]]` table per lesson with the same keys plus `slug` (its folder's
name; made from the title or the text when not given) and `chapters` (a selection, by number
or scene name). Every lesson is rendered into OUT/<slug>/ exactly as `lesson` would render it;
OUT/course.json lists every lesson with its files and status, OUT/index.html links them.

The chapters of every lesson go through one backend: a pool of local worker processes
(LocalPool) or a Dask cluster (scenes.publishing.cluster.DaskCluster). Chapters are reused by
their key (scenes.publishing.keys): from the lesson's own folder, from another lesson of the
course with the same key (linked or copied, never drawn twice), or rendered once. Joining,
subtitles, thumbnails and pages are done here, by scenes.publishing.lesson.render_lesson, as
soon as a lesson's chapters are all there. A lesson that fails (its text, its voice, a chapter
that cannot be rendered, a full disk) is reported with one sentence while the others finish.
"""

from __future__ import annotations

import dataclasses
import errno
import html
import io
import json
import multiprocessing
import os
import queue as queue_module
import re
import shutil
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from model.config import TrainConfig
from scenes.files import atomic_path, file_digest, remove_temporaries, write_text
from scenes.kit.formatting import clock
from scenes.lesson import DEFAULT_TITLE, LESSON, Chapter, chapter_number
from scenes.publishing.keys import chapter_key, code_digest
from scenes.publishing.lessonfile import KEYS, LessonFileError, flatten, read_toml, setting
from scenes.publishing.progress import LessonProgress
from scenes.publishing.workers import (
    GUESSED_SECONDS,
    ChapterJob,
    ChapterRecord,
    init_worker,
    load_record,
    record_path,
    save_record,
)
from scenes.rendering.formats import DEFAULT_ASPECT, DEFAULT_QUALITY
from scenes.rendering.settings import DEFAULT_READING_PACE, RenderSettings

CHAPTER_DIR = "chapters"  # inside each lesson's folder, as `lesson` writes it
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_SLUG = 60
DEFAULT_COURSE_TITLE = "Lessons"
COURSE_KEYS = ("title", "out", "defaults", "lesson")
LESSON_ONLY_KEYS = ("slug", "chapters")
TRAINING = ("sentence", "context", "epochs", "lr", "optimizer", "dim", "hidden", "seed")
VOICE = ("voice_engine", "voice_model", "voice_cmd", "voice_dir")
OPTION_KEYS = {option: key for key, option in KEYS.items()}  # option name -> the key in a file


class CourseFileError(ValueError):
    """The course file is unreadable or has a bad key: one sentence naming the file, the lesson
    and the key."""


# ---- the course file ----------------------------------------------------------------------
@dataclass(frozen=True)
class LessonSpec:
    """One lesson of a course, as its file gives it."""

    number: int  # 1-based place in the course file
    slug: str  # its folder's name inside the course folder
    options: dict  # every option `lesson` takes (render.py's names), the defaults filled in
    chapters: tuple[str, ...]  # the scenes it holds, in lesson order

    @property
    def title(self) -> str:
        return self.options.get("title") or DEFAULT_TITLE

    def chapter_list(self) -> list[Chapter]:
        return [c for c in LESSON if c.name in self.chapters]


@dataclass(frozen=True)
class CourseSpec:
    """A course file, read and checked."""

    path: Path
    title: str
    out: Path | None  # the course folder the file names, if any
    lessons: tuple[LessonSpec, ...]

    def with_options(self, **options) -> "CourseSpec":
        """The same course with `options` (render.py's names) set for every lesson: options typed
        on the command line win over the file."""
        lessons = tuple(dataclasses.replace(s, options={**s.options, **options}) for s in self.lessons)
        return dataclasses.replace(self, lessons=lessons)


def lesson_defaults() -> dict:
    """Every option a course lesson has, at the value `lesson` uses when nothing sets it."""
    config = TrainConfig()
    return {
        **{name: getattr(config, name) for name in TRAINING},
        "title": None,
        "quality": DEFAULT_QUALITY,
        "aspect": DEFAULT_ASPECT,
        "no_captions": False,
        "reading_pace": DEFAULT_READING_PACE,
        "subtitle_bom": False,
        **{name: None for name in VOICE},
    }


def slugify(text: str) -> str:
    """A folder name from a title: ASCII letters and digits in lowercase, words joined by "-", at
    most 60 characters ("" when nothing is left, e.g. a title in Chinese)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG] else slug[:MAX_SLUG]
    return slug.strip("-")


def _chapters(value, where: str) -> tuple[str, ...]:
    """A chapter selection: numbers (1 to 8) or scene names, returned as scene names in lesson order."""
    if not isinstance(value, list) or not value:
        raise CourseFileError(
            f"{where}chapters must be a list of chapter numbers or scene names, got {value!r}."
        )
    chosen = set()
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 1 <= item <= len(LESSON):
            chosen.add(LESSON[item - 1].name)
            continue
        match = [c.name for c in LESSON if isinstance(item, str) and c.name.lower() == item.lower()]
        if not match:
            raise CourseFileError(
                f"{where}chapters: {item!r} is no chapter (give 1 to {len(LESSON)} or a scene name: "
                f"{', '.join(c.name for c in LESSON)})."
            )
        chosen.add(match[0])
    return tuple(c.name for c in LESSON if c.name in chosen)


def _settings_table(path: Path, table: dict, where: str, lesson: bool) -> tuple[dict, dict]:
    """A lesson's (or the defaults') settings: ({option: value}, {"slug"/"chapters": value})."""
    options, own = {}, {}
    for key, value in flatten(table).items():
        if key in LESSON_ONLY_KEYS:
            if key == "slug" and not lesson:
                raise CourseFileError(f"{where}slug belongs to a lesson, not to the defaults.")
            good = isinstance(value, str) and SLUG.fullmatch(value) and len(value) <= MAX_SLUG
            if key == "slug" and not good:
                raise CourseFileError(
                    f"{where}slug must be lowercase ASCII letters and digits joined by single hyphens "
                    f"(at most {MAX_SLUG} characters, e.g. \"cats-16x9\"), got {value!r}."
                )
            own[key] = value if key == "slug" else _chapters(value, where)
            continue
        if key == "output.out":
            raise CourseFileError(
                f"{where}output.out cannot be set here: each lesson goes into the course folder's "
                "<slug>/ (set the course folder with `out` at the top of the file)."
            )
        if key not in KEYS:
            known = [k for k in KEYS if k != "output.out"] + (list(LESSON_ONLY_KEYS) if lesson else [])
            known = ", ".join(known)
            raise CourseFileError(f"{where}unknown key {key!r} (known keys: {known}).")
        try:
            option, value = setting(key, value, path.parent)  # a relative path: from the course file
        except LessonFileError as e:
            raise CourseFileError(f"{where}{e}") from None
        if option == "captions":
            option, value = "no_captions", not value
        options[option] = value
    chosen = [
        name
        for name, on in (
            ("voice.engine", options.get("voice_engine") not in (None, "none")),
            ("voice.command", options.get("voice_cmd")),
            ("voice.directory", options.get("voice_dir")),
        )
        if on
    ]
    if len(chosen) > 1:
        raise CourseFileError(f"{where}choose one voice, not {' and '.join(chosen)}.")
    if options.get("voice_model") and options.get("voice_engine") not in (None, "piper"):
        raise CourseFileError(f"{where}voice.model goes with voice.engine = \"piper\".")
    return options, own


def load_course_file(path: str | os.PathLike) -> CourseSpec:
    """Read and check a course file. Raises CourseFileError (one sentence naming the file, the
    lesson and the key) for an unreadable file, an unknown key, a wrong type or range, a bad or
    repeated slug, an unknown chapter, or a course without lessons. Nothing is trained or written."""
    path = Path(path)
    data = read_toml(path, CourseFileError)
    for key in data:
        if key not in COURSE_KEYS:
            raise CourseFileError(
                f"{path}: unknown key {key!r} at the top (known keys: {', '.join(COURSE_KEYS)}; "
                "lesson settings go under [defaults] or a [[lesson]])."
            )
    title = data.get("title", DEFAULT_COURSE_TITLE)
    if not isinstance(title, str) or not title.strip():
        raise CourseFileError(f"{path}: title must be text, got {title!r}.")
    out = data.get("out")
    if out is not None:
        if not isinstance(out, str) or not out:
            raise CourseFileError(f"{path}: out must be a folder's path, got {out!r}.")
        out = Path(out) if Path(out).is_absolute() else path.parent / out
    defaults_table = data.get("defaults", {})
    if not isinstance(defaults_table, dict):
        raise CourseFileError(f"{path}: defaults must be a table ([defaults]), got {defaults_table!r}.")
    defaults, own_defaults = _settings_table(path, defaults_table, f"{path}: defaults: ", lesson=False)
    tables = data.get("lesson")
    if tables is None or tables == []:
        raise CourseFileError(f"{path} lists no lessons: add a [[lesson]] table for each.")
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise CourseFileError(f"{path}: lesson must be a list of [[lesson]] tables (two brackets).")

    read = []
    for number, table in enumerate(tables, 1):
        name = table.get("slug") if isinstance(table.get("slug"), str) else table.get("title")
        label = f" ({name!r})" if isinstance(name, str) and name else ""
        where = f"{path}: lesson {number}{label}: "
        options, own = _settings_table(path, table, where, lesson=True)
        if any(k in options for k in VOICE):  # a lesson's voice replaces the defaults' voice whole
            base = {k: v for k, v in defaults.items() if k not in VOICE}
        else:
            base = defaults
        merged = {**lesson_defaults(), **base, **options}
        chapters = own.get("chapters", own_defaults.get("chapters", tuple(c.name for c in LESSON)))
        read.append((number, where, own.get("slug"), merged, chapters))

    taken: dict[str, int] = {}
    for number, where, slug, _, _ in read:
        if slug is not None:
            if slug in taken:
                raise CourseFileError(
                    f"{where}slug {slug!r} is lesson {taken[slug]}'s already: give each lesson its own slug."
                )
            taken[slug] = number
    lessons = []
    for number, _, slug, merged, chapters in read:
        if slug is None:  # made from the title, else the text; "-2", "-3" when taken
            base = slugify(merged["title"] or "") or slugify(merged["sentence"]) or f"lesson-{number}"
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base[: MAX_SLUG - len(str(n)) - 1]}-{n}", n + 1
            taken[slug] = number
        lessons.append(LessonSpec(number=number, slug=slug, options=merged, chapters=chapters))
    return CourseSpec(path=path, title=title.strip(), out=out, lessons=tuple(lessons))


# ---- rendering a course -------------------------------------------------------------------
@dataclass
class Task:
    """One chapter to render, for a backend: `number` is unique in the course."""

    number: int
    job: ChapterJob
    slug: str  # the lesson it is rendered for (others with the same key get copies)
    label: str  # "<slug>/<NN>-<Chapter>", for progress lines and Dask's dashboard


@dataclass
class LessonOutcome:
    """What became of one lesson."""

    spec: LessonSpec
    settings: RenderSettings | None = None
    status: str = "pending"  # "done" or "failed" in the end
    reason: str | None = None  # one sentence, for a failed lesson
    records: dict = field(default_factory=dict)  # chapter name -> ChapterRecord
    rendered: list[str] = field(default_factory=list)  # chapters drawn in this run
    reused: list[str] = field(default_factory=list)  # kept from an earlier run in its folder
    copied: list[str] = field(default_factory=list)  # taken from another lesson with the same key
    result: object = None  # scenes.publishing.lesson.LessonResult when done
    join_seconds: float = 0.0

    @property
    def chapters(self) -> list[Chapter]:
        return self.spec.chapter_list()

    def fail(self, reason: str) -> None:
        if self.status != "failed":
            self.status, self.reason = "failed", reason


@dataclass
class CourseResult:
    """A rendered course: every lesson's outcome, course.json, index.html, and where the time went
    (seconds): preparing the lessons (training, checks), rendering chapters, joining lessons, all."""

    out_dir: Path
    lessons: list[LessonOutcome]
    course_json: Path
    index: Path
    backend: str
    prepare_seconds: float = 0.0
    join_seconds: float = 0.0
    total_seconds: float = 0.0
    chapter_seconds: float = 0.0  # the chapters' own render times, added up (work, not wall time)

    @property
    def failed(self) -> list[LessonOutcome]:
        return [lesson for lesson in self.lessons if lesson.status != "done"]

    @property
    def rendered(self) -> int:
        """Chapters drawn in this run, over all lessons."""
        return sum(len(lesson.rendered) for lesson in self.lessons)


def one_sentence(error: BaseException) -> str:
    """An error as one sentence for course.json: its first line, ending with a full stop."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full."
    text = getattr(error, "message", None) or str(error)
    text = text.strip().splitlines()[0].strip() if text.strip() else type(error).__name__
    text = re.sub(r"--([a-z][a-z-]*)", lambda m: _file_key(m.group(1)) or m.group(0), text)
    return text if text.endswith((".", "!", "?")) else text + "."


def _file_key(cli_option: str) -> str | None:
    """The course file's key for a command-line option's name ("voice-cmd" -> "voice.command")."""
    option = "voice_engine" if cli_option == "voice" else cli_option.replace("-", "_")
    return OPTION_KEYS.get(option)


def _link_or_copy(src: Path, dest: Path) -> None:
    """dest becomes the same file as src, whole or not at all (a hard link when it can be)."""
    with atomic_path(dest) as part:
        part.unlink()
        try:
            os.link(src, part)
        except OSError:
            shutil.copyfile(src, part)


def _share_chapter(record: ChapterRecord, src_dir: Path, dest_dir: Path) -> None:
    """A finished chapter of one lesson placed into another lesson with the same key, record last."""
    for rel in (record.video, record.subtitles, record.webvtt):
        if rel:
            _link_or_copy(src_dir / rel, dest_dir / rel)
    save_record(dest_dir, record)


class CourseProgress(LessonProgress):
    """One progress display for a course: chapters of all lessons (keyed by task number), with
    a line per finished chapter, failed chapter and finished lesson."""

    def __init__(self, total: int, expected: dict[int, int], labels: dict[int, str], stream=None):
        super().__init__(total, expected, stream)
        self.labels = labels

    def chapter_done(self, index: int, name: str, frames: int, seconds: float) -> None:
        self.frames[index] = self.expected[index] = frames
        self.done.add(index)
        self._update()
        self.say(
            f"{self.labels.get(index, name)}: {frames:,} frames in {seconds:.0f} s "
            f"(chapters {len(self.done)}/{self.total} · {self.rate():.0f} frames/s)"
        )

    def chapter_failed(self, index: int, reason: str) -> None:
        self.done.add(index)
        self.expected.pop(index, None)
        self._update()
        self.say(f"{self.labels.get(index, index)}: FAILED: {reason}")

    def say(self, line: str) -> None:
        self.console.print(line, markup=False, soft_wrap=True)


def render_course(
    course: CourseSpec,
    *,
    out_dir: Path,
    media_dir: Path,
    prepare: Callable[[dict, list[Chapter]], RenderSettings],
    backend=None,
    progress_stream=None,
) -> CourseResult:
    """Render every lesson of `course` into out_dir/<slug>/ and write out_dir/course.json and
    out_dir/index.html.

    prepare(options, chapters) makes a lesson's RenderSettings (training its run, checking its
    text, title and voice); whatever it raises fails that lesson with one sentence. `backend`
    renders the chapters: LocalPool (the default, one process) or cluster.DaskCluster; it
    yields each chapter's record with the chapter's files already in the lesson's folder, or the
    exception that stopped it. Lessons are joined as soon as their chapters are all there; a
    lesson that fails is reported while the others finish. Nothing that exists is rendered again.
    """
    started = time.monotonic()
    backend = backend or LocalPool(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_temporaries(out_dir)
    lessons = [LessonOutcome(spec) for spec in course.lessons]
    for lesson in lessons:
        try:
            lesson.settings = prepare(lesson.spec.options, lesson.chapters)
        except Exception as e:  # the lesson fails with its sentence, the others go on
            lesson.fail(one_sentence(e))
    prepared = time.monotonic()

    tasks, followers, expected = _plan(lessons, out_dir, media_dir)
    labels = {t.number: t.label for t in tasks}
    by_slug = {lesson.spec.slug: lesson for lesson in lessons}
    total = sum(len(lesson.chapters) for lesson in lessons if lesson.settings is not None)
    join_seconds = 0.0

    def join_ready(progress):
        nonlocal join_seconds
        for lesson in lessons:
            if lesson.status == "pending" and len(lesson.records) == len(lesson.chapters):
                t0 = time.monotonic()
                _join_lesson(lesson, out_dir, media_dir)
                join_seconds += time.monotonic() - t0
                if lesson.status == "done":
                    progress.say(f"{lesson.spec.slug}: lesson joined ({clock(_length(lesson))}) in "
                                 f"{time.monotonic() - t0:.0f} s")
                else:
                    progress.say(f"{lesson.spec.slug}: FAILED: {lesson.reason}")

    with CourseProgress(total, expected, labels, progress_stream) as progress:
        for lesson in lessons:
            for name in lesson.reused + lesson.copied:
                progress.chapter_reused(f"{lesson.spec.slug}/{name}")
        join_ready(progress)
        for task, outcome in backend.run(tasks, progress):
            lesson = by_slug[task.slug]
            name = task.job.chapter.name
            if isinstance(outcome, BaseException):
                reason = f"chapter {task.job.stem} failed: {one_sentence(outcome)}"
                progress.chapter_failed(task.number, reason)
                for other, _ in [(lesson, None)] + followers.get(task.number, []):
                    other.fail(reason)
                continue
            save_record(task.job.out_dir, outcome)
            lesson.records[name] = outcome
            lesson.rendered.append(name)
            progress.chapter_done(task.number, task.label, outcome.frames, outcome.render_seconds)
            for other, _ in followers.get(task.number, []):
                try:
                    _share_chapter(outcome, task.job.out_dir, out_dir / other.spec.slug)
                    other.records[name] = outcome
                    other.copied.append(name)
                    progress.chapter_reused(f"{other.spec.slug}/{name}")
                except OSError as e:
                    other.fail(f"chapter {task.job.stem} could not be copied: {one_sentence(e)}")
            join_ready(progress)
        join_ready(progress)
    for lesson in lessons:
        if lesson.status == "pending":  # a chapter never came back
            lesson.fail("some of its chapters were not rendered.")
    chapter_seconds = sum(
        lesson.records[n].render_seconds for lesson in lessons for n in lesson.rendered if n in lesson.records
    )
    result = CourseResult(
        out_dir=out_dir,
        lessons=lessons,
        course_json=out_dir / "course.json",
        index=out_dir / "index.html",
        backend=backend.name,
        prepare_seconds=prepared - started,
        join_seconds=join_seconds,
        chapter_seconds=chapter_seconds,
    )
    write_course_json(result, course)
    write_index(result, course)
    result.total_seconds = time.monotonic() - started
    return result


def _plan(lessons: list[LessonOutcome], out_dir: Path, media_dir: Path):
    """What each chapter needs: reused from its lesson's folder, shared from another lesson with
    the same key, or rendered (once per key). Returns the tasks (the slowest expected first),
    the lessons waiting on each task ({task number: [(lesson, chapter name)]}) and each task's
    expected frames."""
    finished: dict[str, tuple[Path, ChapterRecord]] = {}  # key -> a lesson folder that has it
    planned: list[tuple[LessonOutcome, Chapter, str]] = []
    for lesson in lessons:
        if lesson.settings is None:
            continue
        folder = out_dir / lesson.spec.slug
        remove_temporaries(folder / CHAPTER_DIR)
        trace_digest = file_digest(lesson.settings.trace)
        for chapter in lesson.chapters:
            key = chapter_key(chapter, lesson.settings, trace_digest)
            record = load_record(folder, chapter, key, CHAPTER_DIR)
            if record is not None and record.index == chapter_number(chapter.name):
                lesson.records[chapter.name] = record
                lesson.reused.append(chapter.name)
                finished.setdefault(key, (folder, record))
            else:
                planned.append((lesson, chapter, key))
    tasks: list[Task] = []
    followers: dict[int, list] = {}
    first: dict[str, Task] = {}
    expected: dict[int, int] = {}
    for lesson, chapter, key in planned:
        folder = out_dir / lesson.spec.slug
        if key in finished:  # the same chapter, finished in another lesson of the course
            src, record = finished[key]
            try:
                _share_chapter(record, src, folder)
                lesson.records[chapter.name] = record
                lesson.copied.append(chapter.name)
            except OSError as e:
                lesson.fail(f"chapter {chapter.name} could not be copied: {one_sentence(e)}")
            continue
        if key in first:  # the same chapter is being rendered for another lesson: wait for it
            followers.setdefault(first[key].number, []).append((lesson, chapter.name))
            continue
        index = chapter_number(chapter.name)
        job = ChapterJob(
            chapter=chapter,
            index=index,
            key=key,
            settings=lesson.settings,
            out_dir=folder,
            chapter_dir=CHAPTER_DIR,
            media_dir=Path(media_dir) / f"{lesson.spec.slug}-{index:02d}-{chapter.name}",
        )
        slug = lesson.spec.slug
        task = Task(number=len(tasks) + 1, job=job, slug=slug, label=f"{slug}/{job.stem}")
        first[key] = task
        tasks.append(task)
        try:
            last = json.loads(record_path(folder, chapter.name, CHAPTER_DIR).read_text("utf-8"))
        except (OSError, ValueError):
            last = {}
        expected[task.number] = int(last.get("duration", GUESSED_SECONDS) * lesson.settings.fps)
    tasks.sort(key=lambda t: -expected[t.number])  # the longest first: no worker left alone at the end
    return tasks, followers, expected


def _join_lesson(lesson: LessonOutcome, out_dir: Path, media_dir: Path) -> None:
    """Join a lesson whose chapters are all in its folder (nothing is rendered: every record's key
    matches), writing everything `lesson` writes; a failure fails the lesson with one sentence."""
    from scenes.publishing.lesson import render_lesson

    started = time.monotonic()
    try:
        lesson.result = render_lesson(
            lesson.chapters,
            lesson.settings,
            out_dir=out_dir / lesson.spec.slug,
            media_dir=media_dir,
            jobs=1,
            progress_stream=io.StringIO(),
        )
        lesson.status = "done"
    except Exception as e:  # the lesson fails with its sentence, the others go on
        lesson.fail(f"joining the lesson failed: {one_sentence(e)}")
    lesson.join_seconds = time.monotonic() - started


def _voice_name(options: dict) -> str:
    """The voice engine a lesson's options ask for, as scenes.kit.voice.Voice names it."""
    if options.get("voice_cmd"):
        return "command"
    if options.get("voice_dir"):
        return "recordings"
    return options.get("voice_engine") or "piper"


def _length(lesson: LessonOutcome) -> float:
    return sum(d for _, _, d in lesson.result.chapters) if lesson.result is not None else 0.0


# ---- course.json and index.html -----------------------------------------------------------
def _lesson_entry(lesson: LessonOutcome, out_dir: Path) -> dict:
    spec, settings = lesson.spec, lesson.settings
    folder = out_dir / spec.slug
    entry = {
        "slug": spec.slug,
        "title": spec.title,
        "sentence": spec.options["sentence"],
        "status": lesson.status,
        "reason": lesson.reason,
        "folder": f"{spec.slug}/",
        "quality": spec.options["quality"],
        "aspect": spec.options["aspect"],
        "voice": settings.voice.engine if settings is not None else _voice_name(spec.options),
        "chapters": [],
        "rendered": list(lesson.rendered),
        "reused": list(lesson.reused),
        "copied": list(lesson.copied),
        "files": [],
    }
    if lesson.result is not None:
        entry["page"] = f"{spec.slug}/index.html"
        entry["video"] = f"{spec.slug}/lesson.mp4"
        entry["duration"] = round(_length(lesson), 3)
        entry["chapters"] = [
            {"name": c.name, "title": c.title, "file": f"{spec.slug}/{p.relative_to(folder).as_posix()}",
             "duration": round(d, 3)}
            for c, p, d in lesson.result.chapters
        ]
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            files = manifest["files"] + [{"path": "manifest.json", "kind": "manifest"}]
        except (OSError, ValueError, KeyError):
            files = []
        for f in files:
            path = folder / f["path"]
            if path.is_file():
                item = {"path": f"{spec.slug}/{f['path']}", "kind": f.get("kind"),
                        "bytes": path.stat().st_size}
                if "duration" in f:
                    item["duration"] = f["duration"]
                entry["files"].append(item)
    return entry


def write_course_json(result: CourseResult, course: CourseSpec) -> Path:
    """OUT/course.json: the course's title and every lesson (slug, title, text, status, one-sentence
    reason when failed, its page, video and length, its chapters, every file with its size in
    bytes and length in seconds, and which chapters were rendered, reused or copied now)."""
    lessons = [_lesson_entry(lesson, result.out_dir) for lesson in result.lessons]
    data = {
        "title": course.title,
        "backend": result.backend,
        "lessons": lessons,
        "done": sum(1 for lesson in result.lessons if lesson.status == "done"),
        "failed": len(result.failed),
        "chapters": {
            kind: sum(len(getattr(lesson, kind)) for lesson in result.lessons)
            for kind in ("rendered", "reused", "copied")
        },
    }
    return write_text(result.course_json, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


_PAGE_STYLE = """
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fbfbfd; --muted: #5c5c66; --line: #d6d6de;
        --link: #0b57d0; --bad: #b3261e; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #ececf1; --bg: #16161a; --muted: #a8a8b3; --line: #3a3a44; --link: #8ab4f8; --bad: #f2b8b5; }
}
body { font: 1.05rem/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1rem; }
h1 { font-size: 1.8rem; margin: 0 0 .25rem; }
p.summary { color: var(--muted); margin: 0 0 1.5rem; }
ol { list-style: none; padding: 0; margin: 0; }
li { border-top: 1px solid var(--line); padding: 1rem 0; }
h2 { font-size: 1.25rem; margin: 0 0 .25rem; }
a { color: var(--link); }
a:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
.text { margin: .25rem 0; }
.facts { color: var(--muted); margin: .25rem 0; }
.failed { color: var(--bad); font-weight: 600; }
"""


def course_page(result: CourseResult, course: CourseSpec) -> str:
    """index.html for the course folder: the course's title and one entry per lesson (its title
    linking its page, its text, shape, length and chapters, links to its video and files), or
    why it failed. Every word a user gave is escaped: shown as text, never run as markup."""

    def esc(text) -> str:
        return html.escape(str(text), quote=True)

    done = sum(1 for lesson in result.lessons if lesson.status == "done")
    items = []
    for lesson in result.lessons:
        spec = lesson.spec
        title = f'<span dir="auto">{esc(spec.title)}</span>'
        if lesson.result is not None:
            heading = f'<h2><a href="{esc(spec.slug)}/index.html">{title}</a></h2>'
            facts = (
                f"{esc(spec.options['aspect'])} · {esc(spec.options['quality'])} · "
                f"{clock(_length(lesson))} · {len(lesson.chapters)} "
                f"chapter{'s' if len(lesson.chapters) != 1 else ''}"
            )
            links = (
                f'<a href="{esc(spec.slug)}/lesson.mp4">video</a> · '
                f'<a href="{esc(spec.slug)}/description.txt">YouTube description</a> · '
                f'<a href="{esc(spec.slug)}/script.md">script</a> · '
                f'<a href="{esc(spec.slug)}/quiz.md">questions</a>'
            )
            body = f'<p class="facts">{facts}</p><p class="facts">{links}</p>'
        else:
            heading = f"<h2>{title}</h2>"
            body = f'<p class="failed">Not rendered: <span dir="auto">{esc(lesson.reason)}</span></p>'
        sentences = " / ".join(line.strip() for line in spec.options["sentence"].splitlines() if line.strip())
        text = f'<p class="text">Text: <q dir="auto">{esc(sentences)}</q></p>'
        items.append(f'<li id="{esc(spec.slug)}">{heading}{text}{body}</li>')
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(course.title)}</title>\n<style>{_PAGE_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f'<h1 dir="auto">{esc(course.title)}</h1>\n'
        f'<p class="summary">{done} of {len(result.lessons)} lessons ready. Each opens its own page: '
        "the video with its chapters and transcript, the run to explore and questions.</p>\n"
        f'<ol aria-label="Lessons">\n' + "\n".join(items) + "\n</ol>\n</main>\n</body>\n</html>\n"
    )


def write_index(result: CourseResult, course: CourseSpec) -> Path:
    """OUT/index.html: see course_page."""
    return write_text(result.index, course_page(result, course))


# ---- the local backend ----------------------------------------------------------------------
def _local_task(number: int, job: ChapterJob, speak: bool = False):
    """Run in a local worker process: speak or render one chapter (scenes.publishing.workers), its
    progress tagged with the task's number (chapter indices repeat across lessons)."""
    from scenes.publishing import workers

    return workers.speak_chapter_job(job, number) if speak else workers.render_chapter_job(job, number)


class LocalPool:
    """Every chapter of the course in one pool of `jobs` worker processes on this machine (each a
    fresh interpreter: manim's config is global), with one progress display."""

    name = "local"

    def __init__(self, jobs: int = 1):
        self.jobs = max(1, jobs)

    def close(self) -> None:
        pass

    def run(self, tasks: list[Task], progress: CourseProgress) -> Iterator[tuple[Task, object]]:
        """Yield (task, ChapterRecord) for each rendered chapter, or (task, exception) for one that
        failed. A synthesised voice speaks every chapter's lines first, in parallel."""
        if not tasks:
            return
        context = multiprocessing.get_context("spawn")
        events = context.Queue()

        def heard():
            while True:
                try:
                    kind, number, value = events.get_nowait()
                except (queue_module.Empty, OSError, EOFError, ValueError):
                    return
                if kind == "frames":
                    progress.frames_drawn(number, value)

        with ProcessPoolExecutor(
            max_workers=min(self.jobs, len(tasks)),
            mp_context=context,
            initializer=init_worker,
            initargs=(events,),
        ) as pool:
            speaking = [t for t in tasks if _synthesised(t.job.settings)]
            if speaking:
                t0 = time.monotonic()
                futures = [pool.submit(_local_task, t.number, t.job, True) for t in speaking]
                spoken = []
                for future in futures:
                    try:
                        spoken.append(future.result())
                    except Exception:  # the chapter's render meets it again and reports it
                        pass
                heard()
                if spoken:
                    lines, speech, busy = (sum(column) for column in zip(*spoken))
                    progress.speech_done(lines, speech, busy, time.monotonic() - t0)
            pending = {pool.submit(_local_task, t.number, t.job): t for t in tasks}
            try:
                while pending:
                    finished, _ = wait(pending, timeout=0.3, return_when=FIRST_COMPLETED)
                    heard()
                    for future in finished:
                        task = pending.pop(future)
                        try:
                            yield task, ChapterRecord(**future.result())
                        except Exception as e:  # reported for its lesson
                            yield task, e
            except BaseException:
                for future in pending:
                    future.cancel()
                raise


def _synthesised(settings: RenderSettings) -> bool:
    return settings.voice.speaks and settings.voice.engine != "recordings"


def code_fingerprint() -> str:
    """A SHA-256 (hex) of the code every chapter is drawn from (and the manim and PyAV versions):
    two machines with the same fingerprint draw the same frames from the same settings."""
    import hashlib

    return hashlib.sha256("".join(code_digest(c.module) for c in LESSON).encode()).hexdigest()
