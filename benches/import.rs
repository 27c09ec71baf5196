//! How long importing 1,000,000 targets takes: CSV → validated targets → chunked sled store,
//! one audited transaction (target: under 10 s in release). Run with `cargo bench --bench import`.
//!
//! The CSV (about 300 MB) is generated once, outside the measurement, into a temporary
//! directory; each iteration imports it into a fresh store, which is deleted before the next.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use shuangsui::i18n::Lang;
use shuangsui::office::{ImportKind, Office};
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const N: usize = 1_000_000;

fn import_1m(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("targets-1m.csv");
    let started = Instant::now();
    let file = File::create(&csv).expect("create csv");
    shuangsui::synth::targets_csv_large(N, 7, BufWriter::new(file)).expect("write csv");
    let size = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "generated {N} targets: {:.0} MB in {:.1} s",
        size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(60));
    let mut round = 0u32;
    let mut previous: Option<PathBuf> = None;
    group.bench_function("targets_csv_1m", |b| {
        b.iter_batched(
            || {
                // The previous iteration's office was dropped with its batch: free its disk.
                if let Some(p) = previous.take() {
                    let _ = std::fs::remove_dir_all(p);
                }
                round += 1;
                let store = dir.path().join(format!("store-{round}"));
                previous = Some(store.clone());
                Office::open(&store, Lang::Zh).expect("open store")
            },
            |office| {
                let outcome = office
                    .import(ImportKind::Targets, &csv, false)
                    .expect("import 1M targets");
                assert_eq!(outcome.added, N);
                office
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, import_1m);
criterion_main!(benches);
