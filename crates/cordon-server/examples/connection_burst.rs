//! A bounded connection burst against a running `cordon serve` on loopback:
//! N keep-alive connections each screening names in a loop for S seconds,
//! then the answers, latencies and — with `--pid` — the server's resident
//! memory and thread count before, at the peak and after the burst (read
//! from `/proc/PID/status`, Linux).
//!
//! ```sh
//! cordon serve --listen 127.0.0.1:8080 &
//! cargo run --release -p cordon-server --example connection_burst -- \
//!     --addr 127.0.0.1:8080 --key "$KEY" --connections 1000 --seconds 20 --pid $!
//! ```
//!
//! Loopback only, at most 2,000 connections and 120 seconds: it is a
//! measuring tool, not a load-testing service.

use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// Most connections the tool opens.
const MAX_CONNECTIONS: usize = 2_000;
/// Longest burst, in seconds.
const MAX_SECONDS: u64 = 120;
/// Longest wait for one answer before the connection counts as failed.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);
/// Names screened in turn (listed and unlisted, several scripts).
const NAMES: [&str; 6] = [
    "Doku Umarov",
    "Умаров Доку Хаматович",
    "Jane Roe",
    "Tohir Yoʻldoshev",
    "Ali Vali",
    "Gulmurod Khalimov",
];

struct Options {
    addr: SocketAddr,
    key: String,
    connections: usize,
    seconds: u64,
    pid: Option<u32>,
}

fn options() -> Result<Options, String> {
    let mut args = std::env::args().skip(1);
    let mut addr = None;
    let (mut key, mut connections, mut seconds, mut pid) = (None, 100, 10, None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag}: a value is missing"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|e| format!("{flag} {value}: {e}"))
        };
        match flag.as_str() {
            "--addr" => {
                addr = Some(
                    value
                        .parse::<SocketAddr>()
                        .map_err(|e| format!("--addr {value}: {e}"))?,
                )
            }
            "--key" => key = Some(value.clone()),
            "--connections" => connections = number()? as usize,
            "--seconds" => seconds = number()?,
            "--pid" => pid = Some(number()? as u32),
            other => return Err(format!("unknown option {other}")),
        }
    }
    let addr = addr.ok_or("--addr 127.0.0.1:PORT is required")?;
    if !addr.ip().is_loopback() {
        return Err(format!("--addr {addr}: loopback addresses only"));
    }
    if connections == 0 || connections > MAX_CONNECTIONS {
        return Err(format!(
            "--connections {connections}: between 1 and {MAX_CONNECTIONS}"
        ));
    }
    if seconds == 0 || seconds > MAX_SECONDS {
        return Err(format!("--seconds {seconds}: between 1 and {MAX_SECONDS}"));
    }
    Ok(Options {
        addr,
        key: key.ok_or("--key KEY (a screener key) is required")?,
        connections,
        seconds,
        pid,
    })
}

/// What one connection saw.
#[derive(Default)]
struct Tally {
    ok: u64,
    overloaded: u64,
    other: u64,
    failed_connections: u64,
    latencies: Vec<Duration>,
}

/// Reads what has arrived (waiting for something).
async fn read_some(stream: &TcpStream, buffer: &mut [u8]) -> std::io::Result<usize> {
    loop {
        stream.readable().await?;
        match stream.try_read(buffer) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            other => return other,
        }
    }
}

/// Writes all of `data`.
async fn write_all(stream: &TcpStream, mut data: &[u8]) -> std::io::Result<()> {
    while !data.is_empty() {
        stream.writable().await?;
        match stream.try_write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads one HTTP/1.1 response (headers and a Content-Length body); the status.
async fn read_response(stream: &TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<u16> {
    buffer.clear();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let n = read_some(stream, &mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..header_end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buffer.len() < header_end + length {
        let n = read_some(stream, &mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Ok(status)
}

async fn connection(addr: SocketAddr, key: String, until: Instant, offset: usize) -> Tally {
    let mut tally = Tally::default();
    let Ok(stream) = TcpStream::connect(addr).await else {
        tally.failed_connections += 1;
        return tally;
    };
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(16 * 1024);
    let mut n = offset;
    while Instant::now() < until {
        let body = serde_json::json!({"name": NAMES[n % NAMES.len()]}).to_string();
        n += 1;
        let request = format!(
            "POST /v1/screen HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {key}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        if write_all(&stream, request.as_bytes()).await.is_err() {
            tally.failed_connections += 1;
            return tally;
        }
        let answer = tokio::time::timeout(ANSWER_TIMEOUT, read_response(&stream, &mut buffer))
            .await
            .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()));
        match answer {
            Ok(200) => tally.ok += 1,
            Ok(503) => {
                tally.overloaded += 1;
                // Back off a little, as a client honouring Retry-After would not hammer.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(_) => tally.other += 1,
            Err(_) => {
                tally.failed_connections += 1;
                return tally;
            }
        }
        tally.latencies.push(started.elapsed());
    }
    tally
}

/// (resident MB, threads) of a process, from /proc.
fn sample(pid: u32) -> Option<(f64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")? as f64 / 1024.0, field("Threads:")?))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let idle = options.pid.and_then(sample);
    let started = Instant::now();
    let until = started + Duration::from_secs(options.seconds);
    let tasks: Vec<_> = (0..options.connections)
        .map(|i| tokio::spawn(connection(options.addr, options.key.clone(), until, i)))
        .collect();
    let mut peak: Option<(f64, u64)> = None;
    if let Some(pid) = options.pid {
        while Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if let Some((rss, threads)) = sample(pid) {
                let (p_rss, p_threads) = peak.unwrap_or((0.0, 0));
                peak = Some((p_rss.max(rss), p_threads.max(threads)));
            }
        }
    }
    let mut total = Tally::default();
    for task in tasks {
        if let Ok(t) = task.await {
            total.ok += t.ok;
            total.overloaded += t.overloaded;
            total.other += t.other;
            total.failed_connections += t.failed_connections;
            total.latencies.extend(t.latencies);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    total.latencies.sort();
    let answered = total.ok + total.overloaded + total.other;
    println!(
        "connections {} for {:.1} s: {answered} answers ({:.0}/s), {} ok, {} overloaded (503), {} other, {} connections failed",
        options.connections,
        elapsed,
        answered as f64 / elapsed,
        total.ok,
        total.overloaded,
        total.other,
        total.failed_connections
    );
    println!(
        "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&total.latencies, 0.50).as_secs_f64() * 1e3,
        percentile(&total.latencies, 0.99).as_secs_f64() * 1e3,
        total
            .latencies
            .last()
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1e3
    );
    if let Some(pid) = options.pid {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = sample(pid);
        let show = |s: Option<(f64, u64)>| {
            s.map_or("n/a".to_string(), |(rss, threads)| {
                format!("{rss:.0} MB, {threads} threads")
            })
        };
        println!(
            "server {pid}: idle {}; peak {}; 2 s after {}",
            show(idle),
            show(peak),
            show(after)
        );
    }
}
