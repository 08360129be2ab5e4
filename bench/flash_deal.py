"""Drives the flash-deal benchmark; see bench/flash-deal. Loopback only;
every load is bounded by wrk's duration."""
import concurrent.futures, json, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

BIN, PG = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "1,16,64,256").split(",")]
SHOPPERS = int(os.environ.get("BENCH_SHOPPERS", "2000"))
HERE = os.path.dirname(os.path.abspath(__file__))
# BENCH_NODES=2 (with a PostgreSQL URL and BENCH_REDIS_URL): a second node on
# the same database and Redis, and every load shared between the two.
NODES = int(os.environ.get("BENCH_NODES", "1"))
REDIS = os.environ.get("BENCH_REDIS_URL", "")
assert NODES == 1 or (PG and REDIS), "two nodes need a PostgreSQL URL and BENCH_REDIS_URL"

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
DATA = tempfile.mkdtemp(prefix="haul-bench-")
DB_URL = PG or f"sqlite://{DATA}/haul.db"

def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token: req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.loads(r.read() or b"null")

def wrk(connections, url, script=None, args=()):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if script: cmd += ["-s", os.path.join(HERE, script)]
    cmd += [url]
    if args: cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": rps, "total": total, "ok": total - non2xx, "p50": pct(50), "p99": pct(99), "errors": errors}

def wrk_all(connections, path, script=None, args=()):
    """wrk at every node at once, the connections shared out (each node's
    requests with their own key prefix); sums, and the worst latencies."""
    if len(BASES) == 1:
        return wrk(connections, BASES[0] + path, script, args)
    each = max(1, connections // len(BASES))
    jobs = [(base, tuple(a + f"n{i}" if j == 2 else a for j, a in enumerate(args))) for i, base in enumerate(BASES)]
    with concurrent.futures.ThreadPoolExecutor(len(BASES)) as pool:
        runs = list(pool.map(lambda job: wrk(each, job[0] + path, script, job[1]), jobs))
    total = {k: sum(r[k] for r in runs) for k in ("rps", "total", "ok", "errors")}
    return dict(total, p50=max(r["p50"] for r in runs), p99=max(r["p99"] for r in runs))

def held_units(deal):
    sql = ("SELECT COALESCE(SUM(l.quantity),0) FROM orders o JOIN order_lines l ON l.order_id = o.id "
           f"WHERE o.deal_id = {deal} AND o.status NOT IN ('cancelled','refunded')")
    if PG:
        out = subprocess.run(["psql", PG, "-tAc", sql], capture_output=True, text=True, check=True).stdout
    else:
        out = subprocess.run(["sqlite3", f"{DATA}/haul.db", sql], capture_output=True, text=True, check=True).stdout
    return int(out.strip())

METRICS_TOKEN = "bench-metrics-token"
env = dict(os.environ, HAUL_BENCH_ENDPOINTS="true", HAUL_SHOPS_OPEN_BEFORE_REVIEW="true", HAUL_METRICS_TOKEN=METRICS_TOKEN, HAUL_WORKER_INTERVAL_SECONDS="3600", RUST_LOG="warn",
           HAUL_DATABASE_URL=DB_URL, HAUL_DEAL_PAYMENT_TIMEOUT_SECONDS="86400")
if REDIS:
    env["HAUL_REDIS_URL"] = REDIS
servers, BASES = [], []
def start(port, data):
    servers.append(subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data], env=env, stdout=subprocess.DEVNULL))
    BASES.append(f"http://127.0.0.1:{port}")
    for _ in range(300):
        try:
            urllib.request.urlopen(BASES[-1] + "/livez", timeout=1); return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"no answer from {BASES[-1]}")
start(PORT, DATA)
server = servers[0]
try:
    for n in range(1, NODES):
        start(free_port(), os.path.join(DATA, f"node{n}"))
    m = call("POST", "/api/v1/accounts", {"login": "bench-merchant@example.com", "password": "long enough", "display_name": "M"})["token"]
    shop = call("POST", "/api/v1/shops", {"slug": "bench-shop", "name": "Bench"}, m)
    product = call("POST", "/api/v1/products", {"shop_id": shop["id"], "title": "Sugar oranges", "skus": [
        {"code": "DEAL", "price_minor": 1990, "stock": 10_000_000}, {"code": "NAIVE", "price_minor": 1990, "stock": 10_000_000}]}, m)
    skus = call("GET", f"/api/v1/products/{product['id']}")["skus"]
    deal_sku, naive_sku = skus[0]["id"], skus[1]["id"]
    def sign_up(i):
        return call("POST", "/api/v1/accounts", {"login": f"shopper{i}@example.com", "password": "long enough", "display_name": "S"})["token"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(sign_up, range(SHOPPERS)))
    tokens_file = os.path.join(DATA, "tokens.txt")
    open(tokens_file, "w").write("\n".join(tokens) + "\n")

    def new_deal(quantity):
        now = int(time.time() * 1000)
        return call("POST", "/api/v1/deals", {"sku_id": deal_sku, "price_minor": 990, "quantity": quantity, "per_shopper_cap": 99,
                                              "starts_at": now - 1000, "ends_at": now + 3_600_000}, m)["id"]

    rows, oversold = [], 0
    for c in CONNECTIONS:
        trivial = wrk_all(c, "/livez")
        naive = wrk_all(c, f"/bench/naive/{naive_sku}", "post.lua")
        # A deal larger than a run can sell: every request writes an order.
        big = new_deal(SHOPPERS * 99)
        # BENCH_PROFILE=file: record where the server spends its CPU (perf).
        profiler = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", os.environ["BENCH_PROFILE"], "-p", str(server.pid), "--", "sleep", str(SECONDS)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if os.environ.get("BENCH_PROFILE") else None
        deal = wrk_all(c, f"/api/v1/deals/{big}/purchase", "purchase.lua", (tokens_file, f"/api/v1/deals/{big}/purchase", f"b{c}"))
        if profiler: profiler.wait()
        held = held_units(big)
        oversold += max(0, held - SHOPPERS * 99)
        assert held >= deal["ok"], f"acknowledged {deal['ok']} but {held} held"
        # A flash crowd at a small deal: it sells out at once, then refuses.
        small = new_deal(1000)
        profiler = subprocess.Popen(["perf", "record", "-F", "499", "-g", "-o", os.environ["BENCH_PROFILE_CROWD"], "-p", str(server.pid), "--", "sleep", str(SECONDS)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) if os.environ.get("BENCH_PROFILE_CROWD") else None
        crowd = wrk_all(c, f"/api/v1/deals/{small}/purchase", "purchase.lua", (tokens_file, f"/api/v1/deals/{small}/purchase", f"s{c}"))
        if profiler: profiler.wait()
        held_small = held_units(small)
        oversold += max(0, held_small - 1000)
        rows.append((c, trivial, naive, deal, crowd, held_small))

    scrape = urllib.request.Request(BASE + "/metrics", headers={"authorization": "Bearer " + METRICS_TOKEN})
    metrics = urllib.request.urlopen(scrape).read().decode()
    for line in metrics.splitlines():
        if line.startswith("haul_deal_batch") and "quantile" in line:
            print(line)
    backend = ("PostgreSQL" if PG else "SQLite (synchronous=FULL)") + (", Redis" if REDIS else "") + (f", {NODES} nodes" if NODES > 1 else "")
    print(f"\nFlash-deal benchmark, {backend}, {SECONDS} s per run, wrk -t2, loopback, {SHOPPERS} shoppers")
    print("conns | trivial req/s | naive req/s (ok/s) | deal orders/s  p50 ms  p99 ms | sell-out attempts/s  p99 ms  sold")
    for c, t, n, d, s, sold in rows:
        print(f"{c:5} | {t['rps']:13.0f} | {n['rps']:8.0f} ({n['ok']/SECONDS:6.0f}) | {d['ok']/SECONDS:13.0f} {d['p50']:7.2f} {d['p99']:7.2f} | {s['rps']:19.0f} {s['p99']:7.2f}  {sold}")
    best_deal = max(r[3]["ok"] / SECONDS for r in rows)
    at = {r[0]: r for r in rows}
    top = max(CONNECTIONS)
    d_top, t_top, n_top = at[top][3]["ok"] / SECONDS, at[top][1]["rps"], at[top][2]["ok"] / SECONDS
    print(f"\nat {top} connections: deal orders/s / trivial = {d_top / t_top:.2f} (target >= 0.5)")
    print(f"at {top} connections: deal orders/s / naive successes/s = {d_top / max(n_top, 1):.1f} (target >= 10)")
    print(f"deal orders/s at {top} / best connection count = {d_top / best_deal:.2f} (target >= 0.9)")
    print(f"sell-out attempts/s / trivial at {top} = {at[top][4]['rps'] / t_top:.2f}")
    print(f"oversold units: {oversold} (must be 0)")
    print(f"socket errors: {sum(r[1]['errors'] + r[2]['errors'] + r[3]['errors'] + r[4]['errors'] for r in rows)}")
    if os.environ.get("BENCH_SUMMARY"):
        sys.path.insert(0, HERE)
        from side_by_side import summary
        pairs = []
        for c, t, n, d, s, sold in rows:
            pairs += [(f"{c} conns: trivial req/s", f"{t['rps']:,.0f}"), (f"{c} conns: naive successes/s", f"{n['ok'] / SECONDS:,.0f}"),
                      (f"{c} conns: deal orders/s", f"{d['ok'] / SECONDS:,.0f}"), (f"{c} conns: deal orders / trivial", f"{d['ok'] / SECONDS / t['rps']:.2f}x"),
                      (f"{c} conns: deal orders / naive", f"{d['ok'] / max(n['ok'], 1):.1f}x"), (f"{c} conns: deal p99 ms", f"{d['p99']:.1f}"),
                      (f"{c} conns: sell-out attempts / trivial", f"{s['rps'] / t['rps']:.2f}x")]
        summary(os.environ["BENCH_SUMMARY"], pairs + [("oversold units", str(oversold))])
finally:
    for s in servers:
        s.terminate(); s.wait(timeout=30)
    shutil.rmtree(DATA, ignore_errors=True)
