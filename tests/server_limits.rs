//! `shuangsui serve` under a hostile colleague (issue 14), through the real binary: frames and
//! hellos are bounded before anyone is known, idle connections are capped, fd exhaustion does
//! not spin, and a soak of readers, writers, a subscriber that never reads and a connection
//! announcing a gigabyte leaves a server that answers, stays small and loses nothing.
//! Every loop here is bounded in count and time; only Unix sockets in a temp dir are used.

use serde_json::Value;
use shuangsui::i18n::Lang;
use shuangsui::office::protocol::{
    read_frame, write_frame, Bytes, ClientHello, Reply, Request, Response, PROTOCOL_VERSION,
};
use shuangsui::office::{DrawRequest, ImportKind, ListKind};
use shuangsui::server::Client;
use std::collections::HashSet;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_shuangsui"))
}

fn cmd(db: &Path, sock: &Path) -> Command {
    let mut c = Command::new(exe());
    c.arg("--db")
        .arg(db)
        .arg("--socket")
        .arg(sock)
        .env("SHUANGSUI_LOG", db.with_extension("log"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&db.with_extension("log")).with_extension("key"),
        )
        .env_remove("SHUANGSUI_ROLES");
    c
}

fn demo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let sock = dir.path().join("s.sock");
    let out = cmd(&db, &sock).args(["init", "--demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db, sock)
}

struct Server(Child);

impl Server {
    /// `serve` with extra arguments; `nofile`: run it under `ulimit -n`.
    fn start(db: &Path, sock: &Path, args: &[&str], nofile: Option<u32>) -> Server {
        let mut c = match nofile {
            None => {
                let mut c = cmd(db, sock);
                c.arg("serve").args(args);
                c
            }
            Some(n) => {
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$@\""))
                    .arg("sh")
                    .arg(exe())
                    .arg("--db")
                    .arg(db)
                    .arg("--socket")
                    .arg(sock)
                    .arg("serve")
                    .args(args)
                    .env("SHUANGSUI_LOG", db.with_extension("log"))
                    .env(
                        "SHUANGSUI_KEY",
                        std::path::Path::new(&db.with_extension("log")).with_extension("key"),
                    )
                    .env_remove("SHUANGSUI_ROLES");
                c
            }
        };
        let child = c
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let s = Server(child);
        let until = Instant::now() + Duration::from_secs(30);
        while Client::connect(sock, Lang::En).is_err() {
            assert!(Instant::now() < until, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        s
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    /// A field of /proc/PID/status in kB (VmRSS, VmHWM) or as a count (Threads).
    fn status(&self, field: &str) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        s.lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap()
    }

    /// User and system CPU time in clock ticks.
    fn cpu_ticks(&self) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        let after = &s[s.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = after.split_whitespace().collect();
        f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
    }

    fn alive(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A raw connection that said hello.
fn greeted(sock: &Path) -> UnixStream {
    let mut s = UnixStream::connect(sock).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write_frame(
        &mut s,
        &ClientHello {
            protocol: PROTOCOL_VERSION,
            lang: Lang::En,
        },
    )
    .unwrap();
    let _: Value = read_frame(&mut s).unwrap().unwrap();
    s
}

fn error_of(r: Response) -> String {
    match r {
        Response::Error(e) => e.message_en,
        Response::Ok(r) => panic!("accepted: {r:?}"),
    }
}

fn answers(sock: &Path) -> bool {
    Client::connect(sock, Lang::En)
        .ok()
        .and_then(|mut c| c.call(&Request::AuditHead).ok())
        .is_some_and(|r| matches!(r, Response::Ok(Reply::AuditHead { .. })))
}

#[test]
fn a_hello_over_4_kb_is_refused_without_allocating_it() {
    let (_dir, db, sock) = demo();
    let mut server = Server::start(&db, &sock, &[], None);
    let before = server.status("VmRSS");
    let mut held = Vec::new();
    for len in [4097u32, 1 << 30, u32::MAX] {
        for _ in 0..10 {
            let mut s = UnixStream::connect(&sock).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            s.write_all(&len.to_be_bytes()).unwrap();
            // The refusal may come before the rest is written.
            let _ = s.write_all(b"{\"protocol\":1");
            // Answered without the body being waited for.
            let r: Response = read_frame(&mut s)
                .unwrap_or_else(|e| panic!("no refusal for a length of {len}: {e}"))
                .unwrap();
            assert!(error_of(r).contains("too large"));
            held.push(s);
        }
    }
    assert!(server.alive());
    let after = server.status("VmRSS");
    assert!(
        after < before + 50_000,
        "RSS grew from {before} kB to {after} kB"
    );
    assert!(answers(&sock));
}

#[test]
fn invalid_json_after_the_handshake_gets_an_error_frame_and_the_connection_goes_on() {
    let (_dir, db, sock) = demo();
    let _server = Server::start(&db, &sock, &["--max-frame-mb", "1"], None);
    let mut s = greeted(&sock);
    s.write_all(&5u32.to_be_bytes()).unwrap();
    s.write_all(b"nope!").unwrap();
    let r: Response = read_frame(&mut s).unwrap().unwrap();
    assert!(error_of(r).contains("unreadable request"));
    write_frame(&mut s, &Request::AuditHead).unwrap();
    let r: Response = read_frame(&mut s).unwrap().unwrap();
    assert!(matches!(r, Response::Ok(Reply::AuditHead { .. })));
    // Over the configured limit (1 MB): refused, naming the limit, and closed.
    s.write_all(&(2u32 << 20).to_be_bytes()).unwrap();
    let r: Response = read_frame(&mut s).unwrap().unwrap();
    let msg = error_of(r);
    assert!(
        msg.contains("too large") && msg.contains("1048576"),
        "{msg}"
    );
    assert!(read_frame::<Value>(&mut s).unwrap().is_none());
}

#[test]
fn two_thousand_idle_connections_are_capped_and_a_new_client_is_answered() {
    let (_dir, db, sock) = demo();
    let server = Server::start(&db, &sock, &[], None);
    let mut idle = Vec::new();
    for _ in 0..2_000 {
        match UnixStream::connect(&sock) {
            Ok(s) => idle.push(s),
            Err(e) => panic!("connect: {e}"),
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    assert!(answers(&sock), "a legitimate client was not answered");
    assert!(start.elapsed() < Duration::from_secs(5));
    // One thread per admitted connection at most: the default caps are 32 per user, 256 in all.
    // The 2,000 connections stay open; the threads that answered the refused ones end on their
    // own (on a loaded machine some are still ending after the half second above), so the
    // count is read until it settles, for up to 10 s.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut threads = server.status("Threads");
    while threads >= 100 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        threads = server.status("Threads");
    }
    assert!(threads < 100, "{threads} threads");
    drop(idle);
}

#[test]
fn fd_exhaustion_does_not_spin() {
    let (_dir, db, sock) = demo();
    let log = db.with_extension("log");
    let mut server = Server::start(
        &db,
        &sock,
        &["--max-connections", "10000", "--max-per-user", "10000"],
        Some(64),
    );
    let mut held = Vec::new();
    for _ in 0..200 {
        if let Ok(s) = UnixStream::connect(&sock) {
            held.push(s);
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let cpu = server.cpu_ticks();
    let log_before = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    std::thread::sleep(Duration::from_secs(2));
    let spent = server.cpu_ticks() - cpu;
    let log_after = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0);
    // 100 ticks a second on Linux: under 0.3 s of CPU in 2 s.
    assert!(
        spent < 30,
        "{spent} ticks of CPU in 2 s without descriptors"
    );
    assert!(
        log_after - log_before < 10_000,
        "{} bytes of log",
        log_after - log_before
    );
    assert!(server.alive());
    drop(held);
    let until = Instant::now() + Duration::from_secs(20);
    while !answers(&sock) {
        assert!(Instant::now() < until, "the server did not recover");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Targets CSVs of `per_file` new targets each.
fn new_target_files(
    known: &HashSet<String>,
    files: usize,
    per_file: usize,
) -> Vec<(Vec<u8>, Vec<String>)> {
    let mut seen = known.clone();
    let all: Vec<_> = shuangsui::synth::targets(files * per_file * 2, 77_001)
        .into_iter()
        .filter(|t| seen.insert(t.credit_code.as_str().to_string()))
        .collect();
    (0..files)
        .map(|i| {
            let chunk = &all[i * per_file..(i + 1) * per_file];
            let mut out = Vec::new();
            shuangsui::synth::write_targets_csv(&mut out, chunk).unwrap();
            let codes = chunk
                .iter()
                .map(|t| t.credit_code.as_str().to_string())
                .collect();
            (out, codes)
        })
        .collect()
}

fn snapshot(c: &mut Client) -> shuangsui::office::protocol::Snapshot {
    match c.call(&Request::Snapshot).unwrap() {
        Response::Ok(Reply::Snapshot(s)) => *s,
        r => panic!("{r:?}"),
    }
}

/// 8 clients for `secs`: three readers (incl. `list draws --json`), an importer, a drawer, a
/// task stepper, a subscriber that never reads and a connection announcing a gigabyte.
fn soak(secs: u64) {
    let (_dir, db, sock) = demo();
    let mut server = Server::start(&db, &sock, &[], None);
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut c = Client::connect(&sock, Lang::En).unwrap();
    let known: HashSet<String> = snapshot(&mut c)
        .targets
        .iter()
        .map(|t| t.credit_code.as_str().to_string())
        .collect();
    let imported = Arc::new(Mutex::new(Vec::<String>::new()));
    let drawn = Arc::new(Mutex::new(Vec::<u64>::new()));
    let checked = Arc::new(Mutex::new(Vec::<u64>::new()));
    let reads = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut handles = Vec::new();
    // The subscriber that never reads.
    let mut deaf = greeted(&sock);
    write_frame(&mut deaf, &Request::Subscribe).unwrap();
    for kind in [ListKind::Draws, ListKind::Tasks, ListKind::Targets] {
        let (sock, stop, reads) = (sock.clone(), Arc::clone(&stop), Arc::clone(&reads));
        handles.push(std::thread::spawn(move || {
            let mut c = Client::connect(&sock, Lang::En).unwrap();
            for _ in 0..100_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let r = c.call(&Request::List { kind, json: true }).unwrap();
                assert!(matches!(r, Response::Ok(Reply::Text(_))), "{r:?}");
                reads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    {
        let (sock, stop, imported) = (sock.clone(), Arc::clone(&stop), Arc::clone(&imported));
        let files = new_target_files(&known, 40, 50);
        handles.push(std::thread::spawn(move || {
            let mut c = Client::connect(&sock, Lang::En).unwrap();
            for (i, (bytes, codes)) in files.into_iter().enumerate() {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let r = c
                    .call(&Request::Import {
                        kind: ImportKind::Targets,
                        name: format!("soak-{i}.csv"),
                        bytes: Bytes(bytes),
                        dry_run: false,
                        clear_empty: false,
                    })
                    .unwrap();
                if matches!(r, Response::Ok(Reply::Imported(_))) {
                    imported.lock().unwrap().extend(codes);
                }
            }
        }));
    }
    {
        let (sock, stop, drawn) = (sock.clone(), Arc::clone(&stop), Arc::clone(&drawn));
        handles.push(std::thread::spawn(move || {
            let mut c = Client::connect(&sock, Lang::En).unwrap();
            let plans: Vec<u64> = snapshot(&mut c).plans.iter().map(|p| p.id).collect();
            'all: for (year, q) in (2022..2026).flat_map(|y| (1..=4).map(move |q| (y, q))) {
                for p in &plans {
                    if stop.load(Ordering::Relaxed) {
                        break 'all;
                    }
                    let month = (q - 1) * 3 + 1;
                    let r = c
                        .call(&Request::CommitDraw(DrawRequest {
                            plan: *p,
                            period: format!("{year}Q{q}"),
                            date: Some(chrono::NaiveDate::from_ymd_opt(year, month, 5).unwrap()),
                            ..Default::default()
                        }))
                        .unwrap();
                    if let Response::Ok(Reply::Drawn(d)) = r {
                        drawn.lock().unwrap().push(d.json.id);
                    }
                }
            }
        }));
    }
    {
        let (sock, stop, checked) = (sock.clone(), Arc::clone(&stop), Arc::clone(&checked));
        handles.push(std::thread::spawn(move || {
            let mut c = Client::connect(&sock, Lang::En).unwrap();
            let mut done = HashSet::new();
            for _ in 0..10_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let snap = snapshot(&mut c);
                let next = snap
                    .tasks
                    .iter()
                    .find(|t| t.check.is_none() && !t.voided && !done.contains(&t.id));
                let Some(t) = next else {
                    std::thread::sleep(Duration::from_millis(50));
                    continue;
                };
                done.insert(t.id);
                let date = snap
                    .draws
                    .iter()
                    .find(|d| d.id == t.draw)
                    .map(|d| d.date + chrono::Duration::days(10))
                    .unwrap();
                let r = c
                    .call(&Request::TaskStep {
                        task: t.id,
                        step: shuangsui::domain::task::Step::Check {
                            date,
                            method: None,
                            approval: String::new(),
                        },
                    })
                    .unwrap();
                if matches!(r, Response::Ok(_)) {
                    checked.lock().unwrap().push(t.id);
                }
            }
        }));
    }
    {
        let (sock, stop) = (sock.clone(), Arc::clone(&stop));
        handles.push(std::thread::spawn(move || {
            for _ in 0..10_000 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let mut s = greeted(&sock);
                s.write_all(&(1u32 << 30).to_be_bytes()).unwrap();
                let _ = s.write_all(&[b'x'; 1024]);
                let r: Response = read_frame(&mut s).unwrap().unwrap();
                assert!(error_of(r).contains("too large"));
                std::thread::sleep(Duration::from_millis(20));
            }
        }));
    }
    let mut max_rss = 0;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        assert!(server.alive(), "the server died");
        max_rss = max_rss.max(server.status("VmRSS"));
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().unwrap();
    }
    assert!(answers(&sock), "the server stopped answering");
    assert!(max_rss < 200_000, "RSS reached {max_rss} kB");
    assert!(reads.load(Ordering::Relaxed) > 0);
    // No acknowledged write lost.
    let snap = snapshot(&mut c);
    let codes: HashSet<&str> = snap
        .targets
        .iter()
        .map(|t| t.credit_code.as_str())
        .collect();
    for code in imported.lock().unwrap().iter() {
        assert!(codes.contains(code.as_str()), "imported target {code} lost");
    }
    let draws: HashSet<u64> = snap.draws.iter().map(|d| d.id).collect();
    let drawn = drawn.lock().unwrap();
    assert!(!drawn.is_empty(), "no draw was acknowledged");
    for d in drawn.iter() {
        assert!(draws.contains(d), "draw #{d} lost");
    }
    for t in checked.lock().unwrap().iter() {
        assert!(
            snap.tasks.iter().any(|x| x.id == *t && x.check.is_some()),
            "check of task {t} lost"
        );
    }
    match c.call(&Request::Verify).unwrap() {
        Response::Ok(Reply::Verified { draw_problem, .. }) => {
            assert!(draw_problem.is_none(), "{draw_problem:?}")
        }
        r => panic!("verify: {r:?}"),
    }
    drop(deaf);
}

#[test]
fn soak_5_seconds() {
    soak(5);
}

#[test]
#[ignore = "30 s soak: cargo test --test server_limits -- --ignored"]
fn soak_30_seconds() {
    soak(30);
}
