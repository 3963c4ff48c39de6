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


def get_owned_or_404(model, user, **lookups):
    return get_object_or_404(model.objects.for_user(user), **lookups)
