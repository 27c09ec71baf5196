//! A second client of a running `shuangsui serve` (issue 17, acceptance 4): how long its
//! replica takes to arrive (the streamed snapshot, decoded, indexes built: what the TUI waits
//! for before its first frame), then what a one-record change made by another client costs:
//! the bytes of the event the watcher receives and the time until its replica shows it.
//!
//! ```text
//! shuangsui --db STORE serve &
//! cargo run --release --example serve_client -- STORE/shuangsui.sock
//! ```
//!
//! The change edits target 1's address and puts it back (two audited commits).

use shuangsui::i18n::Lang;
use shuangsui::office::protocol::{Reply, Request, Response};
use shuangsui::server::Client;
use shuangsui::tui::backend::RemoteOffice;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let Some(sock) = std::env::args().nth(1) else {
        eprintln!("usage: serve_client SOCKET");
        std::process::exit(2);
    };
    let sock = std::path::PathBuf::from(sock);
    // The parts: the stream alone (read and decoded), then the indexes.
    let start = Instant::now();
    let mut raw = Client::connect(&sock, Lang::En).expect("connect");
    let frames = std::sync::atomic::AtomicU64::new(0);
    let snap = raw
        .snapshot_stream(&|done, _| frames.store(done, std::sync::atomic::Ordering::Relaxed))
        .expect("stream");
    let streamed = start.elapsed();
    let t = Instant::now();
    let n = snap.targets.len();
    let parts = snap.into_parts().expect("parts");
    println!(
        "stream of {n} targets in {} frames: {streamed:.2?}; indexes (State::from_parts): {:.2?}",
        frames.load(std::sync::atomic::Ordering::Relaxed),
        t.elapsed()
    );
    if std::env::args().any(|a| a == "--sizes") {
        // What the targets weigh in the stream, plain and deflated (fast level).
        use std::io::Write;
        let (st, _, _) = &parts;
        let (mut plain, mut deflated) = (0usize, 0usize);
        for p in st.targets.chunks(shuangsui::office::stream::PIECE) {
            let b = shuangsui::store::codec::encode(p).expect("encode");
            let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
            z.write_all(&b).expect("deflate");
            plain += b.len();
            deflated += z.finish().expect("deflate").len();
        }
        println!("targets in the stream: {plain} bytes plain, {deflated} deflated");
    }
    drop(parts);
    drop(raw);
    let start = Instant::now();
    let client = Client::connect(&sock, Lang::En).expect("connect");
    let remote = RemoteOffice::new(client, &sock, Lang::En).expect("snapshot");
    let loaded = start.elapsed();
    let n = remote.replica().state.targets.len();
    println!("replica of {n} targets ready in {loaded:.2?} (connect, stream, decode, indexes)");

    // The raw event a subscriber receives for a one-record change.
    let (tx, rx) = mpsc::channel();
    let s2 = sock.clone();
    std::thread::spawn(move || {
        let c = Client::connect(&s2, Lang::En).expect("subscriber");
        let _ = c.subscribe(|ev| {
            let bytes = serde_json::to_vec(&ev).map(|b| b.len() + 4).unwrap_or(0);
            tx.send((Instant::now(), bytes, ev.delta.is_some())).is_ok()
        });
    });
    let remote = Arc::new(remote);
    let (wtx, wrx) = mpsc::channel();
    remote.watch(move || wtx.send(Instant::now()).is_ok());
    std::thread::sleep(Duration::from_millis(500));

    let mut writer = Client::connect(&sock, Lang::En).expect("writer");
    let mut t = remote.replica().state.targets[0].clone();
    let old = t.address().to_string();
    for address in ["serve_client 测试".to_string(), old] {
        t.set_address(&address);
        let sent = Instant::now();
        match writer
            .call(&Request::SaveTarget {
                target: Box::new(t.clone()),
                base_revision: None,
            })
            .expect("save")
        {
            Response::Ok(Reply::Target(_)) => {}
            other => panic!("{other:?}"),
        }
        let answered = sent.elapsed();
        let (at, bytes, delta) = rx.recv_timeout(Duration::from_secs(30)).expect("event");
        let shown = wrx.recv_timeout(Duration::from_secs(30)).expect("replica");
        let ok = remote.replica().state.targets[0].address() == t.address();
        println!(
            "one-target edit: answered in {answered:.2?}; event {bytes} bytes (records: {delta}) after {:.2?}; other replica updated after {:.2?} (matches: {ok})",
            at - sent,
            shown - sent
        );
    }
}
