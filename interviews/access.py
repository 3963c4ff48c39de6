"""The one place that decides who may see what.

Every view fetches rows through these helpers. A row owned by anyone but the
signed-in candidate is a 404, never a 403: its existence is not revealed.
"""

from django.shortcuts import get_object_or_404

from .models import Candidate


def candidate_for(user):
    """The signed-in user's candidate profile, created on first use."""
    candidate, _ = Candidate.objects.get_or_create(user=user)
    return candidate


def get_owned_or_404(model, user, *, related=(), **lookups):
    """The row matching `lookups` if `user` owns it, else a 404.

    `related` names foreign keys to fetch in the same query (select_related)
    for pages that show them.
    """
    rows = model.objects.for_user(user)
    if related:
        rows = rows.select_related(*related)
    return get_object_or_404(rows, **lookups)
