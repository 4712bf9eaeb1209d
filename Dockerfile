# Noaber's image: the code with its dependencies; it runs deploy/start-web (default) or
# deploy/start-scheduler and nothing else (compose.yaml, docs/deploy.md). Settings come
# from the environment as for any other installation (docs/configure.md).
FROM python:3.11-slim-bookworm

# Pango for the PDFs (WeasyPrint); the PostgreSQL client tools for deploy/backup and
# deploy/restore (bookworm's are version 15: use a PostgreSQL server of 15)
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin noaber

WORKDIR /app
COPY . .
RUN pip install --no-cache-dir . \
    && pybabel compile -d app/translations \
    && mkdir -p instance && chown noaber:noaber instance

USER noaber
ENV NOABER_BIND=0.0.0.0:8000
EXPOSE 8000
CMD ["deploy/start-web"]
