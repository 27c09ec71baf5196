//! The annual plan table (the source's attachment) from CSV or XLSX.

use super::issue::{ImportErrors, Reason, RowIssue};
use super::table::Table;
use super::values::normalize_header;
use super::ImportReport;
use crate::domain::plan::{
    parse_month_range, parse_ratio, split_list, InspectionMethod, ItemClass, JointKind, Plan,
    PlanError, PLAN_HEADERS,
};
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
    let mut records = Vec::new();
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
        let mut bad = |col: usize, reason: Reason| {
            errors.push(RowIssue {
                file: name.into(),
                row: Some(row.number),
                column: Some(PLAN_HEADERS[col].to_string()),
                reason,
            })
        };
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
        if let Err(e) = crate::domain::scope::Scope::parse(&cell(8)) {
            bad(
                8,
                Reason::Domain {
                    zh: e.localize(Lang::Zh),
                    en: e.localize(Lang::En),
                },
            );
        }
        records.push((
            row.number,
            Plan {
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
            },
        ));
    }
    let rules = crate::domain::rules::Rules::default_rules();
    for (row, p) in &records {
        if let Err(e) = p.validate(&rules) {
            errors.push(RowIssue {
                file: name.into(),
                row: Some(*row),
                column: None,
                reason: domain(&e),
            });
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
        records,
        warnings: vec![],
        unknown_columns,
    })
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
}
