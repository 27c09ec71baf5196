use super::*;

#[test]
fn an_empty_generating_snapshot_is_set_aside_and_the_store_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let s = Store::open(&path).unwrap();
        s.commit(change(
            "test",
            vec![Write::put(TreeName::Departments, key_u64(1), vec![1, 2, 3])],
        ))
        .unwrap();
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let leftover = path.join("snap.00000000000FFFFF.generating");
    std::fs::write(&leftover, b"").unwrap();
    let s = Store::open(&path).unwrap();
    assert!(!leftover.exists());
    assert!(dir
        .path()
        .join("store.set-aside/snap.00000000000FFFFF.generating")
        .is_file());
    assert_eq!(s.audit_len(), 1);
    assert_eq!(s.verify().unwrap().problem, None);
}

fn change(action: &str, writes: Vec<Write>) -> Change {
    Change {
        user: "tester".into(),
        action: action.into(),
        summary: String::new(),
        writes,
        guards: vec![],
        stamps: vec![],
    }
}

#[test]
fn commit_audits_and_verify_detects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let v1 = codec::encode(&"甲".to_string()).unwrap();
    let v2 = codec::encode(&"乙".to_string()).unwrap();
    s.commit(change(
        "a",
        vec![Write::put(TreeName::Plans, key_u64(1), v1.clone())],
    ))
    .unwrap();
    s.commit(change(
        "b",
        vec![Write::put(TreeName::Plans, key_u64(2), v2.clone())],
    ))
    .unwrap();
    let r = s.verify().unwrap();
    assert_eq!(r.entries, 2);
    assert_eq!(r.problem, None);

    // A record changed behind the application's back is named with its entry.
    s.tamper_raw("plans", &key_u64(2), &v1).unwrap();
    let r = s.verify().unwrap();
    assert_eq!(
        r.problem,
        Some(VerifyProblem::RecordChanged {
            tree: "plans".into(),
            key: "2".into(),
            seq: 2
        })
    );
    s.tamper_raw("plans", &key_u64(2), &v2).unwrap();
    assert_eq!(s.verify().unwrap().problem, None);

    // An altered audit entry is named.
    let entries = s.audit_entries().unwrap();
    let mut e = entries[0].clone();
    e.user = "mallory".into();
    s.tamper_raw("audit", &key_u64(1), &codec::encode(&e).unwrap())
        .unwrap();
    assert!(matches!(
        s.verify().unwrap().problem,
        Some(VerifyProblem::BrokenEntry { seq: 1, .. })
    ));
}

#[test]
fn unaudited_and_missing_records_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let v = codec::encode(&1u32).unwrap();
    s.commit(change(
        "a",
        vec![Write::put(TreeName::Tasks, key_u64(1), v.clone())],
    ))
    .unwrap();
    s.tamper_raw("tasks", &key_u64(9), &v).unwrap();
    assert!(matches!(
        s.verify().unwrap().problem,
        Some(VerifyProblem::RecordUnaudited { .. })
    ));
    s.tree(TreeName::Tasks).remove(key_u64(9)).unwrap();
    s.tree(TreeName::Tasks).remove(key_u64(1)).unwrap();
    assert!(matches!(
        s.verify().unwrap().problem,
        Some(VerifyProblem::RecordMissing { seq: 1, .. })
    ));
}

#[test]
fn guard_refuses_second_writer() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path()).unwrap();
    let v = codec::encode(&1u32).unwrap();
    let mut c = change(
        "draw",
        vec![Write::put(TreeName::Meta, b"slot".to_vec(), v.clone())],
    );
    c.guards.push(Guard {
        tree: TreeName::Meta,
        key: b"slot".to_vec(),
    });
    s.commit(c.clone()).unwrap();
    assert!(matches!(s.commit(c), Err(StoreError::Conflict { .. })));
    assert_eq!(s.audit_len(), 1);
}

#[test]
fn second_open_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _s = Store::open(dir.path()).unwrap();
    match Store::open(dir.path()) {
        Err(StoreError::InUse(_)) => {}
        Err(e) => panic!("expected InUse, got {e:?}"),
        Ok(_) => panic!("second open succeeded"),
    }
}

#[test]
fn backup_restore_round_trip_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(&dir.path().join("a")).unwrap();
    let v = codec::encode(&"记录".to_string()).unwrap();
    s.commit(change(
        "a",
        vec![Write::put(TreeName::Plans, key_u64(1), v)],
    ))
    .unwrap();
    let file = dir.path().join("b.ssbak");
    s.backup(&file).unwrap();
    let t = Store::open(&dir.path().join("b")).unwrap();
    t.restore(&file, false).unwrap();
    assert_eq!(t.verify().unwrap().problem, None);
    assert_eq!(t.verify().unwrap().head, s.verify().unwrap().head);
    assert!(matches!(t.restore(&file, false), Err(StoreError::NotEmpty)));
    t.restore(&file, true).unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&file, bytes).unwrap();
    let u = Store::open(&dir.path().join("c")).unwrap();
    assert!(matches!(
        u.restore(&file, false),
        Err(StoreError::Backup(_))
    ));
    assert!(u.is_empty());
}
