"""The lesson as an interactive page: `index.html` beside `lesson.mp4`, with the video, its
chapters and transcript, the real run to explore (an epoch slider over the recorded epochs),
the comparison runs, and questions that pause the video; `quiz.md` for teachers.

One folder, no network: the page's script, style and data are inside index.html (a page
opened from file:// may not fetch files, nor load a <track>): the captions and transcript
come from cues in the data. Every number the page shows is written here, by
scenes.kit.formatting, from the trace; the page's script only draws. User text reaches the
page as JSON data (with <, > and & escaped) and is put on screen as text, never as markup.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from model.analysis import focus_pair, learning_rate_names, word_map, word_map_basis
from model.experiments import CONTEXT_ONE, LR_TOO_LARGE, LR_TOO_SMALL
from model.trace import Trace
from scenes.files import write_text
from scenes.kit import style
from scenes.kit.formatting import clock, learning_rate, loss_value, percent, signed
from scenes.rendering.subtitles import Cue

ASSETS = Path(__file__).resolve().parent / "page_assets"
RUN_NAMES = {
    "main": "this run",
    LR_TOO_SMALL: "learning rate too small",
    "smaller": "smaller learning rate",
    LR_TOO_LARGE: "learning rate too large",
    "larger": "larger learning rate",
    CONTEXT_ONE: "one word of context",
}  # by the names model.analysis.learning_rate_names gives the learning-rate runs


def run_data(trace: Trace, label: str) -> dict:
    """One run for the explorer: per epoch, the mean loss, every pair's probabilities (values for
    the bars, labels for the numbers), the focus word's vector and the fixed 2-D word map."""
    p = focus_pair(trace)
    ctx, _ = trace.pair_words(p)
    word = ctx[-1]
    word_id = trace.vocab.index(word) if word in trace.vocab else trace.V  # the start token: row V
    mean, basis = word_map_basis(trace)
    positions = np.stack([word_map(trace, e, mean, basis) for e in range(trace.n_epochs)])  # (N, V, 2)
    probs = trace.probs  # (N, P, V)
    return {
        "label": label,
        "lr": learning_rate(trace.config.lr),
        "context": trace.config.context,
        "epochs": trace.last_epoch,
        "diverged_epoch": trace.diverged_epoch,
        "vocab": list(trace.vocab),
        "colors": [style.word_color(i).to_hex() for i in range(trace.V)],  # each word's colour in the video
        "pairs": [
            {"context": c, "target": t, "target_id": int(trace.targets[i])}
            for i, (c, t) in enumerate(trace.pair_words(i) for i in range(trace.P))
        ],
        "focus_pair": p,
        "mean_loss": [round(float(x), 6) for x in trace.mean_loss],
        "mean_loss_text": [loss_value(x, 3) for x in trace.mean_loss],
        "random_baseline": round(trace.random_baseline, 6),
        "random_baseline_text": loss_value(trace.random_baseline),
        "accuracy_text": [percent(a) for a in trace.accuracy],
        "probs": np.round(probs, 5).tolist(),
        "probs_text": [[[percent(x) for x in row] for row in epoch] for epoch in probs],
        "vector_word": word,
        "vector": [[signed(v).strip() for v in trace.embeddings[e, word_id]] for e in range(trace.n_epochs)],
        "map": np.round(positions, 5).tolist(),
        "facts": {
            k: trace.facts()[k] for k in ("convergence_epoch", "all_correct_epoch", "loss_halved_epoch")
        },
    }


def questions(trace: Trace, beat_starts: dict[str, float]) -> list[dict]:
    """Pause-and-predict questions, each answered by the run, each asked where its beat starts
    (before the video shows the answer). beat_starts: beat id -> seconds into the lesson."""
    p = focus_pair(trace)
    ctx, _ = trace.pair_words(p)
    out = []
    guess = trace.vocab[int(np.argmax(trace.probs[0, p]))]
    if "03-guess" in beat_starts:
        out.append(
            {
                "at": beat_starts["03-guess"],
                "question": f"After “{' '.join(ctx)}”, which word will the untrained network "
                "give the most probability?",
                "choices": list(trace.vocab[:8]) if guess in trace.vocab[:8] else [guess, *trace.vocab[:7]],
                "answer": guess,
                "explain": f"“{guess}”, with {percent(trace.probs[0, p].max())}: before training every word "
                f"gets about {percent(1 / trace.V)}, so the best guess is close to a random pick.",
            }
        )
    right = trace.all_correct_epoch
    first_six = [b for b in beat_starts if b.startswith("06-")]
    if right is not None and first_six:
        options = sorted({right, max(1, right // 2), right * 2, min(trace.last_epoch, right * 4)})
        out.append(
            {
                "at": beat_starts[first_six[1] if len(first_six) > 1 else first_six[0]],
                "question": "At which epoch is every guess of the network right for the first time?",
                "choices": [str(e) for e in options],
                "answer": str(right),
                "explain": f"Epoch {right}: from then on the right word is the likeliest one for every pair, "
                f"though the loss keeps falling until about epoch {trace.convergence_epoch}.",
            }
        )
    return out


def quiz_markdown(title: str, items: list[dict]) -> str:
    """quiz.md: the page's questions with their answers, for teachers."""
    out = [
        f"# {title}: questions",
        "",
        "The interactive page (index.html) pauses the video for each of these.",
        "",
    ]
    for k, q in enumerate(items, 1):
        out += [
            f"## {k}. {q['question']}",
            "",
            f"Asked at {clock(q['at'])}. Choices: {', '.join(q['choices'])}.",
            "",
            f"**Answer:** {q['answer']}. {q['explain']}",
            "",
        ]
    return "\n".join(out)


def page_data(
    *,
    title: str,
    video: str,
    trace: Trace,
    comparisons: dict[str, Trace],
    chapters: list[tuple[str, float]],
    cues: list[Cue],
    lines: list[tuple[str, float, float, str]],
    beat_starts: dict[str, float],
    captions_in_video: bool = True,
    poster: str | None = "thumbnail.png",
) -> dict:
    """Everything the page shows, as plain data. chapters: (title, start s); cues: the lesson's
    subtitle cues; lines: (beat id, start s, end s, text) of the transcript; captions_in_video:
    the video draws its captions itself (the page's own captions are then off until asked for);
    poster: the picture shown before the video plays (a file beside the page)."""
    runs = {"main": run_data(trace, RUN_NAMES["main"])}
    rates = {name: run for name, run in comparisons.items() if name in (LR_TOO_SMALL, LR_TOO_LARGE)}
    called = learning_rate_names({**rates, "just right": trace})
    runs.update({name: run_data(run, RUN_NAMES.get(called.get(name, name), name))
                 for name, run in comparisons.items()})
    return {
        "title": title,
        "video": video,
        "poster": poster,
        "chapters": [{"title": t, "start": round(s, 3), "clock": clock(s)} for t, s in chapters],
        "cues": [{"start": round(c.start, 3), "end": round(c.end, 3), "text": c.text} for c in cues],
        "transcript": [
            {"beat": b, "start": round(s, 3), "end": round(e, 3), "clock": clock(s), "text": t}
            for b, s, e, t in lines
        ],
        "captions_in_video": captions_in_video,
        "runs": runs,
        "questions": questions(trace, beat_starts),
    }


def _script_json(data: dict) -> str:
    """JSON safe inside a <script> element: <, > and & escaped, so no text can end the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def page_html(data: dict) -> str:
    """index.html: the page's markup, style, script and data in one file (placeholders filled in
    one pass, so nothing a user wrote is ever read as a placeholder)."""
    import html
    import re

    parts = {
        "TITLE": html.escape(data["title"]),
        "STYLE": (ASSETS / "page.css").read_text(encoding="utf-8"),
        "SCRIPT": (ASSETS / "page.js").read_text(encoding="utf-8"),
        "DATA": _script_json(data),
    }
    template = (ASSETS / "page.html").read_text(encoding="utf-8")
    return re.sub(r"\{\{(TITLE|STYLE|SCRIPT|DATA)\}\}", lambda m: parts[m[1]], template)


def write_page(out_dir: Path, data: dict) -> tuple[Path, Path]:
    """index.html and quiz.md in out_dir, written whole or not at all."""
    page = write_text(out_dir / "index.html", page_html(data))
    quiz = write_text(out_dir / "quiz.md", quiz_markdown(data["title"], data["questions"]))
    return page, quiz


def lesson_page(
    out_dir: Path, settings, chapters, records, offsets: list[float], cues: list[Cue]
) -> tuple[Path, Path]:
    """Write index.html and quiz.md for a rendered lesson in out_dir: its chapters (Chapter list),
    their records (scenes.publishing.workers.ChapterRecord) and offsets (seconds), its cues."""
    trace = settings.load_trace()
    comparisons = {name: settings.load_comparison(name) for name, _ in settings.comparisons}
    lines, beat_starts = [], {}
    for record, offset in zip(records, offsets):
        for line in record.narration():
            lines.append((line.beat, offset + line.start, offset + line.end, line.text))
        for beat, start in zip(record.beats, record.beat_starts):
            beat_starts[f"{record.index:02d}-{beat}"] = offset + start
    data = page_data(
        title=settings.lesson_title,
        video="lesson.mp4",
        trace=trace,
        comparisons=comparisons,
        chapters=[(c.title, o) for c, o in zip(chapters, offsets)],
        cues=cues,
        lines=lines,
        beat_starts=beat_starts,
        captions_in_video=settings.captions,
    )
    return write_page(out_dir, data)
