# Recovery Desk: one image for every role — the web machines (gunicorn, the CMD below), the
# scheduler (`flask --app app scheduler run`), the one-shot migration (`flask --app app init-db`)
# and the nightly `flask --app app backup`. See docs/deployment.md.
#
#   docker build -t recovery-desk .

# The API's documentation page (/api/docs) serves Swagger UI's files from static/vendor/:
# fetched exactly as the Makefile's $(SWAGGER_UI) target does, with `npm pack` (npm checks the
# registry's integrity). Keep the version equal to SWAGGER_UI_VERSION in the Makefile (a test
# in tests/unit/test_deployment_files.py compares them).
ARG SWAGGER_UI_VERSION=5.32.0

FROM node:20-slim AS swagger-ui
ARG SWAGGER_UI_VERSION
WORKDIR /pack
RUN npm pack --silent "swagger-ui-dist@${SWAGGER_UI_VERSION}" >/dev/null \
 && tar -xzf "swagger-ui-dist-${SWAGGER_UI_VERSION}.tgz" \
      package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE \
 && mkdir /swagger-ui \
 && cp package/swagger-ui-bundle.js package/swagger-ui.css package/LICENSE /swagger-ui/


FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# tzdata: every site's business hours are computed in its own zone (zoneinfo reads the system
# database; nothing in requirements.txt ships one). postgresql-client: pg_dump/pg_restore for
# `flask backup`/`restore` (Debian 12's is 15, the server's major version as the README asks).
RUN apt-get update \
 && apt-get install -y --no-install-recommends tzdata postgresql-client \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# The pinned runtime requirements (gunicorn, the production server, is one of them).
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code belongs to root and is read-only for the app's user; only /data is writable.
COPY . .
COPY --from=swagger-ui /swagger-ui/ static/vendor/swagger-ui/
RUN pybabel compile -d translations \
 && python -m compileall -q .

# A non-root user. /data/instance is the app's instance folder (RECOVERY_DESK_INSTANCE);
# /data/uploads the attachments (UPLOAD_DIR): on several machines mount shared storage there.
RUN groupadd --system --gid 10001 recovery \
 && useradd --system --uid 10001 --gid recovery --home-dir /data --shell /usr/sbin/nologin recovery \
 && mkdir -p /data/instance /data/uploads \
 && chown -R recovery:recovery /data \
 && chmod 0750 /data/instance /data/uploads

ENV RECOVERY_DESK_INSTANCE=/data/instance \
    UPLOAD_DIR=/data/uploads \
    SCHEDULER_ENABLED=0

USER recovery
EXPOSE 8000

# Shell form on purpose: ${WEB_CONCURRENCY:-2} is expanded at start; `exec` makes gunicorn
# the container's main process, so `docker stop` (SIGTERM) lets workers finish their requests.
# More gunicorn flags: GUNICORN_CMD_ARGS="--timeout 60".
CMD ["sh", "-c", "exec gunicorn -w ${WEB_CONCURRENCY:-2} -b 0.0.0.0:8000 'app:create_app()'"]
