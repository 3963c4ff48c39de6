"""A new or newly confirmed address ends the warning that reminder emails bounce."""

from allauth.account.signals import email_changed, email_confirmed
from django.dispatch import receiver

from interviews.models import Candidate


@receiver(email_changed, dispatch_uid="reminders_bounce_cleared_on_change")
def _address_changed(sender, user, **kwargs):
    Candidate.objects.filter(user=user).update(reminders_bounced_at=None)


@receiver(email_confirmed, dispatch_uid="reminders_bounce_cleared_on_confirm")
def _address_confirmed(sender, email_address, **kwargs):
    Candidate.objects.filter(user_id=email_address.user_id).update(reminders_bounced_at=None)
