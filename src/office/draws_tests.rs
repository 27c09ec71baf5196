use super::*;
use crate::domain::rules::Category;
use crate::office::{DemoDir, ImportKind};
use chrono::NaiveDate;
use proptest::strategy::Strategy;

/// A one-sitting request with a fixed entropy on this thread (a chosen seed never commits).
pub(crate) fn request(date: NaiveDate) -> DrawRequest {
    super::super::announce::fix_entropy_for_tests(Some([0x5a; 32]));
    DrawRequest {
        witness: "185".into(),
        date: Some(date),
        ..Default::default()
    }
}

/// Draw every quarter of 2022 for all plans due, each with a date inside the quarter.
/// Returns the refusals as (period, plan, message).
fn draw_year(o: &Office) -> Vec<(String, PlanId, String)> {
    let mut refusals = Vec::new();
    for q in 1..=4u8 {
        let period = Period::quarter(2022, q).unwrap();
        let date = period.start() + chrono::Days::new(4);
        for (plan, r) in o.draw_period(period, &request(date)) {
            if let Err(e) = r {
                refusals.push((period.to_string(), plan, e.localize(Lang::En)));
            }
        }
    }
    refusals
}

fn times_a_year(c: Cycle) -> usize {
    match c {
        Cycle::Quarter => 4,
        Cycle::Half => 2,
        Cycle::Year => 1,
    }
}

/// Acceptance 1 of issue 12, on the demo store.
#[test]
fn a_whole_demo_year_follows_table_1_per_target_and_category() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    let refusals = draw_year(&o);
    for (period, plan, m) in &refusals {
        assert!(
            m.contains("nothing is due") || m.contains("is due only in months"),
            "{period} plan {plan}: {m}"
        );
    }
    let rules = &*o.rules();
    let st = o.state();
    let book = o.book();
    let routine_draws: HashSet<DrawId> = book
        .draws
        .iter()
        .filter(|d| d.scope.trim().is_empty())
        .map(|d| d.id)
        .collect();
    let live: Vec<&Task> = book.tasks.iter().filter(|t| !t.voided).collect();
    assert!(!live.is_empty());
    // Every plan drew in its months and only there.
    for d in &book.draws {
        let plan = book.plans.iter().find(|p| p.id == d.plan).unwrap();
        assert!(
            plan.overlaps(Period::parse(&d.period).unwrap()),
            "draw {}",
            d.id
        );
        assert!(
            !d.tasks.is_empty() || !d.outcome.merges.is_empty(),
            "draw {} has no task and no merge",
            d.id
        );
    }
    // No target has two tasks in one quarter: a second plan's pick is merged into the
    // visit (one task listing both items, counted internal joint).
    let mut per_quarter: HashMap<(TargetId, String), Vec<&Task>> = HashMap::new();
    for t in &live {
        per_quarter
            .entry((t.target, t.period.to_string()))
            .or_default()
            .push(t);
    }
    for ((target, period), ts) in &per_quarter {
        assert_eq!(
            ts.len(),
            1,
            "target {target} has {} tasks in {period}",
            ts.len()
        );
    }
    let merged: Vec<&&Task> = live.iter().filter(|t| !t.merged.is_empty()).collect();
    assert!(!merged.is_empty(), "the demo year merges visits");
    assert!(merged.iter().all(|t| t.is_joint()));
    // Per target and category, the routine visits of the year (every item of a task).
    let mut visits: HashMap<(TargetId, Category), usize> = HashMap::new();
    for t in &live {
        for item in t.items().filter(|i| routine_draws.contains(&i.draw)) {
            let row = rules.row(item.row).unwrap();
            *visits.entry((t.target, row.category())).or_default() += 1;
        }
    }
    for t in &st.targets {
        for row in rules.obligations(t) {
            let n = visits.get(&(t.id, row.category())).copied().unwrap_or(0);
            assert!(
                n <= times_a_year(row.cycle),
                "target {} row {}: {n} visits",
                t.id,
                row.id
            );
            let active = t.status == TargetStatus::Operating
                && (1..=4).any(|q| drawable_in(t, Period::quarter(2022, q).unwrap()));
            if active && row.category() != Category::Pollution {
                assert_eq!(n, 1, "target {} owes one {} inspection", t.id, row.id);
            }
        }
    }
    // Every quarterly row meets its ceiling each quarter.
    let governed = governed_targets(&st, rules, |_| true);
    for row in rules
        .applicable_rows()
        .filter(|r| r.cycle == Cycle::Quarter)
    {
        for q in 1..=4u8 {
            let period = Period::quarter(2022, q).unwrap();
            let eligible = governed
                .get(&row.id)
                .map(|v| v.iter().filter(|t| drawable_in(t, period)).count())
                .unwrap_or(0);
            let need = row.quota(eligible, None).unwrap();
            let got = live
                .iter()
                .filter(|t| t.period == period.to_string())
                .filter(|t| {
                    t.items()
                        .any(|i| routine_draws.contains(&i.draw) && i.row == row.id)
                })
                .count();
            assert!(got >= need, "{} in {period}: {got} < {need}", row.id);
        }
    }
    // Every draw verifies.
    drop((st, book));
    assert_eq!(o.verify_all_draws(), None);
    check_year_invariants(&o);
}

/// The invariants of a year's draws that hold whatever the order of the plans: per target
/// and category, the routine visits stay within the row's yearly frequency; a target never
/// has two tasks in one quarter (merged visits), and a visit covers a category once; a
/// yearly full row (R, P) gives each target at most one visit.
fn check_year_invariants(o: &Office) {
    let rules = &*o.rules();
    let st = o.state();
    let book = o.book();
    let routine: HashSet<DrawId> = book
        .draws
        .iter()
        .filter(|d| d.scope.trim().is_empty())
        .map(|d| d.id)
        .collect();
    let mut visits: HashMap<(TargetId, Category), usize> = HashMap::new();
    let mut per_quarter: HashSet<(TargetId, String)> = HashSet::new();
    for t in book.tasks.iter().filter(|t| !t.voided) {
        assert!(
            per_quarter.insert((t.target, t.period.to_string())),
            "target {} has two tasks in {}",
            t.target,
            t.period
        );
        let mut cats: HashSet<Category> = HashSet::new();
        for item in t.items().filter(|i| routine.contains(&i.draw)) {
            let cat = rules.row(item.row).unwrap().category();
            assert!(cats.insert(cat), "task {} covers {cat:?} twice", t.id);
            *visits.entry((t.target, cat)).or_default() += 1;
        }
    }
    for t in &st.targets {
        for row in rules.obligations(t) {
            let n = visits.get(&(t.id, row.category())).copied().unwrap_or(0);
            assert!(
                n <= times_a_year(row.cycle),
                "target {} row {}: {n} visits",
                t.id,
                row.id
            );
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(6))]

    /// Acceptance 6 of issue 12: over random registries and any order of the plans in
    /// each quarter, the invariants of a year's draws hold.
    #[test]
    fn any_order_of_plan_draws_keeps_the_obligations(
        seed in 0u64..1_000_000,
        n in 60usize..160,
        orders in proptest::collection::vec(proptest::sample::subsequence((1u64..=12).collect::<Vec<_>>(), 12).prop_shuffle(), 4),
    ) {
        let dir = DemoDir(std::env::temp_dir().join(format!(
            "shuangsui-law-prop-{}-{seed}-{n}-{}",
            std::process::id(),
            chrono::Local::now().timestamp_nanos_opt().unwrap_or_default()
        )));
        let o = Office::open(&dir.0, Lang::En).unwrap();
        // The demo plans name their items by code: the list comes first, as at `init`.
        o.seed_items().unwrap();
        let mut targets = Vec::new();
        crate::synth::write_targets_csv(&mut targets, &crate::synth::targets(n, seed)).unwrap();
        for (kind, name, bytes) in [
            (ImportKind::Departments, "departments.csv", super::super::demo::DEPARTMENTS_CSV),
            (ImportKind::Inspectors, "inspectors.csv", super::super::demo::INSPECTORS_CSV),
            (ImportKind::Targets, "targets.csv", targets.as_slice()),
            (ImportKind::Plans, "plans.csv", super::super::demo::PLAN_CSV),
        ] {
            o.import_bytes(kind, name, bytes, false).unwrap();
        }
        for (q, order) in (1..=4u8).zip(orders.iter()) {
            let period = Period::quarter(2022, q).unwrap();
            for plan in order {
                let _ = o.commit_draw(&DrawRequest {
                    plan: *plan,
                    period: period.to_string(),
                    ..request(period.start() + chrono::Days::new(4))
                });
            }
        }
        check_year_invariants(&o);
        drop(o);
        drop(dir);
    }
}

#[test]
fn a_plan_outside_its_months_is_refused_and_writes_nothing() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    // Plan 12: 2022年6月—8月.
    let audit = o.audit_len();
    let before = o.book().draws.len();
    let r = o.commit_draw(&DrawRequest {
        plan: 12,
        period: "2022Q1".into(),
        ..request(NaiveDate::from_ymd_opt(2022, 1, 5).unwrap())
    });
    let m = r.unwrap_err().localize(Lang::En);
    assert!(m.contains("is due only in months 6–8"), "{m}");
    assert_eq!(o.audit_len(), audit);
    assert_eq!(o.book().draws.len(), before);
    assert!(!o.plans_due(Period::quarter(2022, 1).unwrap()).contains(&12));
    assert!(o.plans_due(Period::quarter(2022, 3).unwrap()).contains(&12));
}

#[test]
fn a_draw_with_nothing_due_is_refused_and_writes_nothing() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    // Plan 1 (radiation, 1次/年 at 100%) drawn in every quarter spreads its users; a second
    // plan for the same row in the same year then has nothing left.
    for q in 1..=4u8 {
        let period = Period::quarter(2022, q).unwrap();
        o.commit_draw(&DrawRequest {
            plan: 1,
            period: period.to_string(),
            ..request(period.start() + chrono::Days::new(4))
        })
        .unwrap();
    }
    let mut again = o.book().plans[0].clone();
    again.id = 0;
    again.seq = 99;
    let again = o.save_plan(again).unwrap();
    let audit = o.audit_len();
    let before = o.book().tasks.len();
    let r = o.commit_draw(&DrawRequest {
        plan: again.id,
        period: "2022Q4".into(),
        ..request(NaiveDate::from_ymd_opt(2022, 10, 5).unwrap())
    });
    let m = r.unwrap_err().localize(Lang::En);
    assert!(m.contains("nothing is due"), "{m}");
    assert!(m.contains("already drawn in the cycle"), "{m}");
    assert_eq!(o.audit_len(), audit);
    assert_eq!(o.book().tasks.len(), before);
}

#[test]
fn a_yearly_full_row_is_spread_over_the_plans_quarters() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    let mut quotas = Vec::new();
    let mut owed = Vec::new();
    for q in 1..=4u8 {
        let period = Period::quarter(2022, q).unwrap();
        let req = DrawRequest {
            plan: 1,
            period: period.to_string(),
            ..request(period.start() + chrono::Days::new(4))
        };
        let (pv, _) = o.prepare_draw(&req).unwrap();
        let r = pv.strata.iter().find(|s| s.row == "R").unwrap();
        quotas.push(r.quota);
        owed.push(r.owed);
        o.commit_draw(&req).unwrap();
    }
    let n = owed[0];
    assert!(n >= 4, "demo radiation users: {n}");
    // Ceil first: n over 4, what is left over 3, ...
    let mut left = n;
    for (i, q) in quotas.iter().enumerate() {
        assert_eq!(*q, left.div_ceil(4 - i), "quarter {}", i + 1);
        assert_eq!(owed[i], left);
        left -= q;
    }
    assert_eq!(left, 0);
}

#[test]
fn methods_follow_the_plan_and_the_target() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    draw_year(&o);
    let st = o.state();
    let book = o.book();
    let mut remote = 0;
    for t in book.tasks.iter() {
        let target = st.target(t.target).unwrap();
        // Every item of a merged visit: one 现场检查 plan makes the visit on site.
        for item in t.items() {
            let plan = book.plans.iter().find(|p| p.id == item.plan).unwrap();
            if plan.method == InspectionMethod::OnSite {
                assert_eq!(t.method, InspectionMethod::OnSite, "task {}", t.id);
            }
            if t.method == InspectionMethod::Remote {
                assert_ne!(plan.method, InspectionMethod::OnSite);
            }
        }
        if target.must_be_on_site() {
            assert_ne!(t.method, InspectionMethod::Remote, "task {}", t.id);
        }
        if t.method == InspectionMethod::Remote {
            remote += 1;
            assert!(target.remote_allowed());
        }
    }
    assert!(remote > 0, "the remote plan drew remote tasks");
}

#[test]
fn save_plan_adds_edits_and_refuses_a_used_number() {
    let (o, dir) = Office::open_demo(Lang::En).unwrap();
    let n = o.book().plans.len();
    let audit = o.audit_len();
    let mut p = o.book().plans[0].clone();
    p.id = 0;
    p.seq = 99;
    p.name = "新增计划".into();
    let saved = o.save_plan(p.clone()).unwrap();
    assert_eq!(saved.id, n as u64 + 1);
    assert_eq!(o.book().plans.len(), n + 1);
    assert_eq!(o.audit_len(), audit + 1, "one audited commit");
    // Edited by id.
    let mut e = saved.clone();
    e.name = "改名的计划".into();
    o.save_plan(e.clone()).unwrap();
    assert_eq!(o.book().plans[n], e);
    assert_eq!(o.audit_len(), audit + 2);
    // The number of plan 1 is refused for another plan; nothing changes.
    let mut dup = e.clone();
    dup.seq = o.book().plans[0].seq;
    let before = o.book().plans.clone();
    let err = o.save_plan(dup).unwrap_err().localize(Lang::En);
    assert!(err.contains("already used"), "{err}");
    assert_eq!(o.book().plans, before);
    assert_eq!(o.audit_len(), audit + 2);
    // A plan the rules refuse, and an unknown id.
    let mut bad = e.clone();
    bad.rows = vec!["Z-9".into()];
    assert!(matches!(o.save_plan(bad), Err(OfficeError::Invalid(_))));
    let mut ghost = e.clone();
    ghost.id = 999;
    ghost.seq = 98;
    assert!(matches!(o.save_plan(ghost), Err(OfficeError::NotFound(_))));
    assert_eq!(o.audit_len(), audit + 2);
    // Reopened from the store.
    let path = o.store_path();
    drop(o);
    let o = Office::open(&path, Lang::En).unwrap();
    assert_eq!(o.book().plans.get(n), Some(&e));
    assert!(o.verify().unwrap().problem.is_none());
    drop(dir);
}

/// Issue 17: a pool is delta-coded in the store (`draw::engine::pool_serde`), plain in JSON,
/// and a format-2 body (plain ids) still reads.
mod pool_storage {
    use crate::draw::engine::{pool_serde::DELTA_MARK, StratumInput};
    use crate::store::codec;

    crate::stored_unchanged!(StratumInput);

    /// The shape format 2 wrote: the same fields with the pool's ids as they are.
    #[derive(serde::Serialize)]
    struct PlainStratum {
        row: String,
        quota: usize,
        pool: Vec<u64>,
    }

    fn stratum(pool: Vec<u64>) -> StratumInput {
        StratumInput {
            row: "A-1".into(),
            quota: 3,
            pool,
        }
    }

    /// 100,000 ascending ids up to about 300,000, gaps of 1 to 5.
    fn big_pool() -> Vec<u64> {
        let mut x = 7u64;
        let mut id = 0u64;
        (0..100_000)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                id += 1 + (x >> 61) % 5;
                id
            })
            .collect()
    }

    #[test]
    fn a_pool_round_trips_delta_coded_in_a_byte_an_id() {
        let s = stratum(big_pool());
        let bytes = codec::encode(&s).unwrap();
        assert_eq!(bytes[0], codec::FORMAT_VERSION);
        let back: StratumInput = codec::decode(&bytes).unwrap();
        assert_eq!(back, s);
        let plain = codec::encode(&PlainStratum {
            row: s.row.clone(),
            quota: s.quota,
            pool: s.pool.clone(),
        })
        .unwrap();
        // Every gap is below 251: one byte each (plus the mark, the length and the row).
        assert!(bytes.len() < s.pool.len() + 32, "{}", bytes.len());
        assert!(
            plain.len() > 2 * bytes.len(),
            "{} vs {}",
            plain.len(),
            bytes.len()
        );
    }

    #[test]
    fn any_list_round_trips_even_unordered_or_with_the_mark() {
        for pool in [
            vec![],
            vec![0],
            vec![DELTA_MARK],
            vec![5, 3, DELTA_MARK, 0, 1, 1],
            vec![u64::MAX - 1, 2],
        ] {
            let s = stratum(pool);
            let back: StratumInput = codec::decode(&codec::encode(&s).unwrap()).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn a_format_2_plain_pool_still_reads() {
        let pool = big_pool();
        let mut bytes = codec::encode(&PlainStratum {
            row: "B-1".into(),
            quota: 9,
            pool: pool.clone(),
        })
        .unwrap();
        bytes[0] = 2;
        let back: StratumInput = codec::decode(&bytes).unwrap();
        assert_eq!(back.pool, pool);
        assert_eq!((back.row.as_str(), back.quota), ("B-1", 9));
    }

    #[test]
    fn json_keeps_the_plain_ids() {
        let s = stratum(vec![3, 10, 11]);
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["pool"], serde_json::json!([3, 10, 11]));
        let back: StratumInput = serde_json::from_value(v).unwrap();
        assert_eq!(back, s);
    }
}

/// A committed draw's record is stored with delta-coded pools; a pool changed behind the
/// application's back is named by the draw check and by the store's verify.
#[test]
fn a_stored_draw_with_an_altered_pool_is_named() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    let d = o
        .commit_draw(&DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            ..request(NaiveDate::from_ymd_opt(2022, 7, 5).unwrap())
        })
        .unwrap();
    assert_eq!(o.verify_all_draws(), None);
    let key = crate::store::key_u64(d.id);
    let raw = o.store.get(TreeName::Draws, &key).unwrap().unwrap();
    assert_eq!(raw[0], crate::store::codec::FORMAT_VERSION);
    let mut stored: DrawRecord = crate::store::codec::decode(&raw).unwrap();
    assert_eq!(stored, d);
    // Drop from a pool a target that was not picked.
    let s = stored
        .input
        .strata
        .iter()
        .position(|s| s.pool.len() > s.quota)
        .unwrap();
    let picked: HashSet<u64> = stored.outcome.picks[s].1.iter().copied().collect();
    let gone = stored.input.strata[s]
        .pool
        .iter()
        .position(|t| !picked.contains(t))
        .unwrap();
    std::sync::Arc::make_mut(&mut stored.input).strata[s]
        .pool
        .remove(gone);
    let bytes = crate::store::codec::encode(&stored).unwrap();
    o.store.tamper_raw("draws", &key, &bytes).unwrap();
    let reread: DrawRecord =
        crate::store::codec::decode(&o.store.get(TreeName::Draws, &key).unwrap().unwrap()).unwrap();
    let m = check_draw(&reread, &o.book(), Lang::En).unwrap_err();
    assert!(m.contains("pool altered"), "{m}");
    let report = o.verify().unwrap();
    assert!(
        matches!(
            &report.problem,
            Some(crate::store::VerifyProblem::RecordChanged { tree, .. }) if tree == "draws"
        ),
        "{:?}",
        report.problem
    );
}

/// The last teams `prepare_draw` freezes (built by target id in parallel, issue 17) are what a
/// plain reading of the rule gives: for each pool target with a live task, the team of its
/// latest live task, sorted, in target order; after three quarters of the demo year, with a
/// voided draw among them.
#[test]
fn the_frozen_last_teams_are_each_pool_targets_latest_live_team() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    for q in 1..=3u8 {
        let period = Period::quarter(2022, q).unwrap();
        let date = period.start() + chrono::Days::new(4);
        let _ = o.draw_period(period, &request(date));
    }
    // The latest draw: nothing was merged into its tasks, so it may be voided.
    let latest = o.book().draws.last().map(|d| d.id).unwrap();
    o.void_draw(latest, "test: a voided draw keeps no last team")
        .unwrap();
    let period = Period::quarter(2022, 4).unwrap();
    let (mut tried, mut with_teams) = (0, 0);
    for plan in o.plans_due(period) {
        let req = DrawRequest {
            plan,
            period: period.to_string(),
            ..request(period.start() + chrono::Days::new(4))
        };
        let Ok((_, input)) = o.prepare_draw(&req) else {
            continue;
        };
        tried += 1;
        let pool: HashSet<u64> = input
            .strata
            .iter()
            .flat_map(|s| s.pool.iter().copied())
            .collect();
        let book = o.book();
        let mut expected: BTreeMap<u64, (u64, Vec<u64>)> = BTreeMap::new();
        for t in book.tasks.iter().filter(|t| !t.voided) {
            if pool.contains(&t.target) {
                let mut team = t.team.clone();
                team.sort_unstable();
                let e = expected.entry(t.target).or_insert((t.id, team.clone()));
                if t.id >= e.0 {
                    *e = (t.id, team);
                }
            }
        }
        let expected: Vec<(u64, Vec<u64>)> = expected
            .into_iter()
            .map(|(k, (_, team))| (k, team))
            .collect();
        with_teams += usize::from(!expected.is_empty());
        assert_eq!(input.last_teams, expected, "plan {plan}");
    }
    assert!(tried > 0, "no plan could be prepared for {period}");
    assert!(with_teams > 0, "no plan's pool had a target visited before");
}
