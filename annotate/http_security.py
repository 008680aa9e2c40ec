"""What the ranking app's HTTP server adds to Gradio: security headers on every response, and no uploads.

An ASGI middleware, given to Gradio's FastAPI app through ``launch(app_kwargs=...)``:
- **Headers.** The page may not be framed by another site (clickjacking a therapist into ranking),
  responses are not type-sniffed, no referrer leaves the page, and the content security policy lets
  the page load and send only to its own origin: an injected script could not post client text
  elsewhere. Gradio's page and the app's shortcut script are inline, hence ``'unsafe-inline'``.
- **No uploads.** No page of the app takes a file, yet Gradio accepts uploads of any size from any
  logged-in user, which fills the disk. Upload requests are refused before their body is read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
UPLOAD_PATHS = ("/gradio_api/upload", "/upload")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SecureHeadersNoUploads:
    """ASGI middleware: adds ``SECURITY_HEADERS`` to every HTTP response and answers uploads with 403."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/").endswith(UPLOAD_PATHS):
            await _refuse_upload(send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse_upload(send: Send) -> None:
    body = b'{"detail": "this app takes no files: uploads are refused"}'
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    # Answered before the body is read; the server then drops the rest of it with the connection.
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
