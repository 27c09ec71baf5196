//! Every file written whole or not at all (issue 20): a client killed during a server-mode
//! backup over an existing backup leaves the old file intact or the new one whole, never a
//! fragment, and no temporary file survives the next backup.

#![cfg(unix)]

use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The file is a whole shuangsui backup: magic, version, and a body matching its checksum.
fn whole_backup(bytes: &[u8]) -> bool {
    bytes.len() > 41
        && &bytes[..8] == b"SSBACKUP"
        && Sha256::digest(&bytes[41..])[..] == bytes[9..41]
}

fn cli(db: &Path, sock: &Path, log: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    c.arg("--db")
        .arg(db)
        .arg("--socket")
        .arg(sock)
        .env("SHUANGSUI_LOG", log)
        // The server's signing key in the test's directory, never /etc/shuangsui.
        .env("SHUANGSUI_KEY", log.with_extension("key"))
        .env_remove("SHUANGSUI_ROLES");
    c
}

#[test]
fn killing_the_client_during_a_server_backup_never_leaves_a_fragment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    let sock = dir.path().join("s.sock");
    let log = dir.path().join("log.txt");
    let out = cli(&db, &sock, &log)
        .args(["init", "--demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut server = cli(&db, &sock, &log)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::os::unix::net::UnixStream::connect(&sock).is_err() {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let file = dir.path().join("nightly.ssb");
    let out = cli(&db, &sock, &log)
        .args(["backup", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(whole_backup(&std::fs::read(&file).unwrap()));

    for round in 0..12u64 {
        let mut child = cli(&db, &sock, &log)
            .args(["backup", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(5 + round * 7));
        let _ = child.kill();
        let _ = child.wait();
        let bytes = std::fs::read(&file).expect("the backup file is still there");
        assert!(
            whole_backup(&bytes),
            "round {round}: a fragment of {} bytes",
            bytes.len()
        );
    }
    // The next backup removes what killed ones left behind.
    let out = cli(&db, &sock, &log)
        .args(["backup", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = server.kill();
    let _ = server.wait();
}
