#!/usr/bin/env python3
"""nextword: train a tiny next-word network for real and render the lesson it makes.

    python render.py train                 train with the defaults and show the run
    python render.py list                  the lesson's scenes, in order
    python render.py scene WatchItLearn    render one scene from the (cached) default trace
    python render.py lesson                render the whole lesson into media/lesson/

Commands parse and validate; the work happens in model/ and scenes/.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from pathlib import Path

import click

from model import Trace, TraceError, TrainConfig, load_trace, save_trace, train
from model.cache import cached_trace, lesson_runs
from model.config import ConfigError
from model.data import build_dataset
from scenes import lesson as catalog
from scenes.files import scratch_folder
from scenes.kit.formatting import round_step
from scenes.kit.voice import Voice, VoiceError
from scenes.publishing.options import TYPES
from scenes.rendering.formats import DEFAULT_ASPECT, QUALITIES
from scenes.rendering.settings import DEFAULT_READING_PACE, RenderSettings

ROOT = Path(__file__).resolve().parent
MEDIA = ROOT / "media"


# ---- shared options ----------------------------------------------------------


TRAINING_HELP = {  # option -> help; defaults from TrainConfig, types from scenes.publishing.options
    "sentence": "The training text (one sentence per line).",
    "context": "Words of context the network sees.",
    "epochs": "Passes over all training pairs.",
    "lr": "Learning rate.",
    "optimizer": "Update rule.",
    "dim": "Length of each word vector.",
    "hidden": "Units in the hidden layer.",
    "seed": "Seed for the initial weights.",
}
TRAINING_KEYS = tuple(TRAINING_HELP)


def training_options(fn):
    """--sentence, --context, ... : the training settings, with defaults from TrainConfig."""
    defaults = TrainConfig()
    for name, help_text in reversed(TRAINING_HELP.items()):
        option = click.option(
            f"--{name}", type=TYPES[name], default=getattr(defaults, name), show_default=True, help=help_text
        )
        fn = option(fn)
    return fn


def make_config(sentence, context, epochs, lr, optimizer, dim, hidden, seed) -> TrainConfig:
    """A validated config; a bad value is a usage error naming it."""
    config = TrainConfig(
        sentence=sentence,
        context=context,
        epochs=epochs,
        lr=lr,
        optimizer=optimizer,
        dim=dim,
        hidden=hidden,
        seed=seed,
    )
    try:
        config.validate()
    except ConfigError as e:
        raise click.UsageError(f"--{e.field} {e.detail}") from None
    try:
        build_dataset(config.sentence, config.context)
    except ValueError as e:
        raise click.UsageError(f"--sentence: {e}") from None
    refuse_undrawable(config.sentence, "--sentence")
    return config


def refuse_undrawable(content: str, what: str) -> None:
    """A text with characters no installed font can draw is a usage error naming its script."""
    from scenes.kit.fonts import coverage_problem

    problem = coverage_problem(content, what)
    if problem is not None:
        raise click.UsageError(problem)


def trace_option(fn):
    return click.option(
        "--trace",
        "trace_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="A trace file from `train --out`. Default: the default run, trained once and cached.",
    )(fn)


def render_options(fn):
    fn = click.option(
        "--aspect", type=TYPES["aspect"], default=DEFAULT_ASPECT, show_default=True, help="Frame shape."
    )(fn)
    fn = click.option(
        "--no-captions",
        is_flag=True,
        help="Leave the narration off the screen (subtitles are still written).",
    )(fn)
    fn = click.option(
        "--reading-pace",
        type=TYPES["reading_pace"],
        default=DEFAULT_READING_PACE,
        show_default=True,
        help="Reading pace for captions, in words per second: each phrase lasts long enough to read it.",
    )(fn)
    return fn


def voice_options(fn):
    fn = click.option(
        "--voice-dir",
        type=TYPES["voice_dir"],
        default=None,
        help="Your own recordings: one audio file per phrase, named by its id (see `script`).",
    )(fn)
    fn = click.option(
        "--voice-cmd",
        default=None,
        metavar="COMMAND",
        help="Any text-to-speech program: a command with {out} (the WAV to write) and {text}, "
        "or one that reads the text on stdin.",
    )(fn)
    fn = click.option(
        "--voice-model",
        type=TYPES["voice_model"],
        default=None,
        help="Another Piper voice model (.onnx, with its .json beside it) instead of the bundled one.",
    )(fn)
    fn = click.option(
        "--voice",
        "voice_engine",
        type=TYPES["voice_engine"],
        default=None,
        help="Who reads the narration: Piper's natural voice (bundled), espeak-ng, or nobody "
        "(captions only).  [default: piper]",
    )(fn)
    return fn


def make_voice(voice_engine, voice_model, voice_cmd, voice_dir) -> Voice:
    """The voice asked for (Piper's bundled voice unless another is chosen); conflicting or
    unusable choices are usage errors."""
    chosen = [
        name
        for name, on in (
            (f"--voice {voice_engine}", voice_engine not in (None, "none")),
            ("--voice-cmd", voice_cmd),
            ("--voice-dir", voice_dir),
        )
        if on
    ]
    if len(chosen) > 1:
        raise click.UsageError(f"choose one voice, not {' and '.join(chosen)}.")
    if voice_model is not None and (voice_cmd or voice_dir or voice_engine not in (None, "piper")):
        raise click.UsageError("--voice-model goes with --voice piper.")
    if voice_cmd:
        voice = Voice(engine="command", command=voice_cmd)
    elif voice_dir:
        voice = Voice(engine="recordings", directory=str(voice_dir.resolve()))
    elif voice_engine in (None, "piper"):
        voice = Voice(engine="piper", model=str(voice_model.resolve()) if voice_model else "")
    else:
        voice = Voice(engine=voice_engine)
    try:
        voice.check()
    except VoiceError as e:
        raise click.UsageError(str(e)) from None
    return voice


def render_settings(
    trace_path: Path,
    *,
    quality: str = "preview",
    aspect: str = DEFAULT_ASPECT,
    no_captions: bool = False,
    reading_pace: float = DEFAULT_READING_PACE,
    voice: Voice = Voice(),
    title: str | None = None,
    subtitle_bom: bool = False,
) -> RenderSettings:
    """The settings of a render, with every trace it needs resolved now (the comparison runs of
    chapter 8 are trained here when not cached), before any scene or worker starts."""
    config = load_trace(trace_path).config
    if title:
        refuse_undrawable(title, "--title")
    return RenderSettings(
        trace=trace_path,
        comparisons=tuple(lesson_runs(config).items()),
        quality=quality,
        aspect=aspect,
        captions=not no_captions,
        words_per_second=reading_pace,
        voice=voice,
        title=title or "",
        subtitle_bom=subtitle_bom,
    )


VOICE_OPTIONS = ("voice_engine", "voice_model", "voice_cmd", "voice_dir")
RENDER_OPTIONS = ("quality", "aspect", "no_captions", "reading_pace", "title", "subtitle_bom")


def settings_from(trace_path: Path, given: dict) -> RenderSettings:
    """RenderSettings from the options a command was given (render_options, voice_options,
    --quality, --title: whichever it has)."""
    voice = make_voice(*(given.get(k) for k in VOICE_OPTIONS)) if "voice_engine" in given else Voice()
    return render_settings(trace_path, voice=voice, **{k: given[k] for k in RENDER_OPTIONS if k in given})


def check_recordings(chapters, settings: RenderSettings) -> None:
    """With --voice-dir, every phrase's recording must be there and readable before rendering starts."""
    if settings.voice.engine != "recordings":
        return
    from scenes.rendering.chapter import dry_run_lesson, missing_recordings

    with scratch_folder() as media:
        timeline = dry_run_lesson(chapters, settings.replace(voice=Voice()), media_dir=media)
    problems = missing_recordings(timeline, Path(settings.voice.directory))
    if problems:
        shown = ", ".join(problems[:8]) + (f" and {len(problems) - 8} more" if len(problems) > 8 else "")
        raise click.UsageError(f"--voice-dir {settings.voice.directory} lacks recordings for: {shown}.")


def quality_option(default):
    return click.option(
        "--quality",
        type=TYPES["quality"],
        default=default,
        show_default=True,
        help="Resolution and frame rate.",
    )


def find_chapter(name: str) -> catalog.Chapter:
    try:
        return catalog.find(name)
    except KeyError:
        names = ", ".join(c.name for c in catalog.LESSON)
        raise click.BadParameter(
            f"no scene called {name!r}; the scenes are: {names}.", param_hint="NAME"
        ) from None


def resolve_trace(trace_file: Path | None) -> tuple[Trace, Path]:
    if trace_file is None:
        return cached_trace(TrainConfig())
    try:
        return load_trace(trace_file), trace_file
    except TraceError as e:
        raise click.UsageError(str(e)) from None


# ---- commands ------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """nextword: watch a tiny neural network learn to predict the next word, as a video lesson."""


@cli.command("train")
@training_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to save the trace (.npz). Default: the trace cache under media/traces/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON instead of a table.")
def train_cmd(out, as_json, **settings):
    """Train the network and save the trace of the whole run."""
    config = make_config(**settings)
    if out is not None and out.exists() and out.is_dir():
        raise click.BadParameter("is a folder; give a file name.", param_hint="--out")
    trace = train(config)
    if out is None:
        _, path = cached_trace(config)
    else:
        path = save_trace(trace, out)
    if as_json:
        click.echo(json.dumps({**trace.summary(), "trace_file": str(path)}, indent=2, ensure_ascii=False))
    else:
        click.echo(format_run(trace))
        click.echo(f"\ntrace saved to {path}")


def format_run(trace: Trace, rows: int = 12) -> str:
    """A readable table of the run: sampled epochs, then the derived facts."""
    lines = ["Training pairs (context → right word):"]
    shown = min(trace.P, 8)
    for p in range(trace.P):
        ctx, tgt = trace.pair_words(p)
        lines.append(f"  p{p + 1}: {' '.join(ctx)} → {tgt}")
    step = round_step(trace.last_epoch, rows)
    epochs = sorted(
        set(range(0, trace.last_epoch + 1, step))
        | {trace.last_epoch}
        | ({trace.convergence_epoch} if trace.convergence_epoch is not None else set())
    )
    head = f"{'epoch':>6} {'mean loss':>10} {'accuracy':>9}  " + " ".join(
        f"{'p' + str(p + 1):>6}" for p in range(shown)
    )
    lines += ["", "Probability of the right word per pair:", head]
    for e in epochs:
        cells = " ".join(f"{100 * trace.p_correct[e, p]:5.1f}%" for p in range(shown))
        mark = "  ← converged" if e == trace.convergence_epoch else ""
        lines.append(f"{e:>6} {trace.mean_loss[e]:>10.4f} {100 * trace.accuracy[e]:>8.0f}%  {cells}{mark}")
    if shown < trace.P:
        lines.append(f"  (first {shown} of {trace.P} pairs shown)")
    f = trace.facts()
    conv = f["convergence_epoch"]
    lines += [
        "",
        f"vocabulary        {trace.V} words: {', '.join(trace.vocab)}",
        f"parameters        {f['parameters']}",
        f"random baseline   {f['random_baseline']:.4f}  (ln {trace.V}: the loss of a uniform guess)",
        f"loss floor        {f['loss_floor']:.4f}  (the lowest mean loss this data allows)",
        f"loss halved at    epoch {f['loss_halved_epoch']}"
        if f["loss_halved_epoch"] is not None
        else "loss halved at    never",
        f"all guesses right from epoch {f['all_correct_epoch']}"
        if f["all_correct_epoch"] is not None
        else "all guesses right never",
        f"converged at      epoch {conv}" if conv is not None else "converged at      not within this run",
    ]
    if trace.diverged_epoch is not None:
        lines.append(
            f"DIVERGED          in epoch {trace.diverged_epoch}: the loss stopped being a finite number"
        )
    return "\n".join(lines)


@cli.command("list")
def list_cmd():
    """List the lesson's scenes, in order."""
    for i, chapter in enumerate(catalog.LESSON, 1):
        path = chapter.module.replace(".", "/") + ".py"
        click.echo(f"{i}. {chapter.name:<24} {chapter.title:<28} {path}")


@cli.command("scene")
@click.argument("name")
@trace_option
@quality_option("preview")
@render_options
@voice_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=MEDIA / "scenes",
    show_default=True,
    help="Folder for the video.",
)
def scene_cmd(name, trace_file, out, **given):
    """Render one scene (see `list`) from a trace."""
    from scenes.files import copy_whole
    from scenes.rendering.chapter import render_chapter

    chapter = find_chapter(name)
    _, trace_path = resolve_trace(trace_file)
    settings = settings_from(trace_path, given)
    check_recordings([chapter], settings)
    with scratch_folder() as media:
        result = render_chapter(chapter, settings, media_dir=media)
        video = copy_whole(result.video, out / f"{chapter.name}.mp4")
        if result.subtitles:
            copy_whole(result.subtitles, out / f"{chapter.name}.srt")
            copy_whole(result.webvtt, out / f"{chapter.name}.vtt")
    click.echo(f"{video}  ({result.duration:.1f} s)")


@cli.command("stills")
@click.argument("name")
@trace_option
@quality_option("1080p30")
@render_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=MEDIA / "stills",
    show_default=True,
    help="Folder for the PNGs.",
)
@click.option("--phrases", is_flag=True, help="A PNG at the end of every phrase of the narration instead.")
def stills_cmd(name, trace_file, out, phrases, **given):
    """Write a PNG of the last frame of every beat of a scene (slide stills, and for review)."""
    from scenes.rendering.chapter import render_stills

    chapter = find_chapter(name)
    _, trace_path = resolve_trace(trace_file)
    settings = settings_from(trace_path, given)
    with scratch_folder() as media:
        for path in render_stills(chapter, settings, media_dir=media, out_dir=out, phrases=phrases):
            click.echo(str(path))


@cli.command("script")
@trace_option
@render_options
@voice_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=MEDIA / "lesson" / "script.md",
    show_default=True,
    help="Where to write the script (Markdown).",
)
def script_cmd(trace_file, out, **given):
    """Export the narration as a script: each beat's id, start time, duration and line."""
    from scenes.files import write_text
    from scenes.publishing.script import script_markdown
    from scenes.rendering.chapter import dry_run_lesson

    trace, trace_path = resolve_trace(trace_file)
    settings = settings_from(trace_path, given)
    check_recordings(catalog.LESSON, settings)
    with scratch_folder() as media:
        timeline = dry_run_lesson(catalog.LESSON, settings, media_dir=media)
    write_text(out, script_markdown(trace.config, timeline))
    click.echo(str(out))


@cli.command("lesson")
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A lesson file (TOML) with the sentence, title, training, voice and output settings; "
    "options given here win over it. See examples/lesson.toml.",
)
@click.option("--title", default=None, help="The lesson's title, shown at the start.")
@click.option(
    "--subtitle-bom",
    is_flag=True,
    help="Start lesson.srt and lesson.vtt with a UTF-8 byte-order mark, for players and TVs that "
    "otherwise misread accented letters (they are UTF-8 either way).",
)
@training_options
@trace_option
@quality_option("1080p60")
@render_options
@voice_options
@click.option(
    "--out", type=TYPES["out"], default=MEDIA / "lesson", show_default=True, help="Folder for the lesson."
)
@click.option(
    "--jobs",
    type=TYPES["jobs"],
    default=None,
    help="Chapters rendered at once, each in its own process.  [default: the number of cores]",
)
def lesson_cmd(config_file, jobs, **given):
    """Render the lesson for publishing: lesson.mp4 (YouTube-ready, with chapter markers), its
    subtitles, chapters.txt, description.txt, thumbnail.png, script.md, manifest.json and one clip
    per chapter. Chapters that have not changed since the last run into the same folder are reused."""
    from scenes.publishing import lesson as publishing
    from scenes.publishing.workers import default_jobs

    o = merged_settings(config_file, given)
    if o["trace_file"] is not None:
        if o["training_given"]:
            raise click.UsageError("give either --trace or training settings, not both.")
        _, trace_path = resolve_trace(o["trace_file"])
    else:
        _, trace_path = cached_trace(make_config(*(o[k] for k in TRAINING_KEYS)))
    settings = settings_from(trace_path, o)
    out = writable_folder(o["out"])
    check_recordings(catalog.LESSON, settings)
    with scratch_folder() as media:
        result = publishing.render_lesson(
            catalog.LESSON, settings, out_dir=out, media_dir=media, jobs=jobs or default_jobs()
        )
    total = sum(duration for _, _, duration in result.chapters)
    reused = f", {len(result.reused)} reused unchanged" if result.reused else ""
    click.echo(f"{result.video}  ({total:.1f} s, {len(result.chapters)} chapters{reused})")
    for path in result.files[1:] + [out / "manifest.json"]:
        if path.parent == out:
            click.echo(f"  {path.name}")
    click.echo("  chapters/  (one clip per chapter, with subtitles)")


@cli.command("course")
@click.argument("course_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=TYPES["out"],
    default=None,
    help="Folder for the course: a folder per lesson, course.json, index.html.  "
    "[default: the file's `out`, else media/course]",
)
@click.option(
    "--jobs",
    type=TYPES["jobs"],
    default=None,
    help="Chapters rendered at once on this machine, all lessons in one pool.  "
    "[default: the number of cores]",
)
@click.option(
    "--quality", type=TYPES["quality"], default=None, help="Resolution and frame rate of every lesson "
    "(wins over the file).  [default: the file's, else 1080p60]"
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="A Dask scheduler (tcp://HOST:8786): each chapter becomes a task on its workers.",
)
@click.option(
    "--scheduler-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The file `dask scheduler --scheduler-file` wrote, instead of --scheduler.",
)
@click.option(
    "--shared-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With a scheduler: a folder at the same path on every machine, where workers leave chapter "
    "files (default: they come back as bytes).",
)
def course_cmd(course_file, out, jobs, quality, scheduler, scheduler_file, shared_dir):
    """Render every lesson of a course file (see examples/course.toml) into OUT/<lesson>/, with
    everything `lesson` writes, plus course.json and index.html. Chapters go through one pool of
    local processes, or a Dask cluster with --scheduler; what exists is not rendered again."""
    from scenes.publishing import course as courses
    from scenes.publishing.workers import default_jobs

    try:
        spec = courses.load_course_file(course_file)
    except courses.CourseFileError as e:
        raise click.UsageError(str(e)) from None
    if quality is not None:
        spec = spec.with_options(quality=quality)
    if scheduler and scheduler_file:
        raise click.UsageError("give either --scheduler or --scheduler-file, not both.")
    if shared_dir is not None and not (scheduler or scheduler_file):
        raise click.UsageError("--shared-dir goes with --scheduler or --scheduler-file.")
    if jobs is not None and (scheduler or scheduler_file):
        raise click.UsageError("--jobs is for this machine's pool: a cluster's workers decide how many run.")
    if scheduler or scheduler_file:
        from scenes.publishing.cluster import ClusterError, DaskCluster

        try:
            backend = DaskCluster.connect(scheduler, scheduler_file, shared_dir=shared_dir)
        except ClusterError as e:
            raise click.UsageError(str(e)) from None
        workers = len(backend.client.nthreads())
        click.echo(f"Dask cluster: {workers} worker{'s' if workers != 1 else ''}"
                   + (f", dashboard {backend.dashboard}" if backend.dashboard else ""), err=True)
    else:
        backend = courses.LocalPool(jobs or default_jobs())
    try:
        folder = writable_folder(out or spec.out or MEDIA / "course")
        with scratch_folder() as media:
            result = courses.render_course(
                spec, out_dir=folder, media_dir=media, prepare=course_lesson_settings, backend=backend
            )
    finally:
        backend.close()
    for lesson in result.lessons:
        state = "ready" if lesson.status == "done" else f"FAILED: {lesson.reason}"
        click.echo(f"  {lesson.spec.slug}/  {state}")
    click.echo(f"{result.index}  ({len(result.lessons) - len(result.failed)} of {len(result.lessons)} "
               f"lessons, {result.rendered} chapters rendered now)")
    if result.failed:
        names = ", ".join(lesson.spec.slug for lesson in result.failed)
        others = "the others are in" if len(result.failed) < len(result.lessons) else "see"
        raise click.ClickException(
            f"{len(result.failed)} of {len(result.lessons)} lessons failed ({names}): {others} "
            f"{folder}, where {result.course_json.name} says why."
        )


def course_lesson_settings(options: dict, chapters) -> RenderSettings:
    """The settings of one lesson of a course, from its options (every option `lesson` takes,
    as scenes.publishing.course.LessonSpec holds them): its run trained (or found in the cache),
    its text, title and voice checked. Raises click.UsageError (one sentence) when it cannot render."""
    _, trace_path = cached_trace(make_config(*(options[k] for k in TRAINING_KEYS)))
    settings = settings_from(trace_path, options)
    check_recordings(chapters, settings)
    return settings


@cli.command("page")
@trace_option
@click.option("--title", default=None, help="The lesson's title.  [default: the one it was rendered with]")
@click.option(
    "--out",
    type=TYPES["out"],
    default=MEDIA / "lesson",
    show_default=True,
    help="The lesson folder (made by `lesson`): index.html and quiz.md are written there.",
)
def page_cmd(trace_file, title, out):
    """Write the interactive page (index.html: the video, its chapters and transcript, the run to
    explore, questions) and quiz.md into a lesson folder made by `lesson`."""
    from scenes.publishing.lesson import rewrite_page

    rendered = {}
    try:
        rendered = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["settings"]
    except (OSError, ValueError, KeyError):
        pass
    if trace_file is None and "trace" in rendered:  # the lesson's run: its config trains the same trace
        _, trace_file = cached_trace(TrainConfig.from_dict(rendered["trace"]["config"]))
    _, trace_path = resolve_trace(trace_file)
    settings = render_settings(trace_path, title=title or rendered.get("title"))
    try:
        page, quiz = rewrite_page(out, settings, catalog.LESSON)
    except FileNotFoundError as e:
        raise click.UsageError(str(e)) from None
    click.echo(f"{page}\n{quiz}")


CLIP_QUALITIES = [q for q in QUALITIES if q != "2160p60"]  # slides want at most 1080p


@cli.command("clips")
@trace_option
@click.option(
    "--quality",
    type=click.Choice(CLIP_QUALITIES),
    default=None,
    help="Resolution and frame rate (at most 1080p).  [default: 1080p30; 720p30 with --pptx]",
)
@render_options
@voice_options
@click.option("--title", default=None, help="The lesson's title (on the contact sheet and the first clip).")
@click.option(
    "--chapter",
    "chapter_names",
    multiple=True,
    metavar="NAME",
    help="Only this chapter (repeat for more). Default: every chapter.",
)
@click.option("--gif", is_flag=True, help="Also a looping GIF of each clip (640 px wide, 12 fps).")
@click.option(
    "--webm", is_flag=True, help="Also a WebM of each clip with a transparent background (renders again)."
)
@click.option(
    "--pptx",
    is_flag=True,
    help="Also lesson.pptx: a PowerPoint deck, a slide per beat playing its clip (with its voice) when "
    "it opens, the narration as speaker notes.",
)
@click.option(
    "--stills-only",
    is_flag=True,
    help="A deck of stills and notes instead, without video (lesson-stills.pptx): for Google Slides, "
    "whose import drops videos, and for printing.",
)
@click.option(
    "--jobs",
    type=TYPES["jobs"],
    default=None,
    help="Chapters rendered at once.  [default: the number of cores]",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=MEDIA / "clips",
    show_default=True,
    help="Folder for the clips.",
)
def clips_cmd(trace_file, chapter_names, gif, webm, pptx, stills_only, jobs, out, **given):
    """One clip per beat for slide decks: NN-beat.mp4 (with its narration when voiced) and a PNG of its
    last frame, optionally GIF, transparent WebM and a PowerPoint deck, plus notes.md (speaker notes)
    and index.html (a contact sheet that also presents the clips full screen)."""
    from scenes.publishing.clips import render_clips
    from scenes.publishing.workers import default_jobs

    chapters = [find_chapter(n) for n in chapter_names] or list(catalog.LESSON)
    chapters = [c for c in catalog.LESSON if c in chapters]  # in lesson order, each once
    if given["quality"] is None:  # a deck of clips stays light: PowerPoint struggles with many 1080p clips
        given["quality"] = "720p30" if pptx and not stills_only else "1080p30"
    _, trace_path = resolve_trace(trace_file)
    settings = settings_from(trace_path, given)
    out = writable_folder(out)
    check_recordings(chapters, settings)
    with scratch_folder() as media:
        clips = render_clips(
            chapters,
            settings,
            out_dir=out,
            media_dir=media,
            jobs=jobs or default_jobs(),
            gif=gif,
            webm=webm,
            pptx=pptx,
            stills_only=stills_only,
        )
    click.echo(f"{len(clips)} clips in {out}  (index.html, notes.md)")
    if clips.deck:
        deck = clips.deck
        click.echo(f"  {deck.path.name}  ({deck.slides} slides, {deck.size / 1e6:.1f} MB)")


def merged_settings(config_file: Path | None, given: dict) -> dict:
    """The command's options with a lesson file under them: an option typed on the command
    line wins; otherwise the file's value; otherwise the option's default."""
    from click.core import ParameterSource

    from scenes.publishing.lessonfile import LessonFileError, load_lesson_file

    ctx = click.get_current_context()
    from_file = {}
    if config_file is not None:
        try:
            from_file = load_lesson_file(config_file)
        except LessonFileError as e:
            raise click.UsageError(str(e)) from None
    if "captions" in from_file:
        from_file["no_captions"] = not from_file.pop("captions")
    typed = {name for name in given if ctx.get_parameter_source(name) == ParameterSource.COMMANDLINE}
    merged = {
        name: (value if name in typed or name not in from_file else from_file[name])
        for name, value in given.items()
    }
    merged["training_given"] = bool(set(TRAINING_KEYS) & (typed | set(from_file)))
    return merged


def writable_folder(folder: Path) -> Path:
    """The output folder, made if needed; one that cannot be written is a usage error now, not
    after rendering."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".nextword-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise click.UsageError(f"cannot write to {folder}: {e.strerror or e}.") from None
    return folder


def main(argv=None):
    """Run the CLI on `argv` (default: the command line) and exit: 0 when done, 2 for bad input (one
    sentence, "Error: …", on stderr and nothing else), 1 for a failure, 130 when interrupted. The
    program is named `./nextword` when run through that script (NEXTWORD_PROG), else render.py."""
    try:
        cli.main(args=argv, prog_name=os.environ.get("NEXTWORD_PROG") or "render.py", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted: files finished before are intact", err=True)
        sys.exit(130)
    except click.UsageError as e:  # the sentence alone, without click's usage lines above it
        click.echo(f"Error: {e.format_message()}", err=True)
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except OSError as e:
        if e.errno == errno.ENOSPC:
            click.echo(
                f"Error: the disk is full ({e.filename or 'while writing'}); "
                "files finished before are intact.",
                err=True,
            )
        else:
            click.echo(f"Error: {e.strerror or e}{f': {e.filename}' if e.filename else ''}.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted: files finished before are intact", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
