//! Registry prompts (issue 19): a result of 4 通过登记住所（经营场所）无法联系 or 7 未发现开展本次
//! 抽查涉及的经营活动 says the target registry is wrong, and the source requires its dynamic
//! adjustment (根据检查对象存续变动、信息变更、停工停产等情况实施动态调整). The prompt is the
//! status change, prefilled, for the office to confirm: it is never made by itself.

use super::target::{Target, TargetId, TargetStatus};
use super::task::{phrase_text, Task, TaskId};
use crate::i18n::Lang;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The status change a result suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusPrompt {
    pub task: TaskId,
    pub target: TargetId,
    pub name: String,
    pub from: TargetStatus,
    pub to: TargetStatus,
    /// The day the result was determined.
    pub effective: NaiveDate,
    pub reason: String,
}

/// The status a result phrase suggests: 4 (unreachable at the registered place) closed,
/// 7 (no activity of the kind inspected) suspended; none for the others.
pub fn suggested_status(phrase: u8) -> Option<TargetStatus> {
    match phrase {
        4 => Some(TargetStatus::Closed),
        7 => Some(TargetStatus::Suspended),
        _ => None,
    }
}

/// The prompt of task `t` on `target`, when its result suggests a status the target does not
/// have yet.
pub fn status_prompt(t: &Task, target: &Target) -> Option<StatusPrompt> {
    let r = t.result.as_ref()?;
    let to = suggested_status(r.phrase)?;
    (target.status != to).then(|| StatusPrompt {
        task: t.id,
        target: target.id,
        name: target.name().to_string(),
        from: target.status,
        to,
        effective: r.determined,
        reason: format!(
            "任务 #{} 检查结果：{}",
            t.id,
            phrase_text(r.phrase).unwrap_or("")
        ),
    })
}

impl StatusPrompt {
    /// The command that makes the change (`adjust`), quoted for a POSIX shell.
    pub fn command(&self) -> String {
        format!(
            "shuangsui adjust --target {} --status {} --date {} --reason '{}'",
            self.target,
            self.to.label(Lang::Zh),
            self.effective,
            self.reason.replace('\'', "'\\''")
        )
    }

    /// What to confirm, in words.
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!(
                "检查结果提示名录库需要动态调整：检查对象 {} {} 经营状态 {} → {}（自 {} 起）。确认后运行：",
                self.target,
                self.name,
                self.from.label(lang),
                self.to.label(lang),
                self.effective
            ),
            Lang::En => format!(
                "the result says the registry needs adjusting: target {} {} status {} -> {} (from {}). To confirm, run:",
                self.target,
                self.name,
                self.from.label(lang),
                self.to.label(lang),
                self.effective
            ),
        }
    }
}
