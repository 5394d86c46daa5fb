"""A local SMTP catcher for ``boucle up`` and the tests: an SMTP server on loopback (aiosmtpd)
that keeps every mail it receives instead of delivering it, and a page that lists them."""

from __future__ import annotations

import email
import email.policy
import html
import threading
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from boucle.devstack.processes import free_port


class MailCatcher:
    """Receives mail on ``127.0.0.1:port`` (a free one by default) until stopped."""

    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.received: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._page: ThreadingHTTPServer | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.received.append(message)
        return "250 Message accepted for delivery"

    def messages(self, to: str = "") -> list[EmailMessage]:
        """What was received, oldest first (only to ``to`` when given)."""
        with self._lock:
            return [m for m in self.received if not to or m["To"] == to]

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
        if self._page is not None:
            self._page.shutdown()
            self._page.server_close()
            self._page = None

    def serve_page(self, port: int = 0) -> str:
        """A page listing the mails received (newest first); its address."""
        catcher = self

        class Page(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = catcher.page().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                return

        self._page = ThreadingHTTPServer(("127.0.0.1", port or free_port()), Page)
        threading.Thread(target=self._page.serve_forever, name="mail-page", daemon=True).start()
        return f"http://127.0.0.1:{self._page.server_address[1]}/"

    def page(self) -> str:
        items = []
        for message in reversed(self.messages()):
            part = message.get_body(("plain",))
            text = part.get_content() if part is not None else ""
            items.append(
                "<li><h2>{subject}</h2><p>{to} — {date}</p><pre>{text}</pre></li>".format(
                    subject=html.escape(str(message["Subject"])),
                    to=html.escape(str(message["To"])),
                    date=html.escape(str(message["Date"])),
                    text=html.escape(text),
                )
            )
        listing = f"<ol>{''.join(items)}</ol>" if items else "<p>Aucun courriel reçu.</p>"
        return (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            "<title>Courriels envoyés — Boucle</title></head><body><main>"
            f"<h1>Courriels envoyés ({len(items)})</h1>"
            "<p>Le serveur SMTP local de <code>boucle up</code> garde ici chaque courriel, "
            f"sans le remettre (port {self.port}).</p>{listing}</main></body></html>"
        )
