from django.urls import path

from .cards import views as card_views
from .delivery import health
from .delivery import views as link_views
from .feeds import views as feed_views
from .followups import views
from .habits import views as habit_views
from .portability import record_views, spreadsheet_views
from .portability import views as portability_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
    # The habit page, and the follow-ups behind each of its figures.
    path("habits/", habit_views.habit_page, name="habits"),
    path("habits/followups/", habit_views.habit_followups, name="habit_followups"),
    path(
        "applications/<int:pk>/habits/",
        habit_views.habit_followups,
        name="application_habit_followups",
    ),
    # Every follow-up, a page at a time, filtered by what the URL says.
    path("followups/", views.followup_list, name="followups"),
    # One follow-up: its draft and the candidate's actions (all POST but the page).
    path("followups/<int:pk>/", views.followup_detail, name="followup_detail"),
    path("followups/<int:pk>/draft/", views.followup_draft, name="followup_draft"),
    path(
        "followups/<int:pk>/draft/reset/",
        views.followup_draft_reset,
        name="followup_draft_reset",
    ),
    path("followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("followups/<int:pk>/snooze/", views.followup_snooze, name="followup_snooze"),
    path("followups/<int:pk>/skip/", views.followup_skip, name="followup_skip"),
    path("followups/<int:pk>/reply/", views.followup_reply, name="followup_reply"),
    path("followups/<int:pk>/undo/", views.followup_undo, name="followup_undo"),
    # A job search kept in a spreadsheet: upload, columns, preview and import.
    path(
        "applications/import/",
        spreadsheet_views.spreadsheet_upload,
        name="spreadsheet_upload",
    ),
    path(
        "applications/import/template.csv",
        spreadsheet_views.spreadsheet_template,
        name="spreadsheet_template",
    ),
    path(
        "applications/import/<int:pk>/columns/",
        spreadsheet_views.spreadsheet_columns,
        name="spreadsheet_columns",
    ),
    path(
        "applications/import/<int:pk>/",
        spreadsheet_views.spreadsheet_preview,
        name="spreadsheet_preview",
    ),
    # Printable thank-you cards: the preview, the panel PDF, one card.
    path("interviews/<int:pk>/cards/", card_views.interview_cards, name="interview_cards"),
    path(
        "interviews/<int:pk>/cards.pdf", card_views.interview_cards_pdf, name="interview_cards_pdf"
    ),
    path("followups/<int:pk>/card.pdf", card_views.followup_card_pdf, name="followup_card_pdf"),
    # The candidate's calendar: the private feed and one-event downloads.
    path("calendar/<str:token>.ics", feed_views.calendar_feed, name="calendar_feed"),
    path("followups/<int:pk>/event.ics", feed_views.followup_ics, name="followup_ics"),
    path("interviews/<int:pk>/event.ics", feed_views.interview_ics, name="interview_ics"),
    # The record of applications made, for a job agency: the page and its downloads.
    path("record/", record_views.record_page, name="record"),
    path("record.pdf", record_views.record_pdf, name="record_pdf"),
    path("record.csv", record_views.record_csv, name="record_csv"),
    # All of the candidate's data: out as JSON or CSV, back in from JSON, and leaving.
    path("data/export.json", portability_views.archive_export, name="archive_export"),
    path("data/restore/", portability_views.archive_restore, name="archive_restore"),
    path(
        "data/applications.csv",
        portability_views.tables_download,
        {"name": "applications"},
        name="tables_applications",
    ),
    path(
        "data/followups.csv",
        portability_views.tables_download,
        {"name": "followups"},
        name="tables_followups",
    ),
    path("data/delete-account/", portability_views.leaving_confirm, name="leaving"),
    # Signed links from reminder emails (reminders/links.py).
    path("r/<str:token>/done/", link_views.link_done, name="link_done"),
    path("r/<str:token>/snooze/", link_views.link_snooze, name="link_snooze"),
    path("r/<str:token>/card/", link_views.link_card, name="link_card"),
    path("r/<str:token>/unsubscribe/", link_views.link_unsubscribe, name="link_unsubscribe"),
    # No trailing slash: monitors and SECURE_REDIRECT_EXEMPT use these exact paths.
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
]
