//! How long the registry export takes for 1,000,000 targets (27 columns, rows streamed into the
//! workbook, src/report/stream.rs), from an in-memory registry made by
//! `shuangsui::synth::targets` (generated outside the measured part). Run with
//! `cargo bench --bench export`.

use criterion::{criterion_group, criterion_main, Criterion};
use shuangsui::i18n::Lang;
use shuangsui::report::{self, write_targets};
use std::hint::black_box;
use std::time::Duration;

fn export_targets(c: &mut Criterion) {
    let targets = shuangsui::synth::targets(1_000_000, 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("targets.xlsx");
    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(60));
    g.bench_function("registry targets 1,000,000 rows", |b| {
        b.iter(|| {
            let wb = report::workbook("targets", "bench");
            let meta =
                write_targets(wb, black_box(&targets), Lang::Zh, &path, &|_| {}).expect("write");
            black_box(meta.rows)
        })
    });
    g.finish();
}

criterion_group!(benches, export_targets);
criterion_main!(benches);
