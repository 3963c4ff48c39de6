"""The private calendar feed and the one-event downloads."""

import hashlib
from calendar import timegm

from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from interviews.access import get_owned_or_404
from interviews.models import Candidate, Interview, Participant
from reminders.models import FollowUp

from . import ics

# Bumped when the feed's wording or shape changes, so every calendar refetches.
FEED_VERSION = 1


def _feed_followups(candidate):
    return FollowUp.objects.filter(candidate=candidate, status__in=FollowUp.PENDING)


def _feed_interviews(candidate, now):
    return Interview.objects.filter(
        application__candidate=candidate, ends_at__gte=now - ics.INTERVIEWS_KEPT
    )


def _stamp(candidate, now):
    """(ETag, Last-Modified) of the feed, from two aggregate queries.

    Counts catch rows that left the feed (done, deleted, past the window);
    the newest edit of each row the events quote catches every change,
    a renamed person or company included.
    """
    followups = _feed_followups(candidate).aggregate(
        n=Count("pk"),
        edited=Max("updated_at"),
        contacts=Max("contact__updated_at"),
        applications=Max("application__updated_at"),
    )
    interviews = _feed_interviews(candidate, now).aggregate(
        n=Count("pk", distinct=True),
        people=Count("participants", distinct=True),
        edited=Max("updated_at"),
        contacts=Max("participants__contact__updated_at"),
        applications=Max("application__updated_at"),
    )
    parts = [FEED_VERSION, candidate.time_zone, candidate.display_name]
    parts += sorted(followups.items()) + sorted(interviews.items())
    etag = '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'
    moments = [v for v in (*followups.values(), *interviews.values()) if hasattr(v, "tzinfo")]
    last_modified = timegm(max(moments).utctimetuple()) if moments else None
    return etag, last_modified


def _ics_response(calendar, *, filename=None):
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    return response


@login_not_required
@require_GET
def calendar_feed(request, token):
    # The token is the only key: calendar apps fetch the feed without a login.
    candidate = Candidate.objects.select_related("user").filter(calendar_token=token).first()
    if candidate is None:
        raise Http404("No calendar with this link; it may have been replaced by a new one.")
    now = timezone.now()
    etag, last_modified = _stamp(candidate, now)
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        tz = candidate.tz
        followups = _feed_followups(candidate).select_related("application", "contact")
        interviews = (
            _feed_interviews(candidate, now)
            .select_related("application")
            .prefetch_related(
                Prefetch("participants", queryset=Participant.objects.select_related("contact"))
            )
        )
        events = [ics.followup_event(f, tz=tz) for f in followups]
        events += [ics.interview_event(i, tz=tz) for i in interviews]
        calendar = ics.calendar_for(name=f"Follow-ups – {candidate.display_name}", events=events)
        response = _ics_response(calendar)
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified)
    # Private: the URL is a secret, and no shared cache should keep a copy.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


def followup_ics(request, pk):
    followup = get_owned_or_404(FollowUp, request.user, related=("application", "contact"), pk=pk)
    if not followup.is_pending:
        raise Http404("This follow-up is closed; there is nothing to put in a calendar.")
    event = ics.followup_event(followup, tz=request.candidate.tz, alarm=True)
    calendar = ics.calendar_for(name="Follow-up", events=[event])
    return _ics_response(calendar, filename=slugify(followup.heading) or "follow-up")


def interview_ics(request, pk):
    interview = get_owned_or_404(Interview, request.user, related=("application",), pk=pk)
    event = ics.interview_event(interview, tz=request.candidate.tz, alarm=True)
    calendar = ics.calendar_for(name="Interview", events=[event])
    return _ics_response(calendar, filename=slugify(f"interview {interview.application}"))
