use super::*;
use crate::domain::plan::JointKind;
use crate::draw::engine::{DrawInput, DrawOutcome, InspectorSnap, StratumInput, TaskDraft};
use crate::office::Office;

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

fn snap(id: u64, internal: bool, certified: bool) -> InspectorSnap {
    InspectorSnap {
        id,
        department: if internal { "YLHB" } else { "SCJG" }.into(),
        internal,
        certified,
        load: 0,
    }
}

/// A stored draw: strata as (row, quota, pool, picks) and one task per pick with its team.
fn record(
    id: u64,
    period: &str,
    scope: &str,
    strata: &[(&str, usize, &[u64], &[u64])],
    inspectors: Vec<InspectorSnap>,
    teams: &[(u64, &[u64])],
) -> DrawRecord {
    let row_of = |t: u64| {
        strata
            .iter()
            .find(|s| s.3.contains(&t))
            .map(|s| s.0.to_string())
            .unwrap_or_default()
    };
    DrawRecord {
        id,
        plan: 1,
        plan_name: format!("计划{id}"),
        period: period.into(),
        date: chrono::NaiveDate::from_ymd_opt(2022, 1, 5).unwrap(),
        time: String::new(),
        operator: "test".into(),
        scope: scope.into(),
        inspector_scope: String::new(),
        joint: JointKind::None,
        entropy: None,
        witness: String::new(),
        seed: [0; 32],
        algorithm: String::new(),
        pool_hash: [0; 32],
        input: std::sync::Arc::new(DrawInput {
            strata: strata
                .iter()
                .map(|(row, quota, pool, _)| StratumInput {
                    row: row.to_string(),
                    quota: *quota,
                    pool: pool.to_vec(),
                })
                .collect(),
            internal_joint: 0,
            inspectors,
            recusals: vec![],
            last_teams: vec![],
            team_size: 2,
            partners: vec![],
            workload_cap: 99,
            draw2: None,
        }),
        outcome: DrawOutcome {
            picks: strata
                .iter()
                .map(|(row, _, _, picks)| (row.to_string(), picks.to_vec()))
                .collect(),
            tasks: teams
                .iter()
                .map(|(t, team)| TaskDraft {
                    target: *t,
                    row: row_of(*t),
                    team: team.to_vec(),
                    internal_joint: false,
                    relaxed_last_team: false,
                })
                .collect(),
            words_consumed: 0,
            merges: vec![],
        },
        tasks: vec![],
        year_before: (0, 0),
        year_after: (0, 0),
        voided: None,
    }
}

/// Nine targets in three towns, three rows, three years (plus a voided draw and one of 2021
/// that must not count).
pub(crate) fn small_history() -> (Vec<DrawRecord>, Lookup) {
    let mut names = Lookup::default();
    for (id, town) in [
        (1, "甲镇"),
        (2, "甲镇"),
        (3, "甲镇"),
        (4, "乙镇"),
        (5, "乙镇"),
        (6, "乙镇"),
        (7, "丙镇"),
        (8, "丙镇"),
        (9, "丙镇"),
    ] {
        names
            .targets
            .insert(id, (format!("对象{id}"), town.to_string()));
    }
    for (id, name) in [(11, "张一"), (12, "李二"), (13, "王三"), (21, "赵四")] {
        names.inspectors.insert(id, name.to_string());
    }
    names.ratios.insert("C-1".into(), "≥10%/季".into());
    names.ratios.insert("C-4".into(), "10–30%/年".into());
    names.ratios.insert("R".into(), "100%".into());
    let all4 = || vec![snap(11, true, true), snap(12, true, true)];
    let d1 = record(
        1,
        "2022Q1",
        "",
        &[
            ("C-1", 1, &[1, 2, 3, 4], &[2]),
            ("C-4", 3, &[5, 7, 8, 9], &[7, 8, 9]),
            ("R", 1, &[6], &[6]),
        ],
        vec![
            snap(11, true, true),
            snap(12, true, true),
            snap(13, true, false),
            snap(21, false, true),
        ],
        &[
            (2, &[11, 12]),
            (7, &[12, 11]),
            (8, &[11, 12]),
            (9, &[12, 13]),
            (6, &[11, 13]),
        ],
    );
    let d2 = record(
        2,
        "2023Q1",
        "",
        &[
            ("C-1", 2, &[1, 2, 3, 4], &[2, 4]),
            ("C-4", 3, &[5, 7, 8, 9], &[7, 8, 9]),
        ],
        all4(),
        &[
            (2, &[11, 12]),
            (4, &[11, 12]),
            (7, &[11, 12]),
            (8, &[11, 12]),
            (9, &[11, 12]),
        ],
    );
    let d3 = record(
        3,
        "2024Q1",
        "所在地区=甲镇",
        &[
            ("C-1", 1, &[1, 2], &[2]),
            ("C-4", 3, &[5, 7, 8, 9], &[7, 8, 9]),
        ],
        all4(),
        &[
            (2, &[11, 12]),
            (7, &[11, 12]),
            (8, &[11, 12]),
            (9, &[11, 12]),
        ],
    );
    let mut voided = record(
        4,
        "2024Q2",
        "",
        &[("C-1", 4, &[1, 2, 3, 4], &[1, 2, 3, 4])],
        all4(),
        &[(1, &[11, 12])],
    );
    voided.voided = Some(crate::office::Voided {
        reason: "错误".into(),
        by: "test".into(),
        time: String::new(),
    });
    let before = record(
        5,
        "2021Q4",
        "",
        &[("C-1", 4, &[1, 2, 3, 4], &[1, 2, 3, 4])],
        all4(),
        &[(1, &[11, 12])],
    );
    (vec![before, d1, d2, d3, voided], names)
}

fn target(c: &Coverage, id: u64) -> &TargetCoverage {
    c.targets.iter().find(|t| t.id == id).unwrap()
}

fn inclusion<'a>(list: &'a [Inclusion], key: &str) -> &'a Inclusion {
    list.iter().find(|i| i.key == key).unwrap()
}

/// Acceptance 1 of issue 18: every figure by hand.
#[test]
fn small_history_per_target_by_hand() {
    let (draws, names) = small_history();
    let c = compute(&draws, 2022, 2024, &names, Lang::Zh);
    assert_eq!(c.draws, 3);
    // Target 1: chances 1/4, 1/2, 1/2; never drawn with probability 3/4·1/2·1/2 = 3/16.
    let t1 = target(&c, 1);
    close(t1.expected, 1.25);
    assert_eq!(t1.observed, 0);
    close(t1.p_never, 3.0 / 16.0);
    close(t1.z.unwrap(), -1.25 / (11.0f64 / 16.0).sqrt());
    assert_eq!(t1.rows, vec!["C-1"]);
    // Target 2: drawn all three times: P(≥3) = 1/16; the third visit is a directed plan's.
    let t2 = target(&c, 2);
    assert_eq!(t2.observed, 3);
    close(t2.p_at_least, 1.0 / 16.0);
    let whys: Vec<Why> = t2.visits.iter().map(|v| v.why).collect();
    assert_eq!(whys, vec![Why::Random, Why::Random, Why::Directed]);
    assert_eq!(t2.visits[0].period, "2022Q1");
    close(t2.visits[0].chance, 0.25);
    // Target 4: 1/4 then 1/2, drawn once: P(≥1) = 1 − 3/4·1/2 = 5/8.
    close(target(&c, 4).p_at_least, 5.0 / 8.0);
    // Target 6: a 100% row, nothing random.
    let t6 = target(&c, 6);
    assert_eq!(t6.z, None);
    assert_eq!(t6.visits[0].why, Why::Full);
    close(t6.p_never, 0.0);
    // Target 5: three times in a pool at 3/4 and never drawn: (1/4)³ = 1/64 < 0.05.
    let never: Vec<u64> = c.never_drawn.iter().map(|t| t.id).collect();
    assert_eq!(never, vec![5]);
    close(c.never_drawn[0].p_never, 1.0 / 64.0);
    // Most visited: 2, 7, 8, 9 (three each); 7, 8, 9 at P(≥3) = 27/64 > 1/16, so 2 first.
    let most: Vec<u64> = c.most_visited.iter().map(|t| t.id).collect();
    assert_eq!(most, vec![2, 7, 8, 9]);
    close(target(&c, 7).p_at_least, 27.0 / 64.0);
    // 2 is unlikely (1/16 > 0.05 still): nothing stands out at this size.
    assert!(!c.most_visited.iter().any(|t| t.stands_out()));
}

#[test]
fn small_history_rows_towns_and_cells_by_hand() {
    let (draws, names) = small_history();
    let c = compute(&draws, 2022, 2024, &names, Lang::Zh);
    let c1 = inclusion(&c.rows, "C-1");
    assert_eq!((c1.count, c1.pool, c1.observed), (3, 10, 4));
    close(c1.expected, 4.0);
    close(c1.rate, 0.4);
    assert_eq!(c1.ratio, "≥10%/季");
    let c4 = inclusion(&c.rows, "C-4");
    assert_eq!((c4.pool, c4.observed), (12, 9));
    close(c4.expected_rate, 0.75);
    // 甲镇: 8 appearances, expected 3/4 + 3/2 + 1 = 3.25, drawn 3 times.
    let jia = inclusion(&c.towns, "甲镇");
    assert_eq!((jia.count, jia.pool, jia.observed), (3, 8, 3));
    close(jia.expected, 3.25);
    // 乙镇: 4 (C-1 ×2), 5 (C-4 ×3), 6 (R): expected 1/4+1/2 + 9/4 + 1 = 4, drawn 2 (4 and 6).
    let yi = inclusion(&c.towns, "乙镇");
    assert_eq!((yi.pool, yi.observed), (6, 2));
    close(yi.expected, 4.0);
    // Cells only over random strata: the 100% row R has none.
    let keys: Vec<&str> = c.cells.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, vec!["C-1 乙镇", "C-1 甲镇", "C-4 丙镇", "C-4 乙镇"]);
    let cell = inclusion(&c.cells, "C-4 乙镇");
    assert_eq!((cell.pool, cell.observed), (3, 0));
    close(cell.expected, 2.25);
    // Every cell expects fewer than 5 or pools to O = E: nothing to test at this size.
    assert_eq!(c.fairness.df, 0);
    assert!(c.fairness.fair);
    assert_eq!(
        c.fairness.text,
        "2022–2024 没有可检验的随机抽取（各层均为 100% 或无抽取）"
    );
    // The years filter: 2021 alone has the one early draw.
    let early = compute(&draws, 2021, 2021, &names, Lang::En);
    assert_eq!(early.draws, 1);
    assert_eq!(target(&early, 1).observed, 1);
}

#[test]
fn small_history_inspectors_by_hand() {
    let (draws, names) = small_history();
    let c = compute(&draws, 2022, 2024, &names, Lang::Zh);
    let ins = |id: u64| c.inspectors.iter().find(|i| i.id == id).unwrap();
    // Draw 1: 8 certified internal slots shared by 11 and 12 (4 each), 2 uncertified slots for
    // 13 alone, none for the partner 21. Draws 2 and 3: 5 and 4 tasks of two, one slot each.
    close(ins(11).expected, 13.0);
    assert_eq!(ins(11).observed, 13);
    close(ins(13).expected, 2.0);
    assert_eq!((ins(13).observed, ins(13).eligible_draws), (2, 1));
    close(ins(21).expected, 0.0);
    assert_eq!(ins(21).observed, 0);
    assert_eq!(ins(11).name, "张一");
    let p11: Vec<(u64, usize)> = ins(11).partners.iter().map(|p| (p.id, p.times)).collect();
    assert_eq!(p11, vec![(12, 12), (13, 1)]);
    let pairs: Vec<(u64, u64, u64, usize)> = c
        .repeated_pairs
        .iter()
        .map(|p| (p.a, p.b, p.target, p.visits))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (11, 12, 2, 3),
            (11, 12, 7, 3),
            (11, 12, 8, 3),
            (11, 12, 9, 2)
        ]
    );
    assert_eq!(c.repeated_pairs[0].target_name, "对象2");
}

fn acc(observed: usize, expected: f64) -> Acc {
    Acc {
        observed,
        expected,
        ..Acc::default()
    }
}

/// The chi-square by hand: row X 12 vs 8 and 8 vs 12 → 2 + 4/3; row Y 4 vs 10, 14 vs 10 and
/// 12 vs 10 → 3.6 + 1.6 + 0.4 = 5.6, df 2, p = e^{−2.8}.
#[test]
fn fairness_test_by_hand() {
    let mut cells = BTreeMap::new();
    for (row, town, o, e) in [
        ("X", "甲镇", 12, 8.0),
        ("X", "乙镇", 8, 12.0),
        ("Y", "甲镇", 4, 10.0),
        ("Y", "乙镇", 14, 10.0),
        ("Y", "丙镇", 12, 10.0),
    ] {
        cells.insert((row.to_string(), town.to_string()), acc(o, e));
    }
    let (rows, f) = fairness_test(&cells, 2022, 2024, Lang::Zh);
    close(rows[0].chi2, 2.0 + 4.0 / 3.0);
    assert_eq!(rows[0].df, 1);
    close(rows[1].chi2, 5.6);
    close(rows[1].p, (-2.8f64).exp());
    close(f.chi2, 2.0 + 4.0 / 3.0 + 5.6);
    assert_eq!(f.df, 3);
    assert!(f.p < 0.05 && f.p > 0.01, "{}", f.p);
    assert!(!f.fair);
    assert_eq!(f.worst.as_ref().unwrap().key, "Y 甲镇");
    assert_eq!(
        f.text,
        format!(
            "2022–2024 的抽取结果与随机抽取不符（p = {:.2}）：偏差最大的是 Y 行 甲镇（抽中 4 次，期望 10.0 次）",
            f.p
        )
    );
    // Small cells pool: 3 + 1 expected in Z pool to one cell beside the big one → df 1.
    let mut cells = BTreeMap::new();
    for (town, o, e) in [("甲镇", 20, 20.0), ("乙镇", 3, 3.0), ("丙镇", 2, 2.5)] {
        cells.insert(("Z".to_string(), town.to_string()), acc(o, e));
    }
    let (rows, f) = fairness_test(&cells, 2022, 2022, Lang::En);
    assert_eq!(rows[0].df, 1);
    close(rows[0].chi2, 0.25 / 5.5);
    assert!(f.fair);
    assert_eq!(
        f.text,
        format!(
            "The draws of 2022 agree with random selection (p = {:.2})",
            f.p
        )
    );
}

/// Three demo years: the 2022 plans, re-imported with their months shifted to 2023 and 2024,
/// every quarter drawn for every plan due, each with a fixed entropy and witness.
pub(crate) fn demo_three_years() -> (Office, crate::office::DemoDir) {
    let (o, dir) = Office::open_demo(Lang::Zh).unwrap();
    let text = String::from_utf8(crate::office::demo::PLAN_CSV.to_vec()).unwrap();
    for year in [2023, 2024] {
        let shifted = text.replace("2022年", &format!("{year}年"));
        o.import_plans(&format!("plan-{year}.csv"), shifted.as_bytes(), year, false)
            .unwrap();
    }
    for year in 2022..=2024 {
        for q in 1..=4u8 {
            let period = Period::quarter(year, q).unwrap();
            let mut entropy = [0u8; 32];
            entropy[0] = q;
            entropy[1] = (year - 2000) as u8;
            entropy[2] = 0x5a;
            crate::office::announce::fix_entropy_for_tests(Some(entropy));
            let req = crate::office::DrawRequest {
                witness: format!("{year}-{q}"),
                date: Some(period.start() + chrono::Days::new(4)),
                ..Default::default()
            };
            // A plan that cannot be drawn (nothing due, a team that cannot be formed) is
            // refused and writes no draw: only committed draws count.
            let _ = o.draw_period(period, &req);
        }
    }
    crate::office::announce::fix_entropy_for_tests(None);
    (o, dir)
}

/// Acceptance 2 of issue 18: the fair history passes; the same history with one town's
/// targets kept out of the draws of one row (the records still naming them in the pool) fails
/// and names that row and town.
#[test]
fn demo_three_years_pass_and_a_biased_control_fails() {
    let (o, _dir) = demo_three_years();
    let c = o.coverage(2022, 2024).unwrap();
    let years: BTreeSet<String> = o
        .book()
        .draws
        .iter()
        .map(|d| d.period[..4].to_string())
        .collect();
    assert_eq!(years.len(), 3, "{years:?}");
    assert!(c.draws >= 30, "{} draws", c.draws);
    assert!(c.fairness.df > 0, "{:?}", c.fairness);
    assert!(c.fairness.fair, "{}", c.fairness.text);
    assert!(
        c.fairness
            .text
            .starts_with("2022–2024 的抽取结果与随机抽取相符（p "),
        "{}",
        c.fairness.text
    );
    // The cell with the most expected picks is the one the biased control starves.
    let big = c
        .cells
        .iter()
        .max_by(|a, b| a.expected.total_cmp(&b.expected))
        .unwrap();
    let (row, town) = big.key.split_once(' ').unwrap();
    let (row, town) = (row.to_string(), town.to_string());
    let st = o.state();
    let in_town = |t: u64| st.target(t).is_some_and(|x| x.region == town);
    let mut biased = o.book().draws.clone();
    for d in &mut biased {
        for (i, s) in d.input.strata.iter().enumerate() {
            if s.row != row || s.quota >= s.pool.len() {
                continue;
            }
            let Some((_, picks)) = d.outcome.picks.get_mut(i) else {
                continue;
            };
            let others: Vec<u64> = s.pool.iter().copied().filter(|t| !in_town(*t)).collect();
            let current = picks.clone();
            let mut chosen: Vec<u64> = Vec::new();
            for (step, p) in current.iter().enumerate() {
                if !in_town(*p) {
                    chosen.push(*p);
                    continue;
                }
                // A replacement from the other towns, spread over the pool.
                let fresh = (0..others.len())
                    .map(|j| others[(step * 7919 + j * 31) % others.len()])
                    .find(|t| !current.contains(t) && !chosen.contains(t));
                chosen.extend(fresh);
            }
            *picks = chosen;
            picks.sort_unstable();
            picks.dedup();
        }
    }
    let names = Lookup::of(&st, &o.rules(), Lang::Zh);
    let b = compute(&biased, 2022, 2024, &names, Lang::Zh);
    assert!(!b.fairness.fair, "{}", b.fairness.text);
    assert_eq!(b.fairness.worst.as_ref().unwrap().key, big.key);
    assert!(
        b.fairness.text.contains(&format!("{row} 行 {town}")),
        "{}",
        b.fairness.text
    );
    let cell = inclusion(&b.cells, &big.key);
    assert_eq!(cell.observed, 0);
}

#[test]
fn a_reversed_range_is_refused() {
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    let e = o.coverage(2024, 2022).unwrap_err();
    assert!(e.localize(Lang::En).contains("2024–2022"));
    let empty = o.coverage(2022, 2024).unwrap();
    assert_eq!(empty.draws, 0);
    assert!(empty.fairness.fair);
}

/// Through the protocol: a viewer may ask (nothing is written); a user with no role may not.
#[test]
fn coverage_through_the_protocol_needs_a_viewer_and_writes_nothing() {
    use crate::office::{Caller, Reply, Request, Response, Roles};
    let (o, _dir) = Office::open_demo(Lang::En).unwrap();
    o.set_roles(Some(
        Roles::parse("[users]\nzhao = \"viewer\"\n", "roles.toml").unwrap(),
    ));
    let req = || Request::Coverage {
        from: 2022,
        to: 2024,
    };
    assert!(!req().is_write());
    let audit = o.audit_len();
    let zhao = Caller::new("zhao", vec![]);
    match o.handle(req(), &zhao) {
        Response::Ok(Reply::Coverage(c)) => assert_eq!((c.from, c.to, c.draws), (2022, 2024, 0)),
        other => panic!("{other:?}"),
    }
    let nobody = Caller::new("nobody", vec![]);
    assert!(matches!(o.handle(req(), &nobody), Response::Error(_)));
    assert_eq!(o.audit_len(), audit);
}
