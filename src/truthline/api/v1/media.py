"""Media bytes, served only through short-lived signed URLs handed out with an item."""

from __future__ import annotations

import mimetypes

from fastapi import APIRouter
from fastapi.responses import FileResponse, StreamingResponse

from truthline.api.deps import State
from truthline.errors import Forbidden, NotFound
from truthline.services.media import verify

router = APIRouter(tags=["media"])


@router.get("/media/{key:path}", response_model=None)
async def get_media(key: str, exp: int, sig: str, state: State) -> FileResponse | StreamingResponse:
    if not verify(state.secret, key, exp, sig):
        raise Forbidden(
            "media link is invalid or has expired; reload the item", code="media_link_invalid"
        )
    try:
        if not state.storage.exists(key):
            raise NotFound(f"no media {key!r}", code="media_not_found")
    except ValueError:
        raise NotFound(f"no media {key!r}", code="media_not_found") from None
    ctype = mimetypes.guess_type(key)[0] or "application/octet-stream"
    headers = {"cache-control": "private, max-age=300", "x-content-type-options": "nosniff"}
    local = state.storage.local_path(key)
    if local is not None:
        return FileResponse(local, media_type=ctype, headers=headers)  # handles Range requests

    def chunks():  # type: ignore[no-untyped-def]
        with state.storage.open(key) as fh:
            while chunk := fh.read(1 << 20):
                yield chunk

    return StreamingResponse(chunks(), media_type=ctype, headers=headers)
