"""One reminder sweep now, for cron users and operators (the code beat runs)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders.delivery.sweep import reminders_sweep
from reminders.delivery.tasks import parse_as_of


class Command(BaseCommand):
    help = "Send every reminder email owed now (or as of --as-of), once."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be sent; claim, send and change nothing.",
        )
        parser.add_argument(
            "--as-of",
            metavar="ISO_TIME",
            help="Sweep as of this time, e.g. 2026-03-03T08:00:00+01:00 (default: now).",
        )

    def handle(self, *args, dry_run, as_of, **options):
        try:
            now = parse_as_of(as_of) if as_of else timezone.now()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        result = reminders_sweep(now=now, dry_run=dry_run)
        if dry_run:
            self._list(result)
            return
        digests = result.digests
        self.stdout.write(
            f"Sent {_count(result.reminders_sent, 'reminder')} "
            f"in {_count(result.emails_sent, 'email')} "
            f"and {_count(digests.sent, 'morning digest')} as of {now.isoformat()}."
        )
        if result.held or digests.held:
            self.stdout.write(f"Held for quiet hours: {result.held + digests.held}.")
        if result.failures or digests.failures:
            self.stderr.write(
                f"{_count(result.failures + digests.failures, 'email')} failed; "
                "temporary failures are retried later; every failure is listed "
                "under Send failures in the admin."
            )

    def _list(self, result):
        reminders = sum(len(batch.followups) for batch in result.batches)
        self.stdout.write(
            f"Dry run as of {result.as_of.isoformat()}: would send "
            f"{_count(reminders, 'reminder')} in {_count(len(result.batches), 'email')}."
        )
        for batch in result.batches:
            self.stdout.write(f"To {batch.address}:")
            for followup in batch.followups:
                self.stdout.write(f"  #{followup.pk} {followup} (owed since {followup.remind_at})")
        plans = result.digests.plans
        if plans:
            self.stdout.write(f"Would send {_count(len(plans), 'morning digest')}:")
        for plan in plans:
            self.stdout.write(
                f"  To {plan.address} for {plan.day.local_date}: {plan.summary()} "
                f"(#{', #'.join(str(entry.followup.pk) for entry in plan.entries)})"
            )
        if result.held:
            self.stdout.write(f"Held for quiet hours: {result.held}.")


def _count(number, noun):
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
