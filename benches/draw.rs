//! How long the draw engine takes on a county far larger than any real one: 1,000,000 targets in
//! 12 strata with quotas of 5–7% (about 60,000 tasks), 10,000 inspectors in 8 sections, teams of
//! 3, 3% internal joint tasks, 50,000 recusals and last teams for 200,000 targets. Run with
//! `cargo bench --bench draw`.

use criterion::{criterion_group, criterion_main, Criterion};
use shuangsui::draw::engine::{pool_hash, run, DrawInput, InspectorSnap, StratumInput};
use std::hint::black_box;

/// SplitMix64, so the input is the same on every run.
struct Mix(u64);

impl Mix {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n
    }
}

fn county() -> DrawInput {
    const TARGETS: u64 = 1_000_000;
    const STRATA: usize = 12;
    const INSPECTORS: u64 = 10_000;
    let mut r = Mix(2022);
    let mut pools = vec![Vec::new(); STRATA];
    for t in 1..=TARGETS {
        pools[r.below(STRATA as u64) as usize].push(t);
    }
    let strata: Vec<StratumInput> = pools
        .into_iter()
        .enumerate()
        .map(|(k, pool)| StratumInput {
            row: format!("第 {} 类", k + 1),
            quota: pool.len() * (5 + k % 3) / 100,
            pool,
        })
        .collect();
    let tasks: usize = strata.iter().map(|s| s.quota).sum();
    let inspectors = (1..=INSPECTORS)
        .map(|id| InspectorSnap {
            id,
            department: format!("S{}", r.below(8)),
            internal: true,
            certified: r.below(10) < 8,
            load: r.below(6) as u32,
        })
        .collect();
    let mut recusals: Vec<(u64, u64)> = (0..50_000)
        .map(|_| (1 + r.below(TARGETS), 1 + r.below(INSPECTORS)))
        .collect();
    recusals.sort_unstable();
    let last_teams = (1..=TARGETS)
        .filter(|t| t % 5 == 0)
        .map(|t| (t, (0..3).map(|_| 1 + r.below(INSPECTORS)).collect()))
        .collect();
    DrawInput {
        strata,
        internal_joint: tasks * 3 / 100 + 1,
        inspectors,
        recusals,
        last_teams,
        team_size: 3,
        partners: vec![],
        workload_cap: 40,
        draw2: None,
    }
}

fn draw(c: &mut Criterion) {
    let input = county();
    let seed = [42u8; 32];
    let out = run(&input, &seed).expect("the bench county is feasible");
    eprintln!(
        "{} tasks, {} relaxed, {} words",
        out.tasks.len(),
        out.tasks.iter().filter(|t| t.relaxed_last_team).count(),
        out.words_consumed
    );
    let mut group = c.benchmark_group("draw");
    group.sample_size(10);
    group.bench_function("run: 1M targets, 12 strata, 10k inspectors", |b| {
        b.iter(|| run(black_box(&input), black_box(&seed)))
    });
    group.bench_function("pool_hash: same input", |b| {
        b.iter(|| pool_hash(black_box(&input)))
    });
    group.finish();
}

criterion_group!(benches, draw);
criterion_main!(benches);
