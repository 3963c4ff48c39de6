"""How allauth counts failed sign-ins: per account and address, and per account.

allauth counts failures under one key per action. One key per account alone
would let a stranger lock the owner out by typing wrong passwords; one key
per address alone would let a botnet guess forever. So two counters, both
configured in ACCOUNT_RATE_LIMITS (settings.py):

- ``login_failed``, keyed by (account, client address): tight and short, so a
  guesser at one address is stopped quickly while the owner, at another
  address, is not;
- ``login_failed_account``, keyed by the account alone: looser and longer, so
  guesses spread over many addresses still run out, and the owner is at worst
  slowed for that window, never locked out for good.

The client address is allauth's (REMOTE_ADDR, or X-Forwarded-For only when
ALLAUTH_TRUSTED_PROXY_COUNT says a proxy of ours is in front).
"""

import math
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext

APP = "allauth.account"
PAIR = "login_failed"
ACCOUNT = "login_failed_account"


def _login(credentials):
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


class AccountAdapter(DefaultAccountAdapter):
    def _keys(self, request, credentials):
        login = _login(credentials)
        return {PAIR: f"{login}|{ratelimit.get_ip(request)}", ACCOUNT: login}

    def pre_authenticate(self, request, **credentials):
        consumed = []
        for action, key in self._keys(request, credentials).items():
            usage = ratelimit.consume(request, app=APP, action=action, key=key)
            if usage is None:
                # The attempt is refused, so it must not count against the
                # other counter either.
                ratelimit.RateLimitUsage(usage=consumed).rollback()
                raise ValidationError(
                    self._retry_message(request, action, key), code="too_many_login_attempts"
                )
            consumed.extend(usage.usage)
        # allauth rolls this back when the password was right: only failures count.
        self._login_failed_rl_usage = ratelimit.RateLimitUsage(usage=consumed)

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A completed password reset proves the owner; their own counters go.
        for action, key in self._keys(request, credentials).items():
            ratelimit.clear(request, app=APP, action=action, key=key)

    def _retry_message(self, request, action, key):
        seconds = retry_after(request, action, key)
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
            "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}


def retry_after(request, action, key):
    """Seconds until the full counter of ``action`` frees a slot."""
    now = time.time()
    wait = 0.0
    for rate in ratelimit.get_rates(app=APP, action=action):
        cache_key = ratelimit.get_cache_key(request, app=APP, action=action, rate=rate, key=key)
        allowed, history = ratelimit.apply_rate(cache.get(cache_key, []), now, rate, dry_run=True)
        if not allowed and history:
            # Newest first: the oldest attempt is the next to expire.
            wait = max(wait, history[-1] + rate.duration - now)
    return wait
