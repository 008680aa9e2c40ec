"""What the ranking app's HTTP server adds to Gradio: security headers on every response, and no uploads.

An ASGI middleware, given to Gradio's FastAPI app through ``launch(app_kwargs=...)``:
- **Headers.** The page may not be framed by another site (clickjacking a therapist into ranking),
  responses are not type-sniffed, no referrer leaves the page, and the content security policy lets
  the page load and send only to its own origin: an injected script could not post client text
  elsewhere. Gradio's page and the app's shortcut script are inline, hence ``'unsafe-inline'``, and
  Gradio's plots (Vega) and HTML component compile code at run time, hence ``'unsafe-eval'``: without
  it the admin page's bar chart is silently blank. The policy's work is where the page may load
  from and talk to, and who may frame it.
- **No uploads.** No page of the app takes a file, yet Gradio accepts uploads of any size from any
  logged-in user, which fills the disk. Upload requests are refused before their body is read.
- **No API description in pages.** Gradio embeds every endpoint and parameter in the page, the
  login page included; it is taken out (``API_INFO_SCRIPT``).
- **Logout only by POST**, from the page's button: Gradio logs out on a GET, which any site can send.
- **Logins.** Gradio's login route gives the ``auth`` function only a username and a password. Around
  it this layer sets ``LOGIN_ATTEMPT`` (the client's address) for ``LoginGuard``, and when the guard
  refused a locked-out attempt, answers 429 with the time left instead of "Incorrect credentials"
  (``LOGIN_SCRIPT``, put into every HTML page here, shows it on Gradio's login page, which shows
  nothing for a status but 400 and gets the app's ``head`` only after login).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from annotate.labeling import LOGIN_ATTEMPT

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
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
# The titles of the app's refusals (annotate/app.py). Gradio answers a plain API call (/gradio_api/run/...)
# that raised any error with 500; these get 403 and 400, as a client expects for its own mistakes.
NOT_ALLOWED, REFUSED = "Not allowed", "Refused"
PLAIN_API_PATHS = ("/gradio_api/run/", "/gradio_api/api/")
STATUS_OF_REFUSAL = {NOT_ALLOWED.encode(): 403, REFUSED.encode(): 400}

# Gradio's login page says "Incorrect credentials" on a 400 and nothing otherwise: show a 429's reason.
LOGIN_SCRIPT = """
<script>
(() => {
  const realFetch = window.fetch;
  window.fetch = async (...args) => {
    const response = await realFetch(...args);
    const url = String((args[0] && args[0].url) || args[0]);
    if (response.status === 429 && /\\/login\\/?$/.test(url)) {
      let box = document.querySelector("#login-refused");
      if (!box) {
        box = document.createElement("p");
        box.id = "login-refused";
        box.setAttribute("role", "alert");
        box.style.cssText = "position:fixed;top:0;left:0;right:0;margin:0;padding:12px;text-align:center;"
          + "background:#fde8e8;color:#7a1010;font-weight:600;z-index:1000";
        document.body.prepend(box);
      }
      box.textContent = (await response.clone().json()).detail;
    }
    return response;
  };
})();
</script>
"""

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
        send = _with_security_headers(send)
        path = scope["path"].rstrip("/")
        if path.endswith(UPLOAD_PATHS):
            await _refuse_upload(send)
        elif path.endswith("/login") and scope["method"] == "POST":
            await self._login(scope, receive, send)
        elif path.endswith("/logout"):
            # Gradio logs out on a GET, so any site could log a therapist out with a link or an image.
            # Only a POST (the page's button) logs out; a cross-site POST carries no SameSite=Lax cookie.
            if scope["method"] == "POST":
                await self.app({**scope, "method": "GET"}, receive, send)
            else:
                await _send_json(send, 405, "log out with the page's Log out button", allow="POST")
        elif scope["method"] == "GET":
            await self.app(scope, receive, _with_page_rewrites(send))
        elif scope["path"].startswith(PLAIN_API_PATHS):
            await self.app(scope, receive, _with_refusal_status(send))
        else:
            await self.app(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send) -> None:
        attempt: dict[str, Any] = {"address": (scope.get("client") or ("", 0))[0]}
        token = LOGIN_ATTEMPT.set(attempt)
        replaced = False

        async def send_reason_when_locked(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 400 and "locked_for" in attempt:
                replaced = True
                await _send_json(send, 429, locked_out_reason(attempt["locked_for"]), retry_after=attempt["locked_for"])
            elif not replaced:
                await send(message)

        try:
            await self.app(scope, receive, send_reason_when_locked)
        finally:
            LOGIN_ATTEMPT.reset(token)


def _with_security_headers(send: Send) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {name.lower() for name, _ in message.get("headers", [])}
            extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in names]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return send_with_headers


# Gradio writes its API description (every endpoint and parameter) into the page, even the login page
# that anyone can fetch. No page of the app needs it: its only reader is the API page, which is off.
API_INFO_SCRIPT = re.compile(rb"<script>\s*window\.gradio_api_info\s*=.*?</script>", re.DOTALL)


def _holding_whole_response(
    send: Send, wanted: Callable[[Message], bool], rewrite: Callable[[Message, bytes], tuple[Message, bytes]]
) -> Send:
    """Holds back a response whose start ``wanted`` picks until its whole body is here, then sends
    ``rewrite(start, body)`` with the new body's length; every other response passes straight through."""
    held: list[Message] = []
    body = bytearray()

    async def send_rewritten(message: Message) -> None:
        if message["type"] == "http.response.start" and wanted(message):
            held.append(message)
            return
        if not held or message["type"] != "http.response.body":
            await send(message)
            return
        body.extend(message.get("body", b""))
        if message.get("more_body"):
            return
        start, new_body = rewrite(held[0], bytes(body))
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers, (b"content-length", str(len(new_body)).encode())]})
        await send({"type": "http.response.body", "body": new_body})

    return send_rewritten


def _with_page_rewrites(send: Send) -> Send:
    """Puts ``LOGIN_SCRIPT`` into every HTML page (Gradio's ``head`` reaches the page only after login), and
    takes out ``API_INFO_SCRIPT``."""

    def plain_html(start: Message) -> bool:
        headers = dict(start.get("headers", []))
        return headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers

    def rewrite(start: Message, page: bytes) -> tuple[Message, bytes]:
        page = API_INFO_SCRIPT.sub(b"", page)
        return start, page.replace(b"</head>", LOGIN_SCRIPT.encode() + b"</head>", 1)

    return _holding_whole_response(send, plain_html, rewrite)


def _with_refusal_status(send: Send) -> Send:
    """A plain API call's 500 becomes 403 or 400 when the app refused it (its error's title says which)."""

    def refusal_status(start: Message, body: bytes) -> tuple[Message, bytes]:
        try:
            title = str(json.loads(body).get("title", "")).encode()
        except (ValueError, AttributeError):
            title = b""
        return {**start, "status": STATUS_OF_REFUSAL.get(title, 500)}, body

    return _holding_whole_response(send, lambda start: start["status"] == 500, refusal_status)


def locked_out_reason(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return (
        "Too many failed logins from here. Try again in "
        f"{minutes} minute{'s' if minutes > 1 else ''}, or ask your admin to check your account."
    )


async def _send_json(
    send: Send, status: int, detail: str, retry_after: float | None = None, allow: str | None = None
) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(math.ceil(retry_after)).encode()))
    if allow is not None:
        headers.append((b"allow", allow.encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _refuse_upload(send: Send) -> None:
    # Answered before the body is read; the server then drops the rest of it with the connection.
    await _send_json(send, 403, "this app takes no files: uploads are refused")
