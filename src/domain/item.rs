//! The inspection item list (随机抽查事项清单), the "one list" of 一单两库.
//!
//! Each item names what is checked (事项), the legal basis (检查依据), the department that checks
//! (检查主体), the targets it applies to (检查对象), whether it is a key or a general item (事项类别)
//! and the default method (抽查方式). Plans reference items by code ([`item_codes_in`]); tasks,
//! the draw record, the check form and the publication notice name the items of their plans.
//!
//! [`SEED`] holds the items of the source's section 二(一) that a new store starts with.

use super::plan::{InspectionMethod, ItemClass};
use serde::{Deserialize, Serialize};

pub type ItemId = u64;

/// One item of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionItem {
    pub id: ItemId,
    /// 事项编码, e.g. `SX-05` ([`valid_code`]).
    pub code: String,
    /// 抽查事项
    pub name: String,
    /// 检查类别
    pub category: String,
    /// 检查依据: law and article.
    pub basis: String,
    /// 检查主体: the department (section) that checks.
    pub authority: String,
    /// 检查对象
    pub object: String,
    /// 事项类别
    pub class: ItemClass,
    /// 抽查方式
    pub method: InspectionMethod,
}

/// An item code: 1 to 8 ASCII capital letters, `-`, 1 to 4 digits (`SX-05`). The shape lets a
/// plan's 抽查事项 cell name items among free text.
pub fn valid_code(s: &str) -> bool {
    let Some((letters, digits)) = s.split_once('-') else {
        return false;
    };
    (1..=8).contains(&letters.len())
        && letters.bytes().all(|b| b.is_ascii_uppercase())
        && (1..=4).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The item codes a plan's 抽查事项 cell names, in order, without repeats: every run of ASCII
/// letters, digits and `-` that has the shape of a code ([`valid_code`], letters upper-cased).
/// The text around them (the item described in words) is kept as written and ignored here.
pub fn item_codes_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let code = token.trim_matches('-').to_ascii_uppercase();
        if valid_code(&code) && !out.contains(&code) {
            out.push(code);
        }
    }
    out
}

/// The ten items of the source's section 二(一) (the EIA approval and the "three
/// simultaneities" of construction projects are one item, as in the annual plan): (code, name,
/// category, basis, object, class).
pub const SEED: [(&str, &str, &str, &str, &str, ItemClass); 10] = [
    (
        "SX-01",
        "生态环境保护措施落实情况",
        "污染源日常监督检查",
        "《中华人民共和国环境保护法》第二十四条",
        "排污单位",
        ItemClass::General,
    ),
    (
        "SX-02",
        "污染防治设施运行情况",
        "污染源日常监督检查",
        "《中华人民共和国环境保护法》第四十一条、第四十二条",
        "排污单位",
        ItemClass::Key,
    ),
    (
        "SX-03",
        "排污许可证制度落实及证后执行情况",
        "排污许可监督检查",
        "《排污许可管理条例》第二十六条、第二十八条",
        "排污许可重点、简化、登记管理单位",
        ItemClass::Key,
    ),
    (
        "SX-04",
        "碳排放情况",
        "碳排放监督检查",
        "《碳排放权交易管理办法（试行）》第二十五条",
        "温室气体重点排放单位",
        ItemClass::General,
    ),
    (
        "SX-05",
        "辐射安全项目管理情况",
        "放射性污染防治监督检查",
        "《中华人民共和国放射性污染防治法》第八条、第二十八条",
        "核技术利用单位",
        ItemClass::Key,
    ),
    (
        "SX-06",
        "固体废物及危险废物管理情况",
        "固体废物监督检查",
        "《中华人民共和国固体废物污染环境防治法》第二十条、第七十七条至第八十一条",
        "产生、收集、贮存、利用、处置固体废物的单位",
        ItemClass::Key,
    ),
    (
        "SX-07",
        "化学品环境管理情况",
        "化学品环境管理监督检查",
        "《新化学物质环境管理登记办法》第三十九条",
        "化学品生产、加工使用单位",
        ItemClass::General,
    ),
    (
        "SX-08",
        "建设项目环评及批复落实情况、“三同时”制度落实情况",
        "建设项目监督检查",
        "《中华人民共和国环境影响评价法》第二十七条；《建设项目环境保护管理条例》第十五条",
        "建设项目",
        ItemClass::Key,
    ),
    (
        "SX-09",
        "突发环境事件应急预案备案情况",
        "环境应急监督检查",
        "《中华人民共和国突发事件应对法》；《突发环境事件应急管理办法》第十四条",
        "企业事业单位",
        ItemClass::General,
    ),
    (
        "SX-10",
        "环境安全隐患情况",
        "环境应急监督检查",
        "《突发环境事件应急管理办法》第七条、第十条",
        "企业事业单位",
        ItemClass::General,
    ),
];

/// The department that checks the seeded items (this bureau's enforcement team).
pub const SEED_AUTHORITY: &str = "昆明市生态环境局宜良分局";

/// [`SEED`] as items with ids 1 to 10, checked on site.
pub fn seed_items() -> Vec<InspectionItem> {
    SEED.iter()
        .zip(1u64..)
        .map(
            |(&(code, name, category, basis, object, class), id)| InspectionItem {
                id,
                code: code.into(),
                name: name.into(),
                category: category.into(),
                basis: basis.into(),
                authority: SEED_AUTHORITY.into(),
                object: object.into(),
                class,
                method: InspectionMethod::OnSite,
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_one_shape() {
        for ok in ["SX-05", "A-1", "ABCDEFGH-1234"] {
            assert!(valid_code(ok), "{ok}");
        }
        for bad in [
            "SX05",
            "sx-05",
            "SX-",
            "-05",
            "SX-12345",
            "ABCDEFGHI-1",
            "SX-0A",
            "",
        ] {
            assert!(!valid_code(bad), "{bad}");
        }
    }

    #[test]
    fn codes_are_found_among_words() {
        assert_eq!(
            item_codes_in("对核技术利用单位的检查（SX-05；sx-02、SX-05）"),
            ["SX-05", "SX-02"]
        );
        assert!(item_codes_in("对排污单位污染防治设施运行情况的检查").is_empty());
        assert!(item_codes_in("PM2.5 与 VOCs").is_empty());
    }

    #[test]
    fn the_seed_is_the_ten_items_of_section_two_one() {
        let items = seed_items();
        assert_eq!(items.len(), 10);
        assert!(items.iter().all(|i| valid_code(&i.code)));
        assert_eq!(items[4].name, "辐射安全项目管理情况");
        assert_eq!(items[9].id, 10);
    }
}
