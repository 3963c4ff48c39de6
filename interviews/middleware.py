from django.utils import timezone

from .access import candidate_for


class CandidateTimezoneMiddleware:
    """Attach the signed-in candidate and show every time in their own zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.candidate = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.candidate = candidate_for(user)
            timezone.activate(request.candidate.tz)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
