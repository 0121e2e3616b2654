"""Request size limits, enforced on the declared length and on the bytes actually received.

JSON bodies are small: they are read here in full (up to the limit) before the app sees them.
Uploads are streamed to disk by their route, which counts bytes itself; here only their declared
length is checked.
"""

from __future__ import annotations

from typing import Any

import orjson

UPLOAD_SUFFIXES = ("/imports",)


class BodyLimitMiddleware:
    def __init__(self, app: Any, max_body: int, max_upload: int) -> None:
        self.app, self.max_body, self.max_upload = app, max_body, max_upload

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        is_upload = scope["path"].endswith(UPLOAD_SUFFIXES)
        limit = self.max_upload if is_upload else self.max_body
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return await _too_large(send, limit)
        if is_upload:
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await _too_large(send, limit)
            chunks.append(body)
            if not message.get("more_body"):
                break
        whole = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Any, limit: int) -> None:
    body = orjson.dumps(
        {
            "error": {
                "code": "payload_too_large",
                "message": f"request body is larger than {limit} bytes",
                "details": {"limit": limit},
            }
        }
    )
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
