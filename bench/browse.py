"""Drives the browsing benchmark; see bench/browse. Loopback only; every
load is bounded by wrk's duration."""
import json, os, re, socket, subprocess, sys, tempfile, time, urllib.request

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wrk(url, connections):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency", "--timeout", "10s", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
    return {"rps": rps, "bad": bad, "p50": pct(50), "p99": pct(99)}


def measure(binary):
    """Starts `binary` with its demo store and measures each path."""
    port, data = free_port(), tempfile.mkdtemp(prefix="haul-bench-browse-")
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, RUST_LOG="warn", HAUL_ENV="development")
    server = subprocess.Popen([binary, "serve", "--demo", "--listen", f"127.0.0.1:{port}", "--data-dir", data],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{base}/api/v1/products?limit=1", timeout=1)
                break
            except Exception:
                time.sleep(0.2)
        product = json.load(urllib.request.urlopen(f"{base}/api/v1/products?limit=1"))["items"][0]["id"]
        paths = [
            ("trivial `/livez`", "/livez", CONNECTIONS),
            ("`GET /api/v1/products?limit=20`", "/api/v1/products?limit=20", CONNECTIONS),
            ("`GET /api/v1/products?limit=20`, 1 connection", "/api/v1/products?limit=20", 1),
            ("home page `/`", "/", CONNECTIONS),
            ("product page `/products/{id}`", f"/products/{product}", CONNECTIONS),
            ("`GET /api/v1/products/{id}`", f"/api/v1/products/{product}", CONNECTIONS),
        ]
        return [(name, wrk(base + path, c)) for name, path, c in paths]
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    runs = []
    for build in sys.argv[1:]:
        label, binary = build.split("=", 1)
        print(f"measuring {label} ({binary}), {SECONDS} s per path, {CONNECTIONS} connections", flush=True)
        runs.append((label, measure(binary)))
    head = "| path |" + "".join(f" {label} req/s | ratio | p50 ms | p99 ms |" for label, _ in runs)
    print("\n" + head)
    print("| --- |" + " ---: | ---: | ---: | ---: |" * len(runs))
    for i, (name, _) in enumerate(runs[0][1]):
        row = f"| {name} |"
        for _, results in runs:
            trivial = results[0][1]["rps"]
            r = results[i][1]
            bad = f" ({r['bad']} non-2xx)" if r["bad"] else ""
            row += f" {r['rps']:,.0f}{bad} | {r['rps'] / trivial:.3f}× | {r['p50']:.2f} | {r['p99']:.2f} |"
        print(row)


main()
