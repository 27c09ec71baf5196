//! A whole draw through the office over 1,000,000 targets and 10,000 inspectors: pool snapshot
//! from the registries and rules, the sampler and engine, and the commit of the draw record and
//! its tasks with the audit entry in one flushed transaction. Run with
//! `cargo bench --bench draw_commit`.
//!
//! The registries are generated and imported once, outside the measurement. Each iteration
//! draws plan 3 of the demo year (rows A-1, B-1, C-1, C-3) for 2022Q3 at one sitting (announce and
//! commit, fresh entropy); the draw is then voided (not measured) so the next iteration may
//! announce the same plan and period again (with a reason).

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use shuangsui::i18n::Lang;
use shuangsui::office::{DrawRequest, ImportKind, Office};
use std::fs::File;
use std::io::BufWriter;
use std::time::{Duration, Instant};

const TARGETS: usize = 1_000_000;
const INSPECTORS: usize = 10_000;

fn draw_commit(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let office = Office::open(&dir.path().join("store"), Lang::Zh).expect("open");
    let started = Instant::now();
    let mut deps = Vec::new();
    shuangsui::synth::write_departments_csv(&mut deps, &shuangsui::synth::departments())
        .expect("departments");
    office
        .import_bytes(ImportKind::Departments, "departments.csv", &deps, false)
        .expect("import departments");
    let mut insp = Vec::new();
    shuangsui::synth::write_inspectors_csv(
        &mut insp,
        &shuangsui::synth::many_inspectors(INSPECTORS),
    )
    .expect("inspectors");
    office
        .import_bytes(ImportKind::Inspectors, "inspectors.csv", &insp, false)
        .expect("import inspectors");
    let csv = dir.path().join("targets.csv");
    shuangsui::synth::targets_csv_large(
        TARGETS,
        7,
        BufWriter::new(File::create(&csv).expect("csv")),
    )
    .expect("write targets");
    office
        .import(ImportKind::Targets, &csv, false)
        .expect("import targets");
    // The inspection item list the plans name (what `init` seeds, issue 19).
    office.seed_items().expect("seed the item list");
    office
        .import_bytes(
            ImportKind::Plans,
            "plan-2022.csv",
            include_bytes!("../fixtures/plan-2022.csv"),
            false,
        )
        .expect("import plans");
    eprintln!(
        "registries loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let req = DrawRequest {
        plan: 3,
        period: "2022Q3".into(),
        date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
        reason: Some("bench: drawn again after the void".into()),
        ..DrawRequest::default()
    };
    let mut group = c.benchmark_group("draw_commit");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(30));
    group.bench_function("plan3_2022q3_1m_targets_10k_inspectors", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t0 = Instant::now();
                let d = office.commit_draw(&req).expect("draw");
                total += t0.elapsed();
                office.void_draw(d.id, "bench").expect("void");
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, draw_commit);
criterion_main!(benches);
