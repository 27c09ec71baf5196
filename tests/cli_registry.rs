//! Acceptance tests of the registries: the real `shuangsui` binary on throwaway stores.
//!
//! Each test gets its own temporary directory holding the store, the files it imports and the
//! log file (`SHUANGSUI_LOG`), so the tests run in parallel and never touch the user's data.

use shuangsui::domain::rules::Rules;
use shuangsui::domain::{CreditCode, Target};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Output;
use tempfile::TempDir;

/// A temporary directory with a store inside.
struct Env {
    dir: TempDir,
    db: PathBuf,
}

impl Env {
    fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("store");
        Env { dir, db }
    }

    /// Another store in the same directory.
    fn other_store(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run the binary on this env's store.
    fn run(&self, args: &[&str]) -> Output {
        run_on(&self.db, self.dir.path(), args)
    }

    /// `init --demo`, asserting success.
    fn init_demo(&self) {
        let out = self.run(&["init", "--demo"]);
        assert_ok(&out, "init --demo");
    }

    /// `list <kind> --json`, asserting success; the raw stdout.
    fn list_json(&self, kind: &str) -> Vec<u8> {
        list_json_on(&self.db, self.dir.path(), kind)
    }

    fn targets(&self) -> Vec<Target> {
        serde_json::from_slice(&self.list_json("targets")).expect("list targets --json is JSON")
    }
}

fn run_on(db: &Path, logdir: &Path, args: &[&str]) -> Output {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_shuangsui"));
    cmd.env_remove("SHUANGSUI_DB")
        .env("SHUANGSUI_LOG", logdir.join("shuangsui.log"))
        .env(
            "SHUANGSUI_KEY",
            std::path::Path::new(&logdir.join("shuangsui.log")).with_extension("key"),
        )
        .arg("--db")
        .arg(db)
        .args(args);
    cmd.output().expect("run shuangsui")
}

fn list_json_on(db: &Path, logdir: &Path, kind: &str) -> Vec<u8> {
    let out = run_on(db, logdir, &["list", kind, "--json"]);
    assert_ok(&out, &format!("list {kind} --json"));
    out.stdout
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Since issue 14 a restore is itself an audited entry: the restored store verifies with the
/// same records and one entry more than the store the backup was made of.
fn restore_was_audited(restored: &Output, original: &Output) {
    let field = |o: &Output, label: &str| -> u64 {
        text(&o.stdout)
            .split(label)
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {label} in {}", text(&o.stdout)))
    };
    assert_eq!(field(restored, "记录 "), field(original, "记录 "));
    assert_eq!(
        field(restored, "审计日志 "),
        field(original, "审计日志 ") + 1
    );
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn assert_fails(out: &Output, what: &str) {
    assert!(
        !out.status.success(),
        "{what} should have failed\nstdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// A valid credit code, distinct for each `n`, that the synthetic registry never produces
/// (it never uses `QQ` in positions 9-10).
fn code(n: u32) -> String {
    let first17 = format!("91530125QQ{n:07}");
    CreditCode::complete(&first17)
        .expect("17 valid characters")
        .to_string()
}

/// The same code with a wrong check character.
fn bad_code(n: u32) -> String {
    let good = code(n);
    let last = good.as_bytes()[17];
    let wrong = if last == b'0' { '1' } else { '0' };
    format!("{}{wrong}", &good[..17])
}

fn write_csv(path: &Path, lines: &[String]) {
    let mut s = lines.join("\n");
    s.push('\n');
    std::fs::write(path, s).expect("write csv");
}

/// The rows numbers (header = 1) of the error lines of an import refusal of `file`.
fn error_rows(stderr: &str, file: &Path) -> BTreeSet<usize> {
    let prefix = format!("{}:", file.display());
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter_map(|rest| rest.split(':').next()?.parse().ok())
        .collect()
}

/// The line of `stdout` holding the import report.
fn report_line(stdout: &str) -> &str {
    stdout
        .lines()
        .find(|l| l.contains("新增") || l.contains("added"))
        .unwrap_or("")
}

// ------------------------------------------------------------------------------------------

/// Acceptance 1: the demo store has >= 600 targets with valid codes, covering every county row
/// of Table 1.
#[test]
fn demo_store_covers_table_1_and_verifies() {
    let env = Env::new();
    env.init_demo();
    let targets = env.targets();
    assert!(targets.len() >= 600, "only {} targets", targets.len());
    for t in &targets {
        assert!(
            CreditCode::parse(t.credit_code.as_str()).is_ok(),
            "target {} has an invalid credit code {}",
            t.id,
            t.credit_code
        );
    }
    let codes: HashSet<&str> = targets.iter().map(|t| t.credit_code.as_str()).collect();
    assert_eq!(codes.len(), targets.len(), "credit codes are not unique");
    let ids: Vec<u64> = targets.iter().map(|t| t.id).collect();
    let expected: Vec<u64> = (1..=targets.len() as u64).collect();
    assert_eq!(ids, expected, "ids are not 1..=n in order");

    let rules = Rules::default_rules();
    let governing: HashSet<String> = targets
        .iter()
        .flat_map(|t| rules.obligations(t))
        .map(|r| r.id.to_string())
        .collect();
    let rows: Vec<String> = rules.applicable_rows().map(|r| r.id.to_string()).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(
            governing.contains(row),
            "no demo target owes a visit under row {row}"
        );
    }

    // The other registries are there too.
    let inspectors: serde_json::Value =
        serde_json::from_slice(&env.list_json("inspectors")).expect("JSON");
    assert!(inspectors.as_array().is_some_and(|a| a.len() >= 50));
    let departments: serde_json::Value =
        serde_json::from_slice(&env.list_json("departments")).expect("JSON");
    assert!(departments.as_array().is_some_and(|a| a.len() >= 10));
    let conflicts: serde_json::Value =
        serde_json::from_slice(&env.list_json("conflicts")).expect("JSON");
    assert!(conflicts.as_array().is_some_and(|a| !a.is_empty()));

    let out = env.run(&["verify"]);
    assert_ok(&out, "verify");
    assert!(
        text(&out.stdout).contains("校验通过"),
        "{}",
        text(&out.stdout)
    );
}

/// Acceptance 2: A GBK-encoded CSV with Chinese (alias) headers imports, names intact.
#[test]
fn gbk_csv_with_chinese_alias_headers_imports() {
    let env = Env::new();
    // Since issue 14 only init creates a store.
    assert_ok(&env.run(&["init"]), "init");
    let rows = [
        ("宜良县鑫源化工有限公司", code(1), "匡远街道", "重点管理"),
        ("宜良县狗街镇石材加工厂", code(2), "狗街镇", "简化管理"),
        ("宜良县汤池镇温泉宾馆", code(3), "汤池街道", "登记管理"),
    ];
    let mut lines = vec![
        "企业名称,统一社会信用代码,所在地区,行业类别,管理类别,许可证编号,生产经营场所地址"
            .to_string(),
    ];
    for (name, c, region, class) in &rows {
        lines.push(format!(
            "{name},{c},{region},化学原料制造,{class},{c}001P,宜良县{region}某村1组"
        ));
    }
    let utf8 = lines.join("\r\n") + "\r\n";
    let (gbk, _, had_errors) = encoding_rs::GBK.encode(&utf8);
    assert!(!had_errors);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the file must not be UTF-8"
    );
    let file = env.file("企业名录-gbk.csv");
    std::fs::write(&file, &gbk).expect("write");

    let out = env.run(&["import", "targets", file.to_str().expect("utf-8 path")]);
    assert_ok(&out, "import GBK");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("GBK"), "encoding not reported: {stdout}");
    assert!(report_line(&stdout).contains("新增 3，更新 0"), "{stdout}");

    let targets = env.targets();
    assert_eq!(targets.len(), 3);
    for (name, c, region, _) in &rows {
        let t = targets
            .iter()
            .find(|t| t.credit_code.as_str() == c)
            .unwrap_or_else(|| panic!("{c} not listed"));
        assert_eq!(&t.name(), name);
        assert_eq!(&t.region, region);
        assert_eq!(t.industry, "化学原料制造");
        assert_eq!(t.address(), format!("宜良县{region}某村1组"));
        assert_eq!(t.permit_number(), format!("{c}001P"));
    }
    assert_eq!(targets[0].permit_class, shuangsui::domain::PermitClass::Key);
    assert_ok(&env.run(&["verify"]), "verify");
}

/// The bad file of test 3: row 2 good, rows 3-6 each with one problem.
fn bad_targets_file(env: &Env) -> PathBuf {
    let file = env.file("bad.csv");
    write_csv(
        &file,
        &[
            "单位名称,统一社会信用代码,所在地区,管理类别".to_string(),
            format!("宜良县甲厂,{},北古城镇,重点管理", code(11)),
            format!("宜良县乙厂,{},北古城镇,简化管理", bad_code(12)),
            format!(",{},匡远街道,登记管理", code(13)),
            format!("宜良县丁厂,{},匡远街道,特殊管理", code(14)),
            format!("宜良县戊厂,{},狗街镇,无", code(11)),
        ],
    );
    file
}

/// Acceptance 3: A file with bad rows is refused as a whole, every bad row named, nothing written.
#[test]
fn bad_rows_refuse_the_whole_file_and_name_every_row() {
    let env = Env::new();
    env.init_demo();
    let before = env.list_json("targets");
    let verify_before = env.run(&["verify"]);
    assert_ok(&verify_before, "verify");
    let file = bad_targets_file(&env);
    let path = file.to_str().expect("utf-8 path");

    let out = env.run(&["import", "targets", path]);
    assert_fails(&out, "import of a bad file");
    let stderr = text(&out.stderr);
    assert_eq!(
        error_rows(&stderr, &file),
        BTreeSet::from([3, 4, 5, 6]),
        "{stderr}"
    );
    let p = file.display();
    for needle in [
        format!("{p}:3:统一社会信用代码: 校验位错误"),
        format!("{p}:4:单位名称: 必填项为空"),
        format!("{p}:5:管理类别: 无法识别的管理类别 \"特殊管理\""),
        format!("{p}:6:统一社会信用代码: {} 与第 2 行重复", code(11)),
        "未做任何修改".to_string(),
    ] {
        assert!(stderr.contains(&needle), "missing {needle:?} in:\n{stderr}");
    }
    assert_eq!(env.list_json("targets"), before, "the store changed");

    let out = env.run(&["--lang", "en", "import", "targets", path]);
    assert_fails(&out, "import of a bad file (en)");
    let stderr = text(&out.stderr);
    assert_eq!(
        error_rows(&stderr, &file),
        BTreeSet::from([3, 4, 5, 6]),
        "{stderr}"
    );
    for needle in [
        format!("{p}:3:统一社会信用代码: check character wrong"),
        format!("{p}:4:单位名称: required value is empty"),
        format!("{p}:5:管理类别: unknown permit class \"特殊管理\""),
        format!("{p}:6:统一社会信用代码: {} repeats row 2", code(11)),
        "nothing was changed".to_string(),
    ] {
        assert!(stderr.contains(&needle), "missing {needle:?} in:\n{stderr}");
    }
    for zh in ["校验位错误", "必填项为空", "重复", "未做任何修改"] {
        assert!(
            !stderr.contains(zh),
            "Chinese message {zh:?} in --lang en:\n{stderr}"
        );
    }
    assert_eq!(env.list_json("targets"), before, "the store changed");
    // Nothing was audited either.
    assert_eq!(env.run(&["verify"]).stdout, verify_before.stdout);
}

/// Acceptance 4: Re-importing a file changes nothing; a dry run reports without writing.
#[test]
fn reimport_is_idempotent_and_dry_run_writes_nothing() {
    let env = Env::new();
    env.init_demo();
    let file = env.file("new.csv");
    let mut lines = vec!["单位名称,统一社会信用代码,所在地区,管理类别,在线监控".to_string()];
    for n in 0..5 {
        lines.push(format!(
            "宜良县新厂{n}号,{},北古城镇,简化管理,是",
            code(100 + n)
        ));
    }
    write_csv(&file, &lines);
    let path = file.to_str().expect("utf-8 path");

    let first = env.run(&["import", "targets", path]);
    assert_ok(&first, "first import");
    assert!(
        report_line(&text(&first.stdout)).contains("新增 5，更新 0，未变 0"),
        "{}",
        text(&first.stdout)
    );
    let after_first = env.list_json("targets");
    let verify_first = env.run(&["verify"]);

    let again = env.run(&["import", "targets", path]);
    assert_ok(&again, "second import");
    assert!(
        report_line(&text(&again.stdout)).contains("新增 0，更新 0，未变 5"),
        "{}",
        text(&again.stdout)
    );
    let again_en = env.run(&["--lang", "en", "import", "targets", path]);
    assert_ok(&again_en, "third import");
    assert!(
        report_line(&text(&again_en.stdout)).contains("added 0, updated 0, unchanged 5"),
        "{}",
        text(&again_en.stdout)
    );
    assert_eq!(env.list_json("targets"), after_first);
    // No audit entry for an import that changed nothing.
    assert_eq!(env.run(&["verify"]).stdout, verify_first.stdout);

    // A dry run of a new file reports what it would add and writes nothing.
    let file2 = env.file("newer.csv");
    let mut lines = vec!["单位名称,统一社会信用代码,所在地区".to_string()];
    for n in 0..7 {
        lines.push(format!("宜良县试运行{n}号,{},南羊街道", code(200 + n)));
    }
    write_csv(&file2, &lines);
    let path2 = file2.to_str().expect("utf-8 path");
    let dry = env.run(&["import", "targets", path2, "--dry-run"]);
    assert_ok(&dry, "dry run");
    let line = text(&dry.stdout);
    assert!(report_line(&line).contains("新增 7，更新 0"), "{line}");
    assert!(line.contains("试运行"), "{line}");
    let dry_en = env.run(&["--lang", "en", "import", "targets", path2, "--dry-run"]);
    assert_ok(&dry_en, "dry run (en)");
    let line = text(&dry_en.stdout);
    assert!(report_line(&line).contains("added 7, updated 0"), "{line}");
    assert!(line.contains("dry run"), "{line}");
    assert_eq!(env.list_json("targets"), after_first);
    assert_eq!(env.run(&["verify"]).stdout, verify_first.stdout);
}

fn audit_seq_of_last_write(db: &sled::Db, tree: &str, key: &[u8]) -> u64 {
    let audit = db.open_tree("audit").expect("audit tree");
    let mut seq = 0;
    for kv in audit.iter() {
        let (_, v) = kv.expect("audit entry");
        let e: shuangsui::store::audit::AuditEntry =
            shuangsui::store::codec::decode(&v).expect("decode audit entry");
        if e.writes.iter().any(|w| w.tree == tree && w.key == key) {
            seq = e.seq;
        }
    }
    seq
}

/// Acceptance 5: A byte changed behind the application's back is found and named; so is an altered
/// audit entry.
#[test]
fn tampering_is_detected_and_named() {
    let env = Env::new();
    env.init_demo();
    let targets = env.targets();
    let first_code = targets[0].credit_code.as_str().to_string();
    let chunk_key = 0u64.to_be_bytes();

    // Change one ASCII byte of the first target's credit code inside chunk 0.
    let (original, seq) = {
        let db = sled::open(&env.db).expect("open sled");
        let tree = db.open_tree("targets").expect("targets tree");
        let original = tree.get(chunk_key).expect("get").expect("chunk 0 exists");
        let pos = original
            .windows(first_code.len())
            .position(|w| w == first_code.as_bytes())
            .expect("the code is stored as text");
        let mut changed = original.to_vec();
        let at = pos + 12;
        changed[at] = if changed[at] == b'7' { b'8' } else { b'7' };
        assert_ne!(changed, original.to_vec());
        tree.insert(chunk_key, changed).expect("insert");
        let seq = audit_seq_of_last_write(&db, "targets", &chunk_key);
        db.flush().expect("flush");
        (original.to_vec(), seq)
    };
    assert!(seq > 0, "no audit entry wrote targets/0");

    let out = env.run(&["verify"]);
    assert_fails(&out, "verify of a tampered record");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("targets/0 与审计日志第 {seq} 条")),
        "{stderr}"
    );
    let out = env.run(&["--lang", "en", "verify"]);
    assert_fails(&out, "verify of a tampered record (en)");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "record targets/0 does not match audit entry #{seq}"
        )),
        "{stderr}"
    );

    // Put the byte back: verify passes again.
    {
        let db = sled::open(&env.db).expect("open sled");
        let tree = db.open_tree("targets").expect("targets tree");
        tree.insert(chunk_key, original).expect("insert");
        db.flush().expect("flush");
    }
    assert_ok(&env.run(&["verify"]), "verify after restoring the byte");

    // Alter audit entry 1 (its user), re-encoded properly: the chain breaks at entry 1.
    {
        let db = sled::open(&env.db).expect("open sled");
        let audit = db.open_tree("audit").expect("audit tree");
        let key = 1u64.to_be_bytes();
        let bytes = audit.get(key).expect("get").expect("entry 1 exists");
        let mut e: shuangsui::store::audit::AuditEntry =
            shuangsui::store::codec::decode(&bytes).expect("decode");
        assert_eq!(e.seq, 1);
        e.user = format!("{}-mallory", e.user);
        let changed = shuangsui::store::codec::encode(&e).expect("encode");
        audit.insert(key, changed).expect("insert");
        db.flush().expect("flush");
    }
    let out = env.run(&["verify"]);
    assert_fails(&out, "verify of an altered audit entry");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("审计日志第 1 条被篡改或损坏"), "{stderr}");
    let out = env.run(&["--lang", "en", "verify"]);
    assert_fails(&out, "verify of an altered audit entry (en)");
    assert!(
        text(&out.stderr).contains("audit entry #1 was altered"),
        "{}",
        text(&out.stderr)
    );
}

/// Acceptance 6: A second process on the same store gets a clear message and exit status 2.
#[test]
fn second_process_gets_in_use_and_status_2() {
    let env = Env::new();
    env.init_demo();
    let held = shuangsui::store::Store::open(&env.db).expect("open the store in the test");

    let out = env.run(&["list", "targets"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("正被另一个 shuangsui 进程使用"),
        "{}",
        text(&out.stderr)
    );
    assert!(out.stdout.is_empty());

    let out = env.run(&["--lang", "en", "verify"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("in use by another shuangsui process"),
        "{}",
        text(&out.stderr)
    );

    drop(held);
    assert_ok(&env.run(&["verify"]), "verify once the store is free");
}

/// Acceptance 7: backup then restore round-trips; a non-empty store needs --force; a damaged backup
/// is refused.
#[test]
fn backup_restore_round_trip_force_and_checksum() {
    let env = Env::new();
    let logdir = env.dir.path();
    env.init_demo();
    let backup = env.file("demo.ssbak");
    let out = env.run(&["backup", backup.to_str().expect("utf-8 path")]);
    assert_ok(&out, "backup");
    let bpath = backup.to_str().expect("utf-8 path");
    let kinds = ["targets", "inspectors", "departments", "conflicts"];
    let lists =
        |db: &Path| -> Vec<Vec<u8>> { kinds.iter().map(|k| list_json_on(db, logdir, k)).collect() };
    let original = lists(&env.db);
    let original_verify = env.run(&["verify"]);
    assert_ok(&original_verify, "verify");

    // Into an empty store.
    let empty = env.other_store("restored");
    let out = run_on(&empty, logdir, &["restore", bpath]);
    assert_ok(&out, "restore into an empty store");
    assert_eq!(lists(&empty), original);
    let v = run_on(&empty, logdir, &["verify"]);
    assert_ok(&v, "verify the restored store");
    restore_was_audited(&v, &original_verify);
    assert!(text(&v.stdout).contains("链头 "), "{}", text(&v.stdout));

    // Into a non-empty store: refused without --force, store unchanged.
    let busy = env.other_store("busy");
    let small = env.file("small.csv");
    write_csv(
        &small,
        &[
            "单位名称,统一社会信用代码,所在地区".to_string(),
            format!("宜良县某厂,{},北古城镇", code(300)),
        ],
    );
    assert_ok(&run_on(&busy, logdir, &["init"]), "init the busy store");
    assert_ok(
        &run_on(
            &busy,
            logdir,
            &["import", "targets", small.to_str().expect("utf-8")],
        ),
        "import into the busy store",
    );
    let busy_before = lists(&busy);
    let busy_verify = run_on(&busy, logdir, &["verify"]);
    let out = run_on(&busy, logdir, &["restore", bpath]);
    assert_fails(&out, "restore into a non-empty store");
    assert!(
        text(&out.stderr).contains("--force"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(lists(&busy), busy_before);
    assert_eq!(
        run_on(&busy, logdir, &["verify"]).stdout,
        busy_verify.stdout
    );
    let out = run_on(&busy, logdir, &["--lang", "en", "restore", bpath]);
    assert_fails(&out, "restore into a non-empty store (en)");
    assert!(
        text(&out.stderr).contains("not empty"),
        "{}",
        text(&out.stderr)
    );
    // With --force it works.
    let out = run_on(&busy, logdir, &["restore", bpath, "--force"]);
    assert_ok(&out, "restore --force");
    assert_eq!(lists(&busy), original);
    restore_was_audited(&run_on(&busy, logdir, &["verify"]), &original_verify);

    // A damaged backup (one byte flipped in the body) is refused: checksum.
    let mut bytes = std::fs::read(&backup).expect("read backup");
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x20;
    let damaged = env.file("damaged.ssbak");
    std::fs::write(&damaged, &bytes).expect("write");
    let fresh = env.other_store("fresh");
    let out = run_on(
        &fresh,
        logdir,
        &["restore", damaged.to_str().expect("utf-8")],
    );
    assert_fails(&out, "restore of a damaged backup");
    assert!(
        text(&out.stderr).contains("checksum"),
        "{}",
        text(&out.stderr)
    );
    // The backup is checked before any store is touched: none was even created.
    assert!(!fresh.exists(), "a refused restore creates nothing");
    // Nor does --force let it over a good store.
    let out = run_on(
        &busy,
        logdir,
        &["restore", damaged.to_str().expect("utf-8"), "--force"],
    );
    assert_fails(&out, "restore --force of a damaged backup");
    assert_eq!(lists(&busy), original);
}

/// Acceptance 8: Inspectors naming an unknown department and conflicts naming an unknown
/// certificate are refused, naming the row.
#[test]
fn unknown_references_are_refused_naming_the_row() {
    let env = Env::new();
    env.init_demo();
    let inspectors_before = env.list_json("inspectors");
    let conflicts_before = env.list_json("conflicts");

    let file = env.file("inspectors.csv");
    write_csv(
        &file,
        &[
            "姓名,单位,执法证号,证件有效期至,职务岗位,工作年限,业务专长,状态".to_string(),
            "王新,ZFDD,530125299001,2027-12-31,执法队员,3,水,在岗".to_string(),
            "赵新,NOPE,530125299002,2027-12-31,执法队员,3,水,在岗".to_string(),
        ],
    );
    let path = file.to_str().expect("utf-8");
    let out = env.run(&["import", "inspectors", path]);
    assert_fails(&out, "inspectors with an unknown department");
    let stderr = text(&out.stderr);
    assert_eq!(error_rows(&stderr, &file), BTreeSet::from([3]), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:3:单位: 部门代码 \"NOPE\" 不存在",
            file.display()
        )),
        "{stderr}"
    );
    let out = env.run(&["--lang", "en", "import", "inspectors", path]);
    assert_fails(&out, "inspectors with an unknown department (en)");
    assert!(
        text(&out.stderr).contains("department code \"NOPE\" does not exist"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env.list_json("inspectors"), inspectors_before);

    // A conflict naming a certificate nobody holds, and one naming an unknown target.
    let targets = env.targets();
    let inspectors: Vec<serde_json::Value> =
        serde_json::from_slice(&inspectors_before).expect("JSON");
    let cert = inspectors[0]["certificate_no"]
        .as_str()
        .expect("certificate_no")
        .to_string();
    let file = env.file("conflicts.csv");
    write_csv(
        &file,
        &[
            "执法证号,统一社会信用代码,回避事由".to_string(),
            format!("{cert},{},亲属任职", targets[0].credit_code),
            format!("530125999999,{},曾任职", targets[1].credit_code),
            format!("{cert},{},曾任职", code(400)),
        ],
    );
    let path = file.to_str().expect("utf-8");
    let out = env.run(&["import", "conflicts", path]);
    assert_fails(&out, "conflicts with an unknown certificate");
    let stderr = text(&out.stderr);
    assert_eq!(
        error_rows(&stderr, &file),
        BTreeSet::from([3, 4]),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:3:执法证号:", file.display()))
            && stderr.contains("530125999999"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}:4:统一社会信用代码:", file.display())),
        "{stderr}"
    );
    let out = env.run(&["--lang", "en", "import", "conflicts", path]);
    assert_fails(&out, "conflicts with an unknown certificate (en)");
    assert!(
        text(&out.stderr).contains("no inspector has certificate 530125999999"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env.list_json("conflicts"), conflicts_before);
}

/// An Excel workbook with Chinese headers imports like a CSV.
#[test]
fn xlsx_with_chinese_headers_imports() {
    let env = Env::new();
    // Since issue 14 only init creates a store.
    assert_ok(&env.run(&["init"]), "init");
    let file = env.file("名录.xlsx");
    let headers = [
        "单位名称",
        "统一社会信用代码",
        "所在地区",
        "管理类别",
        "在线监控",
        "违法次数",
    ];
    let rows = [
        (
            "宜良县北古城水泥厂",
            code(500),
            "北古城镇",
            "重点管理",
            "是",
        ),
        (
            "宜良县九乡旅游酒店",
            code(501),
            "九乡彝族回族乡",
            "无",
            "否",
        ),
    ];
    {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(0, c as u16, *h).expect("write header");
        }
        for (r, (name, c, region, class, online)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            ws.write_string(r, 0, *name).expect("write");
            ws.write_string(r, 1, c.as_str()).expect("write");
            ws.write_string(r, 2, *region).expect("write");
            ws.write_string(r, 3, *class).expect("write");
            ws.write_string(r, 4, *online).expect("write");
            // A real number cell, as Excel stores counts.
            ws.write_number(r, 5, 2.0).expect("write");
        }
        wb.save(&file).expect("save xlsx");
    }
    let out = env.run(&["import", "targets", file.to_str().expect("utf-8")]);
    assert_ok(&out, "import xlsx");
    let stdout = text(&out.stdout);
    assert!(report_line(&stdout).contains("新增 2，更新 0"), "{stdout}");

    let targets = env.targets();
    assert_eq!(targets.len(), 2);
    for (t, (name, c, region, _, online)) in targets.iter().zip(rows.iter()) {
        assert_eq!(&t.name(), name);
        assert_eq!(t.credit_code.as_str(), c);
        assert_eq!(&t.region, region);
        assert_eq!(t.online_monitoring, *online == "是");
        assert_eq!(t.violations, 2);
    }
    assert_eq!(targets[0].permit_class, shuangsui::domain::PermitClass::Key);
    assert_eq!(
        targets[1].permit_class,
        shuangsui::domain::PermitClass::None
    );

    // Re-import: nothing changes.
    let out = env.run(&["import", "targets", file.to_str().expect("utf-8")]);
    assert_ok(&out, "re-import xlsx");
    assert!(
        report_line(&text(&out.stdout)).contains("新增 0，更新 0，未变 2"),
        "{}",
        text(&out.stdout)
    );
}

/// Acceptance 5b: A byte change that makes a chunk undecodable: the office cannot load the store,
/// but `verify` still names the record and its audit entry, and a backup can be restored over it.
#[test]
fn undecodable_record_is_named_and_restorable() {
    let env = Env::new();
    let logdir = env.dir.path();
    env.init_demo();
    let backup = env.file("good.ssbak");
    assert_ok(
        &env.run(&["backup", backup.to_str().expect("utf-8")]),
        "backup",
    );
    let good_lists = env.list_json("targets");
    let chunk_key = 0u64.to_be_bytes();
    let seq = {
        let db = sled::open(&env.db).expect("open sled");
        let tree = db.open_tree("targets").expect("targets tree");
        let mut v = tree.get(chunk_key).expect("get").expect("chunk 0").to_vec();
        // Byte 1 is the length of the chunk's target vector (bincode varint).
        v[1] ^= 0xff;
        tree.insert(chunk_key, v).expect("insert");
        db.flush().expect("flush");
        audit_seq_of_last_write(&db, "targets", &chunk_key)
    };
    // The office itself refuses to load it, naming the record.
    let out = env.run(&["list", "targets"]);
    assert_fails(&out, "list of an undecodable store");
    assert!(
        text(&out.stderr).contains("targets/0"),
        "{}",
        text(&out.stderr)
    );

    let out = env.run(&["verify"]);
    assert_fails(&out, "verify of an undecodable record");
    assert!(
        text(&out.stderr).contains(&format!("targets/0 与审计日志第 {seq} 条")),
        "{}",
        text(&out.stderr)
    );

    let out = env.run(&["restore", backup.to_str().expect("utf-8")]);
    assert_fails(
        &out,
        "restore over a non-empty (damaged) store without --force",
    );
    let out = env.run(&["restore", backup.to_str().expect("utf-8"), "--force"]);
    assert_ok(&out, "restore --force over a damaged store");
    assert_eq!(list_json_on(&env.db, logdir, "targets"), good_lists);
    assert_ok(&env.run(&["verify"]), "verify after the restore");
}
