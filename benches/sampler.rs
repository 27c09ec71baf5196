//! How long the sampler takes on a large pool: 50,000 picks from 1,000,000 (target: well under
//! 100 ms in release). Run with `cargo bench --bench sampler`.

use criterion::{criterion_group, criterion_main, Criterion};
use shuangsui::draw::sampler::Sampler;
use std::hint::black_box;

fn choose_50k_of_1m(c: &mut Criterion) {
    c.bench_function("choose_k(1_000_000, 50_000)", |b| {
        b.iter(|| {
            let mut s = Sampler::new(black_box(&[42u8; 32]));
            s.choose_k(black_box(1_000_000), black_box(50_000))
        })
    });
    c.bench_function("choose_k(20_000, 500)", |b| {
        b.iter(|| {
            let mut s = Sampler::new(black_box(&[42u8; 32]));
            s.choose_k(black_box(20_000), black_box(500))
        })
    });
}

criterion_group!(benches, choose_50k_of_1m);
criterion_main!(benches);
