"""Gunicorn settings, read from the working directory by every gunicorn started in the
repository (``make run``, ``make bench``, production through deploy/start-web, docs/deploy.md).

Garbage collection: a worker holds a few hundred thousand long-lived objects once the
app is loaded (SQLAlchemy's mappers, the templates, the translation catalogues), and a
page with a long table or a what-if allocates tens of thousands of short-lived ones. With
Python's default thresholds every few hundred requests a full collection walks all of
them, and that request waits 100+ ms. After start-up the worker moves what exists to the
permanent generation (``gc.freeze``) and collects the young generation less often; the
collector still runs, so cycles are still freed.

Settings: when the app refuses its settings (``app.SettingsError``), a worker logs the
problems, one line each, and exits as gunicorn's "app failed to load", which stops
gunicorn with exit status 4 instead of printing a traceback and booting worker after
worker.

Logging: ``app.logs.GunicornLogger`` redacts the calendar feed's and API tokens from the
access log (request line, path, query, referer, headers) and writes JSON lines when
``LOG_FORMAT=json``; each access line ends with the request id the app returned.
"""
import gc
import sys

logger_class = "app.logs.GunicornLogger"
# the combined log format, without the user (the API's tokens are not basic-auth users),
# with the time taken and the request id (X-Request-ID, also on every app record)
access_log_format = ('%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
                     'rid=%({x-request-id}o)s')

GC_THRESHOLDS = (10_000, 20, 20)


def post_fork(server, worker):
    load_wsgi = worker.load_wsgi

    def load_wsgi_or_refuse_the_settings():
        try:
            load_wsgi()
        except Exception as error:
            settings_error = getattr(sys.modules.get("app"), "SettingsError", None)
            if settings_error is None or not isinstance(error, settings_error):
                raise
            for line in error.message.splitlines():
                worker.log.error("%s", line)
            sys.exit(server.APP_LOAD_ERROR)

    worker.load_wsgi = load_wsgi_or_refuse_the_settings


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    worker.log.info("gc: %d start-up objects frozen, thresholds %s", gc.get_freeze_count(),
                    GC_THRESHOLDS)
