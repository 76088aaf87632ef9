"""Data: sentence -> words -> vocabulary -> training pairs (context -> next word).

The vocabulary is the text's distinct words in order of first appearance
(`itos`, with `stoi` its inverse). The output softmax is over exactly these V
words, so a random guess is 1/V. Inputs also use one extra token, START, that
pads the context at the beginning of a sentence; it is never predicted.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

START = "<s>"  # display name of the start-of-sentence input token
MAX_WORDS = 60  # the longest training text the lesson can lay out (all sentences together)
MAX_VOCAB = 30  # the most distinct words it can colour and label
TRAILING_PUNCTUATION = ".,!?;:"  # dropped from the end of a word, nothing else is
ENTITY = re.compile(r"&#?\w+;")  # "&amp;", "&#38;": kept whole


JOINERS = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: they shape a word (Indic, Persian, emoji)


def normalise(text: str) -> str:
    """Text as one canonical string: Unicode NFC ("café" typed with a combining accent is the
    precomposed "café"), and invisible format characters (Unicode category Cf: zero-width space,
    byte-order mark, soft hyphen, direction marks and embeddings) dropped where they carry no
    meaning. Joiners (U+200C, U+200D) and tag characters are kept inside a word, where they
    shape it (an emoji sequence such as 👩‍💻, a Persian or Indic spelling); at a word's edge
    they are dropped. Variation selectors (❤️ = U+2764 U+FE0F) are not format characters and stay.

    Source: Unicode Standard Annex #15 (normalisation forms) and the General_Category property
    (UnicodeData.txt), as Python's unicodedata implements them.
    """
    text = unicodedata.normalize("NFC", text)
    kept = []
    for i, c in enumerate(text):
        if unicodedata.category(c) != "Cf":
            kept.append(c)
            continue
        inside = 0 < i < len(text) - 1 and not text[i - 1].isspace() and not text[i + 1].isspace()
        if inside and (c in JOINERS or 0xE0020 <= ord(c) <= 0xE007F) and kept and not kept[-1].isspace():
            kept.append(c)
    return unicodedata.normalize("NFC", "".join(kept))


def tokenize(sentence: str) -> list[str]:
    """Lowercase words split on whitespace, sentence punctuation at word ends dropped.

    "The cat sat." and "the cat sat" give the same words; so do "café" typed with or without a
    combining accent, and a word with a stray zero-width space (see `normalise`). Every other
    character is kept as typed, and a word written like an HTML entity ("&amp;") keeps its ";".
    """
    words = []
    for raw in normalise(sentence).split():
        lowered = raw.lower()
        word = lowered if ENTITY.fullmatch(lowered) else lowered.rstrip(TRAILING_PUNCTUATION)
        if word:
            words.append(word)
    return words


def split_sentences(text: str) -> list[list[str]]:
    """One sentence per non-empty line, each tokenized."""
    return [words for words in (tokenize(line) for line in text.splitlines()) if words]


@dataclass(frozen=True)
class Dataset:
    """Training pairs built from a text, with the vocabulary they use."""

    sentences: tuple[tuple[str, ...], ...]  # the tokenized training text
    itos: tuple[str, ...]  # vocabulary: index -> word (V words)
    context: int  # words of context per pair
    contexts: np.ndarray  # (P, context) input token ids; START is id V
    targets: np.ndarray  # (P,) the right next word's id, in 0..V-1

    @property
    def V(self) -> int:
        return len(self.itos)

    @property
    def start_id(self) -> int:
        return len(self.itos)

    @property
    def stoi(self) -> dict[str, int]:
        return {w: i for i, w in enumerate(self.itos)}

    def input_word(self, token_id: int) -> str:
        return START if token_id == self.start_id else self.itos[token_id]

    def pair_words(self, p: int) -> tuple[list[str], str]:
        """(context words, target word) of pair p."""
        return [self.input_word(int(t)) for t in self.contexts[p]], self.itos[int(self.targets[p])]


def build_dataset(text: str, context: int) -> Dataset:
    """Every word after the first of each sentence, predicted from the `context` words before it."""
    sentences = split_sentences(text)
    n_words = sum(len(s) for s in sentences)
    if not sentences or max(len(s) for s in sentences) < 2:
        raise ValueError(f"the sentence needs at least 2 words, got {n_words}.")
    if n_words > MAX_WORDS:
        raise ValueError(f"the text has {n_words} words; nextword supports at most {MAX_WORDS}.")
    distinct = len({w for s in sentences for w in s})
    if distinct > MAX_VOCAB:
        raise ValueError(f"the text has {distinct} different words; nextword supports at most {MAX_VOCAB}.")
    itos: list[str] = []
    for words in sentences:
        for w in words:
            if w not in itos:
                itos.append(w)
    stoi = {w: i for i, w in enumerate(itos)}
    start = len(itos)
    contexts, targets = [], []
    for words in sentences:
        ids = [start] * context + [stoi[w] for w in words]  # START padding in front
        for i in range(1, len(words)):
            contexts.append(ids[i : i + context])  # the `context` ids before word i
            targets.append(ids[i + context])
    return Dataset(
        sentences=tuple(tuple(s) for s in sentences),
        itos=tuple(itos),
        context=context,
        contexts=np.array(contexts, dtype=np.int64).reshape(-1, context),  # (P, c)
        targets=np.array(targets, dtype=np.int64),  # (P,)
    )


def best_probabilities(data: Dataset) -> np.ndarray:
    """(P,) the highest probability any model can give each pair's right word.

    Pairs with the same context but different next words share the probability:
    after "the" the default text says cat half the time and mat half the time.
    """
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for ctx, tgt in zip(data.contexts, data.targets):
        counts[tuple(ctx)][int(tgt)] += 1
    return np.array(
        [
            counts[tuple(c)][int(t)] / sum(counts[tuple(c)].values())
            for c, t in zip(data.contexts, data.targets)
        ]
    )


def loss_floor(data: Dataset) -> float:
    """The lowest mean cross-entropy any model can reach on these pairs."""
    return float(np.mean(-np.log(best_probabilities(data))))
