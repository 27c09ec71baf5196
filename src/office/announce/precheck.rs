//! The announcement's feasibility check, without randomness.
//!
//! What it decides is the rule of docs/draw-record.md ("Announce"): every target of a pool
//! that is drawn from keeps, once its own recusals and the workload cap are taken into account,
//! two certified internal inspectors, enough internal inspectors for the team and one
//! inspector of each partner department; the internal joint tasks find certified inspectors of
//! two sections; and the cap leaves room for every team.
//!
//! A target without recusals sees the same inspectors as any other, so the counts are taken
//! once over the inspectors and only a target with recusals subtracts the inspectors it is
//! recused from: the check costs O(inspectors + pool + recusals), not O(pool × inspectors)
//! (at 1M targets and 15,000 inspectors the latter took some twenty seconds).

use crate::draw::engine::{Constraint, DrawInput, InspectorSnap};
use std::collections::{HashMap, HashSet};

/// How many free (under the cap) inspectors a target may have on its team.
#[derive(Clone)]
struct Counts {
    /// Internal inspectors.
    internal: usize,
    /// Internal and certified on the draw date.
    certified: usize,
    /// Per partner department (in `input.partners` order): its inspectors.
    partners: Vec<usize>,
}

impl Counts {
    fn add(&mut self, i: &InspectorSnap, partners: &[String], sign: isize) {
        let step = |n: &mut usize| *n = n.saturating_add_signed(sign);
        if i.internal {
            step(&mut self.internal);
            if i.certified {
                step(&mut self.certified);
            }
        } else {
            for (k, p) in partners.iter().enumerate() {
                if &i.department == p {
                    step(&mut self.partners[k]);
                }
            }
        }
    }

    /// The first constraint these counts break, in the order the check names them.
    fn problem(&self, internal_slots: usize, partners: &[String]) -> Option<Constraint> {
        if self.certified < 2 {
            return Some(Constraint::NotEnoughCertified);
        }
        if self.internal < internal_slots {
            return Some(Constraint::NotEnoughInspectors);
        }
        partners
            .iter()
            .zip(&self.partners)
            .find(|(_, &n)| n == 0)
            .map(|(p, _)| Constraint::NoPartnerInspector(p.clone()))
    }
}

/// Feasibility without randomness: the rules a draw of `input` can only fail on whatever is
/// picked. Returns the constraint, the target (0 when none) and the row.
pub fn precheck(input: &DrawInput) -> Result<(), (Constraint, u64, String)> {
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
    let free = |i: &&InspectorSnap| i.load < cap;
    let internal_slots = input.team_size.saturating_sub(input.partners.len());
    let partners = &input.partners;
    let mut everyone = Counts {
        internal: 0,
        certified: 0,
        partners: vec![0; partners.len()],
    };
    // The free inspectors by id (an id twice in the input counts twice, as it would on a team).
    let mut by_id: HashMap<u64, Vec<&InspectorSnap>> = HashMap::new();
    for i in input.inspectors.iter().filter(free) {
        everyone.add(i, partners, 1);
        by_id.entry(i.id).or_default().push(i);
    }
    let mut recused: HashMap<u64, HashSet<u64>> = HashMap::new();
    for &(t, i) in &input.recusals {
        recused.entry(t).or_default().insert(i);
    }
    let first_row = |t: u64| {
        input
            .strata
            .iter()
            .find(|s| s.quota > 0 && s.pool.contains(&t))
            .map(|s| s.row.clone())
            .unwrap_or_default()
    };
    let base_problem = everyone.problem(internal_slots, partners);
    // Per target of a pool that is drawn from: its own recusals leave a team?
    for s in input.strata.iter().filter(|s| s.quota > 0) {
        for &t in &s.pool {
            let problem = match recused.get(&t) {
                None => base_problem.clone(),
                Some(out) => {
                    let mut left = everyone.clone();
                    for id in out {
                        for i in by_id.get(id).map(Vec::as_slice).unwrap_or(&[]) {
                            left.add(i, partners, -1);
                        }
                    }
                    left.problem(internal_slots, partners)
                }
            };
            if let Some(c) = problem {
                return Err((c, t, first_row(t)));
            }
        }
    }
    // The internal joint tasks need certified inspectors of two sections.
    if input.internal_joint > 0 {
        let sections: HashSet<&str> = input
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
    let room = |keep: &dyn Fn(&InspectorSnap) -> bool| -> usize {
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
    for p in partners {
        if room(&|i| !i.internal && &i.department == p) < total {
            return Err((Constraint::NoPartnerInspector(p.clone()), 0, String::new()));
        }
    }
    Ok(())
}
