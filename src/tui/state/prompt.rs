//! Registry prompts (issue 19): after a result of 无法联系 or 未发现经营活动, the target's
//! status form opens prefilled with the change the result suggests, for the office to confirm
//! (Enter saves it as any status change; Esc leaves the registry as it is).

use super::{AppState, Ctx, Field, Form, FormKind, Overlay, Registry};
use crate::domain::prompt::StatusPrompt;

impl AppState {
    pub(super) fn open_status_prompt(&mut self, p: &StatusPrompt, ctx: &Ctx) {
        let lang = self.lang();
        let registry = Registry::Targets;
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Status {
                registry,
                id: p.target,
                revision: Some(ctx.revisions.rev(registry.tree(), p.target)),
            },
            title: format!(
                "{} {} {} {}",
                lang.pick("名录库动态调整（请确认）", "Adjust the registry (confirm)"),
                self.cfg.symbols.separator,
                p.name,
                p.from.label(lang)
            ),
            fields: vec![
                Field::new(
                    "新状态",
                    "New status",
                    p.to.label(lang),
                    "在产 / 停产 / 关闭".into(),
                ),
                Field::new(
                    "生效日期",
                    "Effective",
                    &p.effective.to_string(),
                    "YYYY-MM-DD".into(),
                ),
                Field::new(
                    "原因",
                    "Reason",
                    &p.reason,
                    lang.pick("必填", "required").into(),
                ),
            ],
            focus: 0,
            error: None,
        }));
    }
}
