//! The stored shapes of format 1 (the first release), read by [`Stored::from_v1`] and turned
//! into today's types. Frozen: never edit a struct here; a later change of shape adds a format
//! and its own legacy structs (docs/ARCHITECTURE.md, "Stored formats").
//!
//! Format 2 added, at the end of each: `Task::merged`, `DrawInput::draw2` and
//! `DrawOutcome::merges` (one visit per target and period, `shuangsui-draw-2`). A format-1
//! record gets them empty, which is what it meant: a `shuangsui-draw-1` draw merged nothing.

use super::announce::{Announcement, AttemptState};
use super::book::{DrawRecord, Voided};
use super::{DrawPreview, DrawRequest};
use crate::domain::inspector::{Department, Inspector, RecusalPair};
use crate::domain::plan::{InspectionMethod, JointKind, Plan};
use crate::domain::target::Target;
use crate::domain::task::{CheckStep, FollowUp, Publication, ResultStep, Task};
use crate::draw::engine::{DrawInput, DrawOutcome, InspectorSnap, StratumInput, TaskDraft};
use crate::store::codec::{decode_v1_as, CodecError, Stored};
use chrono::NaiveDate;
use serde::Deserialize;

crate::stored_unchanged!(
    Vec<Target>,
    Inspector,
    Department,
    RecusalPair,
    Plan,
    super::rules::Version,
);

impl Stored for Task {
    fn from_v1(body: &[u8]) -> Result<Self, CodecError> {
        decode_v1_as::<TaskV1, _>(body)
    }
}

impl Stored for DrawRecord {
    fn from_v1(body: &[u8]) -> Result<Self, CodecError> {
        decode_v1_as::<DrawRecordV1, _>(body)
    }
}

impl Stored for Announcement {
    fn from_v1(body: &[u8]) -> Result<Self, CodecError> {
        decode_v1_as::<AnnouncementV1, _>(body)
    }
}

#[derive(Deserialize)]
struct TaskV1 {
    id: u64,
    draw: u64,
    plan: u64,
    period: String,
    target: u64,
    row: String,
    team: Vec<u64>,
    internal_joint: bool,
    partners: Vec<String>,
    method: InspectionMethod,
    relaxed_last_team: bool,
    voided: bool,
    check: Option<CheckStep>,
    result: Option<ResultStep>,
    publication: Option<Publication>,
    follow_up: FollowUp,
}

impl From<TaskV1> for Task {
    fn from(t: TaskV1) -> Task {
        Task {
            id: t.id,
            draw: t.draw,
            plan: t.plan,
            period: t.period.into(),
            target: t.target,
            row: t.row.into(),
            team: t.team,
            internal_joint: t.internal_joint,
            partners: t.partners,
            method: t.method,
            relaxed_last_team: t.relaxed_last_team,
            voided: t.voided,
            check: t.check.map(Box::new),
            result: t.result.map(Box::new),
            publication: t.publication.map(Box::new),
            follow_up: t.follow_up,
            merged: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct DrawInputV1 {
    strata: Vec<StratumInput>,
    internal_joint: usize,
    inspectors: Vec<InspectorSnap>,
    recusals: Vec<(u64, u64)>,
    last_teams: Vec<(u64, Vec<u64>)>,
    team_size: usize,
    partners: Vec<String>,
    workload_cap: u32,
}

impl From<DrawInputV1> for DrawInput {
    fn from(i: DrawInputV1) -> DrawInput {
        DrawInput {
            strata: i.strata,
            internal_joint: i.internal_joint,
            inspectors: i.inspectors,
            recusals: i.recusals,
            last_teams: i.last_teams,
            team_size: i.team_size,
            partners: i.partners,
            workload_cap: i.workload_cap,
            draw2: None,
        }
    }
}

#[derive(Deserialize)]
struct DrawOutcomeV1 {
    picks: Vec<(String, Vec<u64>)>,
    tasks: Vec<TaskDraft>,
    words_consumed: u64,
}

impl From<DrawOutcomeV1> for DrawOutcome {
    fn from(o: DrawOutcomeV1) -> DrawOutcome {
        DrawOutcome {
            picks: o.picks,
            tasks: o.tasks,
            words_consumed: o.words_consumed,
            merges: Vec::new(),
        }
    }
}

#[derive(Deserialize)]
struct DrawRecordV1 {
    id: u64,
    plan: u64,
    plan_name: String,
    period: String,
    date: NaiveDate,
    time: String,
    operator: String,
    scope: String,
    inspector_scope: String,
    joint: JointKind,
    entropy: Option<[u8; 32]>,
    witness: String,
    seed: [u8; 32],
    algorithm: String,
    pool_hash: [u8; 32],
    input: DrawInputV1,
    outcome: DrawOutcomeV1,
    tasks: Vec<u64>,
    year_before: (usize, usize),
    year_after: (usize, usize),
    voided: Option<Voided>,
}

impl From<DrawRecordV1> for DrawRecord {
    fn from(d: DrawRecordV1) -> DrawRecord {
        DrawRecord {
            id: d.id,
            plan: d.plan,
            plan_name: d.plan_name,
            period: d.period,
            date: d.date,
            time: d.time,
            operator: d.operator,
            scope: d.scope,
            inspector_scope: d.inspector_scope,
            joint: d.joint,
            entropy: d.entropy,
            witness: d.witness,
            seed: d.seed,
            algorithm: d.algorithm,
            pool_hash: d.pool_hash,
            input: std::sync::Arc::new(d.input.into()),
            outcome: d.outcome.into(),
            tasks: d.tasks,
            year_before: d.year_before,
            year_after: d.year_after,
            voided: d.voided,
        }
    }
}

#[derive(Deserialize)]
struct AnnouncementV1 {
    id: u64,
    plan: u64,
    plan_name: String,
    period: String,
    request: DrawRequest,
    time: String,
    operator: String,
    source: String,
    reason: Option<String>,
    replaces: Option<u64>,
    preview: DrawPreview,
    input: DrawInputV1,
    input_hash: [u8; 32],
    algorithm: String,
    entropy: [u8; 32],
    commitment: [u8; 32],
    state: AttemptState,
}

impl From<AnnouncementV1> for Announcement {
    fn from(a: AnnouncementV1) -> Announcement {
        Announcement {
            id: a.id,
            plan: a.plan,
            plan_name: a.plan_name,
            period: a.period,
            request: a.request,
            time: a.time,
            operator: a.operator,
            source: a.source,
            reason: a.reason,
            replaces: a.replaces,
            preview: a.preview,
            input: std::sync::Arc::new(a.input.into()),
            input_hash: a.input_hash,
            algorithm: a.algorithm,
            entropy: a.entropy,
            commitment: a.commitment,
            state: a.state,
        }
    }
}
