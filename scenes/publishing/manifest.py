"""manifest.json: the settings of a render and every file it made."""

from __future__ import annotations

import json
from pathlib import Path

from scenes.files import file_digest, write_text
from scenes.rendering.settings import RenderSettings


def render_settings(settings: RenderSettings, **extra) -> dict:
    """The settings as the manifest records them: title, quality, size, frame rate, aspect,
    captions, reading pace, voice, plus `extra`."""
    width, height = settings.pixel_size
    return {
        "title": settings.lesson_title,
        "quality": settings.quality,
        "aspect": settings.aspect,
        "width": width,
        "height": height,
        "fps": settings.fps,
        "captions": settings.captions,
        "reading_pace": settings.words_per_second,
        "voice": settings.voice.engine,
        **extra,
    }


def write_manifest(path: Path, files: list[dict], settings: dict) -> Path:
    """Write manifest.json: `settings`, and every file made (dicts with at least "path"), each
    with its path relative to the manifest's folder, its size in bytes and its SHA-256."""
    root = path.parent
    entries = []
    for entry in files:
        f = Path(entry["path"])
        entries.append(
            {
                **entry,
                "path": f.relative_to(root).as_posix(),
                "bytes": f.stat().st_size,
                "sha256": file_digest(f),
            }
        )
    return write_text(
        path, json.dumps({"settings": settings, "files": entries}, indent=2, ensure_ascii=False) + "\n"
    )
