//! Reading a rules file: TOML to checked [`Rules`], every problem with its line and field.
//!
//! A syntax error (or a missing or mistyped field) stops the TOML reader, so it comes alone;
//! every other problem is collected: a file with two bad ratios and an unknown condition is
//! refused with all three, each naming its line and field.

use super::*;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: Option<RawSettings>,
    #[serde(default)]
    rows: Vec<Spanned<RawRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    office_level: Option<Spanned<String>>,
    internal_joint_min_percent: Option<Spanned<i64>>,
    inter_department_draws_per_year: Option<Spanned<i64>>,
    inter_department_targets_per_year: Option<Spanned<i64>>,
    inter_department_departments_per_year: Option<Spanned<i64>>,
    default_team_size: Option<Spanned<i64>>,
    workload_cap: Option<Spanned<i64>>,
    workload_cap_cycle: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    id: Spanned<String>,
    class: Spanned<String>,
    group: Spanned<String>,
    name_zh: String,
    name_en: String,
    #[serde(default)]
    short_zh: Option<String>,
    #[serde(default)]
    short_en: Option<String>,
    cycle: Spanned<String>,
    ratio_min: Spanned<f64>,
    #[serde(default)]
    ratio_max: Option<Spanned<f64>>,
    level: Spanned<String>,
    condition: Spanned<String>,
    #[serde(default)]
    excludes: Option<Spanned<Vec<String>>>,
    priority: Spanned<i64>,
}

fn semantic(
    file: &str,
    text: &str,
    span: std::ops::Range<usize>,
    field: &str,
    kind: RulesErrorKind,
) -> RulesError {
    RulesError {
        file: file.to_string(),
        line: Some(line_of(text, span.start)),
        field: Some(field.to_string()),
        kind,
    }
}

/// The problems found so far, and where.
struct Problems<'a> {
    file: &'a str,
    text: &'a str,
    all: Vec<RulesError>,
}

impl Problems<'_> {
    fn at(&mut self, span: std::ops::Range<usize>, field: &str, kind: RulesErrorKind) {
        let e = semantic(self.file, self.text, span, field, kind);
        self.all.push(e);
    }

    /// A parsed field, or the problem recorded and `None`.
    fn parsed<T>(
        &mut self,
        v: &Spanned<String>,
        field: &str,
        parse: impl Fn(&str) -> Option<T>,
        kind: impl Fn(String) -> RulesErrorKind,
    ) -> Option<T> {
        let out = parse(v.get_ref());
        if out.is_none() {
            self.at(v.span(), field, kind(v.get_ref().clone()));
        }
        out
    }

    /// A whole-number setting inside `min..=max` (`default` when absent or wrong).
    fn setting(
        &mut self,
        v: &Option<Spanned<i64>>,
        field: &str,
        range: (i64, i64),
        default: u32,
    ) -> u32 {
        let Some(v) = v else { return default };
        let n = *v.get_ref();
        let (min, max) = range;
        if n < min || n > max {
            let msg = format!(
                "{field} = {n}: 应在 {min} 到 {max} 之间 / must be between {min} and {max}"
            );
            self.at(v.span(), field, RulesErrorKind::BadSetting(msg));
            return default;
        }
        n as u32
    }

    /// A percent as basis points.
    fn ratio(&mut self, v: &Spanned<f64>, field: &str) -> Option<u32> {
        let pct = *v.get_ref();
        let bp = percent_to_bp(pct);
        if bp.is_none() {
            self.at(v.span(), field, RulesErrorKind::RatioOutOfRange(pct));
        }
        bp
    }
}

fn settings_of(p: &mut Problems<'_>, s: Option<RawSettings>) -> Settings {
    let d = Settings::default();
    let Some(s) = s else { return d };
    let office_level = match &s.office_level {
        None => d.office_level,
        Some(v) => p
            .parsed(
                v,
                "office_level",
                Level::parse,
                RulesErrorKind::UnknownLevel,
            )
            .unwrap_or(d.office_level),
    };
    let workload_cap_cycle = match &s.workload_cap_cycle {
        None => d.workload_cap_cycle,
        Some(v) => p
            .parsed(
                v,
                "workload_cap_cycle",
                Cycle::parse,
                RulesErrorKind::UnknownCycle,
            )
            .unwrap_or(d.workload_cap_cycle),
    };
    Settings {
        office_level,
        internal_joint_min_percent: p.setting(
            &s.internal_joint_min_percent,
            "internal_joint_min_percent",
            (0, 100),
            d.internal_joint_min_percent,
        ),
        inter_department_draws_per_year: p.setting(
            &s.inter_department_draws_per_year,
            "inter_department_draws_per_year",
            (0, 10_000),
            d.inter_department_draws_per_year,
        ),
        inter_department_targets_per_year: p.setting(
            &s.inter_department_targets_per_year,
            "inter_department_targets_per_year",
            (0, 1_000_000),
            d.inter_department_targets_per_year,
        ),
        inter_department_departments_per_year: p.setting(
            &s.inter_department_departments_per_year,
            "inter_department_departments_per_year",
            (0, 10_000),
            d.inter_department_departments_per_year,
        ),
        // 二(八) and the house rule: a team has at least two inspectors.
        default_team_size: p.setting(
            &s.default_team_size,
            "default_team_size",
            (2, 20),
            d.default_team_size,
        ),
        workload_cap: p.setting(&s.workload_cap, "workload_cap", (1, 10_000), d.workload_cap),
        workload_cap_cycle,
    }
}

/// One row, checked against the rows before it; `None` when it has a problem (recorded).
fn row_of(p: &mut Problems<'_>, r: RawRow, before: &[Row]) -> Option<Row> {
    let problems = p.all.len();
    let id = r.id.get_ref().trim().to_string();
    if id.is_empty() {
        p.at(r.id.span(), "id", RulesErrorKind::EmptyId);
    } else if before.iter().any(|x| x.id == id) {
        p.at(r.id.span(), "id", RulesErrorKind::DuplicateId(id.clone()));
    }
    use RulesErrorKind as K;
    let class = p.parsed(&r.class, "class", RowClass::parse, K::UnknownClass);
    let group = p.parsed(&r.group, "group", RowGroup::parse, K::UnknownGroup);
    let cycle = p.parsed(&r.cycle, "cycle", Cycle::parse, K::UnknownCycle);
    let level = p.parsed(&r.level, "level", Level::parse, K::UnknownLevel);
    let condition = p.parsed(
        &r.condition,
        "condition",
        Condition::parse,
        K::UnknownCondition,
    );
    let ratio_min_bp = p.ratio(&r.ratio_min, "ratio_min");
    let ratio_max_bp = match &r.ratio_max {
        None => ratio_min_bp,
        Some(m) => {
            let bp = p.ratio(m, "ratio_max");
            if let (Some(max), Some(min)) = (bp, ratio_min_bp) {
                if max < min {
                    let kind = RulesErrorKind::RatioMinAboveMax {
                        min: *r.ratio_min.get_ref(),
                        max: *m.get_ref(),
                    };
                    p.at(m.span(), "ratio_max", kind);
                }
            }
            bp
        }
    };
    let mut excludes = Vec::new();
    if let Some(ex) = &r.excludes {
        for c in ex.get_ref() {
            match RowClass::parse(c) {
                Some(cls) => excludes.push(cls),
                None => p.at(
                    ex.span(),
                    "excludes",
                    RulesErrorKind::UnknownClass(c.clone()),
                ),
            }
        }
    }
    let n = *r.priority.get_ref();
    let priority = u32::try_from(n).ok();
    match priority {
        None => p.at(
            r.priority.span(),
            "priority",
            RulesErrorKind::BadSetting(format!(
                "priority = {n}: 应为非负整数 / must be a whole number >= 0"
            )),
        ),
        Some(pr) => {
            if let Some(other) = before.iter().find(|x| x.priority == pr) {
                let kind = RulesErrorKind::DuplicatePriority {
                    priority: pr,
                    other: other.id.clone(),
                };
                p.at(r.priority.span(), "priority", kind);
            }
        }
    }
    if let (Some(Condition::Other), Some(level)) = (&condition, level) {
        if before
            .iter()
            .any(|x| x.condition == Condition::Other && x.level == level)
        {
            let kind = RulesErrorKind::SecondOther(id.clone());
            p.at(r.condition.span(), "condition", kind);
        }
    }
    if p.all.len() > problems {
        return None;
    }
    Some(Row {
        short_zh: r.short_zh.unwrap_or_else(|| r.name_zh.clone()),
        short_en: r.short_en.unwrap_or_else(|| r.name_en.clone()),
        id,
        class: class?,
        group: group?,
        name_zh: r.name_zh,
        name_en: r.name_en,
        cycle: cycle?,
        ratio_min_bp: ratio_min_bp?,
        ratio_max_bp: ratio_max_bp?,
        level: level?,
        condition: condition?,
        excludes,
        priority: priority?,
    })
}

pub(super) fn parse_all(text: &str, file_name: &str) -> Result<Rules, Vec<RulesError>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let (line, field) = toml_error_place(text, &e);
        vec![RulesError {
            file: file_name.to_string(),
            line,
            field,
            kind: RulesErrorKind::Syntax(e.message().trim().to_string()),
        }]
    })?;
    let mut p = Problems {
        file: file_name,
        text,
        all: Vec::new(),
    };
    let settings = settings_of(&mut p, raw.settings);
    if raw.rows.is_empty() {
        p.all.push(RulesError {
            file: file_name.to_string(),
            line: None,
            field: Some("rows".into()),
            kind: RulesErrorKind::NoRows,
        });
    }
    let mut rows: Vec<Row> = Vec::with_capacity(raw.rows.len());
    for spanned in raw.rows {
        if let Some(row) = row_of(&mut p, spanned.into_inner(), &rows) {
            rows.push(row);
        }
    }
    if !p.all.is_empty() {
        return Err(p.all);
    }
    rows.sort_by_key(|r| r.priority);
    Ok(Rules {
        rows,
        settings,
        file: file_name.to_string(),
    })
}
