"""Benchmark: the morning register peak on PostgreSQL, over real HTTP on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollbook .venv/bin/python bench/register_peak.py \
        [--teachers 280] [--workers CORES] [--threads 2] [--clients WORKERS x THREADS]

Not a test. In a throw-away PostgreSQL database (created next to the one DATABASE_URL names)
it builds schools of 14 classes of 30 pupils, one teacher per class, each teacher signed in.
Then, for each round, it forks `--workers` server processes sharing one listening socket on
127.0.0.1, each serving the Django WSGI application from a fixed pool of `--threads` threads,
and a load generator of `--clients` concurrent connections (threads in this process) makes
every teacher:

1. open the AM register (GET: the page, the CSRF token, the pupils' fields), then, once
   every register is open,
2. save it once (POST: 27 present, 1 late with minutes, 2 absent; CSRF enforced as in
   production; the 302 back to the register is not followed).

Saves/s is the number of saves over the wall time of step 2; latencies are per request as
the client sees them (connect, queue, server, response) and as the server measures them
(inside the WSGI application). Afterwards it checks that nothing was lost or duplicated:
N x 30 marks for the session, one per pupil, the codes each teacher sent, one register row
and one `register.submitted` audit event per save.

Two rounds (two school days) show the effect of the database connection setting:
`CONN_MAX_AGE=0` (a new PostgreSQL connection per request, i.e. a backend process forked per
request) and `CONN_MAX_AGE=60` (each server thread keeps its connection, as a deployment with
gunicorn's gthread workers or a pooler would; the default in config/settings.py).

Why this server: no WSGI server is installed (gunicorn, uWSGI, waitress are not
dependencies) and `runserver` is a development server that starts a thread per request.
This is the gunicorn "gthread" model built from the standard library (wsgiref + a thread
pool + pre-forked processes), so it adds no dependency; wsgiref speaks HTTP/1.0, one request
per connection, like a browser behind a proxy that does not keep connections to the app.
The load generator shares the two cores with the server: on a 2-core machine the figures
are a floor, not a ceiling.

Concurrency: by default one server process per core with 2 threads each (more threads per
process only queue on Python's GIL: 4 x 4 measured slower than 2 x 2 here) and as many
clients as server threads. More clients do not raise throughput, they queue at the socket:
by Little's law each request then waits about clients / (requests per second). The CPU time
used per request by the server processes, the PostgreSQL backends and this load generator
is printed too: it depends far less on what else runs on the machine than wall time does.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shlex
import signal
import socket
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rollbook")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.test_settings"

CLASSES_PER_SCHOOL, PUPILS_PER_CLASS = 14, 30
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARK_FIELD = re.compile(r'name="mark-(\d+)"')
VERSION_FIELD = re.compile(r'name="version-(\d+)" value="(\d+)"')


# -- the server ------------------------------------------------------------------------------


class Quiet(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # one line per request would cost more than it tells
        pass


class PoolServer(WSGIServer):
    """wsgiref's server on an inherited listening socket, requests handled by a fixed pool
    of threads (threads live as long as the process, so each can keep a DB connection)."""

    def __init__(self, sock: socket.socket, threads: int):
        super().__init__(sock.getsockname(), Quiet, bind_and_activate=False)
        self.socket.close()
        self.socket = sock
        self.server_name, self.server_port = sock.getsockname()[:2]
        self.setup_environ()
        self.pool = ThreadPoolExecutor(threads)

    def process_request(self, request, client_address) -> None:
        self.pool.submit(self._handle, request, client_address)

    def _handle(self, request, client_address) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


def timed(app, path: Path):
    """The WSGI app, writing "METHOD seconds" per request to `path` (server-side time)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def wrapped(environ, start_response):
        started = time.perf_counter()
        try:
            return app(environ, start_response)  # Django has rendered the whole body by now
        finally:
            line = f"{environ['REQUEST_METHOD']} {time.perf_counter() - started:.6f}\n"
            os.write(fd, line.encode())  # one small O_APPEND write: atomic across threads

    return wrapped


def start_workers(app, sock: socket.socket, workers: int, threads: int, out: Path) -> list[int]:
    pids = []
    for n in range(workers):
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
                server = PoolServer(sock, threads)
                server.set_app(timed(app, out / f"worker-{n}.log"))
                server.serve_forever(poll_interval=0.05)
            finally:
                os._exit(1)
        pids.append(pid)
    return pids


def stop_workers(pids: list[int]) -> None:
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    for pid in pids:
        os.waitpid(pid, 0)


# -- the load generator ----------------------------------------------------------------------


class Teacher:
    def __init__(self, group_id: int, session_cookie: str):
        self.group_id = group_id
        self.cookies = {"sessionid": session_cookie}
        self.csrf = ""
        self.pupils: list[int] = []
        self.versions: dict[int, str] = {}


def call(port: int, method: str, path: str, teacher: Teacher, body: str | None = None):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in teacher.cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    took = time.perf_counter() - started
    for cookie in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        teacher.cookies[name] = rest.split(";", 1)[0]
    return response.status, content.decode(), took


def open_register(port: int, teacher: Teacher, path: str) -> float:
    status, html, took = call(port, "GET", path, teacher)
    if status != 200:
        raise RuntimeError(f"GET {path}: {status} {html[:300]!r}")
    teacher.csrf = CSRF_FIELD.search(html).group(1)
    teacher.pupils = sorted({int(p) for p in MARK_FIELD.findall(html)})
    teacher.versions = {int(p): v for p, v in VERSION_FIELD.findall(html)}
    return took


def save_register(port: int, teacher: Teacher, path: str) -> float:
    data = {"csrfmiddlewaretoken": teacher.csrf, "action": "save"}
    for i, pk in enumerate(teacher.pupils):
        data[f"mark-{pk}"] = "late" if i == 1 else "absent" if i in (2, 3) else "present"
        data[f"version-{pk}"] = teacher.versions.get(pk, "0")
    data[f"minutes-{teacher.pupils[1]}"] = "9"
    status, html, took = call(port, "POST", path, teacher, urllib.parse.urlencode(data))
    if status != 302:
        raise RuntimeError(f"POST {path}: {status} {html[:500]!r}")
    return took


def drive(fn, teachers, clients: int, deadline: float) -> tuple[float, list[float], list[str]]:
    """Run fn(teacher) for every teacher over `clients` concurrent connections."""
    errors: list[str] = []
    timings: list[float] = []
    lock = threading.Lock()

    def one(teacher):
        if time.monotonic() > deadline:
            with lock:
                errors.append("not attempted: time limit reached")
            return
        try:
            took = fn(teacher)
        except Exception as e:
            with lock:
                errors.append(str(e)[:300])
            return
        with lock:
            timings.append(took)

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, teachers))
    return time.perf_counter() - started, timings, errors


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(int(len(values) * p + 0.5) - 1, 0)] if values else float("nan")


def server_times(out: Path, method: str) -> list[float]:
    times = []
    for log in out.glob("worker-*.log"):
        for line in log.read_text().splitlines():
            m, took = line.split()
            if m == method:
                times.append(float(took))
    return times


def _ticks(pid: int, fields=(13, 14)) -> int:
    """utime + stime (or, with fields 15, 16, the reaped children's) of a process, in ticks."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    parts = stat.rsplit(")", 1)[1].split()
    return sum(int(parts[i - 2]) for i in fields)


def postgres_ticks() -> int | None:
    """CPU used so far by the local PostgreSQL's backends: live ones plus those the postmaster
    has reaped. None when no postmaster is visible (a remote or containerised server)."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1 : stat.rindex(")")]
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            procs[int(entry.name)] = (name, ppid)
    masters = [p for p, (name, ppid) in procs.items() if name == "postgres" and ppid == 1]
    if len(masters) != 1:
        return None
    master = masters[0]
    live = sum(_ticks(p) for p, (_, ppid) in procs.items() if ppid == master)
    return live + _ticks(master, (15, 16))


def cpu_now(workers: list[int]) -> tuple[float, float | None, float]:
    """(server processes, PostgreSQL, this load generator) CPU seconds so far."""
    hz = os.sysconf("SC_CLK_TCK")
    pg = postgres_ticks()
    own = os.times()
    return (
        sum(_ticks(p) for p in workers) / hz,
        None if pg is None else pg / hz,
        own.user + own.system,
    )


def warm_up(group_id: int, day) -> None:
    """One open and one save before forking, so every worker starts with the URL patterns,
    templates and lazy imports loaded (a server warms up once; the bench measures after)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from rollbook.pupils.models import RegistrationGroup

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=f"teacher{group_id}"))
    path = f"/registers/{group_id}/{day.isoformat()}/AM/"
    pupils = RegistrationGroup.objects.get(pk=group_id).pupils.values_list("pk", flat=True)
    assert client.get(path).status_code == 200
    data = {"action": "save"} | {f"mark-{pk}": "present" for pk in pupils}
    data |= {f"version-{pk}": "0" for pk in pupils}
    response = client.post(path, data)
    assert response.status_code == 302, response.content[:500]


# -- setting up and checking -----------------------------------------------------------------


def build(n: int):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from rollbook.core.models import Role, StaffRole
    from rollbook.core.tests.factories import make_school
    from rollbook.pupils.actions import save_pupils
    from rollbook.pupils.importing import PupilRow
    from rollbook.pupils.models import RegistrationGroup
    from rollbook.pupils.rules import make_upn

    User = get_user_model()
    groups = []
    n += 1  # the last class warms the server up
    schools = -(-n // CLASSES_PER_SCHOOL)
    for s in range(schools):
        school = make_school(name=f"Peak Primary {s}")
        rows = [
            PupilRow(
                line=0,
                upn=make_upn("873", f"{2000 + s:04d}", 25, c * PUPILS_PER_CLASS + i),
                legal_surname=f"Pupil{c:02d}{i:02d}",
                legal_forename="Test",
                date_of_birth=date(2018, 1, 15),
                year_group="3",
                class_name=f"C{c:02d}",
                admission_date=date(2022, 9, 1),
            )
            for c in range(CLASSES_PER_SCHOOL)
            for i in range(PUPILS_PER_CLASS)
        ]
        save_pupils(actor_label="bench", school=school, rows=rows)
        groups += list(RegistrationGroup.objects.filter(school=school).order_by("name"))
    groups = groups[:n]
    teachers = []
    for g in groups:
        user = User.objects.create_user(f"teacher{g.pk}", password="x")
        StaffRole.objects.create(user=user, school_id=g.school_id, role=Role.TEACHER)
        g.teachers.add(user)
        client = Client()
        client.force_login(user)
        teachers.append((g.pk, client.cookies["sessionid"].value))
    days = groups[0].school.calendar().school_days()
    return teachers[:-1], teachers[-1][0], days


def verify(day, n: int) -> list[str]:
    from django.db.models import Count

    from rollbook.core.models import AuditEvent
    from rollbook.registers.models import Mark, Register

    marks = Mark.objects.filter(date=day, session="AM")
    total = marks.count()
    distinct = marks.values("pupil_id").distinct().count()
    codes = dict(marks.values_list("code").annotate(n=Count("id")))
    registers = Register.objects.filter(date=day, session="AM").count()
    audits = AuditEvent.objects.filter(
        kind="register.submitted", data__date=day.isoformat()
    ).count()
    late = marks.filter(code="L", minutes_late=9).count()
    expected = n * PUPILS_PER_CLASS
    problems = []
    if total != expected:
        problems.append(f"{total} marks, expected {expected}")
    if distinct != total:
        problems.append(f"{total - distinct} duplicated pupil marks")
    if late != n or sum(codes.values()) - codes.get("/", 0) - late != 2 * n:
        problems.append(f"codes differ from what the teachers sent: {codes}")
    if registers != n:
        problems.append(f"{registers} register rows, expected {n}")
    if audits != n:
        problems.append(f"{audits} register.submitted audit events, expected {n}")
    print(
        f"  verified: {total:,} marks = {n} x {PUPILS_PER_CLASS}, {distinct:,} distinct pupils, "
        f"codes {codes}, {registers} registers, {audits} audit events: "
        + ("OK" if not problems else "PROBLEMS: " + "; ".join(problems))
    )
    return problems


def round_(app, teachers, day, opts, conn_max_age: int, out: Path) -> list[str]:
    from django.conf import settings
    from django.db import connections

    settings.DATABASES["default"]["CONN_MAX_AGE"] = conn_max_age
    connections.close_all()  # no connection may cross the fork
    for log in out.glob("worker-*.log"):
        log.unlink()
    sock = socket.create_server(("127.0.0.1", 0), backlog=1024)
    sock.setblocking(False)  # every worker polls it; only one accept() wins, the rest move on
    port = sock.getsockname()[1]
    pids = start_workers(app, sock, opts.workers, opts.threads, out)
    sock.close()
    try:
        path = "/registers/{}/" + day.isoformat() + "/AM/"
        people = [Teacher(g, cookie) for g, cookie in teachers]
        deadline = time.monotonic() + opts.timeout
        load = os.getloadavg()
        cpu0 = cpu_now(pids)
        open_wall, open_times, open_errors = drive(
            lambda t: open_register(port, t, path.format(t.group_id)),
            people,
            opts.clients,
            deadline,
        )
        server_open = server_times(out, "GET")
        ready = [t for t in people if t.pupils]
        cpu1 = cpu_now(pids)
        save_wall, save_times, save_errors = drive(
            lambda t: save_register(port, t, path.format(t.group_id)), ready, opts.clients, deadline
        )
        server_save = server_times(out, "POST")
        time.sleep(0.2)  # let the server processes' and backends' last ticks land
        cpu2 = cpu_now(pids)
        load_after = os.getloadavg()
    finally:
        stop_workers(pids)
    print(
        f"round CONN_MAX_AGE={conn_max_age} ({day}, AM): {opts.workers} server processes x "
        f"{opts.threads} threads, {opts.clients} concurrent clients; load average "
        f"{load[0]:.1f} before, {load_after[0]:.1f} after"
    )
    for what, wall, client, server, errors, before, after in (
        ("open", open_wall, open_times, server_open, open_errors, cpu0, cpu1),
        ("save", save_wall, save_times, server_save, save_errors, cpu1, cpu2),
    ):
        rate = len(client) / wall if wall else 0.0
        print(
            f"  {what} {len(client):4d} in {wall:6.2f} s = {rate:6.1f}/s   client p50 "
            f"{pct(client, 0.5) * 1000:6.1f} ms p95 {pct(client, 0.95) * 1000:6.1f} ms   server "
            f"p50 {pct(server, 0.5) * 1000:6.1f} ms p95 {pct(server, 0.95) * 1000:6.1f} ms"
            + (f"   {len(errors)} ERRORS, first: {errors[0]}" if errors else "")
        )
        n = max(len(client), 1)
        app, gen = (after[0] - before[0]) / n, (after[2] - before[2]) / n
        pg = None if after[1] is None or before[1] is None else (after[1] - before[1]) / n
        line = f"    CPU per {what}: server {app * 1000:.1f} ms"
        if pg is not None:
            line += f", PostgreSQL {pg * 1000:.1f} ms"
        line += f", load generator {gen * 1000:.1f} ms"
        if pg is not None and what == "save":
            line += (
                f"; {os.cpu_count()} cores for server + database alone: about "
                f"{os.cpu_count() / (app + pg):.0f} saves/s (estimated from CPU time)"
            )
        print(line)
    rate = len(save_times) / save_wall if save_wall else 0.0
    p95 = pct(save_times, 0.95)
    print(
        f"  saves/s {rate:.1f} (target >= 200: ratio {rate / 200:.2f}, "
        f"{'met' if rate >= 200 else 'MISSED'}); save p95 {p95 * 1000:.1f} ms "
        f"(target <= 100 ms: ratio {p95 / 0.1:.2f}, {'met' if p95 <= 0.1 else 'MISSED'})"
    )
    return verify(day, len(save_times)) + open_errors + save_errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teachers", type=int, default=280, help="registers saved per round")
    parser.add_argument(
        "--clients", type=int, help="concurrent connections (default: workers x threads)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count(), help="server processes (default: cores)"
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per server process")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per round, at most")
    parser.add_argument(
        "--conn-max-age", type=int, action="append", help="rounds to run (default: 0 and 60)"
    )
    opts = parser.parse_args()
    opts.clients = opts.clients or opts.workers * opts.threads
    print("$ .venv/bin/python bench/register_peak.py", shlex.join(sys.argv[1:]))
    import django

    django.setup()
    import tempfile

    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    # No setup_test_environment(): it instruments template rendering, which would slow the
    # server down; nothing here uses the test client's request machinery.
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    problems = []
    try:
        started = time.perf_counter()
        teachers, spare, days = build(opts.teachers)
        warm_up(spare, days[-1])
        print(
            f"PostgreSQL {connection.pg_version // 10000}, {os.cpu_count()} cores: "
            f"{len(teachers)} classes of {PUPILS_PER_CLASS} in "
            f"{-(-len(teachers) // CLASSES_PER_SCHOOL)} schools, teachers signed in "
            f"({time.perf_counter() - started:.1f} s to set up)"
        )
        app = get_wsgi_application()
        with tempfile.TemporaryDirectory() as tmp:
            for n, age in enumerate(opts.conn_max_age or [0, 60]):
                problems += round_(app, teachers, days[n], opts, age, Path(tmp))
    finally:
        from django.db import connections

        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
