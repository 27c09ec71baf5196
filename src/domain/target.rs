//! Inspection targets (检查对象名录库): every field the source lists in 二(二).

use super::credit_code::CreditCode;
use super::sym::{Sym, SymList};
pub use super::target_text::TargetText;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Stable record id; the canonical order of a draw pool is ascending id.
pub type TargetId = u64;

/// 排污许可管理类别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum PermitClass {
    /// 重点管理
    Key,
    /// 简化管理
    Simplified,
    /// 登记管理
    Registration,
    /// 无 (not under the permit system)
    None,
}

impl PermitClass {
    pub const ALL: [PermitClass; 4] = [
        PermitClass::Key,
        PermitClass::Simplified,
        PermitClass::Registration,
        PermitClass::None,
    ];

    /// Accepts the Chinese words real exports use, and the English names.
    pub fn parse(s: &str) -> Option<PermitClass> {
        match s.trim() {
            "重点管理" | "重点" | "key" | "Key" | "KEY" => Some(PermitClass::Key),
            "简化管理" | "简化" | "simplified" | "Simplified" | "SIMPLIFIED" => {
                Some(PermitClass::Simplified)
            }
            "登记管理" | "登记" | "registration" | "Registration" | "REGISTRATION" => {
                Some(PermitClass::Registration)
            }
            "无" | "" | "none" | "None" | "NONE" | "-" => Some(PermitClass::None),
            _ => None,
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (PermitClass::Key, Zh) => "重点管理",
            (PermitClass::Simplified, Zh) => "简化管理",
            (PermitClass::Registration, Zh) => "登记管理",
            (PermitClass::None, Zh) => "无",
            (PermitClass::Key, En) => "key",
            (PermitClass::Simplified, En) => "simplified",
            (PermitClass::Registration, En) => "registration",
            (PermitClass::None, En) => "none",
        }
    }
}

/// The supervision lists of Table 1 a target can be on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
pub struct SupervisionLists {
    /// 生态环境部和省生态环境厅要求重点监管
    pub mee_provincial_key: bool,
    /// 中央或省环保督察要求重点监管
    pub inspection_key: bool,
    /// 分局提出、经市局确定需重点监管 (A-4, city level)
    pub city_confirmed_key: bool,
    /// 列入年度昆明市重点排污单位名单 (B-2)
    pub kunming_key_discharge: bool,
    /// 市政府要求重点监管 (B-3)
    pub city_government: bool,
    /// 县（市）区政府、管委会要求重点监管 (C-2)
    pub county_government: bool,
    /// 被群众集中投诉 (C-3)
    pub concentrated_complaints: bool,
}

impl SupervisionLists {
    /// (field name, Chinese name, English name, value) for display and import.
    pub fn entries(&self) -> [(&'static str, &'static str, &'static str, bool); 7] {
        [
            (
                "mee_provincial_key",
                "部省重点监管",
                "MEE/provincial key",
                self.mee_provincial_key,
            ),
            (
                "inspection_key",
                "督察重点监管",
                "inspection key",
                self.inspection_key,
            ),
            (
                "city_confirmed_key",
                "市局确定重点",
                "city-confirmed key",
                self.city_confirmed_key,
            ),
            (
                "kunming_key_discharge",
                "昆明市重点排污单位",
                "Kunming key discharge",
                self.kunming_key_discharge,
            ),
            (
                "city_government",
                "市政府重点监管",
                "city government",
                self.city_government,
            ),
            (
                "county_government",
                "县政府重点监管",
                "county government",
                self.county_government,
            ),
            (
                "concentrated_complaints",
                "群众集中投诉",
                "concentrated complaints",
                self.concentrated_complaints,
            ),
        ]
    }

    pub fn set(&mut self, field: &str, v: bool) -> bool {
        match field {
            "mee_provincial_key" => self.mee_provincial_key = v,
            "inspection_key" => self.inspection_key = v,
            "city_confirmed_key" => self.city_confirmed_key = v,
            "kunming_key_discharge" => self.kunming_key_discharge = v,
            "city_government" => self.city_government = v,
            "county_government" => self.county_government = v,
            "concentrated_complaints" => self.concentrated_complaints = v,
            _ => return false,
        }
        true
    }

    pub fn get(&self, field: &str) -> Option<bool> {
        self.entries().iter().find(|e| e.0 == field).map(|e| e.3)
    }
}

/// 经营状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    /// 在产 / 正常经营
    Operating,
    /// 停产 / 停工
    Suspended,
    /// 关闭 / 注销
    Closed,
}

impl TargetStatus {
    pub fn parse(s: &str) -> Option<TargetStatus> {
        match s.trim() {
            "在产" | "正常" | "正常经营" | "运营" | "operating" | "Operating" | "" => {
                Some(TargetStatus::Operating)
            }
            "停产" | "停工" | "停产停工" | "suspended" | "Suspended" => {
                Some(TargetStatus::Suspended)
            }
            "关闭" | "注销" | "关停" | "closed" | "Closed" => Some(TargetStatus::Closed),
            _ => None,
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::Lang::*;
        match (self, lang) {
            (TargetStatus::Operating, Zh) => "在产",
            (TargetStatus::Suspended, Zh) => "停产",
            (TargetStatus::Closed, Zh) => "关闭",
            (TargetStatus::Operating, En) => "operating",
            (TargetStatus::Suspended, En) => "suspended",
            (TargetStatus::Closed, En) => "closed",
        }
    }
}

/// One entry of a record's status history (动态调整): what, from when, why, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChange<S> {
    pub status: S,
    pub effective: NaiveDate,
    pub reason: String,
    pub by: String,
}

/// Months of production, bit 0 = January. `ALL` for year-round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MonthSet(pub u16);

impl Default for MonthSet {
    fn default() -> Self {
        MonthSet::ALL
    }
}

impl MonthSet {
    pub const ALL: MonthSet = MonthSet(0x0fff);

    pub fn contains(self, month: u32) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    pub fn is_seasonal(self) -> bool {
        self.0 & 0x0fff != 0x0fff
    }

    /// Parses "全年", "" (year-round), or a list of months and ranges: "3-10", "1,2,11-12",
    /// "3月-10月", "3—10".
    pub fn parse(s: &str) -> Option<MonthSet> {
        let t = s.trim();
        if t.is_empty() || t == "全年" || t.eq_ignore_ascii_case("all") {
            return Some(MonthSet::ALL);
        }
        let cleaned: String = t
            .replace('月', "")
            .replace(['—', '–', '~', '～', '至'], "-")
            .replace(['，', '、', ';', '；', ' '], ",");
        let mut bits = 0u16;
        for part in cleaned.split(',').filter(|p| !p.is_empty()) {
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim().parse::<u32>().ok()?, b.trim().parse::<u32>().ok()?),
                None => {
                    let m = part.trim().parse::<u32>().ok()?;
                    (m, m)
                }
            };
            if !(1..=12).contains(&a) || !(1..=12).contains(&b) {
                return None;
            }
            // A range may wrap the new year: 11-2 means Nov, Dec, Jan, Feb.
            let mut m = a;
            loop {
                bits |= 1 << (m - 1);
                if m == b {
                    break;
                }
                m = if m == 12 { 1 } else { m + 1 };
            }
        }
        if bits == 0 {
            None
        } else {
            Some(MonthSet(bits))
        }
    }

    /// Canonical text: "全年" or "3-10" / "1,11-12".
    pub fn to_text(self) -> String {
        if !self.is_seasonal() {
            return "全年".into();
        }
        let mut parts = Vec::new();
        let mut m = 1;
        while m <= 12 {
            if self.contains(m) {
                let start = m;
                while m < 12 && self.contains(m + 1) {
                    m += 1;
                }
                parts.push(if start == m {
                    format!("{m}")
                } else {
                    format!("{start}-{m}")
                });
            }
            m += 1;
        }
        parts.join(",")
    }
}

/// A record in the target registry. Serialized field by field as it always was (单位名称 after
/// the id, 地址 after the industry, 许可证编号 after the permit class): see
/// [`super::target_text`], which keeps the three texts in one allocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: TargetId,
    /// 单位名称, 生产经营场所地址, 许可证编号 ([`Target::name`], [`Target::address`],
    /// [`Target::permit_number`]).
    pub text: TargetText,
    /// 统一社会信用代码
    pub credit_code: CreditCode,
    /// 所在地区 (town or subdistrict)
    pub region: Sym,
    /// 行业类别
    pub industry: Sym,
    /// 管理类别
    pub permit_class: PermitClass,
    pub lists: SupervisionLists,
    /// 核技术利用单位
    pub radiation_user: bool,
    /// 建设项目
    pub construction_project: bool,
    /// 监督执法正面清单
    pub positive_list: bool,
    /// 在线监控
    pub online_monitoring: bool,
    /// 视频监控
    pub video_monitoring: bool,
    /// 排放污染物类型
    pub pollutants: SymList,
    /// 生产周期 (production months)
    pub production_months: MonthSet,
    /// 生态环境信用评价
    pub credit_grade: Sym,
    /// 重污染天气绩效分级
    pub performance_grade: Sym,
    /// 违法记录次数
    pub violations: u32,
    /// 信访投诉次数
    pub complaints: u32,
    pub status: TargetStatus,
    pub status_history: Vec<StatusChange<TargetStatus>>,
    /// Free tags (标识).
    pub tags: SymList,
}

impl Target {
    /// The status in force on `date`, from the history (the current status if no entry applies
    /// later than `date`).
    pub fn status_on(&self, date: NaiveDate) -> TargetStatus {
        let mut st = None;
        for ch in &self.status_history {
            if ch.effective <= date {
                st = Some(ch.status);
            }
        }
        st.or_else(|| self.status_history.first().map(|c| c.status))
            .unwrap_or(self.status)
    }

    /// Remotely checked by default: positive list, or both online and video monitoring.
    pub fn remote_by_default(&self) -> bool {
        self.positive_list || (self.online_monitoring && self.video_monitoring)
    }

    /// Checked on site whatever the plan says (四不两直): on the concentrated-complaints list
    /// (C-3) or with complaints on record.
    pub fn must_be_on_site(&self) -> bool {
        self.lists.concentrated_complaints || self.complaints > 0
    }

    /// May be checked remotely (科技检查), where the plan allows it: remote by default and
    /// not a target that must be checked on site.
    pub fn remote_allowed(&self) -> bool {
        self.remote_by_default() && !self.must_be_on_site()
    }

    /// The comparable content of a record, ignoring id and history (used by import to tell
    /// updated from unchanged).
    pub fn same_content(&self, other: &Target) -> bool {
        let mut a = self.clone();
        let mut b = other.clone();
        a.id = 0;
        b.id = 0;
        a.status_history.clear();
        b.status_history.clear();
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_sets() {
        assert_eq!(MonthSet::parse("全年"), Some(MonthSet::ALL));
        let m = MonthSet::parse("3月-10月").unwrap();
        assert!(m.contains(3) && m.contains(10) && !m.contains(2) && !m.contains(11));
        assert_eq!(m.to_text(), "3-10");
        let w = MonthSet::parse("11-2").unwrap();
        assert_eq!(w.to_text(), "1-2,11-12");
        assert_eq!(MonthSet::parse("13"), None);
        assert_eq!(MonthSet::parse("abc"), None);
        assert_eq!(MonthSet::parse(&w.to_text()), Some(w));
    }

    #[test]
    fn permit_class_words() {
        assert_eq!(PermitClass::parse("重点管理"), Some(PermitClass::Key));
        assert_eq!(PermitClass::parse("登记"), Some(PermitClass::Registration));
        assert_eq!(PermitClass::parse("特殊"), None);
    }
}

#[cfg(test)]
#[path = "target_tests.rs"]
mod compat_tests;
