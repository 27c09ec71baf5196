//! The synthetic departments, inspectors and recusal pairs.

use super::*;

// ---------------------------------------------------------------------------------------------
// Departments and inspectors
// ---------------------------------------------------------------------------------------------

/// A department and its staff plan. The staff indices in `work_card`, `expired`, `inactive` and
/// `left` fix who holds a work card only, whose certificate expired in 2022, and who is away, so
/// every fixture has such cases whatever the seed.
pub(super) struct DeptPlan {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) kind: DepartmentKind,
    pub(super) staff: usize,
    pub(super) block: &'static str,
    pub(super) head: &'static str,
    pub(super) deputy: &'static str,
    pub(super) member: &'static str,
    pub(super) expertise: &'static [&'static str],
    pub(super) work_card: &'static [usize],
    pub(super) expired: &'static [usize],
    pub(super) inactive: &'static [usize],
    pub(super) left: &'static [usize],
}

pub(super) const DEPARTMENTS: [DeptPlan; 12] = [
    DeptPlan {
        code: "ZFDD",
        name: "宜良县生态环境执法大队",
        kind: DepartmentKind::Internal,
        staff: 22,
        block: "2",
        head: "大队长",
        deputy: "副大队长",
        member: "执法队员",
        expertise: &["大气", "水", "危废", "固废", "噪声", "土壤", "辐射"],
        work_card: &[],
        expired: &[12, 19],
        inactive: &[4],
        left: &[16],
    },
    DeptPlan {
        code: "HJGL",
        name: "环境管理科",
        kind: DepartmentKind::Internal,
        staff: 8,
        block: "3",
        head: "科长",
        deputy: "副科长",
        member: "科员",
        expertise: &["环评", "土壤", "固废", "水", "大气"],
        work_card: &[4, 7],
        expired: &[5],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "JCZ",
        name: "环境监测站",
        kind: DepartmentKind::Internal,
        staff: 7,
        block: "4",
        head: "站长",
        deputy: "副站长",
        member: "监测员",
        expertise: &["水", "大气", "噪声", "土壤"],
        work_card: &[6],
        expired: &[3],
        inactive: &[2],
        left: &[],
    },
    DeptPlan {
        code: "DZB",
        name: "党政办公室",
        kind: DepartmentKind::Internal,
        staff: 3,
        block: "5",
        head: "主任",
        deputy: "副主任",
        member: "科员",
        expertise: &["固废", "噪声"],
        work_card: &[2],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "FSAQ",
        name: "辐射与核安全管理股",
        kind: DepartmentKind::Internal,
        staff: 5,
        block: "6",
        head: "股长",
        deputy: "副股长",
        member: "辐射安全管理员",
        expertise: &["辐射"],
        work_card: &[],
        expired: &[2],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "SCJG",
        name: "宜良县市场监督管理局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "31",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["特种设备", "产品质量", "固废"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "YJGL",
        name: "宜良县应急管理局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "32",
        head: "大队长",
        deputy: "副大队长",
        member: "执法人员",
        expertise: &["危化品", "安全生产", "危废"],
        work_card: &[],
        expired: &[2],
        inactive: &[],
        left: &[2],
    },
    DeptPlan {
        code: "ZRZY",
        name: "宜良县自然资源局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "33",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["矿产资源", "土壤", "土地利用"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "ZJJ",
        name: "宜良县住房和城乡建设局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "34",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["建筑施工", "扬尘", "噪声"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "SWJ",
        name: "宜良县水务局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "35",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["水", "排水许可", "河湖管理"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "NYNC",
        name: "宜良县农业农村局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "36",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["畜禽养殖", "农业面源", "土壤"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "WJJ",
        name: "宜良县卫生健康局",
        kind: DepartmentKind::External,
        staff: 2,
        block: "37",
        head: "股长",
        deputy: "副股长",
        member: "监督员",
        expertise: &["医疗废物", "辐射"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
];

/// The bureau's internal sections and the external departments of inter-department draws.
pub fn departments() -> Vec<Department> {
    DEPARTMENTS
        .iter()
        .enumerate()
        .map(|(i, d)| Department {
            id: i as u64 + 1,
            code: d.code.into(),
            name: d.name.into(),
            kind: d.kind,
        })
        .collect()
}

/// The inspector registry: 45 staff of the bureau over 5 sections, 20 of 7 external
/// departments. Certificate numbers are unique: bureau staff `53012522` + section digit + 3-digit
/// sequence, external officers `530125` + 2-digit department block + 4-digit sequence; staff with
/// a work card only have a `GZ` number and no validity date.
pub fn inspectors(seed: u64) -> Vec<Inspector> {
    let mut rng = Rng::new(seed ^ 0x1A5E_C7C0);
    let mut names: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut work_cards = 0u32;
    for plan in &DEPARTMENTS {
        for i in 0..plan.staff {
            let name = loop {
                let n = person_name(&mut rng);
                if names.insert(n.clone()) {
                    break n;
                }
            };
            let internal = plan.kind == DepartmentKind::Internal;
            let (certificate_no, valid_until) = if plan.work_card.contains(&i) {
                work_cards += 1;
                (format!("GZ5301252{work_cards:04}"), None)
            } else {
                let date = if plan.expired.contains(&i) {
                    ymd(2022, rng.range(3, 11), rng.range(1, 28))
                } else {
                    match rng.weighted(&[780, 130, 90]) {
                        0 => ymd(2027, 12, 31),
                        1 => ymd(2026, 6, 30),
                        _ => ymd(2028, 3, 31),
                    }
                };
                let no = if internal {
                    format!("53012522{}{:03}", plan.block, i + 1)
                } else {
                    format!("530125{}{:04}", plan.block, i + 1)
                };
                (no, Some(date))
            };
            let post = match i {
                0 => plan.head,
                1 => plan.deputy,
                _ => plan.member,
            };
            let years_of_work = match i {
                0 => rng.range(15, 32),
                1 => rng.range(10, 28),
                _ => rng.range(1, 30),
            };
            let mut expertise: Vec<String> = Vec::new();
            let k = rng.range(1, 3).min(plan.expertise.len() as u32);
            while expertise.len() < k as usize {
                let e = pick_str(&mut rng, plan.expertise).to_string();
                if !expertise.contains(&e) {
                    expertise.push(e);
                }
            }
            expertise.sort_by_key(|e| plan.expertise.iter().position(|x| x == e));
            let status = if plan.inactive.contains(&i) {
                InspectorStatus::Inactive
            } else if plan.left.contains(&i) {
                InspectorStatus::Left
            } else {
                InspectorStatus::Active
            };
            out.push(Inspector {
                id: out.len() as u64 + 1,
                name,
                department: plan.code.into(),
                certificate_no,
                certificate_valid_until: valid_until,
                post: post.into(),
                years_of_work,
                expertise,
                status,
                status_history: Vec::new(),
            });
        }
    }
    out
}

pub fn write_departments_csv<W: Write>(w: W, departments: &[Department]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(DEPARTMENT_HEADERS)?;
    for d in departments {
        let kind = match d.kind {
            DepartmentKind::Internal => "内部",
            DepartmentKind::External => "外部",
        };
        out.write_record([d.code.as_str(), d.name.as_str(), kind])?;
    }
    out.flush()?;
    Ok(())
}

pub fn write_inspectors_csv<W: Write>(w: W, inspectors: &[Inspector]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(INSPECTOR_HEADERS)?;
    for p in inspectors {
        out.write_record([
            p.name.clone(),
            p.department.clone(),
            p.certificate_no.clone(),
            p.certificate_valid_until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            p.post.clone(),
            p.years_of_work.to_string(),
            p.expertise.join("；"),
            p.status.label(Lang::Zh).to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Conflicts (recusal pairs)
// ---------------------------------------------------------------------------------------------

/// A recusal pair as the conflicts file states it: by certificate number and credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRecord {
    pub certificate_no: String,
    pub credit_code: String,
    pub reason: String,
}

pub(super) const CONFLICT_REASONS: [&str; 7] = [
    "亲属关系（配偶在该单位任职）",
    "亲属关系（近亲属为该单位法定代表人）",
    "曾任职该单位",
    "近亲属持有该单位股份",
    "曾参与该单位环评文件技术审查",
    "与该单位负责人有其他利害关系",
    "正在处理该单位行政复议案件",
];

/// `n` distinct recusal pairs between inspectors (of any status) and operating or suspended
/// targets. Empty when either list is empty.
pub fn conflicts(
    inspectors: &[Inspector],
    targets: &[Target],
    n: usize,
    seed: u64,
) -> Vec<ConflictRecord> {
    let mut rng = Rng::new(seed ^ 0x0C0F_11C7);
    let candidates: Vec<&Target> = targets
        .iter()
        .filter(|t| t.status != TargetStatus::Closed)
        .collect();
    let mut out: Vec<ConflictRecord> = Vec::new();
    if inspectors.is_empty() || candidates.is_empty() {
        return out;
    }
    let max = n.min(inspectors.len() * candidates.len());
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while out.len() < max {
        // Bureau staff (the first 45) are the usual case; a few external officers too.
        let pi = if rng.chance(850) {
            rng.below(inspectors.len().min(45) as u64)
        } else {
            rng.below(inspectors.len() as u64)
        } as usize;
        let ti = rng.below(candidates.len() as u64) as usize;
        let (Some(p), Some(t)) = (inspectors.get(pi), candidates.get(ti)) else {
            continue;
        };
        let key = (p.certificate_no.clone(), t.credit_code.to_string());
        if seen.insert(key.clone()) {
            out.push(ConflictRecord {
                certificate_no: key.0,
                credit_code: key.1,
                reason: pick_str(&mut rng, &CONFLICT_REASONS).into(),
            });
        }
    }
    out
}

pub fn write_conflicts_csv<W: Write>(w: W, conflicts: &[ConflictRecord]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(CONFLICT_HEADERS)?;
    for c in conflicts {
        out.write_record([&c.certificate_no, &c.credit_code, &c.reason])?;
    }
    out.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The fixture set
// ---------------------------------------------------------------------------------------------

/// The four fixture files (file name, bytes) for a seed: 650 targets, the inspectors, the
/// departments and 18 recusal pairs. `examples/gen_fixtures.rs` writes them to fixtures/.
pub fn fixture_files(seed: u64) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    let ts = targets(FIXTURE_TARGETS, seed);
    let ps = inspectors(seed);
    let ds = departments();
    let cs = conflicts(&ps, &ts, FIXTURE_CONFLICTS, seed);
    let mut t = Vec::new();
    write_targets_csv(&mut t, &ts)?;
    let mut p = Vec::new();
    write_inspectors_csv(&mut p, &ps)?;
    let mut d = Vec::new();
    write_departments_csv(&mut d, &ds)?;
    let mut c = Vec::new();
    write_conflicts_csv(&mut c, &cs)?;
    Ok(vec![
        ("targets.csv", t),
        ("inspectors.csv", p),
        ("departments.csv", d),
        ("conflicts.csv", c),
    ])
}
