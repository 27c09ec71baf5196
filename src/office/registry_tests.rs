use super::*;

fn reopen(dir: &Path, office: Office) -> Office {
    drop(office);
    Office::open(dir, Lang::Zh).unwrap()
}

#[test]
fn reimport_with_changes_updates_store_and_memory_alike() {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::open(dir.path(), Lang::Zh)
        .unwrap()
        .with_user("tester");
    office.load_demo().unwrap();
    let text = String::from_utf8(super::super::demo::TARGETS_CSV.to_vec()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Row 2 (target 1): a new address; row 3 (target 2): closed.
    lines[1] = lines[1].replacen("宜良县", "云南省宜良县", 1);
    lines[2] = lines[2].replace(",在产,", ",关闭,");
    assert!(
        lines[2].contains(",关闭,"),
        "fixture row 3 has a status column"
    );
    let changed = lines.join("\n");
    let out = office
        .import_bytes(ImportKind::Targets, "t.csv", changed.as_bytes(), false)
        .unwrap();
    assert_eq!((out.added, out.updated), (0, 2), "{out:?}");
    let in_memory = office.state().targets.clone();
    assert_eq!(in_memory[1].status, TargetStatus::Closed);
    assert_eq!(
        in_memory[1].status_history.len(),
        1,
        "the change is in the history"
    );
    assert!(in_memory[0].address().starts_with("云南省"));
    let office = reopen(dir.path(), office);
    assert_eq!(
        office.state().targets,
        in_memory,
        "the store holds what memory holds"
    );
    assert_eq!(office.verify().unwrap().problem, None);
}

#[test]
fn a_status_change_dated_ahead_stays_pending_until_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::open(dir.path(), Lang::Zh)
        .unwrap()
        .with_user("tester");
    office.load_demo().unwrap();
    let ahead = NaiveDate::from_ymd_opt(2099, 1, 1).unwrap();
    let before = office.state().targets[2].status;
    assert_ne!(before, TargetStatus::Closed);
    let t = office
        .set_target_status(3, TargetStatus::Closed, ahead, "计划关闭")
        .unwrap();
    assert_eq!(t.status, before, "not applied before its date");
    let last = t.status_history.last().unwrap();
    assert_eq!((last.status, last.effective), (TargetStatus::Closed, ahead));
    let office = reopen(dir.path(), office);
    assert_eq!(office.state().targets[2].status, before, "still pending");
    let h = &office.state().targets[2].status_history;
    assert_eq!(
        status_on(before, h, ahead),
        TargetStatus::Closed,
        "on its day"
    );
    let p = office
        .set_inspector_status(1, InspectorStatus::Left, ahead, "退休")
        .unwrap();
    assert_ne!(p.status, InspectorStatus::Left);
    assert_eq!(office.verify().unwrap().problem, None);
}

#[test]
fn status_change_and_new_target_land_in_their_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let office = Office::open(dir.path(), Lang::Zh)
        .unwrap()
        .with_user("tester");
    office.load_demo().unwrap();
    let date = NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
    assert!(office
        .set_target_status(3, TargetStatus::Suspended, date, " ")
        .is_err());
    office
        .set_target_status(3, TargetStatus::Suspended, date, "停产整治")
        .unwrap();
    let mut t = office.state().targets[0].clone();
    t.id = 0;
    t.credit_code = CreditCode::complete("91530125MA6K1234X").unwrap();
    t.set_name("宜良新增测试有限公司");
    let saved = office.save_target(t).unwrap();
    assert_eq!(saved.id, office.state().targets.len() as u64);
    let before = office.state().targets.clone();
    let office = reopen(dir.path(), office);
    assert_eq!(office.state().targets, before);
    assert_eq!(office.state().targets[2].status, TargetStatus::Suspended);
    assert_eq!(office.verify().unwrap().problem, None);
}

/// The code index and the search text are built on first use; built or not when a target is
/// added or edited, they then answer as indexes built afresh do (issue 17).
#[test]
fn the_lazy_indexes_follow_edits_whether_built_or_not() {
    for built in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let office = Office::open(dir.path(), Lang::Zh)
            .unwrap()
            .with_user("tester");
        office.load_demo().unwrap();
        if built {
            let st = office.state();
            assert!(!st.target_search().is_empty() && !st.code_index().is_empty());
        }
        assert_eq!(office.state().target_search.is_built(), built);
        // An edit of target 2 (new name and code) and a new target.
        let mut t = office.state().targets[1].clone();
        let old_code = t.credit_code.to_string();
        t.set_name("改名后的测试公司");
        t.credit_code = CreditCode::complete("91530125MA6K7777X").unwrap();
        office.save_target(t).unwrap();
        let mut n = office.state().targets[0].clone();
        n.id = 0;
        n.credit_code = CreditCode::complete("91530125MA6K8888X").unwrap();
        n.set_name("新增的检索测试公司");
        let n = office.save_target(n).unwrap();
        let st = office.state();
        assert_eq!(st.target_search.is_built(), built, "edits do not build it");
        let fresh = crate::office::search::TargetSearch::build(&st.targets);
        for q in ["改名后", "检索测试", &old_code, "宜良"] {
            assert_eq!(st.target_search().find(q), fresh.find(q), "{built}: {q}");
        }
        assert_eq!(
            st.target_id_by_code(st.targets[1].credit_code.as_str()),
            Some(2)
        );
        assert_eq!(st.target_id_by_code(n.credit_code.as_str()), Some(n.id));
        assert_eq!(st.target_id_by_code(&old_code), None, "{built}");
    }
}

/// The target indexes are built on first use (`State::code_index`, `State::target_search`) or by
/// `State::build_indexes` on another thread (the TUI's, after its first frame): whoever asks
/// first, and while another thread builds, the answers are those of indexes built at once.
#[test]
fn target_indexes_built_later_answer_as_if_built_at_once() {
    let ts = crate::synth::targets(3000, 9);
    let st =
        crate::office::State::from_parts(ts.clone(), Vec::new(), Vec::new(), Vec::new()).unwrap();
    assert!(!st.target_by_code.is_built() && !st.target_search.is_built());
    let at_once = crate::office::search::TargetSearch::build(&ts);
    let found = std::thread::scope(|s| {
        s.spawn(|| st.build_indexes());
        st.target_search().find("狗街")
    });
    assert_eq!(found, at_once.find("狗街"));
    assert!(!found.is_empty());
    assert!(st.target_by_code.is_built() && st.target_search.is_built());
    for t in [&ts[0], &ts[1234], &ts[2999]] {
        assert_eq!(st.target_id_by_code(t.credit_code.as_str()), Some(t.id));
        assert_eq!(st.find_target(t.name()).map(|f| f.name()), Some(t.name()));
    }
    assert_eq!(st.target_id_by_code("91530125XXXXXXXXXX"), None);
    // Tasks of the global rayon pool asking for the code index (an import matching its rows)
    // while the office's thread builds it: neither waits for the other forever.
    use rayon::prelude::*;
    let st =
        crate::office::State::from_parts(ts.clone(), Vec::new(), Vec::new(), Vec::new()).unwrap();
    let ids: Vec<Option<u64>> = std::thread::scope(|s| {
        s.spawn(|| st.build_indexes());
        (ts.par_iter())
            .map(|t| st.target_id_by_code(t.credit_code.as_str()))
            .collect()
    });
    assert_eq!(ids, ts.iter().map(|t| Some(t.id)).collect::<Vec<_>>());
}
