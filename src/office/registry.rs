//! Registry maintenance: imports, status changes (动态调整), add and edit.

use super::revisions::{stamp, stamps};
use super::{
    conflict_key, encode_record, put_by_id, stage_by_key, target_chunk_writes, Office, OfficeError,
    State,
};
use crate::domain::*;
use crate::i18n::Lang;
use crate::import::{self, ImportReport};
use crate::store::revision::Stamp;
use crate::store::{key_u64, TreeName};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    Plans,
    /// The inspection item list (抽查事项清单).
    Items,
}

impl ImportKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ImportKind::Targets => lang.pick("检查对象", "targets"),
            ImportKind::Inspectors => lang.pick("检查人员", "inspectors"),
            ImportKind::Departments => lang.pick("部门", "departments"),
            ImportKind::Conflicts => lang.pick("回避关系", "recusal pairs"),
            ImportKind::Plans => lang.pick("抽查计划", "plans"),
            ImportKind::Items => lang.pick("抽查事项清单", "inspection items"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    Targets,
    Inspectors,
    Departments,
    Conflicts,
    Tasks,
    Draws,
    Plans,
    /// The inspection item list (抽查事项清单).
    Items,
    /// Inspections outside the draw (issue 19).
    Inspections,
    /// Violations with their state, and re-inspection visits (issue 19).
    Violations,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ImportOutcome {
    pub kind: ImportKind,
    pub file: String,
    pub encoding: String,
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub warnings: Vec<String>,
    pub unknown_columns: Vec<String>,
    pub dry_run: bool,
    /// Audit entry sequence number of the commit (none for a dry run or when nothing changed).
    pub audit_seq: Option<u64>,
    /// What the import changes, field by field (shown before it writes).
    #[serde(default)]
    pub preview: ImportPreview,
}

/// What an import changes in records already stored: counts per field, each changed record's
/// old and new values, and whether the file's names and towns are in another language.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ImportPreview {
    /// (field, records whose field changes), in the order of the file's columns; the field by
    /// its English header (see [`field_label`]).
    pub field_counts: Vec<(String, usize)>,
    pub changes: Vec<RecordChange>,
    /// Records whose name or town in the file is in another language than in the store
    /// (Chinese in one, not in the other).
    pub language_mismatch: usize,
}

/// One stored record an import changes.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct RecordChange {
    /// The key the file matched on (credit code, certificate number, department code).
    pub key: String,
    /// The record's name as stored.
    pub name: String,
    /// (field by English header, old value, new value).
    pub fields: Vec<(String, String, String)>,
}

/// How an import writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ImportOptions {
    /// Report only, write nothing.
    pub dry_run: bool,
    /// An empty cell in a present column clears the stored value (otherwise it keeps it).
    pub clear_empty: bool,
}

/// A field's header in the user's language (`en` is the English header).
pub fn field_label(kind: ImportKind, en: &str, lang: Lang) -> String {
    use crate::import::schema;
    let fields: &[schema::Field] = match kind {
        ImportKind::Targets => &schema::TARGET_FIELDS,
        ImportKind::Inspectors => &schema::INSPECTOR_FIELDS,
        ImportKind::Departments => &schema::DEPARTMENT_FIELDS,
        ImportKind::Conflicts => &schema::CONFLICT_FIELDS,
        ImportKind::Plans => &[],
        ImportKind::Items => &crate::import::ITEM_FIELDS,
    };
    match fields.iter().find(|f| f.en == en) {
        Some(f) => lang.pick(f.zh, f.en).to_string(),
        None => en.to_string(),
    }
}

impl ImportPreview {
    fn record(&mut self, key: String, name: String, fields: Vec<(String, String, String)>) {
        for (f, _, _) in &fields {
            match self.field_counts.iter_mut().find(|(g, _)| g == f) {
                Some((_, n)) => *n += 1,
                None => self.field_counts.push((f.clone(), 1)),
            }
        }
        self.changes.push(RecordChange { key, name, fields });
    }

    /// Field changes of merged records, by English header.
    pub(super) fn record_merge(
        &mut self,
        schema: &[crate::import::schema::Field],
        key: String,
        name: String,
        changes: Vec<import::merge::FieldChange>,
    ) {
        let fields = changes
            .into_iter()
            .map(|c| (schema[c.field].en.to_string(), c.old, c.new))
            .collect();
        self.record(key, name, fields);
    }
}

impl ImportOutcome {
    pub fn localize(&self, lang: Lang) -> String {
        let mut s = match lang {
            Lang::Zh => format!(
                "{}{}：{}（{}，{} 行）：新增 {}，更新 {}，未变 {}",
                if self.dry_run {
                    "【试运行，未写入】"
                } else {
                    ""
                },
                self.kind.label(lang),
                self.file,
                self.encoding,
                self.rows,
                self.added,
                self.updated,
                self.unchanged
            ),
            Lang::En => format!(
                "{}{}: {} ({}, {} rows): added {}, updated {}, unchanged {}",
                if self.dry_run {
                    "[dry run, nothing written] "
                } else {
                    ""
                },
                self.kind.label(lang),
                self.file,
                self.encoding,
                self.rows,
                self.added,
                self.updated,
                self.unchanged
            ),
        };
        if !self.preview.field_counts.is_empty() {
            s.push('\n');
            s.push_str(lang.pick("按字段：", "by field: "));
            let counts: Vec<String> = self
                .preview
                .field_counts
                .iter()
                .map(|(f, n)| format!("{} {n}", field_label(self.kind, f, lang)))
                .collect();
            s.push_str(&counts.join(lang.pick("，", ", ")));
        }
        if self.preview.language_mismatch > 0 {
            s.push('\n');
            s.push_str(&match lang {
                Lang::Zh => format!(
                    "注意：{} 条记录的单位名称或所在地区与库中语言不同（中文/非中文），请核对是否用错了文件",
                    self.preview.language_mismatch
                ),
                Lang::En => format!(
                    "note: {} records have a name or town in another language than the store's (Chinese / not Chinese); check that this is the right file",
                    self.preview.language_mismatch
                ),
            });
        }
        if !self.unknown_columns.is_empty() {
            s.push('\n');
            s.push_str(lang.pick("已忽略未知列：", "unknown columns ignored: "));
            s.push_str(&self.unknown_columns.join(", "));
        }
        for w in &self.warnings {
            s.push('\n');
            s.push_str(lang.pick("警告：", "warning: "));
            s.push_str(w);
        }
        s
    }
}

impl ImportOutcome {
    /// Each changed record with its old and new values, one line per field.
    pub fn preview_text(&self, lang: Lang) -> String {
        let mut s = String::new();
        for c in &self.preview.changes {
            s.push_str(&format!("{} {}\n", c.key, c.name));
            for (f, old, new) in &c.fields {
                let shown = |v: &str| {
                    if v.is_empty() {
                        lang.pick("（空）", "(empty)").to_string()
                    } else {
                        v.to_string()
                    }
                };
                s.push_str(&format!(
                    "  {}: {} → {}\n",
                    field_label(self.kind, f, lang),
                    shown(old),
                    shown(new)
                ));
            }
        }
        s
    }
}

fn invalid(e: import::ImportErrors, lang: Lang) -> OfficeError {
    OfficeError::Invalid(e.localize(lang).lines().map(str::to_string).collect())
}

pub(super) fn outcome<T>(
    kind: ImportKind,
    r: &ImportReport<T>,
    lang: Lang,
    dry_run: bool,
) -> ImportOutcome {
    ImportOutcome {
        kind,
        file: r.file.clone(),
        encoding: r.encoding.clone(),
        rows: r.records.len(),
        added: 0,
        updated: 0,
        unchanged: 0,
        warnings: r.warnings.iter().map(|w| w.localize(lang)).collect(),
        unknown_columns: r.unknown_columns.clone(),
        dry_run,
        audit_seq: None,
        preview: ImportPreview::default(),
    }
}

/// Name or town of `new` in another language than in `old` (where the file gives one).
fn language_differs(old: &str, new: &str) -> bool {
    use crate::import::merge::has_cjk;
    !old.trim().is_empty() && !new.trim().is_empty() && has_cjk(old) != has_cjk(new)
}

impl Office {
    /// Import a registry file. All or nothing: any invalid row refuses the whole file.
    pub fn import(
        &self,
        kind: ImportKind,
        path: &Path,
        dry_run: bool,
    ) -> Result<ImportOutcome, OfficeError> {
        let bytes = std::fs::read(path).map_err(|e| {
            OfficeError::Invalid(vec![format!(
                "{}: {}{e}",
                path.display(),
                self.lang().pick("无法读取文件：", "cannot read the file: ")
            )])
        })?;
        let name = path.display().to_string();
        let opts = ImportOptions {
            dry_run,
            clear_empty: false,
        };
        self.import_owned(kind, &name, bytes, opts)
    }

    /// Import from bytes already read (the TUI and tests use this); empty cells keep values.
    pub fn import_bytes(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        dry_run: bool,
    ) -> Result<ImportOutcome, OfficeError> {
        let opts = ImportOptions {
            dry_run,
            clear_empty: false,
        };
        self.import_bytes_with(kind, name, bytes, opts)
    }

    /// [`Office::import_bytes_with`] taking the file's bytes: a target registry's bytes are
    /// freed once its rows are converted, before the merge and the commit (a 1M-target file is
    /// some 280 MB).
    pub fn import_owned(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: Vec<u8>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        if kind != ImportKind::Targets {
            return self.import_bytes_with(kind, name, &bytes, opts);
        }
        let lang = self.lang();
        let r = import::read_targets_owned(name, bytes).map_err(|e| invalid(e, lang))?;
        self.apply_targets(r, opts)
    }

    /// Import from bytes with options. Records already stored are merged: a column the file
    /// lacks leaves the field as it is, an empty cell clears it only with `clear_empty`.
    pub fn import_bytes_with(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        let lang = self.lang();
        let dry_run = opts.dry_run;
        match kind {
            ImportKind::Targets => {
                let r = import::read_targets_bytes(name, bytes).map_err(|e| invalid(e, lang))?;
                self.apply_targets(r, opts)
            }
            ImportKind::Inspectors => {
                let known: HashSet<String> = self
                    .state()
                    .departments
                    .iter()
                    .map(|d| d.code.clone())
                    .collect();
                let r = import::read_inspectors_bytes(name, bytes, &known)
                    .map_err(|e| invalid(e, lang))?;
                self.apply_inspectors(r, opts)
            }
            ImportKind::Departments => {
                let r =
                    import::read_departments_bytes(name, bytes).map_err(|e| invalid(e, lang))?;
                self.apply_departments(r, opts)
            }
            ImportKind::Conflicts => {
                let r = import::read_conflicts_bytes(name, bytes).map_err(|e| invalid(e, lang))?;
                self.apply_conflicts(r, opts)
            }
            ImportKind::Plans => {
                use chrono::Datelike;
                let year = chrono::Local::now().year();
                self.import_plans(name, bytes, year, dry_run)
            }
            ImportKind::Items => {
                let r = import::read_items_bytes(name, bytes).map_err(|e| invalid(e, lang))?;
                self.apply_items(r, opts)
            }
        }
    }

    fn apply_targets(
        &self,
        r: ImportReport<Target>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        use crate::import::{merge, schema};
        let lang = self.lang();
        let mut out = outcome(ImportKind::Targets, &r, lang, opts.dry_run);
        let today = chrono::Local::now().date_naive();
        let mut st = self.state_mut();
        let mut changed: Vec<Target> = Vec::new();
        let mut new_id = st.targets.len() as u64;
        let present = r.present;
        let mut records = r.records;
        // In place: a new target gets its id; a stored one is merged into `changed` and keeps
        // id 0, so the new ones are then collected into the records' own allocation (a second
        // vector of a million targets is what the peak of an import was made of).
        // Each record against the stored one, in parallel (a re-import of a million unchanged
        // targets is a million comparisons); then counted and applied in file order.
        use rayon::prelude::*;
        let take = |blank| merge::Take {
            present,
            blank,
            clear_empty: opts.clear_empty,
        };
        let matched: Vec<merge::Matched> = records
            .par_iter()
            .zip(&r.blanks)
            .map(|((_, t), &blank)| {
                let Some(id) = st.target_id_by_code(t.credit_code.as_str()) else {
                    return merge::Matched::New;
                };
                let Some(old) = st.target(id) else {
                    return merge::Matched::Skip;
                };
                let mismatch = language_differs(old.name(), t.name())
                    || language_differs(&old.region, &t.region);
                let (merged, changes) = merge::merge_target(old, t, take(blank));
                if changes.is_empty() {
                    merge::Matched::Same { mismatch }
                } else {
                    merge::Matched::Changed {
                        id,
                        merged: Box::new(merged),
                        changes,
                        mismatch,
                    }
                }
            })
            .collect();
        for ((_, t), m) in records.iter_mut().zip(matched) {
            match m {
                merge::Matched::Skip => {}
                merge::Matched::Same { mismatch } => {
                    out.preview.language_mismatch += usize::from(mismatch);
                    out.unchanged += 1;
                }
                merge::Matched::Changed {
                    id,
                    merged,
                    changes,
                    mismatch,
                } => {
                    out.preview.language_mismatch += usize::from(mismatch);
                    let Some(old) = st.target(id) else { continue };
                    let mut t = *merged;
                    if old.status != t.status {
                        t.status_history.push(StatusChange {
                            status: t.status,
                            effective: today,
                            reason: format!("导入 {}", out.file),
                            by: self.user().to_string(),
                        });
                    }
                    out.preview.record_merge(
                        &schema::TARGET_FIELDS,
                        old.credit_code.to_string(),
                        old.name().to_string(),
                        changes,
                    );
                    changed.push(t);
                    out.updated += 1;
                }
                merge::Matched::New => {
                    new_id += 1;
                    t.id = new_id;
                    // History records changes; the import itself is in the audit log.
                    t.status_history = Vec::new();
                    out.added += 1;
                }
            }
        }
        drop(r.blanks);
        let next: Vec<Target> = records
            .into_iter()
            .filter(|(_, t)| t.id != 0)
            .map(|(_, t)| t)
            .collect();
        if opts.dry_run || (next.is_empty() && changed.is_empty()) {
            return Ok(out);
        }
        let writes = target_chunk_writes(&st.targets, &changed, &next)?;
        let summary = out.localize(Lang::Zh);
        // New targets stay at revision 0 (a million of them would double the writes).
        let stamps = stamps(TreeName::Targets, changed.iter().map(|t| t.id));
        let entry = self.commit_stamped("import targets", summary, writes, stamps)?;
        out.audit_seq = Some(entry.seq);
        for t in changed {
            // Matched by credit code: the code index is unchanged.
            let i = (t.id - 1) as usize;
            st.targets[i] = t;
        }
        if st.targets.is_empty() {
            // A first import: the records' own allocation becomes the registry (extending an
            // empty one copied 176 MB at 1M targets).
            st.targets = next;
        } else {
            st.targets.reserve_exact(next.len());
            st.targets.extend(next);
        }
        // The indexes are built again when next used.
        st.targets_replaced();
        Ok(out)
    }

    fn apply_inspectors(
        &self,
        r: ImportReport<Inspector>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        use crate::import::{merge, schema};
        let dry_run = opts.dry_run;
        let mut out = outcome(ImportKind::Inspectors, &r, self.lang(), dry_run);
        let today = chrono::Local::now().date_naive();
        let mut st = self.state_mut();
        let mut writes = Vec::new();
        let mut staged: Vec<Inspector> = Vec::new();
        let mut next_id = st.inspectors.len() as u64;
        let present = r.present;
        for ((_, mut p), blank) in r.records.into_iter().zip(r.blanks) {
            match st.inspector_by_cert.get(&p.certificate_no).copied() {
                Some(id) => {
                    let Some(old) = st.inspector(id) else {
                        continue;
                    };
                    if language_differs(&old.name, &p.name) {
                        out.preview.language_mismatch += 1;
                    }
                    let take = merge::Take {
                        present,
                        blank,
                        clear_empty: opts.clear_empty,
                    };
                    let changes;
                    (p, changes) = merge::merge_inspector(old, &p, take);
                    if changes.is_empty() {
                        out.unchanged += 1;
                        continue;
                    }
                    out.preview.record_merge(
                        &schema::INSPECTOR_FIELDS,
                        old.certificate_no.clone(),
                        old.name.clone(),
                        changes,
                    );
                    if old.status != p.status {
                        p.status_history.push(StatusChange {
                            status: p.status,
                            effective: today,
                            reason: format!("导入 {}", out.file),
                            by: self.user().to_string(),
                        });
                    }
                    out.updated += 1;
                }
                None => {
                    next_id += 1;
                    p.id = next_id;
                    p.status_history = Vec::new();
                    out.added += 1;
                }
            }
            writes.push(encode_record(TreeName::Inspectors, key_u64(p.id), &p)?);
            staged.push(p);
        }
        if dry_run || writes.is_empty() {
            return Ok(out);
        }
        let stamps = stamps(TreeName::Inspectors, staged.iter().map(|p| p.id));
        let entry =
            self.commit_stamped("import inspectors", out.localize(Lang::Zh), writes, stamps)?;
        out.audit_seq = Some(entry.seq);
        for p in staged {
            st.inspector_by_cert.insert(p.certificate_no.clone(), p.id);
            put_by_id(&mut st.inspectors, p.id, p);
        }
        Ok(out)
    }

    fn apply_departments(
        &self,
        r: ImportReport<Department>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        use crate::import::schema::d;
        let dry_run = opts.dry_run;
        let mut out = outcome(ImportKind::Departments, &r, self.lang(), dry_run);
        let mut st = self.state_mut();
        let present = r.present;
        let mut incoming = Vec::new();
        for ((_, mut dep), blank) in r.records.into_iter().zip(r.blanks) {
            if let Some(old) = st.departments.iter().find(|o| o.code == dep.code) {
                let take = import::merge::Take {
                    present,
                    blank,
                    clear_empty: opts.clear_empty,
                };
                if !take.takes(d::KIND) {
                    dep.kind = old.kind;
                }
                let mut fields = Vec::new();
                if old.name != dep.name {
                    fields.push(("name".to_string(), old.name.clone(), dep.name.clone()));
                }
                if old.kind != dep.kind {
                    fields.push((
                        "kind".to_string(),
                        format!("{:?}", old.kind),
                        format!("{:?}", dep.kind),
                    ));
                }
                if !fields.is_empty() {
                    out.preview
                        .record(old.code.clone(), old.name.clone(), fields);
                }
            }
            incoming.push(dep);
        }
        let staged = stage_by_key(
            &st.departments,
            incoming,
            |a, b| a.code == b.code,
            |d| d.id,
            |d, id| d.id = id,
            &mut out,
        );
        if dry_run || staged.is_empty() {
            return Ok(out);
        }
        let writes = staged
            .iter()
            .map(|d| encode_record(TreeName::Departments, key_u64(d.id), d))
            .collect::<Result<Vec<_>, _>>()?;
        let stamps = stamps(TreeName::Departments, staged.iter().map(|d| d.id));
        let entry =
            self.commit_stamped("import departments", out.localize(Lang::Zh), writes, stamps)?;
        out.audit_seq = Some(entry.seq);
        for d in staged {
            put_by_id(&mut st.departments, d.id, d);
        }
        Ok(out)
    }

    fn apply_conflicts(
        &self,
        r: ImportReport<import::ConflictRow>,
        opts: ImportOptions,
    ) -> Result<ImportOutcome, OfficeError> {
        use crate::import::schema::c;
        let dry_run = opts.dry_run;
        let lang = self.lang();
        let mut out = outcome(ImportKind::Conflicts, &r, lang, dry_run);
        let mut st = self.state_mut();
        let mut errors = Vec::new();
        let mut pairs = Vec::new();
        for ((row, c), &blank) in r.records.iter().zip(&r.blanks) {
            let insp = st.inspector_by_cert.get(c.certificate_no.trim()).copied();
            let targ = st.target_id_by_code(c.credit_code.as_str());
            if insp.is_none() {
                errors.push(format!(
                    "{}:{row}:{}: {}{}",
                    r.file,
                    lang.pick("执法证号", "certificate_no"),
                    lang.pick(
                        "检查人员名录库中没有执法证号 ",
                        "no inspector has certificate "
                    ),
                    c.certificate_no
                ));
            }
            if targ.is_none() {
                errors.push(format!(
                    "{}:{row}:{}: {}{}",
                    r.file,
                    lang.pick("统一社会信用代码", "credit_code"),
                    lang.pick(
                        "检查对象名录库中没有信用代码 ",
                        "no target has credit code "
                    ),
                    c.credit_code
                ));
            }
            if let (Some(i), Some(t)) = (insp, targ) {
                let take = import::merge::Take {
                    present: r.present,
                    blank,
                    clear_empty: opts.clear_empty,
                };
                let stored = st
                    .conflicts
                    .iter()
                    .find(|q| q.inspector == i && q.target == t);
                let reason = match stored {
                    Some(q) if !take.takes(c::REASON) => q.reason.clone(),
                    _ => c.reason.clone(),
                };
                pairs.push(RecusalPair {
                    inspector: i,
                    target: t,
                    reason,
                });
            }
        }
        if !errors.is_empty() {
            return Err(OfficeError::Invalid(errors));
        }
        let mut writes = Vec::new();
        let mut staged = Vec::new();
        for p in pairs {
            match st
                .conflicts
                .iter()
                .find(|q| q.inspector == p.inspector && q.target == p.target)
            {
                Some(q) if q.reason == p.reason => {
                    out.unchanged += 1;
                    continue;
                }
                Some(q) => {
                    out.updated += 1;
                    let key = format!("{} / {}", p.inspector, p.target);
                    let fields = vec![("reason".to_string(), q.reason.clone(), p.reason.clone())];
                    out.preview.record(key, String::new(), fields);
                }
                None => out.added += 1,
            }
            writes.push(encode_record(TreeName::Conflicts, conflict_key(&p), &p)?);
            staged.push(p);
        }
        if dry_run || writes.is_empty() {
            return Ok(out);
        }
        let stamps = staged
            .iter()
            .map(|p| Stamp::new(TreeName::Conflicts, conflict_key(p)))
            .collect();
        let entry =
            self.commit_stamped("import conflicts", out.localize(Lang::Zh), writes, stamps)?;
        out.audit_seq = Some(entry.seq);
        for p in staged {
            match st
                .conflicts
                .iter_mut()
                .find(|q| q.inspector == p.inspector && q.target == p.target)
            {
                Some(q) => *q = p,
                None => st.conflicts.push(p),
            }
        }
        Ok(out)
    }

    /// A status change (动态调整) by this office's user; the reason is required.
    fn status_change<S>(
        &self,
        status: S,
        effective: NaiveDate,
        reason: &str,
    ) -> Result<StatusChange<S>, OfficeError> {
        if reason.trim().is_empty() {
            return Err(OfficeError::Refused(
                self.lang()
                    .pick("变更状态必须填写原因", "a status change needs a reason")
                    .into(),
            ));
        }
        Ok(StatusChange {
            status,
            effective,
            reason: reason.trim().to_string(),
            by: self.user().to_string(),
        })
    }

    /// Change a target's status (动态调整) with effective date and reason; history is kept.
    pub fn set_target_status(
        &self,
        id: TargetId,
        status: TargetStatus,
        effective: NaiveDate,
        reason: &str,
    ) -> Result<Target, OfficeError> {
        self.set_target_status_at(id, status, effective, reason, None)
    }

    /// [`Office::set_target_status`] based on the target's revision `base` (refused as stale
    /// when another save came first; `None`: no check).
    pub fn set_target_status_at(
        &self,
        id: TargetId,
        status: TargetStatus,
        effective: NaiveDate,
        reason: &str,
        base: Option<u64>,
    ) -> Result<Target, OfficeError> {
        let change = self.status_change(status, effective, reason)?;
        let mut st = self.state_mut();
        let Some(old) = st.target(id).cloned() else {
            return Err(OfficeError::NotFound(format!("target {id}")));
        };
        let mut t = old.clone();
        let pending = effective > chrono::Local::now().date_naive();
        if !pending {
            t.status = status;
        }
        push_change(&mut t.status_history, change);
        let writes = target_chunk_writes(&st.targets, std::slice::from_ref(&t), &[])?;
        let summary = format!(
            "检查对象 {} {}：{} → {}，{} 起{}，原因：{}",
            t.id,
            t.name(),
            old.status.label(Lang::Zh),
            status.label(Lang::Zh),
            effective,
            if pending { "（待生效）" } else { "" },
            reason.trim()
        );
        let stamps = vec![stamp(TreeName::Targets, id, base)];
        self.commit_stamped("target status", summary, writes, stamps)?;
        st.put_target(t.clone());
        Ok(t)
    }

    /// Change an inspector's status with effective date and reason; history is kept.
    pub fn set_inspector_status(
        &self,
        id: InspectorId,
        status: InspectorStatus,
        effective: NaiveDate,
        reason: &str,
    ) -> Result<Inspector, OfficeError> {
        self.set_inspector_status_at(id, status, effective, reason, None)
    }

    /// [`Office::set_inspector_status`] based on the inspector's revision `base`.
    pub fn set_inspector_status_at(
        &self,
        id: InspectorId,
        status: InspectorStatus,
        effective: NaiveDate,
        reason: &str,
        base: Option<u64>,
    ) -> Result<Inspector, OfficeError> {
        let change = self.status_change(status, effective, reason)?;
        let mut st = self.state_mut();
        let Some(old) = st.inspector(id).cloned() else {
            return Err(OfficeError::NotFound(format!("inspector {id}")));
        };
        let mut p = old.clone();
        let pending = effective > chrono::Local::now().date_naive();
        if !pending {
            p.status = status;
        }
        push_change(&mut p.status_history, change);
        let summary = format!(
            "检查人员 {} {}：{} → {}，{} 起{}，原因：{}",
            p.id,
            p.name,
            old.status.label(Lang::Zh),
            status.label(Lang::Zh),
            effective,
            if pending { "（待生效）" } else { "" },
            reason.trim()
        );
        let w = encode_record(TreeName::Inspectors, key_u64(id), &p)?;
        let stamps = vec![stamp(TreeName::Inspectors, id, base)];
        self.commit_stamped("inspector status", summary, vec![w], stamps)?;
        st.inspectors[(id - 1) as usize] = p.clone();
        Ok(p)
    }

    /// Save a target from a form (id 0 = new). Validated like an import row.
    pub fn save_target(&self, t: Target) -> Result<Target, OfficeError> {
        self.save_target_at(t, None)
    }

    /// [`Office::save_target`] based on the target's revision `base`: refused, changing
    /// nothing, when the target was changed since (`None`: no check; a new target has none).
    pub fn save_target_at(&self, mut t: Target, base: Option<u64>) -> Result<Target, OfficeError> {
        let lang = self.lang();
        let mut st = self.state_mut();
        if let Some(other) = st.target_id_by_code(t.credit_code.as_str()) {
            if other != t.id {
                return Err(OfficeError::Invalid(vec![format!(
                    "{}: {} {}",
                    lang.pick("统一社会信用代码", "credit_code"),
                    lang.pick("已被另一检查对象使用：", "already used by target"),
                    other
                )]));
            }
        }
        if t.name().trim().is_empty() {
            return Err(OfficeError::Invalid(vec![format!(
                "{}: {}",
                lang.pick("单位名称", "name"),
                lang.pick("不能为空", "must not be empty")
            )]));
        }
        let today = chrono::Local::now().date_naive();
        let is_new = t.id == 0;
        let mut all_targets_len = st.targets.len();
        if is_new {
            all_targets_len += 1;
            t.id = all_targets_len as u64;
            t.status_history = vec![StatusChange {
                status: t.status,
                effective: today,
                reason: lang.pick("新增", "added").into(),
                by: self.user().to_string(),
            }];
        } else {
            let Some(old) = st.target(t.id) else {
                return Err(OfficeError::NotFound(format!("target {}", t.id)));
            };
            t.status_history = old.status_history.clone();
            if old.status != t.status {
                t.status_history.push(StatusChange {
                    status: t.status,
                    effective: today,
                    reason: lang.pick("编辑", "edited").into(),
                    by: self.user().to_string(),
                });
            }
        }
        let writes = if is_new {
            target_chunk_writes(&st.targets, &[], std::slice::from_ref(&t))?
        } else {
            target_chunk_writes(&st.targets, std::slice::from_ref(&t), &[])?
        };
        let summary = format!(
            "{}检查对象 {} {} {}",
            if is_new { "新增" } else { "编辑" },
            t.id,
            t.name(),
            t.credit_code
        );
        let base = if is_new { None } else { base };
        self.commit_stamped(
            if is_new { "target add" } else { "target edit" },
            summary,
            writes,
            vec![stamp(TreeName::Targets, t.id, base)],
        )?;
        st.put_target(t.clone());
        Ok(t)
    }
}

/// The status on `date`: that of the last change in effect by then (a change dated ahead is
/// pending until its day), else the stored one.
pub fn status_on<S: Copy>(stored: S, history: &[StatusChange<S>], date: NaiveDate) -> S {
    history
        .iter()
        .rev()
        .find(|c| c.effective <= date)
        .map_or(stored, |c| c.status)
}

/// Add a change to a history kept in order of effective date.
fn push_change<S>(history: &mut Vec<StatusChange<S>>, change: StatusChange<S>) {
    history.push(change);
    history.sort_by_key(|c| c.effective);
}

/// Lookups used by list --json and the TUI.
impl State {
    pub fn department_name(&self, code: &str) -> String {
        self.department_by_code(code)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
