//! The state and `update` arms of the dashboard (1), tasks (5) and publication (6) tabs: the
//! office's figures for a chosen period, the task step forms and their validation.
//!
//! The figures come from the office (`status`, `progress`, `due`) through [`Op::LoadFigures`];
//! they are never recomputed here. A task step is validated for its form (dates, the phrase
//! number) and then sent to the office, which refuses a step out of order; the refusal is shown
//! in the form and nothing is written.

use super::Tab;
use super::{not_here, AppState, Ctx, Effect, Field, Form, FormKind, Op, Overlay};
use crate::domain::plan::InspectionMethod;
use crate::domain::task::{phrase_is_problem, phrase_text, Publication, Task, RESULT_PHRASES};
use crate::domain::{Cycle, Period};
use crate::i18n::Lang;
use crate::office::{DueItem, InspectorProgress, StatusFigures};
use crate::tui::action::Action;
use crate::tui::widgets::cursor;
use chrono::NaiveDate;

/// What the three figure tabs show for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct FiguresData {
    pub status: StatusFigures,
    pub progress: Vec<InspectorProgress>,
    pub due: Vec<DueItem>,
    /// Rectifications past their due date on the day (issue 19), most overdue first.
    pub rectifications: Vec<crate::office::OverdueRectification>,
}

#[derive(Debug, Clone)]
pub struct Figures {
    pub period: Period,
    pub data: Option<FiguresData>,
    pub error: Option<String>,
}

/// The tasks tab: the task list or the per-inspector progress.
#[derive(Debug, Clone, Default)]
pub struct TasksView {
    pub selected: usize,
    /// Show the per-inspector progress instead of the task list.
    pub progress: bool,
    pub progress_selected: usize,
    /// Only this inspector's tasks (drilled down from the progress view).
    pub inspector: Option<u64>,
    /// The publication tab's selection.
    pub due_selected: usize,
    /// The `/` filter of the task list: an AND of space-separated terms.
    pub filter: crate::tui::text_input::TextInput,
    /// Sort column of the task list (index into `state::tasks::TASK_COLUMNS`).
    pub sort_col: Option<usize>,
    pub sort_rev: bool,
    /// Only the tasks whose team holds the inspector mapped to the user.
    pub mine: bool,
    /// The task whose detail is open, and how far it is scrolled.
    pub detail: Option<u64>,
    pub detail_scroll: usize,
}

/// A task step, as the forms and the office know them.
#[derive(Debug, Clone, PartialEq)]
pub enum StepOp {
    Check {
        date: NaiveDate,
        method: InspectionMethod,
        approval: String,
    },
    Result {
        phrase: u8,
        determined: NaiveDate,
        findings: String,
        unsigned_reason: Option<String>,
        integrity_card: bool,
    },
    Publish {
        date: NaiveDate,
        url: String,
    },
    Exempt {
        reason: String,
    },
    /// The follow-up of a violation: the fields given (the others are kept).
    FollowUp {
        handed: Option<NaiveDate>,
        rectification_due: Option<NaiveDate>,
        rectified_on: Option<NaiveDate>,
        case_number: Option<String>,
        judiciary: Option<NaiveDate>,
    },
}

/// Where a task stands, in the user's language: 已分派 / 已检查 / 已录入结果 / 已公示 / 免于公示.
pub fn step_label(t: &Task, lang: Lang) -> &'static str {
    match (
        t.publication.as_deref(),
        t.result.as_deref(),
        t.check.as_deref(),
    ) {
        (Some(Publication::Exempt { .. }), _, _) => lang.pick("免于公示", "exempt"),
        (Some(Publication::Published { .. }), _, _) => lang.pick("已公示", "published"),
        (None, Some(_), _) => lang.pick("已录入结果", "result entered"),
        (None, None, Some(_)) => lang.pick("已检查", "checked"),
        _ => lang.pick("已分派", "assigned"),
    }
}

/// The eight standard phrases, numbered, as the result form lists them.
pub fn phrase_options() -> Vec<String> {
    RESULT_PHRASES
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} {p}", i + 1))
        .collect()
}

fn yes(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "y" | "Y" | "yes" | "Yes" | "1" | "✓" => Some(true),
        "否" | "n" | "N" | "no" | "No" | "0" | "" => Some(false),
        _ => None,
    }
}

fn date_error(lang: Lang) -> String {
    lang.pick(
        "日期应写成 YYYY-MM-DD，例如 2022-08-15",
        "write the date as YYYY-MM-DD, e.g. 2022-08-15",
    )
    .into()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Check a task step form; on success the step, otherwise the errors by field.
pub fn validate_step(
    kind: &FormKind,
    value: &dyn Fn(usize) -> String,
    lang: Lang,
) -> Result<(u64, StepOp), Vec<(usize, String)>> {
    let mut errors = Vec::new();
    let required: String = lang.pick("必填", "required").into();
    let op = match kind {
        FormKind::TaskCheck { id } => {
            let date = parse_date(&value(0));
            if date.is_none() {
                errors.push((0, date_error(lang)));
            }
            let method = InspectionMethod::parse(&value(1));
            if method.is_none() {
                errors.push((1, InspectionMethod::ALL.map(|m| m.label(lang)).join(" / ")));
            }
            match (date, method) {
                (Some(date), Some(method)) => Some((
                    *id,
                    StepOp::Check {
                        date,
                        method,
                        approval: value(2).trim().to_string(),
                    },
                )),
                _ => None,
            }
        }
        FormKind::TaskResult { id } => {
            let phrase = value(0)
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=8).contains(n));
            if phrase.is_none() {
                errors.push((
                    0,
                    lang.pick("填 1 到 8 的结果序号", "a result number 1 to 8")
                        .into(),
                ));
            }
            let date = parse_date(&value(1));
            if date.is_none() {
                errors.push((1, date_error(lang)));
            }
            let signed = value(3);
            let unsigned_reason = match yes(&signed) {
                Some(true) => None,
                _ if signed.trim().is_empty() => {
                    errors.push((
                        3,
                        lang.pick(
                            "填「是」，或写明未签字的原因",
                            "write 是 (signed) or the reason it was not signed",
                        )
                        .into(),
                    ));
                    None
                }
                _ => Some(signed.trim().to_string()),
            };
            let card = yes(&value(4));
            if card.is_none() {
                errors.push((4, lang.pick("填 是 或 否", "write 是 or 否").into()));
            }
            match (phrase, date, card) {
                (Some(phrase), Some(determined), Some(integrity_card)) if errors.is_empty() => {
                    Some((
                        *id,
                        StepOp::Result {
                            phrase,
                            determined,
                            findings: value(2).trim().to_string(),
                            unsigned_reason,
                            integrity_card,
                        },
                    ))
                }
                _ => None,
            }
        }
        FormKind::TaskPublish { id } => {
            let date = parse_date(&value(0));
            if date.is_none() {
                errors.push((0, date_error(lang)));
            }
            if value(1).trim().is_empty() {
                errors.push((1, required.clone()));
            }
            match date {
                Some(date) if errors.is_empty() => Some((
                    *id,
                    StepOp::Publish {
                        date,
                        url: value(1).trim().to_string(),
                    },
                )),
                _ => None,
            }
        }
        FormKind::TaskFollowUp { id } => {
            // Empty: not given. A date that is given must be a date.
            let mut date = |i: usize| -> Option<NaiveDate> {
                let v = value(i);
                if v.trim().is_empty() {
                    return None;
                }
                let d = parse_date(&v);
                if d.is_none() {
                    errors.push((i, date_error(lang)));
                }
                d
            };
            let handed = date(0);
            let rectification_due = date(1);
            let rectified_on = date(2);
            let judiciary = date(4);
            let case = value(3).trim().to_string();
            Some((
                *id,
                StepOp::FollowUp {
                    handed,
                    rectification_due,
                    rectified_on,
                    case_number: (!case.is_empty()).then_some(case),
                    judiciary,
                },
            ))
        }
        FormKind::TaskExempt { id } => {
            if value(0).trim().is_empty() {
                errors.push((0, required.clone()));
                None
            } else {
                Some((
                    *id,
                    StepOp::Exempt {
                        reason: value(0).trim().to_string(),
                    },
                ))
            }
        }
        _ => None,
    };
    match op {
        Some(op) if errors.is_empty() => Ok(op),
        _ => Err(errors),
    }
}

impl Figures {
    pub fn new(today: NaiveDate) -> Figures {
        Figures {
            period: Period::containing(today, Cycle::Quarter),
            data: None,
            error: None,
        }
    }
}

/// The period before or after `p`, of the same length.
pub fn step_period(p: Period, forward: bool) -> Period {
    let next = match p {
        Period::Quarter(y, q) => {
            let i = y * 4 + i32::from(q) - 1 + if forward { 1 } else { -1 };
            Period::quarter(i.div_euclid(4), (i.rem_euclid(4) + 1) as u8)
        }
        Period::Half(y, h) => {
            let i = y * 2 + i32::from(h) - 1 + if forward { 1 } else { -1 };
            Period::half(i.div_euclid(2), (i.rem_euclid(2) + 1) as u8)
        }
        Period::Year(y) => Period::year_of(if forward { y + 1 } else { y - 1 }),
    };
    next.unwrap_or(p)
}

impl AppState {
    pub(super) fn load_figures(&self) -> Effect {
        Effect::Op(Op::LoadFigures {
            period: self.figures.period.to_string(),
            today: self.cfg.today,
        })
    }

    /// The task a step action applies to, on the tasks or publication tab.
    fn step_target(&self, ctx: &Ctx) -> Option<u64> {
        match self.tab {
            Tab::Tasks if !self.tasks.progress => self
                .visible_tasks(ctx)
                .get(self.tasks.selected)
                .map(|t| t.id),
            Tab::Publication => self
                .figures
                .data
                .as_ref()
                .and_then(|d| d.due.get(self.tasks.due_selected))
                .map(|d| d.task),
            _ => None,
        }
    }

    /// Actions of the dashboard, tasks and publication tabs; `None` when not theirs.
    pub(super) fn apply_progress(&mut self, action: Action, ctx: &Ctx) -> Option<Effect> {
        let lang = self.lang();
        if !matches!(self.tab, Tab::Dashboard | Tab::Tasks | Tab::Publication) {
            return None;
        }
        if let Some(e) = self.apply_tasks(action, ctx) {
            return Some(e);
        }
        let page = usize::from(self.size.1.saturating_sub(8).max(1));
        match action {
            Action::Left | Action::Right | Action::PrevRegistry | Action::NextRegistry => {
                let forward = matches!(action, Action::Right | Action::NextRegistry);
                self.figures.period = step_period(self.figures.period, forward);
                self.tasks.selected = 0;
                self.tasks.progress_selected = 0;
                return Some(self.load_figures());
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                let data = self.figures.data.as_ref();
                let (len, sel) = match self.tab {
                    Tab::Tasks if self.tasks.progress => (
                        data.map(|d| d.progress.len()).unwrap_or(0),
                        &mut self.tasks.progress_selected,
                    ),
                    Tab::Tasks => {
                        let n = self.visible_tasks(ctx).len();
                        (n, &mut self.tasks.selected)
                    }
                    Tab::Publication => (
                        data.map(|d| d.due.len()).unwrap_or(0),
                        &mut self.tasks.due_selected,
                    ),
                    _ => return Some(Effect::Ignored),
                };
                *sel = cursor::moved(*sel, len, action, page).unwrap_or(*sel);
            }
            Action::Detail if self.tab == Tab::Tasks => {
                self.tasks.progress = !self.tasks.progress;
                if self.tasks.progress {
                    self.tasks.inspector = None;
                }
            }
            Action::Select if self.tab == Tab::Tasks && self.tasks.progress => {
                let who = self
                    .figures
                    .data
                    .as_ref()
                    .and_then(|d| d.progress.get(self.tasks.progress_selected))
                    .map(|p| p.inspector);
                if let Some(i) = who {
                    self.tasks.inspector = Some(i);
                    self.tasks.progress = false;
                    self.tasks.selected = 0;
                }
            }
            Action::ClearFilter | Action::Cancel if self.tab == Tab::Tasks => {
                self.tasks.inspector = None;
                self.tasks.mine = false;
                self.tasks.selected = 0;
            }
            Action::TaskCheck
            | Action::TaskResult
            | Action::TaskPublish
            | Action::TaskExempt
            | Action::TaskFollowUp => match self.step_target(ctx) {
                Some(id) => self.open_step_form(action, id, ctx),
                None => {
                    self.message = Some(lang.pick("请先选择一个任务", "select a task first").into())
                }
            },
            _ => self.message = Some(not_here(lang, action)),
        }
        Some(Effect::Redraw)
    }

    fn open_step_form(&mut self, action: Action, id: u64, ctx: &Ctx) {
        let lang = self.lang();
        let today = self.cfg.today.format("%Y-%m-%d").to_string();
        let Some(t) = ctx.book.tasks.iter().find(|t| t.id == id) else {
            return;
        };
        let name = ctx
            .data
            .target(t.target)
            .map(|x| x.name().to_string())
            .unwrap_or_default();
        // A step already recorded reopens with its stored values.
        let check = t.check.as_ref();
        let check_date = check.map_or_else(|| today.clone(), |c| c.date.to_string());
        let result = t.result.as_ref();
        let determined = result.map_or_else(|| today.clone(), |r| r.determined.to_string());
        let (published, url) = match t.publication.as_deref() {
            Some(crate::domain::task::Publication::Published { date, url, .. }) => {
                (date.to_string(), url.clone())
            }
            _ => (today.clone(), String::new()),
        };
        let (kind, title, fields) = match action {
            Action::TaskCheck => (
                FormKind::TaskCheck { id },
                lang.pick("登记检查", "Record the check"),
                vec![
                    Field::new("检查日期", "Date", &check_date, "YYYY-MM-DD".into()),
                    Field::new(
                        "检查方式",
                        "Method",
                        check.map_or(t.method, |c| c.method).label(lang),
                        InspectionMethod::ALL.map(|m| m.label(lang)).join(" / "),
                    ),
                    Field::new(
                        "批准文号",
                        "Approval",
                        check.map_or("", |c| c.approval.as_str()),
                        lang.pick(
                            "其他检查须经局批准",
                            "an 'other' inspection needs the bureau's approval",
                        )
                        .into(),
                    ),
                ],
            ),
            Action::TaskResult => (
                FormKind::TaskResult { id },
                lang.pick("录入检查结果", "Enter the result"),
                vec![
                    Field::choice(
                        "结果",
                        "Result",
                        phrase_options(),
                        t.result.as_ref().map_or(1, |r| usize::from(r.phrase)),
                        lang.pick("↑↓ 或 1-8 选择", "↑↓ or 1-8 to choose").into(),
                    ),
                    Field::new("认定日期", "Determined", &determined, "YYYY-MM-DD".into()),
                    Field::new(
                        "检查发现",
                        "Findings",
                        result.map_or("", |r| r.findings.as_str()),
                        lang.pick("发现的问题，可空", "what was found; may be empty")
                            .into(),
                    ),
                    Field::new(
                        "签字",
                        "Signed",
                        "是",
                        lang.pick("是；或写明未签字原因", "是 (yes), or why not signed")
                            .into(),
                    ),
                    Field::new(
                        "廉政监督卡",
                        "Integrity card",
                        "是",
                        lang.pick("已收回：是 / 否", "returned: 是 / 否").into(),
                    ),
                ],
            ),
            Action::TaskPublish => (
                FormKind::TaskPublish { id },
                lang.pick("登记公示", "Record the publication"),
                vec![
                    Field::new("公示日期", "Date", &published, "YYYY-MM-DD".into()),
                    Field::new(
                        "公示网址",
                        "URL",
                        &url,
                        lang.pick(
                            "国家企业信用信息公示系统等",
                            "e.g. the national credit publicity system",
                        )
                        .into(),
                    ),
                ],
            ),
            Action::TaskFollowUp => {
                let Some(r) = t.result.as_ref() else {
                    self.message = Some(format!(
                        "#{id} {}",
                        lang.pick(
                            "尚未录入检查结果，无需后续处理",
                            "has no result yet: nothing to follow up"
                        )
                    ));
                    return;
                };
                if !phrase_is_problem(r.phrase) {
                    self.message = Some(match lang {
                        Lang::Zh => format!(
                            "#{id} 检查结果为“{}”，未发现问题，无需后续处理",
                            phrase_text(r.phrase).unwrap_or("?")
                        ),
                        Lang::En => format!(
                            "#{id}: the result \"{}\" reports no problem; nothing to follow up",
                            phrase_text(r.phrase).unwrap_or("?")
                        ),
                    });
                    return;
                }
                let f = &t.follow_up;
                let d = |x: Option<NaiveDate>| x.map(|x| x.to_string()).unwrap_or_default();
                let date_hint = match lang {
                    Lang::Zh => {
                        format!("YYYY-MM-DD，不早于结果认定日期 {}；空 = 不填", r.determined)
                    }
                    Lang::En => format!(
                        "YYYY-MM-DD, not before the result of {}; empty = not given",
                        r.determined
                    ),
                };
                (
                    FormKind::TaskFollowUp { id },
                    lang.pick("违法问题后续处理", "Follow-up of the violation"),
                    vec![
                        Field::new(
                            "移交执法日期",
                            "Handed over",
                            &d(f.handed_to_enforcement),
                            date_hint.clone(),
                        ),
                        Field::new(
                            "整改期限",
                            "Rectify by",
                            &d(f.rectification_due),
                            date_hint.clone(),
                        ),
                        Field::new(
                            "整改完成日期",
                            "Rectified on",
                            &d(f.rectified_on),
                            date_hint.clone(),
                        ),
                        Field::new(
                            "立案编号",
                            "Case number",
                            &f.case_number,
                            lang.pick(
                                "立案后填写；空 = 不填",
                                "once a case is filed; empty = not given",
                            )
                            .into(),
                        ),
                        Field::new(
                            "移送司法日期",
                            "To judiciary",
                            &d(f.transferred_to_judiciary),
                            date_hint.clone(),
                        ),
                    ],
                )
            }
            _ => (
                FormKind::TaskExempt { id },
                lang.pick("不予公示", "Exempt from publication"),
                vec![Field::new(
                    "原因",
                    "Reason",
                    "",
                    lang.pick(
                        "保密/国家安全/公共安全；批准人；批准日期",
                        "保密/国家安全/公共安全; approver; YYYY-MM-DD",
                    )
                    .into(),
                )],
            ),
        };
        self.overlay = Some(Overlay::Form(Form {
            kind,
            title: format!("{title} {} #{id} {name}", self.cfg.symbols.separator),
            fields,
            focus: 0,
            error: None,
        }));
    }

    pub(super) fn figures_ready(&mut self, r: Result<FiguresData, String>) {
        match r {
            Ok(d) => {
                self.figures.data = Some(d);
                self.figures.error = None;
            }
            Err(e) => {
                self.figures.data = None;
                self.figures.error = Some(e);
            }
        }
    }
}
