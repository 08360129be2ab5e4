"""Drives the browsing benchmark; see bench/browse. Loopback only; every
load is bounded by wrk's duration."""
import concurrent.futures, json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
# A PostgreSQL server (`postgres://user@host:port`) and a Redis URL: each
# build then runs on its own fresh database, first as one node, then as two
# nodes on the same database and Redis, loaded together.
POSTGRES = os.environ.get("BENCH_POSTGRES", "")
REDIS = os.environ.get("BENCH_REDIS_URL", "")


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wrk(url, connections, threads=2):
    cmd = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "10s", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": rps, "bad": bad, "p50": pct(50), "p99": pct(99)}


def together(urls, connections):
    """wrk at every node at once, the connections shared out; the sum of
    requests/s, the worst p50 and p99."""
    each = max(1, connections // len(urls))
    with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:
        runs = list(pool.map(lambda u: wrk(u, each, threads=1), urls))
    return {"rps": sum(r["rps"] for r in runs), "bad": sum(r["bad"] for r in runs),
            "p50": max(r["p50"] for r in runs), "p99": max(r["p99"] for r in runs)}


def start(binary, data, demo, extra=()):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn", HAUL_ENV="development")
    args = [binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data, *extra] + (["--demo"] if demo else [])
    server = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(900):
        try:
            urllib.request.urlopen(f"{base}/api/v1/products?limit=1", timeout=1)
            return server, base
        except Exception:
            if server.poll() is not None:
                sys.exit(f"{binary} stopped while starting")
            time.sleep(0.2)
    sys.exit(f"{binary} did not start")


def fresh_database(name):
    admin = f"{POSTGRES}/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)
    return f"{POSTGRES}/{name}"


def paths(base):
    product = json.load(urllib.request.urlopen(f"{base}/api/v1/products?limit=1"))["items"][0]["id"]
    return [
        ("trivial `/livez`", "/livez", CONNECTIONS),
        ("`GET /api/v1/products?limit=20`", "/api/v1/products?limit=20", CONNECTIONS),
        ("`GET /api/v1/products?limit=20`, 1 connection", "/api/v1/products?limit=20", 1),
        ("home page `/`", "/", CONNECTIONS),
        ("product page `/products/{id}`", f"/products/{product}", CONNECTIONS),
        ("`GET /api/v1/products/{id}`", f"/api/v1/products/{product}", CONNECTIONS),
    ]


def measure(label, binary):
    """Starts `binary` with its demo store and measures each path: on one
    node, and with BENCH_POSTGRES on two nodes as well. Returns
    `[(column label, [(path name, result)])]`."""
    data = tempfile.mkdtemp(prefix="haul-bench-browse-")
    extra = []
    if POSTGRES:
        name = "haul_browse_" + re.sub(r"\W", "_", label.split()[-1])
        extra = ["--database-url", fresh_database(name), "--redis-url", REDIS]
    first, base = start(binary, os.path.join(data, "a"), True, extra)
    servers = [first]
    try:
        todo = paths(base)
        columns = [(label if not POSTGRES else f"{label}, 1 node", [(n, wrk(base + p, c)) for n, p, c in todo])]
        if POSTGRES:
            second, other = start(binary, os.path.join(data, "b"), False, extra)
            servers.append(second)
            columns.append((f"{label}, 2 nodes", [(n, together([base + p, other + p], c)) for n, p, c in todo if c > 1]))
        return columns
    finally:
        for s in servers:
            s.terminate()
            s.wait(timeout=30)


def main():
    columns = []
    for build in sys.argv[1:]:
        label, binary = build.split("=", 1)
        print(f"measuring {label} ({binary}), {SECONDS} s per path, {CONNECTIONS} connections"
              + (", PostgreSQL and Redis, one node then two" if POSTGRES else ", SQLite"), flush=True)
        columns += measure(label, binary)
    print("\n| path |" + "".join(f" {label} req/s | ratio | p50 ms | p99 ms |" for label, _ in columns))
    print("| --- |" + " ---: | ---: | ---: | ---: |" * len(columns))
    for name, _ in columns[0][1]:
        row = f"| {name} |"
        for _, results in columns:
            found = dict(results)
            trivial = results[0][1]["rps"]
            if name not in found:
                row += " | | | |"
                continue
            r = found[name]
            bad = f" ({r['bad']} non-2xx)" if r["bad"] else ""
            row += f" {r['rps']:,.0f}{bad} | {r['rps'] / trivial:.3f}× | {r['p50']:.2f} | {r['p99']:.2f} |"
        print(row)


main()
