"""A tiny real SMTP server on 127.0.0.1 for tests (Python 3.12 has no smtpd).

It speaks just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET,
NOOP, QUIT. The first `refuse` messages are refused at MAIL FROM with 451 (a
temporary failure, as a mail server that is over quota or greylisting says),
after which it accepts and keeps each message's raw bytes. `on_quit`, when
given, runs before QUIT is answered: the sender is then still waiting inside
its send, with the message accepted.
"""

import contextlib
import socketserver
import threading


class _Session(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        server = self.server
        self._reply("220 127.0.0.1 test SMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self._reply("250 127.0.0.1")
            elif verb == "MAIL":
                with server.lock:
                    server.attempts += 1
                    refused = server.attempts <= server.refuse
                self._reply("451 4.3.0 Try again later" if refused else "250 OK")
            elif verb in ("RCPT", "RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self._receive()
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
        with self.server.lock:
            self.server.messages.append(b"".join(lines))


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, *, refuse=0, on_quit=None):
        super().__init__(("127.0.0.1", 0), _Session)
        self.refuse = refuse
        self.on_quit = on_quit
        self.attempts = 0
        self.messages = []
        self.lock = threading.Lock()

    @property
    def port(self):
        return self.server_address[1]

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.shutdown()
        self.server_close()
