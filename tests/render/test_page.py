"""The interactive page (index.html beside lesson.mp4) in a real browser: a small rendered lesson
opened in Chromium from file:// and from a local HTTP server, driven like a learner would: the
epoch slider and run switches show exactly the trace's numbers, chapters and transcript follow
the video, questions pause it, user text stays text, and a phone screen never scrolls sideways."""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from model import TrainConfig, load_trace, save_trace, train
from model.analysis import focus_pair
from render import render_settings
from scenes.kit.formatting import loss_value, percent, signed
from scenes.lesson import LESSON
from scenes.publishing.page import ASSETS

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip("the page tests need Chromium (`chromium` on PATH)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - CI installs it
    pytest.skip("the page tests need Playwright for Python (playwright.sync_api)", allow_module_level=True)

EVIL = '</script><b>x</b> & "quoted"'
EVIL_TITLE = '</script><img src=x onerror="window.pwned=1"><b>x</b> & "quoted"'
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


# ---- the lessons -------------------------------------------------------------------------
def _render(trace_file, out, chapters, **options):
    from scenes.publishing.lesson import render_lesson

    settings = render_settings(trace_file, quality="tiny", **options)
    render_lesson(chapters, settings, out_dir=out, media_dir=out.parent / "m", jobs=2)
    return settings


def page_data(out: Path) -> dict:
    """The data inside index.html, as the page's script reads it."""
    html = (out / "index.html").read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    return json.loads(match[1])


@pytest.fixture(scope="module")
def lesson(small_trace_module_file, tmp_path_factory):
    """The first three chapters of the default lesson (8 epochs), rendered once."""
    out = tmp_path_factory.mktemp("page") / "lesson"
    settings = _render(small_trace_module_file, out, LESSON[:3])
    trace = load_trace(small_trace_module_file)
    return {"out": out, "settings": settings, "trace": trace, "data": page_data(out)}


@pytest.fixture(scope="module")
def evil_lesson(tmp_path_factory):
    """A lesson whose sentence and title are markup: they must show as text and run nothing."""
    root = tmp_path_factory.mktemp("evil")
    trace_file = save_trace(train(TrainConfig(sentence=EVIL, epochs=3)), root / "evil.npz")
    out = root / "lesson"
    _render(trace_file, out, LESSON[:1], title=EVIL_TITLE)
    return {"out": out, "trace": load_trace(trace_file), "data": page_data(out)}


# ---- the browser and a local server ----------------------------------------------------------
class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with HTTP Range support (what a browser needs to seek in a video)."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        if not wanted or not path.is_file() or wanted[0] == "bytes=-":
            return super().send_head()
        size = path.stat().st_size
        first, last = wanted.groups()
        start, end = (size - int(last), size - 1) if first == "" else (int(first), int(last or size - 1))
        start, end = max(start, 0), min(end, size - 1)
        if start > end:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        with open(path, "rb") as f:
            f.seek(start)
            body = f.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the browser drops media connections it no longer needs


@pytest.fixture(scope="module")
def server(lesson):
    """http://127.0.0.1:<free port>/ serving the lesson's folder."""
    httpd = QuietServer(("127.0.0.1", 0), functools.partial(RangeHandler, directory=str(lesson["out"])))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
        )
        yield b
        b.close()


class Opened:
    """A page opened in a fresh context, with everything that went wrong on it."""

    def __init__(self, browser, url, viewport=DESKTOP, color_scheme="light"):
        self.context = browser.new_context(viewport=viewport, color_scheme=color_scheme)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        page = self.page
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("requestfailed", self._failed)
        page.goto(url)
        page.wait_for_selector("html[data-ready]")

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request):
        # A media element cancels its own requests when it seeks or has enough: not a failure.
        if request.resource_type == "media" and request.failure == "net::ERR_ABORTED":
            return
        self.problems.append(f"failed request: {request.url} ({request.failure})")

    def texts(self, prefix: str) -> dict[str, str]:
        """The text of every element whose data-testid starts with prefix."""
        return self.page.evaluate(
            """prefix => Object.fromEntries([...document.querySelectorAll('[data-testid]')]
                 .filter(e => e.dataset.testid.startsWith(prefix))
                 .map(e => [e.dataset.testid, e.textContent]))""",
            prefix,
        )

    def test_id(self, name):
        return self.page.get_by_test_id(name)

    def wait_for_video(self, required=True) -> bool:
        """Until the video's metadata is in (so it can seek). A Chromium built without H.264 cannot
        play the lesson: a test that needs the video then skips (required) or goes on without it."""
        self.page.wait_for_function("() => video.readyState >= 1 || video.error", timeout=15000)
        playable = not self.page.evaluate("video.error ? video.error.code : 0")
        if required and not playable:
            pytest.skip("this Chromium cannot decode the lesson's H.264 video")
        return playable

    def close(self):
        self.context.close()


@pytest.fixture()
def opened(browser):
    pages = []

    def make(url, **options):
        pages.append(Opened(browser, url, **options))
        return pages[-1]

    yield make
    for o in pages:
        o.close()


def file_url(out: Path) -> str:
    return (out / "index.html").as_uri()


# ---- the tests ---------------------------------------------------------------------------------
def test_the_page_loads_from_a_file_and_from_a_server_with_no_errors(lesson, server, opened):
    data = lesson["data"]
    for url in (file_url(lesson["out"]), f"{server}/index.html"):
        o = opened(url)
        playable = o.wait_for_video(required=False)
        page = o.page
        assert page.title() == data["title"] == o.test_id("title").text_content()
        assert page.locator("[data-testid^=chapter-]").count() == len(data["chapters"]) >= 3
        assert page.locator("[data-testid^=line-]").count() == len(data["transcript"]) > 3
        # the captions come from the data (a <track> cannot load from file://); shown unless the
        # video draws its own (then they wait in the player's captions menu)
        track = page.evaluate("({mode: video.textTracks[0].mode, cues: video.textTracks[0].cues.length})")
        mode = "hidden" if data["captions_in_video"] else "showing"
        assert track == {"mode": mode, "cues": len(data["cues"])}
        if playable:  # it can seek (the test server answers Range requests)
            t = data["chapters"][2]["start"]
            page.evaluate("t => { video.currentTime = t; }", t)
            page.wait_for_function("t => !video.seeking && Math.abs(video.currentTime - t) < 0.05", arg=t)
            page.wait_for_timeout(300)
        assert o.problems == [], url
    # light: the page's own markup, style and script (the data aside) are well under 100 KB
    assert sum((ASSETS / name).stat().st_size for name in ("page.html", "page.css", "page.js")) < 100_000


def _check_epoch(o: Opened, trace, k: int):
    """The explorer at epoch k shows exactly the trace's numbers, formatted as the lesson does."""
    shown = o.texts("")
    assert shown["epoch"] == str(k)
    assert shown["mean-loss"] == loss_value(trace.mean_loss[k], 3)
    assert shown["accuracy"] == percent(trace.accuracy[k])
    for p in range(trace.P):
        for w in range(trace.V):
            assert shown[f"prob-{p}-{w}"] == percent(trace.probs[k, p, w]), (k, p, w)
    word = trace.pair_words(focus_pair(trace))[0][-1]
    row = trace.vocab.index(word) if word in trace.vocab else trace.V
    for i, v in enumerate(trace.embeddings[k, row]):
        assert shown[f"vector-{i}"] == signed(v).strip(), (k, i)
    assert o.page.locator("[data-testid^=map-word-]").count() == trace.V


def test_the_slider_shows_the_trace_at_every_epoch_and_for_the_comparison_runs(lesson, opened):
    trace, data = lesson["trace"], lesson["data"]
    o = opened(file_url(lesson["out"]))
    slider = o.test_id("epoch-slider")
    last = trace.last_epoch
    assert slider.get_attribute("max") == str(last) == str(data["runs"]["main"]["epochs"])
    _check_epoch(o, trace, 0)
    for k in (last, 1, last // 2, 0):
        slider.fill(str(k))
        _check_epoch(o, trace, k)
    # the right word is marked for screen readers too
    target = int(trace.targets[0])
    right = o.page.locator("[data-testid=pair-0] .bar-row.right")
    assert right.count() == 1 and "the right word" in right.text_content()
    assert right.get_attribute("data-word") == str(target)
    assert o.test_id("baseline").text_content().endswith(loss_value(trace.random_baseline))
    # keyboard: arrows on the focused slider, [ and ] anywhere
    slider.focus()
    o.page.keyboard.press("ArrowRight")
    _check_epoch(o, trace, 1)
    o.page.keyboard.press("]")
    _check_epoch(o, trace, 2)
    o.page.keyboard.press("[")
    _check_epoch(o, trace, 1)
    # play steps through the epochs to the last
    o.test_id("epoch-play").click()
    o.page.wait_for_function(f"() => document.querySelector('[data-testid=epoch]').textContent === '{last}'")
    _check_epoch(o, trace, last)
    # the comparison runs, each exactly its own trace
    settings = lesson["settings"]
    assert [n for n, _ in settings.comparisons] == [k for k in data["runs"] if k != "main"]
    for name, _ in settings.comparisons:
        run = settings.load_comparison(name)
        o.test_id("run-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")).check()
        assert slider.get_attribute("max") == str(run.last_epoch)
        for k in (0, run.last_epoch, 1):
            slider.fill(str(k))
            _check_epoch(o, run, k)
    o.test_id("run-main").check()
    _check_epoch(o, trace, 1)
    assert o.problems == []


def test_chapters_seek_the_video_and_the_transcript_follows_it(lesson, server, opened):
    data = lesson["data"]
    o = opened(f"{server}/index.html")
    o.wait_for_video()
    page = o.page
    for i in (1, 2, 0):
        start = data["chapters"][i]["start"]
        o.test_id(f"chapter-{i}").click()
        page.wait_for_function("t => !video.seeking && Math.abs(video.currentTime - t) < 0.05", arg=start)
        assert o.test_id(f"chapter-{i}").get_attribute("aria-current") == "true"
        assert page.locator(".chapter[aria-current]").count() == 1
    page.evaluate("window.scrollTo(0, 0)")
    lines = data["transcript"]
    for i in (len(lines) - 1, 0, len(lines) // 2, 3):
        page.evaluate("t => { video.currentTime = t; }", (lines[i]["start"] + lines[i]["end"]) / 2)
        page.wait_for_selector(f'[data-testid="line-{i}"].current[aria-current="true"]')
        assert page.locator(".line.current").count() == 1
        # scrolled into view inside the transcript's box, and the page itself did not move
        assert page.evaluate(
            """i => { const box = document.getElementById('transcript').getBoundingClientRect();
                      const line = document.querySelector(`[data-testid="line-${i}"]`);
                      return new Promise(done => setTimeout(() => { const r = line.getBoundingClientRect();
                        done(r.top >= box.top - 1 && r.bottom <= box.bottom + 1); }, 700)); }""",
            i,
        )
        assert page.evaluate("window.scrollY") == 0
    # a click, or Enter, on a line plays from there
    o.test_id("line-2").click()
    page.wait_for_function("t => Math.abs(video.currentTime - t) < 0.05", arg=lines[2]["start"])
    o.test_id("line-4").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("t => Math.abs(video.currentTime - t) < 0.05", arg=lines[4]["start"])
    assert o.problems == []


def test_a_question_pauses_the_video_and_answering_shows_the_answer(lesson, opened):
    questions = lesson["data"]["questions"]
    assert questions, "the first three chapters ask the untrained network's guess"
    q = questions[0]
    o = opened(file_url(lesson["out"]))
    o.wait_for_video()
    page = o.page
    dialog = o.test_id("question")
    assert not dialog.is_visible()
    page.evaluate("t => { video.currentTime = t; }", max(q["at"] - 1.2, 0))
    page.wait_for_function("() => !video.seeking")
    page.evaluate("video.play()")
    dialog.wait_for(state="visible", timeout=10000)
    assert page.evaluate("video.paused")
    # paused at the question, a moment early rather than late (the next frame may give it away)
    assert q["at"] - 0.5 <= page.evaluate("video.currentTime") <= q["at"] + 0.2
    assert o.test_id("question-text").text_content() == q["question"]
    assert [o.test_id(f"choice-{k}").text_content() for k in range(len(q["choices"]))] == q["choices"]
    wrong = next((k for k, c in enumerate(q["choices"]) if c != q["answer"]), 0)
    o.test_id(f"choice-{wrong}").click()
    verdict = o.test_id("verdict").text_content()
    assert q["answer"] in verdict and ("Not quite" in verdict or q["choices"][wrong] == q["answer"])
    assert o.test_id("explain").text_content() == q["explain"]
    right = q["choices"].index(q["answer"])
    assert "right" in o.test_id(f"choice-{right}").get_attribute("class")
    o.test_id("continue").click()
    dialog.wait_for(state="hidden")
    page.wait_for_function("() => !video.paused")
    # each question once per page load
    page.evaluate("t => { video.currentTime = t; }", max(q["at"] - 1.2, 0))
    page.wait_for_timeout(2000)
    assert not dialog.is_visible() and not page.evaluate("video.paused")
    page.evaluate("video.pause()")
    assert o.problems == []


def test_words_and_titles_that_look_like_markup_show_as_text_and_run_nothing(evil_lesson, opened):
    data, trace = evil_lesson["data"], evil_lesson["trace"]
    assert EVIL.split()[0] in trace.vocab and data["title"] == EVIL_TITLE
    o = opened(file_url(evil_lesson["out"]))
    page = o.page
    assert page.title() == EVIL_TITLE
    assert o.test_id("title").text_content() == EVIL_TITLE
    assert page.evaluate("document.querySelectorAll('b, img').length") == 0
    assert page.evaluate("document.scripts.length") == 2  # the data and the page's own script
    assert page.evaluate("window.pwned") is None
    text = page.evaluate("document.body.innerText")
    for word in EVIL.split():
        assert word in text
    bars = [t for k, t in o.texts("pair-").items()]
    assert all(EVIL.split()[0] in t for t in bars)
    assert any(EVIL in line for line in o.texts("line-").values())  # the sentence, in the transcript
    cues = page.evaluate("[...video.textTracks[0].cues].map(c => c.getCueAsHTML().textContent)")
    assert any(EVIL in c.replace("\n", " ") for c in cues)  # captions show it literally too
    o.test_id("epoch-slider").fill(str(trace.last_epoch))
    assert o.test_id("prob-0-1").text_content() == percent(trace.probs[trace.last_epoch, 0, 1])
    assert o.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_nothing_scrolls_sideways(lesson, evil_lesson, opened, scheme):
    for out in (lesson["out"], evil_lesson["out"]):
        o = opened(file_url(out), viewport=PHONE, color_scheme=scheme)
        page = o.page
        for key in o.texts("run-"):
            o.test_id(key).check()
            o.test_id("epoch-slider").fill(o.test_id("epoch-slider").get_attribute("max"))
            page.wait_for_timeout(50)
            width, client = page.evaluate(
                "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
            )
            assert width <= client == PHONE["width"], (out, key)
        # one column: the transcript sits below the video, the word map below the loss curve
        video, transcript = (page.locator(s).bounding_box() for s in ("#video", ".transcript"))
        assert transcript["y"] >= video["y"] + video["height"]
        loss, word_map = (page.locator(s).bounding_box() for s in (".loss-panel", ".map-panel"))
        assert word_map["y"] >= loss["y"] + loss["height"]
        assert o.problems == []


def test_everything_can_be_reached_with_the_keyboard_and_is_labelled(lesson, opened):
    o = opened(file_url(lesson["out"]))
    o.wait_for_video()
    page = o.page
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('button, input, video, [tabindex="0"], svg[role=img]')]
             .filter(e => !(e.getAttribute('aria-label') || e.labels?.length || e.textContent.trim()
                            || e.getAttribute('aria-labelledby')))
             .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.dataset.testid || document.activeElement.id"))
    for wanted in ("video", "chapter-0", "line-0", "run-main", "epoch-play", "epoch-slider", "pairs"):
        assert wanted in seen, wanted
    # Space plays and pauses the video when nothing that uses Space has focus
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    page.wait_for_function("() => !video.paused")
    page.keyboard.press("Space")
    page.wait_for_function("() => video.paused")
    assert o.problems == []
