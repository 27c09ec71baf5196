use super::*;
use crate::domain::CreditCodeCheck;
use chrono::Datelike;
use std::collections::HashMap;

#[test]
fn splitmix64_reference_vector() {
    // The reference outputs of SplitMix64 for seed 0 (Vigna's splitmix64.c): pins the
    // stream, so the fixtures can never drift with a dependency upgrade.
    let mut r = Rng::new(0);
    assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
    assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    assert_eq!(r.next_u64(), 0x06C4_5D18_8009_454F);
}

#[test]
fn rng_helpers_stay_in_range() {
    let mut r = Rng::new(7);
    for _ in 0..10_000 {
        assert!(r.below(13) < 13);
        let x = r.range(3, 5);
        assert!((3..=5).contains(&x));
    }
    assert_eq!(r.below(0), 0);
    assert_eq!(r.range(9, 9), 9);
    assert_eq!(r.weighted(&[0, 5, 0]), 1);
    assert!(r.pick::<u8>(&[]).is_none());
}

#[test]
fn place_words() {
    assert_eq!(place_word("上寨村"), "上寨");
    assert_eq!(place_word("新华社区"), "新华");
    assert_eq!(place_word("下村"), "下村");
    assert_eq!(place_word("西村"), "西村");
}

#[test]
fn month_ranges_wrap_the_new_year() {
    assert_eq!(months(11, 5).to_text(), "1-5,11-12");
    assert_eq!(months(7, 10).to_text(), "7-10");
    assert_eq!(months(1, 12), MonthSet::ALL);
}

#[test]
fn credit_codes_are_valid_unique_and_local() {
    let ts = targets(20_000, FIXTURE_SEED);
    let mut seen = HashSet::new();
    for t in &ts {
        let code = t.credit_code.as_str();
        let parsed = CreditCode::parse(code);
        assert!(
            matches!(parsed, Ok((_, CreditCodeCheck::Valid))),
            "{code}: {parsed:?}"
        );
        assert_eq!(&code[2..8], "530125", "{code} is not a Yiliang code");
        assert!(seen.insert(code.to_string()), "duplicate code {code}");
        match t.permit_class {
            PermitClass::Key | PermitClass::Simplified => {
                assert_eq!(t.permit_number(), format!("{code}001P"))
            }
            PermitClass::Registration => assert_eq!(t.permit_number(), format!("{code}001W")),
            PermitClass::None => assert!(t.permit_number().is_empty()),
        }
    }
}

fn counts(seed: u64) -> HashMap<&'static str, usize> {
    category_counts(&targets(FIXTURE_TARGETS, seed))
        .into_iter()
        .collect()
}

#[test]
fn every_table1_row_is_populated() {
    for seed in [FIXTURE_SEED, 1, 2, 3] {
        let c = counts(seed);
        for (label, min) in [
            ("重点管理", 5),
            ("简化管理", 5),
            ("登记管理", 5),
            ("部省重点监管", 5),
            ("督察重点监管", 5),
            ("市局确定重点", 5),
            ("昆明市重点排污单位", 5),
            ("市政府重点监管", 5),
            ("县政府重点监管", 5),
            ("群众集中投诉", 5),
            ("其他（无许可、无名单）", 5),
            ("核技术利用单位", 10),
            ("建设项目", 10),
            ("正面清单", 5),
            ("在线+视频监控", 5),
            ("季节性生产", 10),
            ("停产", 3),
            ("关闭", 3),
            ("有绩效分级", 5),
        ] {
            let n = c.get(label).copied().unwrap_or(0);
            assert!(n >= min, "seed {seed}: {label} has {n}, want >= {min}");
        }
    }
}

#[test]
fn targets_are_plausible() {
    let ts = targets(FIXTURE_TARGETS, FIXTURE_SEED);
    let regions = region_names();
    assert_eq!(regions.len(), 9);
    let mut used_regions = HashSet::new();
    for t in &ts {
        assert!(regions.contains(&t.region.as_str()), "{}", t.region);
        used_regions.insert(t.region);
        assert!(
            t.address().starts_with(&format!("宜良县{}", t.region)),
            "{}",
            t.address()
        );
        assert!(!t.pollutants.is_empty(), "{}", t.name());
        if t.positive_list {
            assert_eq!(t.violations, 0);
            assert_eq!(t.status, TargetStatus::Operating);
        }
        if t.lists.concentrated_complaints {
            assert!(t.complaints >= 3, "{}", t.name());
        }
        if t.radiation_user {
            assert!(t.pollutants.iter().any(|p| p == "电离辐射"));
        }
        assert_eq!(
            t.status_history.is_empty(),
            t.status == TargetStatus::Operating
        );
    }
    assert_eq!(used_regions.len(), 9, "every town has units");
    let names: HashSet<&str> = ts.iter().map(|t| t.name()).collect();
    assert!(
        names.len() * 100 >= ts.len() * 98,
        "names are nearly all distinct"
    );
}

#[test]
fn forbidden_names_are_recognised() {
    assert!(is_forbidden_name("李志强"));
    assert!(is_forbidden_name("宜良县狗街郭勤良生猪养殖场"));
    assert!(!is_forbidden_name("李志"));
    let mut r = Rng::new(99);
    for _ in 0..50_000 {
        assert!(!is_forbidden_name(&person_name(&mut r)));
    }
}

#[test]
fn generated_names_are_synthetic() {
    for seed in [FIXTURE_SEED, 1, 2] {
        for p in inspectors(seed) {
            assert!(!is_forbidden_name(&p.name), "{}", p.name);
            assert!(!FORBIDDEN_NAMES.iter().any(|f| f.contains(p.name.as_str())));
        }
        for t in targets(2_000, seed) {
            assert!(!is_forbidden_name(t.name()), "{}", t.name());
        }
    }
}

#[test]
fn staff_plans_name_real_staff() {
    for plan in &DEPARTMENTS {
        for i in plan
            .work_card
            .iter()
            .chain(plan.expired)
            .chain(plan.inactive)
            .chain(plan.left)
        {
            assert!(
                *i < plan.staff,
                "{}: staff index {i} out of range",
                plan.code
            );
        }
        assert!(
            plan.staff >= 2,
            "{} needs at least two inspectors",
            plan.code
        );
    }
}

#[test]
fn inspector_registry_shape() {
    let ds = departments();
    let ps = inspectors(FIXTURE_SEED);
    let kind: HashMap<&str, DepartmentKind> =
        ds.iter().map(|d| (d.code.as_str(), d.kind)).collect();
    let mut per_dept: HashMap<&str, usize> = HashMap::new();
    let mut certs = HashSet::new();
    let mut names = HashSet::new();
    for p in &ps {
        assert!(kind.contains_key(p.department.as_str()), "{}", p.department);
        *per_dept.entry(p.department.as_str()).or_default() += 1;
        assert!(
            certs.insert(p.certificate_no.clone()),
            "{}",
            p.certificate_no
        );
        assert!(names.insert(p.name.clone()), "{}", p.name);
        assert!(!p.expertise.is_empty());
    }
    let internal: Vec<_> = ps
        .iter()
        .filter(|p| kind.get(p.department.as_str()) == Some(&DepartmentKind::Internal))
        .collect();
    assert!(internal.len() >= 40, "{} bureau inspectors", internal.len());
    let sections: HashSet<&str> = internal.iter().map(|p| p.department.as_str()).collect();
    assert!(sections.len() >= 4);
    let external_depts = ds
        .iter()
        .filter(|d| d.kind == DepartmentKind::External)
        .filter(|d| per_dept.get(d.code.as_str()).copied().unwrap_or(0) >= 2)
        .count();
    assert!(external_depts >= 5);

    let day = ymd(2023, 1, 1);
    let no_cert = ps
        .iter()
        .filter(|p| p.certificate_valid_until.is_none())
        .count();
    let expired = ps
        .iter()
        .filter(|p| p.certificate_valid_until.is_some_and(|d| d.year() == 2022))
        .count();
    let not_active = ps
        .iter()
        .filter(|p| p.status != InspectorStatus::Active)
        .count();
    assert!(no_cert >= 2, "{no_cert} without certificate");
    assert!(expired >= 2, "{expired} expired in 2022");
    assert!(not_active >= 2, "{not_active} inactive or left");
    let radiation_ready = ps
        .iter()
        .filter(|p| p.status == InspectorStatus::Active && p.certified_on(day))
        .filter(|p| p.expertise.iter().any(|e| e == "辐射"))
        .count();
    assert!(
        radiation_ready >= 4,
        "{radiation_ready} certified radiation inspectors"
    );
}

#[test]
fn conflicts_reference_real_keys() {
    let ts = targets(FIXTURE_TARGETS, FIXTURE_SEED);
    let ps = inspectors(FIXTURE_SEED);
    let cs = conflicts(&ps, &ts, FIXTURE_CONFLICTS, FIXTURE_SEED);
    assert_eq!(cs.len(), FIXTURE_CONFLICTS);
    let certs: HashSet<&str> = ps.iter().map(|p| p.certificate_no.as_str()).collect();
    let codes: HashSet<&str> = ts.iter().map(|t| t.credit_code.as_str()).collect();
    let mut pairs = HashSet::new();
    for c in &cs {
        assert!(certs.contains(c.certificate_no.as_str()));
        assert!(codes.contains(c.credit_code.as_str()));
        assert!(!c.reason.is_empty());
        assert!(pairs.insert((c.certificate_no.clone(), c.credit_code.clone())));
    }
    assert!(conflicts(&[], &ts, 5, 1).is_empty());
    // Asking for more pairs than exist stops at what exists.
    assert_eq!(conflicts(&ps[..1], &ts[..2], 10, 1).len(), 2);
}

#[test]
fn targets_csv_has_contract_headers_and_round_trips() {
    let ts = targets(300, 5);
    let mut buf = Vec::new();
    write_targets_csv(&mut buf, &ts).unwrap();
    let mut rd = csv::Reader::from_reader(buf.as_slice());
    let headers: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers, TARGET_HEADERS);
    let col = |h: &str| TARGET_HEADERS.iter().position(|x| *x == h).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), ts.len());
    for (t, row) in ts.iter().zip(&rows) {
        assert_eq!(&row[col("单位名称")], t.name());
        assert_eq!(&row[col("统一社会信用代码")], t.credit_code.as_str());
        assert_eq!(
            PermitClass::parse(&row[col("管理类别")]),
            Some(t.permit_class)
        );
        assert_eq!(
            MonthSet::parse(&row[col("生产周期")]),
            Some(t.production_months)
        );
        assert_eq!(TargetStatus::parse(&row[col("经营状态")]), Some(t.status));
        assert_eq!(
            &row[col("核技术利用单位")],
            if t.radiation_user { "是" } else { "否" }
        );
        let ps: Vec<&str> = row[col("污染物类型")].split('；').collect();
        assert_eq!(t.pollutants, ps);
        assert_eq!(row[col("违法次数")].parse::<u32>().unwrap(), t.violations);
        for (field, zh, _, v) in t.lists.entries() {
            assert_eq!(&row[col(zh)], if v { "是" } else { "否" }, "{field}");
        }
    }
}

#[test]
fn streaming_writer_matches_the_vector_writer() {
    let mut a = Vec::new();
    write_targets_csv(&mut a, &targets(400, 11)).unwrap();
    let mut b = Vec::new();
    targets_csv_large(400, 11, &mut b).unwrap();
    assert_eq!(a, b);
    assert_ne!(targets(20, 11), targets(20, 12), "the seed matters");
}

#[test]
fn other_csv_headers() {
    let mut d = Vec::new();
    write_departments_csv(&mut d, &departments()).unwrap();
    let text = String::from_utf8(d).unwrap();
    assert!(text.starts_with("部门代码,部门名称,类型\nZFDD,"));
    assert!(text.contains(",外部\n"));
    let mut p = Vec::new();
    write_inspectors_csv(&mut p, &inspectors(1)).unwrap();
    let text = String::from_utf8(p).unwrap();
    assert!(text.starts_with("姓名,单位,执法证号,证件有效期至,职务岗位,工作年限,业务专长,状态\n"));
    assert!(
        text.contains(",,"),
        "a work-card holder has an empty validity"
    );
}

/// The committed fixtures are exactly what the generator makes: regenerate with
/// `cargo run --example gen_fixtures` after changing the generator.
#[test]
fn committed_fixtures_are_up_to_date() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    for (name, bytes) in fixture_files(FIXTURE_SEED).unwrap() {
        let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "fixtures/{name} differs from the generator: run `cargo run --example gen_fixtures`"
        );
    }
}
