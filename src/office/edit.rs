//! Editing one record from the command line, and showing a record with its revision
//! (optimistic concurrency, issue 20).
//!
//! `edit target` reads, changes and writes in one request on the office's side: the fields are
//! parsed as a one-row import (same headers, same validation), merged into the stored target,
//! and saved based on the revision read (or the one the caller gives with `--revision`), so an
//! edit that raced another one is refused instead of undoing it.

use super::revisions::Revisions;
use super::{ListKind, Office, OfficeError};
use crate::domain::*;
use crate::i18n::Lang;
use crate::import::{self, merge, schema};
use crate::store::revision::{local_time, Revision};
use crate::store::TreeName;
use serde::Serialize;

/// A CSV cell, quoted.
fn quoted(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// The schema field a user names (English header, Chinese header or an alias).
fn field_named(name: &str) -> Option<usize> {
    let n = name.trim();
    schema::TARGET_FIELDS
        .iter()
        .position(|f| f.en.eq_ignore_ascii_case(n) || f.zh == n || f.aliases.contains(&n))
}

impl Office {
    /// Change the fields `set` (header, value) of the target `key` (id, credit code or name),
    /// based on `base` (`None`: the revision read now). The credit code is the target's key
    /// and is not edited here.
    pub fn edit_target(
        &self,
        key: &str,
        set: &[(String, String)],
        base: Option<u64>,
    ) -> Result<Target, OfficeError> {
        let lang = self.lang();
        let st = self.state();
        let Some(old) = st.find_target(key).cloned() else {
            return Err(OfficeError::NotFound(format!(
                "{} {key}",
                lang.pick("检查对象", "target")
            )));
        };
        drop(st);
        let base = base.or_else(|| Some(self.revisions().rev(TreeName::Targets, old.id)));
        let mut fields: Vec<(usize, &str)> = Vec::new();
        let mut errors = Vec::new();
        for (name, value) in set {
            match field_named(name) {
                Some(schema::t::CREDIT_CODE) => errors.push(format!(
                    "{name}: {}",
                    lang.pick(
                        "信用代码是检查对象的标识，不能在此修改",
                        "the credit code is the target's key and cannot be edited here"
                    )
                )),
                Some(f) => match fields.iter_mut().find(|(g, _)| *g == f) {
                    Some(slot) => slot.1 = value,
                    None => fields.push((f, value)),
                },
                None => errors.push(format!(
                    "{name}: {}",
                    lang.pick("没有这个字段", "no such field")
                )),
            }
        }
        if fields.is_empty() && errors.is_empty() {
            errors.push(
                lang.pick(
                    "没有要修改的字段（--set 字段=值）",
                    "nothing to change (--set FIELD=VALUE)",
                )
                .into(),
            );
        }
        if !errors.is_empty() {
            return Err(OfficeError::Invalid(errors));
        }
        // The required columns with their stored values, then the fields set.
        let mut cols: Vec<(usize, String)> = vec![
            (schema::t::NAME, old.name().to_string()),
            (schema::t::CREDIT_CODE, old.credit_code.as_str().to_string()),
            (schema::t::REGION, old.region.to_string()),
        ];
        for (f, v) in fields {
            match cols.iter_mut().find(|(g, _)| *g == f) {
                Some(slot) => slot.1 = v.to_string(),
                None => cols.push((f, v.to_string())),
            }
        }
        let header: Vec<String> = cols
            .iter()
            .map(|(f, _)| quoted(schema::TARGET_FIELDS[*f].en))
            .collect();
        let row: Vec<String> = cols.iter().map(|(_, v)| quoted(v)).collect();
        let csv = format!("{}\n{}\n", header.join(","), row.join(","));
        let name = "edit.csv";
        let r = import::read_targets_bytes(name, csv.as_bytes()).map_err(|e| {
            OfficeError::Invalid(e.localize(lang).lines().map(str::to_string).collect())
        })?;
        let Some(((_, new), blank)) = r.records.into_iter().zip(r.blanks).next() else {
            return Err(OfficeError::Invalid(vec![lang
                .pick("没有读到任何值", "no value was read")
                .into()]));
        };
        let take = merge::Take {
            present: r.present,
            blank,
            clear_empty: true,
        };
        let (merged, _) = merge::merge_target(&old, &new, take);
        self.save_target_at(merged, base)
    }

    /// One record (target, inspector or plan, by id; a target also by credit code or name)
    /// with its revision: text, or JSON with a `revision` field.
    pub fn show(&self, kind: ListKind, id: &str, json: bool) -> Result<String, OfficeError> {
        let lang = self.lang();
        let revs = self.revisions();
        let st = self.state();
        let not_found = || OfficeError::NotFound(id.to_string());
        let num = || id.trim().parse::<u64>().map_err(|_| not_found());
        let (tree, rid, value) = match kind {
            ListKind::Targets => {
                let t = st.find_target(id).ok_or_else(not_found)?;
                (TreeName::Targets, t.id, to_value(t)?)
            }
            ListKind::Inspectors => {
                let p = st.inspector(num()?).ok_or_else(not_found)?;
                (TreeName::Inspectors, p.id, to_value(p)?)
            }
            ListKind::Plans => {
                let n = num()?;
                let book = self.book();
                let p = book
                    .plans
                    .iter()
                    .find(|p| p.id == n)
                    .ok_or_else(not_found)?;
                (TreeName::Plans, p.id, to_value(p)?)
            }
            _ => {
                return Err(OfficeError::Refused(
                    lang.pick(
                        "只能查看检查对象、检查人员或抽查计划",
                        "show takes targets, inspectors or plans",
                    )
                    .into(),
                ))
            }
        };
        let value = with_revision(value, revs.rev(tree, rid));
        if json {
            return pretty(&value);
        }
        let mut out = String::new();
        if let serde_json::Value::Object(m) = &value {
            for (k, v) in m {
                let v = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out.push_str(&format!("{k}\t{v}\n"));
            }
        }
        out.push_str(&revision_line(revs.get(tree, rid), lang));
        out.push('\n');
        Ok(out)
    }
}

/// "版本 12（zhang 于 … 修改）" / "revision 12 (changed by zhang at …)"; 0 when never changed.
fn revision_line(r: Option<&Revision>, lang: Lang) -> String {
    match (r, lang) {
        (Some(r), Lang::Zh) => format!(
            "版本 {}（{} 于 {} 修改）",
            r.rev,
            r.user,
            local_time(&r.time)
        ),
        (Some(r), Lang::En) => format!(
            "revision {} (changed by {} at {})",
            r.rev,
            r.user,
            local_time(&r.time)
        ),
        (None, Lang::Zh) => "版本 0（导入或新增后未修改）".into(),
        (None, Lang::En) => "revision 0 (not changed since added)".into(),
    }
}

pub(super) fn to_value<T: Serialize>(v: &T) -> Result<serde_json::Value, OfficeError> {
    serde_json::to_value(v).map_err(|e| OfficeError::Refused(e.to_string()))
}

pub(super) fn pretty(v: &serde_json::Value) -> Result<String, OfficeError> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| OfficeError::Refused(e.to_string()))
}

/// The record's JSON with its `revision`.
fn with_revision(mut v: serde_json::Value, rev: u64) -> serde_json::Value {
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("revision".into(), rev.into());
    }
    v
}

/// `list KIND --json` of records that have revisions: each object with its `revision`.
pub(crate) fn list_json<T: Serialize>(
    items: &[T],
    tree: TreeName,
    id: impl Fn(&T) -> u64,
    revs: &Revisions,
) -> Result<String, OfficeError> {
    let v = items
        .iter()
        .map(|x| Ok(with_revision(to_value(x)?, revs.rev(tree, id(x)))))
        .collect::<Result<Vec<_>, OfficeError>>()?;
    pretty(&serde_json::Value::Array(v))
}
