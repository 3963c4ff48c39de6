from django import forms

from reminders.cards.printing import CardOptions

from . import renderer


class CardOptionsForm(forms.Form):
    """Print options for the card preview: fixed lists only (reminders/cards/renderer.py).

    Field names match the query string that card_pdf_response reads, so the
    Download link carries the previewed options unchanged.
    """

    format = forms.ChoiceField(
        label="Card", choices=[(key, fmt.label) for key, fmt in renderer.FORMATS.items()]
    )
    ink = forms.ChoiceField(choices=[(key, key.capitalize()) for key in renderer.INKS])
    paper = forms.ChoiceField(choices=[(key, key.capitalize()) for key in renderer.PAPERS])
    ruled = forms.BooleanField(label="Ruled lines", required=False)
    envelopes = forms.BooleanField(label="Envelopes", required=False)

    def __init__(self, data=None, *, default: CardOptions):
        initial = self._initial(default)
        if data:
            # A link may carry only some options (?envelopes=on): the lists
            # missing from it keep the candidate's defaults. Checkboxes stay
            # as sent, since a form leaves an unticked box out.
            choices = {name: initial[name] for name in ("format", "ink", "paper")}
            data = {**choices, **{key: data.get(key) for key in data if key in self.base_fields}}
        # A GET without options shows the candidate's defaults, unbound.
        super().__init__(data or None, initial=initial)
        for name in ("format", "ink", "paper"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("ruled", "envelopes"):
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
