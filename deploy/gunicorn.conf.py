"""gunicorn settings for Chung Tay (docs/deploy.md). Used by deploy/chungtay-web.service:

    gunicorn --config /opt/chungtay/app/deploy/gunicorn.conf.py chungtay.wsgi:application

Numbers come from the environment file (/etc/chungtay/chungtay.env) when set, else from the machine:

* CHUNGTAY_WEB_WORKERS: processes. Default: one per CPU core plus one, at least 2, and no more than
  the memory allows (about 350 MB per process, 1 GB left for PostgreSQL and the system), at most 12.
* CHUNGTAY_WEB_THREADS: threads per process (default 4): requests that wait for the database let
  the other threads of the same process work. Workers x threads = requests answered at once.
"""
import os


def _int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, "") or default))
    except ValueError:
        return default


def _memory_mb() -> int:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 4096


def default_workers(cores: int | None = None, memory_mb: int | None = None) -> int:
    cores = cores or os.cpu_count() or 1
    memory_mb = memory_mb or _memory_mb()
    by_memory = max(1, (memory_mb - 1024) // 350)
    return max(2, min(cores + 1, by_memory, 12))


bind = os.environ.get("CHUNGTAY_BIND", "127.0.0.1:8000")       # loopback only: nginx is in front
workers = _int("CHUNGTAY_WEB_WORKERS", default_workers())
threads = _int("CHUNGTAY_WEB_THREADS", 4)
worker_class = "gthread"
timeout = _int("CHUNGTAY_WEB_TIMEOUT", 120)          # PDF/XLSX exports of a whole province take a while
graceful_timeout = 30
keepalive = 5
# recycle a process now and then (memory), staggered. Rarely: a process closing its idle connections
# can race a request sent on one of them (seen twice in 3,600 requests of the load test at 2,000)
max_requests = 20000
max_requests_jitter = 2000
preload_app = True                   # load once: production without keys stops here, with one line, exit 2
forwarded_allow_ips = "127.0.0.1"    # trust X-Forwarded-* only from nginx on this machine
proc_name = "chungtay-web"
control_socket_disable = True        # no runtime control socket in the service user's home

# Logs: the access log is a file rotated by /etc/logrotate.d/chungtay (gunicorn reopens it on SIGUSR1);
# errors go to standard error, i.e. the journal (journalctl -u chungtay-web), where a refusal to start
# (production without keys) shows too. The access log holds the path without the query string and no
# referrer: searches may carry names, and personal data never goes into a log.
accesslog = os.environ.get("CHUNGTAY_ACCESS_LOG", "-")
errorlog = os.environ.get("CHUNGTAY_ERROR_LOG", "-")
loglevel = os.environ.get("CHUNGTAY_LOG_LEVEL", "info")
capture_output = errorlog != "-"     # the app's own warnings go to the error log too
access_log_format = '%({x-forwarded-for}i)s %(h)s [%(t)s] "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
