//! The phases of one draw through the office on an existing store, timed (issue 17): open,
//! prepare (the dry run), announce (prepare, precheck, the frozen input committed), commit
//! (engine, tasks, the record committed), the record as the CLI prints it, and `verify`.
//!
//! `cargo run --release --example draw_phases -- STORE PLAN PERIOD DATE WITNESS`
//! e.g. `… /tmp/s/store 3 2022Q4 2022-10-05 w2`. It writes a draw into STORE.

use shuangsui::i18n::Lang;
use shuangsui::office::announce::AnnounceRequest;
use shuangsui::office::{DrawRequest, Office};
use std::time::{Duration, Instant};

/// CPU time of this process so far (all threads; Linux `/proc/self/stat`, ticks of 10 ms).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    Duration::from_millis(f.iter().sum::<u64>() * 10)
}

/// Wall and CPU seconds of `f`.
fn timed<T>(f: impl FnOnce() -> T) -> (T, String) {
    let (t, c) = (Instant::now(), cpu());
    let v = f();
    let s = format!(
        "{:.2} s ({:.2} s CPU)",
        t.elapsed().as_secs_f64(),
        (cpu() - c).as_secs_f64()
    );
    (v, s)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [store, plan, period, date, witness] = a.as_slice() else {
        return Err("usage: draw_phases STORE PLAN PERIOD DATE WITNESS".into());
    };
    let (office, open) = timed(|| Office::open(std::path::Path::new(store), Lang::En));
    let office = office?;
    let req = DrawRequest {
        plan: plan.parse()?,
        period: period.clone(),
        date: Some(chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")?),
        witness: witness.clone(),
        ..DrawRequest::default()
    };
    let (preview, prepare) = timed(|| office.prepare_draw(&req));
    let (preview, _) = preview?;
    let (ann, announce) = timed(|| {
        office.announce_draw(&AnnounceRequest {
            draw: req.clone(),
            source: String::new(),
            reason: Some("draw_phases".into()),
        })
    });
    let ann = ann?;
    let (d, commit) = timed(|| office.commit_announced(ann.id, witness));
    let d = d?;
    let (json, shown) = timed(|| office.draw_json(&d));
    let (report, chain) = timed(|| office.verify());
    let report = report?;
    let (draws, all_draws) = timed(|| office.verify_all_draws());
    println!(
        "draw #{} ({} tasks, total {}): open {open}, prepare {prepare}, announce {announce}, commit {commit}, record shown {shown}; verify: chain+records {chain} ({:?}), draws {all_draws} ({:?})",
        d.id,
        json.tasks.len(),
        preview.total,
        report.problem,
        draws,
    );
    Ok(())
}
