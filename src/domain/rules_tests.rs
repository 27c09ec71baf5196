use super::*;
use crate::domain::credit_code::CreditCode;
use crate::domain::target::{MonthSet, TargetStatus, TargetText};

fn target() -> Target {
    Target {
        id: 1,
        text: TargetText::new("宜良某厂", "", ""),
        credit_code: CreditCode::from_stored("91530125MA6K5XQ10X".into()),
        region: "匡远街道".into(),
        industry: "化工".into(),
        permit_class: PermitClass::None,
        lists: SupervisionLists::default(),
        radiation_user: false,
        construction_project: false,
        positive_list: false,
        online_monitoring: false,
        video_monitoring: false,
        pollutants: Default::default(),
        production_months: MonthSet::ALL,
        credit_grade: Default::default(),
        performance_grade: Default::default(),
        violations: 0,
        complaints: 0,
        status: TargetStatus::Operating,
        status_history: vec![],
        tags: Default::default(),
    }
}

fn rules() -> Rules {
    Rules::default_rules()
}

#[test]
fn default_rules_load() {
    let r = Rules::from_toml_str(Rules::DEFAULT_TOML, "rules.toml").unwrap();
    let ids: Vec<&str> = r.rows().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        ["R", "P", "C-3", "C-2", "B-2", "B-3", "A-2", "A-3", "A-1", "B-1", "C-1", "C-4", "A-4"]
    );
    assert_eq!(r.applicable_rows().count(), 12);
    let a1 = r.row("A-1").unwrap();
    assert_eq!(
        (a1.cycle, a1.ratio_min_bp, a1.ratio_max_bp),
        (Cycle::Quarter, 500, 500)
    );
    let c4 = r.row("C-4").unwrap();
    assert!(c4.is_range());
    assert_eq!(c4.ratio_text(Lang::Zh), "10%–30%");
    assert_eq!(a1.ratio_text(Lang::Zh), "不低于5%");
    assert_eq!(r.row("B-2").unwrap().cycle, Cycle::Half);
    assert_eq!(r.row("A-4").unwrap().level, Level::City);
    let s = r.settings();
    assert_eq!(s.internal_joint_min_percent, 3);
    assert_eq!(
        (
            s.inter_department_draws_per_year,
            s.inter_department_targets_per_year
        ),
        (4, 20)
    );
    assert_eq!(
        (s.default_team_size, s.workload_cap, s.workload_cap_cycle),
        (2, 16, Cycle::Quarter)
    );
}

#[test]
fn key_permit_alone_is_a1() {
    let mut t = target();
    t.permit_class = PermitClass::Key;
    let c = rules().classify(&t);
    assert_eq!(c.governing.as_deref(), Some("A-1"));
    assert!(c.lost.is_empty());
}

#[test]
fn complaints_govern_over_key_permit() {
    let mut t = target();
    t.permit_class = PermitClass::Key;
    t.lists.concentrated_complaints = true;
    let r = rules();
    let c = r.classify(&t);
    assert_eq!(c.governing.as_deref(), Some("C-3"));
    assert_eq!(
        c.lost,
        vec![(
            "A-1".to_string(),
            LostReason::SpecialOrGeneralPrevails {
                winner: "C-3".into()
            }
        )]
    );
    let zh = r.explain(&t, Lang::Zh);
    assert!(
        zh.starts_with("适用 C-3 群众集中投诉（一般，2次/年，100%）：群众集中投诉 = 是"),
        "{zh}"
    );
    assert!(
        zh.contains(
            "也符合 A-1 排污许可重点管理，但 C-3 群众集中投诉 优先（特殊/一般条件优先于重点条件）"
        ),
        "{zh}"
    );
    let en = r.explain(&t, Lang::En);
    assert!(
        en.contains("special/general conditions govern over key conditions"),
        "{en}"
    );
}

#[test]
fn special_list_beats_mee_list() {
    let mut t = target();
    t.lists.mee_provincial_key = true;
    t.lists.kunming_key_discharge = true;
    let c = rules().classify(&t);
    assert_eq!(c.governing.as_deref(), Some("B-2"));
    assert_eq!(c.matched.len(), 2);
}

#[test]
fn radiation_and_construction_are_categories_beside_table_1() {
    let mut t = target();
    t.radiation_user = true;
    t.construction_project = true;
    t.permit_class = PermitClass::Simplified;
    let r = rules();
    let c = r.classify(&t);
    // The pollution-source row is not displaced: B-1 governs, R and P are owed beside it.
    assert_eq!(c.governing.as_deref(), Some("B-1"));
    assert_eq!(c.also, vec!["R".to_string(), "P".to_string()]);
    assert!(c.lost.is_empty(), "{:?}", c.lost);
    let ids: Vec<&str> = r.obligations(&t).iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["B-1", "R", "P"]);
    assert_eq!(r.obligation_text(&t), "B-1+R+P");
    let text = r.explain(&t, Lang::Zh);
    assert!(text.contains("适用 B-1"), "{text}");
    assert!(text.contains("另属检查类别“核技术利用”：R"), "{text}");

    // The source's example: an X-ray hospital on the Kunming key discharge list owes one
    // radiation inspection a year and two pollution-source inspections a year.
    let mut h = target();
    h.radiation_user = true;
    h.lists.kunming_key_discharge = true;
    let ob = r.obligations(&h);
    let ids: Vec<(&str, Cycle)> = ob.iter().map(|r| (r.id.as_str(), r.cycle)).collect();
    assert_eq!(ids, [("B-2", Cycle::Half), ("R", Cycle::Year)]);

    // A radiation user on no list owes its radiation inspection only (not C-4).
    let mut x = target();
    x.radiation_user = true;
    assert_eq!(r.governing(&x).map(|r| r.id.as_str()), None);
    assert_eq!(r.obligation_text(&x), "R");
    let e = r.explain(&x, Lang::En);
    assert!(e.contains("no pollution-source row"), "{e}");
    // Nothing at all: the `other` row.
    assert_eq!(r.obligation_text(&target()), "C-4");
}

#[test]
fn simplified_permit_on_a_list_is_class_a_not_b1() {
    let mut t = target();
    t.permit_class = PermitClass::Simplified;
    t.lists.inspection_key = true;
    let r = rules();
    let c = r.classify(&t);
    assert_eq!(c.governing.as_deref(), Some("A-3"));
    assert_eq!(
        c.lost,
        vec![(
            "B-1".to_string(),
            LostReason::Excluded {
                classes: vec![RowClass::A],
                by: "A-3".into()
            }
        )]
    );
    assert!(r
        .explain(&t, Lang::Zh)
        .contains("但该类不含 A 类（已属 A-3 环保督察要求重点监管）"));
}

#[test]
fn registration_with_b_list_is_not_c1() {
    let mut t = target();
    t.permit_class = PermitClass::Registration;
    t.lists.city_government = true;
    let c = rules().classify(&t);
    assert_eq!(c.governing.as_deref(), Some("B-3"));
    assert!(matches!(c.lost[0].1, LostReason::Excluded { ref by, .. } if by == "B-3"));
    // Alone, registration is C-1.
    let mut t = target();
    t.permit_class = PermitClass::Registration;
    assert_eq!(rules().classify(&t).governing.as_deref(), Some("C-1"));
}

#[test]
fn nothing_else_is_other_c4() {
    let t = target();
    let c = rules().classify(&t);
    assert_eq!(c.governing.as_deref(), Some("C-4"));
    assert_eq!(c.matched, vec![("C-4".to_string(), Condition::Other)]);
}

#[test]
fn city_only_row_is_shown_but_not_drawn() {
    let mut t = target();
    t.lists.city_confirmed_key = true;
    let r = rules();
    let c = r.classify(&t);
    assert_eq!(c.governing.as_deref(), Some("C-4"));
    assert_eq!(
        c.lost,
        vec![(
            "A-4".to_string(),
            LostReason::OtherLevel { level: Level::City }
        )]
    );
    assert!(r
        .explain(&t, Lang::Zh)
        .contains("A-4 市局确定重点监管，但该类由市级抽查"));

    // A city office draws A-4.
    let city = Rules::from_toml_str(
        &Rules::DEFAULT_TOML.replace("office_level = \"county\"", "office_level = \"city\""),
        "city.toml",
    )
    .unwrap();
    assert_eq!(city.classify(&t).governing.as_deref(), Some("A-4"));
}

#[test]
fn quota_is_exact_ceiling() {
    let r = rules();
    let a1 = r.row("A-1").unwrap();
    assert_eq!(quota(a1, 40, None), Ok(2));
    assert_eq!(quota(a1, 41, None), Ok(3));
    assert_eq!(quota(a1, 0, None), Ok(0));
    assert_eq!(quota(a1, 1, None), Ok(1));
    assert_eq!(quota(a1, 20, None), Ok(1));
    let b1 = r.row("B-1").unwrap();
    assert_eq!(quota(b1, 30, None), Ok(3));
    assert_eq!(quota(b1, 31, None), Ok(4));
    // A fixed row ignores a chosen ratio.
    assert_eq!(quota(b1, 30, Some(25.0)), Ok(3));
    let r100 = r.row("R").unwrap();
    assert_eq!(quota(r100, 17, None), Ok(17));
    let c4 = r.row("C-4").unwrap();
    assert_eq!(quota(c4, 50, Some(20.0)), Ok(10));
    assert_eq!(quota(c4, 51, Some(20.0)), Ok(11));
    // 12.5% of 8 = 1 exactly, of 9 = 1.125 -> 2.
    assert_eq!(quota(c4, 8, Some(12.5)), Ok(1));
    assert_eq!(quota(c4, 9, Some(12.5)), Ok(2));
    // Floats that would round badly: 0.1 * 30 is not exactly 3 in binary.
    assert_eq!(quota(c4, 30, Some(10.0)), Ok(3));
    assert_eq!(quota(c4, 50, None), Ok(5));
    assert!(matches!(
        quota(c4, 50, Some(35.0)),
        Err(QuotaError::OutOfRange { .. })
    ));
    assert!(matches!(
        quota(c4, 50, Some(9.99)),
        Err(QuotaError::OutOfRange { .. })
    ));
    assert!(matches!(
        quota(c4, 50, Some(f64::NAN)),
        Err(QuotaError::BadRatio { .. })
    ));
    let msg = quota(c4, 50, Some(35.0)).unwrap_err().localize(Lang::Zh);
    assert!(
        msg.contains("C-4") && msg.contains("10%–30%") && msg.contains("35%"),
        "{msg}"
    );
    assert_eq!(r.quota("X-9", 1, None), None);
}

#[test]
fn ceil_share_edges() {
    assert_eq!(ceil_share(500, 40), 2);
    assert_eq!(ceil_share(500, 41), 3);
    assert_eq!(ceil_share(10_000, 7), 7);
    assert_eq!(ceil_share(0, 7), 0);
    assert_eq!(bp_text(1250), "12.5%");
    assert_eq!(bp_text(1005), "10.05%");
    assert_eq!(bp_text(3000), "30%");
    assert_eq!(ceil_share(1, usize::MAX), usize::MAX / 10_000 + 1);
}

fn err(text: &str) -> RulesError {
    Rules::from_toml_str(text, "my-rules.toml").unwrap_err()
}

const ONE_ROW: &str = r#"[settings]
office_level = "county"

[[rows]]
id = "A-1"
class = "A"
group = "key"
name_zh = "重点管理"
name_en = "key"
cycle = "quarter"
ratio_min = 5
level = "county"
condition = "permit_class:key"
priority = 1
"#;

#[test]
fn every_error_of_a_file_is_named_with_line_and_field() {
    let second = ONE_ROW
        .split("[[rows]]")
        .nth(1)
        .unwrap()
        .replace("\"A-1\"", "\"A-2\"")
        .replace("priority = 1", "priority = 2");
    let text = format!(
        "{}[[rows]]{second}",
        ONE_ROW
            .replace("office_level = \"county\"", "office_level = \"town\"")
            .replace("ratio_min = 5", "ratio_min = 500")
    )
    .replacen(
        "cycle = \"quarter\"\nratio_min = 5\n",
        "cycle = \"weekly\"\nratio_min = 5\n",
        1,
    );
    let all = Rules::parse_all(&text, "my-rules.toml").unwrap_err();
    let got: Vec<(Option<usize>, Option<&str>)> =
        all.iter().map(|e| (e.line, e.field.as_deref())).collect();
    assert_eq!(
        got,
        [
            (Some(2), Some("office_level")),
            (Some(11), Some("ratio_min")),
            (Some(21), Some("cycle"))
        ],
        "{text}"
    );
    assert!(matches!(all[2].kind, RulesErrorKind::UnknownCycle(_)));
    assert_eq!(err(&text), all[0], "from_toml_str gives the first");
}

#[test]
fn minimal_file_loads() {
    let r = Rules::from_toml_str(ONE_ROW, "x.toml").unwrap();
    assert_eq!(r.rows().len(), 1);
    assert_eq!(r.rows()[0].short_zh, "重点管理");
    // No `other` row: a target matching nothing has no governing row.
    let c = r.classify(&target());
    assert_eq!(c.governing, None);
    assert!(r
        .explain(&target(), Lang::Zh)
        .contains("不属于本级任何一类"));
}

#[test]
fn unknown_cycle_names_file_line_field() {
    let e = err(&ONE_ROW.replace("\"quarter\"", "\"weekly\""));
    assert_eq!(e.line, Some(10));
    assert_eq!(e.field.as_deref(), Some("cycle"));
    assert_eq!(e.kind, RulesErrorKind::UnknownCycle("weekly".into()));
    let zh = e.localize(Lang::Zh);
    assert!(
        zh.starts_with("my-rules.toml 第 10 行，字段 cycle："),
        "{zh}"
    );
    let en = e.localize(Lang::En);
    assert!(
        en.starts_with("my-rules.toml, line 10, field cycle: unknown cycle"),
        "{en}"
    );
}

#[test]
fn semantic_errors() {
    let e = err(&ONE_ROW.replace("ratio_min = 5", "ratio_min = 150"));
    assert_eq!(
        (e.line, e.kind),
        (Some(11), RulesErrorKind::RatioOutOfRange(150.0))
    );
    let e = err(&ONE_ROW.replace("ratio_min = 5", "ratio_min = 30\nratio_max = 10"));
    assert_eq!(e.field.as_deref(), Some("ratio_max"));
    assert!(matches!(e.kind, RulesErrorKind::RatioMinAboveMax { .. }));
    let e = err(&ONE_ROW.replace("permit_class:key", "list:nonsense"));
    assert_eq!(
        (e.line, e.kind),
        (
            Some(13),
            RulesErrorKind::UnknownCondition("list:nonsense".into())
        )
    );
    let e = err(&ONE_ROW.replace("\"county\"\ncondition", "\"province\"\ncondition"));
    assert_eq!(e.kind, RulesErrorKind::UnknownLevel("province".into()));
    let e = err(&ONE_ROW.replace("class = \"A\"", "class = \"D\""));
    assert_eq!(e.kind, RulesErrorKind::UnknownClass("D".into()));
    let two = format!(
        "{ONE_ROW}\n{}",
        &ONE_ROW[ONE_ROW.find("[[rows]]").unwrap()..]
    );
    let e = err(&two);
    assert_eq!(
        (e.line, e.kind.clone()),
        (Some(17), RulesErrorKind::DuplicateId("A-1".into()))
    );
    let e = err(&two.replacen("id = \"A-1\"", "id = \"A-9\"", 1));
    assert!(
        matches!(
            e.kind,
            RulesErrorKind::DuplicatePriority { priority: 1, .. }
        ),
        "{e}"
    );
    let e = err(&ONE_ROW.replace("office_level = \"county\"", "default_team_size = 1"));
    assert_eq!(
        (e.line, e.field.as_deref()),
        (Some(2), Some("default_team_size"))
    );
    let e = err("[settings]\n");
    assert_eq!(e.kind, RulesErrorKind::NoRows);
}

#[test]
fn syntax_errors_have_a_line_and_field() {
    let e = err(&ONE_ROW.replace("ratio_min = 5", "ratio_min = \"five\""));
    assert!(matches!(e.kind, RulesErrorKind::Syntax(_)));
    assert_eq!(e.line, Some(11));
    assert_eq!(e.field.as_deref(), Some("ratio_min"));
    let e = err(&ONE_ROW.replace("priority = 1\n", ""));
    assert!(matches!(e.kind, RulesErrorKind::Syntax(_)));
    assert_eq!(e.field.as_deref(), Some("priority"), "{e}");
    let e = err(&ONE_ROW.replace(
        "level = \"county\"\ncondition",
        "levle = \"county\"\ncondition",
    ));
    assert_eq!(e.line, Some(12), "{e}");
    let e = err("[[rows]\nid = 1");
    assert_eq!(e.line, Some(1));
    assert!(e.localize(Lang::Zh).contains("格式错误"));
}

#[test]
fn conditions_round_trip() {
    for text in [
        "permit_class:key",
        "permit_class:simplified",
        "permit_class:registration",
        "list:county_government",
        "radiation_user",
        "construction_project",
        "other",
    ] {
        let c = Condition::parse(text).unwrap();
        assert_eq!(c.key(), text);
    }
    assert_eq!(Condition::parse("permit_class:none"), None);
    assert_eq!(Condition::parse("tag:x"), None);
}

#[test]
fn governing_agrees_with_classify() {
    let rules = Rules::default_rules();
    for t in crate::synth::targets(3000, 11) {
        let c = rules.classify(&t);
        assert_eq!(
            rules.governing(&t).map(|r| r.id.clone()),
            c.governing,
            "target {}",
            t.id
        );
        let ob: Vec<String> = rules.obligations(&t).iter().map(|r| r.id.clone()).collect();
        let mut expected: Vec<String> = c.governing.iter().cloned().collect();
        expected.extend(c.also.iter().cloned());
        assert_eq!(ob, expected, "target {}", t.id);
    }
}
