#!/usr/bin/env python3
"""A real client reads the deck: LibreOffice Impress converts it to PDF, and every slide must come
out as one page, each beat's page showing its poster (the clip's last frame) or its still.

Not a pytest test (it needs LibreOffice and poppler, and takes a while); run it by hand:

    apt-get install libreoffice-impress poppler-utils
    .venv/bin/python tests/clients/check_deck_libreoffice.py                 # renders a small deck first
    .venv/bin/python tests/clients/check_deck_libreoffice.py media/clips/lesson.pptx --out /tmp/pages

It prints one line per slide and exits 1 when a page is missing or a poster is not on its page.
The pages are kept as PNGs in --out to look at.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageStat
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

ROOT = Path(__file__).resolve().parents[2]
LIKE_POSTER = 8.0  # mean absolute difference (0-255) under which a page shows the poster (other beats: 8-25)
NOT_BLANK = 4.0  # standard deviation of a page's grey levels above which something is drawn on it


def small_deck(folder: Path) -> list[Path]:
    """A deck of clips and one of stills from one chapter of a short run (test size, espeak)."""
    sys.path.insert(0, str(ROOT))
    from model import TrainConfig, save_trace, train
    from render import render_settings
    from scenes.kit.voice import Voice
    from scenes.lesson import find
    from scenes.publishing.clips import render_clips
    from scenes.publishing.deck import build_deck

    trace = save_trace(train(TrainConfig(epochs=8)), folder / "small.npz")
    settings = render_settings(trace, quality="tiny", voice=Voice(engine="espeak"))
    settings = settings.replace(speech_dir=folder / "speech")
    out = folder / "clips"
    clips = render_clips([find("HowWrongWasIt")], settings, out_dir=out, media_dir=folder / "m", pptx=True)
    stills = out / "lesson-stills.pptx"
    build_deck(clips, settings.lesson_title, stills, media="stills")
    return [clips.deck.path, stills]


def to_pdf(deck: Path, out: Path) -> Path:
    """Convert with LibreOffice Impress headless, in a profile of its own (no running instance)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
             "--convert-to", "pdf", "--outdir", str(out), str(deck)],
            check=True, capture_output=True, timeout=600,
        )
    pdf = out / f"{deck.stem}.pdf"
    if not pdf.exists():
        raise SystemExit(f"LibreOffice wrote no PDF for {deck}")
    return pdf


def pages(pdf: Path, out: Path, dpi: int = 48) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(out / pdf.stem)], check=True)
    return sorted(out.glob(f"{pdf.stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def difference(page: Image.Image, poster: Image.Image) -> float:
    """Mean absolute difference of the two pictures' grey levels, at the page's size."""
    a = np.asarray(page.convert("L"), dtype=float)
    b = np.asarray(poster.convert("L").resize(page.size, Image.BILINEAR), dtype=float)
    return float(np.abs(a - b).mean())


def poster(shape) -> Image.Image:
    """The picture a clip or still slide shows before anything plays."""
    image = shape.poster_frame if shape.shape_type == MSO_SHAPE_TYPE.MEDIA else shape.image
    return Image.open(io.BytesIO(image.blob))


def check(deck: Path, out: Path) -> bool:
    """Each slide one page; each beat's page shows its own poster, closer to it than to any other."""
    prs = Presentation(str(deck))
    kinds = (MSO_SHAPE_TYPE.MEDIA, MSO_SHAPE_TYPE.PICTURE)
    pictured = {
        i: shapes[0]
        for i, slide in enumerate(prs.slides, 1)
        if (shapes := [s for s in slide.shapes if s.shape_type in kinds])
    }
    posters = {i: poster(shape) for i, shape in pictured.items()}
    out.mkdir(parents=True, exist_ok=True)
    pdf = to_pdf(deck, out)
    shots = pages(pdf, out)
    print(f"{deck.name}: {len(prs.slides)} slides, {len(shots)} pages ({pdf})")
    ok = len(shots) == len(prs.slides)
    if not ok:
        print("  FAIL: one page per slide expected")
    for i, (slide, shot) in enumerate(zip(prs.slides, shots), 1):
        page = Image.open(shot).convert("RGB")
        spread = ImageStat.Stat(page.convert("L")).stddev[0]
        if i in pictured:
            shape = pictured[i]
            diffs = {j: difference(page, picture) for j, picture in posters.items()}
            others = min((d for j, d in diffs.items() if j != i), default=255.0)
            good = diffs[i] < LIKE_POSTER and diffs[i] < others and spread > NOT_BLANK
            kind = "clip" if shape.shape_type == MSO_SHAPE_TYPE.MEDIA else "still"
            print(f"  {'ok  ' if good else 'FAIL'} page {i}: {kind} {shape.name}: differs from its poster by "
                  f"{diffs[i]:.1f}/255 (from the closest other: {others:.1f}), spread {spread:.1f}")
        else:
            title = slide.shapes.title.text if slide.shapes.title is not None else ""
            good = spread > NOT_BLANK
            print(f"  {'ok  ' if good else 'FAIL'} page {i}: text slide {title!r}, spread {spread:.1f}")
        ok = ok and good
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("decks", nargs="*", type=Path, help="decks to check (default: render a small one)")
    parser.add_argument("--out", type=Path, default=None, help="where to keep the PDFs and page PNGs")
    args = parser.parse_args(argv)
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"{tool} is missing: apt-get install libreoffice-impress poppler-utils", file=sys.stderr)
            return 2
    out = args.out or Path(tempfile.mkdtemp(prefix="deck-check-"))
    decks = args.decks or small_deck(out / "render")
    results = [check(deck, out / deck.stem) for deck in decks]
    print("all pages as expected" if all(results) else "some pages are not as expected", f"(pages in {out})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
