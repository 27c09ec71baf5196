//! The dashboard lists the period's attempts that did not stand (issue 13): a voided draw and
//! an abandoned announcement, by number; a period without any shows no such line.

use super::state::Tab;
use super::test_support::{date, demo, key, render};
use super::tests_work::{draw_plan3, press, state};
use crate::i18n::Lang;
use crate::office::announce::AnnounceRequest;
use crate::office::{DrawRequest, Office};

/// The demo with draw 1 voided, announcement 2 abandoned for 3 (open).
fn with_attempts() -> (Office, tempfile::TempDir) {
    let (office, dir) = demo(Lang::Zh);
    draw_plan3(&office);
    office.void_draw(1, "抽取日期录入错误").expect("void");
    for reason in ["原抽取已作废", "公告张贴有误"] {
        office
            .announce_draw(&AnnounceRequest {
                draw: DrawRequest {
                    plan: 3,
                    period: "2022Q3".into(),
                    date: Some(date(2022, 7, 20)),
                    ..DrawRequest::default()
                },
                source: "福彩3D 2022年第200期开奖号码".into(),
                reason: Some(reason.into()),
            })
            .expect("announce");
    }
    (office, dir)
}

fn dashboard(office: &Office, w: u16, h: u16) -> String {
    let mut app = state(office, Lang::Zh, w, h);
    press(office, &mut app, key('1'));
    assert_eq!(app.tab, Tab::Dashboard);
    format!("{}", render(office, &app).backend())
}

#[test]
fn snapshot_dashboard_attempts_80x24() {
    let (office, _dir) = with_attempts();
    let screen = dashboard(&office, 80, 24);
    assert!(screen.contains("作废 1（#1）"), "{screen}");
    assert!(screen.contains("放弃公告 1（#2）"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn snapshot_dashboard_attempts_120x40() {
    let (office, _dir) = with_attempts();
    insta::assert_snapshot!(dashboard(&office, 120, 40));
}

#[test]
fn no_attempts_no_line() {
    let (office, _dir) = demo(Lang::Zh);
    draw_plan3(&office);
    assert!(!dashboard(&office, 120, 40).contains("抽取记录"));
}
