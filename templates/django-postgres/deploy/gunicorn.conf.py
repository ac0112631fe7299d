# gunicorn's configuration (gunicorn --config deploy/gunicorn.conf.py). Python, read at start-up: PORT and
# WEB_CONCURRENCY come from the environment, so `docker run -e` changes them without a rebuild.
import os

wsgi_app = "${templateOption:djangoProject}.wsgi:application"
bind = f"0.0.0.0:{os.environ.get('PORT', '${templateOption:port}')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "${templateOption:workers}"))
# Worker heartbeat files in memory: on the container's overlay /tmp a slow disk gets healthy workers killed.
worker_tmp_dir = "/dev/shm"
# Access log to stdout, errors to stderr: `docker logs` shows both.
accesslog = "-"
errorlog = "-"
# Time for in-flight requests to finish after SIGTERM; keep it under `docker stop`'s 10 s.
graceful_timeout = 5
