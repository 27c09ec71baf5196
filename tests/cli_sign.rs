//! A chain nobody can rewrite unseen (issue 14), through the real binary: `serve` makes its key
//! (0600) at first start and signs the audit head after each write and every backup; `verify`
//! says who signed; a backup edited and re-hashed by a script fails `restore` naming the
//! signature; `restore` is an audited entry naming the backup's head, length, signer and the
//! entries it drops.

mod common;

use common::cli::{bin, ok};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(db: &Path, key: &Path) -> Server {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_shuangsui"))
        .arg("--db")
        .arg(db)
        .arg("--key")
        .arg(key)
        .arg("serve")
        .env("SHUANGSUI_LOG", db.with_extension("log"))
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

fn with_key(db: &Path, key: &Path, args: &[&str]) -> std::process::Output {
    bin(db)
        .env("SHUANGSUI_KEY", key)
        .args(args)
        .output()
        .unwrap()
}

fn last_audit(db: &Path) -> shuangsui::store::audit::AuditEntry {
    let o = shuangsui::office::Office::open(db, shuangsui::i18n::Lang::Zh).unwrap();
    o.audit_tail(1).unwrap().pop().unwrap()
}

#[test]
fn signed_heads_and_backups_and_a_forged_backup_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let key: PathBuf = dir.path().join("etc").join("key");
    ok(&db, &["init", "--demo"]);
    let backup = dir.path().join("b.ssbak");
    {
        let _server = serve(&db, &key);
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
        let signer: String = public.trim().chars().take(16).collect();
        ok(
            &db,
            &[
                "draw",
                "--plan",
                "3",
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
            ],
        );
        let v = with_key(&db, &key, &["verify"]);
        let out = String::from_utf8_lossy(&v.stdout);
        assert!(v.status.success(), "{v:?}");
        assert!(out.contains("签名有效") && out.contains(&signer), "{out}");
        let b = with_key(&db, &key, &["backup", backup.to_str().unwrap()]);
        assert!(b.status.success(), "{b:?}");
        assert!(Path::new(&format!("{}.sig", backup.display())).is_file());
    }
    // A write made locally afterwards, with the key readable (root), is signed too.
    let v = with_key(&db, &key, &["void", "1", "--reason", "测试"]);
    assert!(v.status.success(), "{v:?}");
    let v = with_key(&db, &key, &["verify"]);
    assert!(
        String::from_utf8_lossy(&v.stdout).contains("签名有效"),
        "{v:?}"
    );

    // The untouched backup restores into a new store; the restore is audited with its signer.
    let fresh = dir.path().join("fresh");
    let r = with_key(&fresh, &key, &["restore", backup.to_str().unwrap()]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let e = last_audit(&fresh);
    assert_eq!(e.action, "restore");
    let public = std::fs::read_to_string(format!("{}.pub", key.display())).unwrap();
    assert!(e.summary.contains(&public.trim()[..16]), "{}", e.summary);

    // Restoring the older backup over the store with the void drops the void, named.
    let r = with_key(&db, &key, &["restore", backup.to_str().unwrap(), "--force"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let e = last_audit(&db);
    assert_eq!(e.action, "restore");
    assert!(
        e.summary.contains("丢弃原有条目 1 条") && e.summary.contains("void draw"),
        "{}",
        e.summary
    );

    // A script edits a byte of the body and recomputes the checksum: the format's own check
    // passes, the signature does not.
    let mut bytes = std::fs::read(&backup).unwrap();
    let at = bytes.len() - 10;
    bytes[at] ^= 0x01;
    let sum = Sha256::digest(&bytes[41..]);
    bytes[9..41].copy_from_slice(&sum);
    let forged = dir.path().join("forged.ssbak");
    std::fs::write(&forged, &bytes).unwrap();
    std::fs::copy(
        format!("{}.sig", backup.display()),
        format!("{}.sig", forged.display()),
    )
    .unwrap();
    let target = dir.path().join("target");
    let r = with_key(&target, &key, &["restore", forged.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("签名") && err.contains("forged.ssbak.sig"),
        "{err}"
    );
    // Without its signature file it is refused as well (this machine has the key).
    std::fs::remove_file(format!("{}.sig", forged.display())).unwrap();
    let r = with_key(&target, &key, &["restore", forged.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("没有签名"));
}
