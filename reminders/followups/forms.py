from datetime import timedelta

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from interviews.form_kit import EARLIEST_DATE, DateInput, PlainHelperMixin
from interviews.models import Candidate
from reminders.models import FollowUp


class TimeInput(forms.TimeInput):
    input_type = "time"


class FollowUpSettingsForm(PlainHelperMixin, forms.ModelForm):
    """The candidate's timings on top of the defaults in reminders/rules.py."""

    class Meta:
        model = Candidate
        fields = [
            "thank_you_due_hours",
            "linkedin_due_days",
            "check_in_days_after_decision",
            "check_in_days_without_decision",
            "check_in_time",
            "check_in_due_days",
            "further_check_in_gap_days",
            "further_check_ins",
            "reminder_mode",
            "digest_time",
            "quiet_hours_start",
            "quiet_hours_end",
            "linkedin_note_limit",
            "reminders_paused",
        ]
        labels = {
            "thank_you_due_hours": "Thank-you due (hours after the interview)",
            "linkedin_due_days": "LinkedIn request due (days after the interview)",
            "check_in_days_after_decision": "Check in this many days after the promised decision",
            "check_in_days_without_decision": "No date promised: check in this many days after",
            "check_in_time": "Check-ins open at",
            "check_in_due_days": "Days to do a check-in once it opens",
            "further_check_in_gap_days": "Days between check-ins",
            "further_check_ins": "Further check-ins (0–3)",
            "quiet_hours_start": "No reminder emails from",
            "quiet_hours_end": "until (in your own time zone)",
            "linkedin_note_limit": "LinkedIn note limit (characters)",
            "reminders_paused": "Pause reminder emails",
            "reminder_mode": "Send reminders",
            "digest_time": "Digest time",
        }
        help_texts = {
            "further_check_ins": "After the first check-in, with no reply. Never more than five "
            "touches in all.",
            "reminders_paused": "The dashboard keeps showing what is due.",
            "reminder_mode": "The digest lists what is overdue, what is due today and what "
            "has opened since the last one. The reminder to write your interview notes "
            "still comes a few hours after each interview: by the next morning the details "
            "have faded.",
            "digest_time": "In your own time zone. Sent once a day, and only when there is "
            "something to do.",
            "linkedin_note_limit": "LinkedIn allows 200 characters on free accounts, 300 on "
            "Premium.",
        }
        widgets = {
            "check_in_time": TimeInput(format="%H:%M"),
            "digest_time": TimeInput(format="%H:%M"),
            "reminder_mode": forms.RadioSelect,
            "quiet_hours_start": TimeInput(format="%H:%M"),
            "quiet_hours_end": TimeInput(format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                "After each interview",
                Row(
                    Column("thank_you_due_hours", css_class="col-md-6"),
                    Column("linkedin_due_days", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                "Check-ins",
                Row(
                    Column("check_in_days_after_decision", css_class="col-md-6"),
                    Column("check_in_days_without_decision", css_class="col-md-6"),
                ),
                Row(
                    Column("check_in_time", css_class="col-md-6"),
                    Column("check_in_due_days", css_class="col-md-6"),
                ),
                Row(
                    Column("further_check_ins", css_class="col-md-6"),
                    Column("further_check_in_gap_days", css_class="col-md-6"),
                ),
            ),
            Fieldset(
                "Reminder emails",
                Row(
                    Column("reminder_mode", css_class="col-md-6"),
                    Column("digest_time", css_class="col-md-6"),
                ),
                Row(
                    Column("quiet_hours_start", css_class="col-md-6"),
                    Column("quiet_hours_end", css_class="col-md-6"),
                ),
                "reminders_paused",
            ),
            Fieldset("LinkedIn", "linkedin_note_limit"),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_hours_start"), cleaned.get("quiet_hours_end")
        # Either order works (21:00–08:00 spans midnight); equal times would be
        # an empty window and read like a mistake.
        if start is not None and start == end:
            self.add_error("quiet_hours_end", "Quiet hours need an end different from the start.")
        elif start is not None and end is not None:
            self._check_digest_outside_quiet_hours(cleaned)
        return cleaned

    def _check_digest_outside_quiet_hours(self, cleaned):
        # A digest time inside the quiet hours would silently mean "when they
        # end"; say so rather than send it at a time the candidate did not pick.
        digest_time = cleaned.get("digest_time")
        if cleaned.get("reminder_mode") != Candidate.ReminderMode.DIGEST or digest_time is None:
            return
        probe = Candidate(
            quiet_hours_start=cleaned["quiet_hours_start"],
            quiet_hours_end=cleaned["quiet_hours_end"],
        )
        if probe.in_quiet_hours_at(digest_time):
            start, end = (f"{t:%H:%M}" for t in (probe.quiet_hours_start, probe.quiet_hours_end))
            self.add_error(
                "digest_time",
                f"{digest_time:%H:%M} is inside your quiet hours ({start}–{end}). Pick a time "
                f"from {end}, or change the quiet hours.",
            )


class DraftForm(forms.Form):
    subject = forms.CharField(max_length=200, required=False)
    draft = forms.CharField(
        max_length=FollowUp._meta.get_field("draft").max_length,
        required=False,
        label="Draft",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "true"}),
    )


class DoneForm(forms.Form):
    done_on = forms.DateField(label="Done on", widget=DateInput())
    channel = forms.ChoiceField(label="How", choices=FollowUp.Channel.choices)

    def clean_done_on(self):
        # A future date is the service's rule; a year like 0001 is a typo.
        done_on = self.cleaned_data["done_on"]
        if done_on < EARLIEST_DATE:
            raise forms.ValidationError("Check the year of the date it was done.")
        return done_on


class SnoozeForm(forms.Form):
    CHOICES = [("day", "A day"), ("three_days", "Three days"), ("date", "Until a date")]

    choice = forms.ChoiceField(choices=CHOICES)
    day = forms.DateField(required=False, widget=DateInput())
    MAX_DAYS = 366

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day and day > timezone.localdate() + timedelta(days=self.MAX_DAYS):
            raise forms.ValidationError("Snooze for at most a year.")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("choice") == "date" and not cleaned.get("day"):
            self.add_error("day", "Pick the date to be reminded again.")
        return cleaned
