"""The dashboard, follow-up pages and settings. Rows come through get_owned_or_404."""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from interviews.access import get_owned_or_404
from interviews.models import Application, Interview
from interviews.paging import paginate
from interviews.services import candidate_profile_save
from reminders.followups.board import SHOWN, board_for, habit_for
from reminders.followups.forms import DoneForm, DraftForm, FollowUpSettingsForm, SnoozeForm
from reminders.followups.guardrails import browser_texts, data_attributes, guardrails_check
from reminders.followups.listing import (
    DEFAULT_SHOW,
    SHOWS,
    FollowUpFilterForm,
    followups_listed,
)
from reminders.followups.rules import RULES, prompts_for
from reminders.models import FollowUp

from . import services


def dashboard(request):
    now = timezone.now()
    interviews = Interview.objects.for_user(request.user).select_related("application")
    awaiting_notes = interviews.awaiting_notes(now)
    return render(
        request,
        "reminders/dashboard.html",
        {
            "board": board_for(candidate=request.candidate, now=now),
            "habit": habit_for(candidate=request.candidate, now=now),
            "upcoming": interviews.upcoming(now)[:10],
            # The latest few; the count is over them all.
            "awaiting_notes": list(awaiting_notes[: SHOWN["awaiting_notes"]]),
            "awaiting_notes_count": awaiting_notes.count(),
            "now": now,
        },
    )


def followup_list(request):
    """Every follow-up of the candidate, a page at a time, filtered through the URL."""
    now = timezone.now()
    application = _application_filter(request)
    form = FollowUpFilterForm(request.GET)
    show, kind = form.chosen()
    rows = followups_listed(
        candidate=request.candidate, now=now, show=show, kind=kind, application=application
    )
    # The default choice stays out of the URL, so the plain list has one address.
    filters = {"show": "" if show == DEFAULT_SHOW else show, "kind": kind}
    in_application = {"application": application.pk if application else ""}
    paging = paginate(request, rows, filters={**filters, **in_application})
    return render(
        request,
        "reminders/followup_list.html",
        {
            "form": form,
            "paging": paging,
            "show": SHOWS[show],
            "application": application,
            "every_application_query": urlencode({k: v for k, v in filters.items() if v}),
            "now": now,
        },
    )


def _application_filter(request):
    """The application named in ?application=, the candidate's own or a 404."""
    value = request.GET.get("application", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404("No such application.")
    return get_owned_or_404(Application, request.user, pk=int(value))


def settings_view(request):
    form = FollowUpSettingsForm(request.POST or None, instance=request.candidate)
    if request.method == "POST" and form.is_valid():
        candidate_profile_save(form=form)
        messages.success(request, "Settings saved; your follow-ups are re-planned.")
        return redirect("settings")
    return render(request, "reminders/settings.html", {"form": form})


# One follow-up ------------------------------------------------------------------------


def _get_followup(request, pk):
    # The page and the actions read all four: one query instead of five.
    return get_owned_or_404(
        FollowUp, request.user, related=("candidate", "application", "interview", "contact"), pk=pk
    )


def mailto_url(followup, subject=None, body=None):
    """A mailto: link with recipient, subject and body percent-encoded (RFC 6068).

    Line ends are sent as CRLF, which mail programs expect in a mailto body.
    """
    address = followup.contact.email if followup.contact else ""
    subject = followup.subject if subject is None else subject
    body = (followup.draft if body is None else body).replace("\r\n", "\n").replace("\n", "\r\n")
    query = f"subject={quote(subject, safe='')}&body={quote(body, safe='')}"
    return f"mailto:{quote(address, safe='@')}?{query}"


def followup_detail(request, pk, draft_form=None):
    followup = _get_followup(request, pk)
    candidate = followup.candidate
    now = timezone.now()
    draft_form = draft_form or DraftForm(
        initial={"subject": followup.subject, "draft": followup.draft}
    )
    draft_text = draft_form["draft"].value() or ""
    context = {
        "followup": followup,
        "application": followup.application,
        "interview": followup.interview,
        "draft_form": draft_form,
        "done_form": DoneForm(
            initial={"done_on": timezone.localdate(now), "channel": followup.channel}
        ),
        "snooze_form": SnoozeForm(initial={"choice": "date"}),
        "guardrails": guardrails_check(
            kind=followup.kind, text=draft_text, linkedin_limit=candidate.linkedin_note_limit
        ),
        "guardrail_attributes": data_attributes(
            kind=followup.kind, linkedin_limit=candidate.linkedin_note_limit
        ),
        "guardrail_texts": browser_texts(),
        "prompts": prompts_for(followup),
        "checklist": RULES[followup.kind].checklist,
        "mailto": mailto_url(followup) if followup.channel == FollowUp.Channel.EMAIL else "",
        "is_overdue": followup.is_pending and followup.due_at < now,
        "can_record_reply": followup.application.status == "active"
        and not followup.application.employer_replied_at,
    }
    return render(request, "reminders/followup_detail.html", context)


def post_on_owned_followup(view):
    """A POST-only action on one of the candidate's follow-ups.

    Ownership is checked before the method, so another candidate gets the
    same 404 for every method and learns nothing about the row.
    """

    @wraps(view)
    def wrapper(request, pk):
        followup = _get_followup(request, pk)
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, followup)

    return wrapper


def _act(request, followup, action, success):
    """Run one candidate action on a follow-up and go back to its page."""
    try:
        action(followup)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("followup_detail", pk=followup.pk)


def _errors_text(form):
    return " ".join(error for errors in form.errors.values() for error in errors)


# An empty post, or one sent as JSON (which has no form fields), would wipe
# the stored draft; the candidate goes back to the suggestion with its button.
DRAFT_MISSING = (
    "The draft is empty, so nothing was saved. Write your message, or use “Go back to "
    "the suggested draft”."
)


@post_on_owned_followup
def followup_draft(request, followup):
    form = DraftForm(request.POST)
    if form.is_valid() and not form.cleaned_data["draft"].strip():
        # Show the stored draft again, with the message beside it.
        subject = form.cleaned_data["subject"] or followup.subject
        form = DraftForm({"subject": subject, "draft": followup.draft})
        form.is_valid()
        form.add_error("draft", DRAFT_MISSING)
    if form.is_valid():
        try:
            warnings = services.followup_draft_save(
                followup=followup,
                subject=form.cleaned_data["subject"],
                draft=form.cleaned_data["draft"],
            )
        except ValidationError as error:
            form.add_error("draft", error)
        else:
            messages.success(request, "Draft saved; it will not be rewritten by planning.")
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("followup_detail", pk=followup.pk)
    return followup_detail(request, followup.pk, draft_form=form)


@post_on_owned_followup
def followup_draft_reset(request, followup):
    return _act(
        request,
        followup,
        lambda f: services.followup_draft_reset(followup=f),
        "Back to the suggested draft.",
    )


@post_on_owned_followup
def followup_done(request, followup):
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Give the date and how you sent it. {_errors_text(form)}")
        return redirect("followup_detail", pk=followup.pk)
    return _act(
        request,
        followup,
        lambda f: services.followup_mark_done(
            followup=f, done_on=form.cleaned_data["done_on"], channel=form.cleaned_data["channel"]
        ),
        "Marked done. Well kept!",
    )


@post_on_owned_followup
def followup_snooze(request, followup):
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors_text(form))
        return redirect("followup_detail", pk=followup.pk)

    def snooze(followup):
        until = services.snooze_until(
            candidate=followup.candidate,
            choice=form.cleaned_data["choice"],
            day=form.cleaned_data.get("day"),
        )
        services.followup_snooze(followup=followup, until=until)

    return _act(request, followup, snooze, "Snoozed. You will be reminded again then.")


@post_on_owned_followup
def followup_skip(request, followup):
    return _act(request, followup, lambda f: services.followup_skip(followup=f), "Skipped.")


@post_on_owned_followup
def followup_reply(request, followup):
    return _act(
        request,
        followup,
        lambda f: services.followup_reply_record(followup=f),
        "Reply recorded: no further check-ins.",
    )


@post_on_owned_followup
def followup_undo(request, followup):
    return _act(request, followup, lambda f: services.followup_undo(followup=f), "Undone.")
