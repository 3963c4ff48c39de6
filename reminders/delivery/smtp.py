"""What a failed send means: try later, give up, or do not send again.

Django's SMTP backend raises the same few exceptions whatever went wrong; the
sweep needs to know more. A reply code tells a temporary refusal (4xx) from a
permanent one (5xx). A connection that broke or timed out after the message
was handed over (after DATA) may still have delivered it: sending again would
risk the duplicate the candidate notices most, so that send is "uncertain".
To tell when DATA was reached, the SMTP connection used here remembers it.
"""

import smtplib

from django.core.mail.backends import smtp

from reminders.models import SendFailure

Kind = SendFailure.Kind


class _SMTP(smtplib.SMTP):
    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class _SMTP_SSL(smtplib.SMTP_SSL):
    data_started = False

    def data(self, msg):
        self.data_started = True
        return super().data(msg)


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, with connections that say whether DATA was reached."""

    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        if self.connection is not None:
            self.connection.data_started = False
        return super()._send(email_message)

    @property
    def data_started(self):
        return bool(self.connection is not None and self.connection.data_started)


def _reply_codes(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def failure_kind(exc, *, backend):
    """Which SendFailure.Kind a send that raised `exc` is."""
    codes = _reply_codes(exc)
    if codes:
        # Every recipient refused for good: the address bounces. (There is
        # one recipient per reminder email.)
        return Kind.PERMANENT if all(500 <= code < 600 for code in codes) else Kind.TRANSIENT
    if getattr(backend, "data_started", False):
        return Kind.UNCERTAIN
    return Kind.TRANSIENT
