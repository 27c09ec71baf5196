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
        t.publication.as_deref(),
        Some(&Publication::Published {
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
        t.publication.as_deref(),
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
        crate::domain::calendar::WorkingCalendar::from_toml_str(only_2022, "test.toml").unwrap(),
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

/// A task's steps are boxed and its period and row interned in memory (issue 17), never in the
/// store: a task with every step encodes to the bytes of the shape it always had (steps inline,
/// texts as strings), and reads back equal; and a task is small enough to be moved and copied
/// by the hundred thousand.
#[test]
fn boxed_steps_keep_the_stored_shape_and_a_task_is_compact() {
    use crate::domain::plan::InspectionMethod;
    use crate::domain::task::{CheckStep, FollowUp, MergedItem, Publication, ResultStep, Task};
    /// The stored shape of a task, as written before the steps were boxed and the texts interned.
    #[derive(serde::Serialize)]
    struct Unboxed {
        id: u64,
        draw: u64,
        plan: u64,
        period: String,
        target: u64,
        row: String,
        team: Vec<u64>,
        internal_joint: bool,
        partners: Vec<String>,
        method: InspectionMethod,
        relaxed_last_team: bool,
        voided: bool,
        check: Option<CheckStep>,
        result: Option<ResultStep>,
        publication: Option<Publication>,
        follow_up: FollowUp,
        merged: Vec<MergedItem>,
    }
    let check = CheckStep {
        date: d(2022, 8, 1),
        method: InspectionMethod::Remote,
        approval: String::new(),
        by: "甲".into(),
    };
    let result = ResultStep {
        phrase: 5,
        determined: d(2022, 8, 3),
        findings: "废水设施未运行".into(),
        signed: false,
        unsigned_reason: "拒签".into(),
        integrity_card: true,
        by: "乙".into(),
    };
    let publication = Publication::Published {
        date: d(2022, 8, 20),
        url: "http://x/1".into(),
        by: "丙".into(),
    };
    let follow_up = FollowUp {
        case_number: "宜环罚〔2022〕1号".into(),
        ..Default::default()
    };
    let merged = vec![MergedItem {
        draw: 2,
        plan: 7,
        row: "R".into(),
        added: Some(9),
    }];
    let task = Task {
        id: 11,
        draw: 1,
        plan: 3,
        period: "2022Q3".into(),
        target: 42,
        row: "C-2".into(),
        team: vec![4, 8],
        internal_joint: true,
        partners: vec!["SCJG".into()],
        method: InspectionMethod::OnSite,
        relaxed_last_team: false,
        voided: false,
        check: Some(Box::new(check.clone())),
        result: Some(Box::new(result.clone())),
        publication: Some(Box::new(publication.clone())),
        follow_up: follow_up.clone(),
        merged: merged.clone(),
    };
    let unboxed = Unboxed {
        id: 11,
        draw: 1,
        plan: 3,
        period: "2022Q3".into(),
        target: 42,
        row: "C-2".into(),
        team: vec![4, 8],
        internal_joint: true,
        partners: vec!["SCJG".into()],
        method: InspectionMethod::OnSite,
        relaxed_last_team: false,
        voided: false,
        check: Some(check),
        result: Some(result),
        publication: Some(publication),
        follow_up,
        merged,
    };
    let bytes = crate::store::codec::encode(&task).unwrap();
    assert_eq!(bytes, crate::store::codec::encode(&unboxed).unwrap());
    let back: Task = crate::store::codec::decode(&bytes).unwrap();
    assert_eq!(back, task);
    // 392 bytes with the steps inline and the texts as `String`s.
    assert!(
        std::mem::size_of::<Task>() <= 184,
        "{}",
        std::mem::size_of::<Task>()
    );
}
