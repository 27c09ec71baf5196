//! shuangsui beside the pandas script an office would write instead (tools/pandas_baseline.py),
//! on the same generated file, in one run, with the ratios (issue 17). Not a criterion bench:
//! every step is a whole command of the release binary, timed from outside (wall clock) with
//! the peak RSS the kernel reports for that process (wait4), run once each in this order:
//!
//! 1. pandas: `read_csv` of the 1M-target file, its stratified draw with teams;
//! 2. shuangsui: import of the same file into a fresh store (with departments, 15,000
//!    inspectors and the demo year's plans imported before it, not timed), open of that store
//!    (`list departments`: every registry loaded), then plan 3's draw for each quarter of 2022
//!    through the CLI (`draw --plan 3 --period 2022Qn --witness ...`; announce and commit at one
//!    sitting), more plans until the store holds 10 draws, and `verify`.
//!
//! ```text
//! cargo bench --bench vs_pandas                 # generates 1,000,000 targets in a temp dir
//! cargo bench --bench vs_pandas -- FILE.csv     # or uses an existing file
//! ```
//! `VS_PANDAS_KEEP=DIR` keeps a copy of the store as imported, before the draws.
//! Without python3 and pandas the pandas column says why it is empty. README's performance
//! table is copied from this output.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const N: usize = 1_000_000;
const INSPECTORS: usize = 15_000;

/// Wall seconds and peak RSS (MB) of one command; its stdout and stderr.
struct Run {
    secs: f64,
    rss_mb: f64,
    ok: bool,
    out: String,
}

fn run(cmd: &mut Command) -> Run {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id() as libc::pid_t;
    // Read the pipes on threads so a chatty child never blocks, then reap it with wait4 for
    // its own rusage.
    let mut child = child;
    let mut so = child.stdout.take().expect("stdout");
    let mut se = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut so, &mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut se, &mut s);
        s
    });
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped; status and usage are valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    let out = t_out.join().unwrap_or_default() + &t_err.join().unwrap_or_default();
    let ok = waited == pid && std::process::ExitStatus::from_raw(status).success();
    drop(child);
    Run {
        secs,
        rss_mb: usage.ru_maxrss as f64 / 1024.0,
        ok,
        out,
    }
}

fn bin(store: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    c.arg("--db")
        .arg(store)
        .env("SHUANGSUI_KEY", store.join("no-key"));
    c
}

/// The milliseconds the command's log gives for its draw at one sitting (announcement, engine
/// and commit; open and printing excluded): the `total_ms` of its "drawn at one sitting" line.
fn drawn_ms(log: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(log).ok()?;
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("drawn at one sitting"))?;
    let at = line.find(" total_ms=")? + " total_ms=".len();
    line[at..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn must(r: Run, what: &str) -> Run {
    if !r.ok {
        panic!("{what} failed:\n{}", r.out);
    }
    r
}

fn inspectors_csv(path: &Path) {
    let mut out = Vec::new();
    let list = shuangsui::synth::many_inspectors(INSPECTORS);
    shuangsui::synth::write_inspectors_csv(&mut out, &list).expect("inspectors");
    std::fs::write(path, out).expect("write inspectors");
}

fn pandas(csv: &Path) -> Result<serde_json::Value, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/pandas_baseline.py");
    let r = run(Command::new("python3")
        .arg(&script)
        .arg(csv)
        .arg("--inspectors")
        .arg(INSPECTORS.to_string()));
    if !r.ok {
        return Err(format!(
            "python3 tools/pandas_baseline.py failed (pip install pandas?): {}",
            r.out.lines().last().unwrap_or("")
        ));
    }
    let line = r
        .out
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .unwrap_or("");
    serde_json::from_str(line).map_err(|e| format!("pandas output: {e}"))
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let given: Option<PathBuf> = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from);
    let csv = match given {
        Some(p) => p,
        None => {
            let p = dir.path().join("targets-1m.csv");
            let f = std::fs::File::create(&p).expect("csv");
            shuangsui::synth::targets_csv_large(N, 7, std::io::BufWriter::new(f))
                .expect("write csv");
            p
        }
    };
    let mb = std::fs::metadata(&csv).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    eprintln!("file: {} ({mb:.0} MB)", csv.display());

    // pandas first, then shuangsui: the same file, the same machine, one run.
    let pd = pandas(&csv);
    let pd_read = pd.as_ref().ok().and_then(|v| v["read_csv_s"].as_f64());
    let pd_draw = pd.as_ref().ok().and_then(|v| v["draw_s"].as_f64());
    let pd_rss = pd.as_ref().ok().and_then(|v| v["peak_rss_mb"].as_f64());
    if let Err(why) = &pd {
        eprintln!("pandas column empty: {why}");
    }

    let store = dir.path().join("store");
    must(run(bin(&store).arg("init")), "init");
    let deps = dir.path().join("departments.csv");
    let mut d = Vec::new();
    shuangsui::synth::write_departments_csv(&mut d, &shuangsui::synth::departments())
        .expect("departments");
    std::fs::write(&deps, d).expect("write departments");
    let insp = dir.path().join("inspectors.csv");
    inspectors_csv(&insp);
    let plans = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/plan-2022.csv");
    for (kind, file) in [
        ("departments", &deps),
        ("inspectors", &insp),
        ("plans", &plans),
    ] {
        must(run(bin(&store).args(["import", kind]).arg(file)), kind);
    }

    let import = must(
        run(bin(&store).args(["import", "targets"]).arg(&csv)),
        "import targets",
    );
    // VS_PANDAS_KEEP=DIR keeps a copy of the store as imported (before any draw), to work on.
    if let Some(keep) = std::env::var_os("VS_PANDAS_KEEP") {
        let ok = Command::new("cp")
            .arg("-a")
            .arg(&store)
            .arg(&keep)
            .status()
            .map(|s| s.success());
        eprintln!("store kept in {keep:?}: {ok:?}");
    }
    let open = must(run(bin(&store).args(["list", "departments"])), "open");
    let mut draws = Vec::new();
    for q in 1..=4 {
        let period = format!("2022Q{q}");
        let date = format!("2022-{:02}-05", q * 3 - 2);
        let log = dir.path().join(format!("draw-{q}.log"));
        let r = run(bin(&store).env("SHUANGSUI_LOG", &log).args([
            "draw",
            "--plan",
            "3",
            "--period",
            &period,
            "--date",
            &date,
            "--witness",
            "8 3 1 5",
        ]));
        let phase = drawn_ms(&log).map(|ms| ms as f64 / 1000.0);
        eprintln!(
            "plan 3 {period}: {:.2} s, announce and commit {phase:?} s, ok {}",
            r.secs, r.ok
        );
        if !r.ok {
            eprintln!("{}", r.out);
        }
        draws.push((period, r, phase));
    }
    // More draws until the store holds ten, for verify.
    let mut held = draws.iter().filter(|(_, r, _)| r.ok).count();
    'more: for plan in ["4", "2", "1", "5", "6", "7", "8"] {
        for q in 1..=4 {
            if held >= 10 {
                break 'more;
            }
            let period = format!("2022Q{q}");
            let date = format!("2022-{:02}-06", q * 3 - 2);
            let r = run(bin(&store).args([
                "draw",
                "--plan",
                plan,
                "--period",
                &period,
                "--date",
                &date,
                "--witness",
                "2 7",
            ]));
            held += usize::from(r.ok);
        }
    }
    let verify = run(bin(&store).arg("verify"));

    let ratio = |ours: f64, theirs: Option<f64>| match theirs {
        Some(t) if t > 0.0 => format!("{:.2}", ours / t),
        _ => "—".into(),
    };
    let fmt = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into());
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\n| Step | pandas (s) | shuangsui (s) | ratio | shuangsui peak RSS |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    let _ = writeln!(
        out,
        "| import the targets ({mb:.0} MB) vs read_csv | {} | {:.2} | {} | {:.0} MB (pandas {} MB) |",
        fmt(pd_read),
        import.secs,
        ratio(import.secs, pd_read),
        import.rss_mb,
        fmt(pd_rss),
    );
    let _ = writeln!(
        out,
        "| open the store (list departments) | | {:.2} | | {:.0} MB |",
        open.secs, open.rss_mb
    );
    for (period, r, phase) in &draws {
        let excl = (r.secs - open.secs).max(0.0);
        let _ = writeln!(
            out,
            "| draw plan 3 {period} through the CLI, open excluded ({:.2} s whole) vs pandas draw | {} | {excl:.2} | {} | {:.0} MB |",
            r.secs,
            fmt(pd_draw),
            ratio(excl, pd_draw),
            r.rss_mb
        );
        let _ = writeln!(
            out,
            "| the same, its announcement and commit alone (the command's log) | {} | {} | {} | |",
            fmt(pd_draw),
            fmt(*phase),
            phase.map_or("—".into(), |p| ratio(p, pd_draw)),
        );
    }
    let _ = writeln!(
        out,
        "| verify ({held} draws), open included | | {:.2} | | {:.0} MB |",
        verify.secs, verify.rss_mb
    );
    if !verify.ok {
        let _ = writeln!(out, "verify FAILED:\n{}", verify.out);
    }
    if let (Some(q1), Some(q4)) = (draws.first(), draws.last()) {
        let _ = writeln!(
            out,
            "\nQ4 draw / Q1 draw, whole commands: {:.2} (1.00 or less: a draw's cost does not grow with the tasks stored)",
            q4.1.secs / q1.1.secs.max(1e-9)
        );
        if let (Some(a), Some(b)) = (q1.2, q4.2) {
            let _ = writeln!(
                out,
                "Q4 draw / Q1 draw, announcement and commit alone: {:.2}",
                b / a.max(1e-9)
            );
        }
    }
}
