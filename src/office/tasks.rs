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
        let Some(i) = book.tasks.iter().position(|t| t.id == id) else {
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
            let task = book.tasks.iter().find(|t| t.id == id);
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
            next.check = Some(CheckStep {
                date,
                method,
                approval: approval.to_string(),
                by: user,
            });
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
            next.result = Some(ResultStep {
                phrase,
                determined,
                findings: findings.trim().to_string(),
                signed: reason.is_empty(),
                unsigned_reason: reason,
                integrity_card,
                by: user,
            });
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
            next.publication = Some(Publication::Published {
                date,
                url: url.trim().to_string(),
                by: user,
            });
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
            next.publication = Some(Publication::Exempt {
                reason: e.text(),
                by: user,
            });
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
                    let published = match &t.publication {
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
                    let Some(Publication::Published { date: p, .. }) = next.publication.as_mut()
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
                    let Some(Publication::Exempt { reason: r, .. }) = next.publication.as_mut()
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
    t.result.as_ref().ok_or_else(|| {
        lang.pick(
            "尚未登记检查结果，先登记结果（result）",
            "no result recorded yet: record the result first",
        )
        .into()
    })
}

fn not_yet_published(t: &Task, lang: Lang) -> Result<(), String> {
    match &t.publication {
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
pub(crate) mod tests {
    use super::*;
    use crate::office::{DemoDir, DrawRequest};

    /// The entropy the tests' announcements seal (fixed so that results are stable).
    pub(crate) const ENTROPY: [u8; 32] = [0x5a; 32];

    pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The demo store with plan 3 drawn for `period` on `date`.
    pub(crate) fn drawn(period: &str, date: NaiveDate) -> (Office, DemoDir) {
        let (o, dir) = Office::open_demo(Lang::En).unwrap();
        crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
        o.commit_draw(&DrawRequest {
            plan: 3,
            period: period.into(),
            date: Some(date),
            ..Default::default()
        })
        .unwrap();
        (o, dir)
    }

    fn task(o: &Office, id: TaskId) -> Task {
        o.book().tasks.iter().find(|t| t.id == id).unwrap().clone()
    }

    /// The step is refused with a message naming the task and the step, and nothing changes
    /// (memory, store, audit log).
    /// `call` must be refused with `why`, naming the task and step, and change nothing: the
    /// tasks and the audit log are taken before the call and compared after it.
    fn refused(
        o: &Office,
        id: TaskId,
        step: &str,
        call: impl FnOnce() -> Result<Task, OfficeError>,
        why: &str,
    ) {
        let before = o.book().tasks.clone();
        let audit = o.audit_len();
        match call() {
            Err(OfficeError::Refused(m)) => {
                assert!(m.contains(&format!("task #{id}, {step}")), "{m}");
                assert!(m.contains(why), "{m:?} should say {why:?}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(o.book().tasks, before);
        assert_eq!(o.audit_len(), audit);
    }

    #[test]
    #[should_panic(expected = "assertion `left == right` failed")]
    fn refused_fails_when_the_refused_call_changed_something() {
        // The snapshot is taken before the call: a "refusal" that wrote a check is caught.
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        refused(
            &o,
            1,
            "check",
            || {
                o.task_check(1, d(2022, 7, 20), None, "").unwrap();
                Err(OfficeError::Refused("task #1, check: pretend".into()))
            },
            "pretend",
        );
    }

    fn checked_with_result(o: &Office, id: TaskId, phrase: u8, determined: NaiveDate) -> Task {
        o.task_check(id, d(2022, 7, 20), None, "").unwrap();
        o.task_result(id, phrase, determined, "", None, true)
            .unwrap()
    }

    #[test]
    fn steps_in_order_are_committed_audited_and_persisted() {
        let (o, dir) = drawn("2022Q3", d(2022, 7, 5));
        let audit = o.audit_len();
        let planned = task(&o, 1).method;
        let t = o.task_check(1, d(2022, 7, 20), None, "").unwrap();
        let c = t.check.clone().unwrap();
        assert_eq!((c.date, c.method), (d(2022, 7, 20), planned));
        assert_eq!(c.by, o.user());
        let t = o
            .task_result(
                1,
                5,
                d(2022, 9, 30),
                "废水设施未运行",
                Some("拒签".into()),
                true,
            )
            .unwrap();
        let r = t.result.clone().unwrap();
        assert_eq!((r.phrase, r.determined), (5, d(2022, 9, 30)));
        assert!(!r.signed && r.unsigned_reason == "拒签" && r.integrity_card);
        assert_eq!(r.findings, "废水设施未运行");
        let t = o.task_publish(1, d(2022, 10, 20), " http://x/1 ").unwrap();
        assert_eq!(
            t.publication,
            Some(Publication::Published {
                date: d(2022, 10, 20),
                url: "http://x/1".into(),
                by: o.user()
            })
        );
        let t = o
            .task_follow_up(
                1,
                Some(d(2022, 10, 1)),
                Some(d(2022, 11, 1)),
                None,
                None,
                None,
            )
            .unwrap();
        // A second follow-up keeps what was recorded and adds to it.
        let t2 = o
            .task_follow_up(
                1,
                None,
                None,
                Some(d(2022, 10, 25)),
                Some("宜环罚〔2022〕7号".into()),
                None,
            )
            .unwrap();
        assert_eq!(t2.follow_up.handed_to_enforcement, Some(d(2022, 10, 1)));
        assert_eq!(
            t2.follow_up.rectification_due,
            t.follow_up.rectification_due
        );
        assert_eq!(t2.follow_up.rectified_on, Some(d(2022, 10, 25)));
        assert_eq!(t2.follow_up.case_number, "宜环罚〔2022〕7号");
        assert_eq!(o.audit_len(), audit + 5);
        let tail = o.audit_tail(5).unwrap();
        // Newest first.
        let actions: Vec<&str> = tail.iter().rev().map(|e| e.action.as_str()).collect();
        assert_eq!(
            actions,
            [
                "task check",
                "task result",
                "task publish",
                "task follow-up",
                "task follow-up"
            ]
        );
        assert!(o.verify().unwrap().problem.is_none());
        // Reopened from the store: the same task.
        let mem = task(&o, 1);
        let path = o.store_path();
        drop(o);
        let o = Office::open(&path, Lang::En).unwrap();
        assert_eq!(task(&o, 1), mem);
        drop(dir);
    }

    #[test]
    fn other_method_needs_approval() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        refused(
            &o,
            2,
            "check",
            || o.task_check(2, d(2022, 7, 20), Some(InspectionMethod::Other), "  "),
            "approval",
        );
        let t = o
            .task_check(
                2,
                d(2022, 7, 20),
                Some(InspectionMethod::Other),
                "宜环批〔2022〕3号",
            )
            .unwrap();
        let c = t.check.unwrap();
        assert_eq!(c.method, InspectionMethod::Other);
        assert_eq!(c.approval, "宜环批〔2022〕3号");
        // Issue 12: the plan drawn here is 现场检查, so a remote check is refused.
        refused(
            &o,
            3,
            "check",
            || o.task_check(3, d(2022, 7, 20), Some(InspectionMethod::Remote), ""),
            "remote",
        );
    }

    /// Issue 12, acceptance 4: a target with complaints (or on the C-3 list) is checked on
    /// site even where its plan (科技检查, plan 5) allows a remote check.
    #[test]
    fn a_remote_check_of_a_target_with_complaints_is_refused() {
        let (o, _dir) = Office::open_demo(Lang::En).unwrap();
        crate::office::announce::fix_entropy_for_tests(Some(ENTROPY));
        o.commit_draw(&DrawRequest {
            plan: 5,
            period: "2022Q3".into(),
            date: Some(d(2022, 7, 5)),
            ..Default::default()
        })
        .unwrap();
        let t = o
            .book()
            .tasks
            .iter()
            .find(|t| t.plan == 5 && t.method == InspectionMethod::Remote)
            .cloned()
            .expect("plan 5 draws remote tasks");
        // Before the complaint the target may be checked remotely; then a complaint comes in.
        let mut target = o.state().target(t.target).unwrap().clone();
        assert!(target.remote_allowed());
        target.complaints = 1;
        o.save_target(target).unwrap();
        refused(
            &o,
            t.id,
            "check",
            || o.task_check(t.id, d(2022, 7, 20), Some(InspectionMethod::Remote), ""),
            "checked on site",
        );
        // On site it is recorded.
        let checked = o
            .task_check(t.id, d(2022, 7, 20), Some(InspectionMethod::OnSite), "")
            .unwrap();
        assert_eq!(checked.check.unwrap().method, InspectionMethod::OnSite);
    }

    #[test]
    fn out_of_order_steps_and_bad_input_are_refused_without_change() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        let n = o.book().tasks.len() as u64;
        let unknown = n + 1;
        refused(
            &o,
            unknown,
            "check",
            || o.task_check(unknown, d(2022, 7, 20), None, ""),
            "no such task",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2022, 8, 1), "", None, false),
            "not checked",
        );
        refused(
            &o,
            1,
            "publication",
            || o.task_publish(1, d(2022, 8, 1), ""),
            "no result",
        );
        refused(&o, 1, "exemption", || o.task_exempt(1, "保密"), "no result");
        refused(
            &o,
            1,
            "follow-up",
            || o.task_follow_up(1, Some(d(2022, 8, 1)), None, None, None, None),
            "no result",
        );
        refused(
            &o,
            1,
            "check",
            || o.task_check(1, d(2022, 7, 4), None, ""),
            "before the draw date 2022-07-05",
        );
        o.task_check(1, d(2022, 7, 20), None, "").unwrap();
        refused(
            &o,
            1,
            "check",
            || o.task_check(1, d(2022, 7, 21), None, ""),
            "already checked on 2022-07-20",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 0, d(2022, 8, 1), "", None, false),
            "phrase 0 is invalid",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 9, d(2022, 8, 1), "", None, false),
            "phrase 9 is invalid",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2022, 7, 19), "", None, false),
            "before the check date 2022-07-20",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2022, 8, 1), "", Some(" ".into()), false),
            "unsigned",
        );
        o.task_result(1, 1, d(2022, 8, 1), "", None, false).unwrap();
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2022, 8, 2), "", None, false),
            "already recorded",
        );
        refused(
            &o,
            1,
            "publication",
            || o.task_publish(1, d(2022, 7, 31), ""),
            "before the result date 2022-08-01",
        );
        refused(&o, 1, "exemption", || o.task_exempt(1, " "), "reason");
        refused(
            &o,
            1,
            "follow-up",
            || o.task_follow_up(1, Some(d(2022, 8, 2)), None, None, None, None),
            "reports no problem",
        );
        // Issue 12: a reason outside the three grounds, or without approver and date, is refused.
        refused(
            &o,
            1,
            "exemption",
            || o.task_exempt(1, "忘记了"),
            "not one of",
        );
        refused(
            &o,
            1,
            "exemption",
            || o.task_exempt(1, "涉及国家安全"),
            "approver",
        );
        let t = o.task_exempt(1, "涉及国家安全；张三；2022-08-02").unwrap();
        assert!(matches!(
            t.publication,
            Some(Publication::Exempt { ref reason, .. })
                if reason == "涉及国家安全；批准人：张三；批准日期：2022-08-02"
        ));
        refused(
            &o,
            1,
            "publication",
            || o.task_publish(1, d(2022, 8, 2), ""),
            "already recorded as exempt",
        );
        refused(
            &o,
            1,
            "exemption",
            || o.task_exempt(1, "again"),
            "already recorded as exempt",
        );

        checked_with_result(&o, 2, 8, d(2022, 8, 1));
        o.task_publish(2, d(2022, 8, 3), "").unwrap();
        refused(
            &o,
            2,
            "publication",
            || o.task_publish(2, d(2022, 8, 4), ""),
            "already published on 2022-08-03",
        );
        refused(
            &o,
            2,
            "follow-up",
            || o.task_follow_up(2, None, None, None, None, None),
            "nothing to record",
        );
        refused(
            &o,
            2,
            "follow-up",
            || o.task_follow_up(2, Some(d(2022, 7, 31)), None, None, None, None),
            "before the result date",
        );
        refused(
            &o,
            2,
            "follow-up",
            || {
                o.task_follow_up(
                    2,
                    Some(d(2022, 8, 10)),
                    None,
                    Some(d(2022, 8, 9)),
                    None,
                    None,
                )
            },
            "before the hand-over date",
        );
        refused(
            &o,
            2,
            "follow-up",
            || o.task_follow_up(2, None, None, None, Some(" ".into()), None),
            "case number",
        );
    }

    #[test]
    fn a_voided_draw_refuses_its_tasks_steps() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        o.task_check(1, d(2022, 7, 20), None, "").unwrap();
        o.void_draw(1, "录入错误").unwrap();
        refused(
            &o,
            2,
            "check",
            || o.task_check(2, d(2022, 7, 20), None, ""),
            "voided",
        );
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2022, 8, 1), "", None, false),
            "voided",
        );
    }

    #[test]
    fn messages_name_task_and_step_in_chinese() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        let path = o.store_path();
        drop(o);
        let o = Office::open(&path, Lang::Zh).unwrap();
        let e = o.task_publish(1, d(2022, 8, 1), "").unwrap_err();
        assert_eq!(
            e.localize(Lang::Zh),
            "任务 #1（登记公示）：尚未登记检查结果，先登记结果（result）"
        );
    }

    #[test]
    fn publication_due_counts_working_days_across_national_day() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        let t = checked_with_result(&o, 1, 1, d(2022, 9, 30));
        let st = o.state();
        let j = crate::office::task_json_of(&t, &st, &o.book().plans, &o.calendar());
        // 10/1-10/7 off, 10/8 and 10/9 worked: 20 working days after Friday 9/30 is 11/2.
        assert_eq!(j.due, Some(d(2022, 11, 2)));
        assert_eq!(j.determined, Some(d(2022, 9, 30)));
        assert_eq!(j.phrase_text.as_deref(), Some("未发现问题"));
        drop(st);
        let due = o.due(d(2022, 11, 2)).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].due, due[0].overdue, due[0].days_left),
            (d(2022, 11, 2), false, 0)
        );
        // Thursday 11/3 is one working day late.
        let due = o.due(d(2022, 11, 3)).unwrap();
        assert_eq!((due[0].overdue, due[0].days_left), (true, -1));
        // On 10/8 (a make-up Saturday) the working days left are 10/9 and 10/10 .. 11/2: 19.
        assert_eq!(o.due(d(2022, 10, 8)).unwrap()[0].days_left, 19);
    }

    #[test]
    fn a_result_in_a_year_the_calendar_does_not_cover_is_refused() {
        // A calendar that has 2022 only: a result determined in 2023 cannot get its deadline.
        // (Dates after today are refused first, so the year must be one before today.)
        let (o, _dir) = drawn("2022Q4", d(2022, 12, 1));
        let full = crate::domain::calendar::WorkingCalendar::DEFAULT_TOML;
        let only_2022 = &full[..full.find("[years.2023]").unwrap()];
        o.set_calendar_for_test(
            crate::domain::calendar::WorkingCalendar::from_toml_str(only_2022, "test.toml")
                .unwrap(),
        );
        o.task_check(1, d(2022, 12, 10), None, "").unwrap();
        refused(
            &o,
            1,
            "result",
            || o.task_result(1, 1, d(2023, 1, 5), "", None, false),
            "the working calendar has no 2023",
        );
        // With 2023 in the calendar, the same result is accepted.
        o.set_calendar_for_test(crate::domain::calendar::WorkingCalendar::default_calendar());
        o.task_result(1, 1, d(2023, 1, 5), "", None, false).unwrap();
    }

    #[test]
    fn a_step_dated_after_today_is_refused() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        let ahead = chrono::Local::now().date_naive() + chrono::Days::new(1);
        refused(
            &o,
            1,
            "check",
            || o.task_check(1, ahead, None, ""),
            "is after today",
        );
        o.task_check(1, d(2022, 7, 10), None, "").unwrap();
        // A result dated ahead: refused as ahead, or (past the calendar's last year) for the
        // missing notice; never recorded.
        let before = o.book().tasks.clone();
        assert!(o.task_result(1, 1, ahead, "", None, false).is_err());
        assert_eq!(o.book().tasks, before);
    }

    #[test]
    fn a_wrong_check_date_is_corrected_on_record_with_the_old_value() {
        let (o, _dir) = drawn("2022Q3", d(2022, 7, 5));
        o.task_check(1, d(2022, 8, 30), None, "").unwrap();
        o.task_result(1, 1, d(2022, 9, 1), "", None, false).unwrap();
        let len = o.audit_len();
        // Not before the draw, not after the result, a reason required.
        for (date, reason, why) in [
            (d(2022, 7, 1), "录入错误", "before"),
            (d(2022, 9, 2), "录入错误", "after the result date"),
            (d(2022, 7, 10), " ", "needs a reason"),
        ] {
            refused(
                &o,
                1,
                "correction",
                || o.task_correct(1, CorrectStep::Check, Some(date), None, reason),
                why,
            );
        }
        assert_eq!(o.audit_len(), len, "refusals write nothing");
        let t = o
            .task_correct(
                1,
                CorrectStep::Check,
                Some(d(2022, 7, 10)),
                None,
                "录入错误",
            )
            .unwrap();
        assert_eq!(t.check.as_ref().unwrap().date, d(2022, 7, 10));
        assert_eq!(task(&o, 1).check.unwrap().date, d(2022, 7, 10));
        let entry = o.audit_tail(1).unwrap().pop().unwrap();
        assert_eq!(entry.action, "task correct");
        assert!(
            entry.summary.contains("2022-08-30 → 2022-07-10") && entry.summary.contains("录入错误"),
            "{}",
            entry.summary
        );
        // The result date too; and an exemption's reason.
        o.task_correct(1, CorrectStep::Result, Some(d(2022, 7, 12)), None, "笔误")
            .unwrap();
        assert_eq!(task(&o, 1).result.unwrap().determined, d(2022, 7, 12));
        refused(
            &o,
            1,
            "correction",
            || o.task_correct(1, CorrectStep::Publish, Some(d(2022, 7, 20)), None, "x"),
            "nothing to correct",
        );
        assert_eq!(o.verify().unwrap().problem, None);
    }
}
