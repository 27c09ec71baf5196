//! The `export` action: a path prompt for the workbook of the current tab (the registry shown,
//! the plan of the year, the selected draw, the dashboard's quarter, the publication list),
//! then `report::export` on a background thread with a progress gauge (`super::super::app`),
//! then where the file went.

use super::{AppState, Ctx, Effect, Field, Form, FormKind, Overlay, Registry, Tab};
use crate::i18n::Lang;
use crate::report::{ExportKind, ExportSummary, RegistryKind};
use chrono::{Datelike, NaiveDate};
use std::path::{Path, PathBuf};

/// The file name offered for `kind` on `today`, e.g. `检查对象-2026-11-28.xlsx`.
pub fn default_file_name(kind: &ExportKind, lang: Lang, today: NaiveDate) -> String {
    let what = match kind {
        ExportKind::Registry(k) => match k {
            RegistryKind::Targets => lang.pick("检查对象", "targets"),
            RegistryKind::Inspectors => lang.pick("检查人员", "inspectors"),
            RegistryKind::Departments => lang.pick("部门", "departments"),
            RegistryKind::Conflicts => lang.pick("回避关系", "conflicts"),
            RegistryKind::Items => lang.pick("抽查事项清单", "items"),
        }
        .to_string(),
        ExportKind::Plan(y) => format!("{}-{y}", lang.pick("抽查计划", "plan")),
        ExportKind::Draw(id) => format!("{}-{id}", lang.pick("抽取记录", "draw")),
        ExportKind::Announcement(id) => format!("{}-{id}", lang.pick("抽取公告", "announcement")),
        ExportKind::Quarterly { period, .. } => {
            format!("{}-{period}", lang.pick("季度报表", "quarterly"))
        }
        ExportKind::Publication(p) => format!("{}-{p}", lang.pick("结果公示", "publication")),
        ExportKind::Notice { spec, .. } => {
            format!("{}-{}-{}", lang.pick("公示", "notice"), spec.from, spec.to)
        }
        ExportKind::Tasks { .. } => lang.pick("抽查任务", "tasks").to_string(),
    };
    format!("{what}-{today}.xlsx")
}

/// Check the typed path: an .xlsx file in an existing directory. Returns the absolute path.
pub fn check_path(text: &str, lang: Lang) -> Result<PathBuf, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(lang.pick("必填", "required").into());
    }
    let path = Path::new(text);
    if path.is_dir() || text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(lang
            .pick(
                "这是一个目录：请写上文件名",
                "this is a directory: add a file name",
            )
            .into());
    }
    let xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !xlsx {
        return Err(lang
            .pick("文件名须以 .xlsx 结尾", "the file name must end in .xlsx")
            .into());
    }
    let abs = std::path::absolute(path).map_err(|e| e.to_string())?;
    match abs.parent() {
        Some(dir) if dir.is_dir() => Ok(abs),
        _ => Err(lang.pick("目录不存在", "no such directory").to_string()),
    }
}

/// What the result panel says of a finished export: where the file went and its sheets.
pub fn exported_lines(s: &ExportSummary, lang: Lang) -> Vec<String> {
    let mut lines = vec![
        lang.pick("文件已保存到：", "The file is at:").to_string(),
        s.path.display().to_string(),
        String::new(),
    ];
    for sheet in &s.sheets {
        lines.push(match lang {
            Lang::Zh => format!("工作表「{}」：{} 行", sheet.name, sheet.rows),
            Lang::En => format!("sheet “{}”: {} rows", sheet.name, sheet.rows),
        });
    }
    lines
}

impl AppState {
    /// What `export` writes on the current tab, or why nothing.
    fn export_kind(&self, ctx: &Ctx) -> Result<ExportKind, String> {
        let lang = self.lang();
        let period = self.figures.period.to_string();
        match self.tab {
            Tab::Registries => Ok(ExportKind::Registry(match self.registry {
                Registry::Targets => RegistryKind::Targets,
                Registry::Inspectors => RegistryKind::Inspectors,
                Registry::Departments => RegistryKind::Departments,
                Registry::Conflicts => RegistryKind::Conflicts,
                Registry::Items => RegistryKind::Items,
            })),
            Tab::Plans => Ok(ExportKind::Plan(
                ctx.book
                    .plans
                    .get(self.plans.selected)
                    .map(|p| p.year)
                    .unwrap_or_else(|| self.cfg.today.year()),
            )),
            Tab::Draws => {
                // The list shows the newest draw first.
                let n = ctx.book.draws.len();
                n.checked_sub(1 + self.draws.selected)
                    .and_then(|i| ctx.book.draws.get(i))
                    .map(|d| ExportKind::Draw(d.id))
                    .ok_or_else(|| lang.pick("还没有抽取记录", "no draws yet").to_string())
            }
            Tab::Dashboard => Ok(ExportKind::Quarterly {
                period,
                today: self.cfg.today,
            }),
            Tab::Publication => Ok(ExportKind::Publication(period)),
            _ => Err(super::not_here(lang, super::Action::Export)),
        }
    }

    /// Open the path prompt for the current tab's workbook.
    pub(super) fn open_export_form(&mut self, ctx: &Ctx) -> Effect {
        let lang = self.lang();
        let kind = match self.export_kind(ctx) {
            Ok(k) => k,
            Err(e) => {
                self.message = Some(e);
                return Effect::Redraw;
            }
        };
        let name = default_file_name(&kind, lang, self.cfg.today);
        self.overlay = Some(Overlay::Form(Form {
            title: format!("{}：{}", lang.pick("导出", "Export"), kind.title(lang)),
            kind: FormKind::Export { kind },
            fields: vec![Field::new(
                "保存到",
                "Save to",
                &name,
                lang.pick(
                    ".xlsx 文件的路径（相对于当前目录）",
                    "path of the .xlsx file (relative to the current directory)",
                )
                .into(),
            )],
            focus: 0,
            error: None,
        }));
        Effect::Redraw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    #[test]
    fn default_names_follow_the_kind_and_the_day() {
        let k = ExportKind::Registry(RegistryKind::Targets);
        assert_eq!(
            default_file_name(&k, Lang::Zh, day()),
            "检查对象-2026-11-28.xlsx"
        );
        assert_eq!(
            default_file_name(&k, Lang::En, day()),
            "targets-2026-11-28.xlsx"
        );
        let q = ExportKind::Quarterly {
            period: "2022Q3".into(),
            today: day(),
        };
        assert_eq!(
            default_file_name(&q, Lang::Zh, day()),
            "季度报表-2022Q3-2026-11-28.xlsx"
        );
        assert_eq!(
            default_file_name(&ExportKind::Draw(7), Lang::En, day()),
            "draw-7-2026-11-28.xlsx"
        );
    }

    #[test]
    fn paths_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("a.xlsx");
        assert_eq!(check_path(ok.to_str().unwrap(), Lang::En), Ok(ok.clone()));
        assert_eq!(check_path("  ", Lang::En), Err("required".into()));
        let txt = dir.path().join("a.csv");
        assert!(check_path(txt.to_str().unwrap(), Lang::En)
            .unwrap_err()
            .contains(".xlsx"));
        assert!(check_path(dir.path().to_str().unwrap(), Lang::En)
            .unwrap_err()
            .contains("directory"));
        let missing = dir.path().join("nope").join("a.xlsx");
        assert_eq!(
            check_path(missing.to_str().unwrap(), Lang::Zh),
            Err("目录不存在".into())
        );
        // A relative name lands in the current directory.
        let rel = check_path("检查对象.xlsx", Lang::Zh).unwrap();
        assert!(rel.is_absolute());
        assert_eq!(rel.file_name().unwrap(), "检查对象.xlsx");
    }
}
