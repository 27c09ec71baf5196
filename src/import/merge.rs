//! Merging an imported record into the stored one, field by field: a field whose column the
//! file lacks keeps its stored value; an empty cell in a present column keeps it too unless the
//! office asks to clear (`clear_empty`). Every field that changes is reported with its old and
//! new value, for the preview an import shows before it writes.

use super::bit;
use super::schema::{i, t, INSPECTOR_FIELDS, TARGET_FIELDS};
use crate::domain::{Inspector, Target};
use crate::i18n::Lang;

/// One field that an import changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Index into the kind's schema (e.g. [`TARGET_FIELDS`]).
    pub field: usize,
    pub old: String,
    pub new: String,
}

/// Which cells of one imported row are to be taken.
#[derive(Debug, Clone, Copy)]
pub struct Take {
    /// Fields with a column in the file.
    pub present: u64,
    /// Fields whose cell in this row is empty.
    pub blank: u64,
    /// Empty cells clear the stored value.
    pub clear_empty: bool,
}

impl Take {
    /// The file's value of field `fi` is taken.
    pub fn takes(self, fi: usize) -> bool {
        self.present & bit(fi) != 0 && (self.clear_empty || self.blank & bit(fi) == 0)
    }
}

/// `old` with the fields of `new` that the file supplies; and what changed.
pub fn merge_target(old: &Target, new: &Target, take: Take) -> (Target, Vec<FieldChange>) {
    merge(
        old,
        new,
        take,
        TARGET_FIELDS.len(),
        target_text,
        take_target,
    )
}

/// `old` with the fields of `new` that the file supplies; and what changed.
pub fn merge_inspector(
    old: &Inspector,
    new: &Inspector,
    take: Take,
) -> (Inspector, Vec<FieldChange>) {
    merge(
        old,
        new,
        take,
        INSPECTOR_FIELDS.len(),
        inspector_text,
        take_inspector,
    )
}

pub(crate) fn merge<T: Clone>(
    old: &T,
    new: &T,
    take: Take,
    fields: usize,
    text: fn(&T, usize) -> String,
    copy: fn(&mut T, &T, usize),
) -> (T, Vec<FieldChange>) {
    let mut merged = old.clone();
    let mut changes = Vec::new();
    for fi in (0..fields).filter(|&fi| take.takes(fi)) {
        let (before, after) = (text(old, fi), text(new, fi));
        if before != after {
            copy(&mut merged, new, fi);
            changes.push(FieldChange {
                field: fi,
                old: before,
                new: after,
            });
        }
    }
    (merged, changes)
}

/// A target's field as text, for comparison and the preview (Chinese labels).
pub fn target_text(r: &Target, fi: usize) -> String {
    match fi {
        t::NAME => r.name().to_string(),
        t::CREDIT_CODE => r.credit_code.to_string(),
        t::REGION => r.region.to_string(),
        t::INDUSTRY => r.industry.to_string(),
        t::ADDRESS => r.address().to_string(),
        t::PERMIT_CLASS => r.permit_class.label(Lang::Zh).to_string(),
        t::PERMIT_NUMBER => r.permit_number().to_string(),
        fi if t::LISTS.contains(&fi) => yes_no(r.lists.entries()[fi - t::LISTS.start].3),
        t::RADIATION_USER => yes_no(r.radiation_user),
        t::CONSTRUCTION_PROJECT => yes_no(r.construction_project),
        t::POSITIVE_LIST => yes_no(r.positive_list),
        t::ONLINE_MONITORING => yes_no(r.online_monitoring),
        t::VIDEO_MONITORING => yes_no(r.video_monitoring),
        t::POLLUTANTS => r.pollutants.join("、"),
        t::PRODUCTION_MONTHS => r.production_months.to_text(),
        t::CREDIT_GRADE => r.credit_grade.to_string(),
        t::PERFORMANCE_GRADE => r.performance_grade.to_string(),
        t::VIOLATIONS => r.violations.to_string(),
        t::COMPLAINTS => r.complaints.to_string(),
        t::STATUS => r.status.label(Lang::Zh).to_string(),
        t::TAGS => r.tags.join("、"),
        _ => String::new(),
    }
}

fn take_target(dst: &mut Target, src: &Target, fi: usize) {
    match fi {
        t::NAME => dst.set_name(src.name()),
        t::CREDIT_CODE => dst.credit_code = src.credit_code.clone(),
        t::REGION => dst.region = src.region,
        t::INDUSTRY => dst.industry = src.industry,
        t::ADDRESS => dst.set_address(src.address()),
        t::PERMIT_CLASS => dst.permit_class = src.permit_class,
        t::PERMIT_NUMBER => dst.set_permit_number(src.permit_number()),
        fi if t::LISTS.contains(&fi) => {
            let (name, _, _, v) = src.lists.entries()[fi - t::LISTS.start];
            dst.lists.set(name, v);
        }
        t::RADIATION_USER => dst.radiation_user = src.radiation_user,
        t::CONSTRUCTION_PROJECT => dst.construction_project = src.construction_project,
        t::POSITIVE_LIST => dst.positive_list = src.positive_list,
        t::ONLINE_MONITORING => dst.online_monitoring = src.online_monitoring,
        t::VIDEO_MONITORING => dst.video_monitoring = src.video_monitoring,
        t::POLLUTANTS => dst.pollutants = src.pollutants,
        t::PRODUCTION_MONTHS => dst.production_months = src.production_months,
        t::CREDIT_GRADE => dst.credit_grade = src.credit_grade,
        t::PERFORMANCE_GRADE => dst.performance_grade = src.performance_grade,
        t::VIOLATIONS => dst.violations = src.violations,
        t::COMPLAINTS => dst.complaints = src.complaints,
        t::STATUS => dst.status = src.status,
        t::TAGS => dst.tags = src.tags,
        _ => {}
    }
}

/// An inspector's field as text, for comparison and the preview.
pub fn inspector_text(r: &Inspector, fi: usize) -> String {
    match fi {
        i::NAME => r.name.clone(),
        i::DEPARTMENT => r.department.clone(),
        i::CERTIFICATE_NO => r.certificate_no.clone(),
        i::VALID_UNTIL => r
            .certificate_valid_until
            .map(|d| d.to_string())
            .unwrap_or_default(),
        i::POST => r.post.clone(),
        i::YEARS => r.years_of_work.to_string(),
        i::EXPERTISE => r.expertise.join("、"),
        i::STATUS => r.status.label(Lang::Zh).to_string(),
        _ => String::new(),
    }
}

fn take_inspector(dst: &mut Inspector, src: &Inspector, fi: usize) {
    match fi {
        i::NAME => dst.name = src.name.clone(),
        i::DEPARTMENT => dst.department = src.department.clone(),
        i::CERTIFICATE_NO => dst.certificate_no = src.certificate_no.clone(),
        i::VALID_UNTIL => dst.certificate_valid_until = src.certificate_valid_until,
        i::POST => dst.post = src.post.clone(),
        i::YEARS => dst.years_of_work = src.years_of_work,
        i::EXPERTISE => dst.expertise = src.expertise.clone(),
        i::STATUS => dst.status = src.status,
        _ => {}
    }
}

fn yes_no(v: bool) -> String {
    if v { "是" } else { "否" }.to_string()
}

/// The text holds Chinese characters (CJK Unified Ideographs).
pub fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// An imported target against the registry (the office matches them in parallel, then
/// applies them in file order).
pub enum Matched {
    /// No stored target has its credit code.
    New,
    /// Its stored target is gone from memory (not expected).
    Skip,
    /// Equal to its stored target; `mismatch`: its name or town is in another language.
    Same { mismatch: bool },
    Changed {
        id: u64,
        merged: Box<Target>,
        changes: Vec<FieldChange>,
        mismatch: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::read_targets_bytes;

    fn code() -> String {
        crate::domain::CreditCode::complete("91530125MA6K1234X")
            .unwrap()
            .to_string()
    }

    fn one(csv: &str) -> (Target, u64, u64) {
        let r = read_targets_bytes("t.csv", csv.as_bytes()).unwrap();
        (r.records[0].1.clone(), r.present, r.blanks[0])
    }

    #[test]
    fn absent_columns_keep_and_blank_cells_clear_only_when_asked() {
        let full = format!(
            "单位名称,统一社会信用代码,所在地区,行业类别,生产经营场所地址,管理类别,违法次数,标识\n\
             宜良测试有限公司,{},匡远街道,水泥,宜良县匡远街道1号,重点管理,2,涉气\n",
            code()
        );
        let (old, _, _) = one(&full);
        let part = format!(
            "单位名称,统一社会信用代码,所在地区,行业类别\n新名称有限公司,{},狗街镇,\n",
            code()
        );
        let (new, present, blank) = one(&part);
        let keep = Take {
            present,
            blank,
            clear_empty: false,
        };
        let (merged, changes) = merge_target(&old, &new, keep);
        assert_eq!(merged.name(), "新名称有限公司");
        assert_eq!(merged.region, "狗街镇");
        assert_eq!(merged.industry, "水泥", "an empty cell keeps the value");
        assert_eq!(
            merged.address(),
            old.address(),
            "an absent column keeps the value"
        );
        assert_eq!(merged.permit_class, old.permit_class);
        assert_eq!((merged.violations, &merged.tags), (2, &old.tags));
        let fields: Vec<usize> = changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, vec![t::NAME, t::REGION]);
        assert_eq!(changes[1].old, "匡远街道");
        assert_eq!(changes[1].new, "狗街镇");
        let clear = Take {
            clear_empty: true,
            ..keep
        };
        let (merged, changes) = merge_target(&old, &new, clear);
        assert_eq!(merged.industry, "", "--clear-empty clears");
        assert_eq!(
            merged.address(),
            old.address(),
            "still only present columns"
        );
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn cjk_detection() {
        assert!(has_cjk("宜良 Cement"));
        assert!(!has_cjk("Yiliang Cement Co."));
    }
}
