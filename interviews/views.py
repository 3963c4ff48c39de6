"""Views for applications, interviews, people and the notes form.

Every view is a function, and every row is fetched through access.get_owned_or_404.
"""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .access import get_owned_or_404
from .forms import (
    ApplicationForm,
    ContactForm,
    InterviewForm,
    NotesForm,
    PeopleFormSet,
    ProfileForm,
    people_initial,
)
from .models import Application, Contact, Interview
from .paging import paginate


def profile(request):
    form = ProfileForm(request.POST or None, instance=request.candidate)
    if request.method == "POST" and form.is_valid():
        services.candidate_profile_save(form=form)
        messages.success(request, "Profile saved.")
        return redirect("profile")
    feed_path = reverse("calendar_feed", args=[request.candidate.calendar_token])
    return render(
        request,
        "interviews/profile.html",
        {
            "form": form,
            "feed_url": f"{settings.SITE_URL}{feed_path}",
            "webcal_url": "webcal://" + f"{settings.SITE_URL}{feed_path}".split("://", 1)[1],
        },
    )


@require_POST
def calendar_link_renew(request):
    services.candidate_calendar_link_renew(candidate=request.candidate)
    messages.success(
        request,
        "Your calendar has a new link, and the old one has stopped working. "
        "Subscribe again with the new link below.",
    )
    return redirect(reverse("profile") + "#calendar")


# Applications -------------------------------------------------------------------


def application_list(request):
    applications = Application.objects.for_user(request.user).select_related("main_contact")
    status = request.GET.get("status", "")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    else:
        status = ""
    paging = paginate(request, applications, filters={"status": status})
    return render(
        request,
        "interviews/application_list.html",
        {
            "paging": paging,
            "applications": paging.rows,
            "status": status,
            "statuses": Application.Status.choices,
        },
    )


def application_create(request):
    form = ApplicationForm(request.POST or None, candidate=request.candidate)
    if request.method == "POST" and form.is_valid():
        application = services.application_create(candidate=request.candidate, form=form)
        messages.success(request, f"Added {application}. Now add its first interview.")
        return redirect("interview_create", application_id=application.pk)
    return render(request, "interviews/application_form.html", {"form": form})


def application_detail(request, pk):
    application = get_owned_or_404(Application, request.user, pk=pk, related=("candidate",))
    interviews = application.interviews.prefetch_related("participants__contact")
    return render(
        request,
        "interviews/application_detail.html",
        {
            "application": application,
            "interviews": interviews,
            "followups": application.followups.select_related("contact", "interview"),
            "statuses": Application.Status,
        },
    )


def application_edit(request, pk):
    application = get_owned_or_404(Application, request.user, pk=pk)
    form = ApplicationForm(request.POST or None, instance=application, candidate=request.candidate)
    if request.method == "POST" and form.is_valid():
        services.application_update(form=form)
        messages.success(request, "Application saved.")
        return redirect(application)
    return render(
        request, "interviews/application_form.html", {"form": form, "application": application}
    )


def application_delete(request, pk):
    application = get_owned_or_404(Application, request.user, pk=pk)
    if request.method == "POST":
        application.delete()
        messages.success(request, f"Deleted {application} and its follow-ups.")
        return redirect("application_list")
    return render(
        request,
        "interviews/confirm_delete.html",
        {"object": application, "cancel_url": application.get_absolute_url()},
    )


STATUS_MESSAGES = {
    Application.Status.ACTIVE: "Marked active again; follow-ups re-planned.",
    Application.Status.OFFER: "Congratulations! Pending follow-ups cancelled.",
    Application.Status.REJECTED: "Recorded. Check-ins cancelled; a gracious reply is planned.",
    Application.Status.WITHDRAWN: "Withdrawn. Pending follow-ups cancelled.",
}


def application_status(request, pk):
    # Ownership before the method: another candidate gets the same 404 for
    # a GET as for a POST.
    application = get_owned_or_404(Application, request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    status = request.POST.get("status", "")
    if status not in Application.Status.values:
        messages.error(request, "Choose one of the listed outcomes.")
    else:
        services.application_status_record(application=application, status=status)
        messages.success(request, STATUS_MESSAGES[status])
    return redirect(application)


def application_reply(request, pk):
    application = get_owned_or_404(Application, request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    replied = request.POST.get("replied") == "yes"
    services.application_reply_record(application=application, replied=replied)
    messages.success(
        request,
        "Reply recorded: no further check-ins."
        if replied
        else "Reply removed; check-ins re-planned.",
    )
    return redirect(_safe_next(request, fallback=application.get_absolute_url()))


def _safe_next(request, *, fallback):
    """The page to go back to: a path on this site, never another host or a script URL."""
    target = request.POST.get("next", "").strip()
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target.startswith("/") and allowed else fallback


# Interviews ---------------------------------------------------------------------


def _people_formset(request, interview, application, initial=None):
    contacts = Contact.objects.for_user(request.user).at_company(application.company)
    return PeopleFormSet(request.POST or None, prefix="people", contacts=contacts, initial=initial)


def interview_create(request, application_id):
    application = get_owned_or_404(Application, request.user, pk=application_id)
    interview = Interview(application=application)
    form = InterviewForm(request.POST or None, instance=interview)
    people = _people_formset(request, interview, application)
    if request.method == "POST" and form.is_valid() and people.is_valid():
        interview = services.interview_save(
            form=form, application=application, people=people.people()
        )
        messages.success(request, "Interview added.")
        return redirect(interview)
    return render(
        request,
        "interviews/interview_form.html",
        {"form": form, "people": people, "application": application},
    )


def interview_detail(request, pk):
    interview = get_owned_or_404(Interview, request.user, related=("application",), pk=pk)
    return render(
        request,
        "interviews/interview_detail.html",
        {
            "interview": interview,
            "application": interview.application,
            "participants": interview.participants.select_related("contact"),
            "followups": interview.followups.select_related("contact"),
            "now": timezone.now(),
        },
    )


def interview_edit(request, pk):
    interview = get_owned_or_404(Interview, request.user, related=("application",), pk=pk)
    application = interview.application
    form = InterviewForm(request.POST or None, instance=interview)
    people = _people_formset(request, interview, application, initial=people_initial(interview))
    if request.method == "POST" and form.is_valid() and people.is_valid():
        services.interview_save(form=form, application=application, people=people.people())
        messages.success(request, "Interview saved; pending follow-ups re-planned.")
        return redirect(interview)
    return render(
        request,
        "interviews/interview_form.html",
        {"form": form, "people": people, "application": application, "interview": interview},
    )


def interview_delete(request, pk):
    interview = get_owned_or_404(Interview, request.user, pk=pk)
    application = interview.application
    if request.method == "POST":
        services.interview_delete(interview=interview)
        messages.success(request, "Interview deleted; follow-ups re-planned.")
        return redirect(application)
    return render(
        request,
        "interviews/confirm_delete.html",
        {"object": interview, "cancel_url": interview.get_absolute_url()},
    )


def interview_notes(request, pk):
    interview = get_owned_or_404(Interview, request.user, related=("application",), pk=pk)
    application = interview.application
    form = NotesForm(request.POST or None, instance=interview)
    people = _people_formset(request, interview, application, initial=people_initial(interview))
    if request.method == "POST":
        # Validate both halves before saving either: nothing is saved half-way.
        if form.is_valid() & people.is_valid():
            with transaction.atomic():
                services.interview_notes_save(form=form, people=people.people())
            messages.success(request, "Notes saved. Your follow-ups are planned.")
            return redirect(interview)
        messages.error(request, "Some answers need another look; nothing was saved yet.")
    return render(
        request,
        "interviews/interview_notes.html",
        {"form": form, "people": people, "interview": interview, "application": application},
    )


# People ---------------------------------------------------------------------------


def contact_list(request):
    # A name or company to look for; kept as typed so the box shows it again.
    # PostgreSQL refuses a NUL in a query, so one typed or pasted is dropped.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    contacts = Contact.objects.for_user(request.user).matching(search)
    paging = paginate(request, contacts, filters={"q": search})
    return render(
        request,
        "interviews/contact_list.html",
        {"paging": paging, "contacts": paging.rows, "search": search},
    )


def contact_create(request):
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.candidate = request.candidate
        contact.save()
        messages.success(request, f"Added {contact.name}.")
        return redirect(contact)
    return render(request, "interviews/contact_form.html", {"form": form})


def contact_detail(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    participations = contact.participations.select_related("interview__application")
    return render(
        request,
        "interviews/contact_detail.html",
        {"contact": contact, "participations": participations},
    )


def contact_edit(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.contact_update(form=form)
        messages.success(request, "Saved; their follow-ups are re-planned.")
        return redirect(contact)
    return render(request, "interviews/contact_form.html", {"form": form, "contact": contact})


def contact_delete(request, pk):
    contact = get_owned_or_404(Contact, request.user, pk=pk)
    if request.method == "POST":
        services.contact_delete(contact=contact)
        messages.success(request, f"Deleted {contact.name}.")
        return redirect("contact_list")
    return render(
        request,
        "interviews/confirm_delete.html",
        {
            "object": contact,
            "cancel_url": contact.get_absolute_url(),
            # Say plainly what goes with them: their follow-ups, done ones too.
            "followups_lost": contact.followups.count(),
            "followups_done": contact.followups.filter(status="done").count(),
        },
    )
