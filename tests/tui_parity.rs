//! Issue 11, acceptance 2: the same TUI actions on a local store and through `shuangsui serve`
//! leave the same store (every registry, the plans, draws and tasks as JSON), the same audit
//! log (actions, users, summaries and payload digests; times aside) and the same final screen.

mod common;

use chrono::NaiveDate;
use common::cli::{draw_plan3_q3, ok};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::Value;
use shuangsui::i18n::Lang;
use shuangsui::office::Office;
use shuangsui::server::Client;
use shuangsui::tui::app::perform_blocking_on;
use shuangsui::tui::backend::{Backend, RemoteOffice};
use shuangsui::tui::keymap::Keymap;
use shuangsui::tui::state::{AppState, Config, Effect, Input, Op, Overlay, StepOp};
use shuangsui::tui::symbols::Symbols;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn config() -> Config {
    Config {
        lang: Lang::Zh,
        keymap: Keymap::builtin().expect("built-in keymap"),
        symbols: Symbols::unicode(),
        color: false,
        mouse: false,
        today: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
        store_label: "parity".into(),
        user: "parity".into(),
        server: false,
        me: None,
        role: None,
    }
}

fn press(b: &Backend, app: &mut AppState, code: KeyCode, m: KeyModifiers) {
    let effect = b.with_ctx(|ctx| app.update(Input::Key(KeyEvent::new(code, m)), ctx));
    if let Effect::Op(op) = effect {
        perform_blocking_on(b, app, op);
    }
}

fn paste(b: &Backend, app: &mut AppState, text: &str) {
    b.with_ctx(|ctx| app.update(Input::Paste(text.into()), ctx));
}

/// The sequence: a status change through its form, a task's check, then the audit tab (which
/// loads the log and verifies it). The final screen as text, its times masked.
fn act(b: &Backend) -> String {
    let mut app = b.with_ctx(|ctx| AppState::new(config(), ctx));
    b.with_ctx(|ctx| app.update(Input::Resize(120, 40), ctx));
    // Registries tab, first target: 停产 with a reason.
    press(b, &mut app, KeyCode::Char('2'), KeyModifiers::NONE);
    press(b, &mut app, KeyCode::Char('s'), KeyModifiers::NONE);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "status form");
    press(b, &mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    press(b, &mut app, KeyCode::End, KeyModifiers::NONE);
    for _ in 0..4 {
        press(b, &mut app, KeyCode::Backspace, KeyModifiers::NONE);
    }
    paste(b, &mut app, "停产");
    press(b, &mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    paste(b, &mut app, "环保督查停产整治");
    press(b, &mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none(), "the form closed after saving");
    // The first task's check, as the task form gives it.
    let (task, method, date) = b.with_ctx(|ctx| {
        let t = &ctx.book.tasks[0];
        let drawn = ctx
            .book
            .draws
            .iter()
            .find(|d| d.id == t.draw)
            .map(|d| d.date)
            .expect("its draw");
        (t.id, t.method, drawn + chrono::Duration::days(10))
    });
    perform_blocking_on(
        b,
        &mut app,
        Op::TaskStep {
            id: task,
            step: StepOp::Check {
                date,
                method,
                approval: String::new(),
            },
            period: "2022Q3".into(),
            today: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
        },
    );
    // The audit tab.
    press(b, &mut app, KeyCode::Char('7'), KeyModifiers::NONE);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    b.with_ctx(|ctx| {
        terminal
            .draw(|f| shuangsui::tui::views::draw(f, &app, ctx))
            .map(|_| ())
    })
    .expect("draw");
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    mask_times(&out)
}

/// `YYYY-MM-DD HH:MM:SS` → `####`: the audit tab shows when each entry was made.
fn mask_times(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let shape = "0000-00-00 00:00:00";
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let fits = i + shape.len() <= chars.len()
            && shape.chars().zip(&chars[i..]).all(|(p, c)| {
                if p == '0' {
                    c.is_ascii_digit()
                } else {
                    p == *c
                }
            });
        if fits {
            out.push_str("####");
            i += shape.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Every registry, the plans, draws, tasks and announcements as JSON, and the audit log
/// without its times (and the hashes that chain them).
fn contents(db: &Path) -> (Value, Vec<Value>) {
    let office = Office::open(db, Lang::Zh).expect("open");
    let mut snap = serde_json::to_value(office.snapshot()).expect("json");
    // A revision records when it was made.
    if let Some(revs) = snap.get_mut("revisions") {
        strip(revs, &["time"]);
    }
    let n = office.audit_len();
    let audit = office
        .audit_tail(n)
        .expect("audit")
        .into_iter()
        .map(|e| {
            serde_json::json!({
                "seq": e.seq,
                "user": e.user,
                "action": e.action,
                "summary": e.summary,
                "writes": serde_json::to_value(&e.writes).expect("json"),
                "digest": hex(&e.digest),
            })
        })
        .collect();
    (snap, audit)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn strip(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(m) => {
            for k in keys {
                m.remove(*k);
            }
            for x in m.values_mut() {
                strip(x, keys);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| strip(x, keys)),
        _ => {}
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).expect("copy");
        }
    }
}

struct Serve(std::process::Child);

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_same_actions_locally_and_through_the_server_leave_the_same_store_log_and_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let local = dir.path().join("local");
    let served = dir.path().join("served");
    ok(&local, &["init", "--demo"]);
    draw_plan3_q3(&local, "双色球2022078");
    // The same store twice: the draw's entropy is drawn once.
    copy_dir(&local, &served);

    let screen_local = {
        let office = Arc::new(Office::open(&local, Lang::Zh).expect("open"));
        act(&Backend::local(office, Lang::Zh))
    };

    let sock = dir.path().join("served.sock");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("shuangsui"));
    let child = cmd
        .arg("--db")
        .arg(&served)
        .env("SHUANGSUI_LOG", served.with_extension("log"))
        .env("SHUANGSUI_KEY", served.with_extension("key"))
        .env_remove("SHUANGSUI_ROLES")
        .arg("--socket")
        .arg(&sock)
        .arg("serve")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let server = Serve(child);
    let until = Instant::now() + Duration::from_secs(30);
    let client = loop {
        match Client::connect(&sock, Lang::Zh) {
            Ok(c) => break c,
            Err(e) => {
                assert!(Instant::now() < until, "the server did not start: {e:?}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    let screen_served = {
        let remote = RemoteOffice::new(client, &sock, Lang::Zh).expect("snapshot");
        act(&Backend::Remote(Arc::new(remote)))
    };
    drop(server);

    // The audit tab names the last entry, the task check (wide characters are followed by a
    // padding cell in the buffer's text).
    assert!(
        screen_local.replace(' ', "").contains("登记检查"),
        "{screen_local}"
    );
    assert_eq!(screen_local, screen_served, "the final screens differ");
    let (store_local, audit_local) = contents(&local);
    let (store_served, audit_served) = contents(&served);
    assert_eq!(audit_local.len(), audit_served.len(), "audit lengths");
    for (a, b) in audit_local.iter().zip(&audit_served) {
        assert_eq!(a, b, "audit entries differ");
    }
    assert!(store_local == store_served, "the stores differ");
    // The actions did change the store (a parity of nothing proves nothing); newest first.
    let last: Vec<&str> = audit_local
        .iter()
        .take(2)
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(last, ["task check", "target status"]);
}
