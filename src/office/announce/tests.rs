use super::*;
use crate::draw::engine::InspectorSnap;
use crate::office::DemoDir;

fn demo() -> (Office, DemoDir) {
    Office::open_demo(Lang::En).expect("demo")
}

fn plan3() -> DrawRequest {
    DrawRequest {
        plan: 3,
        period: "2022Q3".into(),
        date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
        ..DrawRequest::default()
    }
}

fn announce(o: &Office, reason: Option<&str>) -> Result<Announcement, OfficeError> {
    o.announce_draw(&AnnounceRequest {
        draw: plan3(),
        source: "福彩3D 2022年第185期开奖号码".into(),
        reason: reason.map(String::from),
    })
}

#[test]
fn the_commitment_is_recorded_before_the_draw_and_matches_the_revealed_entropy() {
    let (o, _dir) = demo();
    let audit = o.audit_len();
    let a = announce(&o, None).unwrap();
    assert_eq!(o.audit_len(), audit + 1, "one audited commit");
    assert_eq!(a.commitment, commitment_of(&a.entropy));
    assert_eq!(a.input_hash, engine::pool_hash(&a.input));
    let public = announcement_json(&a);
    assert_eq!(public.entropy, None, "sealed");
    assert_eq!(public.state, "announced");
    let d = o.commit_announced(a.id, " 185 ").unwrap();
    assert_eq!(o.audit_len(), audit + 2);
    assert_eq!(d.entropy, Some(a.entropy));
    assert_eq!(d.witness, "185", "trimmed as recorded");
    assert_eq!(d.seed, sampler::derive_seed(&a.entropy, "185"));
    assert_eq!(d.input, a.input);
    let after = o.announcement(a.id).unwrap();
    assert_eq!(
        announcement_json(&after).entropy,
        Some(hex::encode(a.entropy))
    );
    assert_eq!(o.announcement_of(d.id).map(|x| x.id), Some(a.id));
    assert_eq!(o.verify_draw(d.id).unwrap(), Ok(()));
    // Reopened from the store: the same.
    let path = o.store_path();
    drop(o);
    let o = Office::open(&path, Lang::En).unwrap();
    assert_eq!(o.book().announcements.len(), 1);
    assert_eq!(o.verify_draw(d.id).unwrap(), Ok(()));
    assert!(o.verify().unwrap().problem.is_none());
}

#[test]
fn a_draw_whose_seed_is_not_from_its_announcement_does_not_verify() {
    let (o, _dir) = demo();
    let a = announce(&o, None).unwrap();
    let d = o.commit_announced(a.id, "185").unwrap();
    // The record claims other entropy (as a chosen seed would need): named.
    let mut book = (*o.book()).clone();
    book.draws[0].entropy = Some([7; 32]);
    book.draws[0].seed = sampler::derive_seed(&[7; 32], "185");
    let err = check_against_announcement(&book.draws[0], &book.announcements, Lang::En);
    assert!(matches!(err, Some(Err(m)) if m.contains("commitment")));
    let _ = d;
}

#[test]
fn a_second_announcement_needs_a_reason_and_abandons_the_first() {
    let (o, _dir) = demo();
    let a = announce(&o, None).unwrap();
    let audit = o.audit_len();
    let err = announce(&o, None).unwrap_err().localize(Lang::En);
    assert!(err.contains("#1") && err.contains("--reason"), "{err}");
    let err = announce(&o, Some("  ")).unwrap_err().localize(Lang::En);
    assert!(err.contains("--reason"), "a blank reason is none: {err}");
    assert_eq!(o.audit_len(), audit, "nothing written");
    let b = announce(&o, Some("公告张贴有误")).unwrap();
    assert_eq!(b.replaces, Some(a.id));
    assert_eq!(o.audit_len(), audit + 1, "abandoning is in the same commit");
    let first = o.announcement(a.id).unwrap();
    assert!(matches!(
        &first.state,
        AttemptState::Abandoned { successor, by, .. } if *successor == b.id && !by.is_empty()
    ));
    // The abandoned one cannot be drawn any more.
    let err = o
        .commit_announced(a.id, "185")
        .unwrap_err()
        .localize(Lang::En);
    assert!(err.contains("abandoned"), "{err}");
    assert!(o.book().draws.is_empty());
}

fn cripple(o: &Office, id: u64) {
    o.cripple_announcement_for_tests(id);
}

#[test]
fn an_infeasible_attempt_after_the_witness_is_recorded_with_its_seed() {
    let (o, _dir) = demo();
    let a = announce(&o, None).unwrap();
    cripple(&o, a.id);
    let audit = o.audit_len();
    let err = o
        .commit_announced(a.id, "185")
        .unwrap_err()
        .localize(Lang::En);
    let seed = sampler::seed_hex(&sampler::derive_seed(&a.entropy, "185"));
    assert!(err.contains(&seed) && err.contains("#1"), "{err}");
    assert_eq!(o.audit_len(), audit + 1, "the attempt is on record");
    assert!(o.book().draws.is_empty());
    let j = announcement_json(&o.announcement(a.id).unwrap());
    assert_eq!(j.state, "infeasible");
    assert_eq!(j.seed.as_deref(), Some(seed.as_str()));
    assert_eq!(j.entropy, Some(hex::encode(a.entropy)), "revealed");
    assert!(j.failed.is_some_and(|f| f.contains("certified")));
    // The retry is a new announcement with a reason.
    let err = announce(&o, None).unwrap_err().localize(Lang::En);
    assert!(err.contains("infeasible"), "{err}");
    let b = announce(&o, Some("检查人员工作量已满，调整后重抽")).unwrap();
    assert_eq!(b.replaces, Some(a.id));
    // Both attempts are listed beside the draws.
    let list = o.listing_json(crate::office::ListKind::Draws).unwrap();
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    let states: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["state"].as_str())
        .collect();
    assert_eq!(states, ["infeasible", "announced"]);
    // The audit log names the failure with its seed.
    let log = o.store.audit_entries().unwrap();
    assert!(log
        .iter()
        .any(|e| e.action == "draw infeasible" && e.summary.contains(&seed)));
}

#[test]
fn precheck_refuses_before_anything_random() {
    let snap = |id, dept: &str, certified, load| InspectorSnap {
        id,
        department: dept.into(),
        internal: true,
        certified,
        load,
    };
    let input = DrawInput {
        strata: vec![engine::StratumInput {
            row: "A-1".into(),
            quota: 2,
            pool: vec![1, 2, 3],
        }],
        internal_joint: 0,
        inspectors: vec![
            snap(1, "JCZ", true, 0),
            snap(2, "JCZ", true, 0),
            snap(3, "HJGL", false, 0),
        ],
        recusals: vec![],
        last_teams: vec![],
        team_size: 2,
        partners: vec![],
        workload_cap: 10,
        draw2: None,
    };
    assert_eq!(precheck(&input), Ok(()));
    // A recusal leaves target 2 with one certified inspector: refused, naming it.
    let mut r = input.clone();
    r.recusals = vec![(2, 1)];
    assert_eq!(
        precheck(&r),
        Err((Constraint::NotEnoughCertified, 2, "A-1".into()))
    );
    // Joint tasks with all certified inspectors of one section.
    let mut j = input.clone();
    j.internal_joint = 1;
    assert_eq!(
        precheck(&j),
        Err((Constraint::NoSecondSection, 0, String::new()))
    );
    // The cap leaves room for one task only.
    let mut c = input.clone();
    c.workload_cap = 1;
    assert_eq!(
        precheck(&c),
        Err((Constraint::NotEnoughCertified, 0, String::new()))
    );
    // A partner with no inspector.
    let mut p = input.clone();
    p.partners = vec!["GTJ".into()];
    p.team_size = 3;
    assert!(matches!(
        precheck(&p),
        Err((Constraint::NoPartnerInspector(code), 1, _)) if code == "GTJ"
    ));
    // Nothing to draw: nothing to fail.
    let mut z = input;
    z.strata[0].quota = 0;
    z.inspectors.clear();
    assert_eq!(precheck(&z), Ok(()));
}

#[test]
fn a_replay_writes_nothing_and_matches_the_draw() {
    let (o, _dir) = demo();
    let d = o.commit_draw(&DrawRequest {
        witness: "185".into(),
        ..plan3()
    });
    let d = d.unwrap();
    let (o2, _dir2) = demo();
    let audit = o2.audit_len();
    let r = o2
        .replay_draw(&DrawRequest {
            seed: Some(sampler::seed_hex(&d.seed)),
            ..plan3()
        })
        .unwrap();
    assert!(r.replay && !r.written);
    assert_eq!(r.outcome, d.outcome);
    assert_eq!(o2.audit_len(), audit);
    assert!(o2.book().draws.is_empty() && o2.book().announcements.is_empty());
}

/// The worked example of docs/sampler.md (partners, an internal joint task, a relaxed team),
/// as a record: the Python reference re-checks it, relaxed team included.
#[test]
fn the_worked_example_as_a_record_rechecks_with_the_python_reference() {
    let snap = |id, dept: &str, internal, certified, load| InspectorSnap {
        id,
        department: dept.into(),
        internal,
        certified,
        load,
    };
    let input = DrawInput {
        strata: vec![
            engine::StratumInput {
                row: "重点".into(),
                quota: 2,
                pool: vec![10, 11, 12],
            },
            engine::StratumInput {
                row: "一般".into(),
                quota: 1,
                pool: vec![20, 21],
            },
        ],
        internal_joint: 1,
        inspectors: vec![
            snap(1, "S1", true, true, 0),
            snap(2, "S1", true, true, 0),
            snap(3, "S2", true, true, 0),
            snap(4, "S2", true, false, 0),
            snap(5, "SCJ", false, false, 1),
        ],
        recusals: vec![(10, 1), (11, 3)],
        last_teams: vec![(12, vec![2, 5])],
        team_size: 3,
        partners: vec!["SCJ".into()],
        workload_cap: 4,
        draw2: None,
    };
    let seed = [7u8; 32];
    let outcome = engine::run(&input, &seed).unwrap();
    assert!(outcome.tasks.iter().any(|t| t.relaxed_last_team));
    let entropy = [9u8; 32];
    let seed = sampler::derive_seed(&entropy, "07");
    let outcome = engine::run(&input, &seed).unwrap();
    let record = RecordJson {
        format: RECORD_FORMAT.into(),
        draw: 1,
        kind: "legacy".into(),
        plan: 1,
        plan_name: "example".into(),
        issue19: Default::default(),
        period: "2022Q3".into(),
        date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5).unwrap(),
        time: String::new(),
        operator: String::new(),
        scope: String::new(),
        inspector_scope: String::new(),
        joint: "departments:SCJ".into(),
        // A shuangsui-draw-1 input (no draw2): old draws still re-check, labelled draw-1.
        algorithm: format!("{}+{}", sampler::ALGORITHM_VERSION, input.engine_name()),
        rules_version: String::new(),
        rules_number: None,
        announcement: None,
        input_hash: hex::encode(engine::pool_hash(&input)),
        input: input.into(),
        seed_derivation: SeedDerivation {
            rule: String::new(),
            entropy: Some(hex::encode(entropy)),
            witness: "07".into(),
            seed: sampler::seed_hex(&seed),
            commitment: None,
        },
        outcome,
        tasks: vec![],
        year_before: (0, 0),
        year_after: (0, 0),
        voided: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/sampler_reference.py");
    let check = |r: &RecordJson| {
        let file = dir.path().join("r.json");
        std::fs::write(&file, serde_json::to_string(r).unwrap()).unwrap();
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg("--record")
            .arg(&file)
            .output()
            .expect("python3");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    // Every seed the example can take: relaxed teams, partners and joint tasks all re-check.
    let mut relaxed = 0;
    for w in 0..12 {
        let mut r = record.clone();
        r.seed_derivation.witness = w.to_string();
        let seed = sampler::derive_seed(&entropy, &r.seed_derivation.witness);
        r.seed_derivation.seed = sampler::seed_hex(&seed);
        let Ok(o) = engine::run(&r.input, &seed) else {
            continue;
        };
        relaxed += o.tasks.iter().filter(|t| t.relaxed_last_team).count();
        r.outcome = o;
        let (good, out) = check(&r);
        assert!(good, "witness {w}: {out}");
    }
    assert!(relaxed > 0, "some relaxed teams were re-checked");
    let mut bad = record.clone();
    bad.outcome.words_consumed += 1;
    let (good, out) = check(&bad);
    assert!(!good && out.contains("words_consumed"), "{out}");
    // The same example as shuangsui-draw-2 with two visits to merge into (one whose team has no
    // certified inspector of the draw): every seed re-checks, merges and all.
    let mut merges = 0;
    for w in 0..12 {
        let mut r = record.clone();
        std::sync::Arc::make_mut(&mut r.input).draw2 = Some(engine::Draw2 {
            visits: vec![
                engine::Visit {
                    target: 12,
                    task: 7,
                    team: vec![9, 4],
                    joint: false,
                },
                engine::Visit {
                    target: 21,
                    task: 8,
                    team: vec![3, 4],
                    joint: w % 2 == 0,
                },
            ],
            joint_all: false,
            year_tasks: 30,
            year_joint: 1,
            joint_min_percent: 10,
        });
        r.algorithm = format!("{}+{}", sampler::ALGORITHM_VERSION, r.input.engine_name());
        r.input_hash = hex::encode(engine::pool_hash(&r.input));
        r.seed_derivation.witness = w.to_string();
        let seed = sampler::derive_seed(&entropy, &r.seed_derivation.witness);
        r.seed_derivation.seed = sampler::seed_hex(&seed);
        let Ok(o) = engine::run(&r.input, &seed) else {
            continue;
        };
        merges += o.merges.len();
        r.outcome = o;
        let (good, out) = check(&r);
        assert!(good, "draw-2, witness {w}: {out}");
        if let Some(m) = r.outcome.merges.first_mut() {
            m.task += 1;
            let (good, out) = check(&r);
            assert!(!good && out.contains("merges differ"), "{out}");
        }
    }
    assert!(merges > 0, "some merges were re-checked");
}

#[test]
fn an_announced_draw_needs_a_witness() {
    let (o, _dir) = demo();
    let a = announce(&o, None).unwrap();
    let audit = o.audit_len();
    for w in ["", "  "] {
        let err = o.commit_announced(a.id, w).unwrap_err().localize(Lang::En);
        assert!(err.contains("witness"), "{err}");
    }
    assert_eq!(o.audit_len(), audit, "nothing written");
    assert_eq!(o.announcement(a.id).unwrap().state, AttemptState::Announced);
    // One sitting may go without (nobody saw the commitment before the commit).
    let (o, _dir) = demo();
    assert!(o.commit_draw(&plan3()).is_ok());
}

#[test]
fn a_draw_without_an_announcement_still_verifies_and_says_so() {
    let (o, _dir) = demo();
    let d = o.commit_draw(&plan3()).unwrap();
    // As a store written before announcements: the draw, no announcement.
    o.book_mut().announcements.clear();
    assert_eq!(o.verify_draw(d.id).unwrap(), Ok(()));
    let r = o.draw_record(d.id).unwrap();
    assert_eq!(r.kind, "legacy");
    assert!(r.announcement.is_none() && r.seed_derivation.commitment.is_none());
    let json = o.draw_json(&d);
    assert_eq!(json.announcement, None);
}

#[test]
fn voided_abandoned_and_infeasible_attempts_are_in_the_periods_figures() {
    let (o, _dir) = demo();
    let q3 = crate::domain::Period::parse("2022Q3").unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2022, 9, 30).unwrap();
    assert!(o.status(q3, today).unwrap().attempts.is_empty());
    let a = announce(&o, None).unwrap(); // 1
    let b = announce(&o, Some("公告张贴有误")).unwrap(); // 2; 1 abandoned
    cripple(&o, b.id);
    assert!(o.commit_announced(b.id, "185").is_err()); // 2 infeasible
    let c = announce(&o, Some("调整后重抽")).unwrap(); // 3
    let d = o.commit_announced(c.id, "186").unwrap();
    o.void_draw(d.id, "date typed wrong").unwrap();

    let f = o.status(q3, today).unwrap();
    let at = &f.attempts;
    let numbers = |v: &[crate::office::attempts::AttemptItem]| -> Vec<u64> {
        v.iter().map(|i| i.number).collect()
    };
    assert_eq!(numbers(&at.abandoned), [a.id]);
    assert_eq!(numbers(&at.infeasible), [b.id]);
    assert_eq!(numbers(&at.voided), [d.id]);
    assert!(at.abandoned[0].detail.contains("#2"));
    assert!(
        at.infeasible[0].detail.contains("certified"),
        "{}",
        at.infeasible[0].detail
    );
    assert_eq!(at.voided[0].detail, "date typed wrong");
    assert!(at.all().all(|i| !i.by.is_empty() && !i.time.is_empty()));
    assert_eq!(at.summary(Lang::En), "voided 1, abandoned 1, infeasible 1");
    // In the JSON of `status`, by kind.
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(v["attempts"]["infeasible"][0]["kind"], "infeasible");
    assert_eq!(v["attempts"]["infeasible"][0]["number"], b.id);
    // Not in another period's.
    let q4 = crate::domain::Period::parse("2022Q4").unwrap();
    assert!(o.status(q4, today).unwrap().attempts.is_empty());
}

mod precheck_reference {
    use super::*;
    use std::collections::HashMap;

    /// The check as it was before issue 17 (every target against every inspector): the reference
    /// the faster [`precheck`] must agree with.
    fn precheck_per_target(input: &DrawInput) -> Result<(), (Constraint, u64, String)> {
        let total: usize = input.strata.iter().map(|s| s.quota).sum();
        if total == 0 {
            return Ok(());
        }
        for s in &input.strata {
            if s.quota > s.pool.len() {
                return Err((Constraint::QuotaExceedsPool, 0, s.row.clone()));
            }
        }
        let cap = input.workload_cap;
        let free = |i: &&engine::InspectorSnap| i.load < cap;
        let internal_slots = input.team_size.saturating_sub(input.partners.len());
        let mut recused: HashMap<u64, Vec<u64>> = HashMap::new();
        for &(t, i) in &input.recusals {
            recused.entry(t).or_default().push(i);
        }
        let first_row = |t: u64| {
            input
                .strata
                .iter()
                .find(|s| s.quota > 0 && s.pool.contains(&t))
                .map(|s| s.row.clone())
                .unwrap_or_default()
        };
        // Per target of a pool that is drawn from: its own recusals leave a team?
        for s in input.strata.iter().filter(|s| s.quota > 0) {
            for &t in &s.pool {
                let out = recused.get(&t).map(Vec::as_slice).unwrap_or(&[]);
                let ok = |i: &&engine::InspectorSnap| free(i) && !out.contains(&i.id);
                let internal: Vec<_> = input
                    .inspectors
                    .iter()
                    .filter(|i| i.internal)
                    .filter(ok)
                    .collect();
                if internal.iter().filter(|i| i.certified).count() < 2 {
                    return Err((Constraint::NotEnoughCertified, t, first_row(t)));
                }
                if internal.len() < internal_slots {
                    return Err((Constraint::NotEnoughInspectors, t, first_row(t)));
                }
                for p in &input.partners {
                    if !input
                        .inspectors
                        .iter()
                        .filter(ok)
                        .any(|i| !i.internal && &i.department == p)
                    {
                        return Err((Constraint::NoPartnerInspector(p.clone()), t, first_row(t)));
                    }
                }
            }
        }
        // The internal joint tasks need certified inspectors of two sections.
        if input.internal_joint > 0 {
            let sections: std::collections::HashSet<&str> = input
                .inspectors
                .iter()
                .filter(free)
                .filter(|i| i.internal && i.certified)
                .map(|i| i.department.as_str())
                .collect();
            if sections.len() < 2 {
                return Err((Constraint::NoSecondSection, 0, String::new()));
            }
        }
        // Capacity under the cap: two certified members per task, and whole teams.
        let room = |keep: &dyn Fn(&engine::InspectorSnap) -> bool| -> usize {
            input
                .inspectors
                .iter()
                .filter(|i| keep(i))
                .map(|i| cap.saturating_sub(i.load) as usize)
                .sum()
        };
        if room(&|i| i.internal && i.certified) < 2 * total {
            return Err((Constraint::NotEnoughCertified, 0, String::new()));
        }
        if room(&|i| i.internal) < internal_slots * total {
            return Err((Constraint::NotEnoughInspectors, 0, String::new()));
        }
        for p in &input.partners {
            if room(&|i| !i.internal && &i.department == p) < total {
                return Err((Constraint::NoPartnerInspector(p.clone()), 0, String::new()));
            }
        }
        Ok(())
    }

    /// Small random inputs (inspectors of two sections and two partners, loads around the cap,
    /// recusals, several strata, quotas 0 or more): the same answer, the same target and row.
    #[test]
    fn precheck_agrees_with_the_check_per_target_and_inspector() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let depts = ["JCZ", "HJGL", "GTJ", "SLJ"];
        let mut seen = HashMap::new();
        for _ in 0..3000 {
            let n_insp = next(7);
            let inspectors: Vec<InspectorSnap> = (1..=n_insp)
                .map(|id| {
                    let d = depts[next(4) as usize];
                    InspectorSnap {
                        id,
                        department: d.into(),
                        internal: d == "JCZ" || d == "HJGL",
                        certified: next(4) != 0,
                        load: next(4) as u32,
                    }
                })
                .collect();
            let strata: Vec<engine::StratumInput> = (0..1 + next(3))
                .map(|k| {
                    let mut pool: Vec<u64> = (1..=8).filter(|_| next(2) == 0).collect();
                    pool.dedup();
                    engine::StratumInput {
                        row: format!("R-{k}"),
                        quota: next(3).min(pool.len() as u64 + 1) as usize,
                        pool,
                    }
                })
                .collect();
            let mut recusals: Vec<(u64, u64)> = (0..next(6))
                .map(|_| (1 + next(8), 1 + next(n_insp.max(1))))
                .collect();
            recusals.sort_unstable();
            let partners: Vec<String> = match next(4) {
                0 => vec!["GTJ".into()],
                1 => vec!["GTJ".into(), "SLJ".into()],
                _ => vec![],
            };
            let input = DrawInput {
                strata,
                internal_joint: next(2) as usize,
                inspectors,
                recusals,
                last_teams: vec![],
                team_size: 2 + next(3) as usize,
                partners,
                workload_cap: 1 + next(4) as u32,
                draw2: None,
            };
            let want = precheck_per_target(&input);
            *seen
                .entry(format!("{:?}", want.as_ref().map_err(|e| &e.0)))
                .or_insert(0) += 1;
            assert_eq!(precheck(&input), want, "{input:?}");
        }
        // The inputs reach every outcome.
        assert!(seen.len() >= 5, "{seen:?}");
    }
}
