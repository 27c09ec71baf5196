//! Fairness over the years (issue 18): coverage of targets, rows, towns and inspectors against
//! what the stored draws made expected.
//!
//! Everything is computed from the committed, non-voided draw records of the years asked for:
//! each stratum keeps its quota `k` and its pool of `n` targets as they were at the draw, so a
//! target in that pool had the chance `k / n` of being drawn there, whatever the registry says
//! today (a closed or re-classified target is judged by what it was when drawn).
//!
//! - **Per target**: expected visits `E = Σ k/n` over the strata it was in, observed visits
//!   `O` (its picks), `z = (O − E) / √Σ p(1−p)`, the exact probability of never being drawn
//!   `Π (1 − p)` and of at least `O` visits (Poisson-binomial, [`crate::draw::stats`]). Each
//!   visit says why it happened: a 100% row, a directed plan, an internal joint (merged) visit,
//!   or plain chance.
//! - **Per row and per town**: pool appearances `Σ n`, expected `Σ k·m/n` and observed picks,
//!   and the inclusion rates `O / Σ n` against `E / Σ n` (the ratio).
//! - **Per inspector**: team memberships against the expected share among the eligible peers of
//!   each draw (same kind: internal certified, internal without certificate, or the partner
//!   department): `Σ slots(kind) / eligible(kind)`; the partners teamed with; pairs of
//!   inspectors who visited one target together more than once.
//! - **The fairness test**: Pearson's chi-square of observed against expected picks per
//!   (row, town) cell, over the strata that were drawn at random (`0 < k < n`); cells expected
//!   below 5 are pooled into one cell per row. Degrees of freedom: cells − 1 per row (a row's
//!   total is fixed by its quotas). Sampling without replacement makes the statistic slightly
//!   conservative. `p ≥ 0.05` is stated as agreeing with random selection.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::book::DrawRecord;
use crate::domain::period::Period;
use crate::draw::stats;
use crate::i18n::Lang;

/// The significance level of the fairness test and of the "unlikely" lists.
pub const ALPHA: f64 = 0.05;
/// Cells expected below this are pooled for the chi-square test.
pub const MIN_EXPECTED: f64 = 5.0;
/// How many most-visited targets are listed.
pub const MOST_VISITED: usize = 10;

/// Names and groupings the records do not carry (from today's registries and rules).
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    /// Target id → (name, town).
    pub targets: HashMap<u64, (String, String)>,
    /// Inspector id → name.
    pub inspectors: HashMap<u64, String>,
    /// Row id → its ratio as written (e.g. `≥10%/季`).
    pub ratios: HashMap<String, String>,
}

impl Lookup {
    /// The names of today's registries and the ratios of the rules.
    pub fn of(st: &super::State, rules: &crate::domain::rules::Rules, lang: Lang) -> Lookup {
        Lookup {
            targets: st
                .targets
                .iter()
                .map(|t| (t.id, (t.name().to_string(), t.region.to_string())))
                .collect(),
            inspectors: st
                .inspectors
                .iter()
                .map(|i| (i.id, i.name.clone()))
                .collect(),
            ratios: rules
                .applicable_rows()
                .map(|r| (r.id.to_string(), r.ratio_text(lang)))
                .collect(),
        }
    }

    fn target(&self, id: u64) -> (String, String) {
        self.targets
            .get(&id)
            .cloned()
            .unwrap_or_else(|| (format!("#{id}"), String::new()))
    }

    fn inspector(&self, id: u64) -> String {
        self.inspectors
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }
}

/// Why a visit happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// A 100% stratum (quota = pool): every target in it is visited.
    Full,
    /// A directed plan (a scope, a campaign): an extra visit.
    Directed,
    /// An internal joint visit (several sections' plans merged into one visit).
    Joint,
    /// Drawn by chance from a larger pool.
    Random,
}

impl Why {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Why::Full => lang.pick("100%行", "100% row"),
            Why::Directed => lang.pick("定向计划", "directed plan"),
            Why::Joint => lang.pick("内部联合（合并计划）", "internal joint (merged plans)"),
            Why::Random => lang.pick("随机抽中", "drawn by chance"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub draw: u64,
    pub period: String,
    pub plan: String,
    pub row: String,
    /// The chance of this pick: quota / pool of its stratum.
    pub chance: f64,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetCoverage {
    pub id: u64,
    pub name: String,
    pub town: String,
    /// The rows it was in a pool of, sorted.
    pub rows: Vec<String>,
    /// How many strata it was in the pool of.
    pub pools: usize,
    pub expected: f64,
    pub observed: usize,
    /// `None` when every chance was 0 or 1 (nothing random).
    pub z: Option<f64>,
    /// The probability of no visit at all.
    pub p_never: f64,
    /// The probability of at least `observed` visits.
    pub p_at_least: f64,
    pub visits: Vec<Visit>,
}

impl TargetCoverage {
    /// More visits than chance explains (`p_at_least < ALPHA` with at least one visit drawn
    /// by chance).
    pub fn stands_out(&self) -> bool {
        self.observed > 0
            && self.p_at_least < ALPHA
            && self.visits.iter().any(|v| v.why == Why::Random)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inclusion {
    /// A row id, a town, or `row town` for a cell.
    pub key: String,
    /// The row's ratio as written (rows only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ratio: String,
    /// Strata (rows) or distinct targets (towns, cells) counted.
    pub count: usize,
    /// Pool appearances `Σ n` (of the town's targets for towns and cells).
    pub pool: usize,
    pub expected: f64,
    pub observed: usize,
    /// `observed / pool`.
    pub rate: f64,
    /// `expected / pool`: the ratio the draws applied.
    pub expected_rate: f64,
    pub z: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowTest {
    pub row: String,
    pub chi2: f64,
    pub df: usize,
    pub p: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partner {
    pub id: u64,
    pub name: String,
    pub times: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InspectorCoverage {
    pub id: u64,
    pub name: String,
    /// Draws it was eligible in.
    pub eligible_draws: usize,
    pub expected: f64,
    pub observed: usize,
    pub z: Option<f64>,
    /// Most frequent first.
    pub partners: Vec<Partner>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatedPair {
    pub a: u64,
    pub a_name: String,
    pub b: u64,
    pub b_name: String,
    pub target: u64,
    pub target_name: String,
    pub visits: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fairness {
    pub chi2: f64,
    pub df: usize,
    pub p: f64,
    /// `p ≥ ALPHA` (or nothing random to test).
    pub fair: bool,
    /// The cell with the largest contribution `(O − E)² / E`.
    pub worst: Option<Inclusion>,
    /// The verdict in plain words, in the caller's language.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub from: i32,
    pub to: i32,
    /// Committed, non-voided draws of the years counted.
    pub draws: usize,
    pub fairness: Fairness,
    pub row_tests: Vec<RowTest>,
    /// Every target that was in a pool, by id.
    pub targets: Vec<TargetCoverage>,
    /// Never drawn although that had a probability below `ALPHA`, least likely first.
    pub never_drawn: Vec<TargetCoverage>,
    /// The most visited (at least two visits), most first.
    pub most_visited: Vec<TargetCoverage>,
    pub rows: Vec<Inclusion>,
    pub towns: Vec<Inclusion>,
    /// Per (row, town), over the strata drawn at random.
    pub cells: Vec<Inclusion>,
    pub inspectors: Vec<InspectorCoverage>,
    /// Most repeated first.
    pub repeated_pairs: Vec<RepeatedPair>,
}

/// `2022–2024`, or `2022` for one year.
pub fn years_text(from: i32, to: i32) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// A fraction as a percentage with one decimal: `0.123` → `12.3%`.
pub fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `0.41`, `0.0032`, `< 0.0001`.
pub fn p_text(p: f64) -> String {
    if p >= 0.01 {
        format!("= {p:.2}")
    } else if p >= 0.0001 {
        format!("= {p:.4}")
    } else {
        "< 0.0001".into()
    }
}

fn z_of(observed: f64, expected: f64, var: f64) -> Option<f64> {
    (var > 1e-12).then(|| (observed - expected) / var.sqrt())
}

fn rate(x: f64, pool: usize) -> f64 {
    if pool == 0 {
        0.0
    } else {
        x / pool as f64
    }
}

#[derive(Default)]
struct Acc {
    count: BTreeSet<u64>,
    strata: usize,
    pool: usize,
    expected: f64,
    var: f64,
    observed: usize,
}

impl Acc {
    fn inclusion(&self, key: String, ratio: String, by_strata: bool) -> Inclusion {
        Inclusion {
            key,
            ratio,
            count: if by_strata {
                self.strata
            } else {
                self.count.len()
            },
            pool: self.pool,
            expected: self.expected,
            observed: self.observed,
            rate: rate(self.observed as f64, self.pool),
            expected_rate: rate(self.expected, self.pool),
            z: z_of(self.observed as f64, self.expected, self.var),
        }
    }
}

/// The coverage of `draws` (all records; only committed, non-voided ones of years
/// `from..=to` count).
pub fn compute(draws: &[DrawRecord], from: i32, to: i32, names: &Lookup, lang: Lang) -> Coverage {
    let counted: Vec<&DrawRecord> = draws
        .iter()
        .filter(|d| d.voided.is_none())
        .filter(|d| Period::parse(&d.period).is_ok_and(|p| (from..=to).contains(&p.year())))
        .collect();

    // Per target: chances and visits.
    let mut chances: BTreeMap<u64, Vec<f64>> = BTreeMap::new();
    let mut target_rows: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    let mut visits: BTreeMap<u64, Vec<Visit>> = BTreeMap::new();
    let mut rows: BTreeMap<String, Acc> = BTreeMap::new();
    let mut towns: BTreeMap<String, Acc> = BTreeMap::new();
    let mut cells: BTreeMap<(String, String), Acc> = BTreeMap::new();
    for d in &counted {
        let directed = !d.scope.trim().is_empty();
        for (i, s) in d.input.strata.iter().enumerate() {
            let n = s.pool.len();
            if n == 0 {
                continue;
            }
            let k = s.quota.min(n);
            let p = k as f64 / n as f64;
            let random = k > 0 && k < n;
            let picks: BTreeSet<u64> = d
                .outcome
                .picks
                .get(i)
                .map(|(_, ids)| ids.iter().copied().collect())
                .unwrap_or_default();
            let r = rows.entry(s.row.clone()).or_default();
            r.strata += 1;
            r.pool += n;
            r.expected += k as f64;
            r.observed += picks.len();
            for &t in &s.pool {
                chances.entry(t).or_default().push(p);
                target_rows.entry(t).or_default().insert(s.row.clone());
                let town = names.target(t).1;
                let picked = picks.contains(&t);
                let tw = towns.entry(town.clone()).or_default();
                tw.count.insert(t);
                tw.pool += 1;
                tw.expected += p;
                tw.var += p * (1.0 - p);
                tw.observed += usize::from(picked);
                if random {
                    let c = cells.entry((s.row.clone(), town)).or_default();
                    c.count.insert(t);
                    c.pool += 1;
                    c.expected += p;
                    c.var += p * (1.0 - p);
                    c.observed += usize::from(picked);
                }
                if picked {
                    let joint = d
                        .outcome
                        .tasks
                        .iter()
                        .any(|task| task.target == t && task.internal_joint)
                        || d.outcome.merges.iter().any(|m| m.target == t);
                    let why = if directed {
                        Why::Directed
                    } else if !random {
                        Why::Full
                    } else if joint {
                        Why::Joint
                    } else {
                        Why::Random
                    };
                    visits.entry(t).or_default().push(Visit {
                        draw: d.id,
                        period: d.period.clone(),
                        plan: d.plan_name.clone(),
                        row: s.row.clone(),
                        chance: p,
                        why,
                    });
                }
            }
        }
    }

    let targets: Vec<TargetCoverage> = chances
        .iter()
        .map(|(&id, ps)| {
            let (name, town) = names.target(id);
            let vs = visits.remove(&id).unwrap_or_default();
            let dist = stats::poisson_binomial(ps);
            let expected: f64 = ps.iter().sum();
            let var: f64 = ps.iter().map(|p| p * (1.0 - p)).sum();
            TargetCoverage {
                id,
                name,
                town,
                rows: target_rows
                    .get(&id)
                    .map(|r| r.iter().cloned().collect())
                    .unwrap_or_default(),
                pools: ps.len(),
                expected,
                observed: vs.len(),
                z: z_of(vs.len() as f64, expected, var),
                p_never: dist.first().copied().unwrap_or(1.0),
                p_at_least: stats::tail_at_least(&dist, vs.len()),
                visits: vs,
            }
        })
        .collect();
    let mut never_drawn: Vec<TargetCoverage> = targets
        .iter()
        .filter(|t| t.observed == 0 && t.p_never < ALPHA)
        .cloned()
        .collect();
    never_drawn.sort_by(|a, b| a.p_never.total_cmp(&b.p_never).then(a.id.cmp(&b.id)));
    let mut most_visited: Vec<TargetCoverage> = targets
        .iter()
        .filter(|t| t.observed >= 2)
        .cloned()
        .collect();
    most_visited.sort_by(|a, b| {
        b.observed
            .cmp(&a.observed)
            .then(a.p_at_least.total_cmp(&b.p_at_least))
            .then(a.id.cmp(&b.id))
    });
    most_visited.truncate(MOST_VISITED);

    let cell_list: Vec<Inclusion> = cells
        .iter()
        .map(|((row, town), a)| a.inclusion(format!("{row} {town}"), String::new(), false))
        .collect();
    let (row_tests, fairness) = fairness_test(&cells, from, to, lang);

    let (inspectors, repeated_pairs) = inspector_coverage(&counted, names);
    Coverage {
        from,
        to,
        draws: counted.len(),
        fairness,
        row_tests,
        targets,
        never_drawn,
        most_visited,
        rows: rows
            .iter()
            .map(|(row, a)| {
                let ratio = names.ratios.get(row).cloned().unwrap_or_default();
                a.inclusion(row.clone(), ratio, true)
            })
            .collect(),
        towns: towns
            .iter()
            .map(|(town, a)| a.inclusion(town.clone(), String::new(), false))
            .collect(),
        cells: cell_list,
        inspectors,
        repeated_pairs,
    }
}

/// Pearson's chi-square per row over its town cells (small cells pooled), summed.
fn fairness_test(
    cells: &BTreeMap<(String, String), Acc>,
    from: i32,
    to: i32,
    lang: Lang,
) -> (Vec<RowTest>, Fairness) {
    let mut by_row: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for ((row, _), a) in cells {
        by_row
            .entry(row.as_str())
            .or_default()
            .push((a.observed as f64, a.expected));
    }
    let mut tests = Vec::new();
    let (mut chi2, mut df) = (0.0, 0usize);
    for (row, cs) in by_row {
        let mut kept: Vec<(f64, f64)> = cs
            .iter()
            .copied()
            .filter(|(_, e)| *e >= MIN_EXPECTED)
            .collect();
        let small = cs
            .iter()
            .filter(|(_, e)| *e < MIN_EXPECTED)
            .fold((0.0, 0.0), |(o, e), (co, ce)| (o + co, e + ce));
        if small.1 >= MIN_EXPECTED || (kept.is_empty() && small.1 > 0.0) {
            kept.push(small);
        } else if small.1 > 0.0 {
            // Too small even pooled: fold into the smallest kept cell.
            if let Some(c) = kept.iter_mut().min_by(|a, b| a.1.total_cmp(&b.1)) {
                c.0 += small.0;
                c.1 += small.1;
            }
        }
        let x: f64 = kept
            .iter()
            .filter(|(_, e)| *e > 0.0)
            .map(|(o, e)| (o - e) * (o - e) / e)
            .sum();
        let d = kept.len().saturating_sub(1);
        chi2 += x;
        df += d;
        tests.push(RowTest {
            row: row.to_string(),
            chi2: x,
            df: d,
            p: stats::chi2_sf(x, d),
        });
    }
    let p = stats::chi2_sf(chi2, df);
    let fair = p >= ALPHA;
    let contribution = |x: &Acc| (x.observed as f64 - x.expected).powi(2) / x.expected;
    let worst_cell = cells
        .iter()
        .filter(|(_, a)| a.expected > 0.0)
        .max_by(|(_, a), (_, b)| contribution(a).total_cmp(&contribution(b)));
    let worst = worst_cell
        .map(|((row, town), a)| a.inclusion(format!("{row} {town}"), String::new(), false));
    let years = years_text(from, to);
    let text = if df == 0 {
        match lang {
            Lang::Zh => format!("{years} 没有可检验的随机抽取（各层均为 100% 或无抽取）"),
            Lang::En => {
                format!("{years}: no draw to test (every stratum was 100% or nothing was drawn)")
            }
        }
    } else if fair {
        match lang {
            Lang::Zh => format!("{years} 的抽取结果与随机抽取相符（p {}）", p_text(p)),
            Lang::En => format!(
                "The draws of {years} agree with random selection (p {})",
                p_text(p)
            ),
        }
    } else {
        let detail = worst_cell
            .map(|((row, town), a)| match lang {
                Lang::Zh => format!(
                    "：偏差最大的是 {row} 行 {town}（抽中 {} 次，期望 {:.1} 次）",
                    a.observed, a.expected
                ),
                Lang::En => format!(
                    ": the largest deviation is row {row}, {town} (drawn {} times, expected {:.1})",
                    a.observed, a.expected
                ),
            })
            .unwrap_or_default();
        match lang {
            Lang::Zh => format!(
                "{years} 的抽取结果与随机抽取不符（p {}）{detail}",
                p_text(p)
            ),
            Lang::En => format!(
                "The draws of {years} do not agree with random selection (p {}){detail}",
                p_text(p)
            ),
        }
    };
    (
        tests,
        Fairness {
            chi2,
            df,
            p,
            fair: df == 0 || fair,
            worst,
            text,
        },
    )
}

/// The peer group an inspector's slot is shared in.
fn kind(s: &crate::draw::engine::InspectorSnap) -> (bool, String, bool) {
    if s.internal {
        (true, String::new(), s.certified)
    } else {
        (false, s.department.clone(), false)
    }
}

fn inspector_coverage(
    counted: &[&DrawRecord],
    names: &Lookup,
) -> (Vec<InspectorCoverage>, Vec<RepeatedPair>) {
    #[derive(Default)]
    struct I {
        draws: usize,
        expected: f64,
        var: f64,
        observed: usize,
        partners: BTreeMap<u64, usize>,
    }
    let mut acc: BTreeMap<u64, I> = BTreeMap::new();
    let mut pairs: BTreeMap<(u64, u64, u64), usize> = BTreeMap::new();
    for d in counted {
        let snaps: HashMap<u64, &crate::draw::engine::InspectorSnap> =
            d.input.inspectors.iter().map(|s| (s.id, s)).collect();
        let mut peers: HashMap<(bool, String, bool), usize> = HashMap::new();
        for s in &d.input.inspectors {
            *peers.entry(kind(s)).or_default() += 1;
        }
        let mut slots: HashMap<(bool, String, bool), usize> = HashMap::new();
        for t in &d.outcome.tasks {
            for m in &t.team {
                if let Some(s) = snaps.get(m) {
                    *slots.entry(kind(s)).or_default() += 1;
                }
                let a = acc.entry(*m).or_default();
                a.observed += 1;
                for o in t.team.iter().filter(|o| *o != m) {
                    *a.partners.entry(*o).or_default() += 1;
                }
            }
            let mut team = t.team.clone();
            team.sort_unstable();
            team.dedup();
            for (i, a) in team.iter().enumerate() {
                for b in &team[i + 1..] {
                    *pairs.entry((*a, *b, t.target)).or_default() += 1;
                }
            }
        }
        for s in &d.input.inspectors {
            let k = kind(s);
            let n = peers.get(&k).copied().unwrap_or(1).max(1) as f64;
            let e = slots.get(&k).copied().unwrap_or(0) as f64 / n;
            let a = acc.entry(s.id).or_default();
            a.draws += 1;
            a.expected += e;
            a.var += e * (1.0 - 1.0 / n);
        }
    }
    let inspectors = acc
        .into_iter()
        .map(|(id, a)| {
            let mut partners: Vec<Partner> = a
                .partners
                .into_iter()
                .map(|(p, times)| Partner {
                    id: p,
                    name: names.inspector(p),
                    times,
                })
                .collect();
            partners.sort_by(|x, y| y.times.cmp(&x.times).then(x.id.cmp(&y.id)));
            InspectorCoverage {
                id,
                name: names.inspector(id),
                eligible_draws: a.draws,
                expected: a.expected,
                observed: a.observed,
                z: z_of(a.observed as f64, a.expected, a.var),
                partners,
            }
        })
        .collect();
    let mut repeated: Vec<RepeatedPair> = pairs
        .into_iter()
        .filter(|(_, n)| *n >= 2)
        .map(|((a, b, target), visits)| RepeatedPair {
            a,
            a_name: names.inspector(a),
            b,
            b_name: names.inspector(b),
            target,
            target_name: names.target(target).0,
            visits,
        })
        .collect();
    repeated.sort_by(|x, y| {
        y.visits
            .cmp(&x.visits)
            .then((x.a, x.b, x.target).cmp(&(y.a, y.b, y.target)))
    });
    (inspectors, repeated)
}

impl super::Office {
    /// The coverage of years `from..=to` from the stored draw records (see the module).
    pub fn coverage(&self, from: i32, to: i32) -> Result<Coverage, super::OfficeError> {
        let lang = self.lang();
        if from > to || !(2000..=2100).contains(&from) || !(2000..=2100).contains(&to) {
            return Err(super::OfficeError::Refused(match lang {
                Lang::Zh => format!("年份范围 {from}–{to} 不可用：起始年份应不晚于结束年份"),
                Lang::En => {
                    format!("the years {from}–{to} are not a range: from must not be after to")
                }
            }));
        }
        let names = Lookup::of(&self.state(), &self.rules(), lang);
        let book = self.book();
        Ok(compute(&book.draws, from, to, &names, lang))
    }
}

#[cfg(test)]
#[path = "coverage_tests.rs"]
mod tests;
