//! Whole-file tests of the import layer, over fixtures/import-samples/ and files built in the
//! test (GBK bytes, XLSX workbooks).

use super::*;
use crate::domain::CreditCodeError;
use crate::i18n::Lang;
use std::path::PathBuf;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/import-samples")
        .join(name)
}

fn code(first17: &str) -> CreditCode {
    CreditCode::complete(first17).unwrap()
}

fn depts() -> HashSet<String> {
    ["ZFDD", "HPK", "SCJG"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// (row, column, reason) of every error.
fn located(e: &ImportErrors) -> Vec<(Option<usize>, Option<&str>, &Reason)> {
    e.errors
        .iter()
        .map(|i| (i.row, i.column.as_deref(), &i.reason))
        .collect()
}

#[test]
fn gbk_csv_with_chinese_headers() {
    let r = read_targets(&sample("targets-gbk.csv")).unwrap();
    assert_eq!(r.file, "targets-gbk.csv");
    assert_eq!(r.encoding, "GB18030/GBK");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert!(r.unknown_columns.is_empty());
    let rows: Vec<usize> = r.records.iter().map(|(n, _)| *n).collect();
    assert_eq!(rows, [2, 3, 4]);
    let a = &r.records[0].1;
    assert_eq!(a.id, 0);
    assert_eq!(a.name(), "宜良县北古城镇某水泥有限公司");
    assert_eq!(a.credit_code, code("91530125MA6K1234X"));
    assert_eq!(a.region, "北古城镇");
    assert_eq!(a.industry, "水泥制造");
    assert_eq!(a.permit_class, PermitClass::Key);
    assert_eq!(a.permit_number(), "91530125MA6K1234XC001P");
    assert!(a.lists.mee_provincial_key && a.lists.kunming_key_discharge);
    assert!(!a.lists.inspection_key && !a.lists.county_government);
    assert!(a.online_monitoring && a.video_monitoring && !a.positive_list);
    assert_eq!(a.pollutants, ["废气", "噪声"]);
    assert_eq!(a.production_months, MonthSet::ALL);
    assert_eq!(
        (a.credit_grade.as_str(), a.performance_grade.as_str()),
        ("良好", "B")
    );
    assert_eq!((a.violations, a.complaints), (1, 2));
    assert_eq!(a.status, TargetStatus::Operating);
    assert_eq!(a.tags, ["水泥", "重点排放"]);
    let b = &r.records[1].1;
    assert_eq!(b.permit_class, PermitClass::Simplified);
    assert!(b.lists.county_government && b.lists.concentrated_complaints && b.positive_list);
    assert!(!b.construction_project && !b.radiation_user && !b.online_monitoring);
    assert_eq!(b.production_months.to_text(), "3-10");
    assert_eq!(b.permit_number(), "");
    let c = &r.records[2].1;
    assert_eq!(
        (c.permit_class, c.status),
        (PermitClass::Registration, TargetStatus::Suspended)
    );
    assert_eq!((c.violations, c.complaints), (0, 0), "empty counts are 0");
}

#[test]
fn gbk_bytes_encoded_in_the_test_match_utf8() {
    let text = "单位名称,统一社会信用代码,所在地区,行业类别\r\n宜良县某纸厂,91530125MA6K1234XC,马街镇,造纸\r\n";
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    let from_gbk = read_targets_bytes("t.csv", &gbk).unwrap();
    let from_utf8 = read_targets_bytes("t.csv", text.as_bytes()).unwrap();
    assert_eq!(from_gbk.encoding, "GB18030/GBK");
    assert_eq!(from_utf8.encoding, "UTF-8");
    assert_eq!(from_gbk.records, from_utf8.records);
    assert_eq!(from_gbk.records[0].1.industry, "造纸");
}

#[test]
fn utf8_bom_aliases_unknown_column_and_pilot_warning() {
    let r = read_targets(&sample("targets-utf8-bom.csv")).unwrap();
    assert_eq!(r.encoding, "UTF-8 (BOM)");
    assert_eq!(r.unknown_columns, ["备注"]);
    assert_eq!(r.records.len(), 2);
    let a = &r.records[0].1;
    assert_eq!(a.name(), "宜良县某砖厂", "企业名称 is an alias of 单位名称");
    assert_eq!(a.region, "南羊街道", "乡镇（街道） is an alias of 所在地区");
    assert_eq!(a.industry, "砖瓦制造");
    assert_eq!(a.permit_class, PermitClass::Simplified);
    assert_eq!(r.records[1].1.credit_code.as_str(), "91530125MA6K5XQ10X");
    let warnings: Vec<(Option<usize>, Option<&str>, &Reason)> = r
        .warnings
        .iter()
        .map(|i| (i.row, i.column.as_deref(), &i.reason))
        .collect();
    assert_eq!(
        warnings,
        [
            (Some(1), Some("备注"), &Reason::UnknownColumn),
            (
                Some(3),
                Some("信用代码"),
                &Reason::PilotCreditCode("91530125MA6K5XQ10X".into())
            ),
        ]
    );
    assert_eq!(
        r.warnings[1].localize(Lang::Zh),
        "targets-utf8-bom.csv:3:信用代码: 91530125MA6K5XQ10X 校验位不符，但属于早期试点代码，已接受"
    );
}

#[test]
fn english_headers_case_and_spacing_tolerated() {
    let r = read_targets(&sample("targets-en.csv")).unwrap();
    assert!(r.unknown_columns.is_empty(), "{:?}", r.unknown_columns);
    let a = &r.records[0].1;
    assert_eq!(a.name(), "Yiliang Cement Co.");
    assert_eq!(a.region, "Beigucheng");
    assert_eq!(a.permit_class, PermitClass::Key);
    assert!(a.positive_list && a.online_monitoring && a.video_monitoring);
    assert_eq!(a.production_months.to_text(), "3-10");
    assert_eq!(a.violations, 2);
    assert_eq!(a.tags, ["cement", "key emitter"]);
    let b = &r.records[1].1;
    assert_eq!(
        b.credit_code,
        code("91530125MA6K1235X"),
        "lower case is normalised"
    );
    assert_eq!(b.status, TargetStatus::Suspended);
    assert_eq!(b.permit_class, PermitClass::None);
    assert!(!b.positive_list);
}

#[test]
fn every_bad_row_is_listed_with_row_and_column() {
    let e = read_targets(&sample("targets-bad.csv")).unwrap_err();
    assert_eq!(e.file, "targets-bad.csv");
    let want: Vec<(Option<usize>, Option<&str>, Reason)> = vec![
        (
            Some(3),
            Some("统一社会信用代码"),
            Reason::BadCreditCode(CreditCodeError::Check {
                expected: 'D',
                found: 'C',
            }),
        ),
        (Some(4), Some("单位名称"), Reason::MissingValue),
        (
            Some(5),
            Some("管理类别"),
            Reason::UnknownPermitClass("特殊管理".into()),
        ),
        (
            Some(6),
            Some("统一社会信用代码"),
            Reason::Duplicate {
                key: "91530125MA6K1234XC".into(),
                first_row: 2,
            },
        ),
        (Some(8), Some("在线监控"), Reason::BadBool("也许".into())),
        (Some(8), Some("违法次数"), Reason::BadInteger("-1".into())),
        (
            Some(8),
            Some("经营状态"),
            Reason::UnknownTargetStatus("倒闭".into()),
        ),
    ];
    let got = located(&e);
    assert_eq!(got.len(), want.len(), "{got:#?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.0, g.1, g.2), (w.0, w.1, &w.2));
    }
    let zh = e.localize(Lang::Zh);
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(lines[0], "targets-bad.csv 未导入：发现 7 处错误");
    assert_eq!(
        lines[1],
        "targets-bad.csv:3:统一社会信用代码: 校验位错误：应为 D，实际为 C"
    );
    assert_eq!(
        lines[4],
        "targets-bad.csv:6:统一社会信用代码: 91530125MA6K1234XC 与第 2 行重复"
    );
    assert!(e
        .localize(Lang::En)
        .contains("targets-bad.csv:5:管理类别: unknown permit class \"特殊管理\""));
}

#[test]
fn missing_required_column_is_one_clear_error() {
    let e = read_targets_bytes("t.csv", "单位名称,所在地区\n甲,北古城镇\n".as_bytes()).unwrap_err();
    assert_eq!(e.errors.len(), 1);
    assert_eq!(
        e.errors[0].localize(Lang::Zh),
        "t.csv: 缺少必填列「统一社会信用代码」（英文表头 credit_code）"
    );
    assert_eq!(
        e.errors[0].localize(Lang::En),
        "t.csv: required column credit_code (统一社会信用代码) is missing"
    );
}

#[test]
fn file_level_errors() {
    let e = read_targets(&sample("does-not-exist.csv")).unwrap_err();
    assert!(matches!(e.errors[0].reason, Reason::CannotRead(_)));
    assert_eq!(e.file, "does-not-exist.csv");
    let e = read_targets_bytes("t.pdf", b"%PDF").unwrap_err();
    assert_eq!(e.errors[0].reason, Reason::UnsupportedFormat("pdf".into()));
    let e = read_targets_bytes("t.csv", b"").unwrap_err();
    assert_eq!(e.errors[0].reason, Reason::NoHeaderRow);
    let e = read_targets_bytes("t.xlsx", b"not a zip").unwrap_err();
    assert!(matches!(e.errors[0].reason, Reason::Spreadsheet(_)));
}

#[test]
fn header_only_file_imports_nothing() {
    let r = read_targets_bytes("t.csv", "单位名称,统一社会信用代码,所在地区\n".as_bytes()).unwrap();
    assert!(r.records.is_empty());
}

fn targets_xlsx() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
        "单位名称",
        "统一社会信用代码",
        "所在地区",
        "违法次数",
        "正面清单",
        "管理类别",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "宜良县某铸造厂").unwrap();
    ws.write_string(1, 1, code("12530125015123456").as_str())
        .unwrap();
    ws.write_string(1, 2, "马街镇").unwrap();
    ws.write_number(1, 3, 4.0).unwrap();
    ws.write_boolean(1, 4, true).unwrap();
    ws.write_string(1, 5, "登记管理").unwrap();
    // Row 3 left empty: skipped. Row 4 has a bad count.
    ws.write_string(3, 0, "宜良县某石场").unwrap();
    ws.write_string(3, 1, code("91530125MA6K1239X").as_str())
        .unwrap();
    ws.write_string(3, 2, "马街镇").unwrap();
    ws.write_number(3, 3, 2.5).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let dt = ExcelDateTime::from_ymd(2025, 1, 2).unwrap();
    ws.write_datetime_with_format(3, 4, &dt, &date).unwrap();
    // Row 5: an all-digit code typed into a number cell.
    ws.write_string(4, 0, "宜良县某砂厂").unwrap();
    ws.write_number(4, 1, 125301250151234567.0).unwrap();
    ws.write_string(4, 2, "马街镇").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_targets_with_errors_at_excel_rows() {
    let bytes = targets_xlsx();
    let e = read_targets_bytes("名录.xlsx", &bytes).unwrap_err();
    let got = located(&e);
    assert_eq!(
        got,
        [
            (Some(4), Some("违法次数"), &Reason::BadInteger("2.5".into())),
            (
                Some(4),
                Some("正面清单"),
                &Reason::BadBool("2025-01-02".into())
            ),
            (
                Some(5),
                Some("统一社会信用代码"),
                &Reason::CodeStoredAsNumber("125301250151234560".into())
            ),
        ]
    );
    assert!(e.errors[2].localize(Lang::Zh).contains("设为「文本」格式"));
}

#[test]
fn xlsx_targets_and_inspector_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["单位名称", "统一社会信用代码", "所在地区", "违法次数"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "宜良县某铸造厂").unwrap();
    ws.write_string(1, 1, code("12530125015123456").as_str())
        .unwrap();
    ws.write_string(1, 2, "马街镇").unwrap();
    ws.write_number(1, 3, 4.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = read_targets_bytes("t.xlsx", &bytes).unwrap();
    assert_eq!(r.encoding, "XLSX: Sheet1", "the sheet read is named");
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.records[0].0, 2);
    let t = &r.records[0].1;
    assert_eq!(t.credit_code.as_str(), "12530125015123456A");
    assert_eq!(t.violations, 4, "4.0 reads as 4");

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["姓名", "部门代码", "执法证号", "证件有效期至", "工作年限"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let date = Format::new().set_num_format("yyyy年m月d日");
    ws.write_string(1, 0, "张三").unwrap();
    ws.write_string(1, 1, "ZFDD").unwrap();
    ws.write_number(1, 2, 53010012345.0).unwrap();
    let dt = ExcelDateTime::from_ymd(2027, 12, 31).unwrap();
    ws.write_datetime_with_format(1, 3, &dt, &date).unwrap();
    ws.write_number(1, 4, 15.0).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = read_inspectors_bytes("p.xlsx", &bytes, &depts()).unwrap();
    let p = &r.records[0].1;
    assert_eq!(
        p.certificate_no, "53010012345",
        "a numeric certificate number has no .0"
    );
    assert_eq!(
        p.certificate_valid_until,
        NaiveDate::from_ymd_opt(2027, 12, 31)
    );
    assert_eq!(p.years_of_work, 15);
}

#[test]
fn departments_inspectors_conflicts_samples() {
    let d = read_departments(&sample("departments.csv")).unwrap();
    let got: Vec<(&str, &str, DepartmentKind)> = d
        .records
        .iter()
        .map(|(_, x)| (x.code.as_str(), x.name.as_str(), x.kind))
        .collect();
    assert_eq!(
        got,
        [
            ("ZFDD", "宜良分局执法大队", DepartmentKind::Internal),
            ("HPK", "宜良分局环评科", DepartmentKind::Internal),
            ("SCJG", "宜良县市场监督管理局", DepartmentKind::External),
        ]
    );
    let known: HashSet<String> = d.records.iter().map(|(_, x)| x.code.clone()).collect();

    let p = read_inspectors(&sample("inspectors.csv"), &known).unwrap();
    assert_eq!(p.records.len(), 4);
    let zhang = &p.records[0].1;
    assert_eq!(zhang.id, 0);
    assert_eq!(
        zhang.certificate_valid_until,
        NaiveDate::from_ymd_opt(2027, 12, 31)
    );
    assert_eq!(zhang.expertise, ["大气", "危废"]);
    assert_eq!(zhang.years_of_work, 15);
    assert_eq!(
        p.records[1].1.certificate_valid_until,
        NaiveDate::from_ymd_opt(2026, 6, 30)
    );
    let wang = &p.records[2].1;
    assert_eq!(
        (wang.certificate_valid_until, wang.status),
        (None, InspectorStatus::Inactive)
    );
    assert_eq!(
        p.records[3].1.certificate_valid_until,
        NaiveDate::from_ymd_opt(2028, 1, 1)
    );

    let c = read_conflicts(&sample("conflicts.csv")).unwrap();
    assert_eq!(
        c.records[0].1,
        ConflictRow {
            certificate_no: "53010012345".into(),
            credit_code: code("91530125MA6K1234X"),
            reason: "配偶在该单位任职".into(),
        }
    );
    assert_eq!(c.records[1].1.reason, "");
}

#[test]
fn inspector_errors() {
    let text = "姓名,所属部门,执法证号,有效期,工作年限,状态\n\
                张三,ZFDD,A1,2027-02-30,3,在岗\n\
                李四,XXX,A1,,三,出差\n\
                ,ZFDD,,,,\n";
    let e = read_inspectors_bytes("p.csv", text.as_bytes(), &depts()).unwrap_err();
    assert_eq!(
        located(&e),
        [
            (
                Some(2),
                Some("有效期"),
                &Reason::BadDate("2027-02-30".into())
            ),
            (
                Some(3),
                Some("所属部门"),
                &Reason::UnknownDepartment("XXX".into())
            ),
            (
                Some(3),
                Some("执法证号"),
                &Reason::Duplicate {
                    key: "A1".into(),
                    first_row: 2
                }
            ),
            (Some(3), Some("工作年限"), &Reason::BadInteger("三".into())),
            (
                Some(3),
                Some("状态"),
                &Reason::UnknownInspectorStatus("出差".into())
            ),
            (Some(4), Some("姓名"), &Reason::MissingValue),
            (Some(4), Some("执法证号"), &Reason::MissingValue),
        ]
    );
}

#[test]
fn department_and_conflict_errors() {
    let text = "代码,名称,部门类型\nZFDD,执法大队,内部\nZFDD,执法二队,上级\nHPK,,\n";
    let e = read_departments_bytes("d.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        located(&e),
        [
            (
                Some(3),
                Some("代码"),
                &Reason::Duplicate {
                    key: "ZFDD".into(),
                    first_row: 2
                }
            ),
            (
                Some(3),
                Some("部门类型"),
                &Reason::UnknownDepartmentKind("上级".into())
            ),
            (Some(4), Some("名称"), &Reason::MissingValue),
        ]
    );
    let ok = read_departments_bytes("d.csv", "code,name\nZFDD,执法大队\n".as_bytes()).unwrap();
    assert_eq!(
        ok.records[0].1.kind,
        DepartmentKind::Internal,
        "no kind column means internal"
    );

    let c1 = code("91530125MA6K1234X");
    let text = format!("执法证号,统一社会信用代码\nA1,{c1}\nA1,{c1}\nA2,123\n");
    let e = read_conflicts_bytes("c.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        located(&e),
        [
            (
                Some(3),
                Some("统一社会信用代码"),
                &Reason::Duplicate {
                    key: format!("A1 / {c1}"),
                    first_row: 2
                }
            ),
            (
                Some(4),
                Some("统一社会信用代码"),
                &Reason::BadCreditCode(CreditCodeError::Length(3))
            ),
        ]
    );
}

#[test]
fn tab_separated_utf16_text_from_excel() {
    let text =
        "单位名称\t统一社会信用代码\t所在地区\r\n宜良县某厂\t91530125MA6K1234XC\t北古城镇\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = read_targets_bytes("t.txt", &bytes).unwrap();
    assert_eq!(r.encoding, "UTF-16LE");
    assert_eq!(r.records[0].1.name(), "宜良县某厂");
}

/// Release-mode throughput check: `cargo test --release --lib import::tests::million -- --ignored`.
#[test]
#[ignore]
fn million_rows_parse_quickly() {
    use std::fmt::Write as _;
    let header = "单位名称,统一社会信用代码,所在地区,行业类别,生产经营场所地址,管理类别,许可证编号,部省重点监管,督察重点监管,市局确定重点,昆明市重点排污单位,市政府重点监管,县政府重点监管,群众集中投诉,核技术利用单位,建设项目,正面清单,在线监控,视频监控,污染物类型,生产周期,信用评价,绩效分级,违法次数,投诉次数,经营状态,标识\n";
    let mut text = String::with_capacity(220_000_000);
    text.push_str(header);
    let charset = crate::domain::credit_code::CHARSET;
    for n in 0..1_000_000u32 {
        let mut prefix = String::from("91530125MA");
        let mut k = n;
        for _ in 0..7 {
            prefix.push(charset[(k % 31) as usize] as char);
            k /= 31;
        }
        let c = code(&prefix);
        let _ = writeln!(
            text,
            "宜良县第{n}号某某有限责任公司,{c},北古城镇,水泥制造,云南省昆明市宜良县北古城镇工业园区{n}号,重点管理,{c}001P,是,否,否,是,否,否,否,否,否,否,是,是,废气；噪声；固废,3-10,良好,B,1,2,在产,水泥、重点排放"
        );
    }
    let mb = text.len() as f64 / 1e6;
    let start = std::time::Instant::now();
    let mut table = Table::from_bytes("big.csv", text.as_bytes()).unwrap();
    let mut n = 0usize;
    while let Some(r) = table.next_row() {
        n += r.unwrap().len();
    }
    eprintln!(
        "scan only: {n} cells in {:.2} s",
        start.elapsed().as_secs_f64()
    );
    let start = std::time::Instant::now();
    let r = read_targets_bytes("big.csv", text.as_bytes()).unwrap();
    let secs = start.elapsed().as_secs_f64();
    eprintln!("{} rows, {mb:.0} MB in {secs:.2} s", r.records.len());
    assert_eq!(r.records.len(), 1_000_000);
    assert!(secs < 10.0, "too slow: {secs:.2} s");
}

// ---------------------------------------------------------------- the import catalogue (issue 20)

fn one_target_csv(row: &str) -> String {
    format!("单位名称,统一社会信用代码,所在地区,行业类别\n{row}\n")
}

#[test]
fn a_row_with_more_fields_than_the_header_is_refused_with_its_line_and_count() {
    let c = code("91530125MA6K1234X");
    let text = format!(
        "单位名称,统一社会信用代码,所在地区,行业类别\n甲公司,{c},狗街镇,水泥\n乙公司,{c}X,狗街,镇,水泥\n"
    );
    let e = read_targets_bytes("t.csv", text.as_bytes()).unwrap_err();
    let too_many: Vec<_> = e
        .errors
        .iter()
        .filter(|i| matches!(i.reason, Reason::TooManyFields { .. }))
        .collect();
    assert_eq!(too_many.len(), 1, "{e:?}");
    assert_eq!(too_many[0].row, Some(3));
    assert_eq!(
        too_many[0].reason,
        Reason::TooManyFields {
            fields: 5,
            headers: 4
        }
    );
    let msg = too_many[0].localize(Lang::Zh);
    assert!(
        msg.starts_with("t.csv:3") && msg.contains("5 个字段"),
        "{msg}"
    );
    // A trailing separator is an extra (empty) field in CSV as well.
    let trailing = one_target_csv(&format!("甲公司,{c},狗街镇,水泥,"));
    assert!(read_targets_bytes("t.csv", trailing.as_bytes()).is_err());
    let fine = one_target_csv(&format!("甲公司,{c},狗街镇,水泥"));
    assert!(read_targets_bytes("t.csv", fine.as_bytes()).is_ok());
}

#[test]
fn control_characters_are_refused_naming_the_field() {
    let c = code("91530125MA6K1234X");
    let nul = one_target_csv(&format!("甲\0公司,{c},狗街镇,水泥"));
    let e = read_targets_bytes("t.csv", nul.as_bytes()).unwrap_err();
    assert_eq!(
        located(&e),
        [(Some(2), Some("单位名称"), &Reason::ControlCharacter(0))]
    );
    assert!(e.errors[0].localize(Lang::Zh).contains("U+0000"));
    let bell = one_target_csv(&format!("甲公司,{c},狗街镇,水\u{7}泥"));
    let e = read_targets_bytes("t.csv", bell.as_bytes()).unwrap_err();
    assert_eq!(
        located(&e),
        [(Some(2), Some("行业类别"), &Reason::ControlCharacter(7))]
    );
    // Tab is allowed inside a quoted field.
    let tab = one_target_csv(&format!("\"甲\t公司\",{c},狗街镇,水泥"));
    assert!(read_targets_bytes("t.csv", tab.as_bytes()).is_ok());
}

#[test]
fn a_field_over_excels_cell_limit_is_refused() {
    let c = code("91530125MA6K1234X");
    let long = "址".repeat(MAX_FIELD_CHARS + 1);
    let text = one_target_csv(&format!("甲公司,{c},狗街镇,{long}"));
    let e = read_targets_bytes("t.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        located(&e),
        [(
            Some(2),
            Some("行业类别"),
            &Reason::TooLong(MAX_FIELD_CHARS + 1)
        )]
    );
    let at_limit = one_target_csv(&format!("甲公司,{c},狗街镇,{}", &long[3..]));
    assert!(read_targets_bytes("t.csv", at_limit.as_bytes()).is_ok());
}

#[test]
fn xlsx_registry_on_the_second_sheet_is_read_and_named() {
    use rust_xlsxwriter::Workbook;
    let c = code("91530125MA6K1234X");
    let mut wb = Workbook::new();
    let cover = wb.add_worksheet().set_name("说明").unwrap();
    cover.write_string(0, 0, "宜良县检查对象名录").unwrap();
    cover.write_string(1, 0, "填表说明").unwrap();
    cover.write_string(1, 1, "信用代码须为文本").unwrap();
    let ws = wb.add_worksheet().set_name("名录").unwrap();
    for (i, h) in ["单位名称", "统一社会信用代码", "所在地区"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "甲公司").unwrap();
    ws.write_string(1, 1, c.as_str()).unwrap();
    ws.write_string(1, 2, "狗街镇").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let r = read_targets_bytes("名录.xlsx", &bytes).unwrap();
    assert_eq!(r.records.len(), 1);
    assert_eq!(r.records[0].1.name(), "甲公司");
    assert_eq!(r.encoding, "XLSX: 名录", "the sheet read is named");
}

#[test]
fn a_sparse_far_cell_is_refused_before_the_sheet_is_laid_out() {
    use rust_xlsxwriter::Workbook;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in ["单位名称", "统一社会信用代码", "所在地区"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let e = read_targets_bytes("far.xlsx", &bytes).unwrap_err();
    assert_eq!(e.errors.len(), 1, "{e:?}");
    let Reason::SheetTooLarge { sheet, dimension } = &e.errors[0].reason else {
        panic!("{e:?}");
    };
    assert_eq!(
        (sheet.as_str(), dimension.as_str()),
        ("Sheet1", "A1:XFD1048576")
    );
    assert!(e.errors[0].localize(Lang::Zh).contains("过大"));
}

/// The targets of a file converted in parts on several threads give what one pass in file
/// order gives (the converter of `targets_from` before issue 17, with the duplicate check
/// inside it): the same records and blanks, and on a bad file the same errors in the same
/// order: duplicates across parts, several errors in one row, an error in the first and in
/// the last row, a quoted line break.
#[test]
fn targets_in_parts_equal_one_pass_in_file_order() {
    let mut clean = Vec::new();
    crate::synth::targets_csv_large(600, 3, &mut clean).unwrap();
    let text = String::from_utf8(clean.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let code_of = |l: &str| l.split(',').nth(1).unwrap().to_string();
    let first_code = code_of(&lines[1]);
    let mid_code = code_of(&lines[300]);
    // Row 2 (the first data row) has a bad month set; row 120 repeats the first row's code;
    // row 450 repeats row 300's and has no name; row 451 repeats the first row's code too;
    // the last row has a bad grade count and an extra field.
    lines[1] = lines[1].replace(",全年,", ",十三月,");
    lines[119] = lines[119].replacen(&code_of(&lines[119]), &first_code, 1);
    let name = lines[449].split(',').next().unwrap().to_string();
    lines[449] = lines[449]
        .replacen(&code_of(&lines[449]), &mid_code, 1)
        .replacen(&name, "", 1);
    lines[450] = lines[450].replacen(&code_of(&lines[450]), &first_code, 1);
    let last = lines.len() - 1;
    lines[last] = format!("{},额外", lines[last].replacen(",0,", ",-1,", 1));
    // A quoted line break (refused in a target's cell, and every later row is a line lower).
    let mut fields: Vec<String> = lines[200].split(',').map(str::to_string).collect();
    fields[4] = "\"地址一\n地址二\"".into();
    lines[200] = fields.join(",");
    let bad = lines.join("\n") + "\n";

    let one_pass = |bytes: &[u8]| {
        let table = Table::from_bytes("targets.csv", bytes).unwrap();
        let mut seen: Seen<u128> = Seen::default();
        let mut months = Memo::new();
        run(table, &schema::TARGET_FIELDS, |cx| {
            if let Some(code) = CreditCode::parse(cx.cell(t::CREDIT_CODE))
                .ok()
                .map(|(c, _)| c)
            {
                cx.unique(t::CREDIT_CODE, &mut seen, code_key(&code), || {
                    code.to_string()
                });
            }
            target_from(cx, &mut months)
        })
    };
    let in_parts = |bytes: &[u8], parts: usize| {
        let table = Table::from_bytes("targets.csv", bytes).unwrap();
        let unique = Unique {
            field: t::CREDIT_CODE,
            key: |t: &Target| code_key(&t.credit_code),
            show: code_from_key,
        };
        let make = || {
            let mut months = Memo::new();
            move |cx: &mut Cx<'_, '_>| target_from(cx, &mut months)
        };
        run_in_parts(table, &schema::TARGET_FIELDS, make, unique, parts)
    };

    let expected = one_pass(&clean).unwrap();
    assert_eq!(expected.records.len(), 600);
    let errors = one_pass(bad.as_bytes()).unwrap_err();
    let rows: Vec<Option<usize>> = errors.errors.iter().map(|e| e.row).collect();
    assert!(
        rows.contains(&Some(2)) && rows.contains(&Some(120)),
        "{rows:?}"
    );
    assert!(rows.contains(&Some(201)), "{rows:?}");
    assert!(
        rows.contains(&Some(451)) && rows.contains(&Some(452)),
        "{rows:?}"
    );
    assert!(errors.errors.len() >= 7, "{:?}", errors.errors);
    for parts in [1, 2, 3, 7, 16] {
        assert_eq!(in_parts(&clean, parts).unwrap(), expected, "{parts} parts");
        // Owned bytes, each part's pages given back once read: the same records and errors.
        let owned = targets_owned_in_parts("targets.csv", clean.clone(), Some(parts));
        assert_eq!(owned.unwrap(), expected, "{parts} parts, owned");
        let owned = targets_owned_in_parts("targets.csv", bad.clone().into_bytes(), Some(parts));
        assert_eq!(
            owned.unwrap_err().errors,
            errors.errors,
            "{parts} parts, owned"
        );
        let got = in_parts(bad.as_bytes(), parts).unwrap_err();
        assert_eq!(
            got.localize(Lang::En),
            errors.localize(Lang::En),
            "{parts} parts"
        );
        assert_eq!(got.errors, errors.errors, "{parts} parts");
    }
}

#[test]
fn a_credit_code_survives_its_key() {
    for first17 in [
        "91530125MA6K3LXE2",
        "00000000000000000",
        "Y1530125MAX7JNMLT",
    ] {
        let c = code(first17);
        assert_eq!(code_from_key(code_key(&c)), c.as_str());
    }
}

/// A file read in parts by several threads is the file, byte for byte, at sizes around the
/// parts' boundaries (and a small one is read in one pass).
#[test]
fn a_large_file_read_in_parts_is_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for len in [10, (32 << 20) - 1, 32 << 20, (48 << 20) + 7] {
        let bytes: Vec<u8> = (0..len).map(|i: usize| (i * 31 + i / 4099) as u8).collect();
        let path = dir.path().join(format!("f{len}"));
        std::fs::write(&path, &bytes).unwrap();
        let read = read_file(&path).unwrap();
        assert_eq!(read.len(), bytes.len(), "{len}");
        assert!(read == bytes, "{len}: the bytes differ");
    }
    assert!(read_file(&dir.path().join("missing")).is_err());
}
