"""Narration: the one place a beat's line goes.

`with scene.say(text) as line:` puts the line on screen as a caption (unless
captions are off), records it (its spoken clip and start time: rendering puts the
clips on the sound track, scenes.rendering.audio), and holds the beat until the
line has been spoken or has had time to be read: the animations inside the block
play first, then the scene waits for whatever time is left. `line.duration` is the time the line needs, for
animations that should stretch over it.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from manim import DOWN, FadeIn, FadeOut

from scenes.kit import style
from scenes.kit.text import panel, paragraph


def reading_time(content: str, words_per_second: float) -> float:
    """Seconds to read a line at a calm pace, never under 2 s."""
    return max(2.0, len(content.split()) / words_per_second + style.READING_PAUSE)


@dataclass
class NarrationLine:
    beat: str  # the beat id, chapter-qualified ("06-converged"): what --voice-dir files are named
    text: str  # the words, numbers filled in from the trace
    duration: float  # seconds the line needs: its speech (when voiced) or its reading time
    start: float = 0.0  # scene time when it began
    end: float = 0.0  # scene time when the beat moved on
    audio: str | None = None  # the spoken clip, when voiced
    audio_duration: float = 0.0


SPEECH_PAUSE = 0.5  # seconds of quiet after a spoken line before the next beat


@dataclass
class Narrator:
    scene: object  # the LessonScene narrated
    captions: bool  # show lines on screen
    words_per_second: float
    speaker: object = None  # scenes.voice.Speaker, or None for captions only
    lines: list[NarrationLine] = field(default_factory=list)
    caption: object = None  # the caption on screen now

    @contextmanager
    def say(self, content: str, beat: str):
        scene = self.scene
        line = NarrationLine(beat, content, reading_time(content, self.words_per_second), start=scene.time)
        clip = self.speaker.clip(content, beat) if self.speaker is not None else None
        if clip is not None:
            from scenes.kit.voice import wav_duration

            line.audio, line.audio_duration = str(clip), wav_duration(clip)
            line.duration = max(2.0, line.audio_duration + SPEECH_PAUSE)  # the picture waits for the voice
        self.lines.append(line)
        if self.captions:
            self._show_caption(content)
        yield line
        remaining = line.duration - (scene.time - line.start)
        if remaining > 1e-3:
            scene.wait(remaining)
        line.end = scene.time
        scene.add_subcaption(content, duration=line.end - line.start, offset=line.start - line.end)

    def _show_caption(self, content: str):
        layout = self.scene.layout
        words = paragraph(content, style.CAPTION_SIZE * layout.text_scale, layout.caption_width)
        if words.height > layout.caption_height - 0.36:  # a long line: smaller type, never outside the band
            words.scale_to_fit_height(layout.caption_height - 0.36)
        box = panel(words, pad=0.18)
        caption = type(words)(box, words)
        caption.move_to(layout.caption_center).align_to([0, layout.safe_bottom, 0], DOWN)
        old, self.caption = self.caption, caption
        if old is None:
            self.scene.play(FadeIn(caption, shift=0.1 * DOWN), run_time=0.3)
        else:  # lines change like subtitles: out, then in, never one over the other
            self.scene.play(FadeOut(old), run_time=0.15)
            self.scene.play(FadeIn(caption), run_time=0.2)

    def clear(self):
        if self.caption is not None:
            self.scene.play(FadeOut(self.caption), run_time=0.3)
            self.caption = None
