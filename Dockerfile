# The one image of the stack: web (gunicorn), worker and beat (Celery) run it
# with different commands; see docker-compose.yml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint draws the cards with Pango and HarfBuzz (subsetting keeps the
# PDFs small); DejaVu is the fallback font when a card's font lacks a glyph.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# collectstatic imports the settings, which refuse to load without a secret
# key; this throwaway one exists for this build step only and is not kept in
# the image's environment.
RUN SECRET_KEY=collectstatic-only-not-used-at-run-time \
    python manage.py collectstatic --no-input \
    && chmod +x docker/entrypoint.sh

# Run as a plain user. var/ holds what the processes write at run time
# (Celery beat's schedule file), so it alone belongs to that user.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin followup \
    && mkdir -p var \
    && chown -R followup:followup var
USER followup

EXPOSE 8000
# Liveness of the web process alone (/livez; see docker/healthcheck.py):
# a stopped beat never marks web unhealthy. /healthz stays the monitoring
# endpoint that checks the database, Redis and the sweep.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "docker/healthcheck.py"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "-c", "gunicorn.conf.py", "followup_site.wsgi"]
