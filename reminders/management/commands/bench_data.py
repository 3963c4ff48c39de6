"""Fill a throwaway database with realistic data for the benchmarks under bench/.

    manage.py bench_data --candidate-interviews 1000
    manage.py bench_data --sweep-followups 100000

Run it against a database of its own (DATABASE_URL naming one made for the
benchmark), never the site's: it adds accounts with a known password.

--candidate-interviews builds one candidate the way the site does, through
interviews/services.py, so every follow-up is planned as in production: about
two interviews per application, one to three people met at each, notes
written for most, and then the candidate's own actions on the older ones
(done, skipped) through reminders' services, leaving some overdue and some
coming. The candidate signs in with the email and password printed.

--sweep-followups builds many small candidates whose follow-ups each owe a
reminder now, with bulk_create: the sweep reads only the rows, so planning
them one by one would time the planner, not the sweep.
"""

from __future__ import annotations

import math
import random
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from interviews.forms import InterviewForm
from interviews.models import Application, Candidate, Contact, Interview
from interviews.services import interview_save
from reminders.followups.services import followup_mark_done, followup_skip
from reminders.models import FollowUp

PASSWORD = "bench-password-not-secret-42"
CANDIDATE_SIZES = (10, 100, 1000)
SWEEP_RANGE = (1_000, 100_000)
# Follow-ups per sweep candidate on average: a notes nudge and a thank-you,
# and a LinkedIn request for every other one.
FOLLOWUPS_PER_CANDIDATE = 2.5
ZONE = "Europe/Berlin"
BATCH = 5_000

COMPANIES = (
    "Northwind",
    "Harbor & Pine",
    "Bluebell Health",
    "Quarry Labs",
    "Fenwick Logistics",
    "Maple Robotics",
    "Orchard Bank",
    "Tidewater Energy",
)
ROLES = ("Data Engineer", "Analytics Lead", "Platform Engineer", "Product Analyst")
NAMES = (
    "Dana Whitfield",
    "Lee Park",
    "José Ortega",
    "Zoë Lambert",
    "Łukasz Nowak",
    "Priya Raman",
    "Tom Becker",
    "Aiko Tanaka",
)
INTERESTS = ("youth hockey", "knitting", "long-distance cycling", "sourdough", "chess")
CHANNELS = tuple(Contact.Channel.values)
# How the candidate says they sent a thank-you or a LinkedIn request.
CHANNEL_DONE = {FollowUp.Kind.LINKEDIN: FollowUp.Channel.LINKEDIN}
PEOPLE_KINDS = (FollowUp.Kind.THANK_YOU, FollowUp.Kind.LINKEDIN)
CHECK_IN_KINDS = (FollowUp.Kind.CHECK_IN, FollowUp.Kind.FURTHER_CHECK_IN)
ROUNDS = (Interview.Round.FIRST, Interview.Round.SECOND, Interview.Round.FINAL)
# Zones whose candidates are awake at some point of any UTC hour: the sweep
# holds reminders in quiet hours, so sweep candidates live where it is day.
DAY_ZONES = (
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "UTC",
    "America/Sao_Paulo",
    "America/New_York",
    "America/Los_Angeles",
)


def bench_user(*, email):
    """A user with a verified primary address, so they can sign in and get email."""
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD
    )
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _split(total, rng):
    """How many interviews each application gets: one to three, `total` in all."""
    counts = []
    while sum(counts) < total:
        counts.append(min(rng.choice((1, 1, 2, 2, 3)), total - sum(counts)))
    return counts


def person_row(rng, *, name, company, index):
    slug = name.split()[0].lower()
    return {
        "contact": None,
        "name": name,
        "title": rng.choice(("Head of Data", "Engineering Manager", "Recruiter", "CTO")),
        "email": f"{slug}.{index}@{company.split()[0].lower()}.example" if index % 3 else "",
        "linkedin_url": f"https://www.linkedin.com/in/{slug}-{index}" if index % 2 else "",
        "preferred_channel": CHANNELS[index % len(CHANNELS)],
        "discussed": "How the team plans its quarter and what the first month looks like.",
        "common_ground": f"we both enjoy {rng.choice(INTERESTS)}" if index % 2 == 0 else "",
        "correction": "",
    }


def interview_form(*, candidate, starts_at, round_, decision, instance=None):
    local = starts_at.astimezone(candidate.tz)
    data = {
        "round": round_,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "format": Interview.Format.VIDEO,
        "location": "https://meet.example.com/bench",
        "decision_promised_on": decision.isoformat() if decision else "",
    }
    form = InterviewForm(data, instance=instance)
    if not form.is_valid():
        raise CommandError(f"The generated interview was refused: {form.errors.as_text()}")
    return form


def _notes(rng, interview):
    """The post-interview notes most candidates write the same evening."""
    interview.summary = "Walked through their pipeline, the on-call rota and the roadmap."
    interview.qualifications_matched = "building data pipelines\nleading small teams"
    interview.fit = "their focus on tools analysts enjoy"
    interview.notes_saved_at = interview.ends_at + timedelta(hours=rng.randint(1, 5))
    return interview


@transaction.atomic
def candidate_build(*, interviews, email, seed=1, now=None):
    """One candidate with `interviews` interviews, planned through the services."""
    now = now or timezone.now()
    rng = random.Random(seed)
    user = bench_user(email=email)
    candidate = Candidate.objects.create(
        user=user,
        full_name="Sam Okafor",
        signing_name="Sam",
        time_zone=ZONE,
        qualifications="building data pipelines\nleading small teams\nclear writing",
        fit_phrase="a habit of making data useful to people who are not analysts",
        return_address="Sam Okafor\nLindenstraße 12\n10969 Berlin",
    )
    counts = _split(interviews, rng)
    # A year of job search, the latest applications still ahead of their interviews.
    first_day = now - timedelta(days=365)
    spacing = timedelta(days=395) / len(counts)
    zone = ZoneInfo(ZONE)
    with timezone.override(zone):
        for index, count in enumerate(counts):
            start = first_day + spacing * index
            _application_build(candidate, rng, index=index, interviews=count, start=start, now=now)
    return candidate


@transaction.atomic
def _application_build(candidate, rng, *, index, interviews, start, now):
    company = f"{COMPANIES[index % len(COMPANIES)]} {index // len(COMPANIES) + 1}"
    application = Application.objects.create(
        candidate=candidate,
        company=company,
        role=rng.choice(ROLES),
        applied_on=(start - timedelta(days=rng.randint(5, 20))).date(),
        applied_via=rng.choice(("LinkedIn", "the company's website", "a referral")),
    )
    met = []
    for round_index in range(interviews):
        day = (start + timedelta(days=10 * round_index)).astimezone(candidate.tz)
        starts_at = day.replace(hour=rng.choice((9, 10, 11, 14, 15)), minute=0)
        people = [
            person_row(rng, name=rng.choice(NAMES), company=company, index=index * 10 + n)
            for n in range(rng.randint(1, 3))
        ]
        # A later round often sees someone from the first again.
        if met and rng.random() < 0.5:
            people[0] = {**people[0], "contact": met[0], "name": ""}
        people = list({row["contact"] or row["name"]: row for row in people}.values())
        decision = starts_at.date() + timedelta(days=7) if rng.random() < 0.5 else None
        form = interview_form(
            candidate=candidate,
            starts_at=starts_at,
            round_=ROUNDS[min(round_index, 2)],
            decision=decision,
            instance=Interview(application=application),
        )
        if starts_at < now and rng.random() < 0.7:
            _notes(rng, form.instance)
        interview = interview_save(form=form, application=application, people=people, now=now)
        met = met or [p.contact for p in interview.participants.select_related("contact")]
    if application.main_contact is None and met:
        application.main_contact = met[0]
        application.save(update_fields=["main_contact"])
    _candidate_acts(application, rng, now=now)


def _candidate_acts(application, rng, *, now):
    """What the candidate did with the follow-ups whose due time is days past.

    Thank-yous and LinkedIn requests marked done lead to nothing further, so
    they are settled in one UPDATE with the fields followup_mark_done writes;
    check-ins go through the service, whose re-plan opens the next one.
    """
    settled = FollowUp.objects.filter(
        application=application, status__in=FollowUp.PENDING, due_at__lt=now - timedelta(days=3)
    )
    people = list(settled.filter(kind__in=PEOPLE_KINDS).values_list("pk", "kind", "due_at"))
    for pk, kind, due_at in people:
        roll = rng.random()
        if roll < 0.8:
            status, reason, done_at = FollowUp.Status.DONE, "", due_at - timedelta(hours=2)
        elif roll < 0.9:
            status, reason, done_at = FollowUp.Status.SKIPPED, "Skipped by you.", None
        else:
            continue  # left overdue, as for a candidate who fell behind
        FollowUp.objects.filter(pk=pk).update(
            status=status,
            status_reason=reason,
            done_at=done_at,
            done_channel=CHANNEL_DONE.get(kind, FollowUp.Channel.EMAIL) if done_at else "",
            remind_at=None,
            updated_at=now,
        )
    seen = set()
    # One at a time and re-read: each done check-in re-plans, which may open
    # the next one (acted on in turn).
    chain = settled.filter(kind__in=CHECK_IN_KINDS).select_related("candidate")
    while followup := chain.exclude(pk__in=seen).first():
        seen.add(followup.pk)
        roll = rng.random()
        if roll < 0.6:
            done_on = followup.due_at.astimezone(followup.candidate.tz).date()
            followup_mark_done(
                followup=followup, channel=FollowUp.Channel.PHONE, done_on=done_on, now=now
            )
        elif roll < 0.7:
            followup_skip(followup=followup, now=now)


def sweep_build(*, followups, now=None, seed=1):
    """Candidates whose follow-ups owe a reminder now, `followups` rows in all."""
    now = now or timezone.now()
    rng = random.Random(seed)
    people = math.ceil(followups / FOLLOWUPS_PER_CANDIDATE)
    # Every candidate gets two follow-ups, the first `extra` a third.
    extra = followups - 2 * people
    zones = [z for z in DAY_ZONES if 9 <= now.astimezone(ZoneInfo(z)).hour < 20] or ["UTC"]
    password = make_password(PASSWORD)
    stamp = f"{int(now.timestamp())}{rng.randrange(1000):03d}"
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            (
                get_user_model()(
                    username=f"sweep{stamp}-{i}",
                    email=f"sweep{stamp}-{i}@example.com",
                    password=password,
                )
                for i in range(people)
            ),
            batch_size=BATCH,
        )
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users),
            batch_size=BATCH,
        )
        candidates = Candidate.objects.bulk_create(
            (
                Candidate(user=u, full_name=f"Candidate {i}", time_zone=zones[i % len(zones)])
                for i, u in enumerate(users)
            ),
            batch_size=BATCH,
        )
        applications = Application.objects.bulk_create(
            (
                Application(candidate=c, company=COMPANIES[i % len(COMPANIES)], role=ROLES[0])
                for i, c in enumerate(candidates)
            ),
            batch_size=BATCH,
        )
        interviews = Interview.objects.bulk_create(
            (
                Interview(
                    application=a,
                    starts_at=now - timedelta(hours=3, minutes=i % 50),
                    ends_at=now - timedelta(hours=2, minutes=i % 50),
                )
                for i, a in enumerate(applications)
            ),
            batch_size=BATCH,
        )
        contacts = Contact.objects.bulk_create(
            (
                Contact(candidate=c, company=a.company, name=NAMES[i % len(NAMES)])
                for i, (c, a) in enumerate(zip(candidates, applications, strict=True))
            ),
            batch_size=BATCH,
        )
        FollowUp.objects.bulk_create(
            _sweep_rows(candidates, applications, interviews, contacts, extra=extra),
            batch_size=BATCH,
        )
    if connection.vendor == "postgresql":
        # Fresh planner statistics, as autovacuum keeps them on a running site.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return people


def _sweep_rows(candidates, applications, interviews, contacts, *, extra):
    kinds = (FollowUp.Kind.NOTES, FollowUp.Kind.THANK_YOU, FollowUp.Kind.LINKEDIN)
    channels = (FollowUp.Channel.IN_APP, FollowUp.Channel.EMAIL, FollowUp.Channel.LINKEDIN)
    rows = zip(candidates, applications, interviews, contacts, strict=True)
    for i, (candidate, application, interview, contact) in enumerate(rows):
        for k in range(3 if i < extra else 2):
            opens = interview.ends_at
            yield FollowUp(
                candidate=candidate,
                application=application,
                interview=interview,
                contact=None if kinds[k] == FollowUp.Kind.NOTES else contact,
                kind=kinds[k],
                channel=channels[k],
                status=FollowUp.Status.OPEN,
                opens_at=opens,
                due_at=opens + (timedelta(hours=3) if k == 0 else timedelta(hours=24)),
                remind_at=opens,
                subject=f"Follow up with {contact.name}",
                draft=f"Dear {contact.name},\n\nThank you for meeting me today.\n\nSam",
            )


class Command(BaseCommand):
    help = "Fill a benchmark's own database: one candidate's interviews, or a sweep's load."

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--candidate-interviews", type=int, choices=CANDIDATE_SIZES)
        what.add_argument("--sweep-followups", type=int, metavar="N")
        parser.add_argument("--email", help="The candidate's sign-in email (a default per size).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, candidate_interviews, sweep_followups, email, seed, **options):
        started = time.perf_counter()
        if candidate_interviews:
            email = email or f"bench{candidate_interviews}@example.com"
            if get_user_model().objects.filter(email__iexact=email).exists():
                raise CommandError(f"{email} exists already: give another --email.")
            candidate = candidate_build(interviews=candidate_interviews, email=email, seed=seed)
            planned = FollowUp.objects.filter(candidate=candidate).count()
            done = f"{candidate_interviews} interviews, {planned} follow-ups"
            self.stdout.write(f"Sign in as {email} / {PASSWORD}")
        else:
            low, high = SWEEP_RANGE
            if not low <= sweep_followups <= high:
                raise CommandError(
                    f"--sweep-followups takes {low:,} to {high:,} follow-ups, "
                    f"not {sweep_followups:,}."
                )
            people = sweep_build(followups=sweep_followups, seed=seed)
            done = f"{people:,} candidates, {sweep_followups:,} follow-ups owing a reminder"
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Built {done} in {elapsed:.1f} s."))
