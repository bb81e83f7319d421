"""Server time of the web app's pages on a big synthetic store (kamgraph.samples.synth) in SQLite.

A real uvicorn server on a free loopback port, requests with httpx (so each time includes one loopback HTTP
round trip, well under a millisecond). Measured, side by side in one run:

* the portfolio page: the first request (every account analysed on the date and 91 days earlier), then
  warm requests (cached rows): median and p95;
* the account page: the first request of each of ``--sample`` accounts (analysis, X-ray, routed map),
  then warm requests of the same accounts: median and p95;
* after a departure recorded through the app, the next request of that account (its cache was dropped);
* concurrent readers: ``--threads`` clients requesting warm account pages at once, against one client
  (requests per second and their ratio; readers do not block each other when the ratio is above 1 --
  the machine's cores bound it).

Goals (issue 19, 2,000 accounts): account page p95 <= 150 ms, portfolio page <= 500 ms (warm).

Usage::

    python benchmarks/web_speed.py                  # 2000 accounts (slow to build: minutes)
    python benchmarks/web_speed.py --accounts 200 --sample 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import uvicorn

from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import Settings
from kamgraph.store import open_store
from kamgraph.web.app import create_app
from kamgraph.web.users import UserFile

AS_OF = dt.date(2026, 6, 30)
PASSWORD = "benchmark-password"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def sign_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=600)
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    r = client.post("/login", data={"username": "boss", "password": PASSWORD, "login_token": token})
    assert r.status_code in (200, 303), r.status_code
    return client


def timed_get(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    r = client.get(path)
    elapsed = time.perf_counter() - start
    assert r.status_code == 200, (path, r.status_code)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=50, help="Accounts whose pages are timed.")
    parser.add_argument("--repeat", type=int, default=5, help="Warm requests per sampled account.")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.db")
        start = time.perf_counter()
        with open_store(db, create=True) as store:
            store.import_batch(synth_portfolio(args.accounts, seed=1, as_of=AS_OF))
            ids = [a.id for a in store.list_accounts()]
        print(f"store: {args.accounts} accounts built in {time.perf_counter() - start:.1f} s")
        users = Path(tmp) / "users.json"
        UserFile(users).add("boss", "admin", PASSWORD)
        # cache entries outlive the run: building the first portfolio of 2,000 accounts takes minutes
        settings = Settings.model_validate({"web": {"cache_seconds": 24 * 3600}})
        app = create_app(lambda: open_store(db), settings, users_path=users, today=lambda: AS_OF)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        client = sign_in(base)

        cold = timed_get(client, "/")
        warm = [timed_get(client, "/") for _ in range(max(5, args.repeat))]
        print(f"portfolio page: first {ms(cold)}; warm median {ms(statistics.median(warm))}, p95 {ms(p95(warm))}"
              f"  (goal <= 500 ms)")

        sample = ids[:: max(1, len(ids) // args.sample)][: args.sample]
        first = [timed_get(client, f"/accounts/{a}") for a in sample]
        again = [timed_get(client, f"/accounts/{a}") for _ in range(args.repeat) for a in sample]
        print(f"account page ({len(sample)} accounts): first median {ms(statistics.median(first))}, "
              f"p95 {ms(p95(first))}; warm median {ms(statistics.median(again))}, p95 {ms(p95(again))}"
              f"  (goal p95 <= 150 ms); ratio first/warm {statistics.median(first) / statistics.median(again):.1f}")

        # a departure through the app drops that account's figures
        page = client.get(f"/accounts/{sample[0]}").text
        person = re.search(r'data-id="([^"]+)" data-kind="stakeholder"', page).group(1)  # type: ignore[union-attr]
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        r = client.post(f"/people/{person}/leave", data={"csrf": csrf, "date": AS_OF.isoformat()})
        assert r.status_code == 200, r.status_code
        after = timed_get(client, f"/accounts/{sample[0]}")
        print(f"account page after a departure (cache dropped, recomputed): {ms(after)}")

        def reader(own: httpx.Client, results: list[int], errors: list[str], stop: float) -> None:
            done = 0
            try:
                while time.perf_counter() < stop:
                    timed_get(own, f"/accounts/{sample[done % len(sample)]}")
                    done += 1
            except Exception as exc:  # reported below: a benchmark must not hide a failure
                errors.append(repr(exc))
            results.append(done)

        clients = [sign_in(base) for _ in range(args.threads)]
        rates = {}
        for n in (1, args.threads):
            results: list[int] = []
            errors: list[str] = []
            stop = time.perf_counter() + 5.0
            workers = [threading.Thread(target=reader, args=(clients[i], results, errors, stop)) for i in range(n)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            if errors:
                print(f"  {n} readers: errors {errors[:3]}")
            rates[n] = sum(results) / 5.0
        print(f"warm account pages per second: 1 reader {rates[1]:.0f}, {args.threads} readers "
              f"{rates[args.threads]:.0f} (ratio {rates[args.threads] / rates[1]:.2f})")
        server.should_exit = True
        thread.join(timeout=10)


if __name__ == "__main__":
    main()
