"""Reading the environment (and .env) for the settings, strictly."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def read(name, parse, **kwargs):
    """Read one variable, turning a parse error into a message that names it."""
    try:
        return parse(name, **kwargs)
    except (ValueError, TypeError, environ.ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def flag(name, default):
    """A strict on/off switch: django-environ reads any unknown word as False,
    so DEBUG=maybe would quietly mean off."""
    raw = env.str(name, default="on" if default else "off").strip().lower()
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} is malformed: {raw!r} is not one of on/off")
    return raw in _TRUE
