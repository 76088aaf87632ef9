"""The lesson's thumbnail: one frame, made from the trace (not a chapter of the lesson).

The lesson's title, the pair the lesson follows, and the right word's probability
before training and at the end, with a bar for each: the whole story in one picture.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, Rectangle, VGroup

from scenes.kit import style
from scenes.kit.base import LessonScene
from scenes.kit.formatting import percent
from scenes.kit.text import fit, number_text, paragraph, text
from scenes.lesson import Chapter


class Thumbnail(LessonScene):
    chapter_title = ""

    def construct(self):
        self.beat("thumbnail")
        lay, tr = self.layout, self.trace
        before, after = float(tr.p_correct[0, self.pair]), float(tr.p_correct[-1, self.pair])
        title = paragraph(self.settings.lesson_title, style.TITLE_SIZE * 1.25, lay.safe_width * 0.95)
        question = VGroup(*[self.chip(w, style.HEADING_SIZE * 1.3) for w in self.ctx],
                          text(self.reading_arrow, style.HEADING_SIZE * 1.3, style.MUTED),
                          self.chip(self.target, style.HEADING_SIZE * 1.3))
        question.arrange(self.reading_way, buff=0.2)
        big = style.TITLE_SIZE * 2.2
        # A run that blew up says so, in the colour of a wrong answer, where a run that learned
        # shows its epochs in the colour of a right one.
        if tr.diverged_epoch is not None:
            color, ended = style.WRONG, f"blew up in epoch {tr.diverged_epoch}"
        else:
            color, ended = style.RIGHT, f"after {tr.last_epoch} epochs"
        numbers = VGroup(number_text(percent(before), big, style.MUTED), text("→", big, style.MUTED),
                         number_text(percent(after), big, color)).arrange(RIGHT, buff=0.5)
        bar_w = numbers.width
        bars = VGroup()
        for value, color, label in ((before, style.MUTED, "before training"), (after, color, ended)):
            track = Rectangle(width=bar_w, height=0.3, stroke_color=style.MUTED, stroke_width=1.5,
                              fill_opacity=0)
            fill = Rectangle(width=max(value * bar_w, 1e-3), height=0.3, stroke_width=0, fill_color=color,
                             fill_opacity=1)
            fill.move_to(track.get_left(), aligned_edge=LEFT)
            caption = text(label, style.LABEL_SIZE * 1.2, color)
            bars.add(VGroup(VGroup(track, fill), caption).arrange(RIGHT, buff=0.3))
        bars.arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        story = VGroup(question, numbers, bars).arrange(DOWN, buff=0.45)
        group = VGroup(title, story).arrange(DOWN, buff=0.6)
        fit(group, lay.safe_width, lay.height * 0.9).move_to([0, 0, 0])
        self.add(group)
        self.wait(1 / 30)
        self.thumbnail_parts = group


THUMBNAIL = Chapter("Thumbnail", "scenes.chapters.thumbnail", "Thumbnail")
