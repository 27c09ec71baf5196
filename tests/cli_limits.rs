//! Bounded inputs and an identity nobody can claim (issue 14), through the real binary: huge
//! team sizes and a draw dated before its period are refused with a message (locally and
//! through the server, which lives on); `USER=zhang` changes nothing about who acts; an
//! inspector mapped by name is refused at start; a missing `--roles` file is an error; a
//! `--db` holding no store is "no store here", and nothing is created there.

mod common;

use common::cli::{bin, ok};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    bin(&db).args(["init", "--demo"]).assert().success();
    (dir, db)
}

fn draw_args<'a>(date: &'a str, team: Option<&'a str>) -> Vec<&'a str> {
    let mut a = vec!["draw", "--plan", "3", "--period", "2022Q3", "--date", date];
    if let Some(t) = team {
        a.extend(["--team-size", t]);
    }
    a
}

fn stderr_of(db: &Path, args: &[&str]) -> (i32, String) {
    let out = bin(db).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn refused_without_change(db: &Path, args: &[&str], needle: &str) {
    let before = ok(db, &["list", "draws", "--json"]);
    let (code, err) = stderr_of(db, args);
    assert_ne!(code, 0, "{args:?} was accepted");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert_eq!(ok(db, &["list", "draws", "--json"]), before);
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path) -> Server {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .arg("--db")
        .arg(db)
        .arg("serve")
        .env("SHUANGSUI_LOG", db.with_extension("log"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&db.with_extension("log")).with_extension("key"),
        )
        .env_remove("SHUANGSUI_ROLES")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let sock = db.join("shuangsui.sock");
    let until = Instant::now() + Duration::from_secs(30);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < until, "the server did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    Server(child)
}

#[test]
fn huge_team_sizes_and_a_draw_before_its_period_are_refused_locally_and_through_the_server() {
    let (_dir, db) = demo();
    for team in ["1099511627776", "18446744073709551615", "21", "1"] {
        refused_without_change(&db, &draw_args("2022-07-05", Some(team)), "2 到 20");
    }
    refused_without_change(&db, &draw_args("2022-06-30", None), "早于");
    let mut server = serve(&db);
    for team in ["1099511627776", "18446744073709551615"] {
        let mut args = vec!["--lang", "en"];
        args.extend(draw_args("2022-07-05", Some(team)));
        refused_without_change(&db, &args, "2 to 20");
    }
    assert!(server.0.try_wait().unwrap().is_none(), "the server died");
    // Still answering, and a team of a sensible size draws.
    ok(&db, &draw_args("2022-07-05", Some("2")));
}

#[test]
fn user_in_the_environment_changes_nothing_about_who_acts() {
    let (dir, db) = demo();
    ok(&db, &draw_args("2022-07-05", None));
    let roles = dir.path().join("roles.toml");
    std::fs::write(
        &roles,
        "default = \"viewer\"\n[users]\nzhang = \"director\"\n",
    )
    .unwrap();
    let audit = ok(&db, &["verify"]);
    let me = shuangsui::store::audit::os_user();
    assert_ne!(me, "zhang");
    let out = bin(&db)
        .args(["--roles"])
        .arg(&roles)
        .args(["void", "1", "--reason", "x"])
        .env("USER", "zhang")
        .env("LOGNAME", "zhang")
        .env("USERNAME", "zhang")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&me) && !err.contains("zhang 的角色"), "{err}");
    assert_eq!(ok(&db, &["verify"]), audit);
}

#[test]
fn an_inspector_mapped_by_name_is_refused_at_start() {
    let (dir, db) = demo();
    let inspectors: serde_json::Value =
        serde_json::from_str(&ok(&db, &["list", "inspectors", "--json"])).unwrap();
    let first = &inspectors[0];
    let (name, cert) = (
        first["name"].as_str().unwrap(),
        first["certificate_no"].as_str().unwrap(),
    );
    let roles = dir.path().join("roles.toml");
    std::fs::write(&roles, format!("[inspectors]\nli = \"{name}\"\n")).unwrap();
    let mut args = vec!["--roles", roles.to_str().unwrap(), "list", "targets"];
    let (code, err) = stderr_of(&db, &args);
    assert_eq!(code, 1);
    assert!(err.contains("执法证号") && err.contains(name), "{err}");
    args.insert(0, "en");
    args.insert(0, "--lang");
    let (_, err) = stderr_of(&db, &args);
    assert!(err.contains("certificate number"), "{err}");
    let serve_out = bin(&db)
        .args(["--roles", roles.to_str().unwrap(), "serve"])
        .output()
        .unwrap();
    assert_eq!(serve_out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&serve_out.stderr).contains("执法证号"));
    // By certificate number: accepted.
    std::fs::write(
        &roles,
        format!("default = \"viewer\"\n[inspectors]\nli = \"{cert}\"\n"),
    )
    .unwrap();
    ok(
        &db,
        &["--roles", roles.to_str().unwrap(), "list", "targets"],
    );
}

#[test]
fn a_roles_file_named_but_missing_is_an_error() {
    let (dir, db) = demo();
    let typo = dir.path().join("rolse.toml");
    let (code, err) = stderr_of(&db, &["--roles", typo.to_str().unwrap(), "list", "targets"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("rolse.toml") && err.contains("--roles"),
        "{err}"
    );
    let out = bin(&db)
        .env("SHUANGSUI_ROLES", &typo)
        .args(["serve"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // An endless file is refused, not read forever.
    let (code, err) = stderr_of(&db, &["--roles", "/dev/zero", "list", "targets"]);
    assert_eq!(code, 1);
    assert!(err.contains("/dev/zero"), "{err}");
}

#[test]
fn a_db_holding_no_store_is_no_store_here_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("stroe");
    for args in [
        vec!["verify"],
        vec!["list", "targets"],
        vec!["--lang", "en", "verify"],
    ] {
        let (code, err) = stderr_of(&typo, &args);
        assert_eq!(code, 1, "{args:?}");
        assert!(
            err.contains("没有数据库") || err.contains("no store here"),
            "{err}"
        );
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
    let (code, err) = stderr_of(&typo, &["serve"]);
    assert_eq!(code, 1);
    assert!(err.contains("没有数据库"), "{err}");
    assert!(!typo.exists());
    // init makes one.
    bin(&typo).arg("init").assert().success();
    ok(&typo, &["verify"]);
}
