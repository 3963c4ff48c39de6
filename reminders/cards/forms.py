"""The one parser and validator of card print options, for every caller.

The preview, the PDF download and the emailed card link all read options
through CardOptionsForm (the PDF paths via printing.card_options_from), so a
query string means the same thing wherever it arrives.
"""

from django import forms

from reminders.cards.printing import CardOptions

from . import renderer

CHOICES = {"format": renderer.FORMATS, "ink": renderer.INKS, "paper": renderer.PAPERS}
LABELS = {"format": "card format", "ink": "ink", "paper": "paper"}
FLAGS = ("ruled", "envelopes")
OFF = (None, "", "0", "off", "false", False)
ON = ("1", "on", "true", True)


class FlagInput(forms.CheckboxInput):
    # The raw value reaches FlagField, so "maybe" is refused rather than read
    # as ticked, as Django's checkbox would.
    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagField(forms.BooleanField):
    widget = FlagInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        if value in OFF:
            return False
        if value in ON:
            return True
        raise forms.ValidationError("must be on or off", code="invalid")


class CardOptionsForm(forms.Form):
    """Print options: fixed lists only (reminders/cards/renderer.py).

    Field names match the query string, so the Download link carries the
    previewed options unchanged.
    """

    format = forms.ChoiceField(
        label="Card", choices=[(key, fmt.label) for key, fmt in renderer.FORMATS.items()]
    )
    ink = forms.ChoiceField(choices=[(key, key.capitalize()) for key in renderer.INKS])
    paper = forms.ChoiceField(choices=[(key, key.capitalize()) for key in renderer.PAPERS])
    ruled = FlagField(label="Ruled lines")
    envelopes = FlagField(label="Envelopes")

    def __init__(self, data=None, *, default: CardOptions):
        initial = self._initial(default)
        if data:
            # A link may carry only some options (?envelopes=on): the lists
            # missing from it, or sent empty, keep the candidate's defaults.
            # Flags stay as sent, since a form leaves an unticked box out.
            sent = {key: data.get(key) for key in data if key in self.base_fields}
            choices = {name: sent.get(name) or initial[name] for name in CHOICES}
            data = {**sent, **choices}
        # A GET without options shows the candidate's defaults, unbound.
        super().__init__(data or None, initial=initial)
        for name in CHOICES:
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name in FLAGS:
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.default = default

    @staticmethod
    def _initial(options: CardOptions) -> dict:
        return {
            "format": options.card_format,
            "ink": options.ink,
            "paper": options.paper,
            "ruled": options.ruled,
            "envelopes": options.envelopes,
        }

    def options(self) -> CardOptions:
        """The chosen options; the defaults when nothing valid was sent."""
        if not self.is_bound or not self.is_valid():
            return self.default
        data = self.cleaned_data
        return CardOptions(
            card_format=data["format"],
            ink=data["ink"],
            paper=data["paper"],
            ruled=data["ruled"],
            envelopes=data["envelopes"],
        )

    def problem(self) -> str:
        """Why the sent options were refused, in words that say how to fix them."""
        for name, allowed in CHOICES.items():
            if name in self.errors:
                value = str(self.data.get(name))[:40]
                return f"Unknown {LABELS[name]} “{value}”: choose one of {', '.join(allowed)}."
        for name in FLAGS:
            if name in self.errors:
                return f"“{name}” must be on or off."
        return ""
