"""Narration: the one place a beat's words go, phrase by phrase.

A beat's narration is a sequence of phrases (a sentence or a clause). Each phrase
is one `with scene.say(text) as phrase:` block holding the animation that shows
what it says:

    with self.say("The one-hot column lines up with the table,") as phrase:
        phrase.play(onehot.animate.next_to(table, LEFT))          # fills the phrase
    with self.say("and its single 1 picks the “cat” row.") as phrase:
        phrase.play(Indicate(one), share=0.4)                     # 40% of the phrase
        phrase.play(row.animate.move_to(vector))                  # the rest of it

The phrase goes on screen as the caption (unless captions are off), is recorded
(its spoken clip and start time: rendering puts the clips on the sound track,
scenes.rendering.audio), and lasts as long as it is spoken (voiced) or takes to
read (silent). `phrase.play` times animations by the phrase, not by fixed run
times, so the picture moves while the words that name the motion are heard.
Whatever time is left at the end of the block is waited out.

Phrase ids: the k-th phrase of beat "03-softmax" is "03-softmax.k" (1-based). A
recording folder (--voice-dir) holds one file per phrase named by that id; the
first phrase may also be named by the beat id alone ("03-softmax.wav"), which is
all a beat of one phrase needs.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from manim import DOWN, FadeIn, FadeOut

from scenes.kit import style
from scenes.kit.text import panel, paragraph

MIN_PHRASE = 1.5  # seconds: no phrase passes quicker than this, however short
SPEECH_PAUSE = 0.4  # seconds of quiet after a spoken phrase before the next
HOLD = 0.3  # seconds a phrase's last animation ends before the phrase does, by default


def reading_time(content: str, words_per_second: float) -> float:
    """Seconds to read a phrase at a calm pace (`words_per_second`), pause included, never under
    MIN_PHRASE."""
    return max(MIN_PHRASE, len(content.split()) / words_per_second + style.READING_PAUSE)


@dataclass
class NarrationLine:
    """One phrase of a beat's narration, as recorded while the scene is built."""

    beat: str  # the beat id, chapter-qualified ("06-converged")
    text: str  # the words, numbers filled in from the trace
    duration: float  # seconds the phrase needs: its speech (when voiced) or its reading time
    start: float = 0.0  # scene time when it began
    end: float = 0.0  # scene time when the next phrase (or beat) took over
    audio: str | None = None  # the spoken clip, when voiced
    audio_duration: float = 0.0
    phrase: int = 1  # its place in the beat, from 1

    @property
    def id(self) -> str:
        """The phrase id: "<beat>.<k>" ("03-softmax.2"); what --voice-dir files are named."""
        return f"{self.beat}.{self.phrase}"


@dataclass
class Phrase:
    """A phrase being said: what `with scene.say(...) as phrase` gives, to time animations by."""

    line: NarrationLine
    scene: object

    @property
    def duration(self) -> float:
        """Seconds the phrase lasts in all (speech and pause, or reading time)."""
        return self.line.duration

    @property
    def remaining(self) -> float:
        """Seconds left of the phrase at the scene's current time (0 once it has run out)."""
        return max(0.0, self.line.start + self.line.duration - float(self.scene.time))

    def play(self, *animations, share: float | None = None, hold: float = HOLD, **kwargs) -> float:
        """Play `animations` together, timed by the phrase, and return their run time (s).

        share: the fraction of the phrase's whole duration they take (0 < share ≤ 1), cut to
        what is left; None: all that is left but `hold` seconds. Never under 0.25 s, so an
        animation is always seen moving, even when the phrase has run out.
        """
        left = self.remaining
        run_time = min(share * self.duration, left) if share is not None else left - hold
        run_time = max(0.25, run_time)
        self.scene.play(*animations, run_time=run_time, **kwargs)
        return run_time


@dataclass
class Narrator:
    scene: object  # the LessonScene narrated
    captions: bool  # show phrases on screen
    words_per_second: float
    speaker: object = None  # scenes.kit.voice.Speaker, or None for captions only
    lines: list[NarrationLine] = field(default_factory=list)
    caption: object = None  # the caption on screen now
    caption_text: str = ""

    @contextmanager
    def say(self, content: str, beat: str):
        scene = self.scene
        k = 1 + sum(1 for line in self.lines if line.beat == beat)
        line = NarrationLine(beat, content, reading_time(content, self.words_per_second),
                             start=float(scene.time), phrase=k)
        clip = self.speaker.clip(content, line.id, beat if k == 1 else None) if self.speaker else None
        if clip is not None:
            from scenes.kit.voice import wav_duration

            line.audio, line.audio_duration = str(clip), wav_duration(clip)
            line.duration = max(MIN_PHRASE, line.audio_duration + SPEECH_PAUSE)  # the picture waits
        self.lines.append(line)
        if self.captions:
            self._show_caption(content)
        phrase = Phrase(line, scene)
        yield phrase
        remaining = phrase.remaining
        if remaining > 1e-3:
            scene.wait(remaining)
        line.end = float(scene.time)
        scene.add_subcaption(content, duration=line.end - line.start, offset=line.start - line.end)
        for hook in getattr(scene, "phrase_end_hooks", ()):
            hook(scene, line.id)

    def _show_caption(self, content: str):
        if self.caption is not None and content == self.caption_text:
            return  # the same words again: the caption stays
        layout = self.scene.layout
        words = paragraph(content, style.CAPTION_SIZE * layout.text_scale, layout.caption_width)
        if words.height > layout.caption_height - 0.36:  # a long line: smaller type, never outside the band
            words.scale_to_fit_height(layout.caption_height - 0.36)
        box = panel(words, pad=0.18)
        caption = type(words)(box, words)
        caption.move_to(layout.caption_center).align_to([0, layout.safe_bottom, 0], DOWN)
        old, self.caption, self.caption_text = self.caption, caption, content
        if old is None:
            self.scene.play(FadeIn(caption, shift=0.1 * DOWN), run_time=0.3)
        else:  # lines change like subtitles: out, then in, never one over the other
            self.scene.play(FadeOut(old), run_time=0.12)
            self.scene.play(FadeIn(caption), run_time=0.18)

    def clear(self):
        if self.caption is not None:
            self.scene.play(FadeOut(self.caption), run_time=0.3)
            self.caption, self.caption_text = None, ""
