use super::*;
use crate::office::tasks::tests::{d, drawn};
use crate::office::{ImportKind, ListKind, Roles};

fn caller(user: &str, groups: &[&str]) -> Caller {
    Caller {
        lang: Lang::En,
        ..Caller::new(user, groups.iter().map(|g| g.to_string()).collect())
    }
}

/// Plan 3 drawn for 2022Q3; the roles of the issue; li is the inspector of task 1's team.
fn office() -> (Office, crate::office::DemoDir, String) {
    let (o, dir) = drawn("2022Q3", d(2022, 7, 5));
    let li = {
        let st = o.state();
        let book = o.book();
        let t = &book.tasks[0];
        st.inspector(t.team[0]).unwrap().certificate_no.clone()
    };
    let text = format!(
        "[users]\nzhang = \"director\"\nwang = \"office\"\nli = \"inspector\"\nzhao = \"viewer\"\n\
             [groups]\nkeshi = \"office\"\n[inspectors]\nli = \"{li}\"\n"
    );
    o.set_roles(Some(Roles::parse(&text, "roles.toml").unwrap()));
    (o, dir, li)
}

fn is_ok(r: &Response) -> bool {
    matches!(r, Response::Ok(_))
}

/// Refused, naming the role needed, and nothing changed.
fn refused(o: &Office, req: Request, who: &Caller, needs: Role) {
    let audit = o.audit_len();
    let tasks = o.book().tasks.clone();
    let targets = o.state().targets.len();
    match o.handle(req, who) {
        Response::Error(e) => {
            assert_eq!(e.needs_role, Some(needs));
            assert_eq!(e.exit_code, 3);
            assert!(
                e.message_en.contains(needs.label(Lang::En)),
                "{}",
                e.message_en
            );
            assert!(
                e.message_zh.contains(needs.label(Lang::Zh)),
                "{}",
                e.message_zh
            );
            assert!(e.message_en.contains(&who.user));
        }
        Response::Ok(r) => panic!("{} was allowed {r:?}", who.user),
    }
    assert_eq!(o.audit_len(), audit);
    assert_eq!(o.book().tasks, tasks);
    assert_eq!(o.state().targets.len(), targets);
}

fn import_req() -> Request {
    Request::Import {
        kind: ImportKind::Departments,
        name: "d.csv".into(),
        bytes: Bytes(crate::office::demo::DEPARTMENTS_CSV.to_vec()),
        dry_run: false,
        clear_empty: false,
    }
}

fn check(task: u64) -> Request {
    Request::TaskStep {
        task,
        step: crate::domain::task::Step::Check {
            date: d(2022, 7, 20),
            method: None,
            approval: String::new(),
        },
    }
}

fn other_task(o: &Office, li: &str) -> u64 {
    let st = o.state();
    let book = o.book();
    book.tasks
        .iter()
        .find(|t| {
            t.team
                .iter()
                .all(|i| st.inspector(*i).is_some_and(|p| p.certificate_no != li))
        })
        .map(|t| t.id)
        .unwrap()
}

#[test]
fn viewer_reads_only() {
    let (o, _dir, _) = office();
    let zhao = caller("zhao", &[]);
    for r in [
        Request::List {
            kind: ListKind::Tasks,
            json: true,
        },
        Request::Verify,
        Request::Due {
            today: d(2022, 8, 1),
        },
        Request::Status {
            period: "2022Q3".into(),
            today: d(2022, 8, 1),
        },
    ] {
        assert!(is_ok(&o.handle(r, &zhao)));
    }
    refused(&o, import_req(), &zhao, Role::Office);
    refused(&o, check(1), &zhao, Role::Office);
    refused(&o, Request::Backup { to: None }, &zhao, Role::Office);
    refused(
        &o,
        Request::VoidDraw {
            draw: 1,
            reason: "x".into(),
        },
        &zhao,
        Role::Director,
    );
}

#[test]
fn inspector_records_only_the_tasks_of_their_team() {
    let (o, _dir, li_cert) = office();
    let li = caller("li", &[]);
    let other = other_task(&o, &li_cert);
    refused(&o, check(other), &li, Role::Office);
    let Response::Error(e) = o.handle(check(other), &li) else {
        panic!()
    };
    assert!(e.message_en.contains("their own team"));
    assert!(is_ok(&o.handle(check(1), &li)));
    // Recorded as li, in the audit log and on the step.
    assert_eq!(o.audit_tail(1).unwrap()[0].user, "li");
    assert_eq!(o.book().tasks[0].check.as_ref().unwrap().by, "li");
    refused(&o, import_req(), &li, Role::Office);
    refused(&o, draw(), &li, Role::Office);
}

fn draw() -> Request {
    Request::CommitDraw(crate::office::DrawRequest {
        plan: 1,
        period: "2022Q3".into(),
        date: Some(d(2022, 7, 5)),
        ..Default::default()
    })
}

#[test]
fn office_draws_and_records_but_does_not_void() {
    let (o, _dir, li) = office();
    // By group.
    let wang = caller("sun", &["keshi"]);
    assert!(is_ok(&o.handle(draw(), &wang)));
    assert_eq!(o.audit_tail(1).unwrap()[0].user, "sun");
    assert!(is_ok(&o.handle(check(other_task(&o, &li)), &wang)));
    assert!(is_ok(&o.handle(import_req(), &wang)));
    // The latest draw (an earlier one may carry its merged items: voided after it).
    let last = o.book().draws.len() as u64;
    refused(
        &o,
        Request::VoidDraw {
            draw: last,
            reason: "wrong plan".into(),
        },
        &wang,
        Role::Director,
    );
    let zhang = caller("zhang", &[]);
    assert!(is_ok(&o.handle(
        Request::VoidDraw {
            draw: last,
            reason: "wrong plan".into(),
        },
        &zhang
    )));
    assert_eq!(o.audit_tail(1).unwrap()[0].user, "zhang");
    let voided = o
        .book()
        .draws
        .last()
        .and_then(|d| d.voided.clone())
        .unwrap();
    assert_eq!(voided.by, "zhang");
}

#[test]
fn unknown_users_have_no_access_and_no_roles_file_means_director() {
    let (o, _dir, _) = office();
    refused(
        &o,
        Request::List {
            kind: ListKind::Plans,
            json: false,
        },
        &caller("stranger", &[]),
        Role::Viewer,
    );
    o.set_roles(None);
    assert!(is_ok(&o.handle(
        Request::VoidDraw {
            draw: 1,
            reason: "single-user office".into(),
        },
        &caller("stranger", &[])
    )));
}

#[test]
fn refusals_of_the_office_come_back_in_the_callers_language() {
    let (o, _dir, _) = office();
    let zh = Caller {
        lang: Lang::Zh,
        ..caller("zhang", &[])
    };
    let Response::Error(e) = o.handle(check(99_999), &zh) else {
        panic!()
    };
    assert!(e.message_zh.contains("没有这个任务"), "{}", e.message_zh);
    assert_eq!(e.needs_role, None);
    // The office's own user and language are back after the request.
    assert_eq!(o.lang(), Lang::En);
    assert_ne!(o.user(), "zhang");
}

/// Issue 14: `list draws --json` (render_list → draw_json, which read the registries and
/// the book again) while task steps are written deadlocked the office: std's RwLock queued
/// the second read behind the waiting writer, who waited for the first read. Readers now
/// take snapshots and hold no lock, so this finishes.
#[test]
fn listing_draws_as_json_while_writes_run_does_not_deadlock() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let (o, dir, _) = office();
    let o = Arc::new(o);
    let tasks: Vec<u64> = o.book().tasks.iter().map(|t| t.id).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let (done_tx, done_rx) = std::sync::mpsc::channel::<&str>();
    let mut readers = Vec::new();
    for _ in 0..3 {
        let (o, stop, tx) = (Arc::clone(&o), Arc::clone(&stop), done_tx.clone());
        readers.push(std::thread::spawn(move || {
            let zhao = caller("zhao", &[]);
            let mut n = 0u32;
            while !stop.load(Ordering::Relaxed) && n < 100_000 {
                let r = o.handle(
                    Request::List {
                        kind: ListKind::Draws,
                        json: true,
                    },
                    &zhao,
                );
                assert!(is_ok(&r), "{r:?}");
                n += 1;
            }
            let _ = tx.send("reader");
        }));
    }
    {
        let (o, stop, tx) = (Arc::clone(&o), Arc::clone(&stop), done_tx.clone());
        std::thread::spawn(move || {
            let zhang = caller("zhang", &[]);
            for t in &tasks {
                assert!(is_ok(&o.handle(check(*t), &zhang)));
            }
            // Then plans saved again and again for a second (bounded in count too).
            let start = std::time::Instant::now();
            let mut plan = o.book().plans[0].clone();
            for i in 0..500 {
                if start.elapsed() > std::time::Duration::from_secs(1) {
                    break;
                }
                plan.name = format!("计划 {i}");
                let r = o.handle(
                    Request::SavePlan {
                        plan: Box::new(plan.clone()),
                        base_revision: None,
                    },
                    &zhang,
                );
                assert!(is_ok(&r), "{r:?}");
            }
            stop.store(true, Ordering::Relaxed);
            let _ = tx.send("writer");
        });
    }
    drop(done_tx);
    for _ in 0..4 {
        let who = done_rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("readers and the writer deadlocked");
        assert!(who == "reader" || who == "writer");
    }
    for r in readers {
        r.join().unwrap();
    }
    assert!(o.book().tasks.iter().all(|t| t.check.is_some()));
    drop(dir);
}

#[test]
fn frames_round_trip_and_refuse_oversized_lengths() {
    let mut buf = Vec::new();
    write_frame(&mut buf, &draw()).unwrap();
    assert_eq!(
        u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize,
        buf.len() - 4
    );
    let back: Request = read_frame(&mut buf.as_slice()).unwrap().unwrap();
    assert!(matches!(back, Request::CommitDraw(r) if r.plan == 1));
    assert!(read_frame::<Request>(&mut [].as_slice()).unwrap().is_none());
    let mut huge = (MAX_FRAME + 1).to_be_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    assert!(read_frame::<Request>(&mut huge.as_slice()).is_err());
    // Truncated body.
    assert!(read_frame::<Request>(&mut &buf[..buf.len() - 1]).is_err());
}

/// The table's `reply` column is what `execute` answers with (issue 11, the operation table).
#[test]
fn each_request_answers_with_the_reply_its_table_entry_names() {
    let (o, _dir, _) = office();
    let zhang = caller("zhang", &[]);
    for r in [
        Request::List {
            kind: ListKind::Tasks,
            json: true,
        },
        Request::Verify,
        Request::AuditHead,
        Request::AuditTail { n: 3 },
        Request::Snapshot,
        Request::Due {
            today: d(2022, 8, 1),
        },
        Request::Status {
            period: "2022Q3".into(),
            today: d(2022, 8, 1),
        },
        check(1),
    ] {
        let probe = r.clone();
        match o.handle(r, &zhang) {
            Response::Ok(reply) => assert!(probe.fits(&reply), "{} → {reply:?}", probe.name()),
            Response::Error(e) => panic!("{}: {}", probe.name(), e.message_en),
        }
    }
    // And a refusal names the operation's label in the caller's language.
    let zhao = caller("zhao", &[]);
    let Response::Error(e) = o.handle(check(1), &zhao) else {
        panic!("a viewer records no step")
    };
    assert!(
        e.message_en.contains("recording a task step"),
        "{}",
        e.message_en
    );
}
