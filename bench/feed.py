"""Drives the feed benchmark; see bench/feed. Loopback only; every load is
bounded by wrk's duration."""
import hashlib, os, random, re, secrets, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

BIN = sys.argv[1]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
VIEWERS = int(os.environ.get("BENCH_VIEWERS", "5000"))
VIDEOS = int(os.environ.get("BENCH_VIDEOS", "100000"))
CREATORS = int(os.environ.get("BENCH_CREATORS", "10000"))
INTERACTIONS = int(os.environ.get("BENCH_INTERACTIONS", "1000000"))
HERE = os.path.dirname(os.path.abspath(__file__))
random.seed(20261123)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
DATA = tempfile.mkdtemp(prefix="haul-bench-feed-")

def wrk(url, script=None, args=()):
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    if script: cmd += ["-s", os.path.join(HERE, script)]
    cmd += [url]
    if args: cmd += ["--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB)", out)
    transfer = float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1024 * 1024}[m.group(2)]
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": rps, "total": total, "bad": non2xx, "p50": pct(50), "p99": pct(99), "kb": transfer / rps / 1024}

def generate():
    """Writes users, sessions, videos and interactions straight into the
    migrated database: the same rows the API would write, much faster."""
    started = time.time()
    db = sqlite3.connect(f"{DATA}/haul.db")
    db.execute("PRAGMA synchronous=OFF")
    now = int(time.time() * 1000)
    users = CREATORS + VIEWERS
    db.executemany("INSERT INTO users (id, email, password_hash, display_name, role, created_at) VALUES (?, ?, 'x', ?, ?, ?)",
                   ((i, f"u{i}@bench.example", f"user {i}", "creator" if i <= CREATORS else "shopper", now) for i in range(1, users + 1)))
    db.executemany("INSERT INTO categories (id, slug, name) VALUES (?, ?, ?)", ((c, f"c{c}", f"Category {c}") for c in range(1, 13)))
    tags = [f"tag{t}" for t in range(300)]
    topic = {c: random.randint(1, 12) for c in range(1, CREATORS + 1)}
    def video(i):
        creator = random.randint(1, CREATORS)
        category = topic[creator] if random.random() < 0.85 else random.randint(1, 12)
        caption = f"Video {i} about category {category} #{random.choice(tags)} #{random.choice(tags)}"
        return (i, creator, caption, " ".join(re.findall(r"#(\w+)", caption)), category, f"videos/bench{i}.mp4", "video/mp4", 1000,
                random.randint(5_000, 60_000), random.choice([0, 0, 0, 200, 450, 800]), "", now - random.randint(0, 7 * 86_400_000))
    db.executemany("INSERT INTO videos (id, creator_id, caption, hashtags, category_id, media_key, content_type, size_bytes, duration_ms, "
                   "hard_sell_milli, hard_sell_signals, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?)",
                   (video(i) for i in range(1, VIDEOS + 1)))
    viewers = range(CREATORS + 1, users + 1)
    views, likes, comments = int(INTERACTIONS * 0.65), int(INTERACTIONS * 0.30), INTERACTIONS - int(INTERACTIONS * 0.65) - int(INTERACTIONS * 0.30)
    # Popularity is skewed, as it is on real platforms.
    hot = lambda: min(VIDEOS, int(random.paretovariate(1.2))) if random.random() < 0.5 else random.randint(1, VIDEOS)
    ago = lambda: now - random.randint(0, 7 * 86_400_000)
    counts = {}  # video -> [views, watch_ms, likes, comments]
    def count(video, slot, n=1):
        c = counts.setdefault(video, [0, 0, 0, 0]); c[slot] += n
    rows = []
    for _ in range(views):
        v, w = hot(), random.randint(1000, 60000)
        count(v, 0); count(v, 1, w); rows.append((v, random.choice(viewers), w, ago()))
    db.executemany("INSERT INTO video_events (video_id, user_id, kind, watch_ms, created_at) VALUES (?, ?, 'view', ?, ?)", rows)
    pairs = {(hot(), random.choice(viewers)) for _ in range(likes)}
    for v, _ in pairs: count(v, 2)
    db.executemany("INSERT INTO video_reactions (video_id, user_id, kind, created_at) VALUES (?, ?, 'like', ?)", ((v, u, ago()) for v, u in pairs))
    rows = [(hot(), random.choice(viewers), ago()) for _ in range(comments)]
    for v, _, _ in rows: count(v, 3)
    db.executemany("INSERT INTO video_comments (video_id, user_id, body, created_at) VALUES (?, ?, 'nice', ?)", rows)
    db.executemany("INSERT OR IGNORE INTO follows (follower_id, creator_id, created_at) VALUES (?, ?, ?)",
                   ((v, random.randint(1, CREATORS), now) for v in viewers for _ in range(5)))
    # The counters the API keeps (completions: about a third of views).
    db.executemany("UPDATE videos SET views = ?, watch_ms = ?, likes = ?, comments = ?, completions = ? / 3, impressions = ? * 4 / 3 WHERE id = ?",
                   ((c[0], c[1], c[2], c[3], c[0], c[0], v) for v, c in counts.items()))
    tokens = []
    for v in viewers:
        token = secrets.token_hex(32)
        tokens.append(token)
        db.execute("INSERT INTO sessions (token_hash, user_id, kind, csrf_token, created_at, expires_at) VALUES (?, ?, 'api', 'x', ?, ?)",
                   (hashlib.sha256(token.encode()).hexdigest(), v, now, now + 86_400_000))
    db.commit()
    db.close()
    open(f"{DATA}/tokens.txt", "w").write("\n".join(tokens) + "\n")
    print(f"generated {VIDEOS} videos by {CREATORS} creators, {INTERACTIONS} interactions, {VIEWERS} viewers in {time.time() - started:.0f} s", flush=True)

subprocess.run([BIN, "migrate", "--data-dir", DATA], check=True, stdout=subprocess.DEVNULL,
               env=dict(os.environ, RUST_LOG="warn"))
generate()
env = dict(os.environ, RUST_LOG="warn", HAUL_WORKER_INTERVAL_SECONDS="3600", HAUL_FEED_REFRESH_SECONDS="3600")
started = time.time()
server = subprocess.Popen([BIN, "serve", "--listen", f"127.0.0.1:{PORT}", "--data-dir", DATA], env=env, stdout=subprocess.DEVNULL)
try:
    for _ in range(1200):
        try:
            urllib.request.urlopen(BASE + "/livez", timeout=1); break
        except Exception:
            time.sleep(0.1)
    rss = lambda: int(open(f"/proc/{server.pid}/status").read().split("VmRSS:")[1].split()[0]) // 1024
    # Before any viewer: what the index of videos (and the rest of the
    # server) takes, apart from the viewers' cache.
    idle_rss = rss()
    print(f"server ready (index of {VIDEOS} videos built) in {time.time() - started:.1f} s; RSS {idle_rss} MiB with no viewer", flush=True)
    trivial = wrk(BASE + "/livez")
    warm = wrk(BASE + "/api/v1/feed?limit=10", "feed.lua", (f"{DATA}/tokens.txt", "/api/v1/feed?limit=10"))
    feed = wrk(BASE + "/api/v1/feed?limit=10", "feed.lua", (f"{DATA}/tokens.txt", "/api/v1/feed?limit=10"))
    print(f"\n{CONNECTIONS} connections, {SECONDS} s each, 2 cores shared with wrk; server RSS {rss()} MiB")
    print(f"{'endpoint':<28}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}{'KiB/resp':>10}")
    for name, r in [("trivial /livez", trivial), ("For You, first pass", warm), ("For You, viewers cached", feed)]:
        print(f"{name:<28}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['bad']:>9}{r['kb']:>10.1f}")
    # Every page is full: the viewers never run out of unseen videos.
    token = open(f"{DATA}/tokens.txt").readline().strip()
    req = urllib.request.Request(BASE + "/api/v1/feed?limit=10", headers={"authorization": "Bearer " + token})
    import json
    items = json.loads(urllib.request.urlopen(req).read())["items"]
    print(f"a viewer's next page after the runs: {len(items)} items, sources {sorted({i['reasons']['source'] for i in items})}")
    print(f"\nfeed / trivial = {feed['rps'] / trivial['rps']:.2f} (target >= 0.3); p99 {feed['p99']:.1f} ms (target < 20 ms)")
    if os.environ.get("BENCH_SUMMARY"):
        sys.path.insert(0, HERE)
        from side_by_side import summary
        summary(os.environ["BENCH_SUMMARY"], [
            ("trivial req/s", f"{trivial['rps']:,.0f}"),
            ("first pass req/s", f"{warm['rps']:,.0f}"),
            ("first pass / trivial", f"{warm['rps'] / trivial['rps']:.3f}x"),
            ("first pass p99 ms", f"{warm['p99']:.1f}"),
            ("viewers cached req/s", f"{feed['rps']:,.0f}"),
            ("viewers cached / trivial", f"{feed['rps'] / trivial['rps']:.3f}x"),
            ("viewers cached p99 ms", f"{feed['p99']:.1f}"),
            ("server RSS MiB, no viewer", str(idle_rss)),
            ("server RSS MiB, after the runs", str(rss())),
        ])
finally:
    server.terminate()
    server.wait(timeout=30)
    if not os.environ.get("BENCH_KEEP"):
        import shutil; shutil.rmtree(DATA, ignore_errors=True)
