//! `Target`'s accessors of its [`TargetText`], and its serde impls written out over a mirror of
//! the shape it always had (the derived impls of the struct with three `String`s), so stored
//! chunks and JSON are unchanged (issue 17).

use super::credit_code::CreditCode;
use super::sym::{Sym, SymList};
use super::target::{
    MonthSet, PermitClass, StatusChange, SupervisionLists, Target, TargetId, TargetStatus,
};
use super::target_text::TargetText;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

impl Target {
    /// 单位名称
    pub fn name(&self) -> &str {
        self.text.name()
    }
    /// 生产经营场所地址
    pub fn address(&self) -> &str {
        self.text.address()
    }
    /// 许可证编号
    pub fn permit_number(&self) -> &str {
        self.text.permit_number()
    }
    pub fn set_name(&mut self, name: &str) {
        self.text = TargetText::new(name, self.address(), self.permit_number());
    }
    pub fn set_address(&mut self, address: &str) {
        self.text = TargetText::new(self.name(), address, self.permit_number());
    }
    pub fn set_permit_number(&mut self, permit_number: &str) {
        self.text = TargetText::new(self.name(), self.address(), permit_number);
    }
}

/// The serialized shape of a target (the fields of the derived impls it had, in their order),
/// borrowed for writing.
#[derive(Serialize)]
#[serde(rename = "Target")]
struct Out<'a> {
    id: TargetId,
    name: &'a str,
    credit_code: &'a CreditCode,
    region: Sym,
    industry: Sym,
    address: &'a str,
    permit_class: PermitClass,
    permit_number: &'a str,
    lists: SupervisionLists,
    radiation_user: bool,
    construction_project: bool,
    positive_list: bool,
    online_monitoring: bool,
    video_monitoring: bool,
    pollutants: SymList,
    production_months: MonthSet,
    credit_grade: Sym,
    performance_grade: Sym,
    violations: u32,
    complaints: u32,
    status: TargetStatus,
    status_history: &'a [StatusChange<TargetStatus>],
    tags: SymList,
}

/// The same shape for reading: the texts borrowed from the input where it allows (a stored
/// chunk does), so a target costs one allocation for them.
#[derive(Deserialize)]
#[serde(rename = "Target")]
struct In<'a> {
    id: TargetId,
    #[serde(borrow)]
    name: Cow<'a, str>,
    credit_code: CreditCode,
    region: Sym,
    industry: Sym,
    #[serde(borrow)]
    address: Cow<'a, str>,
    permit_class: PermitClass,
    #[serde(borrow)]
    permit_number: Cow<'a, str>,
    lists: SupervisionLists,
    radiation_user: bool,
    construction_project: bool,
    positive_list: bool,
    online_monitoring: bool,
    video_monitoring: bool,
    pollutants: SymList,
    production_months: MonthSet,
    credit_grade: Sym,
    performance_grade: Sym,
    violations: u32,
    complaints: u32,
    status: TargetStatus,
    status_history: Vec<StatusChange<TargetStatus>>,
    tags: SymList,
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Out {
            id: self.id,
            name: self.name(),
            credit_code: &self.credit_code,
            region: self.region,
            industry: self.industry,
            address: self.address(),
            permit_class: self.permit_class,
            permit_number: self.permit_number(),
            lists: self.lists,
            radiation_user: self.radiation_user,
            construction_project: self.construction_project,
            positive_list: self.positive_list,
            online_monitoring: self.online_monitoring,
            video_monitoring: self.video_monitoring,
            pollutants: self.pollutants,
            production_months: self.production_months,
            credit_grade: self.credit_grade,
            performance_grade: self.performance_grade,
            violations: self.violations,
            complaints: self.complaints,
            status: self.status,
            status_history: &self.status_history,
            tags: self.tags,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Target, D::Error> {
        let t = In::deserialize(d)?;
        Ok(Target {
            id: t.id,
            text: TargetText::new(&t.name, &t.address, &t.permit_number),
            credit_code: t.credit_code,
            region: t.region,
            industry: t.industry,
            permit_class: t.permit_class,
            lists: t.lists,
            radiation_user: t.radiation_user,
            construction_project: t.construction_project,
            positive_list: t.positive_list,
            online_monitoring: t.online_monitoring,
            video_monitoring: t.video_monitoring,
            pollutants: t.pollutants,
            production_months: t.production_months,
            credit_grade: t.credit_grade,
            performance_grade: t.performance_grade,
            violations: t.violations,
            complaints: t.complaints,
            status: t.status,
            status_history: t.status_history,
            tags: t.tags,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn setting_one_text_keeps_the_others() {
        let mut t = crate::synth::targets(1, 3).remove(0);
        let (a, p) = (t.address().to_string(), t.permit_number().to_string());
        t.set_name("新名字");
        assert_eq!(
            (t.name(), t.address(), t.permit_number()),
            ("新名字", &a[..], &p[..])
        );
        t.set_address("");
        t.set_permit_number("X");
        assert_eq!(
            (t.name(), t.address(), t.permit_number()),
            ("新名字", "", "X")
        );
    }
}
