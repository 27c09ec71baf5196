//! Table 1 of the source (表一) as data: which stratum (row) a target belongs to, how often the
//! row is drawn and what share of it, and the settings the draws need.
//!
//! The rows live in a TOML file (`fixtures/rules.toml` is the default, embedded with
//! `include_str!` as [`Rules::default_rules`]); its comments explain every field and the
//! precedence. This module reads and checks the file, classifies a [`Target`] (the row that
//! governs it, the other rows it matched and why they lost) and computes quotas.
//!
//! What it does not do: decide whether a target is in the pool at all (closed, out of
//! production season, outside a directed scope); that is the draw's job.
//!
//! Quota arithmetic is exact: ratios are held in basis points (1/100 of a percent) and the
//! number drawn is `ceil(bp × eligible / 10000)` in integers, so 5% of 40 is 2 and of 41 is 3.

use super::period::Cycle;
use super::target::{PermitClass, SupervisionLists, Target};
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;

mod error;
mod load;
pub(crate) use error::{line_of, toml_error_place};
pub use error::{RulesError, RulesErrorKind};

/// A row's id: "A-1" ... "C-4", "R", "P".
pub type RowId = String;

/// Class column of Table 1 (`-` for radiation users and construction projects).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowClass {
    A,
    B,
    C,
    /// `-`: radiation users and construction projects
    None,
}

impl RowClass {
    pub fn parse(s: &str) -> Option<RowClass> {
        match s.trim() {
            "A" | "a" => Some(RowClass::A),
            "B" | "b" => Some(RowClass::B),
            "C" | "c" => Some(RowClass::C),
            "-" | "" | "—" | "none" => Some(RowClass::None),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RowClass::A => "A",
            RowClass::B => "B",
            RowClass::C => "C",
            RowClass::None => "-",
        }
    }
}

/// The source's grouping (二(四)): 重点 / 特殊 / 一般, plus radiation users and construction
/// projects, which are always drawn in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowGroup {
    /// 双随机重点企业 (class A)
    Key,
    /// 双随机特殊企业 (class B)
    Special,
    /// 双随机一般企业 (class C)
    General,
    /// 核技术利用单位 (放射性污染防治, 100%)
    Radiation,
    /// 建设项目 (100%)
    Construction,
}

/// 检查类别: the inspection categories a target can owe visits in. Table 1's rows A-1 … C-4
/// classify pollution sources (one governing row per target); radiation safety and construction
/// projects are categories of their own, owed beside the pollution-source row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 污染源日常监督检查 (rows A-1 … C-4)
    Pollution,
    /// 放射性污染防治监督检查 (核技术利用单位)
    Radiation,
    /// 建设项目监督检查 (环评及"三同时")
    Construction,
}

impl Category {
    pub const ALL: [Category; 3] = [
        Category::Pollution,
        Category::Radiation,
        Category::Construction,
    ];
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Category::Pollution => lang.pick("污染源", "pollution source"),
            Category::Radiation => lang.pick("核技术利用", "radiation"),
            Category::Construction => lang.pick("建设项目", "construction"),
        }
    }
}

impl RowGroup {
    /// The inspection category of the group's rows.
    pub fn category(self) -> Category {
        match self {
            RowGroup::Key | RowGroup::Special | RowGroup::General => Category::Pollution,
            RowGroup::Radiation => Category::Radiation,
            RowGroup::Construction => Category::Construction,
        }
    }

    pub fn parse(s: &str) -> Option<RowGroup> {
        match s.trim() {
            "key" | "重点" => Some(RowGroup::Key),
            "special" | "特殊" => Some(RowGroup::Special),
            "general" | "一般" => Some(RowGroup::General),
            "radiation" | "核技术利用" | "放射性" => Some(RowGroup::Radiation),
            "construction" | "建设项目" => Some(RowGroup::Construction),
            _ => None,
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RowGroup::Key => lang.pick("重点", "key"),
            RowGroup::Special => lang.pick("特殊", "special"),
            RowGroup::General => lang.pick("一般", "general"),
            RowGroup::Radiation => lang.pick("核技术利用", "radiation"),
            RowGroup::Construction => lang.pick("建设项目", "construction"),
        }
    }
}

/// 监管职责: which office draws a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 县（市）区
    County,
    /// 市级
    City,
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.trim() {
            "county" | "县" | "县级" | "县（市）区" => Some(Level::County),
            "city" | "市" | "市级" => Some(Level::City),
            _ => None,
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Level::County => lang.pick("县级", "county"),
            Level::City => lang.pick("市级", "city"),
        }
    }
}

/// What makes a target match a row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Condition {
    /// `permit_class:key|simplified|registration`
    PermitClass(PermitClass),
    /// `list:<flag>`: a supervision-list flag of [`SupervisionLists`] is set.
    List(String),
    /// `radiation_user`
    RadiationUser,
    /// `construction_project`
    ConstructionProject,
    /// `other`: no other row of the office's level matches.
    Other,
}

impl Condition {
    /// Reads the file form; `None` for anything unknown (including an unknown list flag).
    pub fn parse(s: &str) -> Option<Condition> {
        let t = s.trim();
        match t {
            "radiation_user" => return Some(Condition::RadiationUser),
            "construction_project" => return Some(Condition::ConstructionProject),
            "other" => return Some(Condition::Other),
            _ => {}
        }
        let (kind, value) = t.split_once(':')?;
        match kind.trim() {
            "permit_class" => match value.trim() {
                "key" => Some(Condition::PermitClass(PermitClass::Key)),
                "simplified" => Some(Condition::PermitClass(PermitClass::Simplified)),
                "registration" => Some(Condition::PermitClass(PermitClass::Registration)),
                _ => None,
            },
            "list" => {
                let flag = value.trim();
                SupervisionLists::default()
                    .get(flag)
                    .map(|_| Condition::List(flag.to_string()))
            }
            _ => None,
        }
    }

    /// The file form.
    pub fn key(&self) -> String {
        match self {
            Condition::PermitClass(PermitClass::Key) => "permit_class:key".into(),
            Condition::PermitClass(PermitClass::Simplified) => "permit_class:simplified".into(),
            Condition::PermitClass(PermitClass::Registration) => "permit_class:registration".into(),
            Condition::PermitClass(PermitClass::None) => "permit_class:none".into(),
            Condition::List(f) => format!("list:{f}"),
            Condition::RadiationUser => "radiation_user".into(),
            Condition::ConstructionProject => "construction_project".into(),
            Condition::Other => "other".into(),
        }
    }

    /// The fields of `t` that [`Condition::holds`] reads, packed into 11 bits: the permit
    /// class, the seven lists, radiation user, construction project. Targets with the same key
    /// satisfy the same conditions, so they have the same classification and obligations under
    /// any rules (the TUI's filter matches the 规则 column once per key, not once per target).
    /// `holds` must read nothing else.
    pub fn key_of(t: &Target) -> u16 {
        let l = &t.lists;
        let bits = [
            l.mee_provincial_key,
            l.inspection_key,
            l.city_confirmed_key,
            l.kunming_key_discharge,
            l.city_government,
            l.county_government,
            l.concentrated_complaints,
            t.radiation_user,
            t.construction_project,
        ];
        let mut k = t.permit_class as u16;
        for (i, b) in bits.into_iter().enumerate() {
            k |= u16::from(b) << (2 + i);
        }
        k
    }

    /// Whether the target's own fields satisfy the condition. `Other` is never satisfied here:
    /// it depends on the other rows, see [`Rules::classify`].
    pub fn holds(&self, t: &Target) -> bool {
        match self {
            Condition::PermitClass(c) => t.permit_class == *c,
            Condition::List(f) => t.lists.get(f).unwrap_or(false),
            Condition::RadiationUser => t.radiation_user,
            Condition::ConstructionProject => t.construction_project,
            Condition::Other => false,
        }
    }

    /// Why the condition holds, in words: "排污许可管理类别 = 重点管理", "群众集中投诉 = 是".
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Condition::PermitClass(c) => format!(
                "{} = {}",
                lang.pick("排污许可管理类别", "discharge permit class"),
                c.label(lang)
            ),
            Condition::List(f) => {
                let entries = SupervisionLists::default().entries();
                let (zh, en) = entries
                    .iter()
                    .find(|e| e.0 == f)
                    .map(|e| (e.1, e.2))
                    .unwrap_or((f.as_str(), f.as_str()));
                format!("{} = {}", lang.pick(zh, en), lang.pick("是", "yes"))
            }
            Condition::RadiationUser => {
                format!(
                    "{} = {}",
                    lang.pick("核技术利用单位", "nuclear technology user"),
                    lang.pick("是", "yes")
                )
            }
            Condition::ConstructionProject => {
                format!(
                    "{} = {}",
                    lang.pick("建设项目", "construction project"),
                    lang.pick("是", "yes")
                )
            }
            Condition::Other => lang
                .pick(
                    "不符合本级其他任何一类的条件",
                    "matches no other row of this level",
                )
                .to_string(),
        }
    }
}

/// One row of Table 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub id: RowId,
    pub class: RowClass,
    pub group: RowGroup,
    pub name_zh: String,
    pub name_en: String,
    pub short_zh: String,
    pub short_en: String,
    pub cycle: Cycle,
    /// Floor of the ratio, basis points (500 = 5%).
    pub ratio_min_bp: u32,
    /// Top of the ratio range, basis points; equal to `ratio_min_bp` for a fixed-ratio row.
    pub ratio_max_bp: u32,
    pub level: Level,
    pub condition: Condition,
    /// Classes this row leaves out by definition (B-1: A; C-1: A and B).
    pub excludes: Vec<RowClass>,
    /// Lower wins.
    pub priority: u32,
}

fn bp_text(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        format!("{}%", bp / 100)
    } else {
        let frac = format!("{:02}", bp % 100);
        format!("{}.{}%", bp / 100, frac.trim_end_matches('0'))
    }
}

impl Row {
    /// The row's inspection category.
    pub fn category(&self) -> Category {
        self.group.category()
    }
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, &self.name_en)
    }
    pub fn short(&self, lang: Lang) -> &str {
        lang.pick(&self.short_zh, &self.short_en)
    }
    /// A 10-30% row: the plan chooses the ratio.
    pub fn is_range(&self) -> bool {
        self.ratio_min_bp < self.ratio_max_bp
    }
    /// Drawn in full (100%).
    pub fn is_full(&self) -> bool {
        self.ratio_min_bp >= 10_000
    }
    /// "100%", "不低于5%", "10%–30%".
    pub fn ratio_text(&self, lang: Lang) -> String {
        if self.is_full() {
            "100%".into()
        } else if self.is_range() {
            format!(
                "{}–{}",
                bp_text(self.ratio_min_bp),
                bp_text(self.ratio_max_bp)
            )
        } else {
            format!(
                "{}{}",
                lang.pick("不低于", "at least "),
                bp_text(self.ratio_min_bp)
            )
        }
    }

    /// The ratio a draw uses, in basis points. A range row takes the plan's chosen ratio
    /// (percent), which must lie inside the range; without one it takes the floor. A fixed
    /// row ignores the chosen ratio (it belongs to the range row).
    pub fn effective_ratio_bp(&self, chosen_ratio: Option<f64>) -> Result<u32, QuotaError> {
        if !self.is_range() {
            return Ok(self.ratio_min_bp);
        }
        let Some(r) = chosen_ratio else {
            return Ok(self.ratio_min_bp);
        };
        let bp = percent_to_bp(r).ok_or_else(|| QuotaError::BadRatio {
            row: self.id.clone(),
            chosen: r,
        })?;
        if bp < self.ratio_min_bp || bp > self.ratio_max_bp {
            return Err(QuotaError::OutOfRange {
                row: self.id.clone(),
                chosen: r,
                min_bp: self.ratio_min_bp,
                max_bp: self.ratio_max_bp,
            });
        }
        Ok(bp)
    }

    /// Number of targets to draw from `eligible`: `ceil(ratio × eligible)`, all for 100%.
    pub fn quota(&self, eligible: usize, chosen_ratio: Option<f64>) -> Result<usize, QuotaError> {
        let bp = self.effective_ratio_bp(chosen_ratio)?;
        Ok(ceil_share(bp, eligible))
    }
}

/// `ceil(bp × n / 10000)`, capped at `n`, in exact integers.
pub fn ceil_share(bp: u32, n: usize) -> usize {
    let num = u128::from(bp.min(10_000)) * n as u128;
    let q = num.div_ceil(10_000);
    usize::try_from(q).unwrap_or(n).min(n)
}

/// Percent (possibly fractional) to basis points, rounded to the nearest basis point;
/// `None` when negative, above 100 or not a number.
pub fn percent_to_bp(percent: f64) -> Option<u32> {
    if !percent.is_finite() || !(0.0..=100.0).contains(&percent) {
        return None;
    }
    Some((percent * 100.0).round() as u32)
}

/// See [`Row::quota`].
pub fn quota(row: &Row, eligible: usize, chosen_ratio: Option<f64>) -> Result<usize, QuotaError> {
    row.quota(eligible, chosen_ratio)
}

/// A plan's chosen ratio that a row cannot take.
#[derive(Debug, Clone, PartialEq)]
pub enum QuotaError {
    /// Outside the row's range.
    OutOfRange {
        row: RowId,
        chosen: f64,
        min_bp: u32,
        max_bp: u32,
    },
    /// Negative, above 100 or not a number.
    BadRatio { row: RowId, chosen: f64 },
}

impl QuotaError {
    pub fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (QuotaError::OutOfRange { row, chosen, min_bp, max_bp }, Lang::Zh) => format!(
                "{row} 的抽查比例应在 {}–{} 之间，计划选择的是 {chosen}%，请修改计划的抽查比例",
                bp_text(*min_bp),
                bp_text(*max_bp)
            ),
            (QuotaError::OutOfRange { row, chosen, min_bp, max_bp }, Lang::En) => format!(
                "the ratio of {row} must be between {} and {}; the plan chose {chosen}%: change the plan's ratio",
                bp_text(*min_bp),
                bp_text(*max_bp)
            ),
            (QuotaError::BadRatio { row, chosen }, Lang::Zh) => {
                format!("{row} 的抽查比例 {chosen} 无效：应为 0 到 100 之间的百分数")
            }
            (QuotaError::BadRatio { row, chosen }, Lang::En) => {
                format!("the ratio {chosen} for {row} is invalid: give a percent between 0 and 100")
            }
        }
    }
}

impl fmt::Display for QuotaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}
impl std::error::Error for QuotaError {}

/// The draws' parameters, section `[settings]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Which rows this office draws.
    pub office_level: Level,
    /// 内部联合抽查比例不低于 (percent of the year's inspections).
    pub internal_joint_min_percent: u32,
    /// 部门联合: yearly number of draws required.
    pub inter_department_draws_per_year: u32,
    /// 部门联合: yearly number of targets (kept for older files; not a requirement of the
    /// source: the leading group counts draws and departments).
    pub inter_department_targets_per_year: u32,
    /// 部门联合: yearly number of participating departments (检查主体数量) required.
    pub inter_department_departments_per_year: u32,
    /// Inspectors per team (at least 2).
    pub default_team_size: u32,
    /// Most tasks per inspector per `workload_cap_cycle`.
    pub workload_cap: u32,
    pub workload_cap_cycle: Cycle,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            office_level: Level::County,
            internal_joint_min_percent: 3,
            inter_department_draws_per_year: 4,
            inter_department_targets_per_year: 20,
            inter_department_departments_per_year: 2,
            default_team_size: 2,
            workload_cap: 8,
            workload_cap_cycle: Cycle::Quarter,
        }
    }
}

/// Table 1 and the settings, checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// Sorted by priority (the winner first).
    rows: Vec<Row>,
    settings: Settings,
    file: String,
}

/// Why a matched row does not govern the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LostReason {
    /// Key (A) condition against a special (B) or general (C) one: the latter governs (二(四)).
    SpecialOrGeneralPrevails { winner: RowId },
    /// The winner is drawn in full (radiation users, construction projects). Rules files of
    /// this build never produce it: those categories are owed beside the pollution-source row
    /// (see [`Classification::also`]); kept so older explanations still read.
    FullCoverage { winner: RowId },
    /// The row leaves out these classes by definition (B-1 除A类外) and the target is in one,
    /// through row `by`.
    Excluded { classes: Vec<RowClass>, by: RowId },
    /// The row is drawn by an office of another level (A-4 is city-only).
    OtherLevel { level: Level },
    /// The winner comes first in the file's priority order.
    LowerPriority { winner: RowId },
}

/// The outcome of [`Rules::classify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    /// The row the target is drawn under, `None` when no row of this level applies.
    pub governing: Option<RowId>,
    /// Every row whose condition the target meets (the governing one included), in priority
    /// order, with the condition that held.
    pub matched: Vec<(RowId, Condition)>,
    /// The matched rows that do not govern, and why.
    pub lost: Vec<(RowId, LostReason)>,
    /// Rows of the other categories (radiation, construction) the target owes visits under,
    /// beside the governing pollution-source row.
    pub also: Vec<RowId>,
}

impl Rules {
    /// The embedded default (`fixtures/rules.toml`, the 2022 source's county figures).
    pub const DEFAULT_TOML: &'static str = include_str!("../../fixtures/rules.toml");

    /// The embedded default rules. The embedded file is checked by a unit test, so this
    /// cannot fail at run time.
    pub fn default_rules() -> Rules {
        match Rules::from_toml_str(Self::DEFAULT_TOML, "rules.toml") {
            Ok(r) => r,
            // Unreachable: `tests::default_rules_load` parses the same text.
            Err(e) => panic!("embedded rules.toml is invalid: {e}"),
        }
    }

    /// Reads and checks a rules file; `file_name` is used in error messages. The first
    /// problem only: [`Rules::parse_all`] gives every one.
    pub fn from_toml_str(text: &str, file_name: &str) -> Result<Rules, RulesError> {
        Rules::parse_all(text, file_name).map_err(|mut all| all.swap_remove(0))
    }

    /// Reads and checks a rules file: every problem, each with its line and field (a TOML
    /// syntax error stops the reading, so it comes alone). Never an empty list.
    pub fn parse_all(text: &str, file_name: &str) -> Result<Rules, Vec<RulesError>> {
        load::parse_all(text, file_name)
    }

    /// All rows, winner first.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The rows this office draws (its level), winner first.
    pub fn applicable_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows
            .iter()
            .filter(move |r| r.level == self.settings.office_level)
    }

    pub fn row(&self, id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.id == id)
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn file_name(&self) -> &str {
        &self.file
    }

    /// The governing pollution-source row only, without the explanation and without
    /// allocating: the same answer as `classify(target).governing` (a test holds them
    /// together), fast enough to run over a million targets in every draw.
    ///
    /// Only rows of the pollution-source category compete (Table 1 proper); radiation and
    /// construction rows are owed beside it ([`Rules::obligations`]). The `other` row applies
    /// when the target matches no row of this level of any category: a radiation user on no
    /// list owes its radiation inspection only.
    pub fn governing(&self, target: &Target) -> Option<&Row> {
        let level = self.settings.office_level;
        let holds = |r: &Row| r.condition.holds(target);
        let pollution = |r: &Row| r.level == level && r.category() == Category::Pollution;
        let excluded = |r: &Row| {
            !r.excludes.is_empty()
                && pollution(r)
                && self.rows.iter().any(|o| {
                    o.id != r.id && pollution(o) && r.excludes.contains(&o.class) && holds(o)
                })
        };
        if let Some(w) = self
            .rows
            .iter()
            .filter(|r| pollution(r) && holds(r) && !excluded(r))
            .min_by_key(|r| r.priority)
        {
            return Some(w);
        }
        if self.rows.iter().any(|r| r.level == level && holds(r)) {
            return None;
        }
        self.rows
            .iter()
            .find(|r| r.condition == Condition::Other && r.level == level)
    }

    /// The rows `target` owes visits under, one per inspection category that applies to it:
    /// its governing pollution-source row, then the first radiation row and the first
    /// construction row of this level whose condition holds.
    pub fn obligations(&self, target: &Target) -> Vec<&Row> {
        let level = self.settings.office_level;
        let mut out: Vec<&Row> = self.governing(target).into_iter().collect();
        for cat in [Category::Radiation, Category::Construction] {
            if let Some(r) = self
                .rows
                .iter()
                .filter(|r| r.level == level && r.category() == cat && r.condition.holds(target))
                .min_by_key(|r| r.priority)
            {
                out.push(r);
            }
        }
        out
    }

    /// The ids of [`Rules::obligations`] joined with `+` ("B-2+R"), `-` for none.
    pub fn obligation_text(&self, target: &Target) -> String {
        let ids: Vec<&str> = self
            .obligations(target)
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        if ids.is_empty() {
            "-".into()
        } else {
            ids.join("+")
        }
    }

    /// Which pollution-source row governs `target`, the other rows it matched and why each
    /// lost, and the rows of the other categories it also owes visits under.
    ///
    /// 1. Every row whose condition holds is *matched* (rows of another level included, so
    ///    the explanation can show them).
    /// 2. Rows of this level of the radiation and construction categories do not compete:
    ///    they go to `also` (one per category, the first in priority order).
    /// 3. A pollution-source row of this office's level that excludes classes by definition
    ///    (B-1, C-1) drops out when another matched pollution-source row of this level is of
    ///    an excluded class.
    /// 4. If no row of this level is left (of any category), the `other` row of this level
    ///    matches.
    /// 5. The remaining pollution-source row of this level with the lowest priority governs.
    pub fn classify(&self, target: &Target) -> Classification {
        let level = self.settings.office_level;
        let held: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.condition.holds(target))
            .collect();
        let pollution = |r: &Row| r.level == level && r.category() == Category::Pollution;
        let excluded_by = |r: &Row| -> Option<&Row> {
            if r.excludes.is_empty() || !pollution(r) {
                return None;
            }
            held.iter()
                .copied()
                .find(|o| o.id != r.id && pollution(o) && r.excludes.contains(&o.class))
        };
        let mut also: Vec<RowId> = Vec::new();
        let mut also_cats: Vec<Category> = Vec::new();
        for r in &held {
            if r.level == level
                && r.category() != Category::Pollution
                && !also_cats.contains(&r.category())
            {
                also_cats.push(r.category());
                also.push(r.id.clone());
            }
        }
        let mut candidates: Vec<&Row> = held
            .iter()
            .copied()
            .filter(|r| pollution(r) && excluded_by(r).is_none())
            .collect();
        let mut matched: Vec<&Row> = held.clone();
        if candidates.is_empty() && !held.iter().any(|r| r.level == level) {
            if let Some(other) = self
                .rows
                .iter()
                .find(|r| r.condition == Condition::Other && r.level == level)
            {
                candidates.push(other);
                matched.push(other);
                matched.sort_by_key(|r| r.priority);
            }
        }
        let winner = candidates.iter().min_by_key(|r| r.priority).copied();
        let mut lost = Vec::new();
        for r in &matched {
            if winner.is_some_and(|w| w.id == r.id) || also.contains(&r.id) {
                continue;
            }
            let reason = if r.level != level {
                LostReason::OtherLevel { level: r.level }
            } else if let Some(by) = excluded_by(r) {
                LostReason::Excluded {
                    classes: r.excludes.clone(),
                    by: by.id.clone(),
                }
            } else if let Some(w) = winner {
                if r.group == RowGroup::Key
                    && matches!(w.group, RowGroup::Special | RowGroup::General)
                {
                    LostReason::SpecialOrGeneralPrevails {
                        winner: w.id.clone(),
                    }
                } else {
                    LostReason::LowerPriority {
                        winner: w.id.clone(),
                    }
                }
            } else if let Some(first) = also.first() {
                // A second row of a non-pollution category loses to the first of it.
                LostReason::LowerPriority {
                    winner: first.clone(),
                }
            } else {
                // Without a winner only the two reasons above can apply; keep the row visible.
                LostReason::OtherLevel { level: r.level }
            };
            lost.push((r.id.clone(), reason));
        }
        Classification {
            governing: winner.map(|w| w.id.clone()),
            matched: matched
                .iter()
                .map(|r| (r.id.clone(), r.condition.clone()))
                .collect(),
            lost,
            also,
        }
    }

    /// The classification in words, one line per row: the governing row and why, then each
    /// other matched row and why it lost.
    pub fn explain(&self, target: &Target, lang: Lang) -> String {
        let c = self.classify(target);
        let mut out = Vec::new();
        let label = |id: &str| -> String {
            match self.row(id) {
                Some(r) => format!("{} {}", r.id, r.short(lang)),
                None => id.to_string(),
            }
        };
        match c.governing.as_deref().and_then(|id| self.row(id)) {
            Some(w) => {
                let cond = c
                    .matched
                    .iter()
                    .find(|(id, _)| *id == w.id)
                    .map(|(_, cond)| cond.describe(lang))
                    .unwrap_or_default();
                out.push(match lang {
                    Lang::Zh => format!(
                        "适用 {}（{}，{}，{}）：{}",
                        label(&w.id),
                        w.group.label(lang),
                        w.cycle.frequency(lang),
                        w.ratio_text(lang),
                        cond
                    ),
                    Lang::En => format!(
                        "governed by {} ({}, {}, {}): {}",
                        label(&w.id),
                        w.group.label(lang),
                        w.cycle.frequency(lang),
                        w.ratio_text(lang),
                        cond
                    ),
                });
            }
            None if !c.also.is_empty() => out.push(
                lang.pick(
                    "不属于本级污染源分类（表一）",
                    "falls under no pollution-source row (Table 1) at this level",
                )
                .to_string(),
            ),
            None => out.push(
                lang.pick(
                    "不属于本级任何一类抽查对象",
                    "falls under no row drawn at this level",
                )
                .to_string(),
            ),
        }
        for id in &c.also {
            let Some(r) = self.row(id) else { continue };
            out.push(match lang {
                Lang::Zh => format!(
                    "另属检查类别“{}”：{}（{}，{}），与污染源检查分别计算",
                    r.category().label(lang),
                    label(id),
                    r.cycle.frequency(lang),
                    r.ratio_text(lang)
                ),
                Lang::En => format!(
                    "also owes the {} category: {} ({}, {}), counted apart from the pollution-source row",
                    r.category().label(lang),
                    label(id),
                    r.cycle.frequency(lang),
                    r.ratio_text(lang)
                ),
            });
        }
        for (id, reason) in &c.lost {
            let me = label(id);
            let line = match (reason, lang) {
                (LostReason::SpecialOrGeneralPrevails { winner }, Lang::Zh) => format!(
                    "也符合 {me}，但 {} 优先（特殊/一般条件优先于重点条件）",
                    label(winner)
                ),
                (LostReason::SpecialOrGeneralPrevails { winner }, Lang::En) => format!(
                    "also matches {me}, but {} governs (special/general conditions govern over key conditions)",
                    label(winner)
                ),
                (LostReason::FullCoverage { winner }, Lang::Zh) => {
                    format!("也符合 {me}，但 {} 优先（100% 全覆盖检查）", label(winner))
                }
                (LostReason::FullCoverage { winner }, Lang::En) => format!(
                    "also matches {me}, but {} governs (drawn in full, 100%)",
                    label(winner)
                ),
                (LostReason::Excluded { classes, by }, Lang::Zh) => {
                    let cl: Vec<&str> = classes.iter().map(|c| c.label()).collect();
                    format!(
                        "也符合 {me} 的条件，但该类不含 {} 类（已属 {}）",
                        cl.join("、"),
                        label(by)
                    )
                }
                (LostReason::Excluded { classes, by }, Lang::En) => {
                    let cl: Vec<&str> = classes.iter().map(|c| c.label()).collect();
                    format!(
                        "also meets the condition of {me}, but that row leaves out class {} (already {})",
                        cl.join(" and "),
                        label(by)
                    )
                }
                (LostReason::OtherLevel { level }, Lang::Zh) => format!(
                    "也符合 {me}，但该类由{}抽查，本级不抽取",
                    level.label(lang)
                ),
                (LostReason::OtherLevel { level }, Lang::En) => format!(
                    "also matches {me}, but that row is drawn at {} level, not by this office",
                    level.label(lang)
                ),
                (LostReason::LowerPriority { winner }, Lang::Zh) => {
                    format!("也符合 {me}，但 {} 优先（规则顺序在前）", label(winner))
                }
                (LostReason::LowerPriority { winner }, Lang::En) => format!(
                    "also matches {me}, but {} governs (earlier in the rules' order)",
                    label(winner)
                ),
            };
            out.push(line);
        }
        out.join("\n")
    }

    /// See [`Row::quota`]; `None` for an unknown row id.
    pub fn quota(
        &self,
        row: &str,
        eligible: usize,
        chosen_ratio: Option<f64>,
    ) -> Option<Result<usize, QuotaError>> {
        self.row(row).map(|r| r.quota(eligible, chosen_ratio))
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
