"""What every chapter shares: the trace, the frame layout, beats and narration.

A chapter's `construct()` reads like a storyboard: it calls one method per
beat, and each beat starts with `self.beat(id)` (one Manim section per beat)
and narrates its idea with `with self.say(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, ReplacementTransform, Scene, VGroup, config

from model.analysis import focus_pair
from scenes.kit import style
from scenes.kit.cells import word_chip
from scenes.kit.narration import Narrator
from scenes.kit.text import fit_width, glyphs_of, right_to_left, text
from scenes.kit.voice import Speaker
from scenes.lesson import chapter_number
from scenes.rendering.settings import RenderSettings


@dataclass(frozen=True)
class Layout:
    """Regions of the frame, computed from its size (so 9:16 re-lays out, not crops)."""

    width: float
    height: float

    @classmethod
    def from_config(cls) -> "Layout":
        return cls(float(config.frame_width), float(config.frame_height))

    @property
    def portrait(self) -> bool:
        return self.height > self.width

    @property
    def stacked(self) -> bool:
        """Too narrow for big panels side by side (portrait or square): stack them."""
        return self.width < 12

    @property
    def square(self) -> bool:
        return abs(self.height - self.width) < 1e-6

    @property
    def text_scale(self) -> float:
        """Text sizes are in frame units (see scenes/formats.py): 1 for every frame shape."""
        return 1.0

    @property
    def margins(self) -> tuple[float, float, float]:
        """Fractions of the frame kept clear at each side, the top and the bottom: the title-safe
        margin, or in portrait the YouTube Shorts safe area (style.SHORTS_MARGINS)."""
        return style.SHORTS_MARGINS if self.portrait else (style.SAFE_MARGIN,) * 3

    @property
    def safe_left(self) -> float:
        return -self.width / 2 + self.width * self.margins[0]

    @property
    def safe_right(self) -> float:
        return -self.safe_left

    @property
    def safe_top(self) -> float:
        return self.height / 2 - self.height * self.margins[1]

    @property
    def safe_bottom(self) -> float:
        return -self.height / 2 + self.height * self.margins[2]

    @property
    def safe_width(self) -> float:
        return self.safe_right - self.safe_left

    @property
    def title_height(self) -> float:
        return 0.9 * self.text_scale

    @property
    def caption_height(self) -> float:
        return (2.2 if self.portrait else 2.1 if self.square else 1.55) * self.text_scale

    @property
    def caption_width(self) -> float:
        return self.safe_width * 0.94

    @property
    def caption_center(self) -> np.ndarray:
        return np.array([0.0, self.safe_bottom + self.caption_height / 2, 0.0])

    @property
    def content_top(self) -> float:
        return self.safe_top - self.title_height - 0.15

    @property
    def content_bottom(self) -> float:
        return self.safe_bottom + self.caption_height + 0.15

    @property
    def content_height(self) -> float:
        return self.content_top - self.content_bottom

    @property
    def content_center(self) -> np.ndarray:
        return np.array([0.0, (self.content_top + self.content_bottom) / 2, 0.0])

    def halves(self) -> tuple[np.ndarray, np.ndarray, float, float]:
        """Two content regions side by side (landscape) or stacked (portrait): centres and size."""
        c = self.content_center
        if self.portrait:
            h = self.content_height / 2
            return c + UP * h / 2, c + DOWN * h / 2, self.safe_width, h * 0.92
        w = self.safe_width / 2
        return c + np.array([-w / 2, 0, 0]), c + np.array([w / 2, 0, 0]), w * 0.94, self.content_height

    def dashboard(self) -> list[tuple[np.ndarray, float, float]]:
        """Four panels (centre, width, height): in landscape a big one on the left and three on the
        right (one above two); in portrait four stacked, the first tallest."""
        c, W, H = self.content_center, self.safe_width, self.content_height
        if self.portrait:
            shares = [0.32, 0.26, 0.24, 0.18]
            tops = np.cumsum([0] + shares[:-1])
            return [
                (np.array([0, self.content_top - (t + f / 2) * H, 0]), W, f * H * 0.94)
                for t, f in zip(tops, shares)
            ]
        if self.square:  # two by two
            return [
                (c + x * W / 4 + y * H / 4, W / 2 * 0.96, H / 2 * 0.94)
                for x, y in ((LEFT, UP), (RIGHT, UP), (LEFT, DOWN), (RIGHT, DOWN))
            ]
        return [
            (c + LEFT * W / 4, W / 2 * 0.96, H),
            (c + RIGHT * W / 4 + UP * H / 4, W / 2 * 0.96, H / 2 * 0.94),
            (c + RIGHT * W / 8 + DOWN * H / 4, W / 4 * 0.95, H / 2 * 0.94),
            (c + RIGHT * 3 * W / 8 + DOWN * H / 4, W / 4 * 0.95, H / 2 * 0.94),
        ]


class LessonScene(Scene):
    """Base of every chapter: loads its traces in setup() from the settings, never trains."""

    chapter_title = ""

    settings: RenderSettings | None = (
        None  # set by scenes.rendering before render(); else from the environment
    )

    def setup(self):
        self.camera.background_color = style.BACKGROUND
        if self.settings is None:  # a plain `manim` run
            self.settings = RenderSettings.from_env()
        self.trace = self.settings.load_trace()
        self.layout = Layout.from_config()
        voice = self.settings.voice
        self.speaker = Speaker(voice, Path(self.settings.speech_dir)) if voice.speaks else None
        self.narrator = Narrator(self, self.settings.captions, self.settings.words_per_second, self.speaker)
        # The pair the lesson follows ("the cat → sat" by default; see model.analysis.focus_pair).
        self.pair = focus_pair(self.trace)
        self.ctx, self.target = self.trace.pair_words(self.pair)  # its context words and right word
        self.right = int(self.trace.targets[self.pair])  # the right word's vocabulary id
        # A right-to-left text (Arabic, Hebrew...): rows of its words read from the right.
        self.rtl = right_to_left(" ".join(w for sentence in self.trace.sentences for w in sentence))
        self.chapter_number = chapter_number(type(self).__name__)
        self.beats: list[str] = []
        self.beat_starts: list[float] = []  # scene time at which each beat began
        # Called as hook(scene, beat_id) when a beat ends (layout checks, stills).
        self.beat_end_hooks: list = list(getattr(type(self), "default_beat_end_hooks", []))
        # Called as hook(scene, phrase_id) when a phrase ends ("03-softmax.2"): layout checks mid-beat.
        self.phrase_end_hooks: list = list(getattr(type(self), "default_phrase_end_hooks", []))

    # ---- beats ----------------------------------------------------------------
    def beat(self, beat_id: str):
        """Start a new beat: ends the previous one and opens a Manim section."""
        self._end_beat()
        self.beats.append(beat_id)
        self.beat_starts.append(float(self.time))  # where a clip of this beat begins
        self.next_section(beat_id)

    def _end_beat(self):
        if self.beats:
            for hook in self.beat_end_hooks:
                hook(self, self.beats[-1])

    def tear_down(self):
        self._end_beat()
        super().tear_down()

    def beat_id(self, beat: str) -> str:
        """A beat's id across the whole lesson: chapter number and beat name ("06-converged")."""
        return f"{self.chapter_number:02d}-{beat}"

    def say(self, content: str):
        """`with self.say(phrase) as p:` narrates one phrase of the current beat; animations inside
        are timed by it with `p.play(...)` (see scenes.kit.narration)."""
        return self.narrator.say(content, self.beat_id(self.beats[-1] if self.beats else "start"))

    # ---- shared pieces ------------------------------------------------------
    def show_title(self, title: str):
        """The chapter title at the top of the safe area."""
        lay = self.layout
        mob = fit_width(text(title, style.TITLE_SIZE * lay.text_scale, style.INK), lay.safe_width)
        mob.move_to([0, lay.safe_top - lay.title_height / 2, 0])
        self.play(FadeIn(mob, shift=0.2 * DOWN), run_time=style.FADE_TIME)
        self.title_mob = mob
        return mob

    def rewrite(self, phrase, source, target, kept: str, share: float = 0.2, with_rest=()):
        """Rewrite the text `source` (on screen) as `target` (placed, not yet shown), keeping the
        part `kept` that both hold ("logits" into "exp(logits)…"): the rest of `source` fades out,
        the kept glyphs slide to their places in `target`, then the rest of `target` fades in with
        the animations `with_rest`; never one text drawn over another. Takes `share` of the
        phrase, in three even steps (two when nothing of `source` goes). A text without the part,
        or not drawn one glyph per character, fades out and `target` fades in."""
        old, new = glyphs_of(source, kept), glyphs_of(target, kept)
        if old is None or new is None:
            phrase.play(FadeOut(source), share=share / 2)
            phrase.play(FadeIn(target), *with_rest, share=share / 2)
            return
        (old_kept, old_rest), (new_kept, new_rest) = old, new
        going = VGroup(*[g for g in old_rest if g.has_points()])
        steps = 3 if len(going) else 2
        self.remove(source)
        self.add(old_kept, going)
        if len(going):
            phrase.play(FadeOut(going), share=share / steps)
        phrase.play(ReplacementTransform(old_kept, new_kept), share=share / steps)
        coming = [FadeIn(new_rest)] if any(g.has_points() for g in new_rest) else []
        if coming or with_rest:
            phrase.play(*coming, *with_rest, share=share / steps)
        self.remove(new_kept, new_rest)
        self.add(target)

    def clear_content(self, keep=()):
        """Fade out everything but the title, the caption and `keep`."""
        keep_ids = {id(m) for m in keep} | {id(getattr(self, "title_mob", None)), id(self.narrator.caption)}
        leaving = [m for m in self.mobjects if id(m) not in keep_ids]
        if leaving:
            self.play(*[FadeOut(m) for m in leaving], run_time=style.FADE_TIME)

    # ---- words ----------------------------------------------------------------
    def word_colors(self) -> list:
        return [style.word_color(i) for i in range(self.trace.V)]

    @property
    def reading_arrow(self) -> str:
        """The arrow pointing the way the text reads: → (or ← for a right-to-left text)."""
        return "←" if self.rtl else "→"

    @property
    def reading_way(self) -> np.ndarray:
        """The direction the text reads on screen: RIGHT (or LEFT for a right-to-left text)."""
        return LEFT if self.rtl else RIGHT

    def color_of(self, word: str):
        """A vocabulary word's colour; the start token is muted."""
        vocab = self.trace.vocab
        return style.word_color(vocab.index(word)) if word in vocab else style.START_COLOR

    def chip(self, word: str, size: float = style.BODY_SIZE, max_width: float | None = None):
        return word_chip(word, self.color_of(word), size * self.layout.text_scale, max_width)

    def get_word_map(self, width: float, height: float, label_size: float = style.LABEL_SIZE):
        """The words on the lesson's fixed 2-D map, with every epoch's positions (see model.analysis)."""
        from model.analysis import word_map, word_map_basis
        from scenes.kit.wordmap import WordMap

        tr = self.trace
        mean, basis = word_map_basis(tr)
        positions = np.stack([word_map(tr, e, mean, basis) for e in range(tr.n_epochs)])
        return WordMap(
            positions, tr.vocab, self.word_colors(), width=width, height=height, label_size=label_size
        )
