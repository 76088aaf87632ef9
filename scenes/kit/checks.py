"""Layout checks run at the end of every beat: text inside the title-safe area, no text over text,
no text too small to read."""

from __future__ import annotations

from manim import Text

from scenes.kit.text import GlyphNumber

TOLERANCE = 0.01  # frame units: touching edges are not overlaps
# Smallest font size on screen (manim units, the frame's short side being 8): a capital
# letter 16 pixels tall at 1080p, in landscape and in portrait alike.
MIN_TEXT_SIZE = 12


def visible_texts(scene) -> list:
    """Every text-like mobject on screen now (a Text or a GlyphNumber), not descending into them."""
    found, seen = [], set()

    def walk(mob):
        if id(mob) in seen:
            return
        seen.add(id(mob))
        if isinstance(mob, (Text, GlyphNumber)):
            if _visible(mob):
                found.append(mob)
            return
        for sub in mob.submobjects:
            walk(sub)

    for mob in scene.mobjects:
        walk(mob)
    return found


def _visible(mob) -> bool:
    shapes = [m for m in mob.family_members_with_points() if len(m.points) > 0]
    return bool(shapes) and any(m.get_fill_opacity() > 0.05 for m in shapes)


def _box(mob):
    shapes = [m for m in mob.family_members_with_points()
              if len(m.points) > 0 and m.get_fill_opacity() > 0.05]
    pts = [m.points for m in shapes]
    import numpy as np

    allp = np.concatenate(pts)
    return allp[:, 0].min(), allp[:, 1].min(), allp[:, 0].max(), allp[:, 1].max()


def _font_size(mob) -> float:
    """The size a text is drawn at now, scaling included."""
    if isinstance(mob, Text):
        return float(mob.font_size)
    return float(mob.size) * mob.drawn_scale  # a GlyphNumber: its own size, as scaled since


def describe(mob) -> str:
    if isinstance(mob, Text):
        return repr(mob.original_text)
    return f"number at {tuple(round(float(v), 2) for v in mob.get_center()[:2])}"


def layout_problems(scene) -> list[str]:
    """Sentences naming each text outside the safe area (see Layout.margins: in portrait, YouTube
    Shorts' safe area) and each pair of overlapping texts."""
    lay = scene.layout  # the title-safe area, or a Short's safe area in portrait
    left, right, bottom, top = lay.safe_left, lay.safe_right, lay.safe_bottom, lay.safe_top
    texts = visible_texts(scene)
    boxes = [_box(m) for m in texts]
    problems = []
    for mob, (x0, y0, x1, y1) in zip(texts, boxes):
        if x0 < left - TOLERANCE or x1 > right + TOLERANCE or y0 < bottom - TOLERANCE or y1 > top + TOLERANCE:
            problems.append(f"{describe(mob)} is outside the title-safe area")
    for mob in texts:
        size = _font_size(mob)
        if size < MIN_TEXT_SIZE - 0.05:
            problems.append(f"{describe(mob)} is too small to read (size {size:.1f} < {MIN_TEXT_SIZE})")
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            a, b = boxes[i], boxes[j]
            across = min(a[2], b[2]) - max(a[0], b[0])
            if across > TOLERANCE and min(a[3], b[3]) - max(a[1], b[1]) > TOLERANCE:
                problems.append(f"{describe(texts[i])} overlaps {describe(texts[j])}")
    return problems
