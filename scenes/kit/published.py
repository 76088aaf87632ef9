"""Published figures for large language models, quoted in the last chapter. They are not
measured by nextword; each comes from its developers' paper or model card."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelFacts:
    name: str
    parameters: str
    training_tokens: str
    vocabulary: str
    source: str


LARGE_MODELS = [
    ModelFacts("GPT-3", "175 billion", "about 300 billion", "50,257",
               "Brown et al., 'Language Models are Few-Shot Learners', 2020"),
    ModelFacts("Llama 3.1 405B", "405 billion", "over 15 trillion", "128,256",
               "Llama Team, Meta AI, 'The Llama 3 Herd of Models', 2024"),
]

UNDISCLOSED_NOTE = "Exact specifications of recent models are often not disclosed."
