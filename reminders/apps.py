from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Follow-ups and reminders"

    def ready(self):
        from .delivery import signals  # noqa: F401  (connects the receivers)
