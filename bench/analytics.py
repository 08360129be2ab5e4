"""Drives the analytics benchmark; see bench/analytics. Loopback only;
every load is bounded by wrk's duration or a count."""
import concurrent.futures, csv, http.cookiejar, json, os, random, re, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, threading, time
import urllib.parse, urllib.request
import duckdb

BIN, PG = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
LINES = int(os.environ.get("BENCH_LINES", "10000000"))
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "100000"))
CATEGORIES = int(os.environ.get("BENCH_CATEGORIES", "1000"))
SHOPS, DAYS, BUYERS = 1000, 90, 200_000
ASKS = int(os.environ.get("BENCH_ASKS", "30"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
HERE = os.path.dirname(os.path.abspath(__file__))
DAY_MS, HOUR_MS, MINUTE_MS = 86_400_000, 3_600_000, 60_000


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
DATA = tempfile.mkdtemp(prefix="haul-analytics-")
DB_URL = PG or f"sqlite://{DATA}/haul.db"
ENV = dict(os.environ, HAUL_DATABASE_URL=DB_URL, HAUL_SHOPS_OPEN_BEFORE_REVIEW="true", RUST_LOG="warn",
           HAUL_DEAL_PAYMENT_TIMEOUT_SECONDS="86400")


def call(method, path, body=None, token=None, headers=None):
    req = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    for k, v in (headers or {}).items(): req.add_header(k, v)
    if token: req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")


class Browser:
    """A signed-in browser: cookies, and the CSRF field of the last page."""
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.open = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar)).open

    def form(self, path, fields):
        page = self.open(BASE + path, timeout=60).read().decode()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(dict(fields, csrf=csrf)).encode()
        return self.open(urllib.request.Request(BASE + path, data=data, method="POST"), timeout=60).read().decode()

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


class Server:
    def __init__(self, worker_seconds=3600, analytics=True):
        env = dict(ENV, HAUL_WORKER_INTERVAL_SECONDS=str(worker_seconds), HAUL_ANALYTICS_WORKER=str(analytics).lower())
        self.p = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data-dir", DATA], env=env, stdout=subprocess.DEVNULL)
        for _ in range(600):
            try:
                urllib.request.urlopen(BASE + "/livez", timeout=1); return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError("haul did not start")

    def stop(self):
        self.p.terminate(); self.p.wait(timeout=60)


def sql(query):
    if PG:
        return subprocess.run(["psql", PG, "-tAc", query], capture_output=True, text=True, check=True).stdout.strip()
    return subprocess.run(["sqlite3", f"{DATA}/haul.db", query], capture_output=True, text=True, check=True).stdout.strip()


def wrk(connections, url, script=None, args=(), headers=()):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    for h in headers: cmd += ["-H", h]
    if script: cmd += ["-s", os.path.join(HERE, script)]
    cmd += [url]
    if args: cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "ok": total - non2xx, "non2xx": non2xx, "p50": pct(50), "p99": pct(99)}


def units_back(quantity, paid, refunded):
    if refunded <= 0: return 0
    if paid <= 0 or refunded >= paid: return quantity
    return quantity * refunded // paid


# --- Accounts and the deal's products, through the API -------------------------------------------
server = Server()
try:
    merchant = call("POST", "/api/v1/accounts", {"login": "bench-merchant@example.com", "password": "long enough", "display_name": "M"})["token"]
    shop = call("POST", "/api/v1/shops", {"slug": "bench-shop", "name": "Bench"}, merchant)["id"]
    product = call("POST", "/api/v1/products", {"shop_id": shop, "title": "Deal oranges", "skus": [
        {"code": "DEAL", "price_minor": 1990, "stock": 10_000_000}, {"code": "PAID", "price_minor": 990, "stock": 10_000_000}]}, merchant)
    skus = call("GET", f"/api/v1/products/{product['id']}")["skus"]
    deal_sku, paid_sku = skus[0]["id"], skus[1]["id"]
    def sign_up(i):
        return call("POST", "/api/v1/accounts", {"login": f"shopper{i}@example.com", "password": "long enough", "display_name": "S"})["token"]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(sign_up, range(2000)))
    tokens_file = os.path.join(DATA, "tokens.txt")
    open(tokens_file, "w").write("\n".join(tokens) + "\n")
    payers = tokens[:4]
finally:
    server.stop()

# --- Bulk load: categories, shops, products, paid orders with their lines, refunds ----------------
random.seed(7)
now = int(time.time() * 1000)
started = time.time()
first = {t: int(sql(f"SELECT COALESCE(MAX(id), 0) FROM {t}") or 0) + 1
         for t in ["users", "categories", "shops", "products", "orders", "order_lines", "payments", "refunds"]}
owner = int(sql("SELECT owner_id FROM shops WHERE slug = 'bench-shop'"))
# The buyers exist (PostgreSQL holds orders to their foreign keys).
buyers = [(first["users"] + i, f"buyer{i}@bench.example", "-", "Buyer", "shopper", now) for i in range(BUYERS)]
categories = [(first["categories"] + i, f"bench-{i}", f"Category {i}") for i in range(CATEGORIES)]
shop_ids = [shop] + [first["shops"] + i for i in range(SHOPS - 1)]
shops = [(s, f"bench-{s}", f"Shop {s}", "", "CNY", owner, now, "active") for s in shop_ids[1:]]
products = [(first["products"] + p, shop_ids[p % SHOPS], first["categories"] + (p * 7) % CATEGORIES, f"Product {p}", "", "native", "active", now, now)
            for p in range(PRODUCTS)]
price = [500 + (p * 7919) % 20000 for p in range(PRODUCTS)]
lines_csv = os.path.join(DATA, "lines.csv")

def tables():
    """Yields (table, columns, rows) in chunks; writes DuckDB's denormalized lines on the way."""
    order_id, line_id, pay_id, refund_id, made = first["orders"], first["order_lines"], first["payments"], first["refunds"], 0
    out = csv.writer(open(lines_csv, "w", newline=""))
    out.writerow(["paid_at", "product_id", "category_id", "shop_id", "quantity", "paid_minor", "refunded_minor", "units_back"])
    while made < LINES:
        orders, lines, payments, refunds = [], [], [], []
        for _ in range(20_000):
            if made >= LINES: break
            p = int(PRODUCTS * random.random() ** 2.5)
            paid_at = now - int(random.random() * DAYS * DAY_MS)
            n = min(random.choice((1, 1, 1, 2, 2, 3)), LINES - made)
            picked = [(p + SHOPS * k * 37) % PRODUCTS for k in range(n)]
            total, mine = 0, []
            for q in picked:
                quantity = 1 + int(random.random() * 3)
                paid = price[q] * quantity
                total += paid
                video = random.random() < 0.3
                lines.append((line_id, order_id, 1, first["products"] + q, f"Product {q}", "", price[q], quantity,
                              "video" if video else None, int(random.random() * 5000) + 1 if video else None, int(random.random() * 2000) + 1 if video else None))
                mine.append([line_id, q, quantity, paid, 0])
                line_id += 1
            made += n
            refunded = 0
            if random.random() < 0.04 and paid_at + 3 * DAY_MS < now:
                target = random.choice(mine)
                amount = target[3] if random.random() < 0.5 else target[3] // 2
                target[4] = amount
                refunded = amount
                payments.append((pay_id, order_id, "sandbox", f"bench-{pay_id}", total, "CNY", "succeeded", paid_at, paid_at))
                refunds.append((refund_id, order_id, pay_id, amount, "CNY", "bench", paid_at + 2 * DAY_MS, target[0]))
                pay_id += 1; refund_id += 1
            orders.append((order_id, first["users"] + int(random.random() * BUYERS), shop_ids[p % SHOPS], "completed", total, "CNY", refunded, "", paid_at, paid_at,
                           paid_at - 60_000, paid_at, "delivery"))
            for _, q, quantity, paid, back in mine:
                out.writerow([paid_at, first["products"] + q, first["categories"] + (q * 7) % CATEGORIES, shop_ids[q % SHOPS], quantity, paid, back,
                              units_back(quantity, paid, back)])
            order_id += 1
        yield "orders", "id, buyer_id, shop_id, status, total_minor, currency, refunded_minor, pickup_code, pay_by, paid_at, created_at, updated_at, fulfilment", orders
        yield "order_lines", "id, order_id, sku_id, product_id, title, options, unit_price_minor, quantity, touch_kind, touch_id, creator_id", lines
        yield "payments", "id, order_id, provider, provider_ref, amount_minor, currency, status, created_at, updated_at", payments
        yield "refunds", "id, order_id, payment_id, amount_minor, currency, reason, created_at, order_line_id", refunds

everything = [("users", "id, email, password_hash, display_name, role, created_at", buyers), ("categories", "id, slug, name", categories), ("shops", "id, slug, name, description, currency, owner_id, created_at, status", shops),
              ("products", "id, shop_id, category_id, title, description, kind, status, created_at, updated_at", products)]
if PG:
    # COPY from CSV files (an empty field is NULL), then the sequences past the ids given.
    files = {}
    def append(table, columns, rows):
        if table not in files:
            files[table] = (columns, open(os.path.join(DATA, f"{table}.csv"), "w", newline=""))
        # Text quoted (an empty text is "", not NULL); None left empty (NULL).
        def cell(v):
            return "" if v is None else '"' + v.replace('"', '""') + '"' if isinstance(v, str) else str(v)
        files[table][1].writelines(",".join(map(cell, row)) + "\n" for row in rows)
    for table, columns, rows in everything: append(table, columns, rows)
    for table, columns, rows in tables(): append(table, columns, rows)
    for table, (columns, f) in files.items():
        f.close()
        subprocess.run(["psql", PG, "-qc", f"\\copy {table} ({columns}) FROM '{f.name}' CSV"], check=True)
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    sql("ANALYZE")
else:
    db = sqlite3.connect(f"{DATA}/haul.db")
    db.execute("PRAGMA synchronous = OFF")
    for table, columns, rows in [*everything, *tables()]:
        if rows:
            db.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * (columns.count(',') + 1))})", rows)
        db.commit()
    db.execute("ANALYZE")
    db.close()
load_seconds = time.time() - started
print(f"loaded {LINES:,} paid order lines ({sql('SELECT COUNT(*) FROM orders')} orders, {sql('SELECT COUNT(*) FROM refunds')} refunds) "
      f"over {DAYS} days, {PRODUCTS:,} products, {CATEGORIES:,} categories in {load_seconds:.0f} s", flush=True)

# --- The rollups, from the record ------------------------------------------------------------------
started = time.time()
out = subprocess.run([BIN, "analytics", "rebuild", "--data-dir", DATA], env=ENV, capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
rebuild_seconds = time.time() - started
print(f"haul analytics rebuild: {out} ({rebuild_seconds:.0f} s wall)", flush=True)

duck = duckdb.connect()
duck.execute(f"CREATE TABLE lines AS SELECT * FROM read_csv('{lines_csv}', header = true)")

# --- Best-sellers: Haul's API against DuckDB over the same rows ------------------------------------
category = first["categories"]  # the category with the most popular products
questions = [(w, c) for c in (None, category) for w in ("1h", "24h", "7d")]
server = Server()
try:
    # The worker's first pass moves the windows to now (from the rebuild's
    # now); the lists are compared once it has.
    for _ in range(600):
        edge, now_ms = int(sql("SELECT since_ms FROM window_edges WHERE window_name = '1h'") or 0), time.time() * 1000
        if now_ms - HOUR_MS - 120_000 <= edge <= now_ms: break  # (the largest integer: not counted yet)
        time.sleep(0.5)
    time.sleep(2)
    edges = dict(line.split("|") for line in sql("SELECT window_name, since_ms FROM window_edges").splitlines())
    rows = []
    for window, cat in questions:
        path = f"/api/v1/best-sellers?window={window}&by=units&limit=100" + (f"&category_id={cat}" if cat else "")
        call("GET", path)
        times = []
        for _ in range(ASKS):
            t = time.perf_counter(); haul = call("GET", path)["items"]; times.append((time.perf_counter() - t) * 1000)
        query = ("SELECT product_id, SUM(quantity - units_back) AS units, SUM(paid_minor - refunded_minor) AS gmv FROM lines WHERE paid_at >= ?"
                 + (" AND category_id = ?" if cat else "") + " GROUP BY product_id HAVING SUM(quantity - units_back) > 0 ORDER BY units DESC, gmv DESC, product_id LIMIT 100")
        params = [int(edges[window])] + ([cat] if cat else [])
        duck.execute(query, params).fetchall()
        dtimes = []
        for _ in range(ASKS):
            t = time.perf_counter(); answer = duck.execute(query, params).fetchall(); dtimes.append((time.perf_counter() - t) * 1000)
        same = [(i["product_id"], i["units"], i["gmv_minor"]) for i in haul] == [tuple(r) for r in answer]
        rows.append((window, "category" if cat else "overall", statistics.median(times), max(times), statistics.median(dtimes), same, len(haul)))

    # A merchant's dashboard page, 16 connections.
    browser = Browser()
    browser.form("/signin", {"login": "bench-merchant@example.com", "password": "long enough"})
    started = time.perf_counter()
    browser.open(f"{BASE}/merchant/shops/{shop}/dashboard", timeout=60).read()
    first_dashboard_ms = (time.perf_counter() - started) * 1000
    dashboard = wrk(16, f"{BASE}/merchant/shops/{shop}/dashboard", headers=[f"Cookie: {browser.cookie()}"])
    trivial = wrk(16, f"{BASE}/livez")
finally:
    server.stop()

# --- What keeping rollups costs the deal writer ---------------------------------------------------
def paying(stop, paid):
    """Shoppers who pay for ordinary orders meanwhile (about 10 a second), so the worker has sales to count."""
    buyers = []
    for token in payers:
        b = Browser()
        b.form("/signin", {"login": f"shopper{tokens.index(token)}@example.com", "password": "long enough"})
        buyers.append((token, b))
    i = 0
    while not stop.is_set():
        token, b = buyers[i % len(buyers)]
        order = call("POST", "/api/v1/orders", {"items": [{"sku_id": paid_sku, "quantity": 1}]}, token, {"Idempotency-Key": f"pay-{time.time()}-{i}"})
        started = call("POST", f"/api/v1/orders/{order['id']}/payments", {}, token)
        b.form(urllib.parse.urlparse(started["redirect_url"]).path, {"action": "pay"})
        paid.append(order["id"]); i += 1
        stop.wait(0.1)

deal_rows = []
for phase, analytics in [("running", True), ("stopped", False), ("running", True), ("stopped", False)]:
    server = Server(worker_seconds=1, analytics=analytics)
    stop, paid = threading.Event(), []
    try:
        t = int(time.time() * 1000)
        deal = call("POST", "/api/v1/deals", {"sku_id": deal_sku, "price_minor": 990, "quantity": 198_000, "per_shopper_cap": 99,
                                              "starts_at": t - 1000, "ends_at": t + 3_600_000}, merchant)["id"]
        side = threading.Thread(target=paying, args=(stop, paid)); side.start()
        result = wrk(64, f"{BASE}/api/v1/deals/{deal}/purchase", "purchase.lua", (tokens_file, f"/api/v1/deals/{deal}/purchase", f"{phase}{len(deal_rows)}"))
        stop.set(); side.join()
        rolled = sql(f"SELECT COUNT(*) FROM orders WHERE rolled_at IS NOT NULL AND id >= {min(paid) if paid else 0}") if paid else "0"
        deal_rows.append((phase, result["ok"] / SECONDS, result["p99"], len(paid), rolled))
    finally:
        stop.set(); server.stop()

backend = "PostgreSQL" if PG else "SQLite"
print(f"\nAnalytics benchmark, {backend}: {LINES:,} paid order lines over {DAYS} days, {PRODUCTS:,} products, {CATEGORIES:,} categories")
print(f"bulk load {load_seconds:.0f} s; haul analytics rebuild {rebuild_seconds:.0f} s")
print(f"\nrolling top-100 by units: Haul's API (HTTP, one connection) against DuckDB {duckdb.__version__} (in-process, {ASKS} asks each)")
print("window | scope    | Haul median ms  max ms | DuckDB median ms | Haul / DuckDB | same list")
for window, scope, h50, hmax, d50, same, n in rows:
    print(f"{window:6} | {scope:8} | {h50:12.2f} {hmax:7.2f} | {d50:16.2f} | {h50 / d50:13.3f} | {same} ({n} products)")
print(f"\nmerchant dashboard page, 16 connections, {SECONDS} s: {dashboard['rps']:.0f} pages/s, p50 {dashboard['p50']:.1f} ms, p99 {dashboard['p99']:.1f} ms, non-2xx {dashboard['non2xx']} (target p99 < 50 ms)")
print(f"  its first load (counted, not kept yet): {first_dashboard_ms:.1f} ms; /livez with 16 connections in the same run: {trivial['rps']:.0f} req/s, p99 {trivial['p99']:.1f} ms")
print(f"\nwinning deal orders/s, 64 connections, {SECONDS} s each, with about 10 paid orders/s beside them")
print("analytics worker | deal orders/s | p99 ms | paid meanwhile | of them rolled up")
for phase, rate, p99, n, rolled in deal_rows:
    print(f"{phase:16} | {rate:13.0f} | {p99:6.1f} | {n:14} | {rolled}")
run = statistics.mean(r[1] for r in deal_rows if r[0] == "running")
off = statistics.mean(r[1] for r in deal_rows if r[0] == "stopped")
print(f"deal orders/s with rollups running / stopped = {run / off:.3f} (target >= 0.95)")
shutil.rmtree(DATA, ignore_errors=True)
