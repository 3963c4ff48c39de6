"""The restore upload and the password that confirms leaving."""

from allauth.account.adapter import get_adapter
from django import forms

from interviews.form_kit import PlainHelperMixin


class RestoreForm(PlainHelperMixin, forms.Form):
    class Mode:
        REFUSE = "refuse"
        MERGE = "merge"

    file = forms.FileField(
        label="Export file (.json)",
        help_text="The file from “Export all your data” on the profile page.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    mode = forms.ChoiceField(
        label="If this account already has applications or people",
        choices=[
            (Mode.REFUSE, "Stop and restore nothing"),
            (Mode.MERGE, "Merge: keep what is here and add what the file has that is not"),
        ],
        initial=Mode.REFUSE,
        widget=forms.RadioSelect,
    )

    @property
    def merge(self):
        return self.cleaned_data["mode"] == self.Mode.MERGE


class LeavingForm(PlainHelperMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        # allauth's check, with its limit on failed attempts: a session left
        # open on a shared computer must not let someone guess their way in.
        if not get_adapter().reauthenticate(self.user, password):
            raise forms.ValidationError(
                "That is not your password. Nothing was deleted.", code="incorrect_password"
            )
        return password
