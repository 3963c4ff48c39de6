"""A tiny real SMTP server on 127.0.0.1 for tests (Python 3.12 has no smtpd).

It speaks just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. The first `refuse` messages are refused at MAIL FROM with 451 (a
temporary failure, as a mail server that is over quota or greylisting says),
after which it accepts and keeps each message's raw bytes. `on_quit`, when
given, runs before QUIT is answered: the sender is then still waiting inside
its send, with the message accepted.

A `plan` scripts what real mail servers do when they are in trouble: one
step per connection, in order, then it accepts. A step is None (accept) or
(stage, reply): at that stage ("greeting", "mail", "rcpt" or "data") the
server answers `reply` instead of going on, or with DROP closes the
connection there, or with HANG (at "data" only) keeps the message it was
given and never answers, as a server that stalls after queueing does.
`delay` slows every accepted message by that many seconds before its 250,
and `on_message(raw)` runs in the same place: the message has arrived and
the sender waits for the answer.
"""

import contextlib
import socketserver
import threading
import time

DROP = "drop"
HANG = "hang"

TRY_LATER = "451 4.3.0 Try again later"
SHUTTING_DOWN = "421 4.3.2 Service shutting down, closing channel"
NO_MAILBOX = "550 5.1.1 Mailbox unavailable"


class _Hang(Exception):
    pass


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def _scripted(self, stage):
        """True when this connection's step ends it at `stage` (having answered)."""
        if self.step is None or self.step[0] != stage:
            return False
        reply = self.step[1]
        self.server.log(stage, reply)
        if reply == HANG:
            raise _Hang
        if reply != DROP:
            self._reply(reply)
        return True

    def handle(self):
        server = self.server
        self.step = server.next_step()
        with contextlib.suppress(_Hang, OSError):
            if self._scripted("greeting"):
                return
            self._reply("220 127.0.0.1 test SMTP")
            self._converse()

    def _converse(self):
        server = self.server
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 127.0.0.1")
            elif verb == "MAIL":
                if self._scripted("mail"):
                    return
                with server.lock:
                    server.attempts += 1
                    refused = server.attempts <= server.refuse
                self._reply(TRY_LATER if refused else "250 OK")
            elif verb == "RCPT":
                if self._scripted("rcpt"):
                    return
                self._reply("250 OK")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                raw = self._receive()
                if self.step is not None and self.step == ("data", HANG):
                    server.keep(raw)
                    server.log("data", HANG)
                    server.released.wait()
                    return
                if self._scripted("data"):
                    return
                server.keep(raw)
                if server.delay:
                    time.sleep(server.delay)
                if server.on_message:
                    server.on_message(raw)
                self._reply("250 OK: queued")
            elif verb == "QUIT":
                if server.on_quit:
                    server.on_quit()
                with contextlib.suppress(OSError):  # the sender may be gone
                    self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")

    def _receive(self):
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            # Undo the sender's dot-stuffing.
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, refuse=0, on_quit=None, plan=(), delay=0.0, on_message=None):
        super().__init__(("127.0.0.1", 0), _Session)
        self.refuse = refuse
        self.on_quit = on_quit
        self.plan = list(plan)
        self.delay = delay
        self.on_message = on_message
        self.attempts = 0
        self.messages = []
        # (stage, reply) for every scripted step that was played.
        self.events = []
        self.lock = threading.Lock()
        # A hanging session waits for this; shutting down sets it.
        self.released = threading.Event()

    @property
    def port(self):
        return self.server_address[1]

    def next_step(self):
        with self.lock:
            return self.plan.pop(0) if self.plan else None

    def keep(self, raw):
        with self.lock:
            self.messages.append(raw)

    def log(self, stage, reply):
        with self.lock:
            self.events.append((stage, reply))

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.released.set()
        self.shutdown()
        self.server_close()
