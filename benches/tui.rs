//! The registries tab over 1,000,000 synthetic targets: one filter keystroke ("狗") and one
//! 120x40 frame rendered to a TestBackend. The state is built over in-memory registries
//! (`office::State`), so no store is opened.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use shuangsui::domain::Rules;
use shuangsui::i18n::Lang;
use shuangsui::office::State;
use shuangsui::tui::action::Action;
use shuangsui::tui::keymap::Keymap;
use shuangsui::tui::state::{AppState, Config, Ctx, Input};
use shuangsui::tui::symbols::Symbols;
use shuangsui::tui::views;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let targets = shuangsui::synth::targets(1_000_000, 1);
    let target_search = shuangsui::office::search::TargetSearch::build(&targets);
    let data = State {
        targets,
        target_search: target_search.into(),
        ..State::default()
    };
    let rules = Rules::default_rules();
    let book = shuangsui::office::Book::default();
    let revisions = shuangsui::office::Revisions::default();
    let ctx = Ctx {
        data: &data,
        rules: &rules,
        book: &book,
        revisions: &revisions,
    };
    let cfg = Config {
        lang: Lang::Zh,
        keymap: Keymap::builtin().expect("built-in keymap"),
        symbols: Symbols::unicode(),
        color: true,
        mouse: false,
        today: chrono::NaiveDate::from_ymd_opt(2022, 8, 15).expect("date"),
        store_label: "bench".into(),
        user: "bench".into(),
        server: false,
        me: None,
        role: None,
    };
    let mut base = AppState::new(cfg, &ctx);
    base.update(Input::Resize(120, 40), &ctx);
    base.update(Input::Action(Action::Filter), &ctx);
    let key = Input::Key(KeyEvent::new(KeyCode::Char('狗'), KeyModifiers::NONE));

    let mut group = c.benchmark_group("tui_1m_targets");
    group.sample_size(10);
    group.bench_function("filter_keystroke", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| {
                s.update(key.clone(), &ctx);
                black_box(s.list().matches.len())
            },
            BatchSize::LargeInput,
        )
    });
    let mut filtered = base.clone();
    filtered.update(key.clone(), &ctx);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    group.bench_function("render_120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|f| views::draw(f, &filtered, &ctx))
                .expect("draw");
        })
    });
    group.bench_function("filter_keystroke_and_render", |b| {
        b.iter_batched(
            || base.clone(),
            |mut s| {
                s.update(key.clone(), &ctx);
                terminal.draw(|f| views::draw(f, &s, &ctx)).expect("draw");
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
