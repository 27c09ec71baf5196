//! `shuangsui serve` through the real binary: several clients at once lose and duplicate
//! nothing, two draws for one plan and period commit once, a killed server leaves a store that
//! verifies, the identity is the socket's peer, a client of another version is told so.

mod common;

use serde_json::Value;
use shuangsui::i18n::Lang;
use shuangsui::office::protocol::{Reply, Request, Response};
use shuangsui::office::DrawRequest;
use shuangsui::server::{Client, ConnectError};
use std::collections::{HashMap, HashSet};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

fn exe() -> PathBuf {
    assert_cmd::cargo::cargo_bin("shuangsui")
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

fn run(db: &Path, sock: &Path, args: &[&str]) -> Output {
    cmd(db, sock).args(args).output().unwrap()
}

fn ok(db: &Path, sock: &Path, args: &[&str]) -> String {
    let out = run(db, sock, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A demo store and the path of its socket.
fn demo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let sock = dir.path().join("s.sock");
    ok(&db, &sock, &["init", "--demo"]);
    (dir, db, sock)
}

struct Server(Child);

impl Server {
    fn start(db: &Path, sock: &Path) -> Server {
        let child = cmd(db, sock)
            .arg("serve")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let until = Instant::now() + Duration::from_secs(30);
        while UnixStream::connect(sock).is_err() {
            assert!(Instant::now() < until, "the server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Server(child)
    }

    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn verify_passes(db: &Path, sock: &Path) {
    let out = run(db, sock, &["--lang", "en", "verify"]);
    assert!(
        out.status.success(),
        "verify failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("every draw recomputes"));
}

/// Targets CSVs of `per_file` new targets each, with credit codes unseen in the demo.
fn new_target_files(
    dir: &Path,
    known: &HashSet<String>,
    files: usize,
    per_file: usize,
) -> Vec<(PathBuf, Vec<String>)> {
    let mut seen = known.clone();
    let all: Vec<_> = shuangsui::synth::targets(files * per_file * 2, 424_242)
        .into_iter()
        .filter(|t| seen.insert(t.credit_code.as_str().to_string()))
        .collect();
    assert!(all.len() >= files * per_file);
    (0..files)
        .map(|i| {
            let chunk = &all[i * per_file..(i + 1) * per_file];
            let path = dir.join(format!("new-{i}.csv"));
            let f = std::fs::File::create(&path).unwrap();
            shuangsui::synth::write_targets_csv(f, chunk).unwrap();
            (
                path,
                chunk
                    .iter()
                    .map(|t| t.credit_code.as_str().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn credit_codes(db: &Path, sock: &Path) -> Vec<String> {
    let v: Value = serde_json::from_str(&ok(db, sock, &["list", "targets", "--json"])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|t| t["credit_code"].as_str().unwrap().to_string())
        .collect()
}

fn tasks(db: &Path, sock: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_str(&ok(db, sock, &["list", "tasks", "--json"])).unwrap();
    v.as_array().unwrap().clone()
}

#[test]
fn eight_clients_at_once_lose_and_duplicate_nothing() {
    let (dir, db, sock) = demo();
    // Tasks to record results on.
    ok(
        &db,
        &sock,
        &[
            "draw",
            "--plan",
            "1",
            "--period",
            "2022Q3",
            "--date",
            "2022-07-05",
        ],
    );
    let demo_codes: HashSet<String> = credit_codes(&db, &sock).into_iter().collect();
    let files = new_target_files(dir.path(), &demo_codes, 40, 5);
    let task_ids: Vec<u64> = tasks(&db, &sock)
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert!(task_ids.len() >= 2);
    let server = Server::start(&db, &sock);

    let deadline = Instant::now() + Duration::from_secs(12);
    let imported: Arc<Mutex<Vec<String>>> = Arc::default();
    let results: Arc<Mutex<Vec<u64>>> = Arc::default();
    let draws: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let reads = Arc::new(AtomicUsize::new(0));
    let next_file = Arc::new(AtomicUsize::new(0));
    let files = Arc::new(files);
    let task_ids = Arc::new(task_ids);
    let mut handles = Vec::new();
    for who in 0..8usize {
        let (db, sock) = (db.clone(), sock.clone());
        let (imported, results, draws, reads, next_file, files, task_ids) = (
            imported.clone(),
            results.clone(),
            draws.clone(),
            reads.clone(),
            next_file.clone(),
            files.clone(),
            task_ids.clone(),
        );
        handles.push(std::thread::spawn(move || {
            let mut round = 0usize;
            while Instant::now() < deadline {
                round += 1;
                match who {
                    // Readers.
                    0 | 1 => {
                        let out = run(&db, &sock, &["list", "targets"]);
                        assert!(out.status.success());
                        assert!(String::from_utf8_lossy(&out.stderr).contains("服务器模式"));
                        reads.fetch_add(1, Ordering::Relaxed);
                    }
                    // Importers: each file once.
                    2 | 3 => {
                        let i = next_file.fetch_add(1, Ordering::Relaxed);
                        let Some((path, codes)) = files.get(i) else {
                            std::thread::sleep(Duration::from_millis(50));
                            continue;
                        };
                        let p = path.to_string_lossy().to_string();
                        let out = run(&db, &sock, &["import", "targets", &p]);
                        assert!(
                            out.status.success(),
                            "{}",
                            String::from_utf8_lossy(&out.stderr)
                        );
                        imported.lock().unwrap().extend(codes.iter().cloned());
                    }
                    // Result recorders, each on its own half of the tasks.
                    4 | 5 => {
                        let mine: Vec<u64> = task_ids
                            .iter()
                            .copied()
                            .filter(|t| (*t as usize) % 2 == who - 4)
                            .collect();
                        let Some(&t) = mine.get(round - 1) else {
                            std::thread::sleep(Duration::from_millis(50));
                            continue;
                        };
                        let t = t.to_string();
                        ok(&db, &sock, &["task", &t, "check", "--date", "2022-07-20"]);
                        ok(
                            &db,
                            &sock,
                            &[
                                "task",
                                &t,
                                "result",
                                "--phrase",
                                "1",
                                "--determined",
                                "2022-07-21",
                            ],
                        );
                        results.lock().unwrap().push(t.parse().unwrap());
                    }
                    // Drawers, racing each other on the same plans and periods.
                    _ => {
                        // Both drawers ask for the same plans in the same order.
                        let plans = ["2", "3", "9"];
                        let Some(plan) = plans.get(round - 1).copied() else {
                            std::thread::sleep(Duration::from_millis(50));
                            continue;
                        };
                        let (period, date) = ("2022Q3", "2022-07-06");
                        let out = run(
                            &db,
                            &sock,
                            &[
                                "--lang", "en", "draw", "--plan", plan, "--period", period,
                                "--date", date,
                            ],
                        );
                        if out.status.success() {
                            draws.lock().unwrap().push((plan.into(), period.into()));
                        } else {
                            let err = String::from_utf8_lossy(&out.stderr);
                            assert!(err.contains("already has a draw"), "{err}");
                        }
                    }
                }
            }
        }));
    }
    for h in handles {
        h.join().unwrap();
    }
    drop(server);

    // Read back through the store directly (the server is gone; its socket file is stale).
    let codes = credit_codes(&db, &sock);
    let unique: HashSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "a target was duplicated");
    let imported = imported.lock().unwrap();
    assert!(!imported.is_empty() && reads.load(Ordering::Relaxed) > 0);
    for c in imported.iter() {
        assert!(unique.contains(c), "imported target {c} was lost");
    }
    assert_eq!(codes.len(), demo_codes.len() + imported.len());
    let all_tasks = tasks(&db, &sock);
    let by_id: HashMap<u64, &Value> = all_tasks
        .iter()
        .map(|t| (t["id"].as_u64().unwrap(), t))
        .collect();
    assert_eq!(by_id.len(), all_tasks.len(), "a task id was duplicated");
    let results = results.lock().unwrap();
    assert!(!results.is_empty());
    for t in results.iter() {
        assert_eq!(
            by_id[t]["phrase"].as_u64(),
            Some(1),
            "result of task {t} lost"
        );
    }
    // Each (plan, period) committed once, and every draw the clients were told of exists.
    let draws = draws.lock().unwrap();
    let distinct: HashSet<_> = draws.iter().collect();
    assert_eq!(
        distinct.len(),
        draws.len(),
        "a plan and period was drawn twice"
    );
    let listed: Value =
        serde_json::from_str(&ok(&db, &sock, &["list", "draws", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1 + draws.len());
    verify_passes(&db, &sock);
}

/// This process's uid, without `libc` in the tests.
fn unsafe_free_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").unwrap().uid()
}

fn draw_req(plan: u64, period: &str, date: &str) -> Request {
    Request::CommitDraw(DrawRequest {
        plan,
        period: period.into(),
        date: Some(date.parse().unwrap()),
        ..Default::default()
    })
}

#[test]
fn racing_draws_for_one_plan_and_period_commit_once_and_the_peer_is_the_caller() {
    let (_dir, db, sock) = demo();
    let _server = Server::start(&db, &sock);
    // Identity: the server names us from SO_PEERCRED.
    let client = Client::connect(&sock, Lang::En).unwrap();
    let (me, _) = shuangsui::office::roles::user_and_groups(unsafe_free_uid());
    assert_eq!(client.hello.user, me);
    assert_eq!(client.hello.role, Some(shuangsui::office::Role::Director));
    drop(client);

    let n = 6;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let (sock, barrier) = (sock.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut c = Client::connect(&sock, Lang::En).unwrap();
                barrier.wait();
                c.call(&draw_req(1, "2022Q3", "2022-07-05")).unwrap()
            })
        })
        .collect();
    let mut committed = 0;
    for h in handles {
        match h.join().unwrap() {
            Response::Ok(Reply::Drawn(d)) => {
                committed += 1;
                assert_eq!(d.json.period, "2022Q3");
            }
            Response::Error(e) => assert!(
                e.message_en.contains("already has a draw"),
                "{}",
                e.message_en
            ),
            Response::Ok(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(committed, 1);
    // The audit entry of the draw names the peer's user.
    let mut c = Client::connect(&sock, Lang::En).unwrap();
    let Response::Ok(Reply::Text(t)) = c
        .call(&Request::List {
            kind: shuangsui::office::ListKind::Draws,
            json: true,
        })
        .unwrap()
    else {
        panic!("list failed")
    };
    let v: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    drop(c);
    drop(_server);
    // The audit entry of the draw names the peer's user, not one the client claimed.
    let office = shuangsui::office::Office::open(&db, Lang::En).unwrap();
    let last = office.audit_tail(1).unwrap();
    assert_eq!(last[0].action, "draw");
    assert_eq!(last[0].user, me);
}

#[test]
fn a_client_of_another_version_is_told_both_versions() {
    let (_dir, db, sock) = demo();
    let _server = Server::start(&db, &sock);
    match Client::connect_as(&sock, Lang::En, 99) {
        Err(ConnectError::Refused(e)) => {
            let v = shuangsui::office::protocol::PROTOCOL_VERSION;
            assert!(
                e.message_en.contains(&format!("version {v}")),
                "{}",
                e.message_en
            );
            assert!(e.message_en.contains("version 99"), "{}", e.message_en);
            assert!(
                e.message_zh.contains(&format!("第 {v} 版")) && e.message_zh.contains("第 99 版")
            );
        }
        Err(e) => panic!("expected a refusal, got {e:?}"),
        Ok(_) => panic!("a client of version 99 was accepted"),
    }
}

#[test]
fn stale_socket_is_detected_and_replaced_and_a_second_server_is_refused() {
    let (_dir, db, sock) = demo();
    let mut s = Server::start(&db, &sock);
    // A second server on the same socket: refused, exit 2, the first one still answers.
    let out = run(&db, &sock, &["--lang", "en", "serve"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already answers"));
    assert!(UnixStream::connect(&sock).is_ok());
    // The TUI works through the server (tests/tui_pty.rs) rather than failing with "in use";
    // without a terminal it says so and exits 1, never a panic.
    let out = run(&db, &sock, &["--force-utf8"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("终端界面出错"), "{err}");
    assert!(
        !err.contains("正在使用") && !err.contains("in use"),
        "{err}"
    );
    s.kill();
    // The socket file is left behind: commands fall back to the store, the next server
    // removes it.
    assert!(sock.exists());
    let out = run(&db, &sock, &["list", "plans"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("本地库"));
    let _s = Server::start(&db, &sock);
    let out = run(&db, &sock, &["list", "plans"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("服务器模式"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        String::from_utf8_lossy(&run(&db, &sock, &["list", "plans", "--json"]).stdout)
            .matches("\"seq\"")
            .count()
    );
}

#[test]
fn killing_the_server_during_writes_never_breaks_the_store() {
    let (dir, db, sock) = demo();
    let demo_codes: HashSet<String> = credit_codes(&db, &sock).into_iter().collect();
    let files = new_target_files(dir.path(), &demo_codes, 20, 3);
    let periods = [("2022Q3", "2022-07-05"), ("2022Q4", "2022-10-10")];
    for round in 0..20usize {
        let mut server = Server::start(&db, &sock);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (sock, stop) = (sock.clone(), stop.clone());
            let file = files[round].0.clone();
            std::thread::spawn(move || {
                let Ok(mut c) = Client::connect(&sock, Lang::En) else {
                    return;
                };
                let bytes = std::fs::read(&file).unwrap();
                let mut k = 0;
                while !stop.load(Ordering::Relaxed) {
                    let req = if k == 0 {
                        Request::Import {
                            kind: shuangsui::office::ImportKind::Targets,
                            name: "round.csv".into(),
                            bytes: shuangsui::office::protocol::Bytes(bytes.clone()),
                            dry_run: false,
                            clear_empty: false,
                        }
                    } else {
                        let (p, date) = periods[(round + k) % periods.len()];
                        draw_req(1 + ((round + k) as u64 % 9), p, date)
                    };
                    k += 1;
                    if c.call(&req).is_err() {
                        return;
                    }
                }
            })
        };
        std::thread::sleep(Duration::from_millis(40 + (round as u64 * 37) % 200));
        server.kill();
        stop.store(true, Ordering::Relaxed);
        writer.join().unwrap();
        verify_passes(&db, &sock);
    }
    let codes = credit_codes(&db, &sock);
    let unique: HashSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len());
    // Writes did happen between the kills.
    assert!(codes.len() > demo_codes.len());
}

#[test]
fn subscribers_hear_of_every_committed_write() {
    let (_dir, db, sock) = demo();
    let _server = Server::start(&db, &sock);
    let (tx, rx) = std::sync::mpsc::channel();
    let listener = Client::connect(&sock, Lang::En).unwrap();
    std::thread::spawn(move || {
        let _ = listener.subscribe(|ev| tx.send(ev).is_ok());
    });
    let mut c = Client::connect(&sock, Lang::En).unwrap();
    // The subscription is in place once a read has gone through after it (same server).
    std::thread::sleep(Duration::from_millis(200));
    let Response::Ok(Reply::AuditHead { len, .. }) = c.call(&Request::AuditHead).unwrap() else {
        panic!()
    };
    // A read sends nothing; a write sends the new head.
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    assert!(matches!(
        c.call(&draw_req(1, "2022Q3", "2022-07-05")).unwrap(),
        Response::Ok(Reply::Drawn(_))
    ));
    // A one-sitting draw is two audit entries (the announcement, then the draw); the event
    // carries the head after both.
    let ev = rx.recv_timeout(Duration::from_secs(1)).unwrap();
    assert_eq!(ev.audit_len, len + 2);
    let Response::Ok(Reply::AuditHead { head, .. }) = c.call(&Request::AuditHead).unwrap() else {
        panic!()
    };
    assert_eq!(ev.head, head);
    // A refused write sends nothing.
    assert!(matches!(
        c.call(&draw_req(1, "2022Q3", "2022-07-05")).unwrap(),
        Response::Error(_)
    ));
    assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
}

/// `edit target 3 --set FIELD=VALUE --revision REV` through the server.
fn edit_target_3(db: &Path, sock: &Path, set: &str, rev: &str) -> Output {
    run(
        db,
        sock,
        &["edit", "target", "3", "--set", set, "--revision", rev],
    )
}

/// `show targets N --json` through the server: the target with its revision.
fn shown(db: &Path, sock: &Path, id: &str) -> Value {
    serde_json::from_str(&ok(db, sock, &["show", "targets", id, "--json"])).unwrap()
}

#[test]
fn two_clients_editing_one_target_from_one_revision_the_second_is_refused_and_the_first_kept() {
    let (_dir, db, sock) = demo();
    let _server = Server::start(&db, &sock);
    // Both clients load target 3 at the same revision.
    let loaded = shown(&db, &sock, "3");
    let rev = loaded["revision"].as_u64().unwrap().to_string();
    let mut tui = Client::connect(&sock, Lang::En).unwrap();
    let Response::Ok(Reply::Snapshot(snap)) = tui.call(&Request::Snapshot).unwrap() else {
        panic!("no snapshot")
    };
    let mut form = snap.targets[2].clone();
    let form_rev = snap.revisions.rev(shuangsui::store::TreeName::Targets, 3);
    assert_eq!(form_rev.to_string(), rev);
    // The first client (the CLI) changes 行业 from that revision: saved.
    let out = edit_target_3(&db, &sock, "行业类别=水泥制造", &rev);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = shown(&db, &sock, "3");
    assert_eq!(after["industry"], "水泥制造");
    assert!(after["revision"].as_u64() > loaded["revision"].as_u64());
    let audit = ok(&db, &sock, &["--lang", "en", "verify"]);
    // The second client (a TUI form opened at the same revision) saves another field: refused
    // with who changed it and when, in its language.
    form.set_address("宜良县匡远街道另一个地址");
    let Response::Error(e) = tui
        .call(&Request::SaveTarget {
            target: Box::new(form.clone()),
            base_revision: Some(form_rev),
        })
        .unwrap()
    else {
        panic!("the stale save went through")
    };
    let (me, _) = shuangsui::office::roles::user_and_groups(unsafe_free_uid());
    assert!(
        e.message_en
            .starts_with(&format!("target 3 changed by {me} at ")),
        "{}",
        e.message_en
    );
    assert!(e.message_en.contains(": reload"), "{}", e.message_en);
    // The same from a second CLI edit, in Chinese by default, exit status 1.
    let out = edit_target_3(&db, &sock, "address=又一个地址", &rev);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("检查对象 3 已被 {me} 于")) && err.contains("请重新载入"),
        "{err}"
    );
    // The first change is kept, the refused ones left no trace.
    let now = shown(&db, &sock, "3");
    assert_eq!(now, after);
    assert_eq!(ok(&db, &sock, &["--lang", "en", "verify"]), audit);
    // Reloaded (the current revision), the second user's change goes through and keeps the
    // first's.
    let rev = now["revision"].as_u64().unwrap().to_string();
    let out = edit_target_3(&db, &sock, "address=又一个地址", &rev);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let last = shown(&db, &sock, "3");
    assert_eq!(
        (last["industry"].as_str(), last["address"].as_str()),
        (Some("水泥制造"), Some("又一个地址"))
    );
    verify_passes(&db, &sock);
}

/// Issue 18: `coverage --json` through `serve` answers what the store answers in-process.
#[test]
fn coverage_through_the_server_equals_the_local_answer() {
    let (_dir, db, sock) = demo();
    // In-process (no server yet): the helper of the CLI tests.
    common::cli::draw_plan3_q3(&db, "双色球2022078");
    let args = ["coverage", "--from", "2022", "--to", "2022", "--json"];
    let local: Value = serde_json::from_str(&ok(&db, &sock, &args)).unwrap();
    assert_eq!(local["draws"], 1);
    let _server = Server::start(&db, &sock);
    let remote: Value = serde_json::from_str(&ok(&db, &sock, &args)).unwrap();
    assert_eq!(remote, local);
}

#[test]
fn a_rules_import_through_the_server_is_in_force_for_the_next_request_and_after_it() {
    let (dir, db, sock) = demo();
    let mut server = Server::start(&db, &sock);
    let file = dir.path().join("rules.toml");
    ok(&db, &sock, &["rules", "export", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    let i = text.find("id = \"B-1\"").unwrap();
    let j = i + text[i..].find("ratio_min = 10\n").unwrap();
    std::fs::write(
        &file,
        format!("{}ratio_min = 20\n{}", &text[..j], &text[j + 15..]),
    )
    .unwrap();
    let said = ok(&db, &sock, &["rules", "import", file.to_str().unwrap()]);
    assert!(said.contains("v2"), "{said}");
    let show: Value = serde_json::from_str(&ok(&db, &sock, &["rules", "show", "--json"])).unwrap();
    assert_eq!(show["number"], 2);
    assert!(
        show["listing"].as_str().unwrap().contains("不低于20%"),
        "{show}"
    );
    server.kill();
    // The store holds it: a local process reads the same rules.
    let local: Value = serde_json::from_str(&ok(&db, &sock, &["rules", "show", "--json"])).unwrap();
    assert_eq!(
        (local["number"].clone(), local["hash"].clone()),
        (show["number"].clone(), show["hash"].clone())
    );
    verify_passes(&db, &sock);
}
