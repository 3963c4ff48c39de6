"""Build the handwriting font used by the printable thank-you cards.

The cards use Caveat (SIL Open Font License 1.1) from the npm package
``@fontsource/caveat``. Fontsource ships the font cut into per-script WOFF2
subsets, so no single file holds both "José" and "Łukasz". This script merges
the weight-400 ``latin`` and ``latin-ext`` subsets into one TrueType file that
WeasyPrint can embed (it subsets it again per PDF, so the size on disk is not
what a PDF costs).

Run it from the project root; it needs ``npm`` on PATH unless you pass an
already unpacked package:

    .venv/bin/python scripts/build_card_font.py
    .venv/bin/python scripts/build_card_font.py --package-dir /tmp/x/package

It writes ``static/fonts/Caveat-Handwriting.ttf`` and ``static/fonts/OFL.txt``
and fails loudly if the result does not cover the characters names need.
Re-running it with the same package version gives the same glyphs.
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

# Pinned so a rebuild gives the same glyphs as the committed file.
PACKAGE = "@fontsource/caveat@5.3.0"
SUBSETS = ("latin", "latin-ext")
WEIGHT = 400
OUTPUT_NAME = "Caveat-Handwriting.ttf"

# Latin-1 and Latin Extended-A: every name in Western, Central and Northern
# European languages. Caveat itself has no glyph for U+017F (long s, archaic),
# so it is the one code point we accept missing.
REQUIRED_RANGES = ((0x0020, 0x007E), (0x00A0, 0x00FF), (0x0100, 0x017F))
KNOWN_ABSENT = {0x017F}

ROOT = Path(__file__).resolve().parent.parent
FONTS_DIR = ROOT / "static" / "fonts"


def package_fetch(workdir: Path) -> Path:
    """Download and unpack the npm tarball in a throwaway directory."""
    result = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def woff2_load(package_dir: Path, subset_name: str) -> TTFont:
    path = package_dir / "files" / f"caveat-{subset_name}-{WEIGHT}-normal.woff2"
    font = TTFont(path)
    font.flavor = None  # decompress to plain sfnt so the merger can read it
    return font


def font_as_stream(font: TTFont) -> io.BytesIO:
    stream = io.BytesIO()
    font.recalcTimestamp = False
    font.save(stream)
    stream.seek(0)
    return stream


def subset_unique(extra: TTFont, base: TTFont) -> TTFont:
    """Keep only what ``extra`` adds, so the merge holds no duplicate glyphs."""
    wanted = set(extra.getBestCmap()) - set(base.getBestCmap())
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    options.hinting = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(extra)
    return extra


def fonts_merge(package_dir: Path) -> TTFont:
    base = woff2_load(package_dir, SUBSETS[0])
    released = base["head"].created, base["head"].modified
    extra = subset_unique(woff2_load(package_dir, SUBSETS[1]), base)
    merged = Merger().merge([font_as_stream(base), font_as_stream(extra)])
    # Keep the release's timestamp so a rebuild is byte-for-byte identical.
    merged["head"].created, merged["head"].modified = released
    merged.recalcTimestamp = False
    # Say what this file is, as the OFL asks for modified versions.
    merged["name"].setName(
        f"Caveat {WEIGHT}, latin + latin-ext subsets of {PACKAGE} merged with fontTools",
        10,
        3,
        1,
        0x409,
    )
    return merged


def coverage_missing(font: TTFont) -> list[str]:
    cmap = font.getBestCmap()
    missing = [
        f"U+{code:04X}"
        for start, end in REQUIRED_RANGES
        for code in range(start, end + 1)
        if code not in cmap and code not in KNOWN_ABSENT
    ]
    if ord("Ł") not in cmap:
        missing.append("U+0141 (Ł)")
    return missing


def build(package_dir: Path, out_dir: Path) -> Path:
    merged = fonts_merge(package_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / OUTPUT_NAME
    merged.save(target)
    shutil.copyfile(package_dir / "LICENSE", out_dir / "OFL.txt")

    missing = coverage_missing(TTFont(target))
    if missing:
        raise SystemExit(f"{target} lacks required characters: {', '.join(missing)}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-dir", type=Path, help="an unpacked @fontsource/caveat")
    parser.add_argument("--out-dir", type=Path, default=FONTS_DIR)
    args = parser.parse_args(argv)

    if args.package_dir:
        target = build(args.package_dir, args.out_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            target = build(package_fetch(Path(tmp)), args.out_dir)

    font = TTFont(target)
    print(
        f"wrote {target} ({target.stat().st_size // 1024} KB, "
        f"{len(font.getBestCmap())} code points, {font['maxp'].numGlyphs} glyphs)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
