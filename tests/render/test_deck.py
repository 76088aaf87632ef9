"""The PowerPoint deck (`clips --pptx`, `--stills-only`) read back with python-pptx and PyAV, and
the contact sheet's present mode driven in headless Chromium. One chapter, rendered twice per
module at the test size with espeak: a 16:9 lesson, and a 9:16 one whose sentence and title are
markup."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import time
from pathlib import Path

import av
import pytest
from click.testing import CliRunner
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from model import TrainConfig, save_trace, train
from render import render_settings
from scenes.kit.voice import Voice
from scenes.lesson import DEFAULT_TITLE, find

CHAPTER = "HowWrongWasIt"
HOSTILE = '</script><b>x</b> & "quoted"'
NS = {
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p14": "http://schemas.microsoft.com/office/powerpoint/2010/main",
}
WIDESCREEN = (12192000, 6858000)  # EMU: 13.333 × 7.5 in


def _render(trace_file: Path, out: Path, **options):
    from scenes.publishing.clips import render_clips

    settings = render_settings(trace_file, quality="tiny", voice=Voice(engine="espeak"), **options)
    settings = settings.replace(speech_dir=out.parent / "speech")
    chapters = [find(CHAPTER)]
    clips = render_clips(chapters, settings, out_dir=out, media_dir=out.parent / "m", jobs=1, pptx=True)
    record = json.loads((out / ".nextword" / "nextword-chapters" / f"{CHAPTER}.json").read_text())
    narration = {}  # a beat's phrases, in order, are its narration (and its slide's speaker notes)
    for line in record["lines"]:
        narration[line["beat"]] = f'{narration[line["beat"]]} {line["text"]}' if line["beat"] in narration \
            else line["text"]
    return clips, out, narration


@pytest.fixture(scope="module")
def wide(small_trace_module_file, tmp_path_factory):
    return _render(small_trace_module_file, tmp_path_factory.mktemp("wide") / "clips")


@pytest.fixture(scope="module")
def tall(tmp_path_factory):
    """A 9:16 lesson whose words are markup: the sentence and the title."""
    root = tmp_path_factory.mktemp("tall")
    trace = save_trace(train(TrainConfig(sentence=HOSTILE, epochs=8)), root / "hostile.npz")
    return _render(trace, root / "clips", aspect="9:16", title=HOSTILE)


def _xpath(element, path: str) -> list:
    return etree.XPath(path, namespaces=NS)(element)


def _notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def _media_blob(slide, movie) -> bytes:
    """The bytes of the media part the movie embeds (p14:media r:embed, what PowerPoint plays)."""
    (rid,) = _xpath(movie._element, "./p:nvPicPr/p:nvPr/p:extLst/p:ext/p14:media/@r:embed")
    return slide.part.related_part(rid).blob


# ---- the deck -----------------------------------------------------------------------------------
def test_the_deck_has_a_title_a_section_per_chapter_and_a_slide_per_beat(wide):
    clips, out, _ = wide
    assert clips.deck.path == out / "lesson.pptx" and clips.deck.media == "clips"
    deck = Presentation(str(out / "lesson.pptx"))
    assert (deck.slide_width, deck.slide_height) == WIDESCREEN  # 16:9 clips, a 16:9 deck
    slides = list(deck.slides)
    assert len(slides) == 1 + 1 + len(clips) == clips.deck.slides  # title, one chapter, its beats
    assert slides[0].shapes.title.text == DEFAULT_TITLE
    assert slides[1].shapes.title.text == find(CHAPTER).title


def test_each_beat_slide_plays_its_own_clip_with_its_voice_when_it_opens(wide):
    clips, out, narration = wide
    deck = Presentation(str(out / "lesson.pptx"))
    beat_slides = list(deck.slides)[2:]
    assert [c.beat for c in clips] == list(narration)
    for slide, clip in zip(beat_slides, clips, strict=True):
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1 and len(slide.shapes) == 1
        movie = movies[0]
        assert (movie.left, movie.top, movie.width, movie.height) == (0, 0, *WIDESCREEN)  # the whole slide
        assert movie.poster_frame.blob == clip.still.read_bytes()  # the beat's still before it plays
        assert _notes(slide) == narration[clip.beat] != ""  # the narration as speaker notes
        blob = _media_blob(slide, movie)
        assert blob == clip.video.read_bytes()  # this beat's clip, as cut
        with av.open(io.BytesIO(blob)) as media:
            assert [s.codec_context.name for s in media.streams.audio] == ["aac"]  # its voice inside
            assert media.duration / av.time_base == pytest.approx(clip.duration, abs=0.2)
        # Start: Automatically: a mainSeq effect that begins with the slide and plays this movie.
        timing = _xpath(slide._element, "./p:timing")
        assert len(timing) == 1
        (effect,) = _xpath(timing[0], ".//p:cTn[@presetClass='mediacall']")
        assert effect.get("nodeType") == "afterEffect"
        begins = _xpath(effect, "ancestor::p:par/p:cTn/p:stCondLst/p:cond[@evt='onBegin']/p:tn/@val")
        main_seq = _xpath(timing[0], ".//p:seq/p:cTn[@nodeType='mainSeq']/@id")
        assert begins == main_seq  # begins when the slide's main sequence does
        played = _xpath(effect, ".//p:cmd[@type='call'][@cmd='playFrom(0.0)']//p:spTgt/@spid")
        root = "./p:tnLst/p:par/p:cTn[@nodeType='tmRoot']/p:childTnLst"
        media_node = _xpath(timing[0], f"{root}/p:video/p:cMediaNode/p:tgtEl/p:spTgt/@spid")
        assert played == media_node == [str(movie.shape_id)]
        ids = _xpath(timing[0], ".//p:cTn/@id")
        assert len(ids) == len(set(ids))  # every time node has its own id


def test_the_deck_and_its_size_are_in_the_manifest_and_on_the_contact_sheet(wide):
    clips, out, _ = wide
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [f for f in manifest["files"] if f["path"] == "lesson.pptx"]
    size = (out / "lesson.pptx").stat().st_size
    assert entry["bytes"] == size == clips.deck.size and entry["slides"] == clips.deck.slides
    recorded = {"file": "lesson.pptx", "media": "clips", "slides": clips.deck.slides, "bytes": size}
    assert manifest["settings"]["deck"] == recorded
    assert 'href="lesson.pptx"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_stills_deck_has_pictures_and_notes_and_no_media(wide, tmp_path):
    from scenes.publishing.deck import build_deck

    clips, _, narration = wide
    dest = tmp_path / "lesson-stills.pptx"
    assert build_deck(clips, "Stills", dest, media="stills") == 2 + len(clips)
    deck = Presentation(str(dest))
    for slide, clip in zip(list(deck.slides)[2:], clips, strict=True):
        (picture,) = slide.shapes
        assert picture.shape_type == MSO_SHAPE_TYPE.PICTURE
        assert picture.image.blob == clip.still.read_bytes()
        assert _notes(slide) == narration[clip.beat]
        assert not _xpath(slide._element, "./p:timing")
    kinds = {part.content_type for part in deck.part.package.iter_parts()}
    assert not [k for k in kinds if k.startswith(("video/", "audio/"))]


def _marked_up(clips):
    """The clips with markup in their narration and chapter (the real narration carries only some
    of the sentence's words)."""
    return [dataclasses.replace(c, text=f"{c.text} {HOSTILE}", chapter=HOSTILE) for c in clips]


def test_a_tall_lesson_with_markup_for_words_gives_a_tall_deck_with_them_as_written(tall, tmp_path):
    from scenes.publishing.deck import build_deck

    clips, out, narration = tall
    deck = Presentation(str(out / "lesson.pptx"))
    assert (deck.slide_width, deck.slide_height) == WIDESCREEN[::-1]  # 9:16 clips, a 9:16 deck
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == HOSTILE  # read back literally: escaped once, correctly
    assert deck.core_properties.title == HOSTILE
    for slide, clip in zip(slides[2:], clips, strict=True):
        assert _notes(slide) == narration[clip.beat]
    assert any(word in " ".join(narration.values()) for word in ("&", '"quoted"'))  # the words reach notes
    marked = _marked_up(clips)
    build_deck(marked, HOSTILE, tmp_path / "marked.pptx")
    slides = list(Presentation(str(tmp_path / "marked.pptx")).slides)
    assert slides[1].shapes.title.text == HOSTILE
    assert [_notes(slide) for slide in slides[2:]] == [c.text for c in marked]


def test_the_cli_makes_a_light_deck_unless_told_otherwise(small_trace_file, tmp_path, monkeypatch):
    """--pptx renders at 720p30 unless --quality is given; --stills-only keeps 1080p30 stills."""
    import render
    import scenes.publishing.clips as clips_module

    asked = []

    def fake_render_clips(chapters, settings, **options):
        asked.append((settings.quality, options["pptx"], options["stills_only"]))
        return clips_module.Clips()

    monkeypatch.setattr(clips_module, "render_clips", fake_render_clips)
    base = ["clips", "--trace", str(small_trace_file), "--voice", "none", "--chapter", CHAPTER,
            "--out", str(tmp_path / "out")]
    for extra in (["--pptx"], ["--pptx", "--quality", "preview"], [], ["--stills-only"]):
        result = CliRunner().invoke(render.cli, base + extra)
        assert result.exit_code == 0, result.output
    assert asked == [("720p30", True, False), ("preview", True, False), ("1080p30", False, False),
                     ("1080p30", False, True)]


# ---- the present mode, in a real browser ------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium on PATH (Debian's chromium package)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        )
        yield browser
        browser.close()


def _open(browser, page_file: Path, viewport=(1280, 720)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_file.as_uri())
    return page, errors


def _screen(page) -> dict:
    return page.evaluate(
        """() => { const v = document.getElementById("screen");
        return { src: v.currentSrc.split("/").pop(), time: v.currentTime, paused: v.paused,
                 audio: v.webkitAudioDecodedByteCount || 0,
                 number: document.getElementById("hud-number").textContent,
                 elapsed: document.getElementById("hud-time").textContent,
                 notes: document.getElementById("p-notes").textContent,
                 presenter: !document.getElementById("presenter").hidden,
                 shown: !document.getElementById("show").hidden }; }"""
    )


def _wait_playing(page, name: str, timeout: float = 10.0) -> dict:
    """The screen's state once `name` has played a little (its time moves on, it is not paused)."""
    end = time.monotonic() + timeout
    state = _screen(page)
    while time.monotonic() < end:
        state = _screen(page)
        if state["src"] == name and state["time"] > 0.3 and not state["paused"]:
            return state
        time.sleep(0.1)
    raise AssertionError(f"{name} did not play: {state}")


def test_present_mode_moves_with_the_keys_and_plays_each_clip_with_its_voice(wide, browser):
    clips, out, narration = wide
    page, errors = _open(browser, out / "index.html")
    n = len(clips)
    assert not _screen(page)["shown"]
    page.keyboard.press("p")
    state = _wait_playing(page, clips[0].video.name)
    assert state["shown"] and state["number"] == f"1 / {n}" and re.fullmatch(r"\d+:\d\d", state["elapsed"])
    page.keyboard.press("ArrowRight")
    state = _wait_playing(page, clips[1].video.name)
    assert state["number"] == f"2 / {n}"
    assert state["audio"] > 0  # the clip's voice is decoded as it plays
    page.keyboard.press("ArrowLeft")
    assert _wait_playing(page, clips[0].video.name)["number"] == f"1 / {n}"
    page.keyboard.press(" ")
    _wait_playing(page, clips[1].video.name)
    page.mouse.click(300, 300)  # a click on the slide: the next one
    _wait_playing(page, clips[2].video.name)
    page.keyboard.press("n")  # the presenter view: this beat's notes
    state = _screen(page)
    assert state["presenter"] and state["notes"] == narration[clips[2].beat]
    assert page.evaluate("document.getElementById('p-next').getAttribute('src')") == clips[3].still.name
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")  # past the last slide: stays there
    assert _wait_playing(page, clips[-1].video.name)["number"] == f"{n} / {n}"
    page.keyboard.press("Escape")
    assert not _screen(page)["shown"]
    assert errors == []
    page.close()


def test_present_mode_of_a_tall_lesson_shows_markup_as_text(tall, browser):
    from scenes.files import write_text
    from scenes.publishing.clips import index_html

    clips, out, narration = tall
    page, errors = _open(browser, out / "index.html", viewport=(720, 1280))
    assert page.title() == f"{HOSTILE}: clips"
    assert page.evaluate("document.querySelector('h1').textContent") == f"{HOSTILE}: clips"
    assert page.evaluate("document.querySelectorAll('b').length") == 0  # nothing written became markup
    page.keyboard.press("p")
    _wait_playing(page, clips[0].video.name)
    page.keyboard.press("n")
    assert _screen(page)["notes"] == narration[clips[0].beat]
    assert errors == []
    page.close()
    # Markup in every line and chapter title: in the cards, and in the present mode's data.
    marked = _marked_up(clips)
    write_text(out / "marked.html", index_html(marked, HOSTILE, out / "lesson.pptx"))
    page, errors = _open(browser, out / "marked.html", viewport=(720, 1280))
    assert page.evaluate("document.querySelectorAll('b').length") == 0
    cards = page.evaluate("[...document.querySelectorAll('main figure p')].map(p => p.textContent)")
    assert cards == [c.text for c in marked]
    page.keyboard.press("p")
    _wait_playing(page, clips[0].video.name)
    page.keyboard.press("ArrowRight")
    _wait_playing(page, clips[1].video.name)
    page.keyboard.press("n")
    assert _screen(page)["notes"] == marked[1].text
    assert page.evaluate("document.getElementById('p-chapter').textContent") == HOSTILE
    assert errors == []
    page.close()
