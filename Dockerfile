# syntax=docker/dockerfile:1
# Build stage: install the locked dependencies and loopbot into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/loopbot
COPY requirements.lock ./
RUN /opt/loopbot/bin/pip install --require-hashes --no-deps -r requirements.lock
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY handlers ./handlers
COPY models ./models
COPY blocks ./blocks
COPY migrations ./migrations
RUN /opt/loopbot/bin/pip install --no-deps .

# Runtime stage: the virtual environment, the example content and a non-root user.
FROM python:3.11-slim AS runtime
ENV PATH=/opt/loopbot/bin:$PATH PYTHONUNBUFFERED=1 PORT=3000
RUN useradd --create-home --uid 10001 loopbot
COPY --from=build /opt/loopbot /opt/loopbot
COPY examples /app/examples
COPY scripts/docker-entrypoint.sh /app/docker-entrypoint.sh
WORKDIR /app
USER loopbot
EXPOSE 3000
# Both modes answer GET /healthz on PORT: HTTP mode beside /slack/events, Socket Mode (`serve --socket-mode`)
# on its own (database, dispatcher and WebSocket checked); a 503 or no answer fails the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"
ENTRYPOINT ["/app/docker-entrypoint.sh"]
CMD ["serve"]
