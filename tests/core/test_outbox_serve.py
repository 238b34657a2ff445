"""tools/serve.sh (what `make run` starts): the worker that delivers the outbox is started again
when it is killed, while the web server keeps answering; Ctrl-C still stops both; the web server
listens on 127.0.0.1 unless HOST says otherwise."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.core.test_worker import REPO, _database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(url: str) -> int | None:
    """The HTTP status of a GET without following redirects; None if nothing answers."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _wait_for(condition: Callable[[], object], *, what: str, timeout: float = 90) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _worker_pid(log: Path, word: str) -> int | None:
    match = re.search(rf"serve\.sh: worker {word} \(pid (\d+)\)", log.read_text(errors="replace"))
    return int(match.group(1)) if match else None


def test_killed_worker_is_restarted_while_the_web_keeps_serving_and_ctrl_c_stops_both(tmp_path):
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if k not in {"HUEY_IMMEDIATE", "HUEY_REDIS_URL", "EMAIL_HOST", "HOST"}}
    env.update(
        DATA_DIR=str(tmp_path),
        DATABASE_URL=_database_url(),
        SECRET_KEY=secrets.token_urlsafe(50),
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), str(REPO)]),
        LOG_LEVEL="ERROR",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        # Its own session, like a terminal's foreground job: Ctrl-C signals the whole group.
        serve = subprocess.Popen(  # noqa: S603 - a fixed command line
            ["bash", str(REPO / "tools" / "serve.sh"), str(port)],  # noqa: S607
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # As from a terminal, where Ctrl-C reaches the foreground job: a test run started in
            # the background of a script inherits SIGINT ignored, and a signal ignored when bash
            # starts can be neither trapped nor passed on (serve.sh then never stops).
            preexec_fn=_interruptible,
        )
    try:
        _wait_for(lambda: _status(url) == 302, what="the web server")  # / redirects to the log-in
        assert f"Listening at: http://127.0.0.1:{port}" in log.read_text()
        first = _wait_for(lambda: _worker_pid(log, "started"), what="the worker")
        assert isinstance(first, int)

        os.kill(first, signal.SIGKILL)
        second = _wait_for(lambda: _worker_pid(log, "restarted"), what="the worker to be restarted")
        assert isinstance(second, int)
        assert second != first
        assert _alive(second)
        assert "worker stopped (exit 137); restarting it in 1s" in log.read_text()
        assert serve.poll() is None
        # The web never went away: it still answers (a single 5-second read could time out on a
        # loaded machine while the worker restarts, so a few reads within 20 s).
        assert _wait_for(lambda: _status(url) == 302, what="the web server after the restart", timeout=20)

        # Ctrl-C in the terminal: SIGINT to the foreground process group.
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(timeout=90)  # the worker finishes the message it is sending; gunicorn its requests
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve.sh still running 90 s after Ctrl-C; its log ends:\n{log.read_text()[-3000:]}")
        _wait_for(lambda: not _alive(second), what="the worker to stop", timeout=30)
        assert _status(url) is None
        assert "restarted (pid" not in log.read_text().split(f"(pid {second})", 1)[1]  # not started again
    finally:
        if serve.poll() is None:
            # TERM first: serve.sh's trap stops the web and the worker, which run in process groups
            # of their own (a KILL of the script alone would leave them serving and holding the
            # test database's connections for the next run).
            os.killpg(serve.pid, signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait(timeout=10)
