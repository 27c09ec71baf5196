//! The attempts that did not become a standing draw (issue 13): voided draws, abandoned
//! announcements and infeasible attempts of a period, for the dashboard (`status`, the TUI)
//! and the quarterly workbook. "Every attempt is on record" and in the figures.

use super::announce::AttemptState;
use super::Office;
use crate::domain::Period;
use crate::i18n::Lang;
use serde::{Deserialize, Serialize};

/// One attempt: a voided draw (`number` is the draw) or an abandoned or infeasible
/// announcement (`number` is the announcement).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptItem {
    /// `voided`, `abandoned` or `infeasible`.
    pub kind: String,
    pub number: u64,
    pub plan: u64,
    pub period: String,
    /// Who voided, abandoned (announced the successor) or ran the failed draw, and when.
    pub by: String,
    pub time: String,
    /// The reason of a void, the announcement that replaced an abandoned one, the constraint
    /// an infeasible draw failed, in the office's language.
    pub detail: String,
}

/// The period's attempts, each list in number order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttemptFigures {
    pub voided: Vec<AttemptItem>,
    pub abandoned: Vec<AttemptItem>,
    pub infeasible: Vec<AttemptItem>,
}

impl AttemptFigures {
    pub fn is_empty(&self) -> bool {
        self.voided.is_empty() && self.abandoned.is_empty() && self.infeasible.is_empty()
    }

    /// Every item: the voided draws, then the abandoned and the infeasible announcements.
    pub fn all(&self) -> impl Iterator<Item = &AttemptItem> {
        self.voided
            .iter()
            .chain(&self.abandoned)
            .chain(&self.infeasible)
    }

    /// "作废 1，放弃 0，无法抽取 2".
    pub fn summary(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "作废 {}，放弃公告 {}，无法抽取 {}",
                self.voided.len(),
                self.abandoned.len(),
                self.infeasible.len()
            ),
            Lang::En => format!(
                "voided {}, abandoned {}, infeasible {}",
                self.voided.len(),
                self.abandoned.len(),
                self.infeasible.len()
            ),
        }
    }
}

/// The kind's label.
pub fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "voided" => lang.pick("作废", "voided"),
        "abandoned" => lang.pick("放弃公告", "abandoned"),
        _ => lang.pick("无法抽取", "infeasible"),
    }
}

fn starts_in(period: Period, text: &str) -> bool {
    Period::parse(text).is_ok_and(|p| period.contains(p.start()))
}

impl Office {
    /// The voided draws and the abandoned and infeasible announcements whose period starts
    /// within `period`.
    pub fn attempts(&self, period: Period) -> AttemptFigures {
        let lang = self.lang();
        let book = self.book();
        let mut out = AttemptFigures::default();
        for d in book.draws.iter().filter(|d| starts_in(period, &d.period)) {
            if let Some(v) = &d.voided {
                out.voided.push(AttemptItem {
                    kind: "voided".into(),
                    number: d.id,
                    plan: d.plan,
                    period: d.period.clone(),
                    by: v.by.clone(),
                    time: v.time.clone(),
                    detail: v.reason.clone(),
                });
            }
        }
        for a in book
            .announcements
            .iter()
            .filter(|a| starts_in(period, &a.period))
        {
            let item = |kind: &str, by: &str, time: &str, detail: String| AttemptItem {
                kind: kind.into(),
                number: a.id,
                plan: a.plan,
                period: a.period.clone(),
                by: by.into(),
                time: time.into(),
                detail,
            };
            match &a.state {
                AttemptState::Abandoned {
                    by,
                    time,
                    successor,
                } => out.abandoned.push(item(
                    "abandoned",
                    by,
                    time,
                    match lang {
                        Lang::Zh => format!("由公告 #{successor} 取代"),
                        Lang::En => format!("replaced by announcement #{successor}"),
                    },
                )),
                AttemptState::Infeasible {
                    constraint,
                    by,
                    time,
                    ..
                } => out
                    .infeasible
                    .push(item("infeasible", by, time, constraint.localize(lang))),
                AttemptState::Announced | AttemptState::Committed { .. } => {}
            }
        }
        out.voided.sort_by_key(|i| i.number);
        out.abandoned.sort_by_key(|i| i.number);
        out.infeasible.sort_by_key(|i| i.number);
        out
    }
}
