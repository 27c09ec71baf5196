//! What is wrong with a rules file, and where (its line, the key).

use super::*;

/// What is wrong with a rules file, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesError {
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field (key) at fault, when known.
    pub field: Option<String>,
    pub kind: RulesErrorKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RulesErrorKind {
    /// TOML syntax or a missing/mistyped field; the parser's own message.
    Syntax(String),
    NoRows,
    EmptyId,
    DuplicateId(String),
    DuplicatePriority {
        priority: u32,
        other: String,
    },
    RatioOutOfRange(f64),
    RatioMinAboveMax {
        min: f64,
        max: f64,
    },
    UnknownCondition(String),
    UnknownCycle(String),
    UnknownClass(String),
    UnknownGroup(String),
    UnknownLevel(String),
    /// A setting outside its allowed values (the text says which).
    BadSetting(String),
    /// More than one `other` row for one level.
    SecondOther(String),
}

impl RulesError {
    pub fn localize(&self, lang: Lang) -> String {
        use RulesErrorKind as K;
        let place = match (self.line, &self.field, lang) {
            (Some(l), Some(f), Lang::Zh) => format!("{} 第 {l} 行，字段 {f}", self.file),
            (Some(l), None, Lang::Zh) => format!("{} 第 {l} 行", self.file),
            (None, Some(f), Lang::Zh) => format!("{}，字段 {f}", self.file),
            (Some(l), Some(f), Lang::En) => format!("{}, line {l}, field {f}", self.file),
            (Some(l), None, Lang::En) => format!("{}, line {l}", self.file),
            (None, Some(f), Lang::En) => format!("{}, field {f}", self.file),
            (None, None, _) => self.file.clone(),
        };
        let what = match (&self.kind, lang) {
            (K::Syntax(m), Lang::Zh) => format!("格式错误：{m}"),
            (K::Syntax(m), Lang::En) => format!("format error: {m}"),
            (K::NoRows, Lang::Zh) => "没有任何 [[rows]] 分层规则".into(),
            (K::NoRows, Lang::En) => "there is no [[rows]] entry".into(),
            (K::EmptyId, Lang::Zh) => "id 不能为空".into(),
            (K::EmptyId, Lang::En) => "id must not be empty".into(),
            (K::DuplicateId(id), Lang::Zh) => format!("id {id:?} 重复出现"),
            (K::DuplicateId(id), Lang::En) => format!("id {id:?} appears twice"),
            (K::DuplicatePriority { priority, other }, Lang::Zh) => {
                format!("优先级 {priority} 与 {other} 相同，优先顺序必须唯一")
            }
            (K::DuplicatePriority { priority, other }, Lang::En) => format!(
                "priority {priority} is the same as {other}'s; priorities must be unique"
            ),
            (K::RatioOutOfRange(r), Lang::Zh) => {
                format!("抽查比例 {r} 超出范围：应为 0 到 100 之间的百分数")
            }
            (K::RatioOutOfRange(r), Lang::En) => {
                format!("ratio {r} is out of range: give a percent between 0 and 100")
            }
            (K::RatioMinAboveMax { min, max }, Lang::Zh) => {
                format!("ratio_min（{min}）大于 ratio_max（{max}）")
            }
            (K::RatioMinAboveMax { min, max }, Lang::En) => {
                format!("ratio_min ({min}) is greater than ratio_max ({max})")
            }
            (K::UnknownCondition(c), Lang::Zh) => format!(
                "无法识别的条件 {c:?}：可用 permit_class:key|simplified|registration、list:<名录标识>、radiation_user、construction_project、other"
            ),
            (K::UnknownCondition(c), Lang::En) => format!(
                "unknown condition {c:?}: use permit_class:key|simplified|registration, list:<flag>, radiation_user, construction_project or other"
            ),
            (K::UnknownCycle(c), Lang::Zh) => {
                format!("无法识别的检查频次 {c:?}：可用 quarter、half、year")
            }
            (K::UnknownCycle(c), Lang::En) => {
                format!("unknown cycle {c:?}: use quarter, half or year")
            }
            (K::UnknownClass(c), Lang::Zh) => format!("无法识别的类别 {c:?}：可用 A、B、C、-"),
            (K::UnknownClass(c), Lang::En) => format!("unknown class {c:?}: use A, B, C or -"),
            (K::UnknownGroup(g), Lang::Zh) => format!(
                "无法识别的分组 {g:?}：可用 key、special、general、radiation、construction"
            ),
            (K::UnknownGroup(g), Lang::En) => format!(
                "unknown group {g:?}: use key, special, general, radiation or construction"
            ),
            (K::UnknownLevel(l), Lang::Zh) => format!("无法识别的监管层级 {l:?}：可用 county、city"),
            (K::UnknownLevel(l), Lang::En) => format!("unknown level {l:?}: use county or city"),
            (K::BadSetting(m), _) => m.clone(),
            (K::SecondOther(id), Lang::Zh) => {
                format!("同一层级只能有一个 other 条件的分层，{id} 之前已有一个")
            }
            (K::SecondOther(id), Lang::En) => {
                format!("only one row per level may have the condition other; one comes before {id}")
            }
        };
        format!("{place}{}{what}", lang.pick("：", ": "))
    }
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.localize(Lang::En))
    }
}
impl std::error::Error for RulesError {}

/// 1-based line of a byte offset in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// For a TOML parse error: (line, field). The field is the key written on the error's line
/// (`key = value`), or the name in the parser's message ("missing field `cycle`").
pub(crate) fn toml_error_place(text: &str, e: &toml::de::Error) -> (Option<usize>, Option<String>) {
    let line = e.span().map(|s| line_of(text, s.start));
    let from_message = e
        .message()
        .split('`')
        .nth(1)
        .filter(|f| !f.is_empty() && e.message().contains("field"))
        .map(str::to_string);
    let from_line = line.and_then(|l| {
        let src = text.lines().nth(l - 1)?;
        let (key, _) = src.split_once('=')?;
        let key = key.trim();
        (!key.is_empty() && !key.starts_with('#') && !key.starts_with('['))
            .then(|| key.trim_matches('"').to_string())
    });
    (line, from_message.or(from_line))
}
