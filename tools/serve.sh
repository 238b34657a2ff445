#!/usr/bin/env bash
# Starts the web server (gunicorn + whitenoise) and the Huey worker; Ctrl-C stops both.
# A worker that stops (killed, crashed) is started again after a short pause while the web keeps
# serving; the outbox page says when the worker has not reported for a while. The web server
# listens on 127.0.0.1 unless HOST says otherwise (e.g. HOST=0.0.0.0 for the whole network).
set -euo pipefail
port="${1:-8000}"
host="${HOST:-127.0.0.1}"
py=.venv/bin/python
echo
echo "Aftersales 售后服务管理系统: http://${host}:${port}/"
echo "演示账号 demo logins (password/密码: aftersales):"
echo "  admin agent dispatcher tech supervisor qa executive customer"
echo

# Job control puts each child in its own process group: Ctrl-C reaches only this script, which
# then stops the worker gracefully (SIGINT: it finishes the message it is sending) and the web.
set -m
worker=""
web=""

start_worker() {
  $py manage.py run_huey &
  worker=$!
  echo "serve.sh: worker ${1:-started} (pid ${worker})" >&2
}

stop() {
  trap - INT TERM EXIT
  [[ -n $worker ]] && kill -INT "$worker" 2>/dev/null
  [[ -n $web ]] && kill -TERM "$web" 2>/dev/null
  wait || true
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

.venv/bin/gunicorn aftersales.wsgi:application --bind "${host}:${port}" --workers 2 --threads 4 \
  --access-logfile - &
web=$!
start_worker

delay=1
while true; do
  started=$SECONDS
  status=0
  wait -n "$web" "$worker" || status=$?
  if ! kill -0 "$web" 2>/dev/null; then
    echo "serve.sh: the web server stopped (exit ${status}); stopping the worker" >&2
    exit 1
  fi
  # The worker stopped. Back off while it keeps failing at once (1, 2, 4 ... 30 s).
  if ((SECONDS - started >= 60)); then delay=1; fi
  echo "serve.sh: worker stopped (exit ${status}); restarting it in ${delay}s" >&2
  sleep "$delay" &
  wait $! || true
  start_worker restarted
  delay=$((delay < 30 ? delay * 2 : 30))
done
