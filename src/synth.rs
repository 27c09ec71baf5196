//! A deterministic synthetic registry of Yiliang County (宜良县, Kunming): targets, inspectors,
//! departments and recusal pairs, for fixtures, demos, tests and benchmarks.
//!
//! What is real and what is not:
//! - **Real:** the county's nine township-level divisions (3 subdistricts, 4 towns, 2 ethnic
//!   townships; 汤池街道 is administered by the 阳宗海 scenic-area committee), its region code
//!   530125 inside every credit code, the kinds of industry found there, the structure of credit
//!   codes (GB 32100-2015, valid check character) and of discharge-permit numbers (HJ 608-2017:
//!   credit code + 3-digit sequence + letter; `P` here for permits, `W` for registration receipts).
//! - **Synthetic:** every unit name, trade name, village and road name, person name, certificate
//!   number, count and grade. Village names are illustrative only. No person named in the source
//!   plan appears (see [`FORBIDDEN_NAMES`]).
//!
//! Determinism: the generator uses its own PRNG ([`Rng`], SplitMix64), never `rand`, whose streams
//! change between versions. The same seed gives the same bytes on every platform and release.
//! Each target is generated from its own stream (seed, id), so [`target_at`] and
//! [`targets_csv_large`] agree with [`targets`] row for row, and a million rows stream without
//! being held in memory.
//!
//! Not for production data: nothing here reads user input.

use crate::domain::credit_code::{CreditCode, CHARSET};
use crate::domain::{
    Department, DepartmentKind, Inspector, InspectorStatus, MonthSet, PermitClass, StatusChange,
    SupervisionLists, Target, TargetId, TargetStatus,
};
use crate::i18n::Lang;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::io::Write;

mod industries;
mod staff;
use industries::*;
pub use staff::*;

/// The seed of the committed fixtures (fixtures/*.csv).
pub const FIXTURE_SEED: u64 = 20_220_113;
/// The number of targets in fixtures/targets.csv.
pub const FIXTURE_TARGETS: usize = 650;
/// The number of recusal pairs in fixtures/conflicts.csv.
pub const FIXTURE_CONFLICTS: usize = 18;

/// People named in the source plan: never generated, neither whole nor inside a longer name.
pub const FORBIDDEN_NAMES: [&str; 9] = [
    "郭勤良",
    "董家林",
    "丁章政",
    "李定芳",
    "宁菊芬",
    "吕丽婷",
    "李志强",
    "洪恩毕",
    "韩琼仙",
];

// ---------------------------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, fully specified, stable forever.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n == 0`), by multiply-high (Lemire, without rejection: the bias
    /// of at most n/2^64 is irrelevant for fixtures).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(u64::from(hi - lo) + 1) as u32
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }

    /// One element of a slice; `None` only for an empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len() as u64) as usize)
    }

    /// Index by weight; the last index if all weights are zero.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len().saturating_sub(1)
    }
}

fn pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    rng.pick(items).copied().unwrap_or("")
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Months `from..=to`, wrapping the new year (11-2 = Nov to Feb).
fn months(from: u32, to: u32) -> MonthSet {
    let mut bits = 0u16;
    let mut m = from.clamp(1, 12);
    let to = to.clamp(1, 12);
    loop {
        bits |= 1 << (m - 1);
        if m == to {
            break;
        }
        m = if m == 12 { 1 } else { m + 1 };
    }
    MonthSet(bits)
}

// ---------------------------------------------------------------------------------------------
// Geography
// ---------------------------------------------------------------------------------------------

/// A township-level division of Yiliang County: (full name, short form, weight, villages).
/// Names and kinds are real (2023 statistical division codes 530125001..); villages illustrative.
struct Region {
    name: &'static str,
    short: &'static str,
    weight: u32,
    villages: &'static [&'static str],
}

const KUANGYUAN: usize = 0;
const NANYANG: usize = 1;
const TANGCHI: usize = 2;
const BEIGUCHENG: usize = 3;
const GOUJIE: usize = 4;
const ZHUSHAN: usize = 5;
const MAJIE: usize = 6;
const JIUXIANG: usize = 7;
const GENGJIAYING: usize = 8;

const REGIONS: [Region; 9] = [
    Region {
        name: "匡远街道",
        short: "匡远",
        weight: 24,
        villages: &[
            "新华社区",
            "清远社区",
            "里仁社区",
            "匡山社区",
            "金星社区",
            "宝洪社区",
            "温泉社区",
            "李毛营社区",
            "蓬莱社区",
            "七星社区",
        ],
    },
    Region {
        name: "南羊街道",
        short: "南羊",
        weight: 12,
        villages: &[
            "南羊社区",
            "西村",
            "大营村",
            "小哨村",
            "太平村",
            "龙潭村",
            "新庄村",
            "上寨村",
        ],
    },
    Region {
        name: "汤池街道",
        short: "汤池",
        weight: 10,
        villages: &[
            "汤池社区",
            "阳宗村",
            "草甸村",
            "小街村",
            "大湾村",
            "白塔村",
            "松茂村",
        ],
    },
    Region {
        name: "北古城镇",
        short: "北古城",
        weight: 14,
        villages: &[
            "北古城社区",
            "东村",
            "所窝村",
            "小屯村",
            "河湾村",
            "新村",
            "大营村",
            "石坝村",
        ],
    },
    Region {
        name: "狗街镇",
        short: "狗街",
        weight: 14,
        villages: &[
            "狗街社区",
            "上村",
            "下村",
            "石门村",
            "麦地村",
            "冲头村",
            "西山村",
            "大村",
        ],
    },
    Region {
        name: "竹山镇",
        short: "竹山",
        weight: 6,
        villages: &["竹山社区", "大沟村", "松林村", "黑龙村", "新田村", "中和村"],
    },
    Region {
        name: "马街镇",
        short: "马街",
        weight: 9,
        villages: &[
            "马街社区",
            "万户庄村",
            "羊街村",
            "永乐村",
            "河口村",
            "小河村",
            "长坡村",
        ],
    },
    Region {
        name: "九乡彝族回族乡",
        short: "九乡",
        weight: 6,
        villages: &["九乡社区", "三角村", "麦田村", "大具村", "林口村", "雨胜村"],
    },
    Region {
        name: "耿家营彝族苗族乡",
        short: "耿家营",
        weight: 5,
        villages: &["耿家营村", "文山村", "小寨村", "鲁溪村", "大哨村"],
    },
];

/// The nine township-level divisions of Yiliang County, full names.
pub fn region_names() -> Vec<&'static str> {
    REGIONS.iter().map(|r| r.name).collect()
}

const ROADS: [&str; 12] = [
    "民族路",
    "东门街",
    "金星路",
    "昆明路",
    "玉泉路",
    "大乐村路",
    "凤鸣路",
    "南盘江路",
    "工业大道",
    "文化路",
    "北门路",
    "振兴路",
];

// ---------------------------------------------------------------------------------------------
// Names of people
// ---------------------------------------------------------------------------------------------

const SURNAMES: [&str; 60] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "何",
    "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "冯", "邓", "曹", "彭", "曾", "肖", "田",
    "袁", "潘", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "任", "沈", "姚", "卢", "段", "雷",
    "普", "者", "杞", "昂", "保", "浦", "左", "施", "资", "尹", "熊", "严",
];

const GIVEN: [&str; 64] = [
    "建", "国", "华", "明", "军", "平", "刚", "伟", "勇", "文", "云", "红", "丽", "燕", "芳", "萍",
    "玲", "艳", "春", "秀", "兰", "梅", "敏", "静", "涛", "斌", "鹏", "波", "磊", "超", "杰", "晶",
    "宇", "浩", "婷", "雪", "琳", "瑶", "俊", "祥", "荣", "昆", "滇", "松", "海", "龙", "凤", "仙",
    "佳", "欣", "慧", "志", "强", "林", "发", "忠", "德", "福", "鑫", "娟", "霞", "永", "顺", "媛",
];

/// Whether a name is, or contains, one of the source plan's names.
pub fn is_forbidden_name(name: &str) -> bool {
    FORBIDDEN_NAMES.iter().any(|f| name.contains(f))
}

/// A synthetic personal name (2 or 3 characters) that is never a forbidden one.
fn person_name(rng: &mut Rng) -> String {
    loop {
        // The first 48 surnames are common everywhere; the last 12 (several of them Yi, Hui or
        // local Yunnan surnames) are rarer.
        let surname = if rng.chance(900) {
            pick_str(rng, &SURNAMES[..48])
        } else {
            pick_str(rng, &SURNAMES[48..])
        };
        let mut name = String::from(surname);
        name.push_str(pick_str(rng, &GIVEN));
        if rng.chance(750) {
            name.push_str(pick_str(rng, &GIVEN));
        }
        if !is_forbidden_name(&name) {
            return name;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

const ORG_FORMS: [&str; 3] = ["有限公司", "有限责任公司", "股份有限公司"];
const CREDIT_GRADES: [&str; 4] = ["诚信", "良好", "警示", "不良"];
const PERFORMANCE_GRADES: [&str; 5] = ["引领性", "A", "B", "C", "D"];

fn choose_region(rng: &mut Rng, industry: &Industry) -> usize {
    if !industry.regions.is_empty() && rng.chance(700) {
        if let Some(&r) = rng.pick(industry.regions) {
            return r;
        }
    }
    let weights: Vec<u32> = REGIONS.iter().map(|r| r.weight).collect();
    rng.weighted(&weights)
}

/// The place word of a village for a facility name: "上寨村" -> "上寨", "新华社区" -> "新华", but
/// "下村" stays "下村" (one character alone is not a place name).
fn place_word(village: &str) -> &str {
    let base = village.trim_end_matches("社区");
    let short = base.trim_end_matches('村');
    if short.chars().count() >= 2 {
        short
    } else {
        base
    }
}

fn unit_name(rng: &mut Rng, ind: &Industry, region: &Region, village: &str, trade: &str) -> String {
    let word = pick_str(rng, ind.words);
    match ind.form {
        Form::Company => {
            let prefix = pick_str(rng, &["宜良县", "宜良", "宜良", "云南", "昆明"]);
            let form = ORG_FORMS[rng.weighted(&[70, 25, 5])];
            format!("{prefix}{trade}{word}{form}")
        }
        Form::Shop => format!("宜良{trade}{word}"),
        Form::Owner => {
            let owner = person_name(rng);
            format!("宜良县{}{owner}{word}", region.short)
        }
        Form::Coop => format!("宜良县{}{trade}{word}专业合作社", region.short),
        Form::Clinic => format!("宜良{trade}{word}"),
        Form::Public => {
            if word == "卫生院" {
                let place = place_word(village);
                format!("宜良县{}{place}卫生院", region.short)
            } else {
                format!("宜良{trade}{word}")
            }
        }
        Form::Place | Form::Project => {
            let place = place_word(village);
            format!("宜良县{}{place}{word}", region.short)
        }
    }
}

fn address(rng: &mut Rng, region: &Region, village: &str, in_park: bool) -> String {
    if in_park {
        let n = rng.range(1, 88);
        return format!("宜良县{}宜良工业园区{}片区{n}号", region.name, region.short);
    }
    if village.ends_with("社区") {
        let road = pick_str(rng, &ROADS);
        let n = rng.range(1, 399);
        format!("宜良县{}{village}{road}{n}号", region.name)
    } else {
        match rng.below(3) {
            0 => format!("宜良县{}{village}", region.name),
            1 => format!("宜良县{}{village}{}组", region.name, rng.range(1, 12)),
            _ => format!("宜良县{}{village}{}号", region.name, rng.range(1, 260)),
        }
    }
}

/// `n` active inspectors for benchmarks at province scale: the demo's inspectors repeated
/// with distinct names and certificates, spread over the five internal departments, every
/// certificate valid to 2030, expertise 水 and 辐射.
pub fn many_inspectors(n: usize) -> Vec<Inspector> {
    let internal = ["ZFDD", "HJGL", "JCZ", "DZB", "FSAQ"];
    let base = inspectors(1);
    (0..n)
        .map(|i| {
            let mut p = base[i % base.len()].clone();
            p.id = 0;
            p.name = format!("检查员{i:05}");
            p.department = internal[i % internal.len()].to_string();
            p.certificate_no = format!("BENCH{i:07}");
            p.certificate_valid_until = NaiveDate::from_ymd_opt(2030, 12, 31);
            p.status = crate::domain::InspectorStatus::Active;
            p.expertise = vec!["水".into(), "辐射".into()];
            p.status_history.clear();
            p
        })
        .collect()
}

/// The target with this id, generated from its own stream (seed, id).
pub fn target_at(id: TargetId, seed: u64) -> Target {
    let mut rng = Rng::new(seed ^ id.wrapping_mul(0xD1B5_4A32_D192_ED03));
    let weights: Vec<u32> = INDUSTRIES.iter().map(|i| i.weight).collect();
    let ind = &INDUSTRIES[rng.weighted(&weights)];
    let region_ix = choose_region(&mut rng, ind);
    let region = &REGIONS[region_ix];
    let village = pick_str(&mut rng, region.villages);
    let in_park = matches!(region_ix, BEIGUCHENG | GOUJIE) && rng.chance(ind.park);
    let trade = trade_name(id, seed);
    let name = unit_name(&mut rng, ind, region, village, &trade);
    // Township health centres are public institutions (12); trade-named hospitals are private
    // non-enterprise units (52), like clinics.
    let code_form = if ind.form == Form::Public && !name.ends_with("卫生院") {
        Form::Clinic
    } else {
        ind.form
    };
    let credit_code = credit_code(code_form, id, seed);
    let address = address(&mut rng, region, village, in_park);

    let permit_class = PermitClass::ALL[rng.weighted(&ind.permit)];
    let permit_number = match permit_class {
        PermitClass::Key | PermitClass::Simplified => format!("{credit_code}001P"),
        PermitClass::Registration => format!("{credit_code}001W"),
        PermitClass::None => String::new(),
    };
    let key = permit_class == PermitClass::Key;
    let simplified = permit_class == PermitClass::Simplified;

    // Supervision lists of Table 1: key-permit units are the usual members; a few others too.
    let lists = SupervisionLists {
        mee_provincial_key: rng.chance(if key { 300 } else { 8 }),
        inspection_key: rng.chance(if key { 220 } else { 12 }),
        city_confirmed_key: rng.chance(if key { 120 } else { 12 }),
        kunming_key_discharge: rng.chance(if key {
            700
        } else if simplified {
            80
        } else {
            3
        }),
        city_government: rng.chance(if key { 100 } else { 15 }),
        county_government: rng.chance(if key { 80 } else { 25 }),
        concentrated_complaints: rng.chance(ind.complaint_prone / 2 + 5),
    };

    let radiation_user = rng.chance(ind.radiation);
    let construction_project = ind.form == Form::Project || rng.chance(25);

    let online_base = match permit_class {
        PermitClass::Key => 500,
        PermitClass::Simplified => 60,
        _ => 0,
    };
    let online_monitoring = rng.chance((ind.online + online_base).min(1000));
    let video_monitoring = rng.chance(if online_monitoring { 700 } else { 60 });

    let mut pollutants: Vec<String> = Vec::new();
    for p in ind.pollutants {
        if pollutants.is_empty() || rng.chance(750) {
            pollutants.push((*p).to_string());
        }
    }
    if radiation_user && !pollutants.iter().any(|p| p == "电离辐射") {
        pollutants.push("电离辐射".into());
    }

    let production_months = match ind.seasonal {
        Some((p, from, to)) if rng.chance(p) => {
            // Shift by up to one month either way so seasons differ a little between units.
            let shift = rng.range(0, 2);
            let f = ((from + 11 + shift - 1) % 12) + 1;
            let t = ((to + 11 + rng.range(0, 2) - 1) % 12) + 1;
            months(f, t)
        }
        _ => MonthSet::ALL,
    };

    let credit_grade = match rng.weighted(&[150, 450, 70, 30, 300]) {
        4 => String::new(),
        g => CREDIT_GRADES[g].to_string(),
    };
    let performance_grade = if ind.graded {
        PERFORMANCE_GRADES[rng.weighted(&[20, 60, 250, 400, 270])].to_string()
    } else {
        String::new()
    };

    let mut violations = [0u32, 1, 1, 1, 2, 2, 3][rng.weighted(&[820, 40, 40, 40, 25, 20, 15])];
    match credit_grade.as_str() {
        "不良" => violations += rng.range(2, 4),
        "警示" => violations += 1,
        "诚信" => violations = 0,
        _ => {}
    }
    let mut complaints = [0u32, 1, 2][rng.weighted(&[850, 110, 40])];
    if lists.concentrated_complaints {
        complaints += rng.range(3, 12);
    }

    let status = match rng.weighted(&[940, 40, 20]) {
        0 => TargetStatus::Operating,
        1 => TargetStatus::Suspended,
        _ => TargetStatus::Closed,
    };
    let status_history = if status == TargetStatus::Operating {
        Vec::new()
    } else {
        let reason = match status {
            TargetStatus::Suspended => {
                pick_str(&mut rng, &["停产整治", "市场原因停产", "季节性停产"])
            }
            _ => pick_str(&mut rng, &["关闭退出", "注销", "搬迁关闭"]),
        };
        vec![
            StatusChange {
                status: TargetStatus::Operating,
                effective: ymd(
                    2018 + rng.range(0, 2) as i32,
                    rng.range(1, 12),
                    rng.range(1, 28),
                ),
                reason: "纳入名录库".into(),
                by: "宜良分局".into(),
            },
            StatusChange {
                status,
                effective: ymd(2021, rng.range(1, 12), rng.range(1, 28)),
                reason: reason.into(),
                by: "宜良分局".into(),
            },
        ]
    };

    let positive_list = status == TargetStatus::Operating
        && violations == 0
        && matches!(credit_grade.as_str(), "诚信" | "良好")
        && !lists.concentrated_complaints
        && rng.chance(if key || simplified { 250 } else { 60 });

    let mut tags: Vec<String> = ind.tags.iter().map(|t| (*t).to_string()).collect();
    if in_park {
        tags.push("工业园区".into());
    }
    if region_ix == TANGCHI {
        tags.push("阳宗海流域".into());
    }
    if production_months.is_seasonal() {
        tags.push("季节性生产".into());
    }
    if matches!(ind.form, Form::Shop | Form::Owner) {
        tags.push("个体工商户".into());
    }

    Target {
        id,
        text: crate::domain::TargetText::new(&name, &address, &permit_number),
        credit_code,
        region: region.name.into(),
        industry: ind.name.into(),
        permit_class,
        lists,
        radiation_user,
        construction_project,
        positive_list,
        online_monitoring,
        video_monitoring,
        pollutants: pollutants.into(),
        production_months,
        credit_grade: credit_grade.into(),
        performance_grade: performance_grade.into(),
        violations,
        complaints,
        status,
        status_history,
        tags: tags.into(),
    }
}

/// How many targets meet each condition of Table 1 and each tag of interest: (label, count).
/// Used by the generator's report and by the coverage tests.
pub fn category_counts(targets: &[Target]) -> Vec<(&'static str, usize)> {
    let count = |f: &dyn Fn(&Target) -> bool| targets.iter().filter(|t| f(t)).count();
    let none_and_unlisted = |t: &Target| {
        t.permit_class == PermitClass::None
            && !t.lists.entries().iter().any(|e| e.3)
            && !t.radiation_user
            && !t.construction_project
    };
    vec![
        ("重点管理", count(&|t| t.permit_class == PermitClass::Key)),
        (
            "简化管理",
            count(&|t| t.permit_class == PermitClass::Simplified),
        ),
        (
            "登记管理",
            count(&|t| t.permit_class == PermitClass::Registration),
        ),
        ("部省重点监管", count(&|t| t.lists.mee_provincial_key)),
        ("督察重点监管", count(&|t| t.lists.inspection_key)),
        ("市局确定重点", count(&|t| t.lists.city_confirmed_key)),
        (
            "昆明市重点排污单位",
            count(&|t| t.lists.kunming_key_discharge),
        ),
        ("市政府重点监管", count(&|t| t.lists.city_government)),
        ("县政府重点监管", count(&|t| t.lists.county_government)),
        ("群众集中投诉", count(&|t| t.lists.concentrated_complaints)),
        ("其他（无许可、无名单）", count(&none_and_unlisted)),
        ("核技术利用单位", count(&|t| t.radiation_user)),
        ("建设项目", count(&|t| t.construction_project)),
        ("正面清单", count(&|t| t.positive_list)),
        ("在线监控", count(&|t| t.online_monitoring)),
        (
            "在线+视频监控",
            count(&|t| t.online_monitoring && t.video_monitoring),
        ),
        ("季节性生产", count(&|t| t.production_months.is_seasonal())),
        ("停产", count(&|t| t.status == TargetStatus::Suspended)),
        ("关闭", count(&|t| t.status == TargetStatus::Closed)),
        ("有违法记录", count(&|t| t.violations > 0)),
        ("有投诉", count(&|t| t.complaints > 0)),
        ("有信用评价", count(&|t| !t.credit_grade.is_empty())),
        ("有绩效分级", count(&|t| !t.performance_grade.is_empty())),
    ]
}

/// `n` targets with ids `1..=n`.
pub fn targets(n: usize, seed: u64) -> Vec<Target> {
    (1..=n as u64).map(|id| target_at(id, seed)).collect()
}

/// The headers of the targets file (docs/CONTRACTS.md, first Chinese header of each row).
pub const TARGET_HEADERS: [&str; 27] = [
    "单位名称",
    "统一社会信用代码",
    "所在地区",
    "行业类别",
    "生产经营场所地址",
    "管理类别",
    "许可证编号",
    "部省重点监管",
    "督察重点监管",
    "市局确定重点",
    "昆明市重点排污单位",
    "市政府重点监管",
    "县政府重点监管",
    "群众集中投诉",
    "核技术利用单位",
    "建设项目",
    "正面清单",
    "在线监控",
    "视频监控",
    "污染物类型",
    "生产周期",
    "信用评价",
    "绩效分级",
    "违法次数",
    "投诉次数",
    "经营状态",
    "标识",
];

pub const INSPECTOR_HEADERS: [&str; 8] = [
    "姓名",
    "单位",
    "执法证号",
    "证件有效期至",
    "职务岗位",
    "工作年限",
    "业务专长",
    "状态",
];
pub const DEPARTMENT_HEADERS: [&str; 3] = ["部门代码", "部门名称", "类型"];
pub const CONFLICT_HEADERS: [&str; 3] = ["执法证号", "统一社会信用代码", "回避事由"];

fn yes_no(b: bool) -> &'static str {
    if b {
        "是"
    } else {
        "否"
    }
}

fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w)
}

fn target_record(t: &Target) -> [String; 27] {
    let l = &t.lists;
    [
        t.name().to_string(),
        t.credit_code.to_string(),
        t.region.to_string(),
        t.industry.to_string(),
        t.address().to_string(),
        t.permit_class.label(Lang::Zh).to_string(),
        t.permit_number().to_string(),
        yes_no(l.mee_provincial_key).into(),
        yes_no(l.inspection_key).into(),
        yes_no(l.city_confirmed_key).into(),
        yes_no(l.kunming_key_discharge).into(),
        yes_no(l.city_government).into(),
        yes_no(l.county_government).into(),
        yes_no(l.concentrated_complaints).into(),
        yes_no(t.radiation_user).into(),
        yes_no(t.construction_project).into(),
        yes_no(t.positive_list).into(),
        yes_no(t.online_monitoring).into(),
        yes_no(t.video_monitoring).into(),
        t.pollutants.join("；"),
        t.production_months.to_text(),
        t.credit_grade.to_string(),
        t.performance_grade.to_string(),
        t.violations.to_string(),
        t.complaints.to_string(),
        t.status.label(Lang::Zh).to_string(),
        t.tags.join("；"),
    ]
}

/// Write targets with the Chinese headers of docs/CONTRACTS.md.
pub fn write_targets_csv<W: Write>(w: W, targets: &[Target]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(TARGET_HEADERS)?;
    for t in targets {
        out.write_record(target_record(t))?;
    }
    out.flush()?;
    Ok(())
}

/// Stream `n` targets (ids `1..=n`, the same rows as [`targets`]) without holding them: each row
/// is generated, written and dropped. For benchmarks with a million rows.
pub fn targets_csv_large<W: Write>(n: usize, seed: u64, w: W) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(TARGET_HEADERS)?;
    for id in 1..=n as u64 {
        out.write_record(target_record(&target_at(id, seed)))?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
#[path = "synth_tests.rs"]
mod tests;
