//! Issue 17, acceptance 4: through `serve`, a change reaches the other clients as the records
//! it wrote (not a snapshot): a one-record change costs a subscriber at most 64 kB on a store
//! of several thousand targets (full chunks of 1024), and a replica that follows the events
//! equals a fresh snapshot; a gap or a reload falls back to a snapshot.

use chrono::NaiveDate;
use shuangsui::domain::task::Step;
use shuangsui::i18n::Lang;
use shuangsui::office::protocol::{
    read_frame, read_frame_bytes, write_frame, ClientHello, Event, Reply, Request, Response,
    ServerHello, MAX_FRAME, PROTOCOL_VERSION,
};
use shuangsui::office::{DrawRequest, ImportKind, Office};
use shuangsui::server::{Client, Server};
use shuangsui::tui::backend::RemoteOffice;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The demo store with 4,000 synthetic targets more (chunks 1 to 4 are full), served here.
fn served() -> (tempfile::TempDir, Arc<Office>, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s");
    {
        let o = Office::open(&db, Lang::En).expect("open");
        o.load_demo().expect("demo");
        let mut seen: std::collections::HashSet<String> = o
            .state()
            .targets
            .iter()
            .map(|t| t.credit_code.as_str().to_string())
            .collect();
        let new: Vec<_> = shuangsui::synth::targets(5000, 17_017)
            .into_iter()
            .filter(|t| seen.insert(t.credit_code.as_str().to_string()))
            .take(4000)
            .collect();
        let csv = dir.path().join("more.csv");
        shuangsui::synth::write_targets_csv(std::fs::File::create(&csv).expect("csv"), &new)
            .expect("write csv");
        o.import(ImportKind::Targets, &csv, false).expect("import");
        assert!(o.state().targets.len() > 4096);
    }
    let sock = dir.path().join("s.sock");
    let server = Server::bind(&db, &sock, &dir.path().join("roles.toml"), Lang::En).expect("bind");
    let office = Arc::clone(server.office());
    std::thread::spawn(move || server.run());
    (dir, office, sock)
}

/// A subscriber reading raw frames: (bytes on the wire, the event).
fn raw_subscriber(sock: &Path) -> std::sync::mpsc::Receiver<(usize, Event)> {
    let mut s = UnixStream::connect(sock).expect("connect");
    write_frame(
        &mut s,
        &ClientHello {
            protocol: PROTOCOL_VERSION,
            lang: Lang::En,
        },
    )
    .expect("hello");
    let _: ServerHello = read_frame(&mut s).expect("read").expect("hello back");
    write_frame(&mut s, &Request::Subscribe).expect("subscribe");
    let r: Response = read_frame(&mut s).expect("read").expect("answer");
    assert!(matches!(r, Response::Ok(Reply::Subscribed)));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        while let Ok(Some(body)) = read_frame_bytes(&mut s, MAX_FRAME) {
            let ev: Event = serde_json::from_slice(&body).expect("an event");
            if tx.send((body.len() + 4, ev)).is_err() {
                return;
            }
        }
    });
    rx
}

fn call(c: &mut Client, req: Request) -> Reply {
    match c.call(&req).expect("call") {
        Response::Ok(r) => r,
        Response::Error(e) => panic!("{req:?}: {}", e.message_en),
    }
}

fn event(rx: &std::sync::mpsc::Receiver<(usize, Event)>) -> (usize, Event) {
    rx.recv_timeout(Duration::from_secs(20)).expect("an event")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// The replica's data as JSON, to compare with the server's.
fn replica_json(r: &RemoteOffice) -> serde_json::Value {
    let rep = r.replica();
    let sealed: Vec<_> = rep
        .book
        .announcements
        .iter()
        .map(shuangsui::office::announce::sealed_copy)
        .collect();
    serde_json::json!({
        "targets": rep.state.targets,
        "inspectors": rep.state.inspectors,
        "departments": rep.state.departments,
        "conflicts": rep.state.conflicts,
        "plans": rep.book.plans,
        "draws": rep.book.draws,
        "tasks": rep.book.tasks,
        "announcements": sealed,
        "revisions": rep.revisions,
        "audit_len": rep.audit_len,
        "codes": rep.state.code_index().len(),
        "search": rep.state.target_search().len(),
    })
}

fn office_json(o: &Office) -> serde_json::Value {
    let snap = o.snapshot();
    let st = o.state();
    serde_json::json!({
        "targets": snap.targets,
        "inspectors": snap.inspectors,
        "departments": snap.departments,
        "conflicts": snap.conflicts,
        "plans": snap.plans,
        "draws": snap.draws,
        "tasks": snap.tasks,
        "announcements": snap.announcements,
        "revisions": snap.revisions,
        "audit_len": snap.audit_len,
        "codes": st.code_index().len(),
        "search": st.target_search().len(),
    })
}

fn wait_for(r: &RemoteOffice, len: u64) {
    let until = Instant::now() + Duration::from_secs(30);
    while r.replica().audit_len < len {
        assert!(Instant::now() < until, "the replica did not follow");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_one_record_change_sends_a_subscriber_at_most_64_kb() {
    let (_dir, office, sock) = served();
    let rx = raw_subscriber(&sock);
    let mut c = Client::connect(&sock, Lang::En).expect("client");

    // One target's field, in a full chunk of 1024 (the chunk itself is some 230 kB).
    let mut t = office.state().target(2000).expect("target 2000").clone();
    t.set_address("新地址 1 号");
    call(
        &mut c,
        Request::SaveTarget {
            target: Box::new(t.clone()),
            base_revision: None,
        },
    );
    let (bytes, ev) = event(&rx);
    eprintln!("one-target edit: {bytes} bytes to each subscriber");
    assert!(bytes <= 64 * 1024, "{bytes} bytes");
    let d = ev.delta.expect("the records, not a reload");
    assert_eq!(d.records.len(), 1, "{:?}", d.records);
    assert_eq!(d.records[0].tree, "targets");
    assert_eq!(d.records[0].key, vec![2000]);
    assert_eq!(
        d.records[0].revision.as_ref().map(|r| r.rev),
        Some(ev.audit_len)
    );

    // A status change of one target.
    call(
        &mut c,
        Request::SetTargetStatus {
            target: 3000,
            status: shuangsui::domain::TargetStatus::Suspended,
            effective: day(2022, 8, 1),
            reason: "停业".into(),
            base_revision: None,
        },
    );
    let (bytes, ev) = event(&rx);
    assert!(bytes <= 64 * 1024, "{bytes} bytes");
    assert_eq!(ev.delta.expect("records").records.len(), 1);

    // One task step (after a draw, whose event carries its tasks).
    let drawn = call(
        &mut c,
        Request::CommitDraw(DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: Some(day(2022, 7, 5)),
            ..DrawRequest::default()
        }),
    );
    let (_, ev) = event(&rx);
    assert!(
        ev.delta.is_some(),
        "a draw of the demo's size is sent as records"
    );
    let Reply::Drawn(d) = drawn else {
        panic!("{drawn:?}")
    };
    let task = d.json.tasks[0].id;
    call(
        &mut c,
        Request::TaskStep {
            task,
            step: Step::Check {
                date: day(2022, 8, 2),
                method: None,
                approval: String::new(),
            },
        },
    );
    let (bytes, ev) = event(&rx);
    eprintln!("one task step: {bytes} bytes to each subscriber");
    assert!(bytes <= 64 * 1024, "{bytes} bytes");
    let d = ev.delta.expect("records");
    assert!(d
        .records
        .iter()
        .any(|r| r.tree == "tasks" && r.key == vec![task]));
}

#[test]
fn a_replica_follows_the_events_and_equals_a_fresh_snapshot() {
    let (_dir, office, sock) = served();
    let b = Arc::new(
        RemoteOffice::new(
            Client::connect(&sock, Lang::En).expect("b"),
            &sock,
            Lang::En,
        )
        .expect("snapshot"),
    );
    assert_eq!(b.snapshots(), 1);
    let (tx, _rx) = std::sync::mpsc::channel();
    b.watch(move || tx.send(()).is_ok());
    std::thread::sleep(Duration::from_millis(300));
    let mut c = Client::connect(&sock, Lang::En).expect("writer");

    // Edit, add, status changes, a plan, a draw, task steps, a void.
    let mut t = office.state().target(5).expect("target").clone();
    t.set_name(&format!("{}（改）", t.name()));
    call(
        &mut c,
        Request::SaveTarget {
            target: Box::new(t),
            base_revision: None,
        },
    );
    let mut new = shuangsui::synth::target_at(99_999, 31_337);
    assert!(office
        .state()
        .target_id_by_code(new.credit_code.as_str())
        .is_none());
    new.id = 0;
    call(
        &mut c,
        Request::SaveTarget {
            target: Box::new(new),
            base_revision: None,
        },
    );
    // An import adding a few targets (and changing one): the added ones in id order.
    let mut seen: std::collections::HashSet<String> = office
        .state()
        .targets
        .iter()
        .map(|t| t.credit_code.as_str().to_string())
        .collect();
    let mut rows: Vec<_> = shuangsui::synth::targets(40, 4_242)
        .into_iter()
        .filter(|t| seen.insert(t.credit_code.as_str().to_string()))
        .take(5)
        .collect();
    let mut changed = office.state().target(9).expect("target").clone();
    changed.set_address("导入改的地址");
    rows.push(changed);
    let mut csv = Vec::new();
    shuangsui::synth::write_targets_csv(&mut csv, &rows).expect("csv");
    call(
        &mut c,
        Request::Import {
            kind: ImportKind::Targets,
            name: "few.csv".into(),
            bytes: shuangsui::office::protocol::Bytes(csv),
            dry_run: false,
            clear_empty: false,
        },
    );
    call(
        &mut c,
        Request::SetInspectorStatus {
            inspector: 2,
            status: shuangsui::domain::inspector::InspectorStatus::Inactive,
            effective: day(2022, 7, 1),
            reason: "休假".into(),
            base_revision: None,
        },
    );
    let mut plan = office.book().plans[0].clone();
    plan.name = format!("{}（修订）", plan.name);
    call(
        &mut c,
        Request::SavePlan {
            plan: Box::new(plan),
            base_revision: None,
        },
    );
    let drawn = call(
        &mut c,
        Request::CommitDraw(DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: Some(day(2022, 7, 5)),
            ..DrawRequest::default()
        }),
    );
    let Reply::Drawn(d) = drawn else {
        panic!("{drawn:?}")
    };
    for task in d.json.tasks.iter().take(3).map(|t| t.id) {
        call(
            &mut c,
            Request::TaskStep {
                task,
                step: Step::Check {
                    date: day(2022, 8, 2),
                    method: None,
                    approval: String::new(),
                },
            },
        );
    }
    call(
        &mut c,
        Request::VoidDraw {
            draw: d.json.id,
            reason: "测试作废".into(),
        },
    );
    wait_for(&b, office.audit_len() as u64);
    assert_eq!(replica_json(&b), office_json(&office));
    assert_eq!(b.snapshots(), 1, "followed without a snapshot");

    // A writer's own replica catches up through `Changes`, without a snapshot either.
    let a = RemoteOffice::new(
        Client::connect(&sock, Lang::En).expect("a"),
        &sock,
        Lang::En,
    )
    .expect("snapshot");
    let mut t = office.state().target(6).expect("target").clone();
    t.set_address("自己改的");
    a.call(&Request::SaveTarget {
        target: Box::new(t),
        base_revision: None,
    })
    .expect("save");
    a.catch_up().expect("catch up");
    assert_eq!(replica_json(&a), office_json(&office));
    assert_eq!(a.snapshots(), 1);
    wait_for(&b, office.audit_len() as u64);
    assert_eq!(replica_json(&b), office_json(&office));
}

#[test]
fn a_gap_or_a_reload_fetches_what_is_missing() {
    let (_dir, office, sock) = served();
    let rx = raw_subscriber(&sock);
    // Not watching: it misses the events.
    let b = RemoteOffice::new(
        Client::connect(&sock, Lang::En).expect("b"),
        &sock,
        Lang::En,
    )
    .expect("snapshot");
    let mut c = Client::connect(&sock, Lang::En).expect("writer");
    for id in [7, 8] {
        let mut t = office.state().target(id).expect("target").clone();
        t.set_address(&format!("地址 {id}"));
        call(
            &mut c,
            Request::SaveTarget {
                target: Box::new(t),
                base_revision: None,
            },
        );
    }
    let _first = event(&rx);
    let (_, second) = event(&rx);
    // Only the second event: a gap. The server still holds both: caught up without a snapshot.
    assert!(b.apply_event(&second).expect("applied"));
    assert_eq!(replica_json(&b), office_json(&office));
    assert_eq!(b.snapshots(), 1);
    // An event already applied changes nothing.
    assert!(!b.apply_event(&second).expect("applied"));
    // A reload: a snapshot.
    let reload = Event {
        audit_len: second.audit_len,
        reload: true,
        ..Event::default()
    };
    assert!(b.apply_event(&reload).expect("reloaded"));
    assert_eq!(b.snapshots(), 2);
    assert_eq!(replica_json(&b), office_json(&office));
    // An event whose records do not fit the replica (a target beyond the next id): the
    // replica is fetched again rather than left wrong.
    let mut bad = second.clone();
    let d = bad.delta.as_mut().expect("records");
    d.from = second.audit_len;
    bad.audit_len = second.audit_len + 1;
    if let Some(shuangsui::office::delta::Record::Target(t)) = &mut d.records[0].record {
        t.id = 1_000_000;
    }
    b.apply_event(&bad).expect("refetched");
    assert_eq!(b.snapshots(), 3);
    assert_eq!(replica_json(&b), office_json(&office));
}
