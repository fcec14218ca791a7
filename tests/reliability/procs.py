"""Processes the reliability tests start and stop: a cuttable TCP proxy, the app under gunicorn,
a throwaway Redis, and Celery workers that can be killed with SIGKILL."""
import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.worker import ROOT, _database_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
        time.sleep(0.1)
    return False


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target. ``cut()`` closes the listener and every open
    connection (the database "goes away"); ``restore()`` listens again on the same port."""

    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._listener = None
        self._thread = None

    def start(self):
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(64)
        self._thread = threading.Thread(target=self._accept, args=(self._listener,), daemon=True)
        self._thread.start()
        return self

    restore = start

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._socks |= {client, upstream}
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a, b):
        sel = selectors.DefaultSelector()
        sel.register(a, selectors.EVENT_READ, b)
        sel.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in sel.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            sel.close()
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self):
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        with contextlib.suppress(OSError):
            self._listener.close()
        self._thread.join(5)
        with self._lock:
            socks, self._socks = self._socks, set()
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()


def db_url_via(port) -> str:
    """The test database's URL, reached through ``port`` instead of PostgreSQL's own."""
    url = _database_url()
    head, _, tail = url.rpartition("@")
    host_port, _, name = tail.partition("/")
    return f"{head}@127.0.0.1:{port}/{name}"


def env_for(tmp_path, **extra) -> dict:
    return {
        **os.environ, "DATABASE_URL": _database_url(), "IPDR_VAR_DIR": str(tmp_path / "var"),
        "SMS_BACKEND": "cases.notifications.FileSMSBackend", "SMS_FILE_PATH": str(tmp_path / "sms.jsonl"),
        "DJANGO_DEBUG": "false", **extra,
    }


@contextlib.contextmanager
def app_server(tmp_path, *, env):
    """The app under gunicorn (one sync worker: its persistent DB connection is the one that dies)."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
         "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        if not wait_port(port, 60):
            raise RuntimeError((tmp_path / "gunicorn.log").read_text())
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def http(method, url, *, data=None, headers=None, timeout=30):
    """(status, headers, body text) of one request; HTTP errors are answers too."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - local test server
            return resp.status, resp.headers, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8", "replace")


class RedisServer:
    """A throwaway redis-server on a free port, in the foreground of a child process."""

    def __init__(self):
        self.port = free_port()
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        if not wait_port(self.port, 15):
            raise RuntimeError("redis-server did not start")
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
        self.proc = None


class Worker:
    """A Celery worker in its own process group, so SIGKILL takes the parent and its pool at once."""

    def __init__(self, tmp_path, env, name, concurrency=2):
        self.log_path = tmp_path / f"worker-{name}.log"
        log = open(self.log_path, "w")  # noqa: SIM115 - the child owns it; closed with the process
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency",
             str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat", "-n",
             f"{name}-{os.getpid()}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout=60) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if "ready." in self.log_path.read_text():
                return True
            if self.proc.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
            time.sleep(0.1)
        return False

    def kill(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


class WorkerForkServer:
    """Workers forked from one warm parent (``tests/reliability/forkserver.py``): ready in about a
    second instead of re-importing the whole app each time. Same ``Worker`` interface."""

    def __init__(self, env):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.forkserver"], cwd=ROOT, env=env, stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, bufsize=1,
        )
        if self.proc.stdout.readline().strip() != "ready":
            raise RuntimeError("the worker fork server did not start")

    def _ask(self, line) -> str:
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline().strip()
        if not answer:
            raise RuntimeError(f"the worker fork server died on {line!r}")
        return answer

    def spawn(self, tmp_path, name, concurrency=2) -> "ForkedWorker":
        log_path = tmp_path / f"worker-{name}.log"
        return ForkedWorker(self, int(self._ask(f"spawn {name} {log_path} {concurrency}")), log_path)

    def close(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ForkedWorker:
    def __init__(self, server, pid, log_path):
        self.server, self.pid, self.log_path = server, pid, log_path

    def wait_ready(self, timeout=60) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.log_path.exists() and "ready." in self.log_path.read_text():
                return True
            time.sleep(0.05)
        return False

    def kill(self):
        self.server._ask(f"kill {self.pid}")

    def stop(self):
        self.server._ask(f"stop {self.pid}")


def _pg_drop(name):
    """Drop a database the test created (a restore target)."""
    import psycopg2
    from django.db import connection

    s = connection.settings_dict
    conn = psycopg2.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                            password=s.get("PASSWORD") or "", dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()
