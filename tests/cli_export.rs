//! The Excel exports through the real binary, read back with calamine: sheet names, headers,
//! cell values and types against the store; registry and plan exports re-import unchanged; the
//! quarterly workbook carries the figures of `status --json` and `progress --json` for the same
//! period and day (task steps recorded through `shuangsui task`); every column is at least as wide as its
//! widest cell.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::{json, ok};
use serde_json::Value;
use shuangsui::report::text_width;

/// The header row of every table (the title and the date made above it).
const H: u32 = 2;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// The witness of the tests' one-sitting draws (fresh entropy: a chosen seed never commits).
const WITNESS: &str = "双色球2022078";

/// A demo store with the 2022Q3 draws of plans 1, 2 and 3.
fn demo_with_draws() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s");
    ok(&db, &["init", "--demo"]);
    for plan in ["1", "2", "3"] {
        ok(
            &db,
            &[
                "draw",
                "--plan",
                plan,
                "--period",
                "2022Q3",
                "--date",
                "2022-07-05",
                "--witness",
                WITNESS,
            ],
        );
    }
    (dir, db)
}

struct Book {
    wb: Xlsx<std::io::BufReader<std::fs::File>>,
}

impl Book {
    fn open(path: &Path) -> Book {
        Book {
            wb: open_workbook(path).unwrap(),
        }
    }
    fn names(&self) -> Vec<String> {
        self.wb.sheet_names().to_vec()
    }
    /// The sheet as absolute (row, col) → cell.
    fn cells(&mut self, sheet: &str) -> HashMap<(u32, u32), Data> {
        let r = self.wb.worksheet_range(sheet).unwrap();
        let (r0, c0) = r.start().unwrap_or((0, 0));
        r.cells()
            .filter(|(_, _, v)| !matches!(v, Data::Empty))
            .map(|(i, j, v)| ((r0 + i as u32, c0 + j as u32), v.clone()))
            .collect()
    }
    fn row(&mut self, sheet: &str, row: u32) -> Vec<String> {
        let cells = self.cells(sheet);
        let n = cells.keys().map(|k| k.1).max().unwrap_or(0);
        (0..=n)
            .map(|c| cells.get(&(row, c)).map(text).unwrap_or_default())
            .collect()
    }
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        other => format!("{other}"),
    }
}

/// Column widths as written in each worksheet's XML (<col min max width>), by sheet file order.
fn xml_widths(path: &Path) -> Vec<HashMap<u32, f64>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 1.. {
        let Ok(mut f) = zip.by_name(&format!("xl/worksheets/sheet{i}.xml")) else {
            break;
        };
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        let mut widths = HashMap::new();
        for col in xml.split("<col ").skip(1) {
            let attr = |name: &str| -> f64 {
                let start = col.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + col[start..].find('"').unwrap();
                col[start..end].parse().unwrap()
            };
            for c in attr("min") as u32..=attr("max") as u32 {
                widths.insert(c - 1, attr("width"));
            }
        }
        out.push(widths);
    }
    out
}

/// Every text, whole number and date cell fits its column (a merged cell its columns), by the
/// font's glyph widths; the title row is larger and bold.
fn assert_columns_fit(path: &Path) {
    let widths = xml_widths(path);
    let mut b = Book::open(path);
    for (i, name) in b.names().iter().enumerate() {
        let merged = b.wb.worksheet_merge_cells(name).unwrap().unwrap();
        for ((r, c), v) in b.cells(name) {
            let shown = match &v {
                Data::String(_) | Data::DateTime(_) => text(&v),
                Data::Float(f) if f.fract() == 0.0 => text(&v),
                _ => continue,
            };
            let col = |c: u32| widths[i].get(&c).copied().unwrap_or(8.43);
            let w: f64 = match merged.iter().find(|m| m.contains(r, c)) {
                Some(m) => (m.start.1..=m.end.1).map(col).sum(),
                None => col(c),
            };
            let need = text_width(&shown)
                * match r {
                    0 => 1.07 * 14.0 / 11.0,
                    H => 1.07,
                    _ => 1.0,
                };
            assert!(
                w >= need,
                "{}:{name}!R{}C{}: {shown:?} is {need:.2} wide, column {w}",
                path.display(),
                r + 1,
                c + 1,
            );
        }
    }
}

#[test]
fn registries_round_trip_in_both_languages_and_match_the_store() {
    let (dir, db) = demo_with_draws();
    for lang in ["zh", "en"] {
        for kind in ["departments", "inspectors", "targets", "conflicts"] {
            let file = dir.path().join(format!("{kind}-{lang}.xlsx"));
            ok(
                &db,
                &[
                    "--lang",
                    lang,
                    "export",
                    "registry",
                    kind,
                    "-o",
                    file.to_str().unwrap(),
                ],
            );
            assert_columns_fit(&file);
            let out = ok(
                &db,
                &["--lang", "en", "import", kind, file.to_str().unwrap()],
            );
            assert!(
                out.contains("added 0, updated 0"),
                "{kind} {lang} re-import changed something: {out}"
            );
        }
    }
    // Values and types against `list --json`.
    let targets = json(&db, &["list", "targets", "--json"]);
    let targets = targets.as_array().unwrap();
    let mut b = Book::open(&dir.path().join("targets-zh.xlsx"));
    assert_eq!(b.names(), ["检查对象名录库"]);
    let head = b.row("检查对象名录库", H);
    assert_eq!(head[0], "单位名称");
    assert_eq!(head[1], "统一社会信用代码");
    assert_eq!(head[26], "标识");
    let cells = b.cells("检查对象名录库");
    assert_eq!(
        (cells.keys().map(|k| k.0).max().unwrap() - H) as usize,
        targets.len()
    );
    for (i, t) in targets.iter().enumerate() {
        let r = i as u32 + 1 + H;
        assert_eq!(
            cells[&(r, 0)],
            Data::String(t["name"].as_str().unwrap().into())
        );
        assert_eq!(
            cells[&(r, 1)],
            Data::String(t["credit_code"].as_str().unwrap().into())
        );
        assert_eq!(
            cells[&(r, 23)],
            Data::Float(t["violations"].as_f64().unwrap()),
            "violations are numbers"
        );
    }
    let mut b = Book::open(&dir.path().join("targets-en.xlsx"));
    assert_eq!(b.row("targets", H)[..3], ["name", "credit_code", "region"]);

    let inspectors = json(&db, &["list", "inspectors", "--json"]);
    let mut b = Book::open(&dir.path().join("inspectors-zh.xlsx"));
    assert_eq!(
        b.row("检查人员名录库", H),
        [
            "姓名",
            "单位",
            "执法证号",
            "证件有效期至",
            "职务岗位",
            "工作年限",
            "业务专长",
            "状态"
        ]
    );
    let cells = b.cells("检查人员名录库");
    let mut dates = 0;
    for (i, p) in inspectors.as_array().unwrap().iter().enumerate() {
        let r = i as u32 + 1 + H;
        assert_eq!(
            cells[&(r, 2)],
            Data::String(p["certificate_no"].as_str().unwrap().into())
        );
        match p["certificate_valid_until"].as_str() {
            Some(d) => {
                assert!(matches!(cells[&(r, 3)], Data::DateTime(_)), "a real date");
                assert_eq!(text(&cells[&(r, 3)]), d);
                dates += 1;
            }
            None => assert!(!cells.contains_key(&(r, 3))),
        }
    }
    assert!(dates > 0);
}

#[test]
fn plan_export_reimports_unchanged() {
    let (dir, db) = demo_with_draws();
    let file = dir.path().join("plan.xlsx");
    ok(
        &db,
        &[
            "export",
            "plan",
            "--year",
            "2022",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_columns_fit(&file);
    let plans = json(&db, &["list", "plans", "--json"]);
    let mut b = Book::open(&file);
    assert_eq!(
        b.row("抽查计划", H)[..8],
        [
            "序号",
            "抽查计划名称",
            "检查类别",
            "抽查事项",
            "检查对象",
            "事项类别",
            "抽查方式",
            "抽查日期"
        ]
    );
    assert_eq!(
        (b.cells("抽查计划").keys().map(|k| k.0).max().unwrap() - H) as usize,
        plans.as_array().unwrap().len()
    );
    let out = ok(
        &db,
        &["--lang", "en", "import", "plans", file.to_str().unwrap()],
    );
    assert!(out.contains("added 0, updated 0"), "{out}");
}

#[test]
fn draw_record_lists_targets_pool_and_signatures() {
    let (dir, db) = demo_with_draws();
    let draws = json(&db, &["list", "draws", "--json"]);
    let d = &draws[2];
    let file = dir.path().join("draw.xlsx");
    ok(&db, &["export", "draw", "3", "-o", file.to_str().unwrap()]);
    assert_columns_fit(&file);
    let mut b = Book::open(&file);
    assert_eq!(b.names(), ["抽查结果", "抽取池", "检查人员"]);
    let cells = b.cells("抽查结果");
    let find = |s: &str| {
        cells
            .iter()
            .find(|(_, v)| text(v) == s)
            .map(|(k, _)| *k)
            .unwrap_or_else(|| panic!("{s} not on the sheet"))
    };
    let (r, _) = find("抽取日期");
    assert!(matches!(cells[&(r, 1)], Data::DateTime(_)));
    assert_eq!(text(&cells[&(r, 1)]), "2022-07-05");
    let (r, _) = find("随机种子");
    assert_eq!(text(&cells[&(r, 1)]), d["seed"].as_str().unwrap());
    let (r, _) = find("池哈希");
    assert_eq!(text(&cells[&(r, 1)]), d["pool_hash"].as_str().unwrap());
    find("shuangsui verify --draw 3");
    let (h, _) = find("统一社会信用代码");
    let tasks = d["tasks"].as_array().unwrap();
    for (i, t) in tasks.iter().enumerate() {
        let r = h + 1 + i as u32;
        assert_eq!(text(&cells[&(r, 1)]), t["row"].as_str().unwrap());
        assert_eq!(text(&cells[&(r, 4)]), t["credit_code"].as_str().unwrap());
    }
    assert!(
        cells
            .values()
            .filter(|v| text(v).starts_with("见证人签字"))
            .count()
            >= 2
    );
    assert!(cells.values().any(|v| text(v).starts_with("操作人签字")));
    let pool = b.cells("抽取池");
    let picked = pool
        .iter()
        .filter(|((_, c), v)| *c == 5 && text(v) == "是")
        .count();
    assert_eq!(picked, tasks.len(), "every pick is marked in the pool");
    assert!(pool.keys().map(|k| k.0).max().unwrap() as usize > tasks.len());
}

/// Record checks and results on the first six tasks through the CLI's task steps: six checked,
/// five results (phrases 1 and 5), the first published, the second exempt.
fn record_results(db: &Path) {
    let tasks = json(db, &["list", "tasks", "--json"]);
    let ids: Vec<String> = tasks.as_array().unwrap()[..6]
        .iter()
        .map(|t| t["id"].as_u64().unwrap().to_string())
        .collect();
    for (k, id) in ids.iter().enumerate() {
        ok(db, &["task", id, "check", "--date", "2022-07-11"]);
        if k < 5 {
            let phrase = if k % 2 == 0 { "1" } else { "5" };
            ok(
                db,
                &[
                    "task",
                    id,
                    "result",
                    "--phrase",
                    phrase,
                    "--determined",
                    "2022-07-12",
                ],
            );
        }
    }
    ok(
        db,
        &[
            "task",
            &ids[0],
            "publish",
            "--date",
            "2022-07-20",
            "--url",
            "http://example.gov.cn/1",
        ],
    );
    ok(
        db,
        &[
            "task",
            &ids[1],
            "exempt",
            "--reason",
            "涉及国家安全",
            "--approver",
            "张三",
            "--approved-on",
            "2022-07-20",
        ],
    );
}

#[test]
fn quarterly_workbook_equals_status_and_progress_json() {
    let (dir, db) = demo_with_draws();
    record_results(&db);
    let file = dir.path().join("q.xlsx");
    ok(
        &db,
        &[
            "export",
            "quarterly",
            "--period",
            "2022Q3",
            "--today",
            "2022-09-30",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_columns_fit(&file);
    // The same figures as the binary prints for the period on the same day.
    let figures = ["--period", "2022Q3", "--json", "--today", "2022-09-30"];
    let s = json(&db, &[&["status"][..], &figures[..]].concat());
    let people = json(&db, &[&["progress"][..], &figures[..]].concat());
    let rows = s["rows"].as_array().unwrap();
    let people = people.as_array().unwrap();
    let num = |v: &Value| Data::Float(v.as_f64().unwrap());
    let mut b = Book::open(&file);
    assert_eq!(
        b.names(),
        ["汇总", "分层覆盖", "人员进度", "人员进度图", "作废记录"]
    );
    let cov = b.cells("分层覆盖");
    assert!(
        text(&cov[&(0, 0)]).contains("2022Q3"),
        "the title names the quarter"
    );
    assert!(text(&cov[&(1, 0)]).starts_with("制表时间："));
    assert_eq!(
        b.row("分层覆盖", H),
        [
            "分层",
            "名称",
            "抽查比例",
            "应抽",
            "已抽",
            "已检查",
            "已公示",
            "完成率",
            "是否达标"
        ]
    );
    // One row per Table 1 row, then the totals.
    let total_row = H + 1 + rows.len() as u32;
    assert_eq!(cov.keys().map(|k| k.0).max().unwrap(), total_row);
    assert_eq!(text(&cov[&(total_row, 0)]), "合计");
    let mut sums = [0.0; 3];
    for (i, r) in rows.iter().enumerate() {
        let n = i as u32 + 1 + H;
        assert_eq!(text(&cov[&(n, 0)]), r["row"].as_str().unwrap());
        assert_eq!(text(&cov[&(n, 1)]), r["name"].as_str().unwrap());
        assert_eq!(cov[&(n, 3)], num(&r["required"]));
        assert_eq!(cov[&(n, 4)], num(&r["drawn"]));
        assert_eq!(cov[&(n, 5)], num(&r["checked"]));
        let (req, drawn) = (
            r["required"].as_u64().unwrap(),
            r["drawn"].as_u64().unwrap(),
        );
        let verdict = text(&cov[&(n, 8)]);
        if drawn < req {
            assert_eq!(
                verdict,
                format!("未达标（差 {}）", req - drawn),
                "a shortfall in words"
            );
        } else {
            assert_eq!(verdict, "达标");
        }
        for (k, key) in ["required", "drawn", "checked"].iter().enumerate() {
            sums[k] += r[key].as_f64().unwrap();
        }
    }
    for (k, s) in sums.iter().enumerate() {
        assert_eq!(cov[&(total_row, 3 + k as u32)], Data::Float(*s));
    }
    assert!(
        rows.iter()
            .any(|r| r["drawn"].as_u64().unwrap() < r["required"].as_u64().unwrap()),
        "the demo has a shortfall to flag"
    );
    assert!(
        rows.iter().any(|r| r["checked"].as_u64().unwrap() > 0),
        "the test records checks"
    );
    let inspectors = json(&db, &["list", "inspectors", "--json"]);
    let cert = |id: &Value| -> String {
        inspectors
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == *id)
            .map(|i| i["certificate_no"].as_str().unwrap().to_string())
            .unwrap()
    };
    let ppl = b.cells("人员进度");
    assert_eq!(text(&ppl[&(H, 0)]), "执法证号");
    assert!(!people.is_empty());
    for (i, p) in people.iter().enumerate() {
        let n = i as u32 + 1 + H;
        assert_eq!(text(&ppl[&(n, 0)]), cert(&p["inspector"]));
        assert_eq!(ppl[&(n, 3)], num(&p["assigned"]));
        assert_eq!(ppl[&(n, 4)], num(&p["checked"]));
        assert_eq!(ppl[&(n, 5)], num(&p["result_recorded"]));
    }
    // The summary: value column by figure label.
    let sum = b.cells("汇总");
    let value = |label: &str| -> Data {
        let (r, _) = sum
            .iter()
            .find(|((_, c), v)| *c == 1 && text(v) == label)
            .map(|(k, _)| *k)
            .unwrap_or_else(|| panic!("{label} missing"));
        sum[&(r, 2)].clone()
    };
    assert!(matches!(value("统计日期"), Data::DateTime(_)));
    let joint = &s["internal_joint"];
    assert_eq!(value("联合检查任务数"), num(&joint["joint"]));
    assert_eq!(value("任务总数"), num(&joint["total"]));
    let requirement = |label: &str| -> String {
        let (r, _) = sum
            .iter()
            .find(|((_, c), v)| *c == 1 && text(v) == label)
            .map(|(k, _)| *k)
            .unwrap();
        text(&sum[&(r, 3)])
    };
    assert_eq!(requirement("联合检查比例"), "不低于 3%");
    assert_eq!(requirement("联合抽查次数"), "不少于 4 次");
    match value("联合检查比例") {
        Data::Float(f) => {
            assert!((f * 100.0 - joint["percent"].as_f64().unwrap()).abs() < 1e-9)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(value("联合抽查次数"), num(&s["inter_department"]["draws"]));
    let publication = &s["publication"];
    assert_eq!(value("按时公示"), num(&publication["on_time"]));
    assert_eq!(value("待公示"), num(&publication["pending"]));
    assert_eq!(value("已逾期未公示"), num(&publication["overdue"]));
    assert_eq!(value("不予公示"), num(&publication["exempt"]));
    assert_eq!(value("发现问题"), num(&s["violations"]["found"]));
    assert_eq!(publication["exempt"], 1);
    assert!(s["violations"]["found"].as_u64().unwrap() > 0);
    // Native charts: the coverage's progress chart(s) and the inspectors' on their own sheet,
    // each with axis titles, values on the bars and at most 20 bars.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let names: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("xl/charts/chart"))
        .map(String::from)
        .collect();
    let per_cov = 5;
    let per_ppl = 10;
    assert_eq!(
        names.len(),
        rows.len().div_ceil(per_cov) + people.len().div_ceil(per_ppl)
    );
    for n in &names {
        let mut xml = String::new();
        zip.by_name(n).unwrap().read_to_string(&mut xml).unwrap();
        assert!(xml.contains("<c:showVal val=\"1\"/>"), "{n}: values shown");
        assert_eq!(
            xml.matches("<c:title>").count(),
            3,
            "{n}: a title and two axis titles"
        );
        let series = xml.matches("<c:ser>").count();
        let cats: usize = xml
            .split("<c:cat>")
            .skip(1)
            .map(|c| {
                let r = &c[c.find("<c:f>").unwrap() + 5..c.find("</c:f>").unwrap()];
                let rows: Vec<u32> = r
                    .rsplit('!')
                    .next()
                    .unwrap()
                    .split(':')
                    .map(|a| {
                        a.trim_start_matches(|ch: char| ch == '$' || ch.is_ascii_alphabetic())
                            .trim_start_matches('$')
                            .parse()
                            .unwrap()
                    })
                    .collect();
                (rows[rows.len() - 1] - rows[0] + 1) as usize
            })
            .max()
            .unwrap();
        assert!(
            series * cats <= 20,
            "{n}: {series} series x {cats} categories"
        );
    }
}

#[test]
fn publication_lists_recorded_results_without_the_exempt() {
    let (dir, db) = demo_with_draws();
    record_results(&db);
    let file = dir.path().join("p.xlsx");
    ok(
        &db,
        &[
            "export",
            "publication",
            "--period",
            "2022Q3",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_columns_fit(&file);
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let mut b = Book::open(&file);
    assert_eq!(b.names(), ["抽查结果公示"]);
    let cells = b.cells("抽查结果公示");
    // Five results recorded, one exempt.
    assert_eq!(cells.keys().map(|k| k.0).max().unwrap(), 4 + H);
    let codes: Vec<&str> = tasks.as_array().unwrap()[..5]
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, t)| t["credit_code"].as_str().unwrap())
        .collect();
    for (i, code) in codes.iter().enumerate() {
        let r = i as u32 + 1 + H;
        assert_eq!(text(&cells[&(r, 2)]), *code);
        assert!(matches!(cells[&(r, 4)], Data::DateTime(_)));
        assert_eq!(text(&cells[&(r, 4)]), "2022-07-11");
        assert_eq!(text(&cells[&(r, 6)]), "昆明市生态环境局宜良分局");
        assert!(["未发现问题", "发现问题已责令改正"].contains(&text(&cells[&(r, 5)]).as_str()));
        assert!(
            !text(&cells[&(r, 3)]).is_empty(),
            "the plan's inspection item"
        );
    }
}
