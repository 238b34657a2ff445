#!/usr/bin/env bash
# Starts the web server (gunicorn + whitenoise) and the Huey worker; Ctrl-C stops both.
set -euo pipefail
port="${1:-8000}"
py=.venv/bin/python
echo
echo "Aftersales 售后服务管理系统: http://127.0.0.1:${port}/"
echo "演示账号 demo logins (password/密码: aftersales):"
echo "  admin agent dispatcher tech supervisor qa executive customer"
echo
$py manage.py run_huey &
worker=$!
.venv/bin/gunicorn aftersales.wsgi:application --bind "0.0.0.0:${port}" --workers 2 --threads 4 \
  --access-logfile - &
web=$!
trap 'kill $worker $web 2>/dev/null; wait' INT TERM EXIT
wait -n $worker $web
