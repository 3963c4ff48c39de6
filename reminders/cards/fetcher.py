"""The card renderer's asset sandbox: WeasyPrint may read the card's own CSS
and font from disk and nothing else, so no text a candidate types can make a
render read a file or call the network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_ORIGIN = "https://card-assets.invalid/"  # never resolves; served by the fetcher
ASSET_DIRS = ("fonts", "cards")
ASSET_TYPES = {".css": "text/css", ".ttf": "font/ttf"}


def base_dir() -> Path:
    return Path(getattr(settings, "BASE_DIR", Path(__file__).resolve().parents[2]))


class AssetRefused(ValueError):
    """The card renderer asked for a URL that is not one of the card's assets."""


class CardAssetFetcher(URLFetcher):
    """Serves only files under static/fonts and static/cards; refuses the rest.

    No network, no file:// and no data: URLs. Paths are resolved (symlinks and
    ``..`` included) before the containment check, so neither can escape.
    """

    def __init__(self, static_root: Path | None = None):
        # fail_on_errors: a refused URL stops the render instead of becoming
        # a warning, so a bug can never silently ship a half-built card.
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=True)
        self.static_root = Path(static_root or base_dir() / "static")

    def fetch(self, url, headers=None):
        path = self.asset_path(url)
        return URLFetcherResponse(
            url, body=path.read_bytes(), headers={"Content-Type": ASSET_TYPES[path.suffix]}
        )

    def asset_path(self, url: str) -> Path:
        parts = urlsplit(url)
        origin = urlsplit(ASSET_ORIGIN)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            raise AssetRefused(f"Refused URL outside the card assets: {url[:200]}")
        path = unquote(parts.path)
        if parts.query or parts.fragment or not path.startswith("/static/") or "\0" in path:
            raise AssetRefused(f"Refused card asset URL: {url[:200]}")
        try:
            real = (self.static_root / path.removeprefix("/static/")).resolve(strict=True)
        except (OSError, RuntimeError) as error:
            raise AssetRefused(f"No such card asset: {url[:200]}") from error
        allowed = [(self.static_root / name).resolve() for name in ASSET_DIRS]
        inside = any(real.is_relative_to(folder) for folder in allowed)
        if not inside or not real.is_file() or real.suffix not in ASSET_TYPES:
            raise AssetRefused(f"Refused card asset: {url[:200]}")
        return real
