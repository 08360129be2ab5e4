//! bench/live's load client: connects many WebSocket viewers to one room,
//! sends a steady chat through a few chatter connections, and measures what
//! the viewers receive: delivered chat frames per second and the delivery
//! latency (each message carries its send time), plus the server's memory
//! per connection: the slope of its resident set as the viewers join.
//! The same client drives Haul and the Node.js baseline.
//!
//! usage: haul-live-load --url ws://127.0.0.1:8080/path --viewers 5000
//!        [--tokens FILE] [--chatters 10] [--rate 20] [--seconds 20]
//!        [--sources 4] [--server-pid PID]

#![allow(clippy::unwrap_used)]

use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::Message;

struct Args {
    url: String,
    viewers: usize,
    tokens: Vec<String>,
    chatters: usize,
    rate: f64,
    seconds: f64,
    sources: u8,
    server_pid: Option<u32>,
}

fn args() -> Args {
    let mut a =
        Args { url: String::new(), viewers: 1000, tokens: vec![], chatters: 10, rate: 20.0, seconds: 20.0, sources: 4, server_pid: None };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let v = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--url" => a.url = v,
            "--viewers" => a.viewers = v.parse().unwrap(),
            "--tokens" => a.tokens = std::fs::read_to_string(v).unwrap().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect(),
            "--chatters" => a.chatters = v.parse().unwrap(),
            "--rate" => a.rate = v.parse().unwrap(),
            "--seconds" => a.seconds = v.parse().unwrap(),
            "--sources" => a.sources = v.parse().unwrap(),
            "--server-pid" => a.server_pid = Some(v.parse().unwrap()),
            other => panic!("unknown argument {other}"),
        }
    }
    if !a.tokens.is_empty() {
        a.chatters = a.tokens.len();
    }
    assert!(a.url.starts_with("ws://"), "--url ws://host:port/path");
    a
}

fn now_us() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_micros() as u64
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0)
}

type Socket = tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>;

/// Connects from 127.0.0.`source` (many source addresses: more ports).
async fn connect(url: &str, source: u8) -> Socket {
    let host_port = url.trim_start_matches("ws://").split('/').next().unwrap();
    let server: std::net::SocketAddr = host_port.parse().unwrap();
    for attempt in 0..20 {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(([127, 0, 0, source], 0).into()).unwrap();
        match socket.connect(server).await {
            Ok(stream) => match tokio_tungstenite::client_async(url, {
                let _ = stream.set_nodelay(true);
                stream
            })
            .await
            {
                Ok((ws, _)) => return ws,
                Err(e) if attempt == 19 => panic!("handshake: {e}"),
                Err(_) => {}
            },
            Err(e) if attempt == 19 => panic!("connect: {e}"),
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(50 * (attempt + 1))).await;
    }
    unreachable!()
}

/// The send time in a chat frame's text (`"text":"t<micros>"`).
fn sent_us(frame: &str) -> Option<u64> {
    if !frame.contains("\"type\":\"chat\"") {
        return None;
    }
    let start = frame.find("\"text\":\"t")? + 9;
    let digits: &str = &frame[start..];
    digits[..digits.find('"')?].parse().ok()
}

fn skipped(frame: &str) -> u64 {
    if !frame.contains("\"type\":\"skipped\"") {
        return 0;
    }
    frame.split("\"count\":").nth(1).and_then(|s| s.trim_end_matches('}').parse().ok()).unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let a = args();
    let sources = a.sources.max(1);
    let measuring = Arc::new(AtomicBool::new(false));
    // A watch, not a Notify: a reader busy with a frame when the run ends
    // still sees the change at its next wait.
    let (done_tx, done) = tokio::sync::watch::channel(false);
    let skipped_total = Arc::new(AtomicU64::new(0));

    // Viewers, connected fifty at a time (few handshakes in flight, so their
    // passing buffers do not count as the connections' memory).
    let started = Instant::now();
    let mut readers = Vec::with_capacity(a.viewers);
    // The server's resident set after each quarter of the viewers joined:
    // memory per connection is the slope through these points, so fixed
    // costs and one-off allocator steps weigh little.
    let mut points: Vec<(f64, f64)> = Vec::new();
    let all: Vec<usize> = (0..a.viewers).collect();
    for quarter in all.chunks(a.viewers.div_ceil(4).max(1)) {
        for chunk in quarter.chunks(50) {
            let sockets = futures_util::future::join_all(chunk.iter().map(|i| connect(&a.url, 1 + (*i % sources as usize) as u8))).await;
            for mut ws in sockets {
                let (measuring, mut done, skipped_total) = (measuring.clone(), done.clone(), skipped_total.clone());
                readers.push(tokio::spawn(async move {
                    let mut latencies: Vec<u32> = Vec::new();
                    loop {
                        tokio::select! {
                            msg = ws.next() => match msg {
                                Some(Ok(Message::Text(t))) => {
                                    if let Some(sent) = sent_us(t.as_str()) {
                                        if measuring.load(Ordering::Relaxed) {
                                            latencies.push(now_us().saturating_sub(sent).min(u32::MAX as u64) as u32);
                                        }
                                    } else {
                                        skipped_total.fetch_add(skipped(t.as_str()), Ordering::Relaxed);
                                    }
                                }
                                Some(Ok(_)) => {}
                                _ => break,
                            },
                            _ = done.changed() => break,
                        }
                    }
                    latencies
                }));
            }
        }
        if let Some(pid) = a.server_pid {
            tokio::time::sleep(Duration::from_secs(2)).await;
            points.push((readers.len() as f64, rss_kib(pid) as f64));
        }
    }
    eprintln!("resident set (connections, KiB): {points:?}");
    let slope = {
        let n = points.len() as f64;
        let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
        let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
        if sxx > 0.0 { sxy / sxx } else { 0.0 }
    };
    let connect_s = started.elapsed().as_secs_f64();
    eprintln!("{} viewers connected in {connect_s:.1} s", a.viewers);
    let rss_after = points.last().map(|p| p.1 as u64).unwrap_or(0);

    // Chatters: they read (and discard) what the room sends them too.
    let mut chat_sinks = Vec::new();
    for c in 0..a.chatters {
        let url = match a.tokens.get(c) {
            Some(t) => format!("{}{}token={t}", a.url, if a.url.contains('?') { '&' } else { '?' }),
            None => a.url.clone(),
        };
        let (sink, mut stream) = connect(&url, 1).await.split();
        tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
        chat_sinks.push(sink);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    measuring.store(true, Ordering::Relaxed);
    let total = (a.rate * a.seconds).round() as u64;
    let start = tokio::time::Instant::now();
    for k in 0..total {
        tokio::time::sleep_until(start + Duration::from_secs_f64(k as f64 / a.rate)).await;
        let text = format!("{{\"type\":\"chat\",\"text\":\"t{}\"}}", now_us());
        let n = chat_sinks.len();
        if chat_sinks[k as usize % n].send(Message::text(text)).await.is_err() {
            eprintln!("a chatter's connection closed");
        }
    }
    let sending_s = start.elapsed().as_secs_f64();
    // Let the last messages arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    measuring.store(false, Ordering::Relaxed);
    let rss_end = a.server_pid.map(rss_kib).unwrap_or(0);
    let _ = done_tx.send(true);
    let mut latencies = Vec::new();
    let mut open = 0;
    for r in readers {
        let l = r.await.unwrap();
        open += 1;
        latencies.extend(l);
    }
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1))).copied().unwrap_or(0) as f64 / 1000.0
    };
    let delivered = latencies.len() as u64;
    let expected = total * a.viewers as u64;
    println!(
        "viewers={} connected_in_s={connect_s:.1} sent={total} rate={} seconds={sending_s:.1} delivered={delivered} expected={expected} \
         delivered_per_s={:.0} p50_ms={:.1} p99_ms={:.1} max_ms={:.1} skipped={} rss_all_kib={rss_after} rss_end_kib={rss_end} \
         kib_per_connection={:.2} open_readers={open}",
        a.viewers,
        a.rate,
        delivered as f64 / sending_s,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        skipped_total.load(Ordering::Relaxed),
        slope,
    );
}
