//! bench/live's load client: connects many WebSocket viewers to one room
//! (or to many, with `--rooms`), sends a steady chat through a few chatter
//! connections, and measures what the viewers receive: delivered chat frames
//! per second and the delivery latency (each message carries its send time),
//! plus the server's memory per connection: the slope of its resident set as
//! the viewers join. The same client drives Haul and the Node.js baseline.
//!
//! usage: haul-live-load --url ws://127.0.0.1:8080/path --viewers 5000
//!        [--tokens FILE] [--chatters 10] [--rate 20] [--seconds 20]
//!        [--sources 4] [--server-pid PID]
//!    or: haul-live-load --rooms FILE [--tokens FILE] [--seconds 20] ...
//!        where each line of FILE is `ws-url viewers chat-messages-per-second`;
//!        each room gets one chatter (the tokens taken in turn), and the
//!        figures are given for all rooms and for each size of room.

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
    rooms: Vec<Room>,
    tokens: Vec<String>,
    chatters: usize,
    rate: f64,
    seconds: f64,
    sources: u8,
    server_pid: Option<u32>,
}

fn args() -> Args {
    let mut a = Args {
        url: String::new(),
        viewers: 1000,
        rooms: vec![],
        tokens: vec![],
        chatters: 10,
        rate: 20.0,
        seconds: 20.0,
        sources: 4,
        server_pid: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    for pair in argv.chunks(2) {
        let v = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--url" => a.url = v,
            "--viewers" => a.viewers = v.parse().unwrap(),
            "--rooms" => a.rooms = std::fs::read_to_string(v).unwrap().lines().filter(|l| !l.trim().is_empty()).map(Room::parse).collect(),
            "--tokens" => a.tokens = std::fs::read_to_string(v).unwrap().lines().map(str::to_owned).filter(|l| !l.is_empty()).collect(),
            "--chatters" => a.chatters = v.parse().unwrap(),
            "--rate" => a.rate = v.parse().unwrap(),
            "--seconds" => a.seconds = v.parse().unwrap(),
            "--sources" => a.sources = v.parse().unwrap(),
            "--server-pid" => a.server_pid = Some(v.parse().unwrap()),
            other => panic!("unknown argument {other}"),
        }
    }
    if a.rooms.is_empty() {
        if !a.tokens.is_empty() {
            a.chatters = a.tokens.len();
        }
        assert!(a.url.starts_with("ws://"), "--url ws://host:port/path");
        a.rooms = vec![Room { url: a.url.clone(), viewers: a.viewers, rate: a.rate, chatters: a.chatters }];
    }
    a
}

/// One room of the load: where, how many watch, how much chat.
struct Room {
    url: String,
    viewers: usize,
    rate: f64,
    chatters: usize,
}

impl Room {
    fn parse(line: &str) -> Room {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert!(f.len() == 3 && f[0].starts_with("ws://"), "a room is `ws-url viewers rate`: {line}");
        Room { url: f[0].to_owned(), viewers: f[1].parse().unwrap(), rate: f[2].parse().unwrap(), chatters: 1 }
    }
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
    // passing buffers do not count as the connections' memory); `(room, viewer)`
    // in an order that fills every room a little at a time.
    let started = Instant::now();
    let viewers = a.rooms.iter().map(|r| r.viewers).sum::<usize>();
    let mut slots: Vec<(usize, usize)> = a.rooms.iter().enumerate().flat_map(|(r, room)| (0..room.viewers).map(move |v| (r, v))).collect();
    slots.sort_by_key(|&(r, v)| (v, r));
    let mut readers: Vec<(usize, tokio::task::JoinHandle<Vec<u32>>)> = Vec::with_capacity(viewers);
    // The server's resident set after each quarter of the viewers joined:
    // memory per connection is the slope through these points, so fixed
    // costs and one-off allocator steps weigh little.
    let mut points: Vec<(f64, f64)> = Vec::new();
    for quarter in slots.chunks(viewers.div_ceil(4).max(1)) {
        for chunk in quarter.chunks(50) {
            let sockets = futures_util::future::join_all(
                chunk.iter().enumerate().map(|(i, &(r, _))| connect(&a.rooms[r].url, 1 + (i % sources as usize) as u8)),
            )
            .await;
            for (mut ws, &(room, _)) in sockets.into_iter().zip(chunk) {
                let (measuring, mut done, skipped_total) = (measuring.clone(), done.clone(), skipped_total.clone());
                readers.push((
                    room,
                    tokio::spawn(async move {
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
                    }),
                ));
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
    eprintln!("{viewers} viewers in {} rooms connected in {connect_s:.1} s", a.rooms.len());
    let rss_after = points.last().map(|p| p.1 as u64).unwrap_or(0);

    // Chatters, the tokens taken in turn: they read (and discard) what the
    // room sends them too.
    let mut chatters = Vec::new();
    let mut next_token = 0;
    for (r, room) in a.rooms.iter().enumerate() {
        let mut sinks = Vec::new();
        for _ in 0..room.chatters {
            let url = match a.tokens.get(next_token % a.tokens.len().max(1)) {
                Some(t) => format!("{}{}token={t}", room.url, if room.url.contains('?') { '&' } else { '?' }),
                None => room.url.clone(),
            };
            next_token += 1;
            let (sink, mut stream) = connect(&url, 1 + (r % sources as usize) as u8).await.split();
            tokio::spawn(async move { while let Some(Ok(_)) = stream.next().await {} });
            sinks.push(sink);
        }
        chatters.push(sinks);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Every room chats at its own rate at once; the messages of a room are
    // spread over its chatters.
    measuring.store(true, Ordering::Relaxed);
    let start = tokio::time::Instant::now();
    let seconds = a.seconds;
    let senders: Vec<_> = chatters
        .into_iter()
        .zip(&a.rooms)
        .enumerate()
        .map(|(i, (mut sinks, room))| {
            let rate = room.rate;
            tokio::spawn(async move {
                let total = (rate * seconds).round() as u64;
                // Rooms start spread over one message's interval (golden-ratio
                // steps), not all on the same tick.
                let offset = Duration::from_secs_f64((i as f64 * 0.618_034).fract() / rate.max(1.0));
                for k in 0..total {
                    tokio::time::sleep_until(start + offset + Duration::from_secs_f64(k as f64 / rate)).await;
                    let text = format!("{{\"type\":\"chat\",\"text\":\"t{}\"}}", now_us());
                    let n = sinks.len();
                    if sinks[k as usize % n].send(Message::text(text)).await.is_err() {
                        eprintln!("a chatter's connection closed");
                    }
                }
                total
            })
        })
        .collect();
    let mut sent_per_room = Vec::with_capacity(senders.len());
    for s in senders {
        sent_per_room.push(s.await.unwrap());
    }
    let sending_s = start.elapsed().as_secs_f64();
    // Let the last messages arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    measuring.store(false, Ordering::Relaxed);
    let rss_end = a.server_pid.map(rss_kib).unwrap_or(0);
    let _ = done_tx.send(true);
    let mut by_room: Vec<Vec<u32>> = vec![Vec::new(); a.rooms.len()];
    let mut open = 0;
    for (room, r) in readers {
        by_room[room].extend(r.await.unwrap());
        open += 1;
    }

    // All rooms, then each size of room when there are several.
    let mut classes: Vec<usize> = a.rooms.iter().map(|r| r.viewers).collect();
    classes.sort_unstable();
    classes.dedup();
    let summary = |members: &[usize]| {
        let mut latencies: Vec<u32> = members.iter().flat_map(|&r| by_room[r].iter().copied()).collect();
        latencies.sort_unstable();
        let pct = |p: f64| {
            latencies.get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1))).copied().unwrap_or(0) as f64
                / 1000.0
        };
        let expected: u64 = members.iter().map(|&r| sent_per_room[r] * a.rooms[r].viewers as u64).sum();
        // The room that got the least of what it was sent.
        let worst = members
            .iter()
            .map(|&r| by_room[r].len() as f64 / (sent_per_room[r] * a.rooms[r].viewers as u64).max(1) as f64)
            .fold(f64::INFINITY, f64::min);
        (latencies.len() as u64, expected, pct(0.50), pct(0.99), pct(1.0), worst)
    };
    let all: Vec<usize> = (0..a.rooms.len()).collect();
    let (delivered, expected, p50, p99, max, worst) = summary(&all);
    let sent: u64 = sent_per_room.iter().sum();
    println!(
        "rooms={} viewers={viewers} connected_in_s={connect_s:.1} sent={sent} seconds={sending_s:.1} delivered={delivered} expected={expected} \
         delivered_per_s={:.0} p50_ms={p50:.1} p99_ms={p99:.1} max_ms={max:.1} worst_room={worst:.3} skipped={} rss_all_kib={rss_after} \
         rss_end_kib={rss_end} kib_per_connection={slope:.2} open_readers={open}",
        a.rooms.len(),
        delivered as f64 / sending_s,
        skipped_total.load(Ordering::Relaxed),
    );
    if classes.len() > 1 {
        for size in classes {
            let members: Vec<usize> = (0..a.rooms.len()).filter(|&r| a.rooms[r].viewers == size).collect();
            let (delivered, expected, p50, p99, max, worst) = summary(&members);
            eprintln!(
                "class viewers_per_room={size} rooms={} delivered={delivered} expected={expected} delivered_per_s={:.0} p50_ms={p50:.1} \
                 p99_ms={p99:.1} max_ms={max:.1} worst_room={worst:.3}",
                members.len(),
                delivered as f64 / sending_s,
            );
        }
    }
}
