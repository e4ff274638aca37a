"""Gunicorn settings for the motcua API container."""

import multiprocessing
import os

from api.logs import gunicorn_logconfig

bind = os.environ.get("MOTCUA_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("MOTCUA_API_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("MOTCUA_API_THREADS", "1"))
timeout = 30
accesslog = "-"
# Paths only: query strings may carry personal data, so the access log leaves them out.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
# Every line (gunicorn's and the app's) through handlers that redact ID numbers and tokens.
logconfig_dict = gunicorn_logconfig(os.environ.get("MOTCUA_LOG_LEVEL", "INFO"))
