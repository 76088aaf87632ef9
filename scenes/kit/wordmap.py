"""The word vectors as points on a fixed 2-D map, at any epoch of the run."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    RoundedRectangle,
    VGroup,
    VMobject,
)

from scenes.kit import style
from scenes.kit.cells import shortened
from scenes.kit.text import GlyphNumber, text

LABEL_SHARE = 0.4  # a word's label on the map is at most this share of the map's width
LABEL_BUFF = 0.08  # frame units between a dot and its label
# Where a label may sit beside its dot, in order of preference.
PLACES = (RIGHT, UP, DOWN, LEFT, UP + RIGHT, DOWN + RIGHT, UP + LEFT, DOWN + LEFT)


class WordMap(VGroup):
    """The word vectors as points on a fixed 2-D map.

    positions: (N, V, 2) every word's projected position at every epoch; the
    scale is fixed from all of them, so a point moves only when its vector does.
    """

    def __init__(self, positions, words, colors, *, width: float, height: float,
                 label_size: float = style.LABEL_SIZE):
        super().__init__()
        self.positions = np.asarray(positions, dtype=float)
        lo = self.positions.reshape(-1, 2).min(axis=0)
        hi = self.positions.reshape(-1, 2).max(axis=0)
        self.center_data = (lo + hi) / 2
        span = np.maximum(hi - lo, 1e-6)
        self.unit = min(width * 0.8 / span[0], height * 0.8 / span[1])
        self.frame = RoundedRectangle(width=width, height=height, corner_radius=0.15,
                                      stroke_color=style.MUTED, stroke_width=1, stroke_opacity=0.5,
                                      fill_color=style.PANEL, fill_opacity=0.5)
        self.dots = VGroup(*[Dot(radius=0.08, color=c) for c in colors])
        # A word too long for the map is cut short (the chips elsewhere show it whole).
        self.labels = VGroup(*[shortened(w, label_size, c, width * LABEL_SHARE)
                               for w, c in zip(words, colors)])
        slots = len(str(len(self.positions) - 1))
        self.epoch_number = GlyphNumber("0", style.SMALL_SIZE, style.MUTED, slots=slots)
        self.epoch_label = VGroup(text("epoch", style.SMALL_SIZE, style.MUTED), self.epoch_number)
        self.epoch_label.arrange(RIGHT, buff=0.12)
        self.epoch_label.next_to(self.frame.get_corner(UP + LEFT), DOWN + RIGHT, buff=0.15)
        self.add(self.frame, self.dots, self.labels, self.epoch_label)
        self.trails = None  # each word's path so far, once make_trails() is called
        self.set_epoch(0)

    def to_frame(self, xy) -> np.ndarray:
        c = self.frame.get_center()
        d = (np.asarray(xy) - self.center_data) * self.unit
        return np.array([c[0] + d[0], c[1] + d[1], 0.0])

    def set_epoch(self, t: float):
        """Points at epoch t (between two epochs: on the straight line joining them)."""
        lo = int(np.floor(t))
        hi = min(lo + 1, len(self.positions) - 1)
        xy = self.positions[lo] * (1 - (t - lo)) + self.positions[hi] * (t - lo)
        self.epoch_number.set_text(str(lo))
        if self.trails is not None:
            for k, trail in enumerate(self.trails):
                path = [self.to_frame(p) for p in self.positions[: lo + 1, k]] + [self.to_frame(xy[k])]
                trail.set_points_as_corners(path + [path[-1] + RIGHT * 1e-4] if len(path) < 2 else path)
        # Every dot first, then each label beside its dot where it covers no other label or dot.
        # The boxes are worked out from the sizes (as next_to would place them) and each label
        # moved once: this runs on every frame the map changes.
        centres = [self.to_frame(p) for p in xy]
        for dot, c in zip(self.dots, centres):
            dot.move_to(c)
        radii = [dot.width / 2 for dot in self.dots]
        placed = [_bounds(self.epoch_label)] + [(c[0] - r, c[1] - r, c[0] + r, c[1] + r)
                                               for c, r in zip(centres, radii)]
        x0, y0, x1, y1 = _bounds(self.frame)
        for c, r, label in zip(centres, radii, self.labels):
            half = np.array([label.width / 2, label.height / 2])
            for direction in PLACES:
                d = direction[:2]
                # next_to(dot, d, buff=LABEL_BUFF): the label's far side from d against the dot's
                # side (or corner) toward d, LABEL_BUFF apart along each of d's axes
                x, y = c[:2] + d * (r + LABEL_BUFF) + d * half
                box = (x - half[0], y - half[1], x + half[0], y + half[1])
                inside = x0 <= box[0] and box[2] <= x1 and y0 <= box[1] and box[3] <= y1
                free = inside and not any(_overlap(box, other) for other in placed)
                if free:
                    break
            label.move_to([x, y, 0.0])
            # Crowded: the dot keeps its colour, the label steps aside rather than cover another.
            shown = 1.0 if free else 0.0
            if label.get_fill_opacity() != shown:  # setting it costs a pass over every glyph
                label.set_opacity(shown)
            placed += [box] if free else []
        return self


    def make_trails(self) -> VGroup:
        """Faint lines, one per word in its colour, tracing the word's path from epoch 0 to the epoch
        shown; set_epoch keeps them up to date from now on. Returns them, not added to the map (add
        them to the scene behind it, or to the map, as wanted)."""
        self.trails = VGroup(*[VMobject(stroke_color=dot.get_color(), stroke_width=2, stroke_opacity=0.55)
                               for dot in self.dots])
        t = float(self.epoch_number.content.strip() or 0)
        self.set_epoch(t)
        return self.trails


def full_map(scene) -> WordMap:
    """The word map as a beat's whole content: centred, as big as the frame allows (4 by 3 at most),
    from `scene.get_word_map` (every epoch's positions)."""
    lay = scene.layout
    w = lay.safe_width * (0.9 if lay.portrait else 0.6)
    return scene.get_word_map(w, min(lay.content_height * 0.95, w * 0.75)).move_to(lay.content_center)


def _bounds(mob) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1]


def _overlap(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


