"""The narration as a script: what a teacher records from, and what `--voice-dir` expects."""

from __future__ import annotations

from scenes.kit.formatting import clock, learning_rate
from scenes.lesson import Chapter, chapter_number


def script_markdown(trace_config, chapters_lines: list[tuple[Chapter, float, list]]) -> str:
    """The narration as Markdown: chapter by chapter, beat by beat, each phrase with its id, its
    start in the lesson, its duration and its words. `chapters_lines`: (chapter, offset in seconds,
    NarrationLine list); `trace_config`: the TrainConfig of the run narrated."""
    total = max((offset + lines[-1].end for _, offset, lines in chapters_lines if lines), default=0.0)
    out = [
        "# Lesson script",
        "",
        f"Trained on “{trace_config.sentence}” (context {trace_config.context}, "
        f"{trace_config.epochs} epochs, learning rate {learning_rate(trace_config.lr)}, "
        f"seed {trace_config.seed}). Length {clock(total)}.",
        "",
        "Record one audio file per phrase, named by its id (for example `01-title.1.wav`), into a "
        "folder, and render with `--voice-dir FOLDER`; the picture follows each recording's length. "
        "A beat's first phrase may also be named by the beat alone (`01-title.wav`).",
    ]
    for chapter, offset, lines in chapters_lines:
        out += ["", f"## {chapter_number(chapter.name)}. {chapter.title} ({clock(offset)})"]
        for line in lines:
            if line.phrase == 1:
                out += ["", f"### {line.beat}"]
            out += [
                "",
                f"**{line.id}** · starts {clock(offset + line.start)} · {line.end - line.start:.1f} s",
                "",
                line.text,
            ]
    return "\n".join(out) + "\n"
