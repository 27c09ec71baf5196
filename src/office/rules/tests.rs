use super::*;
use crate::office::{Caller, Request, Response, Role, Roles};
use chrono::NaiveDate;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The compiled-in rules with B-1's ratio raised from 10% to 20%.
fn b1_at_20() -> String {
    let s = Rules::DEFAULT_TOML;
    let i = s.find("id = \"B-1\"").unwrap();
    let j = i + s[i..].find("ratio_min = 10\n").unwrap();
    format!(
        "{}ratio_min = 20\n{}",
        &s[..j],
        &s[j + "ratio_min = 10\n".len()..]
    )
}

/// A calendar with a (made-up, test-only) 2027 notice added.
fn with_2027() -> String {
    format!(
        "{}\n[years.2027]\nsource = \"测试用 2027 年通知\"\nholidays = [\"2027-01-01..2027-01-03\", \"2027-02-06..2027-02-12\"]\nworkdays = [\"2027-02-20\"]\n",
        WorkingCalendar::DEFAULT_TOML
    )
}

fn import(
    o: &Office,
    kind: RulesKind,
    name: &str,
    text: &str,
    dry_run: bool,
) -> Result<RulesReply, OfficeError> {
    o.rules_request(RulesRequest::Import {
        kind,
        name: name.into(),
        text: text.into(),
        dry_run,
    })
}

fn demo() -> (Office, crate::office::DemoDir) {
    Office::open_demo(Lang::En).unwrap()
}

/// What a refused or dry-run import must leave as it was.
fn snapshot(o: &Office) -> (usize, String, String, Vec<std::path::PathBuf>) {
    let backups = crate::store::rotate::list(&o.store_path())
        .into_iter()
        .map(|b| b.path)
        .collect();
    (
        o.audit_len(),
        o.text_in_force(RulesKind::Rules),
        o.text_in_force(RulesKind::Calendar),
        backups,
    )
}

#[test]
fn an_existing_store_without_rules_is_seeded_at_open_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let o = Office::open(&path, Lang::En).unwrap();
        o.load_demo().unwrap();
        // Opened empty: the compiled-in files, not stored yet.
        assert_eq!(
            o.rules_request(RulesRequest::Show {
                kind: RulesKind::Rules
            })
            .unwrap()
            .number,
            0
        );
    }
    let o = Office::open(&path, Lang::En).unwrap();
    let last = o.audit_tail(1).unwrap();
    assert_eq!(last[0].action, "rules seed");
    for kind in [RulesKind::Rules, RulesKind::Calendar] {
        let r = o.rules_request(RulesRequest::Show { kind }).unwrap();
        assert_eq!((r.number, r.versions.len()), (1, 1), "{kind:?}");
        assert_eq!(r.hash, sha_hex(kind.seed_text()));
    }
    let n = o.audit_len();
    drop(o);
    let o = Office::open(&path, Lang::En).unwrap();
    assert_eq!(o.audit_len(), n, "seeded once");
    assert!(o.verify().unwrap().problem.is_none());
}

#[test]
fn a_broken_rules_file_is_refused_with_every_error_and_nothing_changes() {
    let (o, _d) = demo();
    o.ensure_rules_stored().unwrap();
    let bad = b1_at_20()
        .replacen("ratio_min = 20\n", "ratio_min = 200\n", 1)
        .replacen("cycle = \"half\"", "cycle = \"fortnight\"", 1);
    let line_of = |needle: &str| bad[..bad.find(needle).unwrap()].matches('\n').count() + 1;
    let before = snapshot(&o);
    let Err(OfficeError::Invalid(lines)) = import(&o, RulesKind::Rules, "edited.toml", &bad, false)
    else {
        panic!("a broken file must be refused")
    };
    assert_eq!(snapshot(&o), before, "nothing written, no backup taken");
    assert_eq!(lines.len(), 2, "{lines:?}");
    let cycle = format!("edited.toml, line {}, field cycle", line_of("fortnight"));
    let ratio = format!(
        "edited.toml, line {}, field ratio_min",
        line_of("ratio_min = 200")
    );
    assert!(lines.iter().any(|l| l.starts_with(&cycle)), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with(&ratio)), "{lines:?}");
    assert_eq!(o.rules().row("B-1").unwrap().ratio_min_bp, 1000);
}

#[test]
fn a_dry_run_shows_the_change_and_writes_nothing() {
    let (o, _d) = demo();
    o.ensure_rules_stored().unwrap();
    let before = snapshot(&o);
    let r = import(&o, RulesKind::Rules, "edited.toml", &b1_at_20(), true).unwrap();
    assert_eq!(snapshot(&o), before);
    assert!(!r.written);
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    assert!(r.changes[0].starts_with("~ B-1:") && r.changes[0].contains("at least 20%"));
}

#[test]
fn an_import_is_one_audited_commit_after_a_backup_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let o = Office::open(&path, Lang::En).unwrap();
        o.load_demo().unwrap();
        o.ensure_rules_stored().unwrap();
        let n = o.audit_len();
        let r = import(&o, RulesKind::Rules, "edited.toml", &b1_at_20(), false).unwrap();
        assert_eq!(o.audit_len(), n + 1, "one commit");
        let e = &o.audit_tail(1).unwrap()[0];
        assert_eq!(e.action, "rules import");
        assert!(
            e.summary.contains(&r.hash) && e.summary.contains("B-1"),
            "{}",
            e.summary
        );
        let backup = std::path::PathBuf::from(r.backup.clone().unwrap());
        assert!(backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("pre-rules-"));
        assert!(backup.exists());
        assert_eq!((r.number, r.written), (2, true));
        assert_eq!(o.rules().row("B-1").unwrap().ratio_min_bp, 2000);
        // The same text again changes nothing.
        let again = import(&o, RulesKind::Rules, "again.toml", &b1_at_20(), false).unwrap();
        assert_eq!((again.written, o.audit_len()), (false, n + 1));
    }
    let o = Office::open(&path, Lang::En).unwrap();
    assert_eq!(
        o.rules().row("B-1").unwrap().ratio_min_bp,
        2000,
        "read from the store"
    );
    assert_eq!(o.text_in_force(RulesKind::Rules), b1_at_20());
    assert!(o.verify().unwrap().problem.is_none());
}

#[test]
fn a_calendar_import_makes_a_2027_deadline_computable() {
    let (o, _d) = demo();
    o.ensure_rules_stored().unwrap();
    let e = o.calendar().publication_due(day("2027-01-25")).unwrap_err();
    let zh = e.localize(Lang::Zh);
    assert!(zh.contains("shuangsui calendar import"), "{zh}");
    assert!(!zh.contains("calendar.toml 中"), "{zh}");
    assert!(e.localize(Lang::En).contains("shuangsui calendar import"));
    let r = import(
        &o,
        RulesKind::Calendar,
        "calendar-2027.toml",
        &with_2027(),
        false,
    )
    .unwrap();
    assert_eq!(r.changes.len(), 1, "{:?}", r.changes);
    assert!(r.changes[0].starts_with("+ 2027"));
    // 20 working days from Monday 25 January: the Spring Festival week is off, Saturday
    // 20 February is worked.
    assert_eq!(
        o.calendar().publication_due(day("2027-01-25")),
        Ok(day("2027-02-26"))
    );
    assert_eq!(o.audit_tail(1).unwrap()[0].action, "calendar import");
}

#[test]
fn importing_needs_the_office_role_and_a_refusal_changes_nothing() {
    let (o, _d) = demo();
    o.ensure_rules_stored().unwrap();
    let roles: Roles = toml::from_str("[users]\nwang = \"office\"\nli = \"viewer\"\n").unwrap();
    o.set_roles(Some(roles));
    let req = || {
        Request::Rules(RulesRequest::Import {
            kind: RulesKind::Rules,
            name: "edited.toml".into(),
            text: b1_at_20(),
            dry_run: false,
        })
    };
    let before = snapshot(&o);
    let viewer = Caller::new("li", vec![]);
    assert!(matches!(o.handle(req(), &viewer), Response::Error(_)));
    assert_eq!(snapshot(&o), before);
    // Reading is open to a viewer.
    let show = Request::Rules(RulesRequest::Show {
        kind: RulesKind::Rules,
    });
    assert!(matches!(o.handle(show, &viewer), Response::Ok(_)));
    let office = Caller::new("wang", vec![]);
    assert!(matches!(o.handle(req(), &office), Response::Ok(_)));
    assert_eq!(o.audit_tail(1).unwrap()[0].user, "wang");
    assert_eq!(
        Role::Office,
        o.roles().unwrap().role_of("wang", &[]).unwrap()
    );
}
