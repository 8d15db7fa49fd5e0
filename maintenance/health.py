"""Health checks for load balancers, orchestrators and monitoring. No sign-in, no
session, nothing written; exempt from any rate limit a deployment configures.

- `GET /health` (liveness): 200 while this process serves, with what its database said —
  `{"status": "ok", "database": "ok" | "unreachable"}`. Point the load balancer here: every
  web machine shares the one database, so a check that failed with it would take all of
  them out at once (and the pages already answer 503 with Retry-After meanwhile).
- `GET /health/ready` (readiness): 200 when the database answers, else 503 with
  Retry-After — for monitoring, and for starting a machine only once it can serve.
"""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from core.errors import short_reason
from extensions import db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)
RETRY_AFTER_SECONDS = 30


def database_answers() -> bool:
    """One trivial statement on a pooled connection: does the database answer now?"""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("health: the database does not answer: %s", short_reason(error))
        db.session.rollback()
        return False
    return True


def _answer(database_ok: bool, status: int):
    response = jsonify(status="ok" if status == 200 else "unavailable",
                       database="ok" if database_ok else "unreachable")
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/health", methods=["GET"])
@limiter.exempt
def health():
    return _answer(database_answers(), 200)


@bp.route("/health/ready", methods=["GET"])
@limiter.exempt
def ready():
    database_ok = database_answers()
    return _answer(database_ok, 200 if database_ok else 503)
