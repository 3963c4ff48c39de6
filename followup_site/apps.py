from django.apps import AppConfig


class SiteConfig(AppConfig):
    """Only to register the site's own system checks."""

    name = "followup_site"
    verbose_name = "Site"

    def ready(self):
        from . import checks  # noqa: F401  (registers them)
