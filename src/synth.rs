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
// Industries
// ---------------------------------------------------------------------------------------------

/// How a unit's name and credit code are made.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    /// 有限公司: 91 codes, "宜良县鑫泰水泥有限公司".
    Company,
    /// 个体工商户: 92 codes, "宜良鑫泰汽车修理厂".
    Shop,
    /// 个体户 named after its owner: 92 codes, "宜良县狗街张建华生猪养殖场".
    Owner,
    /// 农民专业合作社: 93 codes.
    Coop,
    /// 民办非企业 clinics: 52 codes, "宜良鑫泰口腔诊所".
    Clinic,
    /// 事业单位 (public hospitals): 12 codes.
    Public,
    /// A facility named after its place, run by a company: "宜良县狗街上村污水处理站".
    Place,
    /// A construction project named after its place; the builder's 91 code.
    Project,
}

struct Industry {
    /// 行业类别
    name: &'static str,
    weight: u32,
    form: Form,
    /// Name stems (the business word, and for Shop/Owner/Place/Project the full suffix).
    words: &'static [&'static str],
    /// Weights of 重点/简化/登记/无.
    permit: [u32; 4],
    pollutants: &'static [&'static str],
    /// (per-mille chance of being seasonal, from month, to month)
    seasonal: Option<(u32, u32, u32)>,
    /// per-mille chance of using radiation sources (X-ray, radiography)
    radiation: u32,
    /// per-mille chance of online monitoring (added to the permit-class base)
    online: u32,
    /// in the heavy-pollution-weather performance grading
    graded: bool,
    /// per-mille chance of concentrated complaints
    complaint_prone: u32,
    /// preferred regions (70% of units), empty = anywhere
    regions: &'static [usize],
    /// industrial-park units (per mille)
    park: u32,
    tags: &'static [&'static str],
}

const INDUSTRIES: &[Industry] = &[
    Industry {
        name: "水泥制造",
        weight: 10,
        form: Form::Company,
        words: &["水泥", "建材"],
        permit: [90, 10, 0, 0],
        pollutants: &["颗粒物", "二氧化硫", "氮氧化物", "氨"],
        seasonal: None,
        radiation: 150,
        online: 850,
        graded: true,
        complaint_prone: 60,
        regions: &[BEIGUCHENG, GOUJIE, JIUXIANG],
        park: 500,
        tags: &["涉气重点"],
    },
    Industry {
        name: "砖瓦、石材等建筑材料制造",
        weight: 40,
        form: Form::Company,
        words: &["页岩砖", "新型建材", "砖瓦", "建材"],
        permit: [0, 35, 55, 10],
        pollutants: &["颗粒物", "二氧化硫", "氟化物", "噪声"],
        seasonal: Some((450, 11, 5)),
        radiation: 0,
        online: 60,
        graded: true,
        complaint_prone: 50,
        regions: &[GOUJIE, BEIGUCHENG, MAJIE, ZHUSHAN],
        park: 100,
        tags: &[],
    },
    Industry {
        name: "商品混凝土",
        weight: 25,
        form: Form::Company,
        words: &["商品混凝土", "混凝土", "建材"],
        permit: [0, 0, 85, 15],
        pollutants: &["颗粒物", "噪声", "一般固废"],
        seasonal: None,
        radiation: 0,
        online: 30,
        graded: true,
        complaint_prone: 40,
        regions: &[NANYANG, BEIGUCHENG, KUANGYUAN],
        park: 300,
        tags: &[],
    },
    Industry {
        name: "建筑用石开采",
        weight: 20,
        form: Form::Company,
        words: &["矿业", "石料", "砂石"],
        permit: [0, 0, 60, 40],
        pollutants: &["颗粒物", "噪声"],
        seasonal: None,
        radiation: 0,
        online: 20,
        graded: false,
        complaint_prone: 60,
        regions: &[JIUXIANG, ZHUSHAN, MAJIE, GENGJIAYING],
        park: 0,
        tags: &["矿山"],
    },
    Industry {
        name: "食品加工",
        weight: 55,
        form: Form::Company,
        words: &["食品", "米线", "豆制品", "调味品", "农产品加工"],
        permit: [0, 15, 75, 10],
        pollutants: &["化学需氧量", "氨氮", "恶臭"],
        seasonal: Some((150, 9, 3)),
        radiation: 0,
        online: 10,
        graded: false,
        complaint_prone: 30,
        regions: &[KUANGYUAN, NANYANG, GOUJIE],
        park: 200,
        tags: &[],
    },
    Industry {
        name: "屠宰及肉类加工",
        weight: 12,
        form: Form::Company,
        words: &["肉类加工", "生猪屠宰", "禽类屠宰"],
        permit: [15, 60, 25, 0],
        pollutants: &["化学需氧量", "氨氮", "总磷", "恶臭"],
        seasonal: None,
        radiation: 0,
        online: 200,
        graded: false,
        complaint_prone: 80,
        regions: &[NANYANG, GOUJIE],
        park: 0,
        tags: &["涉水重点"],
    },
    Industry {
        name: "酒的制造",
        weight: 12,
        form: Form::Company,
        words: &["酒业", "酿酒"],
        permit: [0, 20, 70, 10],
        pollutants: &["化学需氧量", "氨氮"],
        seasonal: Some((500, 9, 4)),
        radiation: 0,
        online: 10,
        graded: false,
        complaint_prone: 20,
        regions: &[MAJIE, KUANGYUAN],
        park: 0,
        tags: &[],
    },
    Industry {
        name: "烟叶初加工（烤烟）",
        weight: 25,
        form: Form::Coop,
        words: &["烤烟", "烟叶种植"],
        permit: [0, 0, 40, 60],
        pollutants: &["颗粒物", "二氧化硫"],
        seasonal: Some((950, 7, 10)),
        radiation: 0,
        online: 0,
        graded: false,
        complaint_prone: 10,
        regions: &[GENGJIAYING, ZHUSHAN, JIUXIANG, MAJIE],
        park: 0,
        tags: &[],
    },
    Industry {
        name: "牲畜饲养（生猪）",
        weight: 45,
        form: Form::Owner,
        words: &["生猪养殖场", "养殖场", "生态养殖场"],
        permit: [15, 20, 55, 10],
        pollutants: &["化学需氧量", "氨氮", "总磷", "恶臭"],
        seasonal: None,
        radiation: 0,
        online: 30,
        graded: false,
        complaint_prone: 90,
        regions: &[GOUJIE, MAJIE, ZHUSHAN, GENGJIAYING, JIUXIANG],
        park: 0,
        tags: &["畜禽养殖"],
    },
    Industry {
        name: "家禽饲养（蛋鸡、肉鸭）",
        weight: 25,
        form: Form::Owner,
        words: &["蛋鸡养殖场", "肉鸭养殖场", "家禽养殖场"],
        permit: [5, 10, 70, 15],
        pollutants: &["氨氮", "恶臭"],
        seasonal: None,
        radiation: 0,
        online: 10,
        graded: false,
        complaint_prone: 80,
        regions: &[NANYANG, BEIGUCHENG, MAJIE],
        park: 0,
        tags: &["畜禽养殖"],
    },
    Industry {
        name: "花卉种植",
        weight: 35,
        form: Form::Coop,
        words: &["花卉", "花卉苗木", "鲜切花"],
        permit: [0, 0, 10, 90],
        pollutants: &["一般固废"],
        seasonal: None,
        radiation: 0,
        online: 0,
        graded: false,
        complaint_prone: 10,
        regions: &[KUANGYUAN, NANYANG, BEIGUCHENG, TANGCHI],
        park: 0,
        tags: &["花卉产业"],
    },
    Industry {
        name: "化学原料和化学制品制造",
        weight: 18,
        form: Form::Company,
        words: &["化工", "磷化工", "精细化工", "新材料"],
        permit: [55, 35, 10, 0],
        pollutants: &["挥发性有机物", "颗粒物", "化学需氧量", "危险废物"],
        seasonal: None,
        radiation: 100,
        online: 600,
        graded: true,
        complaint_prone: 70,
        regions: &[BEIGUCHENG, GOUJIE],
        park: 800,
        tags: &["涉VOCs", "涉危废"],
    },
    Industry {
        name: "医药制造",
        weight: 8,
        form: Form::Company,
        words: &["药业", "制药", "生物科技"],
        permit: [25, 55, 20, 0],
        pollutants: &["挥发性有机物", "化学需氧量", "危险废物"],
        seasonal: None,
        radiation: 0,
        online: 400,
        graded: true,
        complaint_prone: 30,
        regions: &[BEIGUCHENG, NANYANG],
        park: 700,
        tags: &["涉VOCs", "涉危废"],
    },
    Industry {
        name: "金属制品加工",
        weight: 22,
        form: Form::Company,
        words: &["金属制品", "钢结构", "机械制造", "五金"],
        permit: [0, 25, 70, 5],
        pollutants: &["颗粒物", "挥发性有机物", "危险废物", "噪声"],
        seasonal: None,
        radiation: 60,
        online: 20,
        graded: true,
        complaint_prone: 30,
        regions: &[BEIGUCHENG, GOUJIE, NANYANG],
        park: 600,
        tags: &["涉危废"],
    },
    Industry {
        name: "印刷和包装",
        weight: 12,
        form: Form::Company,
        words: &["印务", "包装", "彩印"],
        permit: [0, 15, 80, 5],
        pollutants: &["挥发性有机物", "危险废物"],
        seasonal: None,
        radiation: 0,
        online: 20,
        graded: true,
        complaint_prone: 20,
        regions: &[KUANGYUAN, NANYANG],
        park: 300,
        tags: &["涉VOCs"],
    },
    Industry {
        name: "木材加工和家具制造",
        weight: 14,
        form: Form::Company,
        words: &["木业", "家具", "板业"],
        permit: [0, 5, 80, 15],
        pollutants: &["颗粒物", "挥发性有机物", "噪声"],
        seasonal: None,
        radiation: 0,
        online: 10,
        graded: true,
        complaint_prone: 40,
        regions: &[GOUJIE, MAJIE, BEIGUCHENG],
        park: 200,
        tags: &["涉VOCs"],
    },
    Industry {
        name: "汽车修理与维护",
        weight: 55,
        form: Form::Shop,
        words: &["汽车修理厂", "汽修店", "汽车维修服务部", "汽车美容维修中心"],
        permit: [0, 0, 70, 30],
        pollutants: &["危险废物", "挥发性有机物", "噪声"],
        seasonal: None,
        radiation: 0,
        online: 0,
        graded: false,
        complaint_prone: 20,
        regions: &[KUANGYUAN, NANYANG, GOUJIE],
        park: 0,
        tags: &["涉危废"],
    },
    Industry {
        name: "机动车燃油零售（加油站）",
        weight: 25,
        form: Form::Shop,
        words: &["加油站"],
        permit: [0, 0, 95, 5],
        pollutants: &["挥发性有机物", "危险废物"],
        seasonal: None,
        radiation: 0,
        online: 400,
        graded: false,
        complaint_prone: 10,
        regions: &[],
        park: 0,
        tags: &["涉VOCs", "油气回收"],
    },
    Industry {
        name: "污水处理及其再生利用",
        weight: 12,
        form: Form::Place,
        words: &["污水处理厂", "污水处理站", "再生水厂"],
        permit: [70, 20, 10, 0],
        pollutants: &["化学需氧量", "氨氮", "总磷", "总氮", "恶臭"],
        seasonal: None,
        radiation: 0,
        online: 900,
        graded: false,
        complaint_prone: 40,
        regions: &[],
        park: 0,
        tags: &["涉水重点", "南盘江流域"],
    },
    Industry {
        name: "生活垃圾处理",
        weight: 4,
        form: Form::Place,
        words: &["生活垃圾填埋场", "生活垃圾转运站", "生活垃圾焚烧发电厂"],
        permit: [75, 25, 0, 0],
        pollutants: &["渗滤液", "恶臭", "颗粒物", "二噁英"],
        seasonal: None,
        radiation: 0,
        online: 800,
        graded: false,
        complaint_prone: 200,
        regions: &[GOUJIE, MAJIE],
        park: 0,
        tags: &["环境基础设施"],
    },
    Industry {
        name: "危险废物收集贮存",
        weight: 3,
        form: Form::Company,
        words: &["环保科技", "再生资源", "环境服务"],
        permit: [80, 20, 0, 0],
        pollutants: &["危险废物", "挥发性有机物"],
        seasonal: None,
        radiation: 0,
        online: 500,
        graded: false,
        complaint_prone: 60,
        regions: &[BEIGUCHENG],
        park: 900,
        tags: &["涉危废", "环境基础设施"],
    },
    Industry {
        name: "医院",
        weight: 20,
        form: Form::Public,
        words: &["医院", "中医医院", "骨科医院", "卫生院", "卫生院"],
        permit: [10, 70, 20, 0],
        pollutants: &["化学需氧量", "医疗废物", "电离辐射"],
        seasonal: None,
        radiation: 900,
        online: 300,
        graded: false,
        complaint_prone: 10,
        regions: &[KUANGYUAN, NANYANG, TANGCHI],
        park: 0,
        tags: &["医疗卫生", "涉危废"],
    },
    Industry {
        name: "诊所和门诊部",
        weight: 40,
        form: Form::Clinic,
        words: &["口腔诊所", "诊所", "门诊部", "口腔门诊部"],
        permit: [0, 0, 50, 50],
        pollutants: &["医疗废物", "电离辐射"],
        seasonal: None,
        radiation: 550,
        online: 0,
        graded: false,
        complaint_prone: 10,
        regions: &[KUANGYUAN, NANYANG],
        park: 0,
        tags: &["医疗卫生"],
    },
    Industry {
        name: "工业探伤与检测",
        weight: 4,
        form: Form::Company,
        words: &["无损检测", "检测技术"],
        permit: [0, 0, 20, 80],
        pollutants: &["电离辐射"],
        seasonal: None,
        radiation: 1000,
        online: 0,
        graded: false,
        complaint_prone: 0,
        regions: &[BEIGUCHENG, KUANGYUAN],
        park: 500,
        tags: &["移动探伤"],
    },
    Industry {
        name: "餐饮服务",
        weight: 30,
        form: Form::Shop,
        words: &["烤鸭店", "餐馆", "农家乐", "火锅店"],
        permit: [0, 0, 0, 100],
        pollutants: &["油烟", "噪声"],
        seasonal: None,
        radiation: 0,
        online: 0,
        graded: false,
        complaint_prone: 80,
        regions: &[KUANGYUAN, TANGCHI, JIUXIANG],
        park: 0,
        tags: &[],
    },
    Industry {
        name: "洗车和洗涤服务",
        weight: 14,
        form: Form::Shop,
        words: &["洗车场", "洗涤服务部", "布草洗涤厂"],
        permit: [0, 0, 30, 70],
        pollutants: &["化学需氧量", "阴离子表面活性剂"],
        seasonal: None,
        radiation: 0,
        online: 0,
        graded: false,
        complaint_prone: 40,
        regions: &[KUANGYUAN, TANGCHI],
        park: 0,
        tags: &[],
    },
    Industry {
        name: "旅游住宿与温泉",
        weight: 12,
        form: Form::Company,
        words: &["温泉度假", "酒店管理", "旅游开发"],
        permit: [0, 0, 60, 40],
        pollutants: &["化学需氧量", "氨氮", "油烟"],
        seasonal: None,
        radiation: 0,
        online: 20,
        graded: false,
        complaint_prone: 30,
        regions: &[TANGCHI, JIUXIANG, KUANGYUAN],
        park: 0,
        tags: &[],
    },
    Industry {
        name: "建设项目",
        weight: 35,
        form: Form::Project,
        words: &[
            "光伏发电项目",
            "农贸市场建设项目",
            "道路改扩建工程",
            "商住小区建设项目",
            "标准厂房建设项目",
            "污水管网建设工程",
            "冷链物流中心项目",
            "220千伏输变电工程",
            "高速公路连接线工程",
            "水库除险加固工程",
        ],
        permit: [0, 0, 0, 100],
        pollutants: &["扬尘", "噪声", "施工废水"],
        seasonal: Some((400, 3, 12)),
        radiation: 0,
        online: 150,
        graded: false,
        complaint_prone: 50,
        regions: &[],
        park: 0,
        tags: &["在建"],
    },
];

const TRADE_CHARS: [char; 59] = [
    '鑫', '泰', '宏', '源', '华', '盛', '昌', '隆', '兴', '福', '达', '丰', '瑞', '祥', '恒', '远',
    '康', '嘉', '金', '鼎', '润', '宇', '腾', '信', '益', '和', '顺', '安', '晟', '翔', '博', '创',
    '亿', '豪', '德', '佳', '通', '汇', '新', '永', '正', '明', '辉', '锦', '益', '联', '振', '凯',
    '旺', '泓', '峰', '骏', '裕', '乾', '坤', '滇', '良', '湖', '阳',
];

/// A trade name (字号) that is a bijection of the id modulo 59² = 3481, so the first 3481 ids
/// have distinct trade names.
fn trade_name(id: TargetId, seed: u64) -> String {
    const P: u64 = TRADE_CHARS.len() as u64;
    let k = (id.wrapping_mul(1_297) + seed % (P * P)) % (P * P);
    let a = TRADE_CHARS[(k / P) as usize];
    let b = TRADE_CHARS[(k % P) as usize];
    format!("{a}{b}")
}

/// 31^7: the number of 7-character bodies.
const BODY_SPACE: u64 = 27_512_614_111;
/// Multiplier of the body bijection; not a multiple of 31, so `id -> id*A + B mod 31^7` is a
/// bijection and the first 31^7 ids get distinct bodies.
const BODY_MUL: u64 = 7_919_227_459;

/// 7 credit-code characters, unique per id for a given seed.
fn code_body(id: TargetId, seed: u64) -> String {
    let offset = Rng::new(seed ^ 0xC0DE).next_u64() % BODY_SPACE;
    let mut k = ((u128::from(id) * u128::from(BODY_MUL) + u128::from(offset))
        % u128::from(BODY_SPACE)) as u64;
    let mut out = [b'0'; 7];
    for slot in out.iter_mut().rev() {
        *slot = CHARSET[(k % 31) as usize];
        k /= 31;
    }
    out.iter().map(|&b| b as char).collect()
}

fn credit_code(form: Form, id: TargetId, seed: u64) -> CreditCode {
    let prefix = match form {
        Form::Company | Form::Place | Form::Project => "91530125MA",
        Form::Shop | Form::Owner => "92530125MA",
        Form::Coop => "93530125MA",
        Form::Clinic => "52530125MJ",
        Form::Public => "1253012543",
    };
    let first17 = format!("{prefix}{}", code_body(id, seed));
    // The 17 characters are all from the charset, so completion cannot fail.
    CreditCode::complete(&first17).unwrap_or_else(|| CreditCode::from_stored(first17))
}

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
        name,
        credit_code,
        region: region.name.to_string(),
        industry: ind.name.to_string(),
        address,
        permit_class,
        permit_number,
        lists,
        radiation_user,
        construction_project,
        positive_list,
        online_monitoring,
        video_monitoring,
        pollutants,
        production_months,
        credit_grade,
        performance_grade,
        violations,
        complaints,
        status,
        status_history,
        tags,
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
        t.name.clone(),
        t.credit_code.to_string(),
        t.region.clone(),
        t.industry.clone(),
        t.address.clone(),
        t.permit_class.label(Lang::Zh).to_string(),
        t.permit_number.clone(),
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
        t.credit_grade.clone(),
        t.performance_grade.clone(),
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

// ---------------------------------------------------------------------------------------------
// Departments and inspectors
// ---------------------------------------------------------------------------------------------

/// A department and its staff plan. The staff indices in `work_card`, `expired`, `inactive` and
/// `left` fix who holds a work card only, whose certificate expired in 2022, and who is away, so
/// every fixture has such cases whatever the seed.
struct DeptPlan {
    code: &'static str,
    name: &'static str,
    kind: DepartmentKind,
    staff: usize,
    block: &'static str,
    head: &'static str,
    deputy: &'static str,
    member: &'static str,
    expertise: &'static [&'static str],
    work_card: &'static [usize],
    expired: &'static [usize],
    inactive: &'static [usize],
    left: &'static [usize],
}

const DEPARTMENTS: [DeptPlan; 12] = [
    DeptPlan {
        code: "ZFDD",
        name: "宜良县生态环境执法大队",
        kind: DepartmentKind::Internal,
        staff: 22,
        block: "2",
        head: "大队长",
        deputy: "副大队长",
        member: "执法队员",
        expertise: &["大气", "水", "危废", "固废", "噪声", "土壤", "辐射"],
        work_card: &[],
        expired: &[12, 19],
        inactive: &[4],
        left: &[16],
    },
    DeptPlan {
        code: "HJGL",
        name: "环境管理科",
        kind: DepartmentKind::Internal,
        staff: 8,
        block: "3",
        head: "科长",
        deputy: "副科长",
        member: "科员",
        expertise: &["环评", "土壤", "固废", "水", "大气"],
        work_card: &[4, 7],
        expired: &[5],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "JCZ",
        name: "环境监测站",
        kind: DepartmentKind::Internal,
        staff: 7,
        block: "4",
        head: "站长",
        deputy: "副站长",
        member: "监测员",
        expertise: &["水", "大气", "噪声", "土壤"],
        work_card: &[6],
        expired: &[3],
        inactive: &[2],
        left: &[],
    },
    DeptPlan {
        code: "DZB",
        name: "党政办公室",
        kind: DepartmentKind::Internal,
        staff: 3,
        block: "5",
        head: "主任",
        deputy: "副主任",
        member: "科员",
        expertise: &["固废", "噪声"],
        work_card: &[2],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "FSAQ",
        name: "辐射与核安全管理股",
        kind: DepartmentKind::Internal,
        staff: 5,
        block: "6",
        head: "股长",
        deputy: "副股长",
        member: "辐射安全管理员",
        expertise: &["辐射"],
        work_card: &[],
        expired: &[2],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "SCJG",
        name: "宜良县市场监督管理局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "31",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["特种设备", "产品质量", "固废"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "YJGL",
        name: "宜良县应急管理局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "32",
        head: "大队长",
        deputy: "副大队长",
        member: "执法人员",
        expertise: &["危化品", "安全生产", "危废"],
        work_card: &[],
        expired: &[2],
        inactive: &[],
        left: &[2],
    },
    DeptPlan {
        code: "ZRZY",
        name: "宜良县自然资源局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "33",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["矿产资源", "土壤", "土地利用"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "ZJJ",
        name: "宜良县住房和城乡建设局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "34",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["建筑施工", "扬尘", "噪声"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "SWJ",
        name: "宜良县水务局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "35",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["水", "排水许可", "河湖管理"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "NYNC",
        name: "宜良县农业农村局",
        kind: DepartmentKind::External,
        staff: 3,
        block: "36",
        head: "股长",
        deputy: "副股长",
        member: "执法人员",
        expertise: &["畜禽养殖", "农业面源", "土壤"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
    DeptPlan {
        code: "WJJ",
        name: "宜良县卫生健康局",
        kind: DepartmentKind::External,
        staff: 2,
        block: "37",
        head: "股长",
        deputy: "副股长",
        member: "监督员",
        expertise: &["医疗废物", "辐射"],
        work_card: &[],
        expired: &[],
        inactive: &[],
        left: &[],
    },
];

/// The bureau's internal sections and the external departments of inter-department draws.
pub fn departments() -> Vec<Department> {
    DEPARTMENTS
        .iter()
        .enumerate()
        .map(|(i, d)| Department {
            id: i as u64 + 1,
            code: d.code.into(),
            name: d.name.into(),
            kind: d.kind,
        })
        .collect()
}

/// The inspector registry: 45 staff of the bureau over 5 sections, 20 of 7 external
/// departments. Certificate numbers are unique: bureau staff `53012522` + section digit + 3-digit
/// sequence, external officers `530125` + 2-digit department block + 4-digit sequence; staff with
/// a work card only have a `GZ` number and no validity date.
pub fn inspectors(seed: u64) -> Vec<Inspector> {
    let mut rng = Rng::new(seed ^ 0x1A5E_C7C0);
    let mut names: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    let mut work_cards = 0u32;
    for plan in &DEPARTMENTS {
        for i in 0..plan.staff {
            let name = loop {
                let n = person_name(&mut rng);
                if names.insert(n.clone()) {
                    break n;
                }
            };
            let internal = plan.kind == DepartmentKind::Internal;
            let (certificate_no, valid_until) = if plan.work_card.contains(&i) {
                work_cards += 1;
                (format!("GZ5301252{work_cards:04}"), None)
            } else {
                let date = if plan.expired.contains(&i) {
                    ymd(2022, rng.range(3, 11), rng.range(1, 28))
                } else {
                    match rng.weighted(&[780, 130, 90]) {
                        0 => ymd(2027, 12, 31),
                        1 => ymd(2026, 6, 30),
                        _ => ymd(2028, 3, 31),
                    }
                };
                let no = if internal {
                    format!("53012522{}{:03}", plan.block, i + 1)
                } else {
                    format!("530125{}{:04}", plan.block, i + 1)
                };
                (no, Some(date))
            };
            let post = match i {
                0 => plan.head,
                1 => plan.deputy,
                _ => plan.member,
            };
            let years_of_work = match i {
                0 => rng.range(15, 32),
                1 => rng.range(10, 28),
                _ => rng.range(1, 30),
            };
            let mut expertise: Vec<String> = Vec::new();
            let k = rng.range(1, 3).min(plan.expertise.len() as u32);
            while expertise.len() < k as usize {
                let e = pick_str(&mut rng, plan.expertise).to_string();
                if !expertise.contains(&e) {
                    expertise.push(e);
                }
            }
            expertise.sort_by_key(|e| plan.expertise.iter().position(|x| x == e));
            let status = if plan.inactive.contains(&i) {
                InspectorStatus::Inactive
            } else if plan.left.contains(&i) {
                InspectorStatus::Left
            } else {
                InspectorStatus::Active
            };
            out.push(Inspector {
                id: out.len() as u64 + 1,
                name,
                department: plan.code.into(),
                certificate_no,
                certificate_valid_until: valid_until,
                post: post.into(),
                years_of_work,
                expertise,
                status,
                status_history: Vec::new(),
            });
        }
    }
    out
}

pub fn write_departments_csv<W: Write>(w: W, departments: &[Department]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(DEPARTMENT_HEADERS)?;
    for d in departments {
        let kind = match d.kind {
            DepartmentKind::Internal => "内部",
            DepartmentKind::External => "外部",
        };
        out.write_record([d.code.as_str(), d.name.as_str(), kind])?;
    }
    out.flush()?;
    Ok(())
}

pub fn write_inspectors_csv<W: Write>(w: W, inspectors: &[Inspector]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(INSPECTOR_HEADERS)?;
    for p in inspectors {
        out.write_record([
            p.name.clone(),
            p.department.clone(),
            p.certificate_no.clone(),
            p.certificate_valid_until
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            p.post.clone(),
            p.years_of_work.to_string(),
            p.expertise.join("；"),
            p.status.label(Lang::Zh).to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Conflicts (recusal pairs)
// ---------------------------------------------------------------------------------------------

/// A recusal pair as the conflicts file states it: by certificate number and credit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictRecord {
    pub certificate_no: String,
    pub credit_code: String,
    pub reason: String,
}

const CONFLICT_REASONS: [&str; 7] = [
    "亲属关系（配偶在该单位任职）",
    "亲属关系（近亲属为该单位法定代表人）",
    "曾任职该单位",
    "近亲属持有该单位股份",
    "曾参与该单位环评文件技术审查",
    "与该单位负责人有其他利害关系",
    "正在处理该单位行政复议案件",
];

/// `n` distinct recusal pairs between inspectors (of any status) and operating or suspended
/// targets. Empty when either list is empty.
pub fn conflicts(
    inspectors: &[Inspector],
    targets: &[Target],
    n: usize,
    seed: u64,
) -> Vec<ConflictRecord> {
    let mut rng = Rng::new(seed ^ 0x0C0F_11C7);
    let candidates: Vec<&Target> = targets
        .iter()
        .filter(|t| t.status != TargetStatus::Closed)
        .collect();
    let mut out: Vec<ConflictRecord> = Vec::new();
    if inspectors.is_empty() || candidates.is_empty() {
        return out;
    }
    let max = n.min(inspectors.len() * candidates.len());
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while out.len() < max {
        // Bureau staff (the first 45) are the usual case; a few external officers too.
        let pi = if rng.chance(850) {
            rng.below(inspectors.len().min(45) as u64)
        } else {
            rng.below(inspectors.len() as u64)
        } as usize;
        let ti = rng.below(candidates.len() as u64) as usize;
        let (Some(p), Some(t)) = (inspectors.get(pi), candidates.get(ti)) else {
            continue;
        };
        let key = (p.certificate_no.clone(), t.credit_code.to_string());
        if seen.insert(key.clone()) {
            out.push(ConflictRecord {
                certificate_no: key.0,
                credit_code: key.1,
                reason: pick_str(&mut rng, &CONFLICT_REASONS).into(),
            });
        }
    }
    out
}

pub fn write_conflicts_csv<W: Write>(w: W, conflicts: &[ConflictRecord]) -> Result<(), csv::Error> {
    let mut out = csv_writer(w);
    out.write_record(CONFLICT_HEADERS)?;
    for c in conflicts {
        out.write_record([&c.certificate_no, &c.credit_code, &c.reason])?;
    }
    out.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The fixture set
// ---------------------------------------------------------------------------------------------

/// The four fixture files (file name, bytes) for a seed: 650 targets, the inspectors, the
/// departments and 18 recusal pairs. `examples/gen_fixtures.rs` writes them to fixtures/.
pub fn fixture_files(seed: u64) -> Result<Vec<(&'static str, Vec<u8>)>, csv::Error> {
    let ts = targets(FIXTURE_TARGETS, seed);
    let ps = inspectors(seed);
    let ds = departments();
    let cs = conflicts(&ps, &ts, FIXTURE_CONFLICTS, seed);
    let mut t = Vec::new();
    write_targets_csv(&mut t, &ts)?;
    let mut p = Vec::new();
    write_inspectors_csv(&mut p, &ps)?;
    let mut d = Vec::new();
    write_departments_csv(&mut d, &ds)?;
    let mut c = Vec::new();
    write_conflicts_csv(&mut c, &cs)?;
    Ok(vec![
        ("targets.csv", t),
        ("inspectors.csv", p),
        ("departments.csv", d),
        ("conflicts.csv", c),
    ])
}

#[cfg(test)]
#[path = "synth_tests.rs"]
mod tests;
