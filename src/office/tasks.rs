//! A task's steps after the draw (source, 二(八)–二(十)): check, result, publication (or
//! exemption) and the follow-up of a violation.
//!
//! Each step is validated against the task as stored (not voided, steps in order, dates in
//! order), then written with its audit entry in one commit, then applied to memory. A refused
//! step is an [`OfficeError::Refused`] naming the task and the step, and changes nothing.
//!
//! The order is: assigned → checked ([`Office::task_check`]) → result recorded
//! ([`Office::task_result`]) → published ([`Office::task_publish`]) or exempt
//! ([`Office::task_exempt`]). The follow-up ([`Office::task_follow_up`]) applies to a result
//! whose phrase reports a problem and may be recorded in several steps.

use super::{encode_record, Office, OfficeError};
use crate::domain::plan::InspectionMethod;
use crate::domain::task::{
    phrase_is_problem, phrase_text, CheckStep, Publication, ResultStep, Step, Task, TaskId,
    PROBLEM_PHRASES, RESULT_PHRASES,
};
use crate::i18n::Lang;
use crate::store::{key_u64, TreeName};
use chrono::NaiveDate;

/// The steps, for messages and audit actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepKind {
    Check,
    Result,
    Publish,
    Exempt,
    FollowUp,
    Correct,
}

impl StepKind {
    fn label(self, lang: Lang) -> &'static str {
        match self {
            StepKind::Check => lang.pick("登记检查", "check"),
            StepKind::Result => lang.pick("登记检查结果", "result"),
            StepKind::Publish => lang.pick("登记公示", "publication"),
            StepKind::Exempt => lang.pick("不予公开", "exemption"),
            StepKind::FollowUp => lang.pick("违法线索后续处理", "follow-up"),
            StepKind::Correct => lang.pick("更正", "correction"),
        }
    }

    fn action(self) -> &'static str {
        match self {
            StepKind::Check => "task check",
            StepKind::Result => "task result",
            StepKind::Publish => "task publish",
            StepKind::Exempt => "task exempt",
            StepKind::FollowUp => "task follow-up",
            StepKind::Correct => "task correct",
        }
    }
}

fn zh_en(lang: Lang, zh: String, en: String) -> String {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

impl Office {
    /// Record one step of task `id` (`Request::TaskStep`).
    pub fn record_step(&self, id: TaskId, step: Step) -> Result<Task, OfficeError> {
        match step {
            Step::Check {
                date,
                method,
                approval,
            } => self.task_check(id, date, method, &approval),
            Step::Result {
                phrase,
                determined,
                findings,
                unsigned_reason,
                integrity_card,
            } => self.task_result(
                id,
                phrase,
                determined,
                &findings,
                unsigned_reason,
                integrity_card,
            ),
            Step::Publish { date, url } => self.task_publish(id, date, &url),
            Step::Exempt { reason } => self.task_exempt(id, &reason),
            Step::FollowUp(p) => self.task_follow_up(
                id,
                p.handed_to_enforcement,
                p.rectification_due,
                p.rectified_on,
                p.case_number,
                p.transferred_to_judiciary,
            ),
        }
    }

    /// Validate `apply` on a copy of the task, commit it, then update memory.
    fn task_step(
        &self,
        id: TaskId,
        step: StepKind,
        apply: impl FnOnce(&Task, Lang) -> Result<(Task, String), String>,
    ) -> Result<Task, OfficeError> {
        let lang = self.lang();
        let refuse = |why: String| {
            OfficeError::Refused(match lang {
                Lang::Zh => format!("任务 #{id}（{}）：{why}", step.label(lang)),
                Lang::En => format!("task #{id}, {}: {why}", step.label(lang)),
            })
        };
        let mut book = self.book_mut();
        let Some(i) = book.task_index(id) else {
            return Err(refuse(
                lang.pick(
                    "没有这个任务（见 list tasks）",
                    "no such task (see list tasks)",
                )
                .into(),
            ));
        };
        let current = &book.tasks[i];
        if current.voided {
            return Err(refuse(
                lang.pick("该任务所属的抽取已作废", "the draw of this task was voided")
                    .into(),
            ));
        }
        let (next, summary) = apply(current, lang).map_err(refuse)?;
        let write = encode_record(TreeName::Tasks, key_u64(next.id), &next)?;
        self.commit(
            step.action(),
            format!("任务 #{id} {}：{summary}", step.label(Lang::Zh)),
            vec![write],
        )?;
        book.tasks[i] = next.clone();
        Ok(next)
    }

    /// Record the check: assigned → checked. `method` is the method actually used (default:
    /// the task's planned method); an "other" inspection needs the bureau's approval
    /// (`approval`, e.g. the approval's number). The date may not precede the draw.
    pub fn task_check(
        &self,
        id: TaskId,
        date: NaiveDate,
        method: Option<InspectionMethod>,
        approval: &str,
    ) -> Result<Task, OfficeError> {
        // Read before the book is locked for writing.
        let lang = self.lang();
        let (drawn_on, method_refused) = {
            let book = self.book();
            let task = book.task(id);
            let drawn_on = task
                .and_then(|t| book.draws.iter().find(|d| d.id == t.draw))
                .map(|d| d.date);
            // The method rule of the draw (remote only where the plan and the target allow it),
            // for every plan of a merged visit.
            let refused = task.zip(method).and_then(|(t, used)| {
                let st = self.state();
                let target = st.target(t.target)?;
                t.items().find_map(|item| {
                    let plan = book.plans.iter().find(|p| p.id == item.plan)?;
                    crate::domain::plan::method_refusal(plan.method, used, target, lang)
                })
            });
            (drawn_on, refused)
        };
        let user = self.user().to_string();
        self.task_step(id, StepKind::Check, |t, lang| {
            if let Some(c) = &t.check {
                return Err(zh_en(
                    lang,
                    format!("已于 {} 登记过检查，不能重复登记", c.date),
                    format!("already checked on {}; a check is recorded once", c.date),
                ));
            }
            if let Some(d) = drawn_on.filter(|d| date < *d) {
                return Err(zh_en(
                    lang,
                    format!("检查日期 {date} 早于抽取日期 {d}"),
                    format!("the check date {date} is before the draw date {d}"),
                ));
            }
            not_after_today(date, lang)?;
            if let Some(why) = &method_refused {
                return Err(why.clone());
            }
            let method = method.unwrap_or(t.method);
            let approval = approval.trim();
            if method.needs_approval() && approval.is_empty() {
                return Err(lang
                    .pick(
                        "其他检查方式须经分局批准：请填写批准文号或说明（--approval）",
                        "an \"other\" inspection needs the bureau's approval: give it (--approval)",
                    )
                    .into());
            }
            let mut next = t.clone();
            next.check = Some(Box::new(CheckStep {
                date,
                method,
                approval: approval.to_string(),
                by: user,
            }));
            Ok((next, format!("{date} {}", method.label(Lang::Zh))))
        })
    }

    /// Record the result: checked → result recorded. `phrase` is 1..=8 (see
    /// [`RESULT_PHRASES`]); `determined` (the day the result was determined) may not precede
    /// the check and must lie in a year the working calendar covers (the publication deadline
    /// is counted from it). `unsigned_reason` is the reason the record was not signed by the
    /// legal representative, `None` when it was.
    pub fn task_result(
        &self,
        id: TaskId,
        phrase: u8,
        determined: NaiveDate,
        findings: &str,
        unsigned_reason: Option<String>,
        integrity_card: bool,
    ) -> Result<Task, OfficeError> {
        let user = self.user().to_string();
        let cal = &*self.calendar();
        self.task_step(id, StepKind::Result, |t, lang| {
            let Some(check) = &t.check else {
                return Err(lang
                    .pick(
                        "尚未登记检查，先登记检查（check）再登记结果",
                        "not checked yet: record the check first",
                    )
                    .into());
            };
            if let Some(r) = &t.result {
                return Err(zh_en(
                    lang,
                    format!("已于 {} 登记过检查结果，不能重复登记", r.determined),
                    format!("a result was already recorded ({})", r.determined),
                ));
            }
            let Some(text) = phrase_text(phrase) else {
                return Err(zh_en(
                    lang,
                    format!(
                        "结果表述编号 {phrase} 无效：应为 1 到 {}（{}）",
                        RESULT_PHRASES.len(),
                        numbered_phrases()
                    ),
                    format!(
                        "result phrase {phrase} is invalid: give 1 to {} ({})",
                        RESULT_PHRASES.len(),
                        numbered_phrases()
                    ),
                ));
            };
            if determined < check.date {
                return Err(zh_en(
                    lang,
                    format!("结果认定日期 {determined} 早于检查日期 {}", check.date),
                    format!(
                        "the result date {determined} is before the check date {}",
                        check.date
                    ),
                ));
            }
            // The calendar first: it names the notice to add (a year it lacks is ahead).
            let due = cal
                .publication_due(determined)
                .map_err(|e| e.localize(lang))?;
            not_after_today(determined, lang)?;
            let reason = match unsigned_reason {
                None => String::new(),
                Some(r) if r.trim().is_empty() => {
                    return Err(lang
                        .pick(
                            "检查记录未经签字确认时须注明原因",
                            "an unsigned record needs the reason it was not signed",
                        )
                        .into())
                }
                Some(r) => r.trim().to_string(),
            };
            let mut next = t.clone();
            next.result = Some(Box::new(ResultStep {
                phrase,
                determined,
                findings: findings.trim().to_string(),
                signed: reason.is_empty(),
                unsigned_reason: reason,
                integrity_card,
                by: user,
            }));
            Ok((next, format!("{text}，认定 {determined}，公示期限 {due}")))
        })
    }

    /// Record the publication of a result on the county government website. The date may not
    /// precede the day the result was determined; publishing late is recorded (and counted as
    /// late), not refused.
    pub fn task_publish(
        &self,
        id: TaskId,
        date: NaiveDate,
        url: &str,
    ) -> Result<Task, OfficeError> {
        let user = self.user().to_string();
        self.task_step(id, StepKind::Publish, |t, lang| {
            let r = needs_result(t, lang)?;
            not_yet_published(t, lang)?;
            not_after_today(date, lang)?;
            if date < r.determined {
                return Err(zh_en(
                    lang,
                    format!("公示日期 {date} 早于结果认定日期 {}", r.determined),
                    format!(
                        "the publication date {date} is before the result date {}",
                        r.determined
                    ),
                ));
            }
            let mut next = t.clone();
            next.publication = Some(Box::new(Publication::Published {
                date,
                url: url.trim().to_string(),
                by: user,
            }));
            Ok((next, format!("{date} {}", url.trim())))
        })
    }

    /// Record that a result is not published: it concerns secrecy, national security or
    /// public security, approved by someone on a date: `reason` is `ground；approver；date`
    /// ([`crate::domain::task::Exemption`]), recorded in its canonical form.
    pub fn task_exempt(&self, id: TaskId, reason: &str) -> Result<Task, OfficeError> {
        let user = self.user().to_string();
        self.task_step(id, StepKind::Exempt, |t, lang| {
            needs_result(t, lang)?;
            not_yet_published(t, lang)?;
            if reason.trim().is_empty() {
                return Err(lang
                    .pick(
                        "不予公开须说明原因（涉及保密、国家安全或公共安全）",
                        "an exemption needs its reason (secrecy, national or public security)",
                    )
                    .into());
            }
            let e = crate::domain::task::Exemption::parse(reason, lang)?;
            if let Some(r) = t.result.as_ref().filter(|r| e.approved_on < r.determined) {
                return Err(match lang {
                    Lang::Zh => format!(
                        "批准日期 {} 早于结果认定日期 {}",
                        e.approved_on, r.determined
                    ),
                    Lang::En => format!(
                        "the approval date {} is before the result date {}",
                        e.approved_on, r.determined
                    ),
                });
            }
            let mut next = t.clone();
            next.publication = Some(Box::new(Publication::Exempt {
                reason: e.text(),
                by: user,
            }));
            Ok((next, e.text()))
        })
    }

    /// Record the follow-up of a violation (the result's phrase reports a problem: see
    /// [`PROBLEM_PHRASES`]). Given fields are set, the others kept, so the follow-up can be
    /// recorded as it happens. Every date is on or after the result's date; the rectification
    /// due date and the rectification are on or after the hand-over when there is one.
    ///
    /// `handed`: handed to the enforcement department (移交执法); `case_number`: the case
    /// filed (立案); `judiciary`: transferred to the judiciary (移送司法机关).
    pub fn task_follow_up(
        &self,
        id: TaskId,
        handed: Option<NaiveDate>,
        rectification_due: Option<NaiveDate>,
        rectified_on: Option<NaiveDate>,
        case_number: Option<String>,
        judiciary: Option<NaiveDate>,
    ) -> Result<Task, OfficeError> {
        self.task_step(id, StepKind::FollowUp, |t, lang| {
            let r = needs_result(t, lang)?;
            if !phrase_is_problem(r.phrase) {
                let problems: Vec<String> = PROBLEM_PHRASES.iter().map(u8::to_string).collect();
                return Err(zh_en(
                    lang,
                    format!(
                        "检查结果为“{}”，未发现违法问题，无需后续处理（适用于表述 {}）",
                        phrase_text(r.phrase).unwrap_or("?"),
                        problems.join("、")
                    ),
                    format!(
                        "the result \"{}\" reports no problem; a follow-up applies to phrases {}",
                        phrase_text(r.phrase).unwrap_or("?"),
                        problems.join(", ")
                    ),
                ));
            }
            if handed.is_none()
                && rectification_due.is_none()
                && rectified_on.is_none()
                && case_number.is_none()
                && judiciary.is_none()
            {
                return Err(lang
                    .pick(
                        "没有填写任何后续处理内容",
                        "nothing to record: give at least one field",
                    )
                    .into());
            }
            for d in [handed, rectified_on, judiciary].into_iter().flatten() {
                not_after_today(d, lang)?;
            }
            let mut f = t.follow_up.clone();
            if let Some(d) = handed {
                f.handed_to_enforcement = Some(d);
            }
            if let Some(d) = rectification_due {
                f.rectification_due = Some(d);
            }
            if let Some(d) = rectified_on {
                f.rectified_on = Some(d);
            }
            if let Some(c) = &case_number {
                if c.trim().is_empty() {
                    return Err(lang
                        .pick("立案编号不能为空", "the case number is empty")
                        .into());
                }
                f.case_number = c.trim().to_string();
            }
            if let Some(d) = judiciary {
                f.transferred_to_judiciary = Some(d);
            }
            let dates = [
                (
                    f.handed_to_enforcement,
                    "移交执法日期",
                    "the hand-over date",
                ),
                (
                    f.rectification_due,
                    "整改期限",
                    "the rectification due date",
                ),
                (f.rectified_on, "整改完成日期", "the rectification date"),
                (
                    f.transferred_to_judiciary,
                    "移送司法机关日期",
                    "the transfer to the judiciary",
                ),
            ];
            for (d, zh, en) in dates {
                if let Some(d) = d.filter(|d| *d < r.determined) {
                    return Err(zh_en(
                        lang,
                        format!("{zh} {d} 早于结果认定日期 {}", r.determined),
                        format!("{en} {d} is before the result date {}", r.determined),
                    ));
                }
            }
            if let Some(h) = f.handed_to_enforcement {
                for (d, zh, en) in [
                    (
                        f.rectification_due,
                        "整改期限",
                        "the rectification due date",
                    ),
                    (f.rectified_on, "整改完成日期", "the rectification date"),
                ] {
                    if let Some(d) = d.filter(|d| *d < h) {
                        return Err(zh_en(
                            lang,
                            format!("{zh} {d} 早于移交执法日期 {h}"),
                            format!("{en} {d} is before the hand-over date {h}"),
                        ));
                    }
                }
            }
            let summary = format!(
                "移交 {}，整改期限 {}，整改完成 {}，立案 {}，移送司法 {}",
                opt_date(f.handed_to_enforcement),
                opt_date(f.rectification_due),
                opt_date(f.rectified_on),
                if f.case_number.is_empty() {
                    "—"
                } else {
                    &f.case_number
                },
                opt_date(f.transferred_to_judiciary),
            );
            let mut next = t.clone();
            next.follow_up = f;
            Ok((next, summary))
        })
    }
}

/// The server's today (the office's local date).
fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A step is recorded when it has happened: its date may not be after today.
pub(super) fn not_after_today(date: NaiveDate, lang: Lang) -> Result<(), String> {
    let today = today();
    if date > today {
        return Err(zh_en(
            lang,
            format!("日期 {date} 晚于今天（{today}）：只能登记已经发生的事"),
            format!("the date {date} is after today ({today}): record what has happened"),
        ));
    }
    Ok(())
}

/// What `task N correct` changes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum CorrectStep {
    /// The check date.
    Check,
    /// The day the result was determined.
    Result,
    /// The publication date.
    Publish,
    /// The reason a result is not published.
    Exempt,
    /// The day the case was handed to enforcement.
    FollowUp,
}

impl Office {
    /// Correct a recorded step (the office role): the check date, the result's date, the
    /// publication date, the exemption's reason or the hand-over date. The new value is
    /// checked as the step itself is (not after today, the order of the steps kept); the
    /// correction is its own audit entry naming the old value, the new one and the reason.
    pub fn task_correct(
        &self,
        id: TaskId,
        step: CorrectStep,
        date: Option<NaiveDate>,
        text: Option<String>,
        reason: &str,
    ) -> Result<Task, OfficeError> {
        let drawn_on = {
            let book = self.book();
            book.tasks
                .iter()
                .find(|t| t.id == id)
                .and_then(|t| book.draws.iter().find(|d| d.id == t.draw))
                .map(|d| d.date)
        };
        let cal = &*self.calendar();
        let reason = reason.trim().to_string();
        self.task_step(id, StepKind::Correct, |t, lang| {
            if reason.is_empty() {
                return Err(lang
                    .pick(
                        "更正必须说明原因（--reason）",
                        "a correction needs a reason (--reason)",
                    )
                    .into());
            }
            let need_date = || {
                let d = date.ok_or_else(|| {
                    lang.pick(
                        "请给出更正后的日期（--date）",
                        "give the corrected date (--date)",
                    )
                    .to_string()
                })?;
                not_after_today(d, lang)?;
                Ok::<NaiveDate, String>(d)
            };
            let nothing = |what: &str| -> String {
                zh_en(
                    lang,
                    format!("尚未登记{what}，没有可更正的内容"),
                    format!("no {what} recorded: nothing to correct"),
                )
            };
            let before = |a: [&str; 2], d: NaiveDate, b: [&str; 2], e: NaiveDate| -> String {
                zh_en(
                    lang,
                    format!("{} {d} 早于{} {e}", a[0], b[0]),
                    format!("{} {d} is before {} {e}", a[1], b[1]),
                )
            };
            let mut next = t.clone();
            let (field, old, new) = match step {
                CorrectStep::Check => {
                    let d = need_date()?;
                    let Some(c) = next.check.as_mut() else {
                        return Err(nothing(lang.pick("检查", "check")));
                    };
                    if let Some(drawn) = drawn_on.filter(|x| d < *x) {
                        return Err(before(
                            ["检查日期", "the check date"],
                            d,
                            ["抽取日期", "the draw date"],
                            drawn,
                        ));
                    }
                    if let Some(r) = t.result.as_ref().filter(|r| r.determined < d) {
                        return Err(zh_en(
                            lang,
                            format!("检查日期 {d} 晚于结果认定日期 {}", r.determined),
                            format!(
                                "the check date {d} is after the result date {}",
                                r.determined
                            ),
                        ));
                    }
                    let old = c.date;
                    c.date = d;
                    ("检查日期", old.to_string(), d.to_string())
                }
                CorrectStep::Result => {
                    let d = need_date()?;
                    let check = t.check.as_ref().map(|c| c.date);
                    let published = match t.publication.as_deref() {
                        Some(Publication::Published { date, .. }) => Some(*date),
                        _ => None,
                    };
                    let Some(r) = next.result.as_mut() else {
                        return Err(nothing(lang.pick("检查结果", "result")));
                    };
                    if let Some(c) = check.filter(|c| d < *c) {
                        return Err(before(
                            ["结果认定日期", "the result date"],
                            d,
                            ["检查日期", "the check date"],
                            c,
                        ));
                    }
                    if let Some(p) = published.filter(|p| *p < d) {
                        return Err(zh_en(
                            lang,
                            format!("结果认定日期 {d} 晚于公示日期 {p}"),
                            format!("the result date {d} is after the publication date {p}"),
                        ));
                    }
                    cal.publication_due(d).map_err(|e| e.localize(lang))?;
                    let old = r.determined;
                    r.determined = d;
                    ("结果认定日期", old.to_string(), d.to_string())
                }
                CorrectStep::Publish => {
                    let d = need_date()?;
                    let determined = t.result.as_ref().map(|r| r.determined);
                    let Some(Publication::Published { date: p, .. }) =
                        next.publication.as_deref_mut()
                    else {
                        return Err(nothing(lang.pick("公示", "publication")));
                    };
                    if let Some(r) = determined.filter(|r| d < *r) {
                        return Err(before(
                            ["公示日期", "the publication date"],
                            d,
                            ["结果认定日期", "the result date"],
                            r,
                        ));
                    }
                    let old = *p;
                    *p = d;
                    ("公示日期", old.to_string(), d.to_string())
                }
                CorrectStep::Exempt => {
                    let new = text.as_deref().map(str::trim).unwrap_or("").to_string();
                    if new.is_empty() {
                        return Err(lang
                            .pick(
                                "请给出更正后的不予公开原因（--text）",
                                "give the corrected exemption reason (--text)",
                            )
                            .into());
                    }
                    let Some(Publication::Exempt { reason: r, .. }) =
                        next.publication.as_deref_mut()
                    else {
                        return Err(nothing(lang.pick("不予公开", "exemption")));
                    };
                    let old = std::mem::replace(r, new.clone());
                    ("不予公开原因", old, new)
                }
                CorrectStep::FollowUp => {
                    let d = need_date()?;
                    let determined = t.result.as_ref().map(|r| r.determined);
                    let Some(h) = next.follow_up.handed_to_enforcement.as_mut() else {
                        return Err(nothing(lang.pick("移交执法", "hand-over")));
                    };
                    if let Some(r) = determined.filter(|r| d < *r) {
                        return Err(before(
                            ["移交执法日期", "the hand-over date"],
                            d,
                            ["结果认定日期", "the result date"],
                            r,
                        ));
                    }
                    let old = *h;
                    *h = d;
                    ("移交执法日期", old.to_string(), d.to_string())
                }
            };
            if old == new {
                return Err(zh_en(
                    lang,
                    format!("{field}已是 {new}，无需更正"),
                    format!("already {new}: nothing to correct"),
                ));
            }
            Ok((next, format!("更正{field}：{old} → {new}，原因：{reason}")))
        })
    }
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
}

fn numbered_phrases() -> String {
    RESULT_PHRASES
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} {p}", i + 1))
        .collect::<Vec<_>>()
        .join("；")
}

fn needs_result(t: &Task, lang: Lang) -> Result<&ResultStep, String> {
    t.result.as_deref().ok_or_else(|| {
        lang.pick(
            "尚未登记检查结果，先登记结果（result）",
            "no result recorded yet: record the result first",
        )
        .into()
    })
}

fn not_yet_published(t: &Task, lang: Lang) -> Result<(), String> {
    match t.publication.as_deref() {
        None => Ok(()),
        Some(Publication::Published { date, .. }) => Err(zh_en(
            lang,
            format!("已于 {date} 登记公示"),
            format!("already published on {date}"),
        )),
        Some(Publication::Exempt { reason, .. }) => Err(zh_en(
            lang,
            format!("已登记为不予公开（{reason}）"),
            format!("already recorded as exempt ({reason})"),
        )),
    }
}

#[cfg(test)]
#[path = "tasks_tests.rs"]
pub(crate) mod tests;
