# Guichet's production image: gunicorn serving Django, static files collected at build (WhiteNoise).
# The same image runs the web server, the Celery worker, Celery beat and the migrations.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    GUICHET_VAR_DIR=/app/var

WORKDIR /app
# espeak-ng speaks the captcha's audio alternative in French (portal/captcha.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 guichet \
    && useradd --system --uid 10001 --gid guichet --home-dir /app --shell /usr/sbin/nologin guichet

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings, hence a key that exists only during the build (never used at run time).
RUN SECRET_KEY=build-time-dummy-key-for-collectstatic-only python manage.py collectstatic --no-input \
    && mkdir -p /app/var/celery/queue /app/var/celery/control \
    && chown -R guichet:guichet /app/var

USER guichet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 CMD ["python", "docker/healthcheck.py", "web"]
CMD ["gunicorn", "portal.wsgi:application", "--config", "gunicorn.conf.py"]
