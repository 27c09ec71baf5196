//! The task list of the tasks tab (5 任务进度): the `/` filter (an AND of space-separated
//! terms over the number, target, credit code, address, row, team, method, step and 逾期),
//! the sort (`o`, `O`), "mine" (`m`: the tasks whose team holds the inspector mapped to the
//! user) and the detail of one task (Enter), which shows every step and the audit entries that
//! wrote the task.

use super::{AppState, Ctx, Effect, Op, Tab};
use crate::domain::task::Task;
use crate::i18n::Lang;
use crate::office::belongs_to;
use crate::store::audit::AuditEntry;
use crate::tui::action::Action;

/// The task list's columns (zh, en), in sort order.
pub const TASK_COLUMNS: [(&str, &str); 7] = [
    ("编号", "No."),
    ("检查对象", "Target"),
    ("分层", "Row"),
    ("检查组", "Team"),
    ("方式", "Method"),
    ("进度", "Step"),
    ("逾期", "Late"),
];

/// Whether every space-separated term of `query` occurs in one of `fields` (ASCII letters
/// case-insensitive). The empty query matches everything.
pub fn all_terms(query: &str, fields: &[&str]) -> bool {
    let lower: Vec<String> = fields.iter().map(|f| f.to_lowercase()).collect();
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .all(|term| lower.iter().any(|f| f.contains(&term)))
}

/// The audit entries (of those read) that wrote task `id` (alone, or in the chunk of tasks its
/// draw wrote), oldest first.
pub fn task_audit(entries: &[AuditEntry], id: u64) -> Vec<&AuditEntry> {
    let key = id.to_be_bytes();
    let wrote = |w: &crate::store::audit::WriteDigest| match w.tree.as_str() {
        "tasks" => w.key == key,
        "task_chunks" => crate::store::task_chunk_range(&w.key)
            .is_some_and(|(first, last)| (first..=last).contains(&id)),
        _ => false,
    };
    let mut v: Vec<&AuditEntry> = entries
        .iter()
        .filter(|e| e.writes.iter().any(wrote))
        .collect();
    v.sort_by_key(|e| e.seq);
    v
}

impl AppState {
    /// The tasks marked overdue in the figures read last.
    pub fn overdue_tasks(&self) -> Vec<u64> {
        self.figures
            .data
            .as_ref()
            .map(|d| d.due.iter().filter(|x| x.overdue).map(|x| x.task).collect())
            .unwrap_or_default()
    }

    /// The inspector mapped to the user (by certificate number), if any.
    pub fn my_inspector(&self, ctx: &Ctx) -> Option<u64> {
        let cert = self.cfg.me.as_deref()?;
        ctx.data
            .inspectors
            .iter()
            .find(|p| p.certificate_no == cert)
            .map(|p| p.id)
    }

    /// The texts a filter term is looked for in, for one task.
    fn task_fields(&self, t: &Task, ctx: &Ctx, overdue: bool) -> Vec<String> {
        let mut f = vec![format!("#{}", t.id), t.row.to_string()];
        if let Some(x) = ctx.data.target(t.target) {
            f.extend([
                x.name().to_string(),
                x.credit_code.as_str().to_string(),
                x.address().to_string(),
                x.region.to_string(),
            ]);
        }
        for m in &t.team {
            if let Some(p) = ctx.data.inspector(*m) {
                f.extend([p.name.clone(), p.certificate_no.clone()]);
            }
        }
        let method = t.check.as_ref().map_or(t.method, |c| c.method);
        for lang in [Lang::Zh, Lang::En] {
            f.push(method.label(lang).to_string());
            f.push(super::step_label(t, lang).to_string());
        }
        if overdue {
            f.extend(["逾期".to_string(), "overdue".to_string()]);
        }
        f
    }

    /// The tasks of the tasks tab: the period's (or one inspector's, or mine), filtered by the
    /// `/` terms and sorted by the chosen column (natural order: by number).
    pub fn visible_tasks<'a>(&self, ctx: &Ctx<'a>) -> Vec<&'a Task> {
        let period = self.figures.period;
        let mine = if self.tasks.mine {
            self.my_inspector(ctx)
        } else {
            None
        };
        let overdue = self.overdue_tasks();
        let query = self.tasks.filter.text().trim().to_string();
        let mut v: Vec<&'a Task> = ctx
            .book
            .tasks
            .iter()
            .filter(|t| belongs_to(t, period))
            .filter(|t| self.tasks.inspector.is_none_or(|i| t.team.contains(&i)))
            .filter(|t| !self.tasks.mine || mine.is_some_and(|i| t.team.contains(&i)))
            .filter(|t| {
                query.is_empty() || {
                    let fields = self.task_fields(t, ctx, overdue.contains(&t.id));
                    let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
                    all_terms(&query, &refs)
                }
            })
            .collect();
        if let Some(col) = self.tasks.sort_col {
            let lang = self.lang();
            let name = |t: &Task| -> String {
                match col {
                    1 => ctx
                        .data
                        .target(t.target)
                        .map(|x| x.name().to_string())
                        .unwrap_or_default(),
                    2 => t.row.to_string(),
                    3 => t
                        .team
                        .iter()
                        .filter_map(|m| ctx.data.inspector(*m).map(|p| p.name.clone()))
                        .collect::<Vec<_>>()
                        .join("、"),
                    4 => t
                        .check
                        .as_ref()
                        .map_or(t.method, |c| c.method)
                        .label(lang)
                        .to_string(),
                    5 => format!("{:?}", step_rank(t)),
                    6 => (if overdue.contains(&t.id) { "0" } else { "1" }).to_string(),
                    _ => format!("{:020}", t.id),
                }
            };
            v.sort_by_cached_key(|t| name(t));
            if self.tasks.sort_rev {
                v.reverse();
            }
        }
        v
    }

    /// The task of the open detail.
    pub fn detail_task<'a>(&self, ctx: &Ctx<'a>) -> Option<&'a Task> {
        let id = self.tasks.detail?;
        ctx.book.tasks.iter().find(|t| t.id == id)
    }

    /// Actions of the task list (not the per-inspector progress); `None`: not handled here.
    pub(super) fn apply_tasks(&mut self, action: Action, ctx: &Ctx) -> Option<Effect> {
        if self.tab != Tab::Tasks || self.tasks.progress {
            return None;
        }
        let lang = self.lang();
        if self.tasks.detail.is_some() {
            let page = usize::from(self.size.1.saturating_sub(6).max(1));
            let s = &mut self.tasks.detail_scroll;
            match action {
                Action::Cancel | Action::ClearFilter | Action::Detail | Action::Select => {
                    self.tasks.detail = None;
                    self.tasks.detail_scroll = 0;
                }
                // The list's own keys close the task and act on the list.
                Action::Filter | Action::SortNextColumn | Action::SortReverse | Action::Mine => {
                    self.tasks.detail = None;
                    self.tasks.detail_scroll = 0;
                    return self.apply_tasks(action, ctx);
                }
                Action::Up => *s = s.saturating_sub(1),
                Action::Down => *s = (*s + 1).min(500),
                Action::PageUp => *s = s.saturating_sub(page),
                Action::PageDown => *s = (*s + page).min(500),
                Action::Top => *s = 0,
                Action::Bottom => *s = 500,
                // The step keys work on the task shown.
                _ => return None,
            }
            return Some(Effect::Redraw);
        }
        match action {
            Action::Filter => self.filtering = true,
            Action::ClearFilter | Action::Cancel if !self.tasks.filter.is_empty() => {
                self.tasks.filter.clear();
                self.tasks.selected = 0;
            }
            Action::SortNextColumn | Action::SortReverse => {
                if action == Action::SortNextColumn {
                    self.tasks.sort_col = Some(match self.tasks.sort_col {
                        None => 0,
                        Some(c) => (c + 1) % TASK_COLUMNS.len(),
                    });
                    self.tasks.sort_rev = false;
                } else {
                    self.tasks.sort_col.get_or_insert(0);
                    self.tasks.sort_rev = !self.tasks.sort_rev;
                }
                let col = TASK_COLUMNS[self.tasks.sort_col.unwrap_or(0)];
                self.message = Some(format!(
                    "{}{}{}",
                    lang.pick("排序：", "sorted by "),
                    lang.pick(col.0, col.1),
                    if self.tasks.sort_rev {
                        lang.pick("（倒序）", " (descending)")
                    } else {
                        ""
                    }
                ));
            }
            Action::Mine => {
                if self.my_inspector(ctx).is_none() {
                    self.message = Some(
                        lang.pick(
                            "当前用户未对应任何检查人员（角色文件 [inspectors] 中按执法证号填写）",
                            "the user is not mapped to an inspector (the roles file's [inspectors], by certificate number)",
                        )
                        .into(),
                    );
                } else {
                    self.tasks.mine = !self.tasks.mine;
                    self.tasks.inspector = None;
                    self.tasks.selected = 0;
                }
            }
            Action::Select => {
                let id = self
                    .visible_tasks(ctx)
                    .get(self.tasks.selected)
                    .map(|t| t.id);
                match id {
                    Some(id) => {
                        self.tasks.detail = Some(id);
                        self.tasks.detail_scroll = 0;
                        // The audit entries that wrote the task.
                        return Some(Effect::Op(Op::OpenAudit));
                    }
                    None => {
                        self.message =
                            Some(lang.pick("请先选择一个任务", "select a task first").into())
                    }
                }
            }
            _ => return None,
        }
        Some(Effect::Redraw)
    }

    /// An action while the task filter line has the focus.
    pub(super) fn apply_task_filter(&mut self, action: Action, ctx: &Ctx) -> Effect {
        match action {
            Action::Confirm => self.filtering = false,
            Action::Cancel => {
                self.filtering = false;
                self.tasks.filter.clear();
                self.tasks.selected = 0;
            }
            Action::Up => self.tasks.selected = self.tasks.selected.saturating_sub(1),
            Action::Down => {
                let n = self.visible_tasks(ctx).len();
                self.tasks.selected = (self.tasks.selected + 1).min(n.saturating_sub(1));
            }
            a => {
                if self.tasks.filter.apply(a) {
                    self.tasks.selected = 0;
                }
            }
        }
        Effect::Redraw
    }
}

/// How far a task has gone: 0 assigned … 3 published or exempt.
fn step_rank(t: &Task) -> u8 {
    match (
        t.publication.as_deref(),
        t.result.as_deref(),
        t.check.as_deref(),
    ) {
        (Some(_), _, _) => 3,
        (None, Some(_), _) => 2,
        (None, None, Some(_)) => 1,
        _ => 0,
    }
}
