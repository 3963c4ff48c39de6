"""Forms for the candidate's profile, applications, interviews and notes."""

import zoneinfo
from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .form_kit import (
    DateInput,
    LocalDateTimeInput,
    PlainHelperMixin,
    check_plausible,
)
from .models import Application, Candidate, Contact, Interview, Participant

TIME_ZONE_CHOICES = [
    (name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())
]


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form; allauth calls signup() after saving the user."""

    full_name = forms.CharField(max_length=150, required=False, label="Your name")
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        initial="UTC",
        help_text="Filled in from your browser. Reminders follow this zone.",
        widget=forms.Select(attrs={"data-browser-time-zone": "1"}),
    )

    def signup(self, request, user):
        Candidate.objects.update_or_create(
            user=user,
            defaults={
                "full_name": self.cleaned_data["full_name"],
                "time_zone": self.cleaned_data["time_zone"],
            },
        )


def _zones_by_region():
    """The same zones as TIME_ZONE_CHOICES, grouped by region ("Europe": "Berlin", …).

    Regions in alphabetical order; zones with no region (UTC, GMT, CET and
    the like) together in "Other" at the end, where a reader looks last.
    """
    regions = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _, place = name.partition("/")
        if not place:
            region, place = "Other", name
        regions.setdefault(region, []).append((name, place.replace("_", " ").replace("/", " / ")))
    return sorted(regions.items(), key=lambda item: (item[0] == "Other", item[0]))


class ZoneSelect(forms.Select):
    """A grouped <select> whose options are written here rather than by templates.

    Django's select widget renders a template per option; for the ~600 zones
    that was nine tenths of the profile page's time (about 100 ms a request).
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)

        def option(zone, label):
            selected = " selected" if zone == chosen else ""
            return f'<option value="{escape(zone)}"{selected}>{escape(label)}</option>'

        groups = "".join(
            f'<optgroup label="{escape(region)}">{"".join(option(*z) for z in zones)}</optgroup>'
            for region, zones in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name}))
        return mark_safe(f"<select{attrs}>{groups}</select>")


class ProfileForm(PlainHelperMixin, forms.ModelForm):
    # Grouped by region, so a zone is found by its city; the accepted values
    # are exactly the sign-up form's.
    time_zone = forms.ChoiceField(choices=_zones_by_region(), widget=ZoneSelect)

    class Meta:
        model = Candidate
        fields = [
            "full_name",
            "signing_name",
            "qualifications",
            "fit_phrase",
            "linkedin_url",
            "time_zone",
            "paper_size",
            "return_address",
            "thank_you_channel",
            "weekly_goal",
        ]
        widgets = {
            "qualifications": forms.Textarea(attrs={"rows": 4}),
            "return_address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "weekly_goal": "The habit page and the dashboard show how many weeks in a row "
            "you met it. On time means by each follow-up's own due time, from your settings.",
        }


class ContactForm(PlainHelperMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "company",
            "title",
            "email",
            "phone",
            "linkedin_url",
            "postal_address",
            "preferred_channel",
        ]
        widgets = {"postal_address": forms.Textarea(attrs={"rows": 3})}


class ApplicationForm(PlainHelperMixin, forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "company",
            "role",
            "posting_url",
            "applied_on",
            "applied_via",
            "main_contact",
            "company_address",
            "notes",
        ]
        widgets = {
            "company_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "applied_on": DateInput(),
        }
        help_texts = {
            "main_contact": "Who check-ins go to. Empty: the latest round's only interviewer."
        }

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main_contact"].queryset = candidate.contacts.all()

    def clean_applied_on(self):
        applied_on = self.cleaned_data.get("applied_on")
        if applied_on:
            check_plausible(applied_on, "the date you applied")
            # A day of slack: "today" in the candidate's zone can be tomorrow here.
            if applied_on > timezone.localdate() + timedelta(days=1):
                raise ValidationError("The date you applied can't be in the future.")
        return applied_on


MAX_INTERVIEW_HOURS = 12
MAX_DECISION_DAYS = 366


class DecisionDateMixin:
    def clean_decision_promised_on(self):
        decision = self.cleaned_data.get("decision_promised_on")
        if not decision:
            return decision
        check_plausible(decision, "a decision date")
        starts_at = self.cleaned_data.get("starts_at") or getattr(self.instance, "starts_at", None)
        if starts_at:
            # The field already gave an aware datetime in the candidate's zone.
            interview_day = timezone.localtime(starts_at).date()
            if decision < interview_day:
                raise ValidationError("The decision date cannot be before the interview.")
            if decision > interview_day + timedelta(days=MAX_DECISION_DAYS):
                raise ValidationError(
                    "The decision date is more than a year after the interview: check the year."
                )
        return decision


class InterviewForm(PlainHelperMixin, DecisionDateMixin, forms.ModelForm):
    duration_minutes = forms.IntegerField(
        min_value=5,
        max_value=12 * 60,
        required=False,
        label="Duration (minutes)",
        help_text="Or give the end time.",
    )

    class Meta:
        model = Interview
        fields = [
            "round",
            "starts_at",
            "duration_minutes",
            "ends_at",
            "format",
            "location",
            "decision_promised_on",
        ]
        labels = {"starts_at": "Starts", "ends_at": "Ends"}
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "decision_promised_on": DateInput(),
        }

    field_order = ["round", "starts_at", "duration_minutes", "ends_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_at"].required = False
        if not self.instance.pk and not self.is_bound:
            self.fields["duration_minutes"].initial = 60

    def clean_starts_at(self):
        starts_at = self.cleaned_data.get("starts_at")
        if starts_at:
            # .date(), not localtime(): a datetime in year 1 has no UTC form.
            check_plausible(starts_at.date(), "an interview")
        return starts_at

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        duration = cleaned.get("duration_minutes")
        if starts_at and not ends_at:
            if duration:
                cleaned["ends_at"] = starts_at + timedelta(minutes=duration)
            elif "ends_at" not in self.errors:
                self.add_error("ends_at", "Give the end time or the duration.")
        elif starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", "The interview must end after it starts.")
        elif starts_at and ends_at and ends_at - starts_at > timedelta(hours=MAX_INTERVIEW_HOURS):
            self.add_error(
                "ends_at",
                f"An interview lasts at most {MAX_INTERVIEW_HOURS} hours: check the end.",
            )
        if cleaned.get("ends_at"):
            self.instance.ends_at = cleaned["ends_at"]
        return cleaned


class PersonForm(forms.Form):
    """One person met: an existing contact, or a new one typed in place."""

    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(), required=False, label="Someone you know"
    )
    name = forms.CharField(max_length=150, required=False, label="Or a new person's name")
    title = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    linkedin_url = forms.URLField(required=False, label="LinkedIn URL")
    preferred_channel = forms.ChoiceField(
        choices=Contact.Channel.choices,
        initial=Contact.Channel.UNKNOWN,
        label="How they like to be reached",
    )
    discussed = forms.CharField(
        max_length=Participant._meta.get_field("discussed").max_length,
        required=False,
        label="What you discussed with them",
    )
    common_ground = forms.CharField(
        max_length=Participant._meta.get_field("common_ground").max_length,
        required=False,
        help_text="A shared interest: hockey, knitting, a city you both lived in.",
    )
    correction = forms.CharField(
        max_length=Participant._meta.get_field("correction").max_length,
        required=False,
        label="Anything to correct with them",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts
        self.fields["contact"].empty_label = "— choose —"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        # The formset adds DELETE after __init__; render it too.
        self.helper.render_unmentioned_fields = True
        self.helper.layout = Layout(
            Row(Column("contact", css_class="col-md-6"), Column("name", css_class="col-md-6")),
            Row(
                Column("title", css_class="col-md-4"),
                Column("email", css_class="col-md-4"),
                Column("linkedin_url", css_class="col-md-4"),
            ),
            Row(
                Column("preferred_channel", css_class="col-md-4"),
                Column("common_ground", css_class="col-md-8"),
            ),
            "discussed",
            "correction",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("contact") and cleaned.get("name"):
            self.add_error("name", "Pick someone you know or type a new name, not both.")
        return cleaned

    @property
    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not data.get("contact") and not data.get("name")

    def person_key(self):
        """What identifies a person within one interview, to catch duplicates."""
        if self.cleaned_data.get("contact"):
            return ("id", self.cleaned_data["contact"].pk)
        return ("name", " ".join(self.cleaned_data["name"].lower().split()))


class BasePeopleFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": "The list of people arrived incomplete. Reload the page "
        "and try again.",
        "too_many_forms": "List at most %(num)d people.",
    }

    def __init__(self, *args, contacts, **kwargs):
        self.contacts = contacts
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"contacts": self.contacts}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove from this interview"

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            contacts=self.contacts,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        if any(self.errors):
            return
        known_names = {" ".join(c.name.lower().split()): c.pk for c in self.contacts}
        seen = set()
        for form in self.forms:
            if form.is_blank or self._should_delete_form(form):
                continue
            key = form.person_key()
            if key[0] == "name" and key[1] in known_names:
                key = ("id", known_names[key[1]])
            if key in seen:
                raise ValidationError("The same person is listed twice.")
            seen.add(key)

    def people(self):
        """The rows to keep: dicts of the cleaned data, blank and deleted rows left out.

        A row left exactly as it was shown is kept: "unchanged" is not "removed".
        """
        return [
            form.cleaned_data
            for form in self.forms
            if not form.is_blank and not self._should_delete_form(form)
        ]


# absolute_max: a forged TOTAL_FORMS must not make the server build (and
# render) Django's default of max_num + 1000 rows.
MAX_PEOPLE = 12
PeopleFormSet = forms.formset_factory(
    PersonForm,
    formset=BasePeopleFormSet,
    extra=1,
    max_num=MAX_PEOPLE,
    absolute_max=MAX_PEOPLE,
    validate_max=True,
    can_delete=True,
)


def people_initial(interview):
    return [
        {
            "contact": p.contact,
            "title": p.contact.title,
            "email": p.contact.email,
            "linkedin_url": p.contact.linkedin_url,
            "preferred_channel": p.contact.preferred_channel,
            "discussed": p.discussed,
            "common_ground": p.common_ground,
            "correction": p.correction,
        }
        for p in interview.participants.select_related("contact")
    ]


class NotesForm(PlainHelperMixin, DecisionDateMixin, forms.ModelForm):
    """The interview-wide half of the post-interview notes form."""

    class Meta:
        model = Interview
        fields = [
            "summary",
            "qualifications_matched",
            "fit",
            "correction",
            "decision_promised_on",
            "contact_preferences",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "qualifications_matched": forms.Textarea(attrs={"rows": 3}),
            "correction": forms.Textarea(attrs={"rows": 2}),
            "decision_promised_on": DateInput(),
        }
