"""The dashboard, follow-up pages and settings. Rows come through get_owned_or_404."""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from interviews.access import get_owned_or_404
from interviews.models import Interview
from interviews.services import candidate_profile_save
from reminders.followups.board import board_for, habit_for
from reminders.followups.forms import DoneForm, DraftForm, FollowUpSettingsForm, SnoozeForm
from reminders.followups.guardrails import browser_texts, data_attributes, guardrails_check
from reminders.followups.rules import RULES, prompts_for
from reminders.models import FollowUp

from . import services


def dashboard(request):
    now = timezone.now()
    interviews = Interview.objects.for_user(request.user).select_related("application")
    return render(
        request,
        "reminders/dashboard.html",
        {
            "board": board_for(candidate=request.candidate, now=now),
            "habit": habit_for(candidate=request.candidate, now=now),
            "upcoming": interviews.upcoming(now)[:10],
            "awaiting_notes": list(interviews.awaiting_notes(now)),
            "now": now,
        },
    )


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


@post_on_owned_followup
def followup_draft(request, followup):
    form = DraftForm(request.POST)
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
