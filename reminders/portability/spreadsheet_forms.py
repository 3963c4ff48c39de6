from django import forms
from django.core.exceptions import ValidationError

from interviews.form_kit import PlainHelperMixin

from .dates import DATE_STYLES
from .spreadsheets import FIELDS, MAX_BYTES

NOT_IN_FILE = ""


class SpreadsheetUploadForm(PlainHelperMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV file (comma, semicolon or tab separated) or an .xlsx workbook; "
        "LinkedIn's “Job Applications.csv” works as it comes.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,text/csv"}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        if self.too_large:
            raise ValidationError(
                f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB. Save only the sheet "
                "with your applications, or split it in two."
            )
        return super().clean()


def _column_label(header, rows, index):
    name = header[index] or f"Column {index + 1}"
    samples = [row[index] for row in rows[:20] if row[index]][:2]
    if samples:
        shown = ", ".join(sample if len(sample) <= 24 else sample[:23] + "…" for sample in samples)
        return f"{name} (e.g. {shown})"
    return name


class ColumnsForm(PlainHelperMixin, forms.Form):
    """Which column holds what; one select per field, each column used at most once."""

    date_style = forms.ChoiceField(
        label="Dates written with slashes, like 03/04/2026, mean",
        choices=[(key, label) for key, label in DATE_STYLES.items()],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, header, rows, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "— not in the file —")] + [
            (str(index), _column_label(header, rows, index)) for index in range(len(header))
        ]
        for wanted in FIELDS:
            self.fields[wanted.key] = forms.ChoiceField(
                label=wanted.label, choices=choices, required=False
            )
            if wanted.required:
                self.fields[wanted.key].label += " (needed)"
        # The date style goes last, after the columns it is about.
        self.order_fields([f.key for f in FIELDS] + ["date_style"])

    def clean(self):
        cleaned = super().clean()
        used = {}
        for wanted in FIELDS:
            column = cleaned.get(wanted.key)
            if wanted.required and not column:
                self.add_error(wanted.key, f"Choose the column with the {wanted.label.lower()}.")
            elif column and column in used:
                self.add_error(
                    wanted.key, f"That column is already chosen for {used[column].lower()}."
                )
            elif column:
                used[column] = wanted.label
        return cleaned

    @property
    def mapping(self):
        return {
            wanted.key: int(self.cleaned_data[wanted.key])
            for wanted in FIELDS
            if self.cleaned_data.get(wanted.key)
        }


class ConfirmForm(PlainHelperMixin, forms.Form):
    already_followed_up = forms.BooleanField(
        required=False,
        label="I already followed up on these",
        help_text="Thank-yous and check-ins whose time has passed are marked done. Unticked, "
        "they show on your dashboard as overdue. No reminder email is sent for either.",
    )
    skip_problems = forms.BooleanField(
        required=False, label="Leave out the rows with problems and import the rest"
    )
