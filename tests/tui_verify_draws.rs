//! Issue 11, acceptance 3: the TUI on a local store verifies through the same `Verify`
//! request as the server, so it checks the draws too. A draw rewritten with a well-formed
//! audit entry (the chain and the record digests still verify) no longer recomputes, and the
//! audit tab says so.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shuangsui::i18n::Lang;
use shuangsui::office::{DrawRecord, DrawRequest, Office};
use shuangsui::store::{codec, Change, Store, TreeName, Write};
use shuangsui::tui::app::perform_blocking_on;
use shuangsui::tui::backend::Backend;
use shuangsui::tui::keymap::Keymap;
use shuangsui::tui::state::{AppState, Config, Effect, Input};
use shuangsui::tui::symbols::Symbols;
use std::sync::Arc;

fn config() -> Config {
    Config {
        lang: Lang::Zh,
        keymap: Keymap::builtin().expect("built-in keymap"),
        symbols: Symbols::unicode(),
        color: false,
        mouse: false,
        today: NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
        store_label: "local".into(),
        user: "tester".into(),
        server: false,
        me: None,
    }
}

/// The verification line of the audit tab of a local TUI over the store at `db` (the line
/// under the tabs that counts the log: 审计日志 N 条 · …), without the padding of wide cells.
fn audit_screen(db: &std::path::Path) -> String {
    let office = Arc::new(Office::open(db, Lang::Zh).expect("open"));
    let b = Backend::local(Arc::clone(&office), Lang::Zh);
    let mut app = b.with_ctx(|ctx| AppState::new(config(), ctx));
    b.with_ctx(|ctx| app.update(Input::Resize(120, 40), ctx));
    let go = Input::Key(KeyEvent::new(KeyCode::Char('7'), KeyModifiers::NONE));
    match b.with_ctx(|ctx| app.update(go, ctx)) {
        Effect::Op(op) => perform_blocking_on(&b, &mut app, op),
        other => panic!("the audit tab loads the log, not {other:?}"),
    }
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
    let out = out.replace(' ', "");
    out.lines()
        .find(|l| l.starts_with("审计日志"))
        .unwrap_or_else(|| panic!("no verification line:\n{out}"))
        .to_string()
}

#[test]
fn local_tui_verify_names_a_draw_that_no_longer_recomputes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store");
    {
        let office = Office::open(&db, Lang::Zh).expect("open");
        office.load_demo().expect("demo");
        office
            .commit_draw(&DrawRequest {
                plan: 3,
                period: "2022Q3".into(),
                date: NaiveDate::from_ymd_opt(2022, 7, 5),
                ..Default::default()
            })
            .expect("draw");
    }
    let before = audit_screen(&db);
    assert!(before.contains("校验通过"), "{before}");
    // Swap the first pick of a stratum for another target of its pool, written with an audit
    // entry of its own: the chain and every record digest still verify.
    {
        let store = Store::open(&db).expect("store");
        let key = 1u64.to_be_bytes();
        let raw = store
            .get(TreeName::Draws, &key)
            .expect("read")
            .expect("draw 1");
        let mut d: DrawRecord = codec::decode(&raw).expect("decode");
        let s = d
            .input
            .strata
            .iter()
            .position(|s| s.quota > 0 && s.quota < s.pool.len())
            .expect("a stratum with a choice");
        let other = *d.input.strata[s]
            .pool
            .iter()
            .find(|x| !d.outcome.picks[s].1.contains(x))
            .expect("an unpicked target");
        d.outcome.picks[s].1[0] = other;
        store
            .commit(Change {
                user: "mallory".into(),
                action: "tamper".into(),
                summary: "draw 1 rewritten".into(),
                writes: vec![Write::put(
                    TreeName::Draws,
                    key.to_vec(),
                    codec::encode(&d).expect("encode"),
                )],
                guards: Vec::new(),
                stamps: Vec::new(),
            })
            .expect("commit");
    }
    assert!(Office::verify_at(&db).expect("verify").problem.is_none());
    let after = audit_screen(&db);
    assert!(!after.contains("校验通过"), "{after}");
    assert!(after.contains("#1"), "the audit tab names draw 1:\n{after}");
}
