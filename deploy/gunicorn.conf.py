"""gunicorn's settings for Briefwechsel: `gunicorn --config deploy/gunicorn.conf.py`.

Started from the checkout (deploy/systemd/briefwechsel-web.service does). The environment
can change the address and the number of workers: GUNICORN_BIND, WEB_CONCURRENCY.
"""

import glob
import os
import tempfile

wsgi_app = "app:create_app()"
proc_name = "briefwechsel"

# Behind the reverse proxy on the same machine: reachable from here only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Sync workers: one request at a time each, and a request spends most of its time on the
# CPU (templates) or briefly waiting for the database. Two per core, plus one for the
# moments a worker waits.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"

# A request that cannot get SQLite's write lock answers 503 after 5 s; nothing of ours
# takes 30 s, so a worker silent that long is stuck and is replaced.
timeout = 30
graceful_timeout = 30
# Workers are replaced now and then, so that memory a long life gathers is given back;
# the jitter keeps them from all restarting at once.
max_requests = 5000
max_requests_jitter = 500

# Each worker opens its own database connections after the fork: the app is built in the
# worker, never shared with the master.
preload_app = False

# The reverse proxy on this machine tells gunicorn whether the reader came over https
# (X-Forwarded-Proto); nobody else may. The client's own address is taken from
# X-Forwarded-For by the app itself, as far as TRUSTED_PROXIES says.
forwarded_allow_ips = "127.0.0.1,::1"

# Managed through systemd (reload, stop) rather than gunicorn's control socket, which would
# be made in the home directory, out of the service's reach.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms'

# /metrics adds up the counts of every worker: prometheus_client keeps them in files in
# this folder, which must be set before any worker imports it. systemd gives a folder
# under /run (RuntimeDirectory); without one, a new temporary folder.
metrics_folder = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="briefwechsel-metrics-")
)


def on_starting(server):
    """Start counting afresh: files of an earlier run would be added to this run's counts."""
    os.makedirs(metrics_folder, exist_ok=True)
    for leftover in glob.glob(os.path.join(metrics_folder, "*.db")):
        os.remove(leftover)


def child_exit(server, worker):
    """A worker that ended keeps its counts, but its live gauges go."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
