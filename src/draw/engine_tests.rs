use super::*;
use proptest::prelude::*;

// -----------------------------------------------------------------------------------------
// A slow reference: the module doc's steps taken literally, rebuilding every slot's list
// by scanning all inspectors. Shares nothing with the fast engine but `validate` and the
// sampler.
// -----------------------------------------------------------------------------------------

/// What the reference knew when it stopped: assigned counts and the failed task's joint
/// flag (for checking that an infeasible verdict is genuine).
struct Trace {
    assigned: Vec<u32>,
    failed_joint: bool,
}

fn reference_run(input: &DrawInput, seed: &Seed) -> (Result<DrawOutcome, DrawError>, Trace) {
    let n = input.inspectors.len();
    let mut trace = Trace {
        assigned: vec![0; n],
        failed_joint: false,
    };
    if let Err(e) = validate(input) {
        return (Err(e), trace);
    }
    let mut s = Sampler::new(seed);
    let mut picks = Vec::new();
    let mut list = Vec::new();
    for st in &input.strata {
        let pos = s.choose_k(st.pool.len(), st.quota).expect("quota <= pool");
        let ids: Vec<u64> = pos.iter().map(|&p| st.pool[p]).collect();
        for &id in &ids {
            list.push((id, st.row.clone()));
        }
        picks.push((st.row.clone(), ids));
    }
    let joint_pos = s
        .choose_k(list.len(), input.internal_joint)
        .expect("k <= n");
    let members = input.team_size.max(2 + input.partners.len());
    let mut tasks = Vec::new();
    for (t, (target, row)) in list.iter().enumerate() {
        let joint = joint_pos.contains(&t);
        let last: Vec<u64> = input
            .last_teams
            .iter()
            .find(|(x, _)| x == target)
            .map(|(_, team)| team.clone())
            .unwrap_or_default();
        let insp = &input.inspectors;
        let assigned = &trace.assigned;
        let mut attempt = |strict: bool| -> Result<Vec<usize>, Constraint> {
            let cand = |k: usize| {
                let i = &insp[k];
                u64::from(i.load) + u64::from(assigned[k]) < u64::from(input.workload_cap)
                    && !input.recusals.contains(&(*target, i.id))
                    && !(strict && last.contains(&i.id))
            };
            let mut team: Vec<usize> = Vec::new();
            let mut take = |team: &mut Vec<usize>, ok: &dyn Fn(usize) -> bool| -> bool {
                let l: Vec<usize> = (0..n)
                    .filter(|&k| cand(k) && !team.contains(&k) && ok(k))
                    .collect();
                if l.is_empty() {
                    return false;
                }
                let r = s.uniform(l.len() as u32).expect("uniform");
                team.push(l[r as usize]);
                true
            };
            for p in &input.partners {
                if !take(&mut team, &|k| {
                    !insp[k].internal && insp[k].department == *p
                }) {
                    return Err(Constraint::NoPartnerInspector(p.clone()));
                }
            }
            let cert = |k: usize| insp[k].internal && insp[k].certified;
            if !take(&mut team, &cert) {
                return Err(Constraint::NotEnoughCertified);
            }
            let first = team[team.len() - 1];
            if joint {
                let d = insp[first].department.clone();
                if !take(&mut team, &|k| cert(k) && insp[k].department != d) {
                    let any = (0..n).any(|k| cand(k) && cert(k) && k != first);
                    return Err(if any {
                        Constraint::NoSecondSection
                    } else {
                        Constraint::NotEnoughCertified
                    });
                }
            } else if !take(&mut team, &cert) {
                return Err(Constraint::NotEnoughCertified);
            }
            while team.len() < members {
                if !take(&mut team, &|k| insp[k].internal) {
                    return Err(Constraint::NotEnoughInspectors);
                }
            }
            Ok(team)
        };
        let (team, relaxed) = match attempt(true) {
            Ok(team) => (team, false),
            Err(_) => match attempt(false) {
                Ok(team) => (team, true),
                Err(constraint) => {
                    trace.failed_joint = joint;
                    return (
                        Err(DrawError::Infeasible {
                            target: *target,
                            row: row.clone(),
                            constraint,
                        }),
                        trace,
                    );
                }
            },
        };
        for &k in &team {
            trace.assigned[k] += 1;
        }
        tasks.push(TaskDraft {
            target: *target,
            row: row.clone(),
            team: team.iter().map(|&k| insp[k].id).collect(),
            internal_joint: joint,
            relaxed_last_team: relaxed,
        });
    }
    let outcome = DrawOutcome {
        picks,
        tasks,
        words_consumed: s.words_consumed(),
        merges: vec![],
    };
    (Ok(outcome), trace)
}

/// Independent of both implementations: can `cands` make a team at all? `None` if so,
/// else the first rule that fails, in slot order.
fn shortfall(
    cands: &[&InspectorSnap],
    partners: &[String],
    members: usize,
    joint: bool,
) -> Option<Constraint> {
    for p in partners {
        if !cands.iter().any(|i| !i.internal && i.department == *p) {
            return Some(Constraint::NoPartnerInspector(p.clone()));
        }
    }
    let cert: Vec<&&InspectorSnap> = cands.iter().filter(|i| i.internal && i.certified).collect();
    if cert.len() < 2 {
        return Some(Constraint::NotEnoughCertified);
    }
    if joint && cert.iter().all(|i| i.department == cert[0].department) {
        return Some(Constraint::NoSecondSection);
    }
    if cands.iter().filter(|i| i.internal).count() < members - partners.len() {
        return Some(Constraint::NotEnoughInspectors);
    }
    None
}

/// The candidates of `target` given the assigned counts (step 4.2).
fn candidates<'a>(
    input: &'a DrawInput,
    assigned: &[u32],
    target: u64,
    strict: bool,
) -> Vec<&'a InspectorSnap> {
    let last: &[u64] = input
        .last_teams
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(&[], |(_, team)| team.as_slice());
    input
        .inspectors
        .iter()
        .zip(assigned)
        .filter(|(i, &a)| {
            u64::from(i.load) + u64::from(a) < u64::from(input.workload_cap)
                && !input.recusals.contains(&(target, i.id))
                && !(strict && last.contains(&i.id))
        })
        .map(|(i, _)| i)
        .collect()
}

// -----------------------------------------------------------------------------------------
// Random inputs
// -----------------------------------------------------------------------------------------

/// SplitMix64: the shape of a random input from one proptest-chosen number.
struct Mix(u64);
impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// 2–5 internal sections, 0–2 partner departments (plus a non-partner external one),
/// random certificates, loads, cap, strata, quotas, recusals (some naming unknown
/// inspectors, some repeated) and last teams.
fn random_input(shape: u64) -> DrawInput {
    let mut r = Mix(shape);
    let sections = 2 + r.below(4);
    let partners: Vec<String> = (0..r.below(3)).map(|p| format!("P{p}")).collect();
    let mut inspectors = Vec::new();
    let mut id = 0;
    for _ in 0..4 + r.below(30) {
        id += 1 + r.below(4);
        let internal = r.chance(75);
        let department = if internal {
            format!("S{}", r.below(sections))
        } else if !partners.is_empty() && r.chance(80) {
            partners[r.below(partners.len() as u64) as usize].clone()
        } else {
            "X".to_string()
        };
        inspectors.push(InspectorSnap {
            id,
            department,
            internal,
            certified: r.chance(if internal { 75 } else { 40 }),
            load: r.below(4) as u32,
        });
    }
    let n_strata = 1 + r.below(4);
    let mut pools = vec![Vec::new(); n_strata as usize];
    let mut t = 0;
    let mut targets = Vec::new();
    for _ in 0..r.below(40) {
        t += 1 + r.below(3);
        targets.push(t);
        pools[r.below(n_strata) as usize].push(t);
    }
    let strata: Vec<StratumInput> = pools
        .into_iter()
        .enumerate()
        .map(|(k, pool)| StratumInput {
            row: format!("row {k}"),
            quota: r.below(pool.len() as u64 + 1) as usize,
            pool,
        })
        .collect();
    let total: usize = strata.iter().map(|s| s.quota).sum();
    let internal_joint = r.below(total as u64 + 1) as usize;
    let mut recusals = Vec::new();
    if !targets.is_empty() {
        for _ in 0..r.below(2 * targets.len() as u64 + 1) {
            let target = targets[r.below(targets.len() as u64) as usize];
            let inspector = if r.chance(5) {
                10_000
            } else {
                inspectors[r.below(inspectors.len() as u64) as usize].id
            };
            recusals.push((target, inspector));
        }
    }
    recusals.sort_unstable();
    let mut last_teams = Vec::new();
    for &target in &targets {
        if r.chance(50) {
            let most = if r.chance(30) { 12 } else { 4 };
            let size = 1 + r.below(most);
            let team = (0..size)
                .map(|_| {
                    if r.chance(5) {
                        99_999
                    } else {
                        inspectors[r.below(inspectors.len() as u64) as usize].id
                    }
                })
                .collect();
            last_teams.push((target, team));
        }
    }
    DrawInput {
        strata,
        internal_joint,
        inspectors,
        recusals,
        last_teams,
        team_size: 2 + r.below(3) as usize,
        partners,
        workload_cap: 1 + r.below(10) as u32,
        draw2: None,
    }
}

/// Every rule of the draw, checked on an outcome from its input alone.
fn check_outcome(input: &DrawInput, out: &DrawOutcome) -> Result<(), String> {
    let fail = |m: String| Err(m);
    if out.picks.len() != input.strata.len() {
        return fail("strata count".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut expected_tasks = Vec::new();
    for (st, (row, ids)) in input.strata.iter().zip(&out.picks) {
        if *row != st.row || ids.len() != st.quota {
            return fail(format!(
                "stratum {row}: {} picks, quota {}",
                ids.len(),
                st.quota
            ));
        }
        for id in ids {
            if st.pool.binary_search(id).is_err() {
                return fail(format!("{id} not in pool of {row}"));
            }
            if !seen.insert(*id) {
                return fail(format!("target {id} drawn twice"));
            }
            expected_tasks.push((*id, row.clone()));
        }
    }
    if out.tasks.len() != expected_tasks.len() {
        return fail("task count".into());
    }
    let joint_count = out.tasks.iter().filter(|t| t.internal_joint).count();
    if joint_count != input.internal_joint {
        return fail(format!(
            "{joint_count} joint, wanted {}",
            input.internal_joint
        ));
    }
    let members = input.team_size.max(2 + input.partners.len());
    let mut assigned = vec![0u32; input.inspectors.len()];
    let index = |id: u64| input.inspectors.iter().position(|i| i.id == id);
    for (task, (want_target, want_row)) in out.tasks.iter().zip(&expected_tasks) {
        let t = task.target;
        if t != *want_target || task.row != *want_row {
            return fail(format!("task {t} out of order"));
        }
        let mut team = Vec::new();
        for &m in &task.team {
            let Some(k) = index(m) else {
                return fail(format!("unknown inspector {m}"));
            };
            if team.contains(&k) {
                return fail(format!("inspector {m} twice in team of {t}"));
            }
            team.push(k);
        }
        if team.len() != members {
            return fail(format!("team of {t} has {} members", team.len()));
        }
        let snaps: Vec<&InspectorSnap> = team.iter().map(|&k| &input.inspectors[k]).collect();
        for (&k, s) in team.iter().zip(&snaps) {
            if input.recusals.contains(&(t, s.id)) {
                return fail(format!("recused {} in team of {t}", s.id));
            }
            if u64::from(s.load) + u64::from(assigned[k]) >= u64::from(input.workload_cap) {
                return fail(format!("{} over the cap at {t}", s.id));
            }
        }
        let cert: Vec<&&InspectorSnap> =
            snaps.iter().filter(|s| s.internal && s.certified).collect();
        if cert.len() < 2 {
            return fail(format!("team of {t}: {} certified", cert.len()));
        }
        if task.internal_joint && cert.iter().all(|s| s.department == cert[0].department) {
            return fail(format!("joint team of {t} in one section"));
        }
        for p in &input.partners {
            if !snaps.iter().any(|s| !s.internal && s.department == *p) {
                return fail(format!("team of {t} lacks partner {p}"));
            }
        }
        let last: &[u64] = input
            .last_teams
            .iter()
            .find(|(x, _)| *x == t)
            .map_or(&[], |(_, team)| team.as_slice());
        if task.relaxed_last_team {
            let strict = candidates(input, &assigned, t, true);
            if shortfall(&strict, &input.partners, members, task.internal_joint).is_none() {
                return fail(format!(
                    "team of {t} relaxed though a strict team was possible"
                ));
            }
        } else if snaps.iter().any(|s| last.contains(&s.id)) {
            return fail(format!(
                "team of {t} repeats its last team, not marked relaxed"
            ));
        }
        for &k in &team {
            assigned[k] += 1;
        }
    }
    Ok(())
}

fn first_team_member_change(out: &DrawOutcome) -> Option<DrawOutcome> {
    let mut bad = out.clone();
    let task = bad.tasks.first_mut()?;
    let m = task.team.last_mut()?;
    *m += 1_000_000;
    Some(bad)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_successful_draw_keeps_every_rule(shape in any::<u64>(), seed in any::<[u8; 32]>()) {
        let input = random_input(shape);
        let result = run(&input, &seed);
        let (reference, trace) = reference_run(&input, &seed);
        prop_assert_eq!(&result, &reference, "fast engine and reference differ");
        match result {
            Ok(out) => {
                if let Err(m) = check_outcome(&input, &out) {
                    prop_assert!(false, "{}", m);
                }
                prop_assert_eq!(run(&input, &seed), Ok(out.clone()));
                prop_assert_eq!(verify(&input, &seed, &out), Ok(()));
                for (k, (_, ids)) in out.picks.iter().enumerate() {
                    if let Some(&first) = ids.first() {
                        let mut bad = out.clone();
                        bad.picks[k].1[0] = first + 1_000_000;
                        let is_pick_mismatch = matches!(
                            verify(&input, &seed, &bad),
                            Err(Mismatch::StratumPicks { position: 0, .. })
                        );
                        prop_assert!(is_pick_mismatch);
                    }
                }
                if let Some(bad) = first_team_member_change(&out) {
                    let is_team_mismatch = matches!(
                        verify(&input, &seed, &bad),
                        Err(Mismatch::TaskTeam { task: 0, .. })
                    );
                    prop_assert!(is_team_mismatch);
                    let mut flipped = out.clone();
                    flipped.tasks[0].internal_joint ^= true;
                    let is_joint_mismatch = matches!(
                        verify(&input, &seed, &flipped),
                        Err(Mismatch::JointFlag { task: 0, .. })
                    );
                    prop_assert!(is_joint_mismatch);
                }
                let mut more = out.clone();
                more.words_consumed += 1;
                prop_assert_eq!(
                    verify(&input, &seed, &more),
                    Err(Mismatch::WordsConsumed {
                        expected: out.words_consumed,
                        recorded: out.words_consumed + 1
                    })
                );
            }
            Err(DrawError::Infeasible { target, row, constraint }) => {
                if constraint == Constraint::QuotaExceedsPool {
                    prop_assert!(false, "random_input never sets a quota over its pool");
                }
                let members = input.team_size.max(2 + input.partners.len());
                let relaxed = candidates(&input, &trace.assigned, target, false);
                prop_assert_eq!(
                    shortfall(&relaxed, &input.partners, members, trace.failed_joint),
                    Some(constraint.clone()),
                    "target {} ({}) is not infeasible for that reason", target, row
                );
                let zh = DrawError::Infeasible { target, row: row.clone(), constraint: constraint.clone() }
                    .localize(Lang::Zh);
                prop_assert!(zh.contains(&target.to_string()) && zh.contains(&row));
            }
            Err(e) => prop_assert!(false, "unexpected error {:?}", e),
        }
    }
}

#[test]
fn random_inputs_exercise_both_outcomes_and_every_path() {
    let mut ok = 0;
    let mut relaxed = 0;
    let mut joint = 0;
    let mut partner_teams = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for shape in 0..600u64 {
        let input = random_input(shape);
        let seed = Sha256::digest(shape.to_le_bytes()).into();
        match run(&input, &seed) {
            Ok(out) => {
                ok += 1;
                relaxed += out.tasks.iter().filter(|t| t.relaxed_last_team).count();
                joint += out.tasks.iter().filter(|t| t.internal_joint).count();
                if !input.partners.is_empty() && !out.tasks.is_empty() {
                    partner_teams += 1;
                }
            }
            Err(DrawError::Infeasible { constraint, .. }) => {
                kinds.insert(
                    format!("{constraint:?}")
                        .chars()
                        .take(12)
                        .collect::<String>(),
                );
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    eprintln!(
        "{ok} ok, {relaxed} relaxed, {joint} joint, {partner_teams} with partners, {kinds:?}"
    );
    assert!(ok >= 150, "only {ok} of 600 random inputs could be drawn");
    assert!(relaxed >= 10, "only {relaxed} relaxed tasks");
    assert!(joint >= 50, "only {joint} joint tasks");
    assert!(
        partner_teams >= 20,
        "only {partner_teams} draws with partners"
    );
    assert!(kinds.len() >= 4, "infeasible kinds seen: {kinds:?}");
}

#[test]
fn fast_engine_matches_reference_on_a_medium_draw() {
    let input = synthetic(3_000, 4, 200, 6);
    for i in 0..3u64 {
        let seed: Seed = Sha256::digest(i.to_le_bytes()).into();
        let fast = run(&input, &seed);
        let (slow, _) = reference_run(&input, &seed);
        assert!(fast.is_ok(), "{fast:?}");
        assert_eq!(fast, slow);
        if let Ok(out) = fast {
            check_outcome(&input, &out).expect("rules hold");
        }
    }
}

/// A larger input in the shape of a county's: `targets` in `strata` rows with quotas of
/// 5–10%, `inspectors` in `sections` sections plus one partner department, recusals and
/// last teams for some targets.
fn synthetic(targets: u64, strata: u64, inspectors: u64, sections: u64) -> DrawInput {
    let mut r = Mix(7);
    let mut pools = vec![Vec::new(); strata as usize];
    for t in 1..=targets {
        pools[r.below(strata) as usize].push(t * 3);
    }
    let strata: Vec<StratumInput> = pools
        .into_iter()
        .enumerate()
        .map(|(k, pool)| StratumInput {
            row: format!("row {k}"),
            quota: pool.len() * (5 + k % 6) / 100,
            pool,
        })
        .collect();
    let total: usize = strata.iter().map(|s| s.quota).sum();
    let inspectors: Vec<InspectorSnap> = (1..=inspectors)
        .map(|id| {
            let partner = id % 5 == 0;
            InspectorSnap {
                id,
                department: if partner {
                    "SCJ".to_string()
                } else {
                    format!("S{}", r.below(sections))
                },
                internal: !partner,
                certified: r.chance(80),
                load: r.below(5) as u32,
            }
        })
        .collect();
    let mut recusals: Vec<(u64, u64)> = (0..targets / 5)
        .map(|_| {
            (
                3 * (1 + r.below(targets)),
                1 + r.below(inspectors.len() as u64),
            )
        })
        .collect();
    recusals.sort_unstable();
    let last_teams = (1..=targets)
        .filter(|t| t % 10 == 0)
        .map(|t| {
            let team = (0..3)
                .map(|_| 1 + r.below(inspectors.len() as u64))
                .collect();
            (t * 3, team)
        })
        .collect();
    DrawInput {
        strata,
        internal_joint: total * 3 / 100 + 1,
        inspectors,
        recusals,
        last_teams,
        team_size: 3,
        partners: vec!["SCJ".to_string()],
        workload_cap: 9,
        draw2: None,
    }
}

// -----------------------------------------------------------------------------------------
// Uniformity (chi-square at p = 0.001, seeds SHA-256 of i as 8 little-endian bytes)
// -----------------------------------------------------------------------------------------

/// Chi-square critical values at p = 0.001 (upper tail), by degrees of freedom.
const CHI2_DF9_P001: f64 = 27.877;
const CHI2_DF11_P001: f64 = 31.264;
const CHI2_DF19_P001: f64 = 43.820;

fn chi2(counts: &[u64]) -> f64 {
    let total: u64 = counts.iter().sum();
    let expected = total as f64 / counts.len() as f64;
    counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum()
}

fn seed_of(i: u64) -> Seed {
    Sha256::digest(i.to_le_bytes()).into()
}

fn certified_inspectors(n: u64, sections: u64) -> Vec<InspectorSnap> {
    (1..=n)
        .map(|id| InspectorSnap {
            id,
            department: format!("S{}", (id - 1) % sections),
            internal: true,
            certified: true,
            load: 0,
        })
        .collect()
}

fn plain_input(strata: Vec<StratumInput>, inspectors: Vec<InspectorSnap>) -> DrawInput {
    DrawInput {
        strata,
        internal_joint: 0,
        inspectors,
        recusals: vec![],
        last_teams: vec![],
        team_size: 2,
        partners: vec![],
        workload_cap: u32::MAX,
        draw2: None,
    }
}

fn stratum(row: &str, quota: usize, pool: impl IntoIterator<Item = u64>) -> StratumInput {
    StratumInput {
        row: row.to_string(),
        quota,
        pool: pool.into_iter().collect(),
    }
}

#[test]
fn targets_are_drawn_uniformly_in_every_stratum() {
    // Two strata, so the second one's choice continues the stream after the first's.
    let input = plain_input(
        vec![stratum("A", 5, 100..120), stratum("B", 3, 200..210)],
        certified_inspectors(12, 1),
    );
    const N: u64 = 2_000;
    let mut a = [0u64; 20];
    let mut b = [0u64; 10];
    for i in 0..N {
        let out = run(&input, &seed_of(i)).expect("feasible");
        for &t in &out.picks[0].1 {
            a[(t - 100) as usize] += 1;
        }
        for &t in &out.picks[1].1 {
            b[(t - 200) as usize] += 1;
        }
    }
    assert_eq!(a.iter().sum::<u64>(), 5 * N);
    assert_eq!(b.iter().sum::<u64>(), 3 * N);
    // Sampling without replacement makes these statistics, if anything, smaller than a
    // chi-square with cells − 1 degrees of freedom, so the critical values are conservative.
    let (sa, sb) = (chi2(&a), chi2(&b));
    assert!(sa < CHI2_DF19_P001, "stratum A: chi-square {sa:.2} (df 19)");
    assert!(sb < CHI2_DF9_P001, "stratum B: chi-square {sb:.2} (df 9)");
}

/// Counts of each of 12 inspectors over N draws of 3 tasks; `first_slot` counts only
/// certified slot 1.
fn inspector_counts(input: &DrawInput, n: u64, first_slot: bool) -> [u64; 12] {
    let mut counts = [0u64; 12];
    for i in 0..n {
        let out = run(input, &seed_of(i)).expect("feasible");
        for task in &out.tasks {
            let members = if first_slot {
                &task.team[..1]
            } else {
                &task.team[..]
            };
            for &m in members {
                counts[(m - 1) as usize] += 1;
            }
        }
    }
    counts
}

#[test]
fn inspectors_are_drawn_uniformly() {
    // 12 certified inspectors, no constraints, teams of 2, 3 tasks per draw.
    let input = plain_input(vec![stratum("A", 3, 1..=3)], certified_inspectors(12, 1));
    let all = inspector_counts(&input, 2_000, false);
    assert_eq!(all.iter().sum::<u64>(), 2_000 * 3 * 2);
    let stat = chi2(&all);
    assert!(
        stat < CHI2_DF11_P001,
        "all slots: chi-square {stat:.2} (df 11) {all:?}"
    );
    let first = inspector_counts(&input, 2_000, true);
    let stat = chi2(&first);
    assert!(
        stat < CHI2_DF11_P001,
        "slot 1: chi-square {stat:.2} (df 11) {first:?}"
    );
}

#[test]
fn joint_teams_draw_inspectors_uniformly_across_sections() {
    // 12 certified inspectors in 3 sections of 4; every task internal joint. By symmetry
    // every inspector is equally likely to serve.
    let mut input = plain_input(vec![stratum("A", 3, 1..=3)], certified_inspectors(12, 3));
    input.internal_joint = 3;
    let counts = inspector_counts(&input, 2_000, false);
    let stat = chi2(&counts);
    assert!(
        stat < CHI2_DF11_P001,
        "chi-square {stat:.2} (df 11) {counts:?}"
    );
}

#[test]
fn chi_square_detects_a_biased_engine() {
    // The same statistic is far past the critical value when one inspector is recused from
    // one of the three targets: the test has the power to catch a real bias.
    let mut input = plain_input(vec![stratum("A", 3, 1..=3)], certified_inspectors(12, 1));
    input.recusals = vec![(1, 1), (2, 1)];
    let counts = inspector_counts(&input, 2_000, false);
    let stat = chi2(&counts);
    assert!(stat > CHI2_DF11_P001, "chi-square {stat:.2} {counts:?}");
}

// -----------------------------------------------------------------------------------------
// Infeasible and malformed inputs
// -----------------------------------------------------------------------------------------

/// A change to an input, for tables of cases.
type Change = Box<dyn Fn(&mut DrawInput)>;

fn insp(id: u64, department: &str, internal: bool, certified: bool) -> InspectorSnap {
    InspectorSnap {
        id,
        department: department.to_string(),
        internal,
        certified,
        load: 0,
    }
}

fn one_task(inspectors: Vec<InspectorSnap>) -> DrawInput {
    plain_input(vec![stratum("重点排污单位", 1, [42])], inspectors)
}

fn infeasible(input: &DrawInput, target: u64, constraint: Constraint) {
    let err = run(input, &[9; 32]).expect_err("infeasible");
    let row = "重点排污单位".to_string();
    assert_eq!(
        err,
        DrawError::Infeasible {
            target,
            row: row.clone(),
            constraint: constraint.clone()
        }
    );
    assert_eq!(reference_run(input, &[9; 32]).0, Err(err.clone()));
    let (zh, en) = (err.localize(Lang::Zh), err.localize(Lang::En));
    for text in [&zh, &en] {
        assert!(text.contains(&target.to_string()), "{text}");
        assert!(text.contains(&row), "{text}");
    }
    assert!(zh.contains(&constraint.localize(Lang::Zh)), "{zh}");
    assert!(en.contains(&constraint.localize(Lang::En)), "{en}");
    assert_ne!(zh, en);
}

#[test]
fn too_few_certified_inspectors() {
    let input = one_task(vec![insp(1, "S1", true, true), insp(2, "S1", true, false)]);
    infeasible(&input, 42, Constraint::NotEnoughCertified);
}

#[test]
fn too_few_certified_after_recusal() {
    let mut input = one_task(vec![insp(1, "S1", true, true), insp(2, "S1", true, true)]);
    assert!(run(&input, &[9; 32]).is_ok());
    input.recusals = vec![(42, 2)];
    infeasible(&input, 42, Constraint::NotEnoughCertified);
    // A recusal for another target changes nothing.
    input.recusals = vec![(41, 2)];
    assert!(run(&input, &[9; 32]).is_ok());
}

#[test]
fn workload_cap_exhausts_the_certified_inspectors() {
    let mut input = plain_input(
        vec![stratum("重点排污单位", 2, [41, 42])],
        vec![insp(1, "S1", true, true), insp(2, "S1", true, true)],
    );
    input.workload_cap = 1;
    let err = run(&input, &[9; 32]).expect_err("second task has nobody");
    // Whichever target is drawn second is named.
    let DrawError::Infeasible { target, .. } = err else {
        panic!("{err:?}")
    };
    assert!(target == 41 || target == 42);
    infeasible(&input, target, Constraint::NotEnoughCertified);
    input.inspectors[1].load = 1;
    let err = run(&input, &[9; 32]).expect_err("inspector 2 is already at the cap");
    assert!(matches!(
        err,
        DrawError::Infeasible {
            constraint: Constraint::NotEnoughCertified,
            ..
        }
    ));
}

#[test]
fn joint_task_needs_a_second_section() {
    let mut input = one_task(vec![insp(1, "S1", true, true), insp(2, "S1", true, true)]);
    input.internal_joint = 1;
    infeasible(&input, 42, Constraint::NoSecondSection);
    // A non-certified inspector of another section does not help.
    input.inspectors.push(insp(3, "S2", true, false));
    infeasible(&input, 42, Constraint::NoSecondSection);
    input.inspectors[2].certified = true;
    let out = run(&input, &[9; 32]).expect("two sections now");
    let team = &out.tasks[0].team;
    assert!(out.tasks[0].internal_joint);
    assert!(team.contains(&3), "{team:?}");
}

#[test]
fn partner_department_without_inspectors() {
    let mut input = one_task(vec![
        insp(1, "S1", true, true),
        insp(2, "S1", true, true),
        insp(3, "SCJ", false, false),
    ]);
    input.partners = vec!["SCJ".to_string(), "YJJ".to_string()];
    infeasible(&input, 42, Constraint::NoPartnerInspector("YJJ".into()));
    let en = run(&input, &[9; 32])
        .expect_err("infeasible")
        .localize(Lang::En);
    assert!(en.contains("YJJ"), "{en}");
    input.inspectors.push(insp(4, "YJJ", false, false));
    let out = run(&input, &[9; 32]).expect("both partners present");
    assert_eq!(out.tasks[0].team.len(), 4);
    assert_eq!(&out.tasks[0].team[..2], &[3, 4]);
}

#[test]
fn too_few_inspectors_for_the_team_size() {
    let mut input = one_task(vec![insp(1, "S1", true, true), insp(2, "S2", true, true)]);
    input.team_size = 3;
    infeasible(&input, 42, Constraint::NotEnoughInspectors);
    // An external inspector does not fill an internal slot.
    input.inspectors.push(insp(3, "X", false, true));
    infeasible(&input, 42, Constraint::NotEnoughInspectors);
    input.inspectors.push(insp(4, "S3", true, false));
    let out = run(&input, &[9; 32]).expect("three internal inspectors");
    assert_eq!(out.tasks[0].team[2], 4);
}

#[test]
fn quota_above_pool_names_the_row() {
    let input = plain_input(
        vec![stratum("A", 1, [1]), stratum("重点排污单位", 3, [7, 8])],
        certified_inspectors(2, 1),
    );
    let err = run(&input, &[9; 32]).expect_err("infeasible");
    assert_eq!(
        err,
        DrawError::Infeasible {
            target: 0,
            row: "重点排污单位".into(),
            constraint: Constraint::QuotaExceedsPool
        }
    );
    assert!(err.localize(Lang::Zh).contains("重点排污单位"));
    assert!(err.localize(Lang::En).contains("重点排污单位"));
}

#[test]
fn malformed_inputs_are_refused_before_any_choice() {
    let good = plain_input(
        vec![stratum("A", 1, [1, 2]), stratum("B", 1, [3, 4])],
        certified_inspectors(3, 1),
    );
    assert!(run(&good, &[1; 32]).is_ok());
    let cases: Vec<(&str, Change)> = vec![
        ("team_size", Box::new(|i| i.team_size = 1)),
        ("pool", Box::new(|i| i.strata[0].pool = vec![2, 1])),
        ("pool", Box::new(|i| i.strata[0].pool = vec![1, 1])),
        (
            "more than one stratum",
            Box::new(|i| i.strata[1].pool = vec![2, 3]),
        ),
        ("internal_joint", Box::new(|i| i.internal_joint = 3)),
        ("inspectors", Box::new(|i| i.inspectors.swap(0, 1))),
        (
            "partner",
            Box::new(|i| i.partners = vec!["P".into(), "P".into()]),
        ),
        ("recusals", Box::new(|i| i.recusals = vec![(3, 1), (1, 2)])),
        (
            "last_teams",
            Box::new(|i| i.last_teams = vec![(3, vec![1]), (3, vec![2])]),
        ),
    ];
    for (field, change) in cases {
        let mut input = good.clone();
        change(&mut input);
        match run(&input, &[1; 32]) {
            Err(DrawError::BadInput(detail)) => {
                assert!(detail.contains(field), "{field}: {detail}");
                let e = DrawError::BadInput(detail);
                assert_ne!(e.localize(Lang::Zh), e.localize(Lang::En));
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

// -----------------------------------------------------------------------------------------
// Last teams
// -----------------------------------------------------------------------------------------

#[test]
fn last_team_is_avoided_while_possible() {
    let mut input = one_task(certified_inspectors(4, 1));
    input.last_teams = vec![(42, vec![1, 2])];
    for i in 0..50 {
        let out = run(&input, &seed_of(i)).expect("feasible");
        let mut team = out.tasks[0].team.clone();
        team.sort_unstable();
        assert_eq!(team, vec![3, 4]);
        assert!(!out.tasks[0].relaxed_last_team);
    }
}

#[test]
fn last_team_is_relaxed_when_unavoidable_and_the_words_stay_used() {
    let mut input = one_task(certified_inspectors(3, 1));
    input.last_teams = vec![(42, vec![1, 2])];
    let out = run(&input, &[9; 32]).expect("feasible when relaxed");
    assert!(out.tasks[0].relaxed_last_team);
    // choose 1 of 1 (one word), the strict attempt's slot 1 (one word, inspector 3), then
    // the relaxed attempt's two slots (at least two words).
    assert!(out.words_consumed >= 4, "{}", out.words_consumed);
    let without_last = {
        let mut i = input.clone();
        i.last_teams.clear();
        run(&i, &[9; 32]).expect("feasible")
    };
    assert_eq!(without_last.words_consumed + 1, out.words_consumed);
    assert!(!without_last.tasks[0].relaxed_last_team);
}

// -----------------------------------------------------------------------------------------
// The yearly ratio
// -----------------------------------------------------------------------------------------

#[test]
fn joint_needed_examples() {
    // 3% of 1268 = 38.04, so 39 joint tasks are needed; 30 exist.
    assert_eq!(internal_joint_needed(1200, 30, 68, 3), 9);
    assert_eq!(internal_joint_needed(1200, 60, 68, 3), 0);
    assert_eq!(internal_joint_needed(0, 0, 100, 3), 3);
    assert_eq!(internal_joint_needed(0, 0, 101, 3), 4);
    assert_eq!(internal_joint_needed(0, 0, 0, 3), 0);
    // Unreachable: as many as possible.
    assert_eq!(internal_joint_needed(1000, 0, 10, 50), 10);
    assert_eq!(internal_joint_needed(usize::MAX, 0, 5, 100), 5);
}

#[test]
fn ratio_text_rounds_half_up_to_hundredths() {
    assert_eq!(ratio_text(43, 1268), "43/1268 = 3.39%");
    assert_eq!(ratio_text(1, 3), "1/3 = 33.33%");
    assert_eq!(ratio_text(2, 3), "2/3 = 66.67%");
    assert_eq!(ratio_text(1, 800), "1/800 = 0.13%");
    assert_eq!(ratio_text(1, 1600), "1/1600 = 0.06%");
    assert_eq!(ratio_text(5, 5), "5/5 = 100.00%");
    assert_eq!(ratio_text(0, 0), "0/0 = 0.00%");
}

proptest! {
    #[test]
    fn joint_needed_is_the_smallest_sufficient_count(
        year_tasks in 0usize..20_000,
        joint_share in 0usize..=100,
        this_draw in 0usize..3_000,
        min_percent in 0u32..=100,
    ) {
        let year_joint = year_tasks * joint_share / 100;
        let x = internal_joint_needed(year_tasks, year_joint, this_draw, min_percent);
        let enough = |x: usize| {
            (year_joint + x) * 100 >= min_percent as usize * (year_tasks + this_draw)
        };
        prop_assert!(x <= this_draw);
        if enough(this_draw) {
            prop_assert!(enough(x));
            prop_assert!(x == 0 || !enough(x - 1));
            // The ratio text after the draw shows at least min_percent.
            let text = ratio_text(year_joint + x, year_tasks + this_draw);
            let pct: f64 = text
                .rsplit(' ')
                .next()
                .and_then(|p| p.trim_end_matches('%').parse().ok())
                .unwrap_or(-1.0);
            prop_assert!(pct + 1e-9 >= min_percent as f64, "{}", text);
        } else {
            prop_assert_eq!(x, this_draw);
        }
    }
}

// -----------------------------------------------------------------------------------------
// The input hash, storage, and a pinned draw
// -----------------------------------------------------------------------------------------

pub(super) fn small_input() -> DrawInput {
    DrawInput {
        strata: vec![
            stratum("重点", 2, [10, 11, 12]),
            stratum("一般", 1, [20, 21]),
        ],
        internal_joint: 1,
        inspectors: vec![
            insp(1, "S1", true, true),
            insp(2, "S1", true, true),
            insp(3, "S2", true, true),
            insp(4, "S2", true, false),
            InspectorSnap {
                load: 1,
                ..insp(5, "SCJ", false, false)
            },
        ],
        recusals: vec![(10, 1), (11, 3)],
        last_teams: vec![(12, vec![5, 2])],
        team_size: 3,
        partners: vec!["SCJ".into()],
        workload_cap: 4,
        draw2: None,
    }
}

#[test]
fn pool_hash_is_sha256_of_the_documented_encoding() {
    let input = small_input();
    // The encoding written out by hand, field by field.
    let mut b: Vec<u8> = Vec::new();
    let int = |b: &mut Vec<u8>, v: u64| b.extend_from_slice(&v.to_le_bytes());
    let text = |b: &mut Vec<u8>, s: &str| {
        b.extend_from_slice(&(s.len() as u64).to_le_bytes());
        b.extend_from_slice(s.as_bytes());
    };
    text(&mut b, "shuangsui-draw-1");
    int(&mut b, 2);
    text(&mut b, "重点");
    int(&mut b, 2);
    for v in [3, 10, 11, 12] {
        int(&mut b, v);
    }
    text(&mut b, "一般");
    int(&mut b, 1);
    for v in [2, 20, 21] {
        int(&mut b, v);
    }
    int(&mut b, 1); // internal_joint
    int(&mut b, 5);
    for (id, dept, internal, certified, load) in [
        (1, "S1", 1, 1, 0),
        (2, "S1", 1, 1, 0),
        (3, "S2", 1, 1, 0),
        (4, "S2", 1, 0, 0),
        (5, "SCJ", 0, 0, 1),
    ] {
        int(&mut b, id);
        text(&mut b, dept);
        b.push(internal);
        b.push(certified);
        int(&mut b, load);
    }
    for v in [2, 10, 1, 11, 3] {
        int(&mut b, v); // recusals
    }
    for v in [1, 12, 2, 5, 2] {
        int(&mut b, v); // last teams
    }
    int(&mut b, 3); // team_size
    int(&mut b, 1);
    text(&mut b, "SCJ");
    int(&mut b, 4); // workload_cap
    let expected: [u8; 32] = Sha256::digest(&b).into();
    assert_eq!(pool_hash(&input), expected);
    assert_eq!(
        hex::encode(pool_hash(&input)),
        "e4034dbd8c52aa38b82ca7a5d2ab33f5a09da12af639e387911f07f090d4425d",
        "the encoding must never change"
    );
}

#[test]
fn pool_hash_changes_with_every_field() {
    let base = small_input();
    let h = pool_hash(&base);
    let changes: Vec<Change> = vec![
        Box::new(|i| i.strata[0].row.push('x')),
        Box::new(|i| i.strata[0].quota = 1),
        Box::new(|i| i.strata[1].pool.push(22)),
        Box::new(|i| i.internal_joint = 0),
        Box::new(|i| i.inspectors[0].id = 0),
        Box::new(|i| i.inspectors[0].department = "S9".into()),
        Box::new(|i| i.inspectors[0].internal = false),
        Box::new(|i| i.inspectors[0].certified = false),
        Box::new(|i| i.inspectors[0].load = 1),
        Box::new(|i| i.recusals.pop().map_or((), |_| ())),
        Box::new(|i| i.last_teams[0].1.push(1)),
        Box::new(|i| i.team_size = 4),
        Box::new(|i| i.partners.clear()),
        Box::new(|i| i.workload_cap = 5),
        // Moving a byte between adjacent texts changes the hash (lengths are encoded).
        Box::new(|i| {
            i.strata[0].row = "重".into();
            i.strata[1].row = "点一般".into();
        }),
    ];
    for (k, change) in changes.iter().enumerate() {
        let mut input = base.clone();
        change(&mut input);
        assert_ne!(pool_hash(&input), h, "change {k}");
    }
}

#[test]
fn inputs_and_outcomes_survive_bincode() {
    let input = small_input();
    let out = run(&input, &[3; 32]).expect("feasible");
    let cfg = bincode::config::standard();
    let bytes = bincode::serde::encode_to_vec(&input, cfg).expect("encode");
    let (back, _): (DrawInput, usize) =
        bincode::serde::decode_from_slice(&bytes, cfg).expect("decode");
    assert_eq!(back, input);
    let bytes = bincode::serde::encode_to_vec(&out, cfg).expect("encode");
    let (back, _): (DrawOutcome, usize) =
        bincode::serde::decode_from_slice(&bytes, cfg).expect("decode");
    assert_eq!(back, out);
    assert_eq!(verify(&input, &[3; 32], &back), Ok(()));
}

#[test]
fn a_pinned_draw_never_changes() {
    // Recorded draws must stay re-checkable: this outcome is fixed forever for
    // shuangsui-draw-1 (any change here means a new ENGINE_VERSION).
    let out = run(&small_input(), &[7; 32]).expect("feasible");
    let task = |target: u64, row: &str, team: [u64; 3], joint: bool, relaxed: bool| TaskDraft {
        target,
        row: row.to_string(),
        team: team.to_vec(),
        internal_joint: joint,
        relaxed_last_team: relaxed,
    };
    let pinned = DrawOutcome {
        picks: vec![("重点".into(), vec![10, 12]), ("一般".into(), vec![20])],
        tasks: vec![
            // Inspector 1 is recused for target 10.
            task(10, "重点", [5, 2, 3], false, false),
            // The last team of 12 was (5, 2) and 5 is the only SCJ inspector: relaxed.
            task(12, "重点", [5, 3, 2], false, true),
            // Internal joint: 1 is of section S1, 3 of S2.
            task(20, "一般", [5, 1, 3], true, false),
        ],
        // 2 + 1 words for the targets, 1 for the joint task, 3 per team; the strict
        // attempt for 12 failed at its first slot before taking a word.
        words_consumed: 13,
        merges: vec![],
    };
    assert_eq!(out, pinned);
}

#[test]
fn verify_names_the_first_difference() {
    let input = small_input();
    let seed = [7; 32];
    let out = run(&input, &seed).expect("feasible");
    let mut bad = out.clone();
    bad.tasks[1].relaxed_last_team ^= true;
    bad.tasks[2].team.reverse();
    assert!(matches!(
        verify(&input, &seed, &bad),
        Err(Mismatch::RelaxedFlag { task: 1, .. })
    ));
    let mut short = out.clone();
    short.picks[1].1.clear();
    let err = verify(&input, &seed, &short).expect_err("differs");
    assert!(matches!(
        err,
        Mismatch::StratumPicks {
            position: 0,
            recorded: None,
            ..
        }
    ));
    assert!(err.localize(Lang::Zh).contains("一般"));
    assert!(err.localize(Lang::En).contains("一般"));
    let other_seed = verify(&input, &[8; 32], &out);
    assert!(other_seed.is_err());
    let mut bad_input = input.clone();
    bad_input.team_size = 1;
    assert!(matches!(
        verify(&bad_input, &seed, &out),
        Err(Mismatch::Recompute(DrawError::BadInput(_)))
    ));
}
