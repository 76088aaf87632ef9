"""What a chapter's picture and sound depend on, as one key: a chapter whose key is unchanged
is reused, not rendered again.

The code part follows from folders, not from a list of files: `model/`, the scene kit
(`scenes/kit/`), rendering (`scenes/rendering/`), the shared modules at the top of
`scenes/` (the chapter list, the file helpers) and the chapter's own file. Publishing code
(`scenes/publishing/`) packages finished chapters and never re-keys one; editing one
chapter re-keys that chapter alone.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from scenes.lesson import Chapter
from scenes.rendering.settings import RenderSettings

ROOT = Path(__file__).resolve().parents[2]  # the project: model/ and scenes/ live here
PICTURE_FOLDERS = ("model", "scenes/kit", "scenes/rendering")  # every chapter depends on these
CHAPTERS = "scenes/chapters"


def _module_file(module: str) -> str:
    return module.replace(".", "/") + ".py"


def picture_sources(chapter_module: str, root: Path = ROOT) -> list[str]:
    """The source files (relative to `root`, sorted) that the chapter in `chapter_module` is drawn from."""
    files = [p for folder in PICTURE_FOLDERS for p in (root / folder).rglob("*.py")]
    files += (root / "scenes").glob("*.py")  # shared modules: the chapter list, file helpers
    files += (root / CHAPTERS).glob("__init__.py")
    names = {p.relative_to(root).as_posix() for p in files}
    names.add(_module_file(chapter_module))
    return sorted(names)


@lru_cache(maxsize=None)
def code_digest(chapter_module: str, root: Path = ROOT) -> str:
    """A SHA-256 (hex) of the chapter's picture sources and of the manim and PyAV versions."""
    import av
    import manim

    h = hashlib.sha256(f"manim {manim.__version__} av {av.__version__}".encode())
    for name in picture_sources(chapter_module, root):
        h.update(name.encode())
        h.update((root / name).read_bytes())
    return h.hexdigest()


def _recordings(settings: RenderSettings) -> list:
    """What a voice of one's own recordings reads besides the text: each file's name, size and time."""
    voice = settings.voice
    if voice.engine != "recordings" or not voice.directory:
        return []
    return sorted((p.name, p.stat().st_size, int(p.stat().st_mtime)) for p in Path(voice.directory).iterdir()
                  if p.is_file())


def chapter_key(chapter: Chapter, settings: RenderSettings, trace_digest: str) -> str:
    """A SHA-256 (hex) that changes whenever anything the chapter's video depends on changes:
    its code, the trace's bytes (`trace_digest`), and every setting that changes the picture or
    the sound (RenderSettings.fingerprint)."""
    payload = json.dumps([chapter.name, trace_digest, code_digest(chapter.module), settings.fingerprint(),
                          _recordings(settings)], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
