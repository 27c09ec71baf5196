//! The columns of each importable file (docs/CONTRACTS.md) and the mapping of a file's headers
//! onto them.

use super::issue::{Reason, RowIssue};
use super::values::{normalize_header, strip_note};
use std::collections::HashMap;

/// One column the importer understands.
#[derive(Debug)]
pub struct Field {
    /// English header, also the field name.
    pub en: &'static str,
    /// Chinese header.
    pub zh: &'static str,
    /// Other Chinese headers real exports use.
    pub aliases: &'static [&'static str],
    pub required: bool,
}

pub(crate) const fn f(
    en: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
) -> Field {
    Field {
        en,
        zh,
        aliases,
        required: false,
    }
}

pub(crate) const fn req(
    en: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
) -> Field {
    Field {
        en,
        zh,
        aliases,
        required: true,
    }
}

/// Targets (检查对象). The index constants in [`t`] follow this order.
pub static TARGET_FIELDS: [Field; 27] = [
    req(
        "name",
        "单位名称",
        &[
            "企业名称",
            "名称",
            "单位",
            "企业（单位）名称",
            "排污单位名称",
        ],
    ),
    req(
        "credit_code",
        "统一社会信用代码",
        &["信用代码", "社会信用代码", "统一信用代码"],
    ),
    req(
        "region",
        "所在地区",
        &[
            "所属乡镇",
            "乡镇（街道）",
            "乡镇",
            "所属地区",
            "地区",
            "区域",
            "所在乡镇",
        ],
    ),
    f("industry", "行业类别", &["行业", "所属行业", "行业类型"]),
    f(
        "address",
        "生产经营场所地址",
        &["地址", "经营地址", "生产地址", "注册地址"],
    ),
    f(
        "permit_class",
        "管理类别",
        &["排污许可管理类别", "许可管理类别", "排污许可类别"],
    ),
    f(
        "permit_number",
        "许可证编号",
        &["排污许可证编号", "许可证号", "排污许可证号"],
    ),
    f("mee_provincial_key", "部省重点监管", &[]),
    f("inspection_key", "督察重点监管", &[]),
    f("city_confirmed_key", "市局确定重点", &[]),
    f("kunming_key_discharge", "昆明市重点排污单位", &[]),
    f("city_government", "市政府重点监管", &[]),
    f("county_government", "县政府重点监管", &[]),
    f("concentrated_complaints", "群众集中投诉", &[]),
    f("radiation_user", "核技术利用单位", &[]),
    f("construction_project", "建设项目", &[]),
    f("positive_list", "正面清单", &["监督执法正面清单"]),
    f("online_monitoring", "在线监控", &[]),
    f("video_monitoring", "视频监控", &[]),
    f("pollutants", "污染物类型", &["排放污染物类型", "污染物"]),
    f("production_months", "生产周期", &["生产月份"]),
    f(
        "credit_grade",
        "信用评价",
        &["生态环境信用评价", "信用等级"],
    ),
    f("performance_grade", "绩效分级", &["重污染天气绩效分级"]),
    f("violations", "违法次数", &["违法记录次数", "违法记录"]),
    f("complaints", "投诉次数", &["信访投诉次数", "信访投诉"]),
    f("status", "经营状态", &["状态", "生产状态"]),
    f("tags", "标识", &["标签"]),
];

/// Indexes into [`TARGET_FIELDS`].
pub mod t {
    pub const NAME: usize = 0;
    pub const CREDIT_CODE: usize = 1;
    pub const REGION: usize = 2;
    pub const INDUSTRY: usize = 3;
    pub const ADDRESS: usize = 4;
    pub const PERMIT_CLASS: usize = 5;
    pub const PERMIT_NUMBER: usize = 6;
    /// The seven supervision lists, in the order of `SupervisionLists::entries`.
    pub const LISTS: std::ops::Range<usize> = 7..14;
    pub const RADIATION_USER: usize = 14;
    pub const CONSTRUCTION_PROJECT: usize = 15;
    pub const POSITIVE_LIST: usize = 16;
    pub const ONLINE_MONITORING: usize = 17;
    pub const VIDEO_MONITORING: usize = 18;
    pub const POLLUTANTS: usize = 19;
    pub const PRODUCTION_MONTHS: usize = 20;
    pub const CREDIT_GRADE: usize = 21;
    pub const PERFORMANCE_GRADE: usize = 22;
    pub const VIOLATIONS: usize = 23;
    pub const COMPLAINTS: usize = 24;
    pub const STATUS: usize = 25;
    pub const TAGS: usize = 26;
}

/// Inspectors (检查人员). Indexes in [`i`].
pub static INSPECTOR_FIELDS: [Field; 8] = [
    req("name", "姓名", &["人员姓名", "检查人员"]),
    req(
        "department",
        "单位",
        &["所属部门", "部门代码", "部门", "所属单位"],
    ),
    req(
        "certificate_no",
        "执法证号",
        &["证件号", "工作证号", "执法证件号", "执法证编号", "证号"],
    ),
    f(
        "certificate_valid_until",
        "证件有效期至",
        &["有效期", "有效期至", "执法证有效期"],
    ),
    f("post", "职务岗位", &["职务", "岗位"]),
    f("years_of_work", "工作年限", &["从业年限"]),
    f("expertise", "业务专长", &["专长"]),
    f("status", "状态", &["人员状态", "在岗状态"]),
];

pub mod i {
    pub const NAME: usize = 0;
    pub const DEPARTMENT: usize = 1;
    pub const CERTIFICATE_NO: usize = 2;
    pub const VALID_UNTIL: usize = 3;
    pub const POST: usize = 4;
    pub const YEARS: usize = 5;
    pub const EXPERTISE: usize = 6;
    pub const STATUS: usize = 7;
}

/// Departments (部门). Indexes in [`d`].
pub static DEPARTMENT_FIELDS: [Field; 3] = [
    req("code", "部门代码", &["代码"]),
    req("name", "部门名称", &["名称"]),
    f("kind", "类型", &["部门类型"]),
];

pub mod d {
    pub const CODE: usize = 0;
    pub const NAME: usize = 1;
    pub const KIND: usize = 2;
}

/// Conflicts of interest (回避). Indexes in [`c`].
pub static CONFLICT_FIELDS: [Field; 3] = [
    req("certificate_no", "执法证号", &["证件号", "工作证号"]),
    req("credit_code", "统一社会信用代码", &["信用代码"]),
    f("reason", "回避事由", &["事由", "原因"]),
];

pub mod c {
    pub const CERTIFICATE_NO: usize = 0;
    pub const CREDIT_CODE: usize = 1;
    pub const REASON: usize = 2;
}

/// Where each field is in the file.
#[derive(Debug)]
pub struct Columns {
    /// Per field of the schema: the file's column index.
    pub index: Vec<Option<usize>>,
    /// The file's headers as written (trimmed).
    pub headers: Vec<String>,
    /// Headers not understood, in file order.
    pub unknown: Vec<String>,
}

impl Columns {
    /// The header of field `field` as written in the file.
    pub fn header(&self, field: usize) -> Option<&str> {
        self.index[field]
            .and_then(|c| self.headers.get(c))
            .map(String::as_str)
    }
}

/// Maps headers to fields. Errors: a required column missing, two columns for one field.
/// Warnings: unknown columns (with the header's row number).
pub fn map_columns(
    file: &str,
    header_row: usize,
    headers: &[String],
    schema: &[Field],
) -> (Columns, Vec<RowIssue>, Vec<RowIssue>) {
    let mut lookup: HashMap<String, usize> = HashMap::new();
    for (fi, field) in schema.iter().enumerate() {
        for name in [field.en, field.zh].iter().chain(field.aliases) {
            lookup.entry(normalize_header(name)).or_insert(fi);
        }
    }
    let mut index = vec![None; schema.len()];
    let mut unknown = Vec::new();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (col, h) in headers.iter().enumerate() {
        if h.trim().is_empty() {
            continue;
        }
        let norm = normalize_header(h);
        let found = lookup
            .get(&norm)
            .or_else(|| strip_note(&norm).and_then(|s| lookup.get(s)))
            .copied();
        match found {
            Some(fi) => match index[fi] {
                None => index[fi] = Some(col),
                Some(prev) => errors.push(RowIssue {
                    file: file.to_string(),
                    row: Some(header_row),
                    column: Some(h.clone()),
                    reason: Reason::DuplicateColumn {
                        first: headers[prev].clone(),
                    },
                }),
            },
            None => {
                unknown.push(h.clone());
                warnings.push(RowIssue {
                    file: file.to_string(),
                    row: Some(header_row),
                    column: Some(h.clone()),
                    reason: Reason::UnknownColumn,
                });
            }
        }
    }
    for (fi, field) in schema.iter().enumerate() {
        if field.required && index[fi].is_none() {
            errors.push(RowIssue::file_level(
                file,
                Reason::MissingColumn {
                    zh: field.zh,
                    en: field.en,
                },
            ));
        }
    }
    (
        Columns {
            index,
            headers: headers.to_vec(),
            unknown,
        },
        errors,
        warnings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_constants_match_the_schemas() {
        let pairs: &[(&[Field], usize, &str)] = &[
            (&TARGET_FIELDS, t::NAME, "name"),
            (&TARGET_FIELDS, t::CREDIT_CODE, "credit_code"),
            (&TARGET_FIELDS, t::REGION, "region"),
            (&TARGET_FIELDS, t::INDUSTRY, "industry"),
            (&TARGET_FIELDS, t::ADDRESS, "address"),
            (&TARGET_FIELDS, t::PERMIT_CLASS, "permit_class"),
            (&TARGET_FIELDS, t::PERMIT_NUMBER, "permit_number"),
            (&TARGET_FIELDS, t::RADIATION_USER, "radiation_user"),
            (
                &TARGET_FIELDS,
                t::CONSTRUCTION_PROJECT,
                "construction_project",
            ),
            (&TARGET_FIELDS, t::POSITIVE_LIST, "positive_list"),
            (&TARGET_FIELDS, t::ONLINE_MONITORING, "online_monitoring"),
            (&TARGET_FIELDS, t::VIDEO_MONITORING, "video_monitoring"),
            (&TARGET_FIELDS, t::POLLUTANTS, "pollutants"),
            (&TARGET_FIELDS, t::PRODUCTION_MONTHS, "production_months"),
            (&TARGET_FIELDS, t::CREDIT_GRADE, "credit_grade"),
            (&TARGET_FIELDS, t::PERFORMANCE_GRADE, "performance_grade"),
            (&TARGET_FIELDS, t::VIOLATIONS, "violations"),
            (&TARGET_FIELDS, t::COMPLAINTS, "complaints"),
            (&TARGET_FIELDS, t::STATUS, "status"),
            (&TARGET_FIELDS, t::TAGS, "tags"),
            (&INSPECTOR_FIELDS, i::NAME, "name"),
            (&INSPECTOR_FIELDS, i::DEPARTMENT, "department"),
            (&INSPECTOR_FIELDS, i::CERTIFICATE_NO, "certificate_no"),
            (&INSPECTOR_FIELDS, i::VALID_UNTIL, "certificate_valid_until"),
            (&INSPECTOR_FIELDS, i::POST, "post"),
            (&INSPECTOR_FIELDS, i::YEARS, "years_of_work"),
            (&INSPECTOR_FIELDS, i::EXPERTISE, "expertise"),
            (&INSPECTOR_FIELDS, i::STATUS, "status"),
            (&DEPARTMENT_FIELDS, d::CODE, "code"),
            (&DEPARTMENT_FIELDS, d::NAME, "name"),
            (&DEPARTMENT_FIELDS, d::KIND, "kind"),
            (&CONFLICT_FIELDS, c::CERTIFICATE_NO, "certificate_no"),
            (&CONFLICT_FIELDS, c::CREDIT_CODE, "credit_code"),
            (&CONFLICT_FIELDS, c::REASON, "reason"),
        ];
        for (schema, idx, en) in pairs {
            assert_eq!(schema[*idx].en, *en);
        }
        let lists = crate::domain::SupervisionLists::default().entries();
        for (k, fi) in t::LISTS.enumerate() {
            assert_eq!(TARGET_FIELDS[fi].en, lists[k].0);
            assert_eq!(TARGET_FIELDS[fi].zh, lists[k].1);
        }
    }

    #[test]
    fn no_alias_is_claimed_by_two_fields() {
        for schema in [
            &TARGET_FIELDS[..],
            &INSPECTOR_FIELDS,
            &DEPARTMENT_FIELDS,
            &CONFLICT_FIELDS,
        ] {
            let mut seen: HashMap<String, &str> = HashMap::new();
            for field in schema {
                for name in [field.en, field.zh].iter().chain(field.aliases) {
                    if let Some(prev) = seen.insert(normalize_header(name), field.en) {
                        assert_eq!(prev, field.en, "{name} claimed by {prev} and {}", field.en);
                    }
                }
            }
        }
    }

    #[test]
    fn headers_map_with_aliases_unknowns_and_missing() {
        let h: Vec<String> = [
            "企业名称",
            "Credit Code",
            "乡镇(街道)",
            "备注",
            "",
            "管理类别（重点/简化/登记）",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (cols, errors, warnings) = map_columns("a.csv", 1, &h, &TARGET_FIELDS);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(cols.index[t::NAME], Some(0));
        assert_eq!(cols.index[t::CREDIT_CODE], Some(1));
        assert_eq!(cols.index[t::REGION], Some(2));
        assert_eq!(cols.index[t::PERMIT_CLASS], Some(5));
        assert_eq!(cols.header(t::CREDIT_CODE), Some("Credit Code"));
        assert_eq!(cols.unknown, ["备注"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].column.as_deref(), Some("备注"));

        let h: Vec<String> = ["单位名称", "企业名称"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (_, errors, _) = map_columns("a.csv", 1, &h, &TARGET_FIELDS);
        assert_eq!(
            errors.len(),
            3,
            "duplicate name column, missing code and region: {errors:?}"
        );
        assert_eq!(
            errors[0].reason,
            Reason::DuplicateColumn {
                first: "单位名称".into()
            }
        );
        assert_eq!(
            errors[1].reason,
            Reason::MissingColumn {
                zh: "统一社会信用代码",
                en: "credit_code"
            }
        );
    }
}
