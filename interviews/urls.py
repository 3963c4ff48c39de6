from django.urls import path

from . import views
from .invitations import views as invitation_views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/calendar-link/", views.calendar_link_renew, name="calendar_link_renew"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/delete/", views.application_delete, name="application_delete"),
    path("applications/<int:pk>/status/", views.application_status, name="application_status"),
    path("applications/<int:pk>/reply/", views.application_reply, name="application_reply"),
    path(
        "applications/<int:application_id>/interviews/new/",
        views.interview_create,
        name="interview_create",
    ),
    # Adding an interview from a calendar invitation: upload, preview, confirm.
    path("interviews/import/", invitation_views.invitation_upload, name="invitation_upload"),
    path(
        "interviews/import/confirm/",
        invitation_views.invitation_confirm,
        name="invitation_confirm",
    ),
    path(
        "applications/<int:application_id>/import/",
        invitation_views.invitation_upload,
        name="invitation_upload_for",
    ),
    path("interviews/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("interviews/<int:pk>/edit/", views.interview_edit, name="interview_edit"),
    path("interviews/<int:pk>/delete/", views.interview_delete, name="interview_delete"),
    path("interviews/<int:pk>/notes/", views.interview_notes, name="interview_notes"),
    path("people/", views.contact_list, name="contact_list"),
    path("people/new/", views.contact_create, name="contact_create"),
    path("people/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("people/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("people/<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
