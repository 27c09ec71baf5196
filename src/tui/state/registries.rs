//! The registries tab (2 名录库): four lists (targets, inspectors, departments, recusals), each
//! with its filter, sort and window, and the forms opened from them (status, target, import).

use super::*;
use crate::domain::{
    CreditCode, InspectorStatus, MonthSet, PermitClass, SupervisionLists, Sym, SymList, Target,
    TargetStatus,
};

/// The four registries of the registries tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    /// The inspection item list (抽查事项清单, issue 19).
    Items,
}

impl Registry {
    /// The store tree its records live in (their revisions are kept by it).
    pub fn tree(self) -> TreeName {
        match self {
            Registry::Targets => TreeName::Targets,
            Registry::Inspectors => TreeName::Inspectors,
            Registry::Departments => TreeName::Departments,
            Registry::Conflicts => TreeName::Conflicts,
            Registry::Items => TreeName::Items,
        }
    }

    pub const ALL: [Registry; 5] = [
        Registry::Targets,
        Registry::Inspectors,
        Registry::Departments,
        Registry::Conflicts,
        Registry::Items,
    ];

    pub fn index(self) -> usize {
        Registry::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Registry::Targets => lang.pick("检查对象", "Targets"),
            Registry::Inspectors => lang.pick("检查人员", "Inspectors"),
            Registry::Departments => lang.pick("部门", "Departments"),
            Registry::Conflicts => lang.pick("回避", "Recusals"),
            Registry::Items => lang.pick("事项", "Items"),
        }
    }

    /// Number of records.
    pub fn len(self, data: &State) -> usize {
        match self {
            Registry::Targets => data.targets.len(),
            Registry::Inspectors => data.inspectors.len(),
            Registry::Departments => data.departments.len(),
            Registry::Conflicts => data.conflicts.len(),
            Registry::Items => data.items.len(),
        }
    }

    /// Column titles (zh, en), in sort order. The views decide which fit.
    pub fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Registry::Targets => &[
                ("名称", "Name"),
                ("信用代码", "Credit code"),
                ("乡镇", "Town"),
                ("规则", "Row"),
                ("状态", "Status"),
                ("行业", "Industry"),
                ("管理类别", "Permit"),
            ],
            Registry::Inspectors => &[
                ("姓名", "Name"),
                ("执法证号", "Certificate"),
                ("部门", "Department"),
                ("岗位", "Post"),
                ("证件有效期", "Valid until"),
                ("状态", "Status"),
            ],
            Registry::Departments => &[("代码", "Code"), ("名称", "Name"), ("类型", "Kind")],
            Registry::Conflicts => &[
                ("检查人员", "Inspector"),
                ("检查对象", "Target"),
                ("事由", "Reason"),
            ],
            Registry::Items => &[
                ("编码", "Code"),
                ("抽查事项", "Item"),
                ("事项类别", "Class"),
                ("检查依据", "Basis"),
            ],
        }
    }
}

/// One registry's list: filter, sort and the visible window.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub filter: TextInput,
    /// The filter text the matches were computed for.
    pub applied: String,
    /// Row indices that match the filter, in display order.
    pub matches: Vec<u32>,
    /// Every row index in sort order (empty: natural order).
    pub order: Vec<u32>,
    pub sort_col: Option<usize>,
    pub sort_rev: bool,
    pub selected: usize,
    pub offset: usize,
}

impl ListView {
    /// The record index of the selected row.
    pub fn selected_index(&self) -> Option<usize> {
        self.matches.get(self.selected).map(|&i| i as usize)
    }
}

impl AppState {
    pub(super) fn filter_changed(&mut self, ctx: &Ctx) {
        let r = self.registry;
        self.recompute(r, ctx, false);
    }

    /// Recompute the matches of registry `r` from its filter. With `full`, or when the filter
    /// is not an extension of the previous one, all rows are scanned; otherwise only the
    /// previous matches.
    pub fn recompute(&mut self, r: Registry, ctx: &Ctx, full: bool) {
        let n = r.len(ctx.data);
        let l = &mut self.lists[r.index()];
        let query = l.filter.text().trim().to_string();
        if full && l.sort_col.is_some() {
            l.order = sorted_order(r, ctx, l.sort_col.unwrap_or(0), l.sort_rev, self.cfg.lang);
        }
        let narrowing = !full && !l.applied.is_empty() && query.starts_with(l.applied.as_str());
        let sorted = l.sort_col.is_some() && l.order.len() == n;
        l.matches = if query.is_empty() {
            if sorted {
                l.order.clone()
            } else {
                (0..n as u32).collect()
            }
        } else if narrowing && r != Registry::Targets {
            let prev = std::mem::take(&mut l.matches);
            terms::filter_rows(r, ctx, &query, prev.into_iter())
        } else if sorted {
            terms::filter_rows(r, ctx, &query, l.order.iter().copied())
        } else {
            terms::filter_rows(r, ctx, &query, 0..n as u32)
        };
        l.applied = query;
        l.selected = 0;
        l.offset = 0;
        self.clamp_scroll();
    }

    /// The registries changed under the lists: recompute every list with its filter and sort,
    /// keeping the selected record (rows are records by id, never removed) and the window.
    pub fn data_changed(&mut self, ctx: &Ctx) {
        for r in Registry::ALL {
            let l = &self.lists[r.index()];
            let (keep, offset) = (l.selected_index(), l.offset);
            self.recompute(r, ctx, true);
            let l = &mut self.lists[r.index()];
            if let Some(i) = keep {
                l.selected = l
                    .matches
                    .iter()
                    .position(|&m| m as usize == i)
                    .unwrap_or(l.selected);
            }
            l.offset = offset;
        }
        self.clamp_scroll();
    }

    pub(super) fn resort(&mut self, ctx: &Ctx) {
        let r = self.registry;
        let lang = self.lang();
        let l = &mut self.lists[r.index()];
        let col = l.sort_col.unwrap_or(0);
        l.order = sorted_order(r, ctx, col, l.sort_rev, lang);
        self.recompute(r, ctx, false);
        // `recompute` narrows from the old matches when it can; a resort must not.
        let l = &mut self.lists[r.index()];
        let query = l.filter.text().trim().to_string();
        l.matches = terms::filter_rows(r, ctx, &query, l.order.iter().copied());
        let title = r
            .columns()
            .get(col)
            .map(|c| lang.pick(c.0, c.1))
            .unwrap_or("");
        self.message = Some(format!(
            "{}{}{}",
            lang.pick("排序：", "sorted by "),
            title,
            if self.list().sort_rev {
                lang.pick("（倒序）", " (descending)")
            } else {
                ""
            }
        ));
    }

    pub(super) fn open_status_form(&mut self, ctx: &Ctx) {
        let lang = self.lang();
        let Some(i) = self.list().selected_index() else {
            return;
        };
        let today = self.cfg.today.format("%Y-%m-%d").to_string();
        let (registry, id, name, current, hint) = match self.registry {
            Registry::Targets => {
                let Some(t) = ctx.data.targets.get(i) else {
                    return;
                };
                (
                    Registry::Targets,
                    t.id,
                    t.name().to_string(),
                    t.status.label(lang),
                    [
                        TargetStatus::Operating,
                        TargetStatus::Suspended,
                        TargetStatus::Closed,
                    ]
                    .map(|s| s.label(lang))
                    .join(" / "),
                )
            }
            Registry::Inspectors => {
                let Some(p) = ctx.data.inspectors.get(i) else {
                    return;
                };
                (
                    Registry::Inspectors,
                    p.id,
                    p.name.clone(),
                    p.status.label(lang),
                    [
                        InspectorStatus::Active,
                        InspectorStatus::Inactive,
                        InspectorStatus::Left,
                    ]
                    .map(|s| s.label(lang))
                    .join(" / "),
                )
            }
            _ => {
                self.message = Some(
                    lang.pick(
                        "只有检查对象和检查人员有状态",
                        "only targets and inspectors have a status",
                    )
                    .into(),
                );
                return;
            }
        };
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Status {
                registry,
                id,
                revision: Some(ctx.revisions.rev(registry.tree(), id)),
            },
            title: format!(
                "{} {} {name}",
                lang.pick("变更状态", "Change status"),
                self.cfg.symbols.separator
            ),
            fields: vec![
                Field::new("新状态", "New status", current, hint),
                Field::new("生效日期", "Effective", &today, "YYYY-MM-DD".into()),
                Field::new("原因", "Reason", "", lang.pick("必填", "required").into()),
            ],
            focus: 0,
            error: None,
        }));
    }

    pub(super) fn open_target_form(&mut self, t: Option<&Target>, ctx: &Ctx) {
        let lang = self.lang();
        if self.registry != Registry::Targets {
            self.message = Some(
                lang.pick(
                    "新增请切换到检查对象名录；其他名录请导入文件",
                    "switch to the targets registry to add; import a file for the others",
                )
                .into(),
            );
            return;
        }
        let get = |f: fn(&Target) -> String| t.map(f).unwrap_or_default();
        let permits = PermitClass::ALL.map(|p| p.label(lang)).join(" / ");
        let statuses = [
            TargetStatus::Operating,
            TargetStatus::Suspended,
            TargetStatus::Closed,
        ]
        .map(|s| s.label(lang))
        .join(" / ");
        let fields = vec![
            Field::new(
                "单位名称",
                "Name",
                &get(|t| t.name().to_string()),
                String::new(),
            ),
            Field::new(
                "信用代码",
                "Credit code",
                &get(|t| t.credit_code.as_str().to_string()),
                lang.pick("18 位", "18 characters").into(),
            ),
            Field::new(
                "乡镇",
                "Town",
                &get(|t| t.region.to_string()),
                String::new(),
            ),
            Field::new(
                "行业",
                "Industry",
                &get(|t| t.industry.to_string()),
                String::new(),
            ),
            Field::new(
                "地址",
                "Address",
                &get(|t| t.address().to_string()),
                String::new(),
            ),
            Field::new(
                "管理类别",
                "Permit class",
                &t.map(|t| t.permit_class.label(lang).to_string())
                    .unwrap_or_else(|| PermitClass::None.label(lang).to_string()),
                permits,
            ),
            Field::new(
                "状态",
                "Status",
                &t.map(|t| t.status.label(lang).to_string())
                    .unwrap_or_else(|| TargetStatus::Operating.label(lang).to_string()),
                statuses,
            ),
        ];
        let id = t.map(|t| t.id).unwrap_or(0);
        let title = match t {
            Some(t) => format!(
                "{} {} {}",
                lang.pick("编辑检查对象", "Edit target"),
                self.cfg.symbols.separator,
                t.name()
            ),
            None => lang.pick("新增检查对象", "Add target").to_string(),
        };
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Target {
                id,
                revision: t.map(|t| ctx.revisions.rev(TreeName::Targets, t.id)),
            },
            title,
            fields,
            focus: 0,
            error: None,
        }));
    }

    pub(super) fn open_import_form(&mut self) {
        let lang = self.lang();
        let kind = match self.registry {
            _ if self.tab == Tab::Plans => ImportKind::Plans,
            Registry::Targets => ImportKind::Targets,
            Registry::Inspectors => ImportKind::Inspectors,
            Registry::Departments => ImportKind::Departments,
            Registry::Conflicts => ImportKind::Conflicts,
            Registry::Items => ImportKind::Items,
        };
        let kinds = [
            ImportKind::Targets,
            ImportKind::Inspectors,
            ImportKind::Departments,
            ImportKind::Conflicts,
            ImportKind::Plans,
            ImportKind::Items,
        ]
        .map(|k| k.label(lang))
        .join(" / ");
        self.overlay = Some(Overlay::Form(Form {
            kind: FormKind::Import,
            title: lang.pick("导入名录文件", "Import a registry file").into(),
            fields: vec![
                Field::new("名录", "Registry", kind.label(lang), kinds),
                Field::new(
                    "文件",
                    "File",
                    "",
                    lang.pick("CSV 或 XLSX 的路径", "path of a CSV or XLSX file")
                        .into(),
                ),
            ],
            focus: 0,
            error: None,
        }));
    }
}

pub(super) fn parse_import_kind(s: &str) -> Option<ImportKind> {
    let s = s.trim();
    [
        ImportKind::Targets,
        ImportKind::Inspectors,
        ImportKind::Departments,
        ImportKind::Conflicts,
        ImportKind::Plans,
        ImportKind::Items,
    ]
    .into_iter()
    .find(|k| {
        k.label(Lang::Zh) == s || k.label(Lang::En).eq_ignore_ascii_case(s) || {
            let name = format!("{k:?}");
            name.eq_ignore_ascii_case(s)
        }
    })
}

/// A new target with every field not on the form empty.
pub fn blank_target(code: CreditCode) -> Target {
    Target {
        id: 0,
        text: crate::domain::TargetText::default(),
        credit_code: code,
        region: Sym::default(),
        industry: Sym::default(),
        permit_class: PermitClass::None,
        lists: SupervisionLists::default(),
        radiation_user: false,
        construction_project: false,
        positive_list: false,
        online_monitoring: false,
        video_monitoring: false,
        pollutants: SymList::default(),
        production_months: MonthSet::ALL,
        credit_grade: Sym::default(),
        performance_grade: Sym::default(),
        violations: 0,
        complaints: 0,
        status: TargetStatus::Operating,
        status_history: Vec::new(),
        tags: SymList::default(),
    }
}

/// A prepared filter query: the text as typed, upper- and lower-cased (for ASCII letters),
/// each distinct variant compiled once into a substring finder.
pub(super) struct Query {
    pub(super) text: String,
    finders: Vec<memchr::memmem::Finder<'static>>,
    upper: memchr::memmem::Finder<'static>,
    permits: Vec<PermitClass>,
    /// Department codes whose name matches (inspectors are filtered by department name).
    departments: Vec<String>,
}

impl Query {
    pub(super) fn new(text: &str, data: &State) -> Query {
        let permits = PermitClass::ALL
            .into_iter()
            .filter(|p| {
                !text.is_empty()
                    && (p.label(Lang::Zh).contains(text)
                        || p.label(Lang::En).contains(&text.to_lowercase()))
            })
            .collect();
        let departments = data
            .departments
            .iter()
            .filter(|d| !text.is_empty() && d.name.contains(text))
            .map(|d| d.code.clone())
            .collect();
        let mut variants = vec![text.to_string(), text.to_uppercase(), text.to_lowercase()];
        variants.dedup();
        variants.sort();
        variants.dedup();
        let finders = variants
            .iter()
            .map(|v| memchr::memmem::Finder::new(v.as_bytes()).into_owned())
            .collect();
        Query {
            text: text.to_string(),
            finders,
            upper: memchr::memmem::Finder::new(text.to_uppercase().as_bytes()).into_owned(),
            permits,
            departments,
        }
    }

    pub(super) fn hit(&self, field: &str) -> bool {
        self.finders
            .iter()
            .any(|f| f.find(field.as_bytes()).is_some())
    }

    pub(super) fn matches(&self, r: Registry, data: &State, i: usize) -> bool {
        if self.text.is_empty() {
            return true;
        }
        match r {
            Registry::Targets => data.targets.get(i).is_some_and(|t| {
                self.hit(t.name())
                    || self.upper.find(t.credit_code.as_str().as_bytes()).is_some()
                    || self.hit(&t.region)
                    || self.hit(&t.industry)
                    || self.permits.contains(&t.permit_class)
                    || t.tags.iter().any(|g| self.hit(g))
            }),
            Registry::Inspectors => data.inspectors.get(i).is_some_and(|p| {
                self.hit(&p.name)
                    || self.hit(&p.certificate_no)
                    || self.hit(&p.department)
                    || self.departments.contains(&p.department)
                    || self.hit(&p.post)
                    || p.expertise.iter().any(|e| self.hit(e))
            }),
            Registry::Departments => data.departments.get(i).is_some_and(|d| {
                self.hit(&d.code) || self.hit(&d.name) || self.hit(d.kind.label(Lang::Zh))
            }),
            Registry::Conflicts => data.conflicts.get(i).is_some_and(|c| {
                self.hit(&c.reason)
                    || data
                        .inspector(c.inspector)
                        .is_some_and(|p| self.hit(&p.name))
                    || data.target(c.target).is_some_and(|t| self.hit(t.name()))
            }),
            Registry::Items => data
                .items
                .get(i)
                .is_some_and(|x| self.hit(&x.code) || self.hit(&x.name) || self.hit(&x.basis)),
        }
    }
}

/// Every row index of `r`, sorted by column `col` (stable: ties keep the natural order).
pub(super) fn sorted_order(r: Registry, ctx: &Ctx, col: usize, rev: bool, lang: Lang) -> Vec<u32> {
    let d = ctx.data;
    let n = r.len(d);
    let mut idx: Vec<u32> = (0..n as u32).collect();
    match r {
        Registry::Targets => {
            if col == 3 {
                let keys: Vec<String> = d
                    .targets
                    .iter()
                    .map(|t| ctx.rules.obligation_text(t))
                    .collect();
                idx.sort_by(|&a, &b| keys[a as usize].cmp(&keys[b as usize]));
            } else {
                let key = |t: &Target| -> String {
                    match col {
                        0 => t.name().to_string(),
                        1 => t.credit_code.as_str().to_string(),
                        2 => t.region.to_string(),
                        4 => t.status.label(lang).to_string(),
                        5 => t.industry.to_string(),
                        _ => format!("{:?}", t.permit_class),
                    }
                };
                idx.sort_by_cached_key(|&i| key(&d.targets[i as usize]));
            }
        }
        Registry::Inspectors => idx.sort_by_cached_key(|&i| {
            let p = &d.inspectors[i as usize];
            match col {
                0 => p.name.clone(),
                1 => p.certificate_no.clone(),
                2 => d.department_name(&p.department),
                3 => p.post.clone(),
                4 => p
                    .certificate_valid_until
                    .map(|x| x.to_string())
                    .unwrap_or_default(),
                _ => p.status.label(lang).to_string(),
            }
        }),
        Registry::Departments => idx.sort_by_cached_key(|&i| {
            let x = &d.departments[i as usize];
            match col {
                0 => x.code.clone(),
                1 => x.name.clone(),
                _ => x.kind.label(lang).to_string(),
            }
        }),
        Registry::Conflicts => idx.sort_by_cached_key(|&i| {
            let c = &d.conflicts[i as usize];
            match col {
                0 => d
                    .inspector(c.inspector)
                    .map(|p| p.name.clone())
                    .unwrap_or_default(),
                1 => d
                    .target(c.target)
                    .map(|t| t.name().to_string())
                    .unwrap_or_default(),
                _ => c.reason.clone(),
            }
        }),
        Registry::Items => idx.sort_by_cached_key(|&i| {
            let x = &d.items[i as usize];
            match col {
                0 => x.code.clone(),
                1 => x.name.clone(),
                2 => x.class.label(lang).to_string(),
                _ => x.basis.clone(),
            }
        }),
    }
    if rev {
        idx.reverse();
    }
    idx
}
