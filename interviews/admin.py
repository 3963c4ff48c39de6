from django.contrib import admin

from .models import Application, Candidate, Contact, Interview, Participant


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["user", "full_name", "time_zone", "reminders_paused"]
    search_fields = ["user__email", "full_name"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "preferred_channel", "candidate"]
    search_fields = ["name", "company", "email"]
    list_filter = ["preferred_channel"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["contact"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["role", "company", "status", "candidate", "created_at"]
    list_filter = ["status"]
    search_fields = ["company", "role"]
    raw_id_fields = ["main_contact"]


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ["application", "round", "starts_at", "notes_saved_at"]
    list_filter = ["round", "format"]
    inlines = [ParticipantInline]
    date_hierarchy = "starts_at"
