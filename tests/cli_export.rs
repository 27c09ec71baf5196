//! The Excel exports through the real binary, read back with calamine: sheet names, headers,
//! cell values and types against the store; registry and plan exports re-import unchanged; the
//! quarterly workbook carries the figures of `status --json` and `progress --json` for the same
//! period and day (task steps recorded through `shuangsui task`); every column is at least as wide as its
//! widest cell.

mod common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::cli::{export_quarterly_q3, json, ok};
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
    assert_columns_fit_but(path, &[]);
}

/// [`assert_columns_fit`] but for the sheets named (their long text wraps).
fn assert_columns_fit_but(path: &Path, wrapped: &[&str]) {
    let widths = xml_widths(path);
    let mut b = Book::open(path);
    for (i, name) in b.names().iter().enumerate() {
        if wrapped.contains(&name.as_str()) {
            continue;
        }
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
    assert_columns_fit_but(&file, &["抽查计划"]);
    let plans = json(&db, &["list", "plans", "--json"]);
    let n = plans.as_array().unwrap().len();
    let mut b = Book::open(&file);
    assert_eq!(b.names(), ["抽查计划", "抽查计划（导入）"]);
    let source = [
        "序号",
        "抽查计划名称",
        "检查类别",
        "抽查事项",
        "检查对象",
        "事项类别",
        "抽查方式",
        "抽查日期",
    ];
    // Exactly the source's eight columns on the published sheet, nothing to their right.
    assert_eq!(b.row("抽查计划", H), source);
    let published = b.cells("抽查计划");
    assert_eq!(published.keys().map(|k| k.1).max().unwrap(), 7);
    assert_eq!(
        (published.keys().map(|k| k.0).max().unwrap() - H) as usize,
        n
    );
    assert!(text(&published[&(0, 0)]).contains("2022 年度双随机抽查计划"));
    // The import sheet: the same eight, then the office's columns.
    let full = b.row("抽查计划（导入）", H);
    assert_eq!(full[..8], source);
    assert!(full.contains(&"抽查范围".to_string()) && full.contains(&"适用分层".to_string()));
    assert_eq!(
        (b.cells("抽查计划（导入）")
            .keys()
            .map(|k| k.0)
            .max()
            .unwrap()
            - H) as usize,
        n
    );
    // Print setup of the published sheet: landscape, one page wide, wrapped text.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&file).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.contains("orientation=\"landscape\""));
    assert!(xml.contains("fitToWidth=\"1\"") || xml.contains("fitToPage=\"1\""));
    let mut styles = String::new();
    zip.by_name("xl/styles.xml")
        .unwrap()
        .read_to_string(&mut styles)
        .unwrap();
    assert!(styles.contains("wrapText=\"1\""));
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
    // 抽取时间 in the office's local time, without a UTC offset.
    let (r, _) = find("抽取时间");
    let time = text(&cells[&(r, 1)]);
    assert!(
        time.len() == 16
            && time.as_bytes()[10] == b' '
            && chrono::NaiveDateTime::parse_from_str(&time, "%Y-%m-%d %H:%M").is_ok(),
        "{time:?}"
    );
    // The draw was made a moment ago: its time is now in Beijing (UTC+8), not in UTC.
    let shown = chrono::NaiveDateTime::parse_from_str(&time, "%Y-%m-%d %H:%M").unwrap();
    let beijing = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    assert!(
        (beijing - shown).num_minutes().abs() <= 5,
        "{time} is not Beijing time now ({beijing})"
    );
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
    // Every pick: the new tasks and those merged into a visit the quarter had (issue 12).
    let merges = d["merges"].as_array().unwrap().len();
    assert_eq!(
        picked,
        tasks.len() + merges,
        "every pick is marked in the pool"
    );
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
    export_quarterly_q3(&db, &file);
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
        [
            "汇总",
            "分层覆盖",
            "人员进度",
            "人员进度图",
            "作废记录",
            "未成抽取",
            // Issue 19: rectifications past their due date, integrity cards and signatures.
            "整改逾期",
            "廉政与签字",
            "抽查覆盖"
        ]
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
        rows.len().div_ceil(per_cov) + people.len().div_ceil(per_ppl) + 1,
        "and one on the coverage sheet (issue 18)"
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
    let due = json(&db, &["due", "--json"]);
    let mut b = Book::open(&file);
    assert_eq!(b.names(), ["抽查结果公示"]);
    assert_eq!(
        b.row("抽查结果公示", H),
        [
            "序号",
            "检查对象名称",
            "统一社会信用代码",
            "抽查事项",
            "检查日期",
            "检查结果",
            "认定日期",
            "公示日期（不晚于）",
            "检查机关"
        ]
    );
    let cells = b.cells("抽查结果公示");
    // Five results recorded: the first published, the second exempt; three to publish.
    assert_eq!(cells.keys().map(|k| k.0).max().unwrap(), 3 + H);
    let codes: Vec<&str> = tasks.as_array().unwrap()[2..5]
        .iter()
        .map(|t| t["credit_code"].as_str().unwrap())
        .collect();
    for (i, code) in codes.iter().enumerate() {
        let r = i as u32 + 1 + H;
        assert_eq!(text(&cells[&(r, 2)]), *code);
        assert!(matches!(cells[&(r, 4)], Data::DateTime(_)));
        assert_eq!(text(&cells[&(r, 4)]), "2022-07-11");
        assert_eq!(
            text(&cells[&(r, 6)]),
            "2022-07-12",
            "the determination date"
        );
        let d = due
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["credit_code"] == *code)
            .unwrap();
        assert_eq!(
            text(&cells[&(r, 7)]),
            d["due"].as_str().unwrap(),
            "公示日期 = due"
        );
        assert_eq!(text(&cells[&(r, 8)]), "昆明市生态环境局宜良分局");
        assert!(["未发现问题", "发现问题已责令改正"].contains(&text(&cells[&(r, 5)]).as_str()));
        assert!(
            !text(&cells[&(r, 3)]).is_empty(),
            "the plan's inspection item"
        );
    }
    // Selected by the determination date: none of the results is determined in 2022Q4.
    let q4 = dir.path().join("q4.xlsx");
    ok(
        &db,
        &[
            "export",
            "publication",
            "--period",
            "2022Q4",
            "-o",
            q4.to_str().unwrap(),
        ],
    );
    let mut b = Book::open(&q4);
    assert_eq!(
        b.cells("抽查结果公示").keys().map(|k| k.0).max().unwrap(),
        H
    );
}

/// The cells of an HTML table's body rows, in order.
fn html_rows(html: &str) -> Vec<Vec<String>> {
    let body = &html[html.find("<tbody>").unwrap()..html.find("</tbody>").unwrap()];
    body.split("<tr>")
        .skip(1)
        .map(|tr| {
            tr.split("<td>")
                .skip(1)
                .map(|td| td[..td.find("</td>").unwrap()].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn notice_masks_persons_drops_the_exempt_and_html_equals_xlsx() {
    let (dir, db) = demo_with_draws();
    record_results(&db);
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let tasks = tasks.as_array().unwrap();
    // The third result's target is a natural person.
    let person_code = tasks[2]["credit_code"].as_str().unwrap().to_string();
    {
        let office = shuangsui::office::Office::open(&db, shuangsui::i18n::Lang::Zh).unwrap();
        let mut t = office
            .state()
            .targets
            .iter()
            .find(|t| t.credit_code.as_str() == person_code)
            .cloned()
            .unwrap();
        t.set_name("张三明");
        t.tags.push("自然人".into());
        office.save_target(t).unwrap();
    }
    let exempt_code = tasks[1]["credit_code"].as_str().unwrap().to_string();
    let export = |name: &str, extra: &[&str]| -> std::path::PathBuf {
        let file = dir.path().join(name);
        let mut args = vec![
            "export",
            "notice",
            "--from",
            "2022-07-01",
            "--to",
            "2022-07-31",
            "--today",
            "2022-07-25",
            "-o",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        ok(&db, &args);
        file
    };
    let xlsx = export("notice.xlsx", &[]);
    let html = export("notice.html", &[]);
    assert_columns_fit(&xlsx);
    let mut b = Book::open(&xlsx);
    assert_eq!(b.names(), ["结果公示"]);
    assert_eq!(
        b.row("结果公示", H),
        [
            "序号",
            "检查对象名称",
            "统一社会信用代码",
            "抽查事项",
            "抽查类型",
            "检查日期",
            "检查结果",
            "处理情况",
            "公示日期",
            "检查机关"
        ]
    );
    let cells = b.cells("结果公示");
    let last = cells.keys().map(|k| k.0).max().unwrap();
    let sheet_rows: Vec<Vec<String>> = (H + 1..=last)
        .map(|r| {
            (0..10)
                .map(|c| cells.get(&(r, c)).map(text).unwrap_or_default())
                .collect()
        })
        .collect();
    // Five results, one exempt: four rows, the same in the HTML.
    assert_eq!(sheet_rows.len(), 4);
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(html_rows(&page), sheet_rows);
    {
        let rows = &sheet_rows;
        let person: Vec<&Vec<String>> = rows.iter().filter(|r| r[1] == "张*明").collect();
        assert_eq!(person.len(), 1, "{rows:?}");
        assert_eq!(person[0][2], "", "a person's code is omitted");
        assert!(
            rows.iter().all(|r| r[2] != exempt_code),
            "exempt result listed"
        );
        assert!(rows
            .iter()
            .all(|r| r[4] == "不定向抽查" || r[4] == "定向抽查"));
        assert!(rows.iter().all(|r| r[5] == "2022-07-11"));
        // The published one keeps its day; the others are published on the notice's day.
        assert_eq!(rows[0][8], "2022-07-20");
        assert!(rows[1..].iter().all(|r| r[8] == "2022-07-25"));
    }
    assert!(!page.contains("张三明") && !page.contains(&person_code));
    assert!(!page.contains(&exempt_code));
    let mut raw = String::new();
    zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap())
        .unwrap()
        .by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut raw)
        .unwrap();
    assert!(!raw.contains("张三明") && !raw.contains(&person_code));

    // The office's own copy lists the exempt result with its ground.
    let own = export("own.xlsx", &["--own-copy"]);
    let mut b = Book::open(&own);
    let cells = b.cells("结果公示");
    assert_eq!(cells.keys().map(|k| k.0).max().unwrap(), H + 5);
    let grounds: Vec<String> = cells
        .values()
        .map(text)
        .filter(|t| t.starts_with("不予公示："))
        .collect();
    assert_eq!(
        grounds,
        ["不予公示：涉及国家安全；批准人：张三；批准日期：2022-07-20"]
    );
}

/// Advance widths of a font file (TrueType/OpenType, or one face of a collection), read from
/// its `cmap` (format 4, the BMP) and `hmtx` tables.
struct Font {
    units_per_em: f64,
    advances: HashMap<char, f64>,
}

impl Font {
    fn load(path: &str, face: usize) -> Option<Font> {
        let b = std::fs::read(path).ok()?;
        let u16_at =
            |o: usize| -> Option<u16> { Some(u16::from_be_bytes([*b.get(o)?, *b.get(o + 1)?])) };
        let u32_at = |o: usize| -> Option<u32> {
            Some(u32::from_be_bytes([
                *b.get(o)?,
                *b.get(o + 1)?,
                *b.get(o + 2)?,
                *b.get(o + 3)?,
            ]))
        };
        let base = if b.starts_with(b"ttcf") {
            u32_at(12 + 4 * face)? as usize
        } else {
            0
        };
        let tables = u16_at(base + 4)? as usize;
        let mut dir = HashMap::new();
        for i in 0..tables {
            let rec = base + 12 + 16 * i;
            let tag = String::from_utf8_lossy(b.get(rec..rec + 4)?).to_string();
            dir.insert(tag, u32_at(rec + 8)? as usize);
        }
        let head = dir["head"];
        let units_per_em = f64::from(u16_at(head + 18)?);
        let n_metrics = u16_at(dir["hhea"] + 34)? as usize;
        let hmtx = dir["hmtx"];
        let advance = |glyph: usize| u16_at(hmtx + 4 * glyph.min(n_metrics - 1));
        let cmap = dir["cmap"];
        let mut sub = None;
        for i in 0..u16_at(cmap + 2)? as usize {
            let rec = cmap + 4 + 8 * i;
            let (pid, eid) = (u16_at(rec)?, u16_at(rec + 2)?);
            let off = cmap + u32_at(rec + 4)? as usize;
            if (pid, eid) == (3, 1) && u16_at(off)? == 4 {
                sub = Some(off);
            }
        }
        let sub = sub?;
        let segs = u16_at(sub + 6)? as usize / 2;
        let ends = sub + 14;
        let starts = ends + 2 * segs + 2;
        let deltas = starts + 2 * segs;
        let ranges = deltas + 2 * segs;
        let mut advances = HashMap::new();
        for s in 0..segs {
            let (end, start) = (u16_at(ends + 2 * s)?, u16_at(starts + 2 * s)?);
            let delta = u16_at(deltas + 2 * s)?;
            let range = u16_at(ranges + 2 * s)? as usize;
            for code in start..=end {
                if code == 0xFFFF {
                    break;
                }
                let glyph = if range == 0 {
                    code.wrapping_add(delta) as usize
                } else {
                    let at = ranges + 2 * s + range + 2 * (code - start) as usize;
                    match u16_at(at)? {
                        0 => 0,
                        g => g.wrapping_add(delta) as usize,
                    }
                };
                if glyph != 0 {
                    if let (Some(c), Some(a)) = (char::from_u32(u32::from(code)), advance(glyph)) {
                        advances.insert(c, f64::from(a));
                    }
                }
            }
        }
        Some(Font {
            units_per_em,
            advances,
        })
    }

    /// The advance of `c` in ems.
    fn em(&self, c: char) -> Option<f64> {
        self.advances.get(&c).map(|a| a / self.units_per_em)
    }
}

/// The path (and face) of the font fontconfig gives for `pattern`.
fn font_file(pattern: &str) -> Option<(String, usize)> {
    let out = std::process::Command::new("fc-match")
        .args(["-f", "%{file}\t%{index}", pattern])
        .output()
        .ok()?;
    let s = String::from_utf8(out.stdout).ok()?;
    let (file, index) = s.split_once('\t')?;
    Some((file.to_string(), index.parse().unwrap_or(0)))
}

fn have(tool: &str) -> bool {
    std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// Acceptance 1 and 7 of issue 15: every export printed through LibreOffice; no page starts
/// without its title (the page header names the bureau and the report), and no cell's text is
/// wider than its column by the glyph widths of the fonts LibreOffice prints with (Carlito for
/// Calibri, Noto Sans CJK for Chinese), read from the font files. With SHUANGSUI_PNG_DIR set,
/// each report's first page is written there as a PNG (the README's pictures).
#[test]
fn exports_print_titled_and_uncut_through_libreoffice() {
    if !have("soffice") || !have("pdftotext") {
        println!("skipped: soffice or pdftotext is not installed (apt-get install libreoffice-calc-nogui poppler-utils)");
        return;
    }
    let (Some((latin, lf)), Some((cjk, cf))) =
        (font_file("Calibri"), font_file("Noto Sans CJK SC"))
    else {
        println!("skipped: fc-match finds no fonts");
        return;
    };
    let (Some(latin), Some(cjk)) = (Font::load(&latin, lf), Font::load(&cjk, cf)) else {
        println!("skipped: cannot read the fonts {latin} / {cjk}");
        return;
    };
    let digit = latin.em('0').unwrap();
    // Width in digits as printed: Latin from the Calibri substitute, the rest from the CJK font.
    let width = |s: &str| -> f64 {
        s.lines()
            .map(|l| {
                l.chars()
                    .map(|c| latin.em(c).or_else(|| cjk.em(c)).unwrap_or(1.0) / digit)
                    .sum::<f64>()
            })
            .fold(0.0, f64::max)
    };

    let (dir, db) = demo_with_draws();
    record_results(&db);
    let out = dir.path().join("x");
    std::fs::create_dir_all(&out).unwrap();
    let exports: Vec<(&str, Vec<&str>)> = vec![
        ("draw", vec!["draw", "1"]),
        (
            "quarterly",
            vec!["quarterly", "--period", "2022Q3", "--today", "2022-09-30"],
        ),
        ("publication", vec!["publication", "--period", "2022Q3"]),
        (
            "notice",
            vec![
                "notice",
                "--from",
                "2022-07-01",
                "--to",
                "2022-09-30",
                "--today",
                "2022-09-30",
            ],
        ),
        ("plan", vec!["plan", "--year", "2022"]),
        ("targets", vec!["registry", "targets"]),
        ("inspectors", vec!["registry", "inspectors"]),
        ("departments", vec!["registry", "departments"]),
        ("conflicts", vec!["registry", "conflicts"]),
    ];
    let mut files = Vec::new();
    for (name, args) in &exports {
        let file = out.join(format!("{name}.xlsx"));
        let mut a = vec!["export"];
        a.extend(args.iter().copied());
        a.extend(["-o", file.to_str().unwrap()]);
        ok(&db, &a);
        files.push(file);
    }
    // No cell wider than its column (merged cells: their columns), by the real glyph widths.
    for file in &files {
        let widths = xml_widths(file);
        let mut b = Book::open(file);
        for (i, name) in b.names().iter().enumerate() {
            if name == "抽查计划" {
                continue; // wraps its long text
            }
            let merged = b.wb.worksheet_merge_cells(name).unwrap().unwrap();
            for ((r, c), v) in b.cells(name) {
                let shown = match &v {
                    Data::String(_) | Data::DateTime(_) => text(&v),
                    Data::Float(f) if f.fract() == 0.0 => text(&v),
                    Data::Float(f) => format!("{f:.2}"),
                    _ => continue,
                };
                let col = |c: u32| widths[i].get(&c).copied().unwrap_or(8.43);
                let w: f64 = match merged.iter().find(|m| m.contains(r, c)) {
                    Some(m) => (m.start.1..=m.end.1).map(col).sum(),
                    None => col(c),
                };
                // Bold header (and the larger title) are up to 7% wider.
                let need = width(&shown)
                    * match r {
                        0 => 1.07 * 14.0 / 11.0,
                        H => 1.07,
                        _ => 1.0,
                    };
                assert!(
                    w >= need,
                    "{}:{name}!R{}C{}: {shown:?} prints {need:.2} digits wide, column {w}",
                    file.display(),
                    r + 1,
                    c + 1
                );
            }
        }
    }
    // Print them all in one LibreOffice run, with a profile of its own.
    let profile = dir.path().join("lo-profile");
    let status = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&files)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let png_dir = std::env::var_os("SHUANGSUI_PNG_DIR");
    for (name, _) in &exports {
        let pdf = out.join(format!("{name}.pdf"));
        assert!(pdf.exists(), "{name}.pdf not printed");
        let t = std::process::Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8(t.stdout).unwrap();
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(!pages.is_empty(), "{name}: no pages");
        for (k, page) in pages.iter().enumerate() {
            let first = page.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            assert!(
                first.contains("昆明市生态环境局宜良分局"),
                "{name} page {}: starts with {first:?}, not the title",
                k + 1
            );
            let squeezed: String = page.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(
                squeezed.contains(&format!("第{}页共{}页", k + 1, pages.len())),
                "{name} page {}: no 第 n 页 共 N 页",
                k + 1
            );
        }
        let pictured = [
            "draw",
            "quarterly",
            "publication",
            "notice",
            "plan",
            "targets",
        ];
        if let Some(d) = png_dir.as_ref().filter(|_| pictured.contains(name)) {
            let d = Path::new(d);
            std::fs::create_dir_all(d).unwrap();
            let st = std::process::Command::new("pdftoppm")
                .args(["-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile"])
                .arg(&pdf)
                .arg(d.join(name))
                .status()
                .unwrap();
            assert!(st.success());
        }
    }
}

#[test]
fn tasks_fill_the_provincial_template_by_header_aliases() {
    let (dir, db) = demo_with_draws();
    record_results(&db);
    let template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/province-tasks-template.xlsx");
    let file = dir.path().join("filled.xlsx");
    let out = ok(
        &db,
        &[
            "export",
            "tasks",
            "--template",
            template.to_str().unwrap(),
            "--period",
            "2022Q3",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    // The two columns nobody knows are named and left empty.
    assert!(
        out.contains("模板中无法识别的列（留空）：数据来源、备注"),
        "{out}"
    );
    let tasks = json(&db, &["list", "tasks", "--json"]);
    let tasks = tasks.as_array().unwrap();
    let mut b = Book::open(&file);
    let name = b.names()[0].clone();
    let cells = b.cells(&name);
    // The template's title row is kept; its header row is row 2.
    assert!(text(&cells[&(0, 0)]).contains("抽查结果录入模板"));
    let head = b.row(&name, 1);
    assert_eq!(head[1], "检查对象名称");
    assert_eq!(head[11], "数据来源");
    assert_eq!(
        cells.keys().map(|k| k.0).max().unwrap() as usize,
        tasks.len() + 1
    );
    let inspectors = json(&db, &["list", "inspectors", "--json"]);
    for (i, t) in tasks.iter().enumerate() {
        let r = i as u32 + 2;
        assert_eq!(cells[&(r, 0)], Data::Float((i + 1) as f64));
        assert_eq!(text(&cells[&(r, 2)]), t["credit_code"].as_str().unwrap());
        assert!(
            !text(&cells[&(r, 3)]).is_empty(),
            "所属乡镇 = the target's region"
        );
        assert!(!text(&cells[&(r, 4)]).is_empty(), "抽查事项");
        assert!(["定向抽查", "不定向抽查"].contains(&text(&cells[&(r, 5)]).as_str()));
        // 执法证号: the team's certificates.
        let certs = text(&cells[&(r, 9)]);
        assert!(!certs.is_empty());
        for c in certs.split('、') {
            assert!(inspectors
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["certificate_no"] == c));
        }
        assert!(!cells.contains_key(&(r, 11)) && !cells.contains_key(&(r, 12)));
    }
    // The first six are checked, five have a result, the first is published.
    assert_eq!(text(&cells[&(2, 6)]), "2022-07-11");
    assert!(
        !text(&cells[&(2, 7)]).is_empty(),
        "检查结果（必填） = the phrase"
    );
    assert_eq!(text(&cells[&(2, 10)]), "2022-07-20");
    assert!(
        !cells.contains_key(&(8, 7)),
        "no result on the seventh task"
    );
}
