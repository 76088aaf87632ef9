"""Faults people meet with published files, each fixed at its root (see the field issue): GIF timing
and colours, YouTube's text rules, lesson files saved by Windows editors, private paths."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from scenes.publishing.clips import gif_durations, make_gif

PURPLE = (150, 60, 200)


def _clip(path: Path, seconds: float, fps: int) -> Path:
    """A clip on a grey background with a purple square only in its first half second."""
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=Fraction(fps))
        stream.width, stream.height, stream.pix_fmt = 128, 72, "yuv420p"
        for i in range(int(seconds * fps)):
            picture = np.full((72, 128, 3), 40, np.uint8)
            if i < fps // 2:
                picture[20:52, 40:88] = PURPLE
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_gif_frame_durations_carry_their_rounding():
    times = [k / 12 for k in range(153)]  # 12 fps for 12.77 s: 83.3 ms frames
    durations = gif_durations(times, 12.77)
    assert abs(sum(durations) - 12770) <= 10  # not 153 × 80 ms = 12.24 s
    assert set(durations[:-1]) <= {80, 90}  # the last one lasts until the clip ends


@pytest.mark.parametrize("fps", [15, 10])
def test_a_gif_lasts_as_long_as_its_clip_and_keeps_colours_of_any_moment(tmp_path, fps):
    video = _clip(tmp_path / "clip.mp4", 3.0, fps)
    gif = make_gif(video, tmp_path / "clip.gif")
    with Image.open(gif) as im:
        assert im.info.get("loop") == 0
        total = 0
        for k in range(im.n_frames):
            im.seek(k)
            total += im.info["duration"]
        im.seek(0)
        first = np.asarray(im.convert("RGB"))
    assert abs(total - 3000) <= 10 + 1000 / fps  # within one frame of the clip's length
    centre = first[36, 64].astype(int)
    assert np.abs(centre - PURPLE).max() < 24, f"the purple of the first moments became {tuple(centre)}"


def test_everything_written_for_youtube_is_acceptable_to_it():
    from scenes.publishing.youtube import MAX_DESCRIPTION, description_text, youtube_chapters, youtube_title

    title = "a -> b: i <3 my cat " + "and my dog " * 12
    assert "<" not in youtube_title(title) and ">" not in youtube_title(title)
    assert len(youtube_title(title)) <= 100 and youtube_title(title).endswith("…")
    chapters = youtube_chapters([("One <b>", 0.0), ("Two", 20.0), ("Three", 40.0)], total=60.0)
    text = description_text(title, "It learns “i <3 my cat”. " * 400, chapters)
    assert "<" not in text and ">" not in text
    assert len(text.encode("utf-8")) <= MAX_DESCRIPTION
    assert "0:20 Two" in text and "One ‹b›" in text  # the chapters survive a long summary
    two = youtube_chapters([("One", 0.0), ("Two", 30.0)], total=60.0)
    assert two == [] and "Chapters" not in description_text("T", "S", two)  # YouTube needs three


def test_a_lesson_file_saved_by_a_windows_editor_loads_like_any_other(tmp_path):
    from scenes.publishing.lessonfile import LessonFileError, load_lesson_file

    content = 'title = "Café"\n[training]\nepochs = 7\n'
    plain, bom, utf16 = tmp_path / "plain.toml", tmp_path / "bom.toml", tmp_path / "utf16.toml"
    plain.write_bytes(content.encode("utf-8"))
    bom.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))  # what Notepad and PowerShell write
    utf16.write_bytes(content.encode("utf-16"))
    assert load_lesson_file(bom) == load_lesson_file(plain) == {"title": "Café", "epochs": 7}
    with pytest.raises(LessonFileError, match="UTF-16: save it as UTF-8"):
        load_lesson_file(utf16)


def test_subtitle_lines_stay_short_even_for_a_very_long_word():
    from scenes.rendering.subtitles import MAX_LINE, line_cues

    word = "pneumonoultramicroscopicsilicovolcanoconiosis"  # 45 letters
    cues = line_cues(f"the {word} sat on the mat", 0.0, 6.0)
    lines = [line for cue in cues for line in cue.text.split("\n")]
    assert all(len(line) <= MAX_LINE for line in lines), lines
    assert "".join(lines).replace("-", "").replace(" ", "") == f"the{word}satonthemat"


def test_subtitles_can_start_with_a_byte_order_mark_and_read_back_either_way(tmp_path):
    from scenes.rendering.subtitles import Cue, read_srt, write_srt, write_vtt

    cues = [Cue(0.0, 1.5, "Le café est prêt"), Cue(1.5, 3.0, "猫が座った")]
    plain, marked = write_srt(cues, tmp_path / "a.srt"), write_srt(cues, tmp_path / "b.srt", bom=True)
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert marked.read_bytes().startswith(b"\xef\xbb\xbf1\r\n") or marked.read_bytes().startswith(
        b"\xef\xbb\xbf1\n"
    )
    assert marked.read_bytes()[3:] == plain.read_bytes()  # the mark, then the very same UTF-8
    assert [c.text for c in read_srt(marked)] == [c.text for c in read_srt(plain)] == [c.text for c in cues]
    vtt = write_vtt(cues, tmp_path / "b.vtt", bom=True).read_bytes()
    assert vtt.startswith(b"\xef\xbb\xbfWEBVTT")


def test_a_vertical_lesson_writes_each_chapter_under_three_minutes_as_a_short(tmp_path):
    from scenes.lesson import LESSON
    from scenes.publishing.lesson import write_shorts
    from scenes.publishing.workers import ChapterRecord
    from scenes.publishing.youtube import MAX_TITLE

    chapters = LESSON[:3]
    records, durations = [], [52.0, 181.5, 95.0]  # the second is too long for a Short
    (tmp_path / "chapters").mkdir()
    for k, chapter in enumerate(chapters, 1):
        video = f"chapters/{k:02d}-{chapter.name}.mp4"
        (tmp_path / video).write_bytes(b"video %d" % k)
        lines = [dict(beat=f"{k:02d}-a", text="The cat <3 sat. " * 40, duration=2.0)]
        records.append(
            ChapterRecord(chapter.name, k, "key", video, None, None, durations[k - 1], 1, lines=lines)
        )
    stale = tmp_path / "shorts" / "09-Old.mp4"
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    title = "A lesson <about> cats " + "and more " * 20
    made = write_shorts(tmp_path, chapters, records, durations, title)
    shorts = sorted(p.name for p in (tmp_path / "shorts").glob("*.mp4"))
    assert shorts == [f"01-{chapters[0].name}.mp4", f"03-{chapters[2].name}.mp4"]  # not the long one
    assert (tmp_path / "shorts" / shorts[0]).read_bytes() == b"video 1"
    text = (tmp_path / "shorts" / "shorts.txt").read_text(encoding="utf-8")
    titles = [line[len("Title: "):] for line in text.splitlines() if line.startswith("Title: ")]
    assert len(titles) == 2 and titles[0].startswith(f"{chapters[0].title} (1/3)")
    assert all(len(t) <= MAX_TITLE for t in titles)
    assert "<" not in text and ">" not in text and text.count("#Shorts") == 2
    assert "3:01 long, over the 3 minutes a Short may last" in text
    assert {m["path"].name for m in made} == {*shorts, "shorts.txt"}


def test_a_vertical_frame_keeps_everything_inside_the_shorts_safe_area():
    """YouTube's Shorts app draws over the bottom fifth and the right edge of a vertical video: the
    captions (at the bottom of the safe area) and all content stay above and inside it."""
    from scenes.kit import style
    from scenes.kit.base import Layout

    tall, wide = Layout(8.0, 8.0 * 16 / 9), Layout(8.0 * 16 / 9, 8.0)
    side, top, bottom = style.SHORTS_MARGINS
    assert bottom >= 0.22 and side >= 0.1  # clear of the title, channel and the button column
    assert tall.safe_bottom == pytest.approx(-tall.height / 2 + bottom * tall.height)
    assert tall.safe_right == pytest.approx(tall.width / 2 - side * tall.width)
    assert tall.caption_center[1] - tall.caption_height / 2 >= tall.safe_bottom - 1e-9
    assert wide.safe_bottom == pytest.approx(-wide.height / 2 * (1 - 2 * style.SAFE_MARGIN))  # unchanged
