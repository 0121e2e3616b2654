"""Domain errors: raised by services and kinds, mapped to HTTP in one place (api/errors.py)."""

from __future__ import annotations

from typing import Any


class TruthlineError(Exception):
    """Base error with a stable machine code, a human message and structured details."""

    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details


class InvalidInput(TruthlineError):
    code = "invalid_input"
    status = 422


class NotFound(TruthlineError):
    code = "not_found"
    status = 404


class Unauthenticated(TruthlineError):
    code = "unauthenticated"
    status = 401


class Forbidden(TruthlineError):
    code = "forbidden"
    status = 403


class Conflict(TruthlineError):
    code = "conflict"
    status = 409


class PayloadTooLarge(TruthlineError):
    code = "payload_too_large"
    status = 413


class Unavailable(TruthlineError):
    code = "unavailable"
    status = 503
