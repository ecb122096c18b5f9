//! The preview server under load (`cargo bench --bench serve_load`): `speechgen serve` on a copy
//! of the sample, 64 keep-alive connections on 127.0.0.1 asking for the page, the view and the
//! PDF for 30 s, while the facts file is saved with a changed figure every second (so every
//! second there is a new version whose PDF is asked for by many connections at once). Reports
//! errors, latencies per route and the server's memory; the last line is JSON for
//! `benches/compare.py`. A measurement, not a test.
//!
//! Environment: `SPEECHGEN_BIN` (another build to measure, e.g. an older one),
//! `SERVE_LOAD_SECS` (30), `SERVE_LOAD_CONNECTIONS` (64). Bounded: at most that long, at most
//! 200,000 requests per connection, only 127.0.0.1.

#[path = "../tests/it/harness/mod.rs"]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ROUTES: [&str; 4] = ["/", "/view", "/", "/speech.pdf"];
/// Between a connection's requests: a busy page rather than a flood.
const THINK: Duration = Duration::from_millis(20);
const MAX_REQUESTS_PER_CONNECTION: usize = 200_000;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The secret's cookie of the server under load.
static COOKIE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Starts `speechgen serve` on any free port and returns it with its address.
fn start_server(project: &common::Project) -> (Child, SocketAddr) {
    let bin = std::env::var("SPEECHGEN_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_speechgen").to_owned());
    let mut child = std::process::Command::new(bin)
        .current_dir(project.root())
        .args(["serve", "--port", "0", "--fonts", "bundled"])
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("speechgen serve starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("speechgen serve prints its address")
            .unwrap();
        if let Some(at) = line.find("http://") {
            let rest = &line[at + 7..];
            let end = rest.find('/').unwrap_or(rest.len());
            // The workspace asks every request for the secret's cookie, as a browser sends it.
            let key: String = rest
                .split("key=")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take_while(char::is_ascii_hexdigit)
                .collect();
            let addr: SocketAddr = rest[..end].parse().expect("an address");
            let _ = COOKIE.set(format!(
                "{}={key}",
                speechgen::serve::cookie_name(addr.port())
            ));
            break addr;
        }
    };
    // Keep reading its stderr so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// One request on a keep-alive connection: (status, body length).
fn request(stream: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<(u16, usize)> {
    write!(
        stream.get_mut(),
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\n\r\n",
        COOKIE.get().map_or("", String::as_str)
    )?;
    let mut status = 0;
    let mut length = 0;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some(rest) = l.strip_prefix("HTTP/1.1 ") {
            status = rest.get(..3).and_then(|s| s.parse().ok()).unwrap_or(0);
        } else if let Some((k, v)) = l.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body)?;
    Ok((status, length))
}

fn connect(addr: SocketAddr) -> std::io::Result<BufReader<TcpStream>> {
    let s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_nodelay(true)?;
    Ok(BufReader::new(s))
}

/// (VmRSS, VmHWM) of a process in KiB.
fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0
}

fn main() {
    let secs = env_or("SERVE_LOAD_SECS", 30);
    let connections = env_or("SERVE_LOAD_CONNECTIONS", 64) as usize;
    let project = common::Project::sample();
    let original = project.read_facts();
    let edited = original.replacen("reminder_talks: 68", "reminder_talks: 69", 1);
    assert_ne!(original, edited, "the sample has reminder_talks: 68");
    let (mut server, addr) = start_server(&project);
    let pid = server.id();
    // The first version and its PDF, before the clock starts.
    let mut warm = connect(addr).expect("connects");
    assert_eq!(request(&mut warm, "/").unwrap().0, 200);
    assert_eq!(request(&mut warm, "/speech.pdf").unwrap().0, 200);
    let (rss_start, _) = memory(pid).unwrap_or((0, 0));

    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let latencies: Arc<Mutex<Vec<(usize, Duration)>>> = Arc::default();
    let peak_rss = Arc::new(AtomicU64::new(rss_start));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);

    let sampler = {
        let (stop, peak) = (stop.clone(), peak_rss.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                if let Some((rss, _)) = memory(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    let editor = {
        let stop = stop.clone();
        let versions = [edited.clone(), original.clone()];
        let project_facts = project.facts();
        std::thread::spawn(move || {
            let mut edits = 0;
            while Instant::now() + Duration::from_secs(1) <= deadline
                && !stop.load(Ordering::Relaxed)
            {
                std::thread::sleep(Duration::from_secs(1));
                // Saved as editors save: a new file renamed over the old one.
                let tmp = project_facts.with_extension("yaml.tmp-save");
                std::fs::write(&tmp, &versions[edits % 2]).unwrap();
                std::fs::rename(&tmp, &project_facts).unwrap();
                edits += 1;
            }
            edits
        })
    };
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let (errors, latencies) = (errors.clone(), latencies.clone());
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                let mut conn = connect(addr).ok();
                for i in 0..MAX_REQUESTS_PER_CONNECTION {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let route = (c + i) % ROUTES.len();
                    let t = Instant::now();
                    let ok = match conn.as_mut().map(|s| request(s, ROUTES[route])) {
                        Some(Ok((200, len))) if len > 0 => true,
                        _ => {
                            conn = connect(addr).ok();
                            false
                        }
                    };
                    if ok {
                        mine.push((route, t.elapsed()));
                    } else {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                    std::thread::sleep(THINK);
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let edits = editor.join().unwrap();
    sampler.join().unwrap();
    let (_, hwm) = memory(pid).unwrap_or((0, 0));
    let _ = server.kill();
    let _ = server.wait();

    let latencies = latencies.lock().unwrap();
    let by_route = |names: &[&str]| {
        let mut v: Vec<Duration> = latencies
            .iter()
            .filter(|(r, _)| names.contains(&ROUTES[*r]))
            .map(|(_, d)| *d)
            .collect();
        v.sort();
        v
    };
    let page = by_route(&["/"]);
    let view = by_route(&["/view"]);
    let pdf = by_route(&["/speech.pdf"]);
    let errors = errors.load(Ordering::Relaxed);
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "serve: {connections} connections, {:.1} s, {edits} edits: {} requests answered, {errors} errors",
        elapsed.as_secs_f64(),
        latencies.len()
    );
    for (name, v) in [("page /", &page), ("/view", &view), ("/speech.pdf", &pdf)] {
        println!(
            "  {name:<12} n={:<6} p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
            v.len(),
            percentile(v, 0.5),
            percentile(v, 0.99),
            percentile(v, 1.0)
        );
    }
    println!(
        "  memory: {:.1} MiB at start, peak {:.1} MiB (sampled), {:.1} MiB (VmHWM)",
        mib(rss_start),
        mib(peak_rss.load(Ordering::Relaxed)),
        mib(hwm)
    );
    println!(
        "JSON {{\"connections\": {connections}, \"secs\": {:.2}, \"edits\": {edits}, \"requests\": {}, \"errors\": {errors}, \"page_p50_ms\": {:.3}, \"page_p99_ms\": {:.3}, \"pdf_p99_ms\": {:.3}, \"rss_start_mib\": {:.1}, \"rss_peak_mib\": {:.1}}}",
        elapsed.as_secs_f64(),
        latencies.len(),
        percentile(&page, 0.5),
        percentile(&page, 0.99),
        percentile(&pdf, 0.99),
        mib(rss_start),
        mib(hwm.max(peak_rss.load(Ordering::Relaxed)))
    );
}
