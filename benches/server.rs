//! Requests over the socket of `shuangsui serve` (in-process server, demo store): the round
//! trip of a small request, and requests per second from 4 clients at once.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shuangsui::i18n::Lang;
use shuangsui::office::protocol::{Reply, Request, Response};
use shuangsui::office::{ListKind, Office};
use shuangsui::server::{Client, Server};
use std::path::PathBuf;

fn server() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let office = Office::open(&db, Lang::Zh).unwrap();
    office.load_demo().unwrap();
    drop(office);
    let sock = dir.path().join("s.sock");
    let roles = dir.path().join("roles.toml");
    let s = Server::bind(&db, &sock, &roles, Lang::Zh).unwrap();
    std::thread::spawn(move || s.run());
    (dir, sock)
}

fn bench(c: &mut Criterion) {
    let (_dir, sock) = server();
    let mut client = Client::connect(&sock, Lang::Zh).unwrap();
    let mut g = c.benchmark_group("server");
    g.throughput(Throughput::Elements(1));
    g.bench_function("round trip: audit head", |b| {
        b.iter(|| match client.call(&Request::AuditHead).unwrap() {
            Response::Ok(Reply::AuditHead { len, .. }) => len,
            other => panic!("{other:?}"),
        })
    });
    g.bench_function("round trip: list plans (text)", |b| {
        b.iter(|| {
            client
                .call(&Request::List {
                    kind: ListKind::Plans,
                    json: false,
                })
                .unwrap()
        })
    });
    g.bench_function("connect + handshake", |b| {
        b.iter(|| Client::connect(&sock, Lang::Zh).unwrap())
    });
    // 4 clients, 200 requests each.
    g.throughput(Throughput::Elements(800));
    g.sample_size(10);
    g.bench_function("4 clients x 200 audit-head requests", |b| {
        b.iter(|| {
            let hs: Vec<_> = (0..4)
                .map(|_| {
                    let sock = sock.clone();
                    std::thread::spawn(move || {
                        let mut c = Client::connect(&sock, Lang::Zh).unwrap();
                        for _ in 0..200 {
                            c.call(&Request::AuditHead).unwrap();
                        }
                    })
                })
                .collect();
            for h in hs {
                h.join().unwrap();
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
