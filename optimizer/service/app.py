"""The HTTP service: the JSON API, the booking page, and the faults in HTTP terms.

Faults come from the booking logic as exceptions and leave here as statuses with a
sentence in the client's language: a day not open 404, an unknown reference 404, bad
input 422 (naming the field), a slot no longer free 409 (with fresh options), the day
being planned 503 (with Retry-After), a body over the size limit 413.
"""

from __future__ import annotations

from datetime import datetime, timezone

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.i18n import _, language
from ..core.problems import InputError, ScenarioError, pydantic_message
from ..core.sentences import detail, reason_label
from ..core.times import format_time
from . import api, pages
from .bookings import (
    BeingPlanned,
    Invalid,
    MalformedReference,
    NotFound,
    Refused,
    SlotTaken,
)
from .days import DayNotOpen
from .db.engine import engine_for
from .settings import Settings


class BodyLimit:
    """Refuse a request body over `limit` bytes, whether it says its length or not."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            return await _too_large(scope, receive, send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(scope, receive, send)


class _TooLarge(Exception):
    pass


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    accept = dict(scope.get("headers") or []).get(b"accept-language", b"").decode("latin-1")
    with language(api.lang(accept)):
        response = JSONResponse({"detail": _("request body too large")}, status_code=413)
    await response(scope, receive, send)


def _lang(request: Request) -> str:
    return api.lang(request.headers.get("accept-language"))


def _invalid(field: str, message: str, kind: str = "value_error") -> dict:
    return {"detail": [{"loc": ["body", field], "msg": message, "type": kind}]}


def create_app(settings: Settings) -> FastAPI:
    """The service over the database of `settings` (created or upgraded on first use)."""
    engine_for(settings.database)
    app = FastAPI(title="remise", version="1", summary="Réservation de remises en main propre au commissariat",
                  docs_url="/api/docs", openapi_url="/api/openapi.json", redoc_url=None)
    app.state.settings = settings
    app.add_middleware(BodyLimit, limit=settings.max_body)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(RequestValidationError)
    async def malformed_body(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer, with each message in the client's language (pydantic's English
        # where a type has no sentence of ours).
        with language(_lang(request)):
            errors = [{"loc": list(e.get("loc", ())), "msg": pydantic_message(e), "type": e.get("type")}
                      for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(DayNotOpen)
    async def day_not_open(request: Request, exc: DayNotOpen) -> JSONResponse:
        with language(_lang(request)):
            return JSONResponse({"detail": _("{date} is not open for booking").format(date=exc.day.isoformat())},
                                status_code=404)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        with language(_lang(request)):
            return JSONResponse({"detail": _("no such booking or request")}, status_code=404)

    @app.exception_handler(MalformedReference)
    async def malformed(request: Request, exc: MalformedReference) -> JSONResponse:
        with language(_lang(request)):
            return JSONResponse({"detail": _("not a booking reference (16 letters and digits 2-7)")},
                                status_code=422)

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> JSONResponse:
        with language(_lang(request)):
            message = reason_label(exc.reason) + _(": ") + detail(exc.findings)
            return JSONResponse(_invalid(exc.field, message, str(exc.reason)), status_code=422)

    @app.exception_handler(Invalid)
    async def invalid(request: Request, exc: Invalid) -> JSONResponse:
        return JSONResponse(_invalid(exc.field, str(exc)), status_code=422)

    @app.exception_handler(SlotTaken)
    async def taken(request: Request, exc: SlotTaken) -> JSONResponse:
        with language(_lang(request)):
            body = {"detail": _("this slot is no longer free"),
                    "options": [s.model_dump() for s in api.slots(exc.options.offers.options, exc.options.names)]}
        return JSONResponse(body, status_code=409)

    @app.exception_handler(BeingPlanned)
    async def planning(request: Request, exc: BeingPlanned) -> JSONResponse:
        wait = max(1, int((exc.until - datetime.now(timezone.utc)).total_seconds()))
        with language(_lang(request)):
            return JSONResponse({"detail": _("the day is being planned; try again at {time} UTC").format(
                time=format_time(exc.until.hour * 60 + exc.until.minute))},
                status_code=503, headers={"Retry-After": str(min(wait, 3600))})

    @app.exception_handler(ScenarioError)
    async def scenario_error(request: Request, exc: ScenarioError) -> JSONResponse:
        return JSONResponse({"detail": [str(p) for p in exc.problems]}, status_code=422)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    return app
