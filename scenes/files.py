"""Files written whole or not at all, and what the renders need to know of files."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(dest: str | os.PathLike):
    """Yield a temporary path beside `dest`; when the block succeeds it becomes `dest` in one
    rename (with ordinary permissions), and when it fails it is removed. A reader never sees a
    half-written file under the final name."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.stem}.", suffix=dest.suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# What atomic_path's temporary names look like: ".<stem>.<8 random characters><suffix>".
_TEMPORARY = re.compile(r"^\.(.+)\.[a-z0-9_]{8}(\.[A-Za-z0-9]+)?$")


def remove_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Delete the temporary files an interrupted atomic_path left in `folder` (not its subfolders)."""
    removed = []
    folder = Path(folder)
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and _TEMPORARY.match(path.name):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def write_text(path: str | os.PathLike, content: str) -> Path:
    """Write UTF-8 text whole or not at all; returns the path."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(content, encoding="utf-8")
    return path


def file_digest(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def copy_whole(src: str | os.PathLike, dest: str | os.PathLike) -> Path:
    """Copy a finished file into place whole or not at all (a temporary file, then a rename)."""
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
    return Path(dest)


@contextmanager
def scratch_folder(prefix: str = "nextword-"):
    """A private folder for one run's working files (manim's partial movies, texts and SVGs),
    removed when the run ends: two commands running at once never share one."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        yield Path(folder)
