//! The TUI's backends: the role check on the local store, and the remote replica through an
//! in-process `shuangsui serve`.

use super::app::perform_blocking_on;
use super::backend::{Backend, RemoteOffice};
use super::keymap::Keymap;
use super::state::{AppState, Config, Effect, Input, Op, OpResult, Overlay};
use super::symbols::Symbols;
use crate::domain::TargetStatus;
use crate::i18n::Lang;
use crate::office::protocol::Caller;
use crate::office::{Office, Role, Roles};
use crate::server::{Client, Server};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;
use std::time::Duration;

fn config(lang: Lang) -> Config {
    Config {
        lang,
        keymap: Keymap::builtin().expect("built-in keymap"),
        symbols: Symbols::unicode(),
        color: false,
        mouse: false,
        today: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
        store_label: "local".into(),
        user: "tester".into(),
        server: false,
        me: None,
        role: None,
    }
}

fn input(b: &Backend, app: &mut AppState, i: Input) -> Effect {
    b.with_ctx(|ctx| app.update(i, ctx))
}

fn key(code: KeyCode, m: KeyModifiers) -> Input {
    Input::Key(KeyEvent::new(code, m))
}

/// Open the status form of the first target and fill it in (停产, a reason); the operation.
fn status_form_op(b: &Backend, app: &mut AppState) -> Op {
    input(b, app, key(KeyCode::Char('s'), KeyModifiers::NONE));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "status form");
    input(b, app, key(KeyCode::Char('u'), KeyModifiers::CONTROL));
    input(b, app, key(KeyCode::End, KeyModifiers::NONE));
    for _ in 0..4 {
        input(b, app, key(KeyCode::Backspace, KeyModifiers::NONE));
    }
    input(b, app, Input::Paste("停产".into()));
    // Saving without a reason moves the focus to the reason.
    assert_eq!(
        input(b, app, key(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        Effect::Redraw
    );
    input(b, app, Input::Paste("环保督查停产整治".into()));
    match input(b, app, key(KeyCode::Char('s'), KeyModifiers::CONTROL)) {
        Effect::Op(op) => op,
        other => panic!("the form gives an operation, not {other:?}"),
    }
}

#[test]
fn a_viewer_is_refused_in_the_local_tui_naming_the_role_and_nothing_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let office = Office::open(&dir.path().join("store"), Lang::Zh).expect("open");
    office.load_demo().expect("demo");
    let caller = Caller::local(Lang::Zh);
    let roles = format!("[users]\n\"{}\" = \"viewer\"\n", caller.user);
    office.set_roles(Some(Roles::parse(&roles, "roles.toml").expect("roles")));
    let office = Arc::new(office);
    let audit = office.audit_len();
    let status = office.state().targets[0].status;
    let b = Backend::local(Arc::clone(&office), Lang::Zh);
    let mut app = b.with_ctx(|ctx| AppState::new(config(Lang::Zh), ctx));
    input(&b, &mut app, Input::Resize(80, 24));
    let op = status_form_op(&b, &mut app);
    perform_blocking_on(&b, &mut app, op);
    let Some(Overlay::Form(f)) = &app.overlay else {
        panic!("the form stays open with the refusal");
    };
    let msg = f.error.clone().unwrap_or_default();
    assert!(msg.contains(Role::Office.label(Lang::Zh)), "{msg}");
    assert!(msg.contains(&caller.user), "{msg}");
    assert!(msg.contains("未做任何修改"), "{msg}");
    assert_eq!(office.audit_len(), audit);
    assert_eq!(office.state().targets[0].status, status);

    // The same user as office: saved.
    let roles = format!("[users]\n\"{}\" = \"office\"\n", caller.user);
    office.set_roles(Some(Roles::parse(&roles, "roles.toml").expect("roles")));
    let Effect::Op(op) = input(&b, &mut app, key(KeyCode::Char('s'), KeyModifiers::CONTROL)) else {
        panic!("the filled form saves again");
    };
    perform_blocking_on(&b, &mut app, op);
    assert!(app.overlay.is_none(), "{:?}", app.overlay);
    assert_eq!(office.audit_len(), audit + 1);
    assert_eq!(office.state().targets[0].status, TargetStatus::Suspended);
}

/// A demo store served in this process; the server's office and the socket.
fn served() -> (tempfile::TempDir, Arc<Office>, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("s");
    let sock = dir.path().join("s.sock");
    {
        let o = Office::open(&db, Lang::En).expect("open");
        o.load_demo().expect("demo");
    }
    let server = Server::bind(&db, &sock, &dir.path().join("roles.toml"), Lang::En).expect("bind");
    let office = Arc::clone(server.office());
    std::thread::spawn(move || server.run());
    (dir, office, sock)
}

fn remote(sock: &std::path::Path) -> Arc<RemoteOffice> {
    let client = Client::connect(sock, Lang::En)
        .map_err(|e| format!("{e:?}"))
        .expect("connect");
    Arc::new(RemoteOffice::new(client, sock, Lang::En).expect("snapshot"))
}

#[test]
fn a_remote_status_change_reaches_the_store_and_both_replicas() {
    let (_dir, office, sock) = served();
    let a = remote(&sock);
    let b = remote(&sock);
    assert_eq!(
        a.replica().state.targets.len(),
        office.state().targets.len()
    );
    assert_eq!(a.replica().book.plans.len(), office.book().plans.len());
    // What every change costs each connected TUI (README: serve section).
    let snap = serde_json::to_vec(&office.snapshot()).expect("json").len();
    eprintln!(
        "snapshot of the demo: {snap} bytes for {} targets",
        office.state().targets.len()
    );
    assert!(snap < 2_000_000, "{snap}");
    let (tx, rx) = std::sync::mpsc::channel();
    b.watch(move || tx.send(()).is_ok());
    // Let the watcher subscribe before the write.
    std::thread::sleep(Duration::from_millis(200));
    let audit = office.audit_len();
    let backend = Backend::Remote(Arc::clone(&a));
    let r = backend.run(
        Op::SetTargetStatus {
            id: 3,
            status: TargetStatus::Closed,
            date: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
            reason: "注销".into(),
            base: None,
        },
        Lang::En,
        &|_| {},
    );
    assert!(
        matches!(&r, OpResult::Saved(Ok(m)) if m.contains("status changed")),
        "{r:?}"
    );
    assert_eq!(office.audit_len(), audit + 1);
    assert_eq!(office.state().targets[2].status, TargetStatus::Closed);
    assert_eq!(a.replica().state.targets[2].status, TargetStatus::Closed);
    assert_eq!(a.replica().audit_len, audit as u64 + 1);
    // The other client hears of it and refreshes within a second.
    rx.recv_timeout(Duration::from_secs(1))
        .expect("change notification");
    assert_eq!(b.replica().state.targets[2].status, TargetStatus::Closed);
    // The audit tail and the verification come through the server too.
    let r = backend.run(Op::OpenAudit, Lang::En, &|_| {});
    assert!(
        matches!(&r, OpResult::Audit(Ok((e, n))) if e[0].action == "target status" && *n == audit + 1),
        "{r:?}"
    );
    assert!(matches!(
        backend.verify(Lang::En),
        OpResult::Verify { ok: true, .. }
    ));
}

#[test]
fn a_remote_viewer_is_refused_and_the_replica_is_unchanged() {
    let (dir, office, sock) = served();
    let a = remote(&sock);
    let user = a.user().to_string();
    // The roles of the running server, as `serve` reads them at start.
    let _ = dir;
    office.set_roles(Some(
        Roles::parse(&format!("[users]\n\"{user}\" = \"viewer\"\n"), "roles.toml").expect("roles"),
    ));
    let audit = office.audit_len();
    let before = a.replica().state.targets[2].status;
    let r = Backend::Remote(Arc::clone(&a)).run(
        Op::SetTargetStatus {
            id: 3,
            status: TargetStatus::Closed,
            date: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
            reason: "注销".into(),
            base: None,
        },
        Lang::En,
        &|_| {},
    );
    assert!(
        matches!(&r, OpResult::Saved(Err(m)) if m.contains(Role::Office.label(Lang::En))),
        "{r:?}"
    );
    assert_eq!(office.audit_len(), audit);
    assert_eq!(a.replica().state.targets[2].status, before);
    assert_eq!(office.state().targets[2].status, before);
}

#[test]
fn two_remote_tuis_change_one_status_from_one_revision_the_second_is_refused_then_reloads() {
    let (_dir, office, sock) = served();
    let (a, b) = (
        Backend::Remote(remote(&sock)),
        Backend::Remote(remote(&sock)),
    );
    let (mut app_a, mut app_b) = (
        a.with_ctx(|ctx| AppState::new(config(Lang::Zh), ctx)),
        b.with_ctx(|ctx| AppState::new(config(Lang::Zh), ctx)),
    );
    input(&a, &mut app_a, Input::Resize(80, 24));
    input(&b, &mut app_b, Input::Resize(80, 24));
    // Both open the first target's status form at the same revision.
    let op_a = status_form_op(&a, &mut app_a);
    let op_b = status_form_op(&b, &mut app_b);
    assert_eq!(op_a, op_b);
    perform_blocking_on(&a, &mut app_a, op_a);
    assert!(app_a.overlay.is_none(), "{:?}", app_a.overlay);
    let audit = office.audit_len();
    let history = office.state().targets[0].status_history.clone();
    perform_blocking_on(&b, &mut app_b, op_b);
    let Some(Overlay::Form(f)) = &app_b.overlay else {
        panic!("the form stays open with the refusal");
    };
    let msg = f.error.clone().unwrap_or_default();
    assert!(
        msg.contains(" 已被 ") && msg.contains("请重新载入"),
        "{msg}"
    );
    assert_eq!(office.audit_len(), audit, "the refused save wrote nothing");
    assert_eq!(office.state().targets[0].status_history, history);
    // ctrl-r reloads over the refreshed replica; the save then goes through.
    input(
        &b,
        &mut app_b,
        key(KeyCode::Char('r'), KeyModifiers::CONTROL),
    );
    let Some(Overlay::Form(f)) = &app_b.overlay else {
        panic!("the form again");
    };
    assert_eq!(f.error, None);
    assert_eq!(
        f.kind.revision(),
        Some(office.revisions().rev(crate::store::TreeName::Targets, 1))
    );
    // The reloaded form shows the status as it is now; a reason, and it saves.
    assert_eq!(
        f.fields[0].input.text(),
        TargetStatus::Suspended.label(Lang::Zh)
    );
    input(&b, &mut app_b, key(KeyCode::Tab, KeyModifiers::NONE));
    input(&b, &mut app_b, key(KeyCode::Tab, KeyModifiers::NONE));
    input(&b, &mut app_b, Input::Paste("复核".into()));
    let Effect::Op(op) = input(
        &b,
        &mut app_b,
        key(KeyCode::Char('s'), KeyModifiers::CONTROL),
    ) else {
        panic!("the reloaded form saves");
    };
    perform_blocking_on(&b, &mut app_b, op);
    assert!(app_b.overlay.is_none(), "{:?}", app_b.overlay);
    assert_eq!(office.audit_len(), audit + 1);
}

/// The remote replica carries the announcements (issue 13): the list of draws shows them as in
/// the local TUI, but a sealed entropy never leaves the server; once the announcement is
/// committed, its entropy is revealed in the replica too.
#[test]
fn the_remote_replica_has_the_announcements_with_sealed_entropy_kept_on_the_server() {
    use crate::office::announce::{AnnounceRequest, AttemptState};
    use crate::office::protocol::{Reply, Request};
    let (_dir, office, sock) = served();
    let a = remote(&sock);
    assert!(a.replica().book.announcements.is_empty());
    let req = Request::AnnounceDraw(AnnounceRequest {
        draw: crate::office::DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: NaiveDate::from_ymd_opt(2022, 7, 5),
            ..Default::default()
        },
        source: "福彩3D 2022年第185期开奖号码".into(),
        reason: None,
    });
    assert!(matches!(a.call(&req), Ok(Reply::Announced(_))));
    a.refresh().expect("refresh");
    let sealed = office.book().announcements[0].entropy;
    {
        let r = a.replica();
        assert_eq!(r.book.announcements.len(), 1);
        let x = &r.book.announcements[0];
        assert_eq!(x.id, 1);
        assert_eq!(x.state, AttemptState::Announced);
        assert_eq!(x.commitment, office.book().announcements[0].commitment);
        assert_eq!(x.entropy, [0; 32], "sealed: not sent");
        assert_ne!(sealed, [0; 32]);
    }
    let commit = Request::CommitAnnounced {
        announcement: 1,
        witness: "185".into(),
    };
    assert!(a.call(&commit).is_ok());
    a.refresh().expect("refresh");
    let r = a.replica();
    assert!(matches!(
        r.book.announcements[0].state,
        AttemptState::Committed { draw: 1, .. }
    ));
    assert_eq!(r.book.announcements[0].entropy, sealed, "revealed");
}
