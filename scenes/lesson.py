"""The lesson's scenes, in order. One list drives the CLI (plain data, no manim import)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

DEFAULT_TITLE = "How a neural network learns the next word"


@dataclass(frozen=True)
class Chapter:
    name: str  # the Scene class, named for what the viewer sees
    module: str  # where it lives
    title: str  # the chapter title shown to viewers

    def load(self):
        """The Scene class (imports manim)."""
        return getattr(importlib.import_module(self.module), self.name)


LESSON = [
    Chapter("PredictingTheNextWord", "scenes.chapters.next_word", "Predicting the next word"),
    Chapter("WordsBecomeVectors", "scenes.chapters.words_to_vectors", "Words become vectors"),
    Chapter("ThreeLayers", "scenes.chapters.three_layers", "The network: three layers"),
    Chapter("HowWrongWasIt", "scenes.chapters.how_wrong", "How wrong was it?"),
    Chapter("LearningFromTheMistake", "scenes.chapters.learning", "Learning from the mistake"),
    Chapter("WatchItLearn", "scenes.chapters.watch_it_learn", "Watch it learn"),
    Chapter("FromGuessingToKnowing", "scenes.chapters.guessing_to_knowing", "From guessing to knowing"),
    Chapter("WhatYouJustSaw", "scenes.chapters.takeaways", "What you just saw"),
]


def find(name: str) -> Chapter:
    """The chapter whose scene is `name` (case-insensitive); KeyError if none."""
    for chapter in LESSON:
        if chapter.name.lower() == name.lower():
            return chapter
    raise KeyError(name)


def chapter_number(name: str) -> int:
    """1-based place of a scene in the lesson (0 for a scene outside it)."""
    for i, chapter in enumerate(LESSON, 1):
        if chapter.name == name:
            return i
    return 0
