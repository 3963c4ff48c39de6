from django.contrib import admin
from django.db.models import Count

from .models import Digest, FollowUp, SendFailure, Sweep


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
        "digests_sent",
        "abandoned",
    ]
    list_filter = [("finished_at", admin.EmptyFieldListFilter), "abandoned"]
    date_hierarchy = "started_at"


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    """One row per candidate and local day; "sending" rows are the crash window's trace."""

    list_display = ["local_date", "candidate", "state", "items", "as_of", "sent_at", "attempts"]
    list_filter = ["state", ("local_date", admin.DateFieldListFilter)]
    search_fields = ["candidate__full_name", "candidate__user__email"]
    date_hierarchy = "local_date"
    raw_id_fields = ["candidate"]
    readonly_fields = [field.name for field in Digest._meta.fields]


@admin.register(SendFailure)
class SendFailureAdmin(admin.ModelAdmin):
    """Reminder emails that could not be sent, by kind: retried, given up, or maybe delivered."""

    list_display = ["occurred_at", "kind", "candidate", "short_error", "followup_count"]
    list_filter = ["kind", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["error", "candidate__full_name", "candidate__user__email"]
    date_hierarchy = "occurred_at"
    raw_id_fields = ["candidate", "followups"]
    readonly_fields = ["candidate", "occurred_at", "kind", "error", "followups"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("candidate__user")
            .annotate(followup_total=Count("followups"))
        )

    @admin.display(description="Error")
    def short_error(self, obj):
        return obj.error if len(obj.error) <= 120 else f"{obj.error[:119]}…"

    @admin.display(description="Follow-ups", ordering="followup_total")
    def followup_count(self, obj):
        return obj.followup_total
