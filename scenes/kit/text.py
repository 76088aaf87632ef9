"""Text on screen: plain text shown literally, numbers drawn from cached glyphs, and the
layouts of words (rows that wrap, columns, paragraphs, a panel behind a group)."""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    RoundedRectangle,
    Text,
    VGroup,
    VMobject,
    config,
)

from scenes.kit import style
from scenes.kit.formatting import wrap_words

LRM = "\u200e"  # LEFT-TO-RIGHT MARK: a line starting with it is laid out from the left edge


def right_to_left(content: str) -> bool:
    """Whether `content` is written right to left: its first strong character is Arabic, Hebrew,
    Syriac, Thaana, N'Ko... (Unicode bidirectional class R or AL; source: UAX #9, rule P2)."""
    for c in content:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def one_glyph_per_character(content: str) -> bool:
    """Text whose every character is drawn as one glyph of its own: Latin, Greek and Cyrillic
    letters, digits and punctuation, without combining marks or format characters."""
    return all(ord(c) < 0x0590 and unicodedata.category(c)[0] != "M" for c in content)


# Pango's line width when a text is typeset: far wider than any line on screen, so Pango never wraps.
_TYPESET_WIDTH = 100_000


class UnwrappedText(Text):
    """Manim's Text, typeset the same at every resolution: Manim gives Pango the frame's width in
    pixels as the line width, so at 144 pixels across a 7-unit title came out on two lines (and
    its typeset SVG, cached under a name that leaves the width out, was then reused at any
    resolution). Lines break only where the text says; the layouts wrap words themselves."""

    def _text2hash(self, color) -> str:
        return "w" + super()._text2hash(color)[1:]  # not the name a wrapped SVG was cached under

    def _text2svg(self, color) -> str:
        wide = config.pixel_width
        config.pixel_width = _TYPESET_WIDTH
        try:
            return super()._text2svg(color)
        finally:
            config.pixel_width = wide


def text(content: str, size: float = style.BODY_SIZE, color=style.INK, font: str = style.FONT, **kw) -> Text:
    """Plain text, shown literally (never parsed as markup or LaTeX), in any script.

    The text is normalised (NFC, invisible format characters dropped where they mean nothing: see
    model.data.normalise). Latin, Greek and Cyrillic text is drawn one glyph per character (no
    ligatures). Anything else (Arabic, Hebrew, Thai, Indic scripts, emoji sequences, combining
    accents) is drawn as the font shapes it, never by counting characters; a right-to-left line
    is laid out from the left edge of its surface (a leading LRM), so none of it falls outside.
    `original_text` holds the normalised text, as the viewer reads it.
    """
    from model.data import normalise

    try:
        key = (content, float(size), str(color), font, tuple(sorted(kw.items())))
        made = _MADE.get(key)
    except TypeError:  # an unhashable option: made afresh every time
        key, made = None, None
    if made is not None:
        _MADE.move_to_end(key)
        return made.copy()
    shown = normalise(content)
    if one_glyph_per_character(shown):
        mob = UnwrappedText(shown, font=font, font_size=size, color=color, disable_ligatures=True, **kw)
    else:
        laid = "\n".join(LRM + line if right_to_left(line) else line for line in shown.split("\n"))
        mob = UnwrappedText(laid, font=font, font_size=size, color=color, disable_ligatures=False, **kw)
        mob.original_text = shown
    mob = _lighten(mob)
    if key is not None:
        _MADE[key] = mob.copy()  # a pristine copy: the caller may move, scale or recolour its own
        if len(_MADE) > _MADE_MOST:
            _MADE.popitem(last=False)
    return mob


def glyphs_of(mob: Text, part: str) -> tuple[VGroup, VGroup] | None:
    """The glyphs of the first `part` in the text `mob`, and the rest of its glyphs:
    (VGroup(part's glyphs), VGroup(the others)), both in reading order. None when `mob` does not
    hold `part`, or is not drawn one glyph per character (a shaped script, a ligature).
    (Manim keeps a glyph for every character of a text drawn without ligatures, spaces included
    as empty ones, and drops the spaces otherwise: both are read.)"""
    content = getattr(mob, "original_text", None) or mob.text
    glyphs = list(mob.submobjects)
    if len(glyphs) != len(content):
        content = "".join(content.split())
        part = "".join(part.split())
    start = content.find(part)
    if not part or start < 0 or len(glyphs) != len(content):
        return None
    inside = glyphs[start:start + len(part)]
    return VGroup(*inside), VGroup(*[g for g in glyphs if all(g is not k for k in inside)])


# Texts made in this process, by everything that shapes them: typesetting one (Pango, then parsing
# its SVG) costs ~45 ms, copying a made one ~4 ms, and a chapter makes the same labels, captions and
# ticks many times over (every layout it tries, every shape, every run it is rendered for).
_MADE: OrderedDict = OrderedDict()
_MADE_MOST = 2000


def _lighten(mob):
    """Drop each glyph's parsed SVG path once its points exist: it is never read again,
    and deep-copying it made every FadeIn of a paragraph cost ~80 ms."""
    for m in mob.get_family():
        if getattr(m, "path_obj", None) is not None:
            m.path_obj = None
    return mob


_NUMBER_CHARS = "0123456789.,%-+−×=()/e "


@lru_cache(maxsize=None)
def _glyph_sheet(size: float) -> tuple[dict[str, tuple[VMobject, int]], float]:
    """Every number character typeset once in the monospace font, and the advance per character."""
    sheet = "".join(c for c in _NUMBER_CHARS if c != " ")
    ref = text(sheet, size, font=style.MONO)
    ref.move_to(ORIGIN)
    glyphs = {c: (g, i) for i, (c, g) in enumerate(zip(sheet, ref.submobjects))}
    # Digits sit centred in their cells.
    advance = (ref.submobjects[9].get_center()[0] - ref.submobjects[0].get_center()[0]) / 9
    return glyphs, advance


def number_text(content: str, size: float = style.LABEL_SIZE, color=style.INK):
    """A number typeset from cached glyphs, always in the same monospace font.

    Content with other characters falls back to plain monospace text.
    """
    if any(c not in _NUMBER_CHARS for c in content):
        return text(content, size, color, font=style.MONO)
    return GlyphNumber(content, size, color)


_ARM = 1e-3  # frame units: the length of a GlyphNumber's scale marks


class GlyphNumber(VGroup):
    """A number whose characters can be changed in place, every frame, cheaply.

    It owns one path per character slot (`slots` of them) and rewrites their
    points from cached glyphs: no new mobjects, so it animates safely inside
    updaters. Scaled or moved, it keeps drawing new characters at its drawn size and
    place. Pad with spaces (f"{percent(p):>5}") to keep digits from jumping. Characters
    other than digits and . , % - + − × = ( ) / are not supported.
    """

    def __init__(self, content: str, size: float = style.LABEL_SIZE, color=style.INK,
                 slots: int | None = None):
        super().__init__()
        self.size = size  # the glyphs come from the cached sheet, never stored here (copies stay cheap)
        glyphs, advance = _glyph_sheet(size)
        # An invisible mark at the left edge of slot 0, with two tiny arms (right and up): it remembers
        # where the number is and how much it has been scaled, so new digits are drawn as it is drawn.
        self.home = np.array([glyphs["0"][0].get_center()[0] - advance / 2, 0.0, 0.0])
        h, e = self.home, _ARM
        marks = np.array([h, h + RIGHT * e, h + UP * e, h])
        self.anchor = VMobject(stroke_width=0, fill_opacity=0).set_points(marks)
        self.cells = [VMobject(fill_color=color, fill_opacity=1, stroke_width=0)
                      for _ in range(slots or len(content))]
        self.add(self.anchor, *self.cells)
        self.set_text(content)

    def set_text(self, content: str) -> "GlyphNumber":
        if len(content) > len(self.cells):
            raise ValueError(f"{content!r} has more than {len(self.cells)} characters.")
        self.content = content  # what it shows (read by tests and checks)
        glyphs, advance = _glyph_sheet(self.size)
        a = self.anchor.points
        scale = np.array([np.linalg.norm(a[1] - a[0]) / _ARM, np.linalg.norm(a[2] - a[0]) / _ARM, 1.0])
        for k, cell in enumerate(self.cells):
            c = content[k] if k < len(content) else " "
            if c == " ":
                cell.clear_points()
                continue
            if c not in glyphs:
                raise ValueError(f"GlyphNumber cannot show {c!r}.")
            g, i = glyphs[c]
            cell.set_points((g.points + RIGHT * (k - i) * advance - self.home) * scale + a[0])
        return self

    @property
    def drawn_scale(self) -> float:
        """How much the number has been scaled since it was made (1: its own size)."""
        return float(np.linalg.norm(self.anchor.points[2] - self.anchor.points[0]) / _ARM)


def flow(items, max_width: float, h_buff: float = 0.15, v_buff: float = 0.25, rtl: bool = False) -> VGroup:
    """Lay items out in reading order in rows no wider than max_width (like words in a paragraph),
    each row centred: left to right, or right to left when `rtl` (an Arabic or Hebrew text, whose
    first word sits at the right). Returns the group of rows; each row keeps the items' order."""
    rows, row, width = [], [], 0.0
    for item in items:
        w = item.width + (h_buff if row else 0)
        if row and width + w > max_width:
            rows.append(row)
            row, width = [], 0.0
            w = item.width
        row.append(item)
        width += w
    if row:
        rows.append(row)
    way = LEFT if rtl else RIGHT
    out = VGroup(*[VGroup(*r).arrange(way, buff=h_buff) for r in rows]).arrange(DOWN, buff=v_buff)
    return out


def flow_fitting(items, max_width: float, max_height: float, h_buff: float, v_buff: float,
                 floor: float, rtl: bool = False) -> VGroup:
    """`items` flowed into rows (see text.flow) at the largest scale, 1 at most, whose block fits
    max_width × max_height: each item (and the gaps) scaled in place, so that a smaller scale puts
    more items on each row and the block keeps the full width (a block flowed at full size and
    then scaled down would stand narrow, its words needlessly small). Never below `floor` (a
    fraction, 0 < floor ≤ 1): a block still too big there is scaled down to fit. Rows run right to
    left when `rtl`. Returns the rows."""
    scale = 1.0
    while True:
        block = flow(items, max_width, h_buff * scale, v_buff * scale, rtl=rtl)
        if block.height <= max_height or scale <= floor:
            break
        new = max(floor, scale * 0.96)
        for item in items:
            item.scale(new / scale)
        scale = new
    return fit(block, max_width, max_height)


def columns(items, max_width: float, max_height: float, buff: float = 0.6, most: int = 3,
            pitch: float | None = None, rtl: bool = False) -> VGroup:
    """Items (rows of a list) in the fewest columns, up to `most`, that keep them at 85% of their
    size or more inside max_width × max_height; scaled down only as far as needed. Rows are
    stacked `pitch` apart (centre to centre) when given, else packed. Rows start at the left edge of
    their column and the first column is at the left, or all from the right when `rtl`."""
    edge = RIGHT if rtl else LEFT

    def build(k):
        per = -(-len(items) // k)
        cols = VGroup()
        for i in range(0, len(items), per):
            col = VGroup(*items[i:i + per])
            if pitch is None:
                col.arrange(DOWN, aligned_edge=edge, buff=0.14)
            else:
                side = max(m.get_right()[0] for m in col) if rtl else min(m.get_left()[0] for m in col)
                for j, m in enumerate(col):
                    m.move_to([side - edge[0] * m.width / 2, -j * pitch, 0])
            cols.add(col)
        return cols.arrange(-edge, aligned_edge=UP, buff=buff)

    best = None
    for k in range(1, most + 1):
        group = build(k)
        scale = min(1.0, max_width / group.width, max_height / group.height)
        if best is None or scale > best[0] + 1e-9:
            best = (scale, k)
        if scale >= 0.85:
            break
    return build(best[1]).scale(best[0])


def fit_width(mob, max_width: float):
    """Scale `mob` down (never up) to fit `max_width`."""
    if mob.width > max_width > 0:
        mob.scale_to_fit_width(max_width)
    return mob


def fit(mob, max_width: float | None = None, max_height: float | None = None):
    """Scale `mob` down (never up) to fit inside max_width × max_height (either may be None)."""
    if max_width is not None:
        fit_width(mob, max_width)
    if max_height is not None and mob.height > max_height:
        mob.scale_to_fit_height(max_height)
    return mob


def labelled(label: str, number: str, size: float = style.LABEL_SIZE, color=style.MUTED, number_color=None,
             *, buff: float = 0.15, direction=RIGHT, number_size: float | None = None) -> VGroup:
    """A label and its number ("learning rate 0.01"): the words in the text font, then (to the
    right, or below with direction=DOWN) the number in the number font. The number takes the
    label's colour and size unless given its own."""
    words = text(label, size, color)
    value = number_text(number, number_size or size, number_color or color)
    return VGroup(words, value).arrange(direction, buff=buff)


def grid(rows, *, gap: float = 0.35, pitch: float = 0.5, align=LEFT) -> VGroup:
    """Cells in aligned columns, a table without lines. `rows`: a list of rows, each a list of
    mobjects (its cells, left to right). Every column is as wide as its widest cell and `gap` from
    the next; the rows are `pitch` apart, centre to centre, the first at y = 0. `align`: LEFT or
    RIGHT, for every column or (a list) for each. Returns a VGroup of the rows, each a VGroup
    of its cells."""
    rows = [list(row) for row in rows]
    n = max(len(row) for row in rows)
    aligns = list(align) if isinstance(align, (list, tuple)) else [align] * n
    widths = [max(row[j].width for row in rows if j < len(row)) for j in range(n)]
    starts = [0.0]
    for w in widths[:-1]:
        starts.append(starts[-1] + (w + gap))
    table = VGroup()
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            x = starts[j] + (widths[j] if aligns[j][0] > 0 else 0.0)
            cell.move_to([x, -i * pitch, 0], aligned_edge=aligns[j])
        table.add(VGroup(*row))
    return table


def wrap_lines(content: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap using the font's average character width (DejaVu Sans)."""
    per_char = 0.0075 * size  # measured: 0.178 units per character at size 24
    return wrap_words(content.split(), max(8, int(max_width / per_char)))


def paragraph(content: str, size: float, max_width: float, color=style.INK) -> VGroup:
    """Wrapped, centred lines of plain text that fit `max_width`."""
    lines = VGroup(*[text(line, size, color) for line in wrap_lines(content, size, max_width)])
    lines.arrange(DOWN, buff=0.12 * size / 24)
    return fit_width(lines, max_width)



def panel(mob, pad: float = 0.25) -> RoundedRectangle:
    """A soft box behind a group."""
    return RoundedRectangle(
        width=mob.width + 2 * pad,
        height=mob.height + 2 * pad,
        corner_radius=0.15,
        fill_color=style.PANEL,
        fill_opacity=0.85,
        stroke_width=0,
    ).move_to(mob)
