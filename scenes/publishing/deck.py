"""A PowerPoint deck of the clips (python-pptx): a title slide, a section slide per chapter,
then one slide per beat with its clip filling the slide, the clip's last frame as the poster,
its narration as the speaker notes, and the clip set to play when the slide opens.

python-pptx has no API for "Start: Automatically", so each beat slide gets the timing tree
PowerPoint itself writes for it (`autoplay_timing`). A deck of stills (`media="stills"`) holds
the PNGs instead of the clips: for Google Slides, whose PPTX import drops videos, and for
printing. The deck takes the clips' shape: 16:9, 9:16 or 1:1.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Pt

from scenes.files import atomic_path
from scenes.kit import style
from scenes.kit.formatting import clock

if TYPE_CHECKING:
    from scenes.publishing.clips import Clip

DECK = "lesson.pptx"  # the deck with the clips
STILLS_DECK = "lesson-stills.pptx"  # the deck with the stills only
LONG_SIDE = Emu(12192000)  # 13.333 in: PowerPoint's own widescreen width
TITLE_LAYOUT, SECTION_LAYOUT, BLANK_LAYOUT = 0, 2, 6  # in python-pptx's default template
MOVIE_VOLUME = 100000  # full: the clips are already at the lesson's loudness (-16 LUFS)


# Characters XML 1.0 cannot hold (C0 controls but tab, newline and return; lone surrogates;
# U+FFFE/U+FFFF): dropped from text that goes into an attribute or a property.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document cannot contain."""
    return _NOT_XML.sub("", text)


def slide_size(width: int, height: int) -> tuple[Emu, Emu]:
    """The slide for a picture of width × height pixels: the same shape, its long side 13.333 in
    (a 16:9 picture gives PowerPoint's widescreen 13.333 × 7.5 in)."""
    if width >= height:
        return LONG_SIDE, Emu(int(round(LONG_SIDE * height / width)))
    return Emu(int(round(LONG_SIDE * width / height))), LONG_SIDE


def autoplay_timing(shape_id: int, duration_ms: int) -> str:
    """The slide's `p:timing` as PowerPoint writes it for a video set to "Start: Automatically":
    in the main sequence, one effect that begins with the slide (`onBegin` of the sequence,
    `afterEffect`) and calls `playFrom(0.0)` on the movie; beside it the `p:video` media node
    of the same shape."""
    target = f'<p:tgtEl><p:spTgt spid="{int(shape_id)}"/></p:tgtEl>'
    slide = '<p:tgtEl><p:sldTgt/></p:tgtEl>'
    return (
        f"<p:timing {nsdecls('p')}><p:tnLst><p:par>"
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek">'
        '<p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        '<p:par><p:cTn id="3" fill="hold"><p:stCondLst><p:cond delay="indefinite"/>'
        '<p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        '<p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold" '
        'nodeType="afterEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="6" dur="{int(duration_ms)}" '
        f'fill="hold"/>{target}</p:cBhvr></p:cmd>'
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn>"
        f'<p:prevCondLst><p:cond evt="onPrev" delay="0">{slide}</p:cond></p:prevCondLst>'
        f'<p:nextCondLst><p:cond evt="onNext" delay="0">{slide}</p:cond></p:nextCondLst>'
        "</p:seq>"
        f'<p:video><p:cMediaNode vol="{MOVIE_VOLUME}"><p:cTn id="7" fill="hold" display="0">'
        f'<p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>{target}</p:cMediaNode></p:video>'
        "</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"
    )


def set_autoplay(slide, movie, duration: float) -> None:
    """Replace the slide's timing (python-pptx's adds play controls only) with autoplay_timing."""
    sld = slide._element
    old = sld.find(qn("p:timing"))
    if old is not None:
        sld.remove(old)
    sld._insert_timing(parse_xml(autoplay_timing(movie.shape_id, int(round(duration * 1000)))))


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _background(slide) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = _rgb(style.BACKGROUND)


def _place_text(shape, text: str, box: tuple[float, float, float, float], size: float, color: str,
                slide_w: int, slide_h: int, *, bold: bool = False) -> None:
    """Put `text` in a placeholder at `box` (fractions of the slide: left, top, width, height),
    in one size and colour, wrapped and centred. The text is set as text, never parsed."""
    left, top, width, height = box
    shape.left, shape.top = Emu(int(slide_w * left)), Emu(int(slide_h * top))
    shape.width, shape.height = Emu(int(slide_w * width)), Emu(int(slide_h * height))
    frame = shape.text_frame
    frame.text = xml_text(text)
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.CENTER
        for run in paragraph.runs:
            run.font.size = Pt(size)
            run.font.bold = bold
            run.font.color.rgb = _rgb(color)
            run.font._rPr.set("cap", "none")  # as written: the section layout would set it in capitals


def _text_slide(prs, layout: int, heading: str, line: str, heading_size: float) -> None:
    """A title or section slide: a heading (the slide's title placeholder) and one line under it."""
    slide = prs.slides.add_slide(prs.slide_layouts[layout])
    _background(slide)
    w, h = prs.slide_width, prs.slide_height
    title, body = slide.placeholders[0], slide.placeholders[1]
    _place_text(title, heading, (0.08, 0.22, 0.84, 0.36), heading_size, style.INK, w, h, bold=True)
    _place_text(body, line, (0.08, 0.60, 0.84, 0.16), 24, style.ACCENT, w, h)


def _beat_slide(prs, clip: Clip, media: str) -> None:
    """One beat: its clip (or its still) over the whole slide, its narration as the notes."""
    slide = prs.slides.add_slide(prs.slide_layouts[BLANK_LAYOUT])
    _background(slide)
    w, h = prs.slide_width, prs.slide_height
    if media == "stills":
        shape = slide.shapes.add_picture(str(clip.still), 0, 0, w, h)
    else:
        shape = slide.shapes.add_movie(
            str(clip.video), 0, 0, w, h, poster_frame_image=str(clip.still), mime_type="video/mp4"
        )
        set_autoplay(slide, shape, clip.duration)
    shape.name = clip.beat
    shape._element._nvXxPr.cNvPr.set("descr", xml_text(clip.text))  # alt text: what is said over it
    slide.notes_slide.notes_text_frame.text = xml_text(clip.text)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def build_deck(clips: list[Clip], title: str, dest: Path, *, media: str = "clips") -> int:
    """Write the deck to `dest` (whole or not at all); returns its number of slides.

    media="clips": each beat slide plays its clip (narration inside) when it opens;
    media="stills": each beat slide shows its still. Either way the notes are the narration."""
    if media not in ("clips", "stills"):
        raise ValueError(f"media must be 'clips' or 'stills', not {media!r}")
    if not clips:
        raise ValueError("a deck needs at least one clip")
    prs = Presentation()
    with Image.open(clips[0].still) as still:
        prs.slide_width, prs.slide_height = slide_size(*still.size)
    prs.part._element.sldSz.attrib.pop("type", None)  # the template says 4:3; the size is its own now
    made = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None)  # core properties: UTC
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = xml_text(title), "nextword", "nextword"
    props.comments, props.created, props.modified, props.revision = "", made, made, 1
    chapters = [list(group) for _, group in groupby(clips, key=lambda c: (c.chapter_number, c.chapter))]
    total = sum(c.duration for c in clips)
    landscape = prs.slide_width >= prs.slide_height
    _text_slide(
        prs,
        TITLE_LAYOUT,
        title,
        f"{plural(len(chapters), 'chapter')} · {plural(len(clips), 'clip')} · {clock(total)}",
        40 if landscape else 32,
    )
    for members in chapters:
        first = members[0]
        label = f"Chapter {first.chapter_number}" if first.chapter_number else "Chapter"
        line = f"{label} · {plural(len(members), 'clip')} · {clock(sum(c.duration for c in members))}"
        _text_slide(prs, SECTION_LAYOUT, first.chapter, line, 36 if landscape else 30)
        for clip in members:
            _beat_slide(prs, clip, media)
    with atomic_path(dest) as tmp:
        prs.save(str(tmp))
    return len(prs.slides)
