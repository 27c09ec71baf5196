//! Automatic rotating backups beside the store, in `<store>.backups/`: one after the first
//! commit of each day (`YYYY-MM-DD.ssb`) and one before every restore
//! (`pre-restore-YYYYMMDDHHMMSS.ssb`) and every import of the rules or the calendar
//! (`pre-rules-…`, `pre-calendar-…`, see office::rules). Kept: the newest 7 daily ones, and beyond them the
//! newest of each of 4 more weeks (`SHUANGSUI_KEEP_DAILY`, `SHUANGSUI_KEEP_WEEKLY` change
//! the numbers).

use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// The directory of automatic backups of the store at `store`.
pub fn dir_for(store: &Path) -> PathBuf {
    let mut name = store
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "store".into());
    name.push(".backups");
    store.with_file_name(name)
}

/// The daily backup file of `day`.
pub fn daily_file(store: &Path, day: NaiveDate) -> PathBuf {
    dir_for(store).join(format!("{day}.ssb"))
}

/// One automatic backup: its file, its day (from the name), its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    pub day: Option<NaiveDate>,
    pub bytes: u64,
}

/// The automatic backups, newest first.
pub fn list(store: &Path) -> Vec<BackupFile> {
    let Ok(entries) = std::fs::read_dir(dir_for(store)) else {
        return Vec::new();
    };
    let mut out: Vec<BackupFile> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".ssb")?;
            let day = NaiveDate::parse_from_str(stem, "%Y-%m-%d")
                .ok()
                .or_else(|| {
                    // pre-restore-…, pre-rules-…, pre-calendar-…: taken before a restore or
                    // an import of the rules or the calendar.
                    let digits = stem.strip_prefix("pre-")?.split_once('-')?.1;
                    NaiveDate::parse_from_str(digits.get(..8)?, "%Y%m%d").ok()
                });
            Some(BackupFile {
                path: e.path(),
                day,
                bytes: e.metadata().map(|m| m.len()).unwrap_or(0),
            })
        })
        .collect();
    out.sort_by(|a, b| b.day.cmp(&a.day).then(b.path.cmp(&a.path)));
    out
}

fn keep(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Which daily backups to delete: all but the newest `daily`, and beyond those the newest of
/// each of `weekly` ISO weeks.
pub fn to_prune(days: &[NaiveDate], daily: usize, weekly: usize) -> Vec<NaiveDate> {
    let mut sorted = days.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    let mut weeks_kept: Vec<(i32, u32)> = Vec::new();
    let mut out = Vec::new();
    for (i, d) in sorted.into_iter().enumerate() {
        if i < daily {
            continue;
        }
        let w = (d.iso_week().year(), d.iso_week().week());
        if weeks_kept.len() < weekly && !weeks_kept.contains(&w) {
            weeks_kept.push(w);
            continue;
        }
        out.push(d);
    }
    out
}

/// Deletes the daily backups the rotation no longer keeps.
pub fn prune(store: &Path) {
    let daily = keep("SHUANGSUI_KEEP_DAILY", 7);
    let weekly = keep("SHUANGSUI_KEEP_WEEKLY", 4);
    let days: Vec<NaiveDate> = list(store)
        .into_iter()
        .filter(|b| {
            b.path
                .file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with("pre-"))
        })
        .filter_map(|b| b.day)
        .collect();
    for d in to_prune(&days, daily, weekly) {
        let _ = std::fs::remove_file(daily_file(store, d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backups_before_a_restore_or_an_import_are_listed_with_their_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("s");
        std::fs::create_dir_all(dir_for(&store)).unwrap();
        for name in [
            "pre-restore-20261201093000.ssb",
            "pre-rules-20261202050259470.ssb",
            "pre-calendar-20261203101010000.ssb",
        ] {
            std::fs::write(dir_for(&store).join(name), b"x").unwrap();
        }
        let days: Vec<String> = list(&store)
            .iter()
            .map(|b| b.day.map(|d| d.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(days, ["2026-12-03", "2026-12-02", "2026-12-01"]);
    }

    #[test]
    fn seven_daily_and_four_weekly_are_kept() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let days: Vec<NaiveDate> = (0..60).map(|i| start + chrono::Days::new(i)).collect();
        let pruned = to_prune(&days, 7, 4);
        let kept: Vec<NaiveDate> = days
            .iter()
            .copied()
            .filter(|d| !pruned.contains(d))
            .collect();
        assert_eq!(kept.len(), 11, "{kept:?}");
        let newest = *days.last().unwrap();
        for i in 0..7 {
            assert!(kept.contains(&(newest - chrono::Days::new(i))));
        }
        let weeks: std::collections::HashSet<_> =
            kept[..4].iter().map(|d| d.iso_week().week()).collect();
        assert_eq!(weeks.len(), 4, "one per older week");
    }
}
