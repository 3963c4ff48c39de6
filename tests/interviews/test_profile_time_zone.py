"""The profile's time-zone select: grouped by region, the saved zone chosen, and
the same zones accepted and refused as the sign-up form's."""

import zoneinfo
from html.parser import HTMLParser

import pytest

from interviews.forms import TIME_ZONE_CHOICES, ProfileForm, SignupForm

PROFILE = {
    "full_name": "Sam Okafor",
    "signing_name": "Sam",
    "qualifications": "pipelines\nteams",
    "fit_phrase": "care for analysts",
    "linkedin_url": "",
    "paper_size": "a4",
    "return_address": "",
    "thank_you_channel": "card",
    "weekly_goal": "",
}


class ZoneOptions(HTMLParser):
    """The time-zone select's options as (group, value, text, selected)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.options, self.select_attrs = [], None
        self._in_select = False
        self._group = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and attrs.get("name") == "time_zone":
            self._in_select, self.select_attrs = True, attrs
        elif self._in_select and tag == "optgroup":
            self._group = attrs["label"]
        elif self._in_select and tag == "option":
            self._option = [self._group, attrs["value"], "", "selected" in attrs]

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            self.options.append(tuple(self._option))
            self._option = None
        elif tag == "select":
            self._in_select = False


def zone_options(client):
    response = client.get("/profile/")
    assert response.status_code == 200
    parser = ZoneOptions()
    parser.feed(response.content.decode())
    return parser, response


def test_the_zones_are_grouped_by_region_and_named_by_their_place(owner_client):
    parser, _ = zone_options(owner_client)
    options = {value: (group, text) for group, value, text, _ in parser.options}
    assert set(options) == zoneinfo.available_timezones()
    assert len(parser.options) == len(options)  # each zone once
    assert options["Europe/Berlin"] == ("Europe", "Berlin")
    assert options["America/Argentina/Buenos_Aires"] == ("America", "Argentina / Buenos Aires")
    assert options["UTC"] == ("Other", "UTC")
    groups = list(dict.fromkeys(group for group, *_ in parser.options))
    # Each region one group, in alphabetical order, the zones without one last.
    assert groups[-1] == "Other"
    assert groups[:-1] == sorted(groups[:-1])
    assert len(groups) == len({group for group, *_ in parser.options})
    assert parser.select_attrs["id"] == "id_time_zone"


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC"])
def test_the_saved_zone_is_the_one_selected(owner, owner_client, zone):
    owner.time_zone = zone
    owner.save()
    parser, _ = zone_options(owner_client)
    assert [value for _, value, _, selected in parser.options if selected] == [zone]


def test_the_page_renders_without_a_template_per_zone(owner_client):
    # Django's select renders one template per option: about 600 here, which
    # was most of the page's time.
    _, response = zone_options(owner_client)
    assert len(response.templates) < 200


def test_it_accepts_and_refuses_exactly_what_the_sign_up_form_does():
    profile_field = ProfileForm.base_fields["time_zone"]
    signup_field = SignupForm.base_fields["time_zone"]
    odd = ["", "Mars/Olympus", "Europe", "europe/berlin", "Europe/Berlin ", "Other"]
    for value in [zone for zone, _ in TIME_ZONE_CHOICES] + odd:
        assert profile_field.valid_value(value) == signup_field.valid_value(value), value


def test_a_valid_zone_is_saved(owner, owner_client):
    response = owner_client.post("/profile/", {**PROFILE, "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.time_zone == "Asia/Tokyo"


def test_an_unknown_zone_is_refused_with_the_fields_message_and_nothing_saved(owner, owner_client):
    response = owner_client.post("/profile/", {**PROFILE, "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in page
    parser = ZoneOptions()
    parser.feed(page)
    assert parser.select_attrs.get("aria-invalid") == "true"
    owner.refresh_from_db()
    assert owner.time_zone == "Europe/Berlin"
