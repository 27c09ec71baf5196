//! Writes the committed fixtures from the synthetic generator (`shuangsui::synth`):
//! fixtures/targets.csv (650 targets), fixtures/inspectors.csv, fixtures/departments.csv and
//! fixtures/conflicts.csv, deterministically (seed `synth::FIXTURE_SEED`).
//!
//! ```text
//! cargo run --example gen_fixtures                      # (re)write fixtures/
//! cargo run --release --example gen_fixtures -- --large 1000000 /tmp/targets-1m.csv
//! ```
//! The second form streams N targets to a file row by row and prints the time it took.

use shuangsui::synth;
use std::error::Error;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--large") {
        let n: usize = args
            .get(1)
            .ok_or("usage: gen_fixtures --large N FILE")?
            .parse()
            .map_err(|e| format!("N is not a number: {e}"))?;
        let path = PathBuf::from(args.get(2).ok_or("usage: gen_fixtures --large N FILE")?);
        let started = Instant::now();
        let file = File::create(&path).map_err(|e| format!("creating {}: {e}", path.display()))?;
        synth::targets_csv_large(n, synth::FIXTURE_SEED, BufWriter::new(file))?;
        let secs = started.elapsed().as_secs_f64();
        let bytes = std::fs::metadata(&path)?.len();
        println!(
            "{n} targets -> {} ({:.1} MB) in {secs:.2} s ({:.0} rows/s)",
            path.display(),
            bytes as f64 / 1e6,
            n as f64 / secs
        );
        return Ok(());
    }

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    for (name, bytes) in synth::fixture_files(synth::FIXTURE_SEED)? {
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(|e| format!("writing {}: {e}", path.display()))?;
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    let targets = synth::targets(synth::FIXTURE_TARGETS, synth::FIXTURE_SEED);
    for (label, n) in synth::category_counts(&targets) {
        println!("  {label}: {n}");
    }
    Ok(())
}
