"""Short-lived signed media URLs: an item's media are reachable only through a URL handed out
to someone allowed to read the item, and only for a few minutes."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any
from urllib.parse import quote

MEDIA_PREFIX = "media:"


def sign(secret: str, key: str, expires: int) -> str:
    msg = f"{key}\n{expires}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:32]


def signed_url(secret: str, key: str, ttl: int, now: float | None = None) -> str:
    expires = int((now or time.time()) + ttl)
    return f"/api/v1/media/{quote(key)}?exp={expires}&sig={sign(secret, key, expires)}"


def verify(secret: str, key: str, expires: int, signature: str, now: float | None = None) -> bool:
    if expires < (now or time.time()):
        return False
    return hmac.compare_digest(sign(secret, key, expires), signature)


def media_urls(
    data: dict[str, Any], secret: str, ttl: int, media: dict[str, Any] | None = None
) -> dict[str, str]:
    """Signed URLs for every ``media:<key>`` value of an item's fields, and ``<field>.preview``
    for images that have a downscaled preview."""
    out = {}
    for name, value in data.items():
        if isinstance(value, str) and value.startswith(MEDIA_PREFIX):
            out[name] = signed_url(secret, value[len(MEDIA_PREFIX) :], ttl)
            preview = ((media or {}).get(name) or {}).get("preview")
            if preview:
                out[f"{name}.preview"] = signed_url(secret, preview, ttl)
    return out
