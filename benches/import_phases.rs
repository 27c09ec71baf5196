//! Where the time of a 1,000,000-target import goes, phase by phase, with the peak memory after
//! each phase (VmHWM on Linux). Not a criterion bench: one pass, printed as a table.
//!
//! ```text
//! cargo bench --bench import_phases                 # generates the CSV in a temp dir
//! cargo bench --bench import_phases -- FILE.csv     # or uses an existing one
//! ```
//! Phases: read the file; parse and validate (`import::read_targets_bytes`); encode the chunks
//! (`store::codec`); one sled transaction with every chunk; `flush`; then, for comparison, the
//! whole `Office::import` into a fresh store, reopening that store (loading 1M targets into
//! memory), and `verify` over it.

use shuangsui::i18n::Lang;
use shuangsui::office::{ImportKind, Office};
use shuangsui::store::{codec, key_u64, Change, Store, TreeName, Write, TARGET_CHUNK};
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

const N: usize = 1_000_000;

fn peak_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.0} MB", kb as f64 / 1024.0))
        .unwrap_or_else(|| "?".into())
}

fn dir_size(p: &Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => n += dir_size(&e.path()),
                Ok(m) => n += m.len(),
                Err(_) => {}
            }
        }
    }
    n
}

struct Clock(Instant);

impl Clock {
    fn lap(&mut self, what: &str) {
        println!(
            "{what:<44} {:>8.2} s   peak {}",
            self.0.elapsed().as_secs_f64(),
            peak_mb()
        );
        self.0 = Instant::now();
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    // `cargo bench` passes `--bench`; the first other argument, if any, is a CSV to use.
    let given: Option<PathBuf> = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from);
    let csv = match given {
        Some(p) => p,
        None => {
            let p = tmp.path().join("targets-1m.csv");
            let t = Instant::now();
            shuangsui::synth::targets_csv_large(N, 7, BufWriter::new(std::fs::File::create(&p)?))?;
            println!(
                "generated {N} targets in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            p
        }
    };

    let mut clock = Clock(Instant::now());
    let bytes = std::fs::read(&csv)?;
    clock.lap(&format!("read file ({:.0} MB)", bytes.len() as f64 / 1e6));

    let report = shuangsui::import::read_targets_bytes("targets.csv", &bytes)
        .map_err(|e| e.localize(Lang::En))?;
    let n = report.records.len();
    clock.lap(&format!("parse + validate ({n} rows)"));
    drop(bytes);

    let mut targets = report.into_values();
    for (i, t) in targets.iter_mut().enumerate() {
        t.id = i as u64 + 1;
    }
    clock.lap("assign ids");

    let mut chunks = Vec::new();
    for (c, chunk) in targets.chunks(TARGET_CHUNK as usize).enumerate() {
        chunks.push((key_u64(c as u64), codec::encode(chunk)?));
    }
    let encoded: usize = chunks.iter().map(|(_, v)| v.len()).sum();
    clock.lap(&format!(
        "encode {} chunks ({:.0} MB)",
        chunks.len(),
        encoded as f64 / 1e6
    ));

    let digests: Vec<[u8; 32]> = chunks
        .iter()
        .map(|(_, v)| shuangsui::store::sha256(v))
        .collect();
    clock.lap(&format!("sha256 of the chunks ({})", digests.len()));

    let raw = tmp.path().join("raw-sled");
    let db = sled::open(&raw)?;
    let tree = db.open_tree("targets")?;
    clock.lap("sled open");
    let res: Result<(), sled::transaction::TransactionError<()>> = tree.transaction(|tx| {
        for (k, v) in &chunks {
            tx.insert(&k[..], v.as_slice())?;
        }
        Ok(())
    });
    res.map_err(|e| format!("{e:?}"))?;
    clock.lap("sled transaction (all chunks)");
    db.flush()?;
    clock.lap(&format!(
        "sled flush (store now {:.0} MB)",
        dir_size(&raw) as f64 / 1e6
    ));
    drop(tree);
    drop(db);
    clock.lap("drop sled db");
    let _ = std::fs::remove_dir_all(&raw);

    // The same writes through the store: one multi-tree transaction with the audit entry,
    // then flush.
    let sdir = tmp.path().join("store-commit");
    let store = Store::open(&sdir)?;
    clock.lap("Store::open (empty)");
    let writes: Vec<Write> = chunks
        .iter()
        .map(|(k, v)| Write::put(TreeName::Targets, k.to_vec(), v.clone()))
        .collect();
    clock.lap("clone chunks into writes");
    store.commit(Change {
        user: "bench".into(),
        action: "import targets".into(),
        summary: String::new(),
        writes,
        guards: vec![],
        stamps: vec![],
    })?;
    clock.lap("Store::commit (audit + transaction + flush)");
    drop(store);
    clock.lap("drop store");
    let _ = std::fs::remove_dir_all(&sdir);
    drop(chunks);
    drop(targets);
    clock.lap("free targets and chunks");

    let store = tmp.path().join("office");
    let office = Office::open(&store, Lang::Zh)?;
    clock.lap("Office::open (empty)");
    let out = office.import(ImportKind::Targets, &csv, false)?;
    clock.lap(&format!("Office::import (added {})", out.added));
    drop(office);
    clock.lap("drop office");
    let size = dir_size(&store);
    let office = Office::open(&store, Lang::Zh)?;
    clock.lap(&format!(
        "Office::open ({:.0} MB on disk, {} targets)",
        size as f64 / 1e6,
        office.state().targets.len()
    ));
    let v = office.verify()?;
    clock.lap(&format!(
        "verify ({} records, {})",
        v.records,
        if v.problem.is_none() { "ok" } else { "PROBLEM" }
    ));
    Ok(())
}
