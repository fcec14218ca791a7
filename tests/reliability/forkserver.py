"""A warm parent for the kill test's Celery workers (run as ``python -m tests.reliability.forkserver``).

A worker started from scratch spends its start-up importing Django, the app and every task module
(WeasyPrint, DRF, ...): ~3 s of CPU, ~12 s on the loaded CI machine, twenty times per kill test.
This process pays that once and forks each worker from the warm state; the child then runs the
ordinary ``celery worker`` entry point (``app.worker_main``: same bootsteps, pool, acks and
connections as production) in its own session, so ``killpg(SIGKILL)`` takes it and its pool at once.
No database or broker connection is open when it forks.

Commands on stdin, one answer line each on stdout:
``spawn <name> <log path> <concurrency>`` -> pid; ``kill <pid>`` -> ok; ``stop <pid>`` -> ok.
At end of input (the test closed the pipe, or died) every worker still running is stopped, so a
failed test leaves no worker consuming the CI broker.
"""
import contextlib
import os
import signal
import sys
import time


def _run_worker(app, name, log_path, concurrency):
    """In the forked child: detach, log to ``log_path``, become an ordinary Celery worker."""
    code = 1
    try:
        os.setsid()
        fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        app.worker_main(["worker", "-l", "info", "--concurrency", concurrency, "--without-gossip",
                         "--without-mingle", "--without-heartbeat", "-n", f"{name}-{os.getppid()}@%h"])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - shown in the worker's log, then the child exits
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _stop(pid, sig, timeout):
    """Signal ``pid``'s process group and reap ``pid``; SIGKILL after ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connections

    from config.celery import app

    app.loader.import_default_modules()  # every tasks module, and what they import
    connections.close_all()
    print("ready", flush=True)
    running = set()
    try:
        for line in sys.stdin:
            command, *args = line.split()
            if command == "spawn":
                name, log_path, concurrency = args
                pid = os.fork()
                if pid == 0:
                    _run_worker(app, name, log_path, concurrency)
                running.add(pid)
                print(pid, flush=True)
            elif command in ("kill", "stop"):
                pid = int(args[0])
                _stop(pid, *((signal.SIGKILL, 10) if command == "kill" else (signal.SIGTERM, 30)))
                running.discard(pid)
                print("ok", flush=True)
    finally:
        for pid in running:
            _stop(pid, signal.SIGTERM, 10)


if __name__ == "__main__":
    main()
