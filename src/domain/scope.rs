//! Scope expressions of directed draws (定向抽查): which targets and which inspectors.
//!
//! An expression is a list of terms joined by `;` (also `；`, `，`, ` and `); every term must
//! hold. A term is `field=value` or `field!=value`; `value` may list alternatives with `|`.
//! Empty expression = undirected (everything).
//!
//! Target fields: `所在地区`/`乡镇`/`region`, `行业`/`industry` (contains), `标识`/`tag`,
//! `管理类别`/`permit_class`, `污染物`/`pollutant`, and the yes/no fields `正面清单`,
//! `核技术利用单位`, `建设项目`, `在线监控`, `视频监控` and the supervision lists by their
//! Chinese names (e.g. `县政府重点监管=是`); credit supervision: `信用等级`/`credit_grade`,
//! `绩效分级`/`performance_grade` (text), `违法次数`/`violations` and `投诉次数`/`complaints`
//! (numbers, which also take `>=` `<=` `>` `<`: `违法次数>=1`).
//! Inspector fields: `专长`/`业务专长`/`expertise`, `部门`/`单位`/`department` (code or name).
//!
//! Examples: `所在地区=狗街镇|北古城镇; 行业=水泥`, `标识=危废`, `专长=辐射`.

use super::inspector::Inspector;
use super::target::{PermitClass, Target};
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Region,
    Industry,
    Tag,
    Permit,
    Pollutant,
    PositiveList,
    Radiation,
    Construction,
    Online,
    Video,
    List(&'static str),
    /// 信用等级 / 信用评价 (text)
    CreditGrade,
    /// 绩效分级 (text)
    PerformanceGrade,
    /// 违法次数 (number)
    Violations,
    /// 投诉次数 (number)
    Complaints,
    Expertise,
    Department,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    field: Field,
    values: Vec<String>,
    negate: bool,
    /// `>=`, `<=`, `>`, `<` (number fields only); `None` for `=` and `!=`.
    cmp: Option<Cmp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Ge,
    Le,
    Gt,
    Lt,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope {
    text: String,
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeError {
    NoOperator(String),
    UnknownField(String),
    EmptyValue(String),
    BadBool(String),
    BadPermit(String),
    WrongKind(String),
    /// A number field with a value that is not a whole number.
    BadNumber(String),
    /// `>=` `<=` `>` `<` on a field that is not a number.
    BadOperator(String),
}

impl ScopeError {
    pub fn localize(&self, lang: Lang) -> String {
        match (self, lang) {
            (ScopeError::NoOperator(t), Lang::Zh) => format!("范围条件 {t:?} 缺少 = 或 !="),
            (ScopeError::NoOperator(t), Lang::En) => format!("scope term {t:?} has no = or !="),
            (ScopeError::UnknownField(f), Lang::Zh) => format!(
                "范围条件中的字段 {f:?} 不认识（可用：所在地区、行业、标识、管理类别、污染物、正面清单、专长、部门 等）"
            ),
            (ScopeError::UnknownField(f), Lang::En) => format!(
                "unknown scope field {f:?} (known: region, industry, tag, permit_class, pollutant, positive_list, expertise, department, ...)"
            ),
            (ScopeError::EmptyValue(t), Lang::Zh) => format!("范围条件 {t:?} 没有值"),
            (ScopeError::EmptyValue(t), Lang::En) => format!("scope term {t:?} has no value"),
            (ScopeError::BadBool(t), Lang::Zh) => format!("范围条件 {t:?} 的值应为 是 或 否"),
            (ScopeError::BadBool(t), Lang::En) => format!("scope term {t:?} takes yes or no"),
            (ScopeError::BadPermit(t), Lang::Zh) => {
                format!("范围条件 {t:?} 的管理类别应为 重点管理、简化管理、登记管理 或 无")
            }
            (ScopeError::BadPermit(t), Lang::En) => {
                format!("scope term {t:?}: permit class is key, simplified, registration or none")
            }
            (ScopeError::WrongKind(f), Lang::Zh) => format!("字段 {f:?} 不适用于这里"),
            (ScopeError::WrongKind(f), Lang::En) => format!("field {f:?} does not apply here"),
            (ScopeError::BadNumber(t), Lang::Zh) => format!("范围条件 {t:?} 的值应为整数"),
            (ScopeError::BadNumber(t), Lang::En) => {
                format!("scope term {t:?} takes a whole number")
            }
            (ScopeError::BadOperator(t), Lang::Zh) => {
                format!("范围条件 {t:?}：>=、<=、>、< 只适用于 违法次数、投诉次数")
            }
            (ScopeError::BadOperator(t), Lang::En) => {
                format!("scope term {t:?}: >=, <=, >, < apply to violations and complaints only")
            }
        }
    }
}

fn field_of(name: &str) -> Option<Field> {
    let n = name.trim();
    let f = match n.to_lowercase().as_str() {
        "所在地区" | "乡镇" | "地区" | "region" | "town" => Field::Region,
        "行业" | "行业类别" | "industry" => Field::Industry,
        "标识" | "标签" | "tag" | "tags" => Field::Tag,
        "管理类别" | "排污许可管理类别" | "permit_class" | "permit" => Field::Permit,
        "污染物" | "污染物类型" | "pollutant" | "pollutants" => Field::Pollutant,
        "正面清单" | "positive_list" => Field::PositiveList,
        "核技术利用单位" | "radiation_user" => Field::Radiation,
        "建设项目" | "construction_project" => Field::Construction,
        "在线监控" | "online_monitoring" => Field::Online,
        "视频监控" | "video_monitoring" => Field::Video,
        "信用等级" | "信用评价" | "credit_grade" | "credit" => Field::CreditGrade,
        "绩效分级" | "绩效等级" | "performance_grade" => Field::PerformanceGrade,
        "违法次数" | "violations" => Field::Violations,
        "投诉次数" | "complaints" => Field::Complaints,
        "专长" | "业务专长" | "expertise" => Field::Expertise,
        "部门" | "单位" | "科室" | "department" | "section" => Field::Department,
        other => {
            let lists = super::target::SupervisionLists::default();
            let hit = lists
                .entries()
                .into_iter()
                .find(|e| e.0 == other || e.1 == n);
            return hit.map(|e| Field::List(e.0));
        }
    };
    Some(f)
}

fn is_bool_field(f: Field) -> bool {
    matches!(
        f,
        Field::PositiveList
            | Field::Radiation
            | Field::Construction
            | Field::Online
            | Field::Video
            | Field::List(_)
    )
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" => Some(true),
        "否" | "n" | "no" | "false" | "0" => Some(false),
        _ => None,
    }
}

impl Scope {
    pub fn parse(text: &str) -> Result<Scope, ScopeError> {
        let mut terms = Vec::new();
        let normalized = text.replace(['；', '，', ','], ";").replace(" and ", ";");
        for raw in normalized
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let ops: [(&str, bool, Option<Cmp>); 6] = [
                (">=", false, Some(Cmp::Ge)),
                ("<=", false, Some(Cmp::Le)),
                ("!=", true, None),
                (">", false, Some(Cmp::Gt)),
                ("<", false, Some(Cmp::Lt)),
                ("=", false, None),
            ];
            let Some((name, value, negate, cmp)) = ops.iter().find_map(|(op, negate, cmp)| {
                raw.split_once(op).map(|(a, b)| (a, b, *negate, *cmp))
            }) else {
                return Err(ScopeError::NoOperator(raw.to_string()));
            };
            let field =
                field_of(name).ok_or_else(|| ScopeError::UnknownField(name.trim().into()))?;
            let numeric = matches!(field, Field::Violations | Field::Complaints);
            if cmp.is_some() && !numeric {
                return Err(ScopeError::BadOperator(raw.to_string()));
            }
            let values: Vec<String> = value
                .split(['|', '、'])
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                return Err(ScopeError::EmptyValue(raw.to_string()));
            }
            if is_bool_field(field) && values.iter().any(|v| parse_bool(v).is_none()) {
                return Err(ScopeError::BadBool(raw.to_string()));
            }
            if field == Field::Permit && values.iter().any(|v| PermitClass::parse(v).is_none()) {
                return Err(ScopeError::BadPermit(raw.to_string()));
            }
            if numeric && values.iter().any(|v| v.parse::<u32>().is_err()) {
                return Err(ScopeError::BadNumber(raw.to_string()));
            }
            terms.push(Term {
                field,
                values,
                negate,
                cmp,
            });
        }
        Ok(Scope {
            text: text.trim().to_string(),
            terms,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Check that every field applies to targets (for a target scope).
    pub fn for_targets(self) -> Result<Scope, ScopeError> {
        for t in &self.terms {
            if matches!(t.field, Field::Expertise | Field::Department) {
                return Err(ScopeError::WrongKind(format!("{:?}", t.field)));
            }
        }
        Ok(self)
    }

    /// Check that every field applies to inspectors.
    pub fn for_inspectors(self) -> Result<Scope, ScopeError> {
        for t in &self.terms {
            if !matches!(t.field, Field::Expertise | Field::Department) {
                return Err(ScopeError::WrongKind(format!("{:?}", t.field)));
            }
        }
        Ok(self)
    }

    pub fn matches_target(&self, t: &Target) -> bool {
        self.terms.iter().all(|term| {
            let any = term
                .values
                .iter()
                .any(|v| target_has(t, term.field, term.cmp, v));
            any != term.negate
        })
    }

    /// `department_name` resolves a department code to its name, so `部门=环境监测站` works.
    pub fn matches_inspector(&self, p: &Inspector, department_name: &str) -> bool {
        self.terms.iter().all(|term| {
            let any = term.values.iter().any(|v| match term.field {
                Field::Expertise => p.expertise.iter().any(|e| e == v),
                Field::Department => p.department == *v || department_name == v,
                _ => false,
            });
            any != term.negate
        })
    }
}

fn target_has(t: &Target, f: Field, cmp: Option<Cmp>, v: &str) -> bool {
    let b = || parse_bool(v).unwrap_or(false);
    let num = |x: u32| {
        let Ok(n) = v.parse::<u32>() else {
            return false;
        };
        match cmp {
            None => x == n,
            Some(Cmp::Ge) => x >= n,
            Some(Cmp::Le) => x <= n,
            Some(Cmp::Gt) => x > n,
            Some(Cmp::Lt) => x < n,
        }
    };
    match f {
        Field::CreditGrade => t.credit_grade == v,
        Field::PerformanceGrade => t.performance_grade == v,
        Field::Violations => num(t.violations),
        Field::Complaints => num(t.complaints),
        Field::Region => t.region == v,
        Field::Industry => t.industry.contains(v),
        Field::Tag => t.tags.iter().any(|x| x == v),
        Field::Permit => PermitClass::parse(v) == Some(t.permit_class),
        Field::Pollutant => t.pollutants.iter().any(|x| x.contains(v)),
        Field::PositiveList => t.positive_list == b(),
        Field::Radiation => t.radiation_user == b(),
        Field::Construction => t.construction_project == b(),
        Field::Online => t.online_monitoring == b(),
        Field::Video => t.video_monitoring == b(),
        Field::List(name) => t.lists.get(name) == Some(b()),
        Field::Expertise | Field::Department => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        let (code, _) = super::super::CreditCode::parse("91440300708461136T").unwrap();
        Target {
            id: 1,
            text: super::super::TargetText::new("宜良狗街水泥有限公司", "", ""),
            credit_code: code,
            region: "狗街镇".into(),
            industry: "水泥制造".into(),
            permit_class: PermitClass::Key,
            lists: Default::default(),
            radiation_user: false,
            construction_project: false,
            positive_list: true,
            online_monitoring: true,
            video_monitoring: false,
            pollutants: vec!["颗粒物"].into(),
            production_months: Default::default(),
            credit_grade: Default::default(),
            performance_grade: Default::default(),
            violations: 0,
            complaints: 0,
            status: super::super::TargetStatus::Operating,
            status_history: vec![],
            tags: vec!["危废"].into(),
        }
    }

    #[test]
    fn terms_and_alternatives() {
        let t = target();
        assert!(Scope::parse("").unwrap().matches_target(&t));
        assert!(Scope::parse("所在地区=狗街镇|北古城镇; 行业=水泥")
            .unwrap()
            .matches_target(&t));
        assert!(!Scope::parse("所在地区=北古城镇")
            .unwrap()
            .matches_target(&t));
        assert!(Scope::parse("所在地区!=北古城镇，正面清单=是")
            .unwrap()
            .matches_target(&t));
        assert!(Scope::parse("管理类别=重点管理; 标识=危废")
            .unwrap()
            .matches_target(&t));
        assert!(!Scope::parse("县政府重点监管=是")
            .unwrap()
            .matches_target(&t));
        assert!(Scope::parse("county_government=否")
            .unwrap()
            .matches_target(&t));
    }

    #[test]
    fn credit_fields_are_scope_fields() {
        let mut t = target();
        t.credit_grade = "D".into();
        t.performance_grade = "C".into();
        t.violations = 2;
        t.complaints = 0;
        let yes = |s: &str| Scope::parse(s).unwrap().matches_target(&t);
        assert!(yes("信用等级=D"));
        assert!(!yes("信用等级=A"));
        assert!(yes("绩效分级=C|D"));
        assert!(yes("违法次数>=1"));
        assert!(yes("违法次数>1; 投诉次数=0"));
        assert!(!yes("违法次数>2"));
        assert!(yes("违法次数<=2"));
        assert!(!yes("投诉次数>=1"));
        assert!(yes("violations!=0"));
        assert!(matches!(
            Scope::parse("违法次数>=很多"),
            Err(ScopeError::BadNumber(_))
        ));
        assert!(matches!(
            Scope::parse("所在地区>=狗街镇"),
            Err(ScopeError::BadOperator(_))
        ));
    }

    #[test]
    fn errors_are_named() {
        assert_eq!(
            Scope::parse("颜色=红").unwrap_err(),
            ScopeError::UnknownField("颜色".into())
        );
        assert!(matches!(
            Scope::parse("所在地区"),
            Err(ScopeError::NoOperator(_))
        ));
        assert!(matches!(
            Scope::parse("正面清单=也许"),
            Err(ScopeError::BadBool(_))
        ));
        assert!(matches!(
            Scope::parse("管理类别=特殊"),
            Err(ScopeError::BadPermit(_))
        ));
        assert!(Scope::parse("专长=辐射").unwrap().for_targets().is_err());
        assert!(Scope::parse("颜色=红")
            .unwrap_err()
            .localize(Lang::Zh)
            .contains("颜色"));
    }
}
