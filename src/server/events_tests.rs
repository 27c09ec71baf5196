//! Subscribers hear of every change of the audit log, also of a refused write that is on
//! record: an infeasible draw attempt (issue 13) is an audited commit, and the other TUIs
//! must reload to show it.

use super::*;
use crate::office::announce::AnnounceRequest;
use crate::office::DrawRequest;
use std::sync::mpsc;

#[test]
fn an_infeasible_attempt_through_serve_notifies_the_subscribers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    Office::open(&db, Lang::En).unwrap().load_demo().unwrap();
    let socket = dir.path().join("s.sock");
    let server = Server::bind(&db, &socket, &dir.path().join("no-roles.toml"), Lang::En).unwrap();
    let office = Arc::clone(server.office());
    std::thread::spawn(move || server.run());

    let (tx, rx) = mpsc::channel();
    let sub_socket = socket.clone();
    std::thread::spawn(move || {
        let c = Client::connect(&sub_socket, Lang::En).expect("subscriber");
        let _ = c.subscribe(|ev| tx.send(ev).is_ok());
    });
    // Let the subscription register before the first write.
    std::thread::sleep(Duration::from_millis(500));

    let mut c = Client::connect(&socket, Lang::En).unwrap();
    let announce = Request::AnnounceDraw(AnnounceRequest {
        draw: DrawRequest {
            plan: 3,
            period: "2022Q3".into(),
            date: chrono::NaiveDate::from_ymd_opt(2022, 7, 5),
            ..DrawRequest::default()
        },
        source: "福彩3D 2022年第185期开奖号码".into(),
        reason: None,
    });
    assert!(matches!(c.call(&announce).unwrap(), Response::Ok(_)));
    let wait = || rx.recv_timeout(Duration::from_secs(10)).expect("an event");
    let first = wait();
    assert_eq!(first.audit_len, office.audit_len() as u64);

    office.cripple_announcement_for_tests(1);
    let before = office.audit_len();
    let resp = c
        .call(&Request::CommitAnnounced {
            announcement: 1,
            witness: "185".into(),
        })
        .unwrap();
    assert!(matches!(resp, Response::Error(_)), "the draw is infeasible");
    assert_eq!(office.audit_len(), before + 1, "the attempt is on record");
    let ev = wait();
    assert_eq!(ev.audit_len, before as u64 + 1);
    assert!(!ev.resync);

    // A refused write that records nothing sends nothing.
    let resp = c
        .call(&Request::CommitAnnounced {
            announcement: 1,
            witness: "186".into(),
        })
        .unwrap();
    assert!(matches!(resp, Response::Error(_)));
    assert_eq!(office.audit_len(), before + 1);
    assert!(rx.recv_timeout(Duration::from_millis(500)).is_err());
}
