"""Load on the clinicians' web page: the real server on loopback, many clients at once, PDFs cached and new.

Starts `generate.py serve` on a fresh copy of the project (no PDF cache, no
remembered layouts or font subsets), makes a set of PDFs once
(they are then "cached"), and sends a fixed number of requests from many
client threads, each with its own keep-alive connection: cached PDFs, new
standard-print PDFs (a choice of sections, paper and language never asked for
before) and page previews. A client answered 503 waits as long as Retry-After
says and asks again, as a person at the page would; each answer is counted,
and a PDF's latency is that of the request that got it. Reports every status, the latency percentiles of
each kind, and the peak memory (RSS) of the whole server: uvicorn, the fork
server and every render worker. A 503 is what the bounded queue promises
when it is full; any other failure counts against the server.

    .venv/bin/python bench/serve.py                  # 2 workers, 20 clients, 1,000 requests
    .venv/bin/python bench/serve.py --requests 200   # quicker
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = "focal-dystonia"
LANGS = ("en", "es", "ar", "zh-Hans")
SECTIONS = ("overview", "causes", "risk-factors", "symptoms", "diagnosis", "treatment", "worsening-factors",
            "prevention", "living-with", "support")
PAPERS = ("a4", "letter", "a5")
RETRIES = 100  # 503s one request takes before the client gives up (reported)
MIX = {"cached-pdf": 0.70, "new-pdf": 0.15, "preview": 0.15}


def main() -> None:
    options = arguments()
    random.seed(options.seed)
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "project"  # a copy with no .cache: no layout or font subset remembered
        for name in ("leaflets", "assets"):
            shutil.copytree(ROOT / name, project / name)
        port = free_port()
        server = start(port, project, options)
        try:
            result = load(port, server.pid, options)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(result, indent=1))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="render workers (default: 2)")
    parser.add_argument("--queue", type=int, help="render jobs accepted at once (default: the server's)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default: 20)")
    parser.add_argument("--requests", type=int, default=1000, help="requests in all (default: 1000)")
    parser.add_argument("--cached", type=int, default=24, help="PDFs made before the load (default: 24)")
    parser.add_argument("--seed", type=int, default=13)
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(port: int, project: Path, options) -> subprocess.Popen:
    command = [sys.executable, "generate.py", "serve", "--root", str(project), "--port", str(port),
               "--jobs", str(options.workers)] + (["--queue", str(options.queue)] if options.queue else [])
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            request(http.client.HTTPConnection("127.0.0.1", port, timeout=5), "/healthz")
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start")


def request(connection: http.client.HTTPConnection, address: str) -> tuple[int, float, str]:
    """The status, the seconds to the last byte, and the Retry-After header."""
    started = time.perf_counter()
    connection.request("GET", address)
    response = connection.getresponse()
    response.read()
    return response.status, time.perf_counter() - started, response.getheader("retry-after") or ""


def pdf_query(lang: str, sections: tuple[str, ...], paper: str) -> str:
    return urlencode([("lang", lang), ("print", "standard"), *(("section", s) for s in sections), ("paper", paper)])


def plan(options) -> tuple[list[str], list[tuple[str, str]]]:
    """The PDFs made before the load, and every request of the load: (kind, address)."""
    cached = [pdf_query(LANGS[n % 4], tuple(sorted(random.sample(SECTIONS, 1 + n % 3))), PAPERS[n % 3])
              for n in range(options.cached)]
    seen = set(cached)
    requests = []
    kinds = random.choices(list(MIX), weights=list(MIX.values()), k=options.requests)
    for kind in kinds:
        if kind == "new-pdf":
            while True:
                query = pdf_query(random.choice(LANGS), tuple(sorted(random.sample(SECTIONS, 2))),
                                  random.choice(PAPERS))
                if query not in seen:
                    break
            seen.add(query)
            requests.append((kind, f"/leaflets/{LEAFLET}/pdf?{query}"))
        elif kind == "cached-pdf":
            requests.append((kind, f"/leaflets/{LEAFLET}/pdf?{random.choice(cached)}"))
        else:
            requests.append((kind, f"/leaflets/{LEAFLET}/pages/1.png?{random.choice(cached)}"))
    return cached, requests


def load(port: int, pid: int, options) -> dict:
    cached, requests = plan(options)
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for query in cached:
        status, _, _ = request(warm, f"/leaflets/{LEAFLET}/pdf?{query}")
        assert status == 200, status
    todo = list(enumerate(requests))
    results: list[tuple[str, int, float, str]] = []  # kind (new PDFs: with their language), status, seconds
    busy_per_request: list[int] = []  # how many 503s each request got before its answer
    lock = threading.Lock()
    peak = [rss(pid)]
    done = threading.Event()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not todo:
                    return
                _, (kind, address) = todo.pop()
            if kind == "new-pdf":
                kind += " " + address.split("lang=", 1)[1].split("&", 1)[0]
            busy = 0  # a 503 is answered as a person would: wait as told, ask again
            while True:
                try:
                    status, seconds, retry_after = request(connection, address)
                except (OSError, http.client.HTTPException) as error:
                    status, seconds, retry_after = 0, 0.0, type(error).__name__
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                with lock:
                    results.append((kind, status, seconds, retry_after))
                if status != 503 or busy == RETRIES:
                    break
                busy += 1
                time.sleep(float(retry_after))
                # Idle past the server's keep-alive (5 s), the old connection is closed: a browser opens another.
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                busy_per_request.append(busy if status != 503 else RETRIES + 1)

    def watch() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], rss(pid))

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.perf_counter()
    clients = [threading.Thread(target=client) for _ in range(options.clients)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    elapsed = time.perf_counter() - started
    done.set()
    watcher.join()
    return report(results, busy_per_request, elapsed, peak[0], options)


def report(results, busy_per_request: list[int], elapsed: float, peak: int, options) -> dict:
    statuses = Counter(f"{kind.split()[0]} {status}" for kind, status, _, _ in results)
    latency = {}
    for kind in [*MIX, *(f"new-pdf {lang}" for lang in LANGS)]:
        times = sorted(seconds for k, status, seconds, _ in results
                       if (k == kind or k.split()[0] == kind) and status == 200)
        if times:
            latency[kind] = {"ok": len(times), "p50_ms": round(1000 * statistics.median(times), 1),
                             "p95_ms": round(1000 * percentile(times, 0.95), 1),
                             "max_ms": round(1000 * times[-1], 1)}
    failed = sum(1 for _, status, _, _ in results if status not in (200, 503))
    errors = Counter(error for _, status, _, error in results if status == 0)
    return {"workers": options.workers, "clients": options.clients, "requests": options.requests,
            "answers": len(results), "seconds": round(elapsed, 1), "statuses": dict(sorted(statuses.items())),
            "failed_other_than_503": failed, "errors": dict(errors), "latency": latency,
            "gave_up_after_503s": sum(1 for busy in busy_per_request if busy > RETRIES),
            "most_503s_before_an_answer": max((b for b in busy_per_request if b <= RETRIES), default=0),
            "peak_rss_mib": round(peak / 2**20), "cores": os.cpu_count()}


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def rss(pid: int) -> int:
    """The resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            for line in (Path("/proc") / str(current) / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


if __name__ == "__main__":
    main()
