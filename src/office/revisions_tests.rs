//! Optimistic concurrency in the office: a save based on an older revision is refused with
//! who changed the record and when, and changes nothing (issue 20).

use super::super::{Caller, Office, Reply, Request, Response};
use crate::domain::*;
use crate::i18n::Lang;
use crate::store::TreeName;

fn demo() -> (Office, crate::office::DemoDir) {
    Office::open_demo(Lang::Zh).unwrap()
}

/// What a refused call must leave as it was: the registries, the plans, the revisions and the
/// audit log (taken before the call).
fn snapshot(o: &Office) -> impl PartialEq + std::fmt::Debug {
    (
        o.state().targets.clone(),
        o.state().inspectors.clone(),
        o.book().plans.clone(),
        (*o.revisions()).clone(),
        o.audit_tail(usize::MAX).unwrap(),
    )
}

fn caller(user: &str, lang: Lang) -> Caller {
    Caller {
        lang,
        ..Caller::new(user, vec![])
    }
}

fn save_target(o: &Office, who: &Caller, t: &Target, base: Option<u64>) -> Response {
    o.handle(
        Request::SaveTarget {
            target: Box::new(t.clone()),
            base_revision: base,
        },
        who,
    )
}

#[test]
fn the_second_save_from_the_same_revision_is_refused_and_the_first_kept() {
    let (o, _dir) = demo();
    let (zhang, li) = (caller("zhang", Lang::Zh), caller("li", Lang::En));
    let base = o.revisions().rev(TreeName::Targets, 3);
    let loaded = o.state().targets[2].clone();
    // Both opened target 3 at the same revision.
    let mut a = loaded.clone();
    a.industry = "水泥制造".into();
    let mut b = loaded.clone();
    b.set_address("另一个地址");
    assert!(matches!(
        save_target(&o, &zhang, &a, Some(base)),
        Response::Ok(Reply::Target(_))
    ));
    let after_first = o.revisions().get(TreeName::Targets, 3).cloned().unwrap();
    assert_eq!(after_first.user, "zhang");
    assert!(after_first.rev > base);
    let before = snapshot(&o);
    let Response::Error(e) = save_target(&o, &li, &b, Some(base)) else {
        panic!("the stale save went through");
    };
    assert!(
        e.message_en.starts_with("target 3 changed by zhang at "),
        "{}",
        e.message_en
    );
    assert!(e.message_en.contains(": reload"), "{}", e.message_en);
    assert!(
        e.message_zh.contains("已被 zhang 于") && e.message_zh.contains("请重新载入"),
        "{}",
        e.message_zh
    );
    assert_eq!(snapshot(&o), before, "a refused save changes nothing");
    assert_eq!(
        o.state().targets[2].industry,
        "水泥制造",
        "the first change is kept"
    );
    assert_eq!(o.state().targets[2].address(), loaded.address());
    // Reloaded (the current revision), the second user's change goes through.
    assert!(matches!(
        save_target(
            &o,
            &li,
            &{
                let mut t = o.state().targets[2].clone();
                t.set_address("另一个地址");
                t
            },
            Some(after_first.rev)
        ),
        Response::Ok(_)
    ));
    assert_eq!(o.state().targets[2].industry, "水泥制造");
    assert_eq!(o.state().targets[2].address(), "另一个地址");
    assert_eq!(o.verify().unwrap().problem, None);
}

#[test]
fn plans_and_status_changes_are_checked_too() {
    let (o, _dir) = demo();
    let zhang = caller("zhang", Lang::En);
    let p = o.book().plans[0].clone();
    let base = o.revisions().rev(TreeName::Plans, p.id);
    let mut renamed = p.clone();
    renamed.name = format!("{}（修订）", p.name);
    o.save_plan_at(renamed.clone(), Some(base)).unwrap();
    let mut other = p.clone();
    other.name = format!("{}（另改）", p.name);
    let before = snapshot(&o);
    let r = o.handle(
        Request::SavePlan {
            plan: Box::new(other),
            base_revision: Some(base),
        },
        &zhang,
    );
    assert!(
        matches!(&r, Response::Error(e) if e.message_en.starts_with(&format!("plan {} changed by ", p.id))),
        "{r:?}"
    );
    assert_eq!(snapshot(&o), before);
    assert_eq!(o.book().plans[0].name, renamed.name);

    let date = chrono::NaiveDate::from_ymd_opt(2022, 5, 1).unwrap();
    let ibase = o.revisions().rev(TreeName::Inspectors, 2);
    o.set_inspector_status_at(2, InspectorStatus::Inactive, date, "借调", Some(ibase))
        .unwrap();
    let before = snapshot(&o);
    let r = o.handle(
        Request::SetInspectorStatus {
            inspector: 2,
            status: InspectorStatus::Left,
            effective: date,
            reason: "调离".into(),
            base_revision: Some(ibase),
        },
        &zhang,
    );
    assert!(
        matches!(&r, Response::Error(e) if e.message_en.starts_with("inspector 2 changed by ")),
        "{r:?}"
    );
    assert_eq!(snapshot(&o), before);
    assert_eq!(o.state().inspectors[1].status, InspectorStatus::Inactive);

    let tbase = o.revisions().rev(TreeName::Targets, 4);
    o.set_target_status_at(4, TargetStatus::Suspended, date, "停产", Some(tbase))
        .unwrap();
    let before = snapshot(&o);
    assert!(o
        .set_target_status_at(4, TargetStatus::Closed, date, "关闭", Some(tbase))
        .is_err());
    assert_eq!(snapshot(&o), before);
}

#[test]
fn an_import_bumps_the_revisions_of_what_it_changes() {
    let (o, _dir) = demo();
    let t = o.state().targets[0].clone();
    assert_eq!(o.revisions().rev(TreeName::Targets, t.id), 0);
    let csv = format!(
        "单位名称,统一社会信用代码,所在地区,行业类别\n{},{},{},新行业\n",
        t.name(),
        t.credit_code,
        t.region
    );
    let out = o
        .import_bytes(
            crate::office::ImportKind::Targets,
            "t.csv",
            csv.as_bytes(),
            false,
        )
        .unwrap();
    let seq = out.audit_seq.unwrap();
    assert_eq!(o.revisions().rev(TreeName::Targets, t.id), seq);
    assert_eq!(
        o.revisions().rev(TreeName::Targets, 2),
        0,
        "unchanged records keep theirs"
    );
    // A form opened before the import is now stale.
    let mut edited = t.clone();
    edited.set_address("x");
    assert!(o.save_target_at(edited, Some(0)).is_err());
    // The revisions are read back from the store at open.
    let path = o.store_path();
    let revs = (*o.revisions()).clone();
    drop(o);
    let o = Office::open(&path, Lang::Zh).unwrap();
    assert_eq!(*o.revisions(), revs);
}

#[test]
fn edit_target_reads_changes_and_writes_in_one_request() {
    let (o, _dir) = demo();
    let who = caller("zhang", Lang::En);
    let edit = |set: &[(&str, &str)], base: Option<u64>| {
        o.handle(
            Request::EditTarget {
                target: "5".into(),
                set: set
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                base_revision: base,
            },
            &who,
        )
    };
    let old = o.state().targets[4].clone();
    assert!(matches!(
        edit(&[("行业类别", "水泥制造")], None),
        Response::Ok(_)
    ));
    let rev = o.revisions().rev(TreeName::Targets, 5);
    let t = o.state().targets[4].clone();
    assert_eq!(t.industry, "水泥制造");
    let mut expect = old.clone();
    expect.industry = "水泥制造".into();
    assert_eq!(t, expect, "only the field set changed");
    // From an old revision: refused, nothing changed.
    let before = snapshot(&o);
    let r = edit(&[("address", "新地址")], Some(0));
    assert!(
        matches!(&r, Response::Error(e) if e.message_en.starts_with("target 5 changed by zhang at ")),
        "{r:?}"
    );
    assert_eq!(snapshot(&o), before);
    // A bad value or field is refused as an import row would be.
    let before = snapshot(&o);
    assert!(matches!(
        edit(&[("permit_class", "没有")], Some(rev)),
        Response::Error(_)
    ));
    assert!(matches!(
        edit(&[("no_such_field", "1")], Some(rev)),
        Response::Error(_)
    ));
    assert!(matches!(
        edit(&[("credit_code", "1")], Some(rev)),
        Response::Error(_)
    ));
    assert_eq!(snapshot(&o), before);
    // `show --json` carries the revision.
    let Response::Ok(Reply::Text(j)) = o.handle(
        Request::Show {
            kind: crate::office::ListKind::Targets,
            id: "5".into(),
            json: true,
        },
        &who,
    ) else {
        panic!("show failed");
    };
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["revision"], rev);
    assert_eq!(v["industry"], "水泥制造");
}
