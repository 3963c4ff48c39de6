"""The shared Redis cache, falling back to this process's memory while Redis is down.

Sign-in counts failed attempts in the cache (allauth's rate limits). With the
plain Redis backend a stopped Redis raises on every sign-in, a 500 for
everyone; a backend that merely swallowed the errors would be worse, because
allauth takes a cache lock before counting and a lock that can never be taken
refuses the attempt. So while Redis does not answer, each operation goes to
a local memory cache instead: the limits still hold per process, cached cards
are rendered again, and after a short pause Redis is tried again.
"""

import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)
# How long the memory cache stands in before Redis is asked again: long
# enough that an outage does not cost every request a failed connection.
RETRY_SECONDS = 15

_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class RedisWithFallbackCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"redis-fallback-{server}", {"TIMEOUT": params.get("TIMEOUT")})
        self._down_until = 0.0

    def _fallback(self, name, args, kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except OUTAGE:
                logger.warning(
                    "Redis cache unreachable; using this process's memory for %ss",
                    RETRY_SECONDS,
                    exc_info=True,
                )
                self._down_until = time.monotonic() + RETRY_SECONDS
        return getattr(self._local, name)(*args, **kwargs)


def _delegate(name):
    def operation(self, *args, **kwargs):
        return self._fallback(name, args, kwargs)

    operation.__name__ = name
    return operation


for _name in _OPERATIONS:
    setattr(RedisWithFallbackCache, _name, _delegate(_name))


def redis_cache(url):
    """The CACHES entry for the shared cache on Redis at ``url``."""
    return {
        "BACKEND": "followup_site.cache.RedisWithFallbackCache",
        "LOCATION": url,
        "KEY_PREFIX": "followup",
        # A Redis that hangs instead of refusing must not hold up a sign-in.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
