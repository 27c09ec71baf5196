//! The state and `update` arms of the work tabs: plans (3), the draw wizard (4), and the
//! dashboard, tasks and publication tabs (1, 5, 6).
//!
//! The draw wizard walks plan → period → scope → preview → witness → typed confirmation →
//! result. Each step validates what was typed before going on (the period with
//! [`Period::parse`], the scope with [`Scope::parse`]); the preview comes from the office's
//! `prepare_draw` and never contains the picks; only the exact confirmation text (确认抽取 or
//! CONFIRM) followed by Enter returns the [`Op::CommitDraw`] that draws.

use super::{not_here, AppState, Ctx, Effect, Field, Form, FormKind, Op, Overlay, Tab};
use crate::domain::plan::{InspectionMethod, ItemClass, JointKind, Plan, PLAN_HEADERS};
use crate::domain::scope::Scope;
use crate::domain::Period;
use crate::i18n::Lang;
use crate::office::{DrawPreview, DrawRequest};
use crate::store::TreeName;
use crate::tui::action::Action;
use crate::tui::text_input::TextInput;
use crate::tui::widgets::cursor;
use chrono::NaiveDate;

/// What the user asked to draw (a `DrawRequest` that can be compared in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawAsk {
    pub plan: u64,
    pub period: String,
    /// The scope expression; empty for an undirected draw.
    pub scope: String,
    pub witness: String,
    pub date: NaiveDate,
}

impl DrawAsk {
    pub fn request(&self) -> DrawRequest {
        DrawRequest {
            plan: self.plan,
            period: self.period.clone(),
            scope: Some(self.scope.clone()),
            witness: self.witness.clone(),
            date: Some(self.date),
            ..DrawRequest::default()
        }
    }
}

/// One drawn task as the result step shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawnTask {
    pub target: String,
    pub credit_code: String,
    pub row: String,
    /// Team members' names.
    pub team: Vec<String>,
    pub method: String,
    pub joint: String,
}

/// A committed draw, already in the user's language.
#[derive(Debug, Clone, PartialEq)]
pub struct DrawResult {
    pub id: u64,
    pub plan: u64,
    pub plan_name: String,
    pub period: String,
    pub date: NaiveDate,
    pub joint: String,
    pub seed: String,
    pub pool_hash: String,
    pub algorithm: String,
    pub year_after: String,
    pub tasks: Vec<DrawnTask>,
}

impl DrawResult {
    /// The command that recomputes this draw from the store.
    pub fn verify_command(&self) -> String {
        format!("shuangsui verify --draw {}", self.id)
    }
}

/// A list whose selection is kept; the view scrolls to keep it visible.
#[derive(Debug, Clone, Default)]
pub struct SimpleList {
    pub selected: usize,
    pub detail: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardStep {
    Plan,
    Period,
    Scope,
    Preview,
    /// The source of the witness, then the announcement with its commitment.
    Announce,
    Witness,
    Confirm,
    Result,
}

impl WizardStep {
    pub const ORDER: [WizardStep; 8] = [
        WizardStep::Plan,
        WizardStep::Period,
        WizardStep::Scope,
        WizardStep::Preview,
        WizardStep::Announce,
        WizardStep::Witness,
        WizardStep::Confirm,
        WizardStep::Result,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            WizardStep::Plan => lang.pick("计划", "Plan"),
            WizardStep::Period => lang.pick("期间", "Period"),
            WizardStep::Scope => lang.pick("范围", "Scope"),
            WizardStep::Preview => lang.pick("预览", "Preview"),
            WizardStep::Announce => lang.pick("公告", "Announce"),
            WizardStep::Witness => lang.pick("见证", "Witness"),
            WizardStep::Confirm => lang.pick("确认", "Confirm"),
            WizardStep::Result => lang.pick("结果", "Result"),
        }
    }
}

/// The text that must be typed before a draw is committed.
pub fn confirm_text(lang: Lang) -> &'static str {
    lang.pick("确认抽取", "CONFIRM")
}

#[derive(Debug, Clone)]
pub struct Wizard {
    pub step: WizardStep,
    /// Index into the book's plans.
    pub plan_sel: usize,
    pub plan: u64,
    pub plan_name: String,
    pub period: TextInput,
    pub scope: TextInput,
    pub witness: TextInput,
    /// The public source of the witness, named in the announcement (empty: one sitting).
    pub source: TextInput,
    /// The announcement made (input frozen, entropy sealed, commitment recorded).
    pub announcement: Option<crate::office::announce::AnnouncementJson>,
    pub confirm: TextInput,
    /// The inline error of the current step.
    pub error: Option<String>,
    pub preview: Option<DrawPreview>,
    /// Why the office refuses this draw (shown instead of the preview; nothing was drawn).
    pub refusal: Option<String>,
    pub result: Option<DrawResult>,
}

impl Wizard {
    fn new(plan_sel: usize, period: &str) -> Wizard {
        Wizard {
            step: WizardStep::Plan,
            plan_sel,
            plan: 0,
            plan_name: String::new(),
            period: TextInput::with_text(period),
            scope: TextInput::new(),
            witness: TextInput::new(),
            source: TextInput::new(),
            announcement: None,
            confirm: TextInput::new(),
            error: None,
            preview: None,
            refusal: None,
            result: None,
        }
    }

    /// The text input of the current step, if it has one.
    pub fn input_mut(&mut self) -> Option<&mut TextInput> {
        match self.step {
            WizardStep::Period => Some(&mut self.period),
            WizardStep::Scope => Some(&mut self.scope),
            WizardStep::Announce if self.announcement.is_none() => Some(&mut self.source),
            WizardStep::Witness => Some(&mut self.witness),
            WizardStep::Confirm => Some(&mut self.confirm),
            _ => None,
        }
    }

    pub fn input(&self) -> Option<&TextInput> {
        match self.step {
            WizardStep::Period => Some(&self.period),
            WizardStep::Scope => Some(&self.scope),
            WizardStep::Announce if self.announcement.is_none() => Some(&self.source),
            WizardStep::Witness => Some(&self.witness),
            WizardStep::Confirm => Some(&self.confirm),
            _ => None,
        }
    }
}

impl AppState {
    /// One of the tabs this module handles.
    pub(super) fn on_work_tab(&self) -> bool {
        matches!(
            self.tab,
            Tab::Dashboard | Tab::Plans | Tab::Draws | Tab::Tasks | Tab::Publication
        )
    }

    pub(super) fn toggle_presentation(&mut self) -> Effect {
        self.presentation = !self.presentation;
        if self.presentation {
            self.tab = Tab::Dashboard;
        }
        Effect::Redraw
    }

    /// The length of the current work tab's list.
    fn work_len(&self, ctx: &Ctx) -> usize {
        match self.tab {
            Tab::Plans => ctx.book.plans.len(),
            Tab::Draws => ctx.book.draws.len(),
            _ => 0,
        }
    }

    fn work_list(&mut self) -> Option<&mut SimpleList> {
        match self.tab {
            Tab::Plans => Some(&mut self.plans),
            Tab::Draws => Some(&mut self.draws),
            _ => None,
        }
    }

    /// Rows of a work tab's list: the body less its header lines.
    fn work_page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(8).max(1))
    }

    pub(super) fn apply_work(&mut self, action: Action, ctx: &Ctx) -> Effect {
        if self.presentation && matches!(action, Action::ClearFilter | Action::Cancel) {
            self.presentation = false;
            return Effect::Redraw;
        }
        if let Some(e) = self.apply_progress(action, ctx) {
            return e;
        }
        if let Some(e) = self.apply_past_draw(action, ctx) {
            return e;
        }
        let lang = self.lang();
        let len = self.work_len(ctx);
        let page = self.work_page();
        match action {
            Action::Quit => return Effect::Quit,
            Action::Help => self.open_help(),
            Action::Palette => self.open_palette(),
            Action::NextTab | Action::PrevTab => {
                let t = if action == Action::NextTab {
                    self.tab.next()
                } else {
                    self.tab.prev()
                };
                return self.go_tab(t);
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => {
                if let Some(l) = self.work_list() {
                    l.selected = cursor::moved(l.selected, len, action, page).unwrap_or(l.selected);
                }
            }
            Action::Select | Action::Detail if self.tab == Tab::Plans => {
                self.plans.detail = action == Action::Select || !self.plans.detail;
            }
            Action::ClearFilter | Action::Cancel if self.tab == Tab::Plans => {
                self.plans.detail = false;
            }
            Action::Import if self.tab == Tab::Plans => self.open_import_form(),
            Action::Add if self.tab == Tab::Plans => self.open_plan_form(None, ctx),
            Action::Edit if self.tab == Tab::Plans => {
                let sel = self.plans.selected.min(len.saturating_sub(1));
                match ctx.book.plans.get(sel) {
                    Some(p) => self.open_plan_form(Some(p), ctx),
                    None => {
                        self.message =
                            Some(lang.pick("还没有抽查计划", "there is no plan yet").into())
                    }
                }
            }
            Action::NewDraw | Action::Select
                if self.tab == Tab::Draws || self.tab == Tab::Plans =>
            {
                if ctx.book.plans.is_empty() {
                    self.message = Some(
                        lang.pick(
                            "还没有抽查计划：请先在「3 抽查计划」导入年度计划",
                            "no plans yet: import the annual plan in tab 3 first",
                        )
                        .into(),
                    );
                } else {
                    let sel = if self.tab == Tab::Plans {
                        self.plans.selected
                    } else {
                        0
                    };
                    self.tab = Tab::Draws;
                    self.wizard = Some(Wizard::new(sel, &super::quarter_label(self)));
                }
            }
            Action::VoidDraw if self.tab == Tab::Draws => self.open_void_form(ctx),
            // No draw is open (`apply_past_draw` closes one): nothing to close.
            Action::Cancel if self.tab == Tab::Draws && !self.presentation => {}
            Action::ClearFilter | Action::Cancel if self.presentation => {
                self.presentation = false;
            }
            _ => self.message = Some(not_here(lang, action)),
        }
        Effect::Redraw
    }

    /// The plan form: add (`None`) or edit a plan, one field per column of the plan table.
    pub(super) fn open_plan_form(&mut self, p: Option<&Plan>, ctx: &Ctx) {
        let lang = self.lang();
        let year = p.map_or_else(|| new_plan_year(ctx, self.cfg.today), |p| p.year);
        let values: [String; 14] = match p {
            Some(p) => [
                p.seq.to_string(),
                p.name.clone(),
                p.category.clone(),
                p.item.clone(),
                p.object.clone(),
                item_class_text(p.item_class, lang).into(),
                p.method.label(lang).into(),
                p.date_text.clone(),
                p.scope.clone(),
                p.required_expertise.join("、"),
                joint_kind_text(&p.joint, lang).into(),
                match &p.joint {
                    JointKind::Departments(codes) => codes.join("；"),
                    _ => String::new(),
                },
                p.chosen_ratio.map(|r| r.to_string()).unwrap_or_default(),
                p.rows.join("、"),
            ],
            None => [
                (ctx.book
                    .plans
                    .iter()
                    .filter(|q| q.year == year)
                    .map(|q| q.seq)
                    .max()
                    .unwrap_or(0)
                    + 1)
                .to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                item_class_text(ItemClass::General, lang).into(),
                InspectionMethod::OnSite.label(lang).into(),
                format!("{year}年1月—12月"),
                String::new(),
                String::new(),
                joint_kind_text(&JointKind::None, lang).into(),
                String::new(),
                String::new(),
                String::new(),
            ],
        };
        let hints: [&str; 14] = [
            lang.pick(
                "同一年内不重复的整数",
                "a whole number, unique within the year",
            ),
            lang.pick("必填", "required"),
            "",
            "",
            "",
            lang.pick("重点检查事项 / 一般检查事项", "key / general"),
            &InspectionMethod::ALL.map(|m| m.label(lang)).join(" / "),
            lang.pick(
                "如 2022年1月—12月、2022年3月至6月、2022Q3",
                "e.g. 2022年1月—12月, 2022-03..2022-06, 2022Q3",
            ),
            lang.pick(
                "筛选条件，如 乡镇=狗街镇；空 = 不定向",
                "a filter, e.g. 乡镇=狗街镇; empty = undirected",
            ),
            lang.pick("用 、 分隔，如 辐射、危废", "separated by 、 or ;"),
            lang.pick("无 / 内部联合 / 部门联合", "none / internal / departments"),
            lang.pick(
                "部门联合时填部门代码，如 SCJG；YJGL",
                "department codes, e.g. SCJG;YJGL",
            ),
            lang.pick(
                "10-30% 分层的比例，如 20；空 = 按规则",
                "for the 10-30% row, e.g. 20; empty = by the rules",
            ),
            lang.pick(
                "表一分层，如 A-1、C-4；空 = 全部",
                "Table 1 rows, e.g. A-1, C-4; empty = all",
            ),
        ];
        let fields = PLAN_HEADERS
            .iter()
            .zip(PLAN_LABELS_EN)
            .zip(values.iter().zip(hints))
            .map(|((zh, en), (v, h))| Field::new(zh, en, v, h.to_string()))
            .collect();
        let (kind, title) = match p {
            Some(p) => (
                FormKind::Plan {
                    id: p.id,
                    revision: Some(ctx.revisions.rev(TreeName::Plans, p.id)),
                },
                format!(
                    "{} {} {} {}",
                    lang.pick("编辑抽查计划", "Edit plan"),
                    self.cfg.symbols.separator,
                    p.seq,
                    p.name
                ),
            ),
            None => (
                FormKind::Plan {
                    id: 0,
                    revision: None,
                },
                lang.pick("新增抽查计划", "Add a plan").to_string(),
            ),
        };
        self.overlay = Some(Overlay::Form(Form {
            kind,
            title,
            fields,
            focus: if p.is_some() { 1 } else { 0 },
            error: None,
        }));
    }

    fn open_void_form(&mut self, ctx: &Ctx) {
        let lang = self.lang();
        let Some(d) = self.selected_draw(ctx) else {
            return;
        };
        if d.voided.is_some() {
            self.message = Some(
                lang.pick("该抽取已作废", "this draw is already voided")
                    .into(),
            );
            return;
        }
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::VoidDraw { id: d.id },
            title: format!(
                "{} #{} {} {} {}",
                lang.pick("作废抽取", "Void draw"),
                d.id,
                self.cfg.symbols.separator,
                d.plan_name,
                d.period
            ),
            fields: vec![Field::new(
                "作废原因",
                "Reason",
                "",
                lang.pick(
                    "必填；抽取记录保留，任务标记为作废",
                    "required; the draw is kept, its tasks are marked void",
                )
                .into(),
            )],
            focus: 0,
            error: None,
        }));
    }

    pub(super) fn apply_wizard(&mut self, action: Action, ctx: &Ctx) -> Effect {
        let lang = self.lang();
        let date = self.draw_date.unwrap_or(self.cfg.today);
        let Some(w) = self.wizard.as_mut() else {
            return Effect::Ignored;
        };
        match action {
            // Nothing of the wizard is written before the announcement, which stays on record.
            Action::Quit => return Effect::Quit,
            Action::Cancel => {
                w.error = None;
                w.step = match w.step {
                    WizardStep::Plan | WizardStep::Result => {
                        self.wizard = None;
                        return Effect::Redraw;
                    }
                    WizardStep::Period => WizardStep::Plan,
                    WizardStep::Scope => WizardStep::Period,
                    WizardStep::Preview => WizardStep::Scope,
                    WizardStep::Announce if w.announcement.is_none() => WizardStep::Preview,
                    // Announced: the input is frozen; going back would need a new one.
                    WizardStep::Announce => WizardStep::Announce,
                    WizardStep::Witness => WizardStep::Announce,
                    WizardStep::Confirm => WizardStep::Witness,
                };
            }
            Action::Up | Action::Down if w.step == WizardStep::Plan => {
                let n = ctx.book.plans.len();
                w.plan_sel = if action == Action::Up {
                    w.plan_sel.saturating_sub(1)
                } else {
                    (w.plan_sel + 1).min(n.saturating_sub(1))
                };
            }
            Action::Confirm => {
                w.error = None;
                match w.step {
                    WizardStep::Plan => {
                        let Some(p) = ctx.book.plans.get(w.plan_sel) else {
                            return Effect::Redraw;
                        };
                        w.plan = p.id;
                        w.plan_name = p.name.clone();
                        w.scope.set_text(&p.scope);
                        w.step = WizardStep::Period;
                    }
                    WizardStep::Period => match Period::parse(w.period.text()) {
                        Ok(p) => {
                            w.period.set_text(&p.to_string());
                            // Refused here, not after the preview and the witness.
                            let period = p.to_string();
                            match ctx.book.draws.iter().find(|d| {
                                d.plan == w.plan && d.period == period && d.voided.is_none()
                            }) {
                                Some(d) => {
                                    w.error = Some(match lang {
                                        Lang::Zh => format!(
                                            "计划 {} 在 {period} 已有抽取 #{}，不能重抽；如确有错误，请在抽取列表中选中它按 v 作废",
                                            w.plan, d.id
                                        ),
                                        Lang::En => format!(
                                            "plan {} already has draw #{} for {period}; a draw is never redone (void it with v in the list first)",
                                            w.plan, d.id
                                        ),
                                    })
                                }
                                None => w.step = WizardStep::Scope,
                            }
                        }
                        Err(e) => w.error = Some(e.localize(lang)),
                    },
                    WizardStep::Scope => {
                        match Scope::parse(w.scope.text()).and_then(Scope::for_targets) {
                            Ok(_) => {
                                w.preview = None;
                                w.refusal = None;
                                w.step = WizardStep::Preview;
                                return Effect::Op(Op::PreviewDraw(DrawAsk {
                                    plan: w.plan,
                                    period: w.period.text().trim().to_string(),
                                    scope: w.scope.text().trim().to_string(),
                                    witness: String::new(),
                                    date,
                                }));
                            }
                            Err(e) => w.error = Some(e.localize(lang)),
                        }
                    }
                    WizardStep::Preview => {
                        if w.preview.is_some() && w.refusal.is_none() {
                            w.step = WizardStep::Announce;
                        }
                    }
                    WizardStep::Announce => {
                        if w.announcement.is_some() {
                            w.step = WizardStep::Witness;
                        } else {
                            return Effect::Op(Op::AnnounceDraw {
                                ask: DrawAsk {
                                    plan: w.plan,
                                    period: w.period.text().trim().to_string(),
                                    scope: w.scope.text().trim().to_string(),
                                    witness: String::new(),
                                    date,
                                },
                                source: w.source.text().trim().to_string(),
                            });
                        }
                    }
                    WizardStep::Witness if w.witness.text().trim().is_empty() => {
                        w.error = Some(
                            lang.pick(
                                "须填写见证号码（取自公告中指明的公开来源）",
                                "the witness is needed (from the announced source)",
                            )
                            .into(),
                        );
                    }
                    WizardStep::Witness => {
                        w.error = None;
                        w.step = WizardStep::Confirm;
                    }
                    WizardStep::Confirm => {
                        let typed = w.confirm.text().trim();
                        if typed == confirm_text(Lang::Zh) || typed == confirm_text(Lang::En) {
                            w.confirm.clear();
                            if let Some(a) = &w.announcement {
                                return Effect::Op(Op::CommitAnnounced {
                                    id: a.announcement,
                                    witness: w.witness.text().trim().to_string(),
                                });
                            }
                        }
                        w.error = Some(format!(
                            "{}「{}」",
                            lang.pick(
                                "确认文字不符，未抽取；请输入",
                                "the confirmation does not match; nothing was drawn. Type"
                            ),
                            confirm_text(lang)
                        ));
                    }
                    WizardStep::Result => self.wizard = None,
                }
            }
            a => {
                if let Some(input) = w.input_mut() {
                    input.apply(a);
                }
            }
        }
        Effect::Redraw
    }

    pub(super) fn preview_ready(&mut self, r: Result<DrawPreview, String>) {
        self.overlay = None;
        if let Some(w) = self.wizard.as_mut() {
            w.step = WizardStep::Preview;
            match r {
                Ok(p) => {
                    w.preview = Some(p);
                    w.refusal = None;
                }
                Err(e) => {
                    w.preview = None;
                    w.refusal = Some(e);
                }
            }
        }
    }

    pub(super) fn announced(
        &mut self,
        r: Result<Box<crate::office::announce::AnnouncementJson>, String>,
    ) {
        self.overlay = None;
        if let Some(w) = self.wizard.as_mut() {
            w.step = WizardStep::Announce;
            match r {
                Ok(a) => {
                    w.announcement = Some(*a);
                    w.error = None;
                }
                Err(e) => w.error = Some(e),
            }
        }
    }

    pub(super) fn drawn(&mut self, r: Result<DrawResult, String>) {
        self.overlay = None;
        let Some(w) = self.wizard.as_mut() else {
            return;
        };
        match r {
            Ok(d) => {
                self.message = Some(format!(
                    "{} #{}{}",
                    self.cfg.lang.pick("已抽取", "drawn"),
                    d.id,
                    self.cfg
                        .lang
                        .pick("，已写入审计日志", ", written to the audit log")
                ));
                w.result = Some(d);
                w.step = WizardStep::Result;
                self.draws.selected = 0;
            }
            Err(e) => {
                w.step = WizardStep::Confirm;
                w.error = Some(e);
            }
        }
    }
}

/// English labels of the plan form, beside [`PLAN_HEADERS`].
const PLAN_LABELS_EN: [&str; 14] = [
    "No.",
    "Plan name",
    "Category",
    "Item",
    "Targets",
    "Item class",
    "Method",
    "Dates",
    "Scope",
    "Expertise",
    "Joint kind",
    "Departments",
    "Ratio",
    "Rows",
];

/// The year of a new plan: the latest plan's year, or this year.
fn new_plan_year(ctx: &Ctx, today: NaiveDate) -> i32 {
    use chrono::Datelike;
    ctx.book
        .plans
        .iter()
        .map(|p| p.year)
        .max()
        .unwrap_or_else(|| today.year())
}

/// An item class as the form writes it (a text `ItemClass::parse` reads back).
fn item_class_text(c: ItemClass, lang: Lang) -> &'static str {
    match (c, lang) {
        (_, Lang::Zh) => c.label(lang),
        (ItemClass::Key, Lang::En) => "key",
        (ItemClass::General, Lang::En) => "general",
    }
}

/// A joint kind's 联合类型 cell (a text `JointKind::parse` reads back).
fn joint_kind_text(j: &JointKind, lang: Lang) -> &'static str {
    match j {
        JointKind::None => lang.pick("无", "none"),
        JointKind::Internal => lang.pick("内部联合", "internal"),
        JointKind::Departments(_) => lang.pick("部门联合", "departments"),
    }
}

/// Check the plan form with the importer's own reading of a plan row
/// ([`crate::import::plan_from_fields`]); the errors by field, or the plan to save.
pub(super) fn validate_plan(
    f: &Form,
    id: u64,
    ctx: &Ctx,
    lang: Lang,
    today: NaiveDate,
) -> Result<Plan, Vec<(usize, String)>> {
    let cells: Vec<String> = f
        .fields
        .iter()
        .map(|x| x.input.text().to_string())
        .collect();
    let old = ctx.book.plans.iter().find(|p| p.id == id);
    let year = old.map_or_else(|| new_plan_year(ctx, today), |p| p.year);
    let mut p = crate::import::plan_from_fields(&cells, year, ctx.rules).map_err(|e| {
        e.into_iter()
            .map(|(col, reason)| (col, reason.localize(lang)))
            .collect::<Vec<_>>()
    })?;
    p.id = id;
    if let Some(other) = ctx
        .book
        .plans
        .iter()
        .find(|q| q.year == p.year && q.seq == p.seq && q.id != id)
    {
        return Err(vec![(
            0,
            format!(
                "{}{}",
                lang.pick("同年已有此序号：", "already used that year by "),
                other.name
            ),
        )]);
    }
    Ok(p)
}
