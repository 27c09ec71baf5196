//! The annual plan table (the source's attachment) from CSV or XLSX.

use super::issue::{ImportErrors, Reason, RowIssue};
use super::table::Table;
use super::values::normalize_header;
use super::ImportReport;
use crate::domain::plan::{
    parse_month_range, parse_ratio, split_list, InspectionMethod, ItemClass, JointKind, Plan,
    PlanError, PLAN_HEADERS,
};
use crate::domain::rules::Rules;
use crate::domain::scope::Scope;
use crate::i18n::Lang;

fn domain(e: &PlanError) -> Reason {
    Reason::Domain {
        zh: e.localize(Lang::Zh),
        en: e.localize(Lang::En),
    }
}

fn word(zh: &str, en: &str) -> Reason {
    Reason::Domain {
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

/// Read plans; `default_year` is used when the 抽查日期 cell names no year.
pub fn read_plans_bytes(
    name: &str,
    bytes: &[u8],
    default_year: i32,
) -> Result<ImportReport<Plan>, ImportErrors> {
    let mut table = Table::from_bytes(name, bytes).map_err(|r| ImportErrors {
        file: name.into(),
        errors: vec![RowIssue::file_level(name, r)],
    })?;
    let headers: Vec<String> = table
        .headers()
        .iter()
        .map(|h| normalize_header(h))
        .collect();
    let col = |h: &str| headers.iter().position(|x| x == h);
    let idx: Vec<Option<usize>> = PLAN_HEADERS.iter().map(|h| col(h)).collect();
    let mut errors = Vec::new();
    for (i, h) in PLAN_HEADERS.iter().enumerate().take(8) {
        if idx[i].is_none() {
            errors.push(RowIssue::file_level(
                name,
                Reason::MissingColumn { zh: h, en: h },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: name.into(),
            errors,
        });
    }
    let unknown_columns: Vec<String> = table
        .headers()
        .iter()
        .filter(|h| !PLAN_HEADERS.contains(&normalize_header(h).as_str()))
        .cloned()
        .collect();
    let encoding = table.format().label().to_string();
    let rules = Rules::default_rules();
    let mut records = Vec::new();
    let mut seen: std::collections::HashMap<(i32, u32), usize> = std::collections::HashMap::new();
    while let Some(row) = table.next_row() {
        let row = match row {
            Ok(r) => r,
            Err(reason) => {
                errors.push(RowIssue::file_level(name, reason));
                break;
            }
        };
        let cell = |i: usize| {
            idx[i]
                .map(|c| row.get(c).trim().to_string())
                .unwrap_or_default()
        };
        if (0..PLAN_HEADERS.len()).all(|i| cell(i).is_empty()) {
            continue;
        }
        let cells: Vec<String> = (0..PLAN_HEADERS.len()).map(cell).collect();
        match plan_from_fields(&cells, default_year, &rules) {
            // One (year, 序号) per file: a repeat would silently keep the last row (issue 14).
            Ok(p) => match seen.get(&(p.year, p.seq)) {
                Some(first) => errors.push(RowIssue {
                    file: name.into(),
                    row: Some(row.number),
                    column: Some(PLAN_HEADERS[0].to_string()),
                    reason: word(
                        &format!("{} 年序号 {} 与第 {first} 行重复", p.year, p.seq),
                        &format!("{} No. {} repeats row {first}", p.year, p.seq),
                    ),
                }),
                None => {
                    seen.insert((p.year, p.seq), row.number);
                    records.push((row.number, p));
                }
            },
            Err(bad) => errors.extend(bad.into_iter().map(|(col, reason)| RowIssue {
                file: name.into(),
                row: Some(row.number),
                column: Some(PLAN_HEADERS[col].to_string()),
                reason,
            })),
        }
    }
    if !errors.is_empty() {
        return Err(ImportErrors {
            file: name.into(),
            errors,
        });
    }
    Ok(ImportReport {
        file: name.into(),
        encoding,
        blanks: vec![0; records.len()],
        records,
        warnings: vec![],
        unknown_columns,
        // Plans are replaced whole.
        present: u64::MAX,
    })
}

/// The column (index into [`PLAN_HEADERS`]) a plan's inconsistency belongs to.
pub fn plan_error_column(e: &PlanError) -> usize {
    match e {
        PlanError::BadItemClass(_) => 5,
        PlanError::BadMethod(_) => 6,
        PlanError::BadDateRange(_) => 7,
        PlanError::BadJoint(_) => 10,
        PlanError::MissingDepartments => 11,
        PlanError::BadRatio(_) | PlanError::RatioOutOfRange { .. } => 12,
        PlanError::UnknownRow(_) => 13,
    }
}

/// One plan from its 14 cells, in [`PLAN_HEADERS`] order: the checks of a row of the plan file,
/// shared by the importer and the plans form so that the two cannot drift. `default_year` is
/// used when 抽查日期 names no year; the plan is checked against `rules`
/// ([`Plan::validate`]). The plan's id is 0. On error, every problem with its column index,
/// at most one per column.
pub fn plan_from_fields(
    cells: &[String],
    default_year: i32,
    rules: &Rules,
) -> Result<Plan, Vec<(usize, Reason)>> {
    let cell = |i: usize| {
        cells
            .get(i)
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors: Vec<(usize, Reason)> = Vec::new();
    let mut bad = |col: usize, reason: Reason| errors.push((col, reason));
    let seq = match cell(0).parse::<u32>() {
        Ok(n) => n,
        Err(_) => {
            bad(0, Reason::BadInteger(cell(0)));
            0
        }
    };
    if cell(1).is_empty() {
        bad(1, Reason::MissingValue);
    }
    let item_class = ItemClass::parse(&cell(5)).unwrap_or_else(|| {
        bad(
            5,
            word(
                "事项类别应为 重点检查事项 或 一般检查事项",
                "item class is key or general",
            ),
        );
        ItemClass::General
    });
    let method = InspectionMethod::parse(&cell(6)).unwrap_or_else(|| {
        bad(
            6,
            word(
                "抽查方式应为 现场检查、科技检查 或 其他检查",
                "method is on-site, remote or other",
            ),
        );
        InspectionMethod::OnSite
    });
    let (year, start_month, end_month) = match parse_month_range(&cell(7)) {
        Some((y, a, b)) => (y.unwrap_or(default_year), a, b),
        None => {
            bad(
                7,
                word(
                    "抽查日期应如 2022年1月—12月",
                    "date range like 2022年1月—12月",
                ),
            );
            (default_year, 1, 12)
        }
    };
    let joint = match JointKind::parse(&cell(10), &cell(11)) {
        Ok(j) => j,
        Err(e) => {
            bad(10, domain(&e));
            JointKind::None
        }
    };
    let chosen_ratio = match parse_ratio(&cell(12)) {
        Ok(r) => r,
        Err(e) => {
            bad(12, domain(&e));
            None
        }
    };
    if let Err(e) = Scope::parse(&cell(8)) {
        bad(
            8,
            Reason::Domain {
                zh: e.localize(Lang::Zh),
                en: e.localize(Lang::En),
            },
        );
    }
    let plan = Plan {
        id: 0,
        year,
        seq,
        name: cell(1),
        category: cell(2),
        item: cell(3),
        object: cell(4),
        item_class,
        method,
        date_text: cell(7),
        start_month,
        end_month,
        scope: cell(8),
        required_expertise: split_list(&cell(9)),
        joint,
        rows: split_list(&cell(13)),
        chosen_ratio,
    };
    // Checked with the stand-in values too, as the importer always did: an unknown row is
    // worth knowing beside a bad method.
    if let Err(e) = plan.validate(rules) {
        let col = plan_error_column(&e);
        if !errors.iter().any(|(c, _)| *c == col) {
            errors.push((col, domain(&e)));
        }
    }
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_plan_reads() {
        let bytes = include_bytes!("../../fixtures/plan-2022.csv");
        let r = read_plans_bytes("plan-2022.csv", bytes, 2022).unwrap();
        assert!(r.records.len() >= 8);
        let first = &r.records[0].1;
        assert_eq!(first.name, "对放射性污染防治监督检查的工作计划");
        assert_eq!(first.method, InspectionMethod::OnSite);
        assert_eq!(
            (first.year, first.start_month, first.end_month),
            (2022, 1, 12)
        );
        assert!(r
            .records
            .iter()
            .any(|(_, p)| matches!(p.joint, JointKind::Departments(_))));
    }

    #[test]
    fn bad_plan_rows_are_named() {
        let text = "序号,抽查计划名称,检查类别,抽查事项,检查对象,事项类别,抽查方式,抽查日期\n1,,类,项,对象,重点检查事项,飞行检查,2022年1月—12月\n";
        let e = read_plans_bytes("p.csv", text.as_bytes(), 2022).unwrap_err();
        let msg = e.localize(Lang::Zh);
        assert!(msg.contains("p.csv:2:抽查计划名称"), "{msg}");
        assert!(msg.contains("p.csv:2:抽查方式"), "{msg}");
    }

    #[test]
    fn a_repeated_seq_in_one_file_names_both_rows() {
        let text =
            String::from_utf8(include_bytes!("../../fixtures/plan-2022.csv").to_vec()).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        let first = lines[1].to_string();
        lines.push(&first);
        let n = lines.len();
        let e = read_plans_bytes("p.csv", lines.join("\n").as_bytes(), 2022).unwrap_err();
        let zh = e.localize(Lang::Zh);
        assert!(
            zh.contains(&format!("p.csv:{n}:序号")) && zh.contains("与第 2 行重复"),
            "{zh}"
        );
        assert!(e.localize(Lang::En).contains("repeats row 2"));
    }

    fn cells(v: [&str; 14]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn plan_from_fields_reads_a_row_and_names_each_bad_column() {
        let rules = Rules::default_rules();
        let good = [
            "9",
            "新计划",
            "类",
            "项",
            "对象",
            "一般",
            "科技检查",
            "3月-6月",
            "",
            "辐射；危废",
            "部门联合",
            "SCJG",
            "20%",
            "",
        ];
        let p = plan_from_fields(&cells(good), 2023, &rules).expect("valid");
        assert_eq!(
            (p.id, p.year, p.seq, p.start_month, p.end_month),
            (0, 2023, 9, 3, 6)
        );
        assert_eq!(p.method, InspectionMethod::Remote);
        assert_eq!(p.required_expertise, ["辐射", "危废"]);
        assert_eq!(p.joint, JointKind::Departments(vec!["SCJG".into()]));
        assert_eq!(p.chosen_ratio, Some(20.0));
        let mut bad = good;
        bad[0] = "九";
        bad[6] = "飞行检查";
        bad[13] = "Z-9";
        let e = plan_from_fields(&cells(bad), 2023, &rules).unwrap_err();
        let cols: Vec<usize> = e.iter().map(|(c, _)| *c).collect();
        assert_eq!(cols, [0, 6, 13]);
        assert!(e[2].1.localize(Lang::Zh).contains("Z-9"));
        // A ratio outside 10-30% for the rows drawn is the ratio's error.
        let mut high = good;
        high[12] = "40";
        let e = plan_from_fields(&cells(high), 2023, &rules).unwrap_err();
        assert_eq!(e.iter().map(|(c, _)| *c).collect::<Vec<_>>(), [12]);
    }
}
