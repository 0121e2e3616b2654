"""One error body everywhere: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from truthline.errors import TruthlineError

log = logging.getLogger("truthline.api")

BAD_VALUE_ERRORS = (OverflowError, UnicodeEncodeError, UnicodeDecodeError, TypeError)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "too_many_requests",
}


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(status_code: int, code: str, message: str, **details: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status_code)


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(TruthlineError)
    async def _domain(_: Request, exc: TruthlineError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, **exc.details)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"path": _loc(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")}
            for e in exc.errors()
        ]
        first = errors[0] if errors else {"path": "body", "message": "invalid request"}
        return error_response(
            422, "invalid_input", f"{first['path']}: {first['message']}", errors=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(StatementError)
    async def _database(request: Request, exc: StatementError) -> JSONResponse:
        # Values the database cannot hold (an integer beyond 64 bits, text with unpaired
        # surrogates) are the caller's input, not a server fault.
        if isinstance(exc, DataError) or isinstance(exc.orig, BAD_VALUE_ERRORS):
            return error_response(
                422,
                "invalid_input",
                "a value is out of range or is not valid text (unpaired surrogates?)",
            )
        return await _unexpected(request, exc)

    async def _bad_value(_: Request, exc: Exception) -> JSONResponse:
        return error_response(
            422,
            "invalid_input",
            "a value is out of range or is not valid text (unpaired surrogates?)",
        )

    app.add_exception_handler(OverflowError, _bad_value)
    app.add_exception_handler(UnicodeEncodeError, _bad_value)
    app.add_exception_handler(orjson.JSONEncodeError, _bad_value)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal error; it has been logged")
