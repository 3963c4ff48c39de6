from django.contrib import admin

from .models import FollowUp, SendFailure, Sweep


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["kind", "application", "contact", "status", "opens_at", "due_at", "remind_at"]
    list_filter = ["kind", "status", "channel"]
    raw_id_fields = ["candidate", "application", "interview", "contact"]
    date_hierarchy = "opens_at"


@admin.register(Sweep)
class SweepAdmin(admin.ModelAdmin):
    list_display = [
        "as_of",
        "started_at",
        "finished_at",
        "reminders_sent",
        "emails_sent",
        "failures",
    ]


@admin.register(SendFailure)
class SendFailureAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "candidate", "error"]
    raw_id_fields = ["candidate", "followups"]
