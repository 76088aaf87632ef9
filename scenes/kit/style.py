"""One home for the look: palette, fonts, sizes and timings.

Every word of the vocabulary keeps one colour for the whole lesson
(`word_color`); values are blue when positive and red when negative.
"""

from __future__ import annotations

import colorsys

from manim import ManimColor, interpolate_color

# ---- palette ---------------------------------------------------------------
BACKGROUND = "#14171F"  # near-black blue: calm, and it prints well on slides
PANEL = "#1F2430"  # boxes behind groups of things
INK = "#ECEFF4"  # main text
MUTED = "#8A93A6"  # secondary text, axes, gridlines
ACCENT = "#FFD166"  # what the viewer should look at now
RIGHT = "#7BD389"  # the right answer
WRONG = "#F2777A"  # a wrong guess
POSITIVE = "#5AB0F0"  # values > 0
NEGATIVE = "#F2777A"  # values < 0
NEUTRAL = "#2A3040"  # a value of 0 (a cell's resting colour)

# Ten distinct, readable colours for the first ten vocabulary words; more words
# get colours spread evenly round the hue circle.
WORD_COLORS = [
    "#5AB0F0",  # blue
    "#FFB454",  # orange
    "#7BD389",  # green
    "#E58FD8",  # pink
    "#C3A6FF",  # lavender
    "#F7DC6F",  # yellow
    "#5ED6C8",  # teal
    "#FF8A65",  # coral
    "#A3C4F3",  # pale blue
    "#D4E157",  # lime
]
START_COLOR = MUTED  # the start-of-sentence token


def word_color(index: int, vocab_size: int | None = None) -> ManimColor:
    """The colour of vocabulary word `index`, the same in every scene."""
    if index < len(WORD_COLORS):
        return ManimColor(WORD_COLORS[index])
    hue = (index * 0.618034) % 1.0  # golden-ratio steps never repeat
    r, g, b = colorsys.hls_to_rgb(hue, 0.68, 0.6)
    return ManimColor.from_rgb((r, g, b))


def value_color(value: float, scale: float) -> ManimColor:
    """Colour of a number: NEUTRAL at 0, POSITIVE/NEGATIVE at |value| >= scale."""
    t = min(abs(float(value)) / scale, 1.0) if scale > 0 else 0.0
    end = POSITIVE if value >= 0 else NEGATIVE
    return interpolate_color(ManimColor(NEUTRAL), ManimColor(end), t)


# ---- type --------------------------------------------------------------------
FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"
# Sizes in Manim font units for a frame 8 units tall; scenes scale by frame size.
TITLE_SIZE = 40
HEADING_SIZE = 30
BODY_SIZE = 26
LABEL_SIZE = 22
SMALL_SIZE = 18
CAPTION_SIZE = 24

# ---- timing (seconds) ---------------------------------------------------------
READING_PAUSE = 0.6  # seconds added to every phrase's reading time (a breath between phrases)
FADE_TIME = 0.6
MOVE_TIME = 1.2

# ---- frame -------------------------------------------------------------------
SAFE_MARGIN = 0.05  # title-safe area: 5% in from each edge (EBU R 95 style)
# A vertical (9:16) frame is watched as a YouTube Short, whose app draws over the frame: the title,
# channel and subscribe button over the bottom fifth, the like/comment/share column on the right,
# the search bar at the top. Its safe area (fractions of the frame in from each edge): side, top, bottom.
SHORTS_MARGINS = (0.10, 0.08, 0.22)
