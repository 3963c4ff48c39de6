"""The upload form, and the preview form the candidate edits before anything is saved."""

from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from ..form_kit import PlainHelperMixin
from ..forms import MAX_PEOPLE, InterviewForm
from ..models import Application, Contact
from .reading import MAX_BYTES, Event

# The preview's event travels to the confirm step signed, so the server never
# stores the upload and the browser cannot alter what it says (its UID above all).
_SALT = "interviews.invitations.preview"
# A preview left open overnight still confirms; a week-old one is stale.
PREVIEW_MAX_AGE = 2 * 24 * 3600
# A file with more events than this is a calendar export, not an invitation.
MAX_EVENTS = 25
# Everyone an invitation names, rooms included; an all-hands list is no interview.
MAX_LISTED = 40
DAMAGED = "This preview arrived damaged: upload the invitation again."


def events_sign(events):
    return signing.dumps([e.to_data() for e in events], salt=_SALT, compress=True)


def events_unsign(value):
    """The events a signed field carries, or ValidationError when altered or stale."""
    try:
        data = signing.loads(value, salt=_SALT, max_age=PREVIEW_MAX_AGE)
        return [Event.from_data(item) for item in data]
    except signing.SignatureExpired:
        raise ValidationError(
            "This preview is more than two days old: upload the invitation again."
        ) from None
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        raise ValidationError(DAMAGED) from None


class UploadForm(PlainHelperMixin, forms.Form):
    file = forms.FileField(
        required=False,
        label="Invitation file",
        help_text="An .ics file, or the invitation e-mail saved as .eml.",
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,.eml,.ical,text/calendar"}),
    )
    text = forms.CharField(
        required=False,
        label="Or paste the invitation",
        max_length=MAX_BYTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="The text from BEGIN:VCALENDAR to END:VCALENDAR.",
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        cleaned = super().clean()
        if self.too_large:
            raise ValidationError(
                f"This file is larger than {MAX_BYTES // 1_000_000} MB; an invitation is a few "
                "kilobytes. Upload the invitation itself (.ics or .eml)."
            )
        if not cleaned.get("file") and not cleaned.get("text", "").strip():
            raise ValidationError("Choose an invitation file or paste its text.")
        return cleaned

    def data_bytes(self):
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.read()
        return self.cleaned_data["text"].encode("utf-8")


class ChooseEventForm(forms.Form):
    events = forms.CharField(widget=forms.HiddenInput)
    index = forms.IntegerField(min_value=0)

    def clean(self):
        cleaned = super().clean()
        if "events" in cleaned and "index" in cleaned:
            events = events_unsign(cleaned["events"])
            if cleaned["index"] >= len(events):
                raise ValidationError("Pick one of the events listed.")
            cleaned["event"] = events[cleaned["index"]]
        return cleaned


class InvitationInterviewForm(InterviewForm):
    """The interview the invitation describes, editable, with where it belongs."""

    event = forms.CharField(widget=forms.HiddenInput)
    application = forms.ModelChoiceField(
        queryset=Application.objects.none(),
        required=False,
        empty_label="A new application",
        label="Application",
    )
    new_company = forms.CharField(
        max_length=200,
        required=False,
        label="New application: company",
        help_text="Only when “A new application” is picked.",
    )
    new_role = forms.CharField(max_length=200, required=False, label="New application: role")

    class Meta(InterviewForm.Meta):
        fields = ["round", "starts_at", "duration_minutes", "ends_at", "format", "location"]

    field_order = ["application", "new_company", "new_role", "round", "starts_at"]

    def __init__(self, *args, candidate, updating=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.updating = updating
        if updating:
            # An update moves the interview; it stays in its application.
            for name in ("application", "new_company", "new_role"):
                del self.fields[name]
        else:
            self.fields["application"].queryset = candidate.applications.order_by("company")
        self.fields["duration_minutes"].initial = None
        self.helper.layout = Layout(
            *(
                []
                if updating
                else [
                    Row(
                        *(
                            Column(n, css_class="col-md-4")
                            for n in ("application", "new_company", "new_role")
                        )
                    )
                ]
            ),
            Row(
                Column("starts_at", css_class="col-md-4"),
                Column("ends_at", css_class="col-md-4"),
                Column("duration_minutes", css_class="col-md-4"),
            ),
            Row(
                Column("round", css_class="col-md-4"),
                Column("format", css_class="col-md-4"),
                Column("location", css_class="col-md-4"),
            ),
            "event",
        )

    def clean_event(self):
        events = events_unsign(self.cleaned_data["event"])
        if len(events) != 1:
            raise ValidationError(DAMAGED)
        return events[0]

    def clean(self):
        cleaned = super().clean()
        if not self.updating and not cleaned.get("application"):
            for name, what in (("new_company", "the company"), ("new_role", "the role")):
                if not cleaned.get(name, "").strip():
                    self.add_error(name, f"Name {what}, or pick an application you have.")
        event = cleaned.get("event")
        if event:
            self.instance.calendar_uid = event.uid
            self.instance.calendar_sequence = event.sequence
        return cleaned


class InvitationPersonForm(forms.Form):
    include = forms.BooleanField(
        required=False,
        label="Thank this person",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(required=False)
    title = forms.CharField(max_length=150, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not cleaned.get("name", "").strip():
            self.add_error("name", "Type this person's name, or untick them.")
        return cleaned


class BaseInvitationPeopleFormSet(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": "The list of people arrived incomplete. Upload the "
        "invitation again.",
        "too_many_forms": "An invitation lists at most %(num)d people here.",
    }

    def clean(self):
        if any(self.errors):
            return
        ticked = self.ticked()
        if len(ticked) > MAX_PEOPLE:
            raise ValidationError(f"An interview lists at most {MAX_PEOPLE} people; untick some.")
        names = [" ".join(row["name"].lower().split()) for row in ticked]
        if len(names) != len(set(names)):
            raise ValidationError("The same person is ticked twice.")

    def ticked(self):
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("include")]

    def rows(self):
        """The ticked people as rows for interviews.services.interview_people_set."""
        return [
            {
                "name": row["name"].strip(),
                "email": row["email"],
                "title": row["title"],
                "preferred_channel": Contact.Channel.UNKNOWN,
            }
            for row in self.ticked()
        ]


InvitationPeopleFormSet = forms.formset_factory(
    InvitationPersonForm,
    formset=BaseInvitationPeopleFormSet,
    extra=0,
    max_num=MAX_LISTED,
    absolute_max=MAX_LISTED,
    validate_max=True,
)
