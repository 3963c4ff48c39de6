"""`manage.py check --deploy` refuses a SECRET_KEY anyone could know.

Django's own check (security.W009) only warns, so a deploy that does not ask
for `--fail-level WARNING` would start with the compose file's old fallback or
a key copied from the README. This one is an Error.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, register

MIN_LENGTH = 50
MIN_DISTINCT = 5
# Keys that were published with the project. The repository is also searched
# (below), but a key removed from it stays public in its history.
PUBLISHED_KEYS = frozenset(
    {
        "local-compose-only-insecure-key-set-SECRET_KEY-in-dot-env",
        "test-only-not-a-secret",
    }
)
# Text the project ships in which a key could be written down as an example.
_SEARCHED = ("*.md", "*.yml", "*.yaml", "*.toml", "*.py", "*.sh", "*.txt", ".env.example")
_SKIPPED = {".git", ".venv", "var", "node_modules", "staticfiles"}


def _written_in_repository(key, root):
    for pattern in _SEARCHED:
        for path in root.rglob(pattern):
            if _SKIPPED.intersection(path.relative_to(root).parts) or not path.is_file():
                continue
            try:
                if key in path.read_text(errors="ignore"):
                    return path.relative_to(root)
            except OSError:
                continue
    return None


def secret_key_problem(key, root):
    """Why ``key`` is unfit for production, or None."""
    if len(key) < MIN_LENGTH:
        return f"it is {len(key)} characters long; use {MIN_LENGTH} or more"
    if len(set(key)) < MIN_DISTINCT:
        return f"it has fewer than {MIN_DISTINCT} different characters"
    if key in PUBLISHED_KEYS:
        return "it is a value published with the project"
    where = _written_in_repository(key, root)
    if where is not None:
        return f"it is written in the repository ({where})"
    return None


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    problem = secret_key_problem(settings.SECRET_KEY, Path(settings.BASE_DIR))
    if problem is None:
        return []
    return [
        Error(
            f"SECRET_KEY is not secret: {problem}.",
            hint='Generate one: python3 -c "import secrets; print(secrets.token_urlsafe(50))"',
            id="followup_site.E001",
        )
    ]
