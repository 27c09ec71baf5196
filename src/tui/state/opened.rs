//! Records opened in full: a past draw on the draws tab (Enter; `n` starts a new draw) and an
//! audit entry on the audit tab (Enter). ↑/↓ scroll a draw and move between audit entries; Esc
//! returns to the list.

use super::{AppState, Ctx, Effect, Tab};
use crate::tui::action::Action;

/// A past draw opened on the draws tab.
#[derive(Debug, Clone, PartialEq)]
pub struct PastDraw {
    pub id: u64,
    /// The draw recomputed from the stored input and compared with the record.
    pub verified: Result<(), String>,
    pub scroll: usize,
}

impl AppState {
    /// The draws tab's selected draw (the list shows the newest first).
    pub fn selected_draw<'a>(&self, ctx: &Ctx<'a>) -> Option<&'a crate::office::DrawRecord> {
        let n = ctx.book.draws.len();
        n.checked_sub(1 + self.draws.selected)
            .and_then(|i| ctx.book.draws.get(i))
    }

    /// Open, scroll and close a past draw; `None`: not handled here.
    pub(super) fn apply_past_draw(&mut self, action: Action, ctx: &Ctx) -> Option<Effect> {
        if self.tab != Tab::Draws || self.wizard.is_some() {
            return None;
        }
        let page = usize::from(self.size.1.saturating_sub(6).max(1));
        if let Some(p) = self.past_draw.as_mut() {
            match action {
                Action::Cancel | Action::ClearFilter | Action::Select => self.past_draw = None,
                Action::Up => p.scroll = p.scroll.saturating_sub(1),
                Action::Down => p.scroll = (p.scroll + 1).min(10_000),
                Action::PageUp => p.scroll = p.scroll.saturating_sub(page),
                Action::PageDown => p.scroll = (p.scroll + page).min(10_000),
                Action::Top => p.scroll = 0,
                Action::Bottom => p.scroll = 10_000,
                // `v` voids the draw shown; `n` starts a new one.
                Action::VoidDraw | Action::NewDraw => {
                    self.past_draw = None;
                    return None;
                }
                _ => return None,
            }
            return Some(Effect::Redraw);
        }
        if action != Action::Select {
            return None;
        }
        let lang = self.lang();
        match self.selected_draw(ctx) {
            Some(d) => {
                self.past_draw = Some(PastDraw {
                    id: d.id,
                    verified: crate::office::check_draw(d, ctx.book, lang),
                    scroll: 0,
                });
            }
            None => {
                self.message = Some(
                    lang.pick(
                        "还没有抽取记录：按 n 新建抽取",
                        "no draws yet: n starts a new draw",
                    )
                    .into(),
                )
            }
        }
        Some(Effect::Redraw)
    }

    /// Open or close the selected audit entry; `None`: not handled here.
    pub(super) fn apply_audit_entry(&mut self, action: Action) -> Option<Effect> {
        if self.tab != Tab::Audit {
            return None;
        }
        match action {
            Action::Select if !self.audit.entries.is_empty() => self.audit_open = true,
            Action::Cancel | Action::ClearFilter | Action::Detail if self.audit_open => {
                self.audit_open = false
            }
            Action::Detail => self.audit_open = !self.audit.entries.is_empty(),
            // No entry is open: nothing to close.
            Action::Cancel => {}
            _ => return None,
        }
        Some(Effect::Redraw)
    }
}
