"""The dashboard, follow-up pages and settings. Rows come through get_owned_or_404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from interviews.models import Interview

from .forms import FollowUpSettingsForm


def dashboard(request):
    now = timezone.now()
    interviews = Interview.objects.for_user(request.user).select_related("application")
    return render(
        request,
        "reminders/dashboard.html",
        {
            "upcoming": interviews.upcoming(now)[:10],
            "awaiting_notes": interviews.awaiting_notes(now),
            "now": now,
        },
    )


def settings_view(request):
    form = FollowUpSettingsForm(request.POST or None, instance=request.candidate)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("settings")
    return render(request, "reminders/settings.html", {"form": form})
