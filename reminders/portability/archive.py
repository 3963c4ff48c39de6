"""All of a candidate's data as one JSON file, and that file back into an account.

The format (its version, what each part holds and what stays out) is in
``archive_format``. Building the file takes one query per part at any size;
restoring checks the whole file first and writes it inside one transaction,
so a bad file leaves nothing behind.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone

from interviews.models import Application, Candidate, Contact
from reminders.models import FollowUp

from .archive_format import (
    FORMAT,
    FORMAT_VERSION,
    MAX_BYTES,
    PARTS,
    PROFILE_FIELDS,
    TIMESTAMPS,
    ArchiveInvalid,
)

__all__ = ["FORMAT_VERSION", "ArchiveInvalid", "archive_json", "archive_read", "archive_restore"]


# ---------------------------------------------------------------- export


def archive_build(*, candidate, now=None):
    """The candidate's data as a JSON-ready dict: one query per part, at any size."""
    now = now or timezone.now()
    archive = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        # For the reader of the file; restoring never changes the account's address.
        "email": candidate.user.email,
        "profile": {name: _encode(getattr(candidate, name)) for name in PROFILE_FIELDS},
    }
    for name, part in PARTS.items():
        columns = ("id", *part.fields, *(f"{ref}_id" for ref in part.refs))
        rows = part.model.objects.for_user(candidate.user).order_by("pk").values_list(*columns)
        archive[name] = [_row(part, dict(zip(columns, values, strict=True))) for values in rows]
    return archive


def archive_json(*, candidate, now=None):
    return json.dumps(archive_build(candidate=candidate, now=now), ensure_ascii=False, indent=1)


def _row(part, values):
    row = {"id": values["id"]}
    row.update({name: _encode(values[name]) for name in part.fields})
    row.update({ref: values[f"{ref}_id"] for ref in part.refs})
    return row


def _encode(value):
    # Full ISO 8601 with microseconds and offset: a round trip must give
    # back the very same instant (DjangoJSONEncoder would cut to milliseconds).
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


# ---------------------------------------------------------------- reading a file


def archive_read(upload):
    """The parsed file, or ArchiveInvalid saying what is wrong with it."""
    raw = upload.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ArchiveInvalid(
            f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB, more than an export "
            "from this site ever is. Choose the .json file you downloaded from your profile."
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveInvalid(
            "This file is not a Follow-up export: it is not readable JSON "
            f"({getattr(error, 'msg', 'not UTF-8 text')}). Choose the .json file you "
            "downloaded from your profile."
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveInvalid(
            "This JSON file is not a Follow-up export. Choose the .json file you "
            "downloaded from your profile (“Export all your data”)."
        )
    version = data.get("version")
    if version != FORMAT_VERSION:
        raise ArchiveInvalid(
            f"This export has format version {version!r}; this site reads version "
            f"{FORMAT_VERSION}. Export again from the site that made it, or restore it "
            "on a site of the same version."
        )
    missing = [key for key in ("profile", *PARTS) if key not in data]
    if missing:
        raise ArchiveInvalid(
            f"This export is incomplete: it has no {', '.join(missing)}. Nothing was restored."
        )
    return data


@dataclass
class Decoded:
    """A file checked row by row: unsaved rows and their references, by part."""

    profile: dict
    rows: dict  # part name → [(file id, unsaved instance, {ref: file id})]


def archive_decode(data):
    """Every row turned into an unsaved model instance, every value validated by
    the model's own fields, every reference checked against the file's ids."""
    profile = _profile(data["profile"])
    rows, ids = {}, {}
    for name, part in PARTS.items():
        entries = data[name]
        if not isinstance(entries, list):
            raise ArchiveInvalid(f"In this export, “{name}” is not a list. Nothing was restored.")
        rows[name], ids[name] = [], set()
        for number, entry in enumerate(entries, start=1):
            where = f"{name}, entry {number}"
            file_id, instance, refs = _decode_row(part, entry, where, ids)
            if file_id in ids[name]:
                raise ArchiveInvalid(f"{where}: the id {file_id} is used twice in {name}.")
            ids[name].add(file_id)
            rows[name].append((file_id, instance, refs))
    return Decoded(profile=profile, rows=rows)


def _profile(entry):
    if not isinstance(entry, dict):
        raise ArchiveInvalid("The profile in this export is not a set of fields.")
    candidate = Candidate()
    _fill(candidate, PROFILE_FIELDS, entry, "profile")
    _clean(candidate, "profile", exclude=["user", "calendar_token"])
    return {name: getattr(candidate, name) for name in PROFILE_FIELDS}


def _decode_row(part, entry, where, ids):
    if not isinstance(entry, dict):
        raise ArchiveInvalid(f"{where} is not a set of fields.")
    file_id = entry.get("id")
    if type(file_id) is not int:
        raise ArchiveInvalid(f"{where} has no whole-number “id”.")
    instance = part.model()
    _fill(instance, part.fields, entry, where)
    refs = {}
    for ref, target in part.refs.items():
        if ref not in entry:
            raise ArchiveInvalid(f"{where} has no “{ref}”.")
        value = entry[ref]
        if value is None and part.model._meta.get_field(ref).null:
            refs[ref] = None
        elif type(value) is int and value in ids[target]:
            refs[ref] = value
        else:
            raise ArchiveInvalid(f"{where}: “{ref}” names {value!r}, which is not in {target}.")
    _clean(instance, where, exclude=["candidate", *part.refs])
    if part.model is FollowUp:
        _check_undo_state(instance.undo_state, where)
    return file_id, instance, refs


# What a value in the file must be before the model field parses it: a
# field's to_python would turn a list into the text "[...]".
JSON_TYPES = {
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.CharField: (str,),
    models.TextField: (str,),
    models.DateTimeField: (str,),
    models.DateField: (str,),
    models.TimeField: (str,),
}


def _fill(instance, names, entry, where):
    for name in names:
        if name not in entry:
            raise ArchiveInvalid(f"{where} has no “{name}”.")
        model_field = instance._meta.get_field(name)
        value = entry[name]
        expected = next(
            (types for cls, types in JSON_TYPES.items() if isinstance(model_field, cls)), None
        )
        if value is not None and expected and (type(value) not in expected):
            raise ArchiveInvalid(f"{where}: “{name}” has a value of the wrong kind.")
        try:
            value = None if value is None else model_field.to_python(value)
        except ValidationError as error:
            raise ArchiveInvalid(f"{where}: “{name}”: {' '.join(error.messages)}") from error
        if isinstance(value, datetime) and timezone.is_naive(value):
            # Without an offset the instant is a guess; the site always writes one.
            raise ArchiveInvalid(f"{where}: “{name}” is a time without a time zone.")
        setattr(instance, name, value)


def _clean(instance, where, *, exclude):
    # Uniqueness and the check constraints are the database's to enforce
    # inside the restore's transaction: checking them here costs a query a row.
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"“{name}”: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
        raise ArchiveInvalid(f"{where}: {problems}") from error


# Undo writes these fields back onto the follow-up: a file must not be able
# to name any other (a candidate id, say) for a later "undo" to set.
UNDO_ACTIONS = {"done", "snooze", "skip", "reply", "draft"}
UNDO_FIELDS = {
    "status",
    "status_reason",
    "done_at",
    "done_channel",
    "snoozed_until",
    "remind_at",
    "subject",
    "draft",
    "draft_edited",
}


def _check_undo_state(state, where):
    if state is None:
        return
    fields = state.get("fields") if isinstance(state, dict) else None
    if (
        not isinstance(fields, dict)
        or state.get("action") not in UNDO_ACTIONS
        or not set(fields) <= UNDO_FIELDS
        or not all(isinstance(v, str | bool | None) for v in fields.values())
        or not isinstance(state.get("replied_at"), str | None)
    ):
        raise ArchiveInvalid(f"{where}: “undo_state” is not what this site writes there.")


# ---------------------------------------------------------------- restore


def _casefold(text):
    return " ".join(text.split()).casefold()


# Merging: what makes a row in the file the same as one already in the
# account. Each follow-up kind is keyed as the database's unique
# constraints on FollowUp key it, so a merge can never meet them.
def _followup_key(row):
    if row.status == FollowUp.Status.CANCELLED or row.kind in CHECK_IN_KINDS:
        if row.status == FollowUp.Status.CANCELLED:
            # Cancelled rows are history, many to a slot: only the very same one matches.
            return (row.kind, row.application_id, row.interview_id, row.contact_id, row.opens_at)
        return ("check-in", row.application_id, row.sequence)
    return (row.kind, row.application_id, row.interview_id, row.contact_id)


CHECK_IN_KINDS = (FollowUp.Kind.CHECK_IN, FollowUp.Kind.FURTHER_CHECK_IN)
IDENTITY = {
    "contacts": lambda row: (_casefold(row.company), _casefold(row.name)),
    "applications": lambda row: (_casefold(row.company), _casefold(row.role)),
    "interviews": lambda row: (row.application_id, row.starts_at),
    "participants": lambda row: (row.interview_id, row.contact_id),
    "followups": _followup_key,
}


@dataclass
class Restored:
    """What a restore created and, when merging, what it found already there."""

    created: dict = field(default_factory=dict)  # part name → rows created
    matched: dict = field(default_factory=dict)  # part name → rows already in the account


def account_has_records(candidate):
    return (
        Contact.objects.filter(candidate=candidate).exists()
        or Application.objects.filter(candidate=candidate).exists()
    )


def archive_restore(*, candidate, data, merge=False, now=None):
    """Restore a read file (archive_read) into the candidate's account, all or nothing.

    Into an account with no applications or people yet, everything is
    created as it was, profile and settings included. With ``merge``, rows
    the account already has (same person at the same company, same role at
    the same company, same interview start, same follow-up slot) are kept
    as they are and the file adds the rest; blank profile fields are filled.

    Nothing is planned and nothing is sent: follow-ups keep their state,
    drafts and done times, and a reminder whose moment passed before the
    restore is not owed any more (the dashboard shows what is overdue), so
    restoring an old file never sends a burst of emails.
    """
    decoded = archive_decode(data)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            # Two restores at once (a double click) queue here; the second
            # sees the first's rows and refuses, or merges into them.
            Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
            if not merge and account_has_records(candidate):
                raise ArchiveInvalid(
                    "Your account already has applications or people, so nothing was "
                    "restored. Choose “Merge” to add what the file has and this account "
                    "does not, or restore into a new account."
                )
            _profile_restore(candidate, decoded.profile, merge=merge)
            return _rows_restore(candidate, decoded, merge=merge, now=now)
    except (IntegrityError, DatabaseError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ArchiveInvalid(
            f"The rows in this file contradict each other, so nothing was restored ({first_line})."
        ) from error


def _profile_restore(candidate, profile, *, merge):
    changed = [
        name
        for name, value in profile.items()
        if not merge or (getattr(candidate, name) == "" and value != "")
    ]
    for name in changed:
        setattr(candidate, name, profile[name])
    if changed:
        candidate.save(update_fields=changed)


def _rows_restore(candidate, decoded, *, merge, now):
    result = Restored()
    new_ids = {}  # part name → {file id: pk in this account}
    for name, part in PARTS.items():
        identity = IDENTITY[name]
        existing = {}
        if merge:
            rows = part.model.objects.for_user(candidate.user).order_by("pk")
            existing = {identity(row): row.pk for row in rows}
        ids, to_create = {}, []
        for file_id, instance, refs in decoded.rows[name]:
            for ref, target_id in refs.items():
                target = new_ids[part.refs[ref]]
                setattr(instance, f"{ref}_id", None if target_id is None else target[target_id])
            if hasattr(instance, "candidate_id"):
                instance.candidate_id = candidate.pk
            if part.model is FollowUp:
                _followup_settle(instance, now)
            key = identity(instance)
            if key in existing:
                ids[file_id] = existing[key]
                continue
            to_create.append((file_id, instance))
        created = _create(part, [instance for _, instance in to_create])
        ids.update({file_id: row.pk for (file_id, _), row in zip(to_create, created, strict=True)})
        new_ids[name] = ids
        result.created[name] = len(created)
        result.matched[name] = len(decoded.rows[name]) - len(created)
    return result


def _followup_settle(followup, now):
    # The claim was a sweep's on the old site; a reminder whose moment has
    # passed would go out at the next sweep, for a window long closed.
    followup.claimed_at = None
    if followup.remind_at is not None and followup.remind_at <= now:
        followup.remind_at = None


def _create(part, rows):
    """bulk_create, keeping the file's created and updated times.

    Inserting stamps auto_now fields with the present moment, so the file's
    times are written back in one UPDATE, which leaves them as they are.
    """
    stamped = [name for name in TIMESTAMPS if name in part.fields]
    stamps = [[getattr(row, name) for name in stamped] for row in rows]
    created = part.model.objects.bulk_create(rows)
    if stamped and created:
        for row, values in zip(created, stamps, strict=True):
            for name, value in zip(stamped, values, strict=True):
                setattr(row, name, value)
        part.model.objects.bulk_update(created, stamped)
    return created
