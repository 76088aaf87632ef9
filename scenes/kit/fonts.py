"""Which characters the installed fonts can draw (asked of fontconfig, which Pango, and so manim,
draws with). A text no installed font covers would show empty boxes, so it is refused up front
with a sentence naming its script."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import lru_cache

# Words of a Unicode character name that follow its script's name ("THAI CHARACTER MO MA").
_KINDS = {"LETTER", "CHARACTER", "SYLLABLE", "DIGIT", "SIGN", "VOWEL", "CONSONANT", "UNIFIED",
          "IDEOGRAPH", "NUMBER", "MARK", "LIGATURE", "PUNCTUATION", "SMALL", "CAPITAL"}


@lru_cache(maxsize=4096)
def covered(c: str) -> bool:
    """Whether some installed font has a glyph for the character `c` (fontconfig's `fc-list
    :charset=<hex>`). True when fontconfig is not there to ask: nothing is refused on a guess."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    try:
        found = subprocess.run([fc_list, "--format", "%{family}\n", f":charset={ord(c):x}"],
                               capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(found.strip())


def script_name(c: str) -> str:
    """The script a character belongs to, as its Unicode name says ("Thai", "Devanagari"), or the
    character itself with its name when the name gives no script ("the character ✈ (airplane)")."""
    name = unicodedata.name(c, "")
    words = name.split()
    for k, word in enumerate(words):
        if word in _KINDS and k > 0:
            return " ".join(words[:k]).title().replace("Cjk", "CJK") + " script"
    return f"the character {c} ({name.lower() or f'U+{ord(c):04X}'})"


def uncovered(content: str) -> list[str]:
    """The distinct characters of `content` (normalised as drawn, see model.data.normalise) that no
    installed font can draw, in order of first appearance. Spaces, format characters, combining
    marks and variation selectors are not asked about: they are drawn with the letter they join."""
    from model.data import normalise

    seen: list[str] = []
    for c in normalise(content):
        if c in seen or c.isspace() or c.isascii() or unicodedata.category(c) in ("Cf", "Mn", "Me"):
            continue
        if not covered(c):
            seen.append(c)
    return seen


def coverage_problem(content: str, what: str) -> str | None:
    """One sentence saying which script of `content` (the `what`: "the sentence", "the title") no
    installed font covers, or None when every character can be drawn."""
    missing = uncovered(content)
    if not missing:
        return None
    scripts = list(dict.fromkeys(script_name(c) for c in missing))
    listed = " and ".join(scripts[:3]) + (" and others" if len(scripts) > 3 else "")
    return (f"{what} uses the {listed}, which no installed font can draw: install a font for it "
            f"(on Debian, fonts-noto-core covers most scripts) or choose another text.").replace(
                "the the character", "the character")
