"""Gunicorn settings, read from the working directory by every gunicorn started in the
repository (``make run``, ``make bench``, production as the README shows it).

Garbage collection: a worker holds a few hundred thousand long-lived objects once the
app is loaded (SQLAlchemy's mappers, the templates, the translation catalogues), and a
page with a long table or a what-if allocates tens of thousands of short-lived ones. With
Python's default thresholds every few hundred requests a full collection walks all of
them, and that request waits 100+ ms. After start-up the worker moves what exists to the
permanent generation (``gc.freeze``) and collects the young generation less often; the
collector still runs, so cycles are still freed.

Logging: ``app.logs.GunicornLogger`` redacts the calendar feed's and API tokens from the
access log (request line, path, query, referer, headers) and writes JSON lines when
``LOG_FORMAT=json``; each access line ends with the request id the app returned.
"""
import gc

logger_class = "app.logs.GunicornLogger"
# the combined log format, without the user (the API's tokens are not basic-auth users),
# with the time taken and the request id (X-Request-ID, also on every app record)
access_log_format = ('%(h)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms '
                     'rid=%({x-request-id}o)s')

GC_THRESHOLDS = (10_000, 20, 20)


def post_worker_init(worker):
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    worker.log.info("gc: %d start-up objects frozen, thresholds %s", gc.get_freeze_count(),
                    GC_THRESHOLDS)
