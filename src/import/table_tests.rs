//! Tests of [`super`] (the table reader).

use super::*;

fn rows(t: &mut Table<'_>) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    while let Some(r) = t.next_row() {
        let r = r.unwrap();
        out.push((
            r.number,
            (0..r.len()).map(|i| r.get(i).to_string()).collect(),
        ));
    }
    out
}

#[test]
fn csv_utf8_rows_keep_line_numbers_and_skip_blank_rows() {
    let data = "名称,代码\n甲,1\n\n,\n\"乙\n丙\",2\n丁\n".as_bytes();
    let mut t = Table::from_bytes("x.csv", data).unwrap();
    assert_eq!(t.format(), SourceFormat::Utf8);
    assert_eq!(t.headers(), ["名称", "代码"]);
    assert_eq!(t.header_row(), 1);
    let r = rows(&mut t);
    assert_eq!(r.len(), 3);
    assert_eq!(r[0], (2, vec!["甲".to_string(), "1".to_string()]));
    assert_eq!(r[1].0, 5, "a quoted multi-line record starts on line 5");
    assert_eq!(r[1].1[0], "乙\n丙");
    assert_eq!(r[2].0, 7);
}

#[test]
fn bom_gbk_and_utf16_are_decoded() {
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("名称,代码\n甲,1\n".as_bytes());
    let t = Table::from_bytes("x.csv", &bom).unwrap();
    assert_eq!(t.format(), SourceFormat::Utf8Bom);
    assert_eq!(
        t.headers(),
        ["名称", "代码"],
        "the BOM is not part of the first header"
    );

    let (gbk, _, bad) = encoding_rs::GBK.encode("名称,代码\r\n宜良县某厂,1\r\n");
    assert!(!bad);
    assert!(std::str::from_utf8(&gbk).is_err());
    let mut t = Table::from_bytes("x.csv", &gbk).unwrap();
    assert_eq!(t.format(), SourceFormat::Gb18030);
    assert_eq!(t.headers(), ["名称", "代码"]);
    assert_eq!(rows(&mut t)[0].1[0], "宜良县某厂");

    let mut u16le = vec![0xFF, 0xFE];
    for u in "名称\t代码\r\n甲\t1\r\n".encode_utf16() {
        u16le.extend_from_slice(&u.to_le_bytes());
    }
    let mut t = Table::from_bytes("x.txt", &u16le).unwrap();
    assert_eq!(t.format(), SourceFormat::Utf16Le);
    assert_eq!(
        t.headers(),
        ["名称", "代码"],
        "tab-separated text is recognised"
    );
    assert_eq!(rows(&mut t)[0].1, ["甲", "1"]);
}

#[test]
fn undecodable_bytes_are_an_encoding_error_with_line() {
    // 0x81 0x20 is malformed in GB18030 (and not UTF-8).
    let data = b"a,b\n1,2\n\x81\x20,3\n";
    assert_eq!(
        Table::from_bytes("x.csv", data).err(),
        Some(Reason::Encoding { line: 3 })
    );
}

#[test]
fn bad_utf8_after_the_probe_is_an_encoding_error_at_its_line() {
    let mut data = "名称,代码\n".as_bytes().to_vec();
    let row = "宜良县某某有限公司,91530125MA6K1234XC\n".as_bytes();
    let mut lines = 1;
    while data.len() <= UTF8_PROBE {
        data.extend_from_slice(row);
        lines += 1;
    }
    data.extend_from_slice(b"\xff\xfe,1\n");
    let mut t = Table::from_bytes("x.csv", &data).unwrap();
    assert_eq!(t.format(), SourceFormat::Utf8);
    let mut last = None;
    while let Some(r) = t.next_row() {
        if let Err(e) = r {
            last = Some(e);
            break;
        }
    }
    assert_eq!(last, Some(Reason::Encoding { line: lines + 1 }));
    // Read in parts, the part holding the bad byte names the same line of the file.
    let mut t = Table::from_bytes("x.csv", &data).unwrap();
    let errors: Vec<Reason> = t
        .split(5)
        .unwrap()
        .iter_mut()
        .filter_map(|p| loop {
            match p.next_row() {
                None => break None,
                Some(Err(e)) => break Some(e),
                Some(Ok(_)) => {}
            }
        })
        .collect();
    assert_eq!(errors, vec![Reason::Encoding { line: lines + 1 }]);
}

#[test]
fn title_row_is_skipped_and_empty_file_has_no_header() {
    let data = "宜良县检查对象名录,,\n\n名称,代码,地区\n甲,1,北古城镇\n".as_bytes();
    let mut t = Table::from_bytes("x.csv", data).unwrap();
    assert_eq!(t.header_row(), 3);
    assert_eq!(rows(&mut t)[0].0, 4);
    assert_eq!(
        Table::from_bytes("x.csv", b"\n , \n").err(),
        Some(Reason::NoHeaderRow)
    );
    assert_eq!(
        Table::from_bytes("x.csv", b"").err(),
        Some(Reason::NoHeaderRow)
    );
}

#[test]
fn extension_decides_format() {
    assert_eq!(
        Table::from_bytes("x.docx", b"a,b").err(),
        Some(Reason::UnsupportedFormat("docx".into()))
    );
    assert!(matches!(
        Table::from_bytes("x.XLSX", b"a,b\n1,2").err(),
        Some(Reason::Spreadsheet(_))
    ));
    assert!(Table::from_bytes("X.CSV", b"a,b\n1,2").is_ok());
}

#[test]
fn xlsx_cells_render_as_people_see_them() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    ws.write_string(0, 0, "名称").unwrap();
    ws.write_string(0, 1, "次数").unwrap();
    ws.write_string(0, 2, "日期").unwrap();
    ws.write_string(0, 3, "代码").unwrap();
    ws.write_string(0, 4, "比例").unwrap();
    ws.write_string(2, 0, "甲").unwrap();
    ws.write_number(2, 1, 3.0).unwrap();
    let dt = ExcelDateTime::from_ymd(2026, 3, 31).unwrap();
    ws.write_datetime_with_format(2, 2, &dt, &date).unwrap();
    ws.write_string(2, 3, "0012").unwrap();
    ws.write_number(2, 4, 0.5).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let mut t = Table::from_bytes("x.xlsx", &bytes).unwrap();
    assert_eq!(t.format(), SourceFormat::Xlsx);
    assert_eq!(t.headers(), ["名称", "次数", "日期", "代码", "比例"]);
    let r = rows(&mut t);
    assert_eq!(
        r,
        [(
            3,
            vec!["甲", "3", "2026-03-31", "0012", "0.5"]
                .into_iter()
                .map(String::from)
                .collect()
        )]
    );
}

/// Every way of splitting a file gives the rows, numbers and cells of one reading in file
/// order: CRLF and LF, blank lines, a title row, a BOM, quoted line breaks and quotes, a
/// tab-separated file, and a file whose last line has no line break.
#[test]
fn split_parts_read_the_rows_of_one_reading() {
    let mut quoted = String::from("名称,地址,备注\r\n");
    for i in 0..40 {
        match i % 5 {
            0 => quoted.push_str(&format!("甲{i},\"第一行\r\n第二行\",x\r\n")),
            1 => quoted.push_str("\r\n"),
            2 => quoted.push_str(&format!("乙{i},\"说\"\"是\"\"\",\"a,b\"\r\n")),
            3 => quoted.push_str(&format!(",,\r\n丙{i},y,z\r\n")),
            _ => quoted.push_str(&format!("丁{i},\"\n\n\",w\r\n")),
        }
    }
    let mut lf = String::from("宜良县检查对象名录\n名称,地址\n");
    for i in 0..50 {
        lf.push_str(&format!("单位{i},镇{i}\n"));
        if i % 7 == 0 {
            lf.push('\n');
        }
    }
    lf.push_str("末尾,无换行");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(lf.as_bytes());
    // The delimiter is sniffed from the first line, so no title row here.
    let tabs = lf
        .replacen("宜良县检查对象名录\n", "", 1)
        .replace(',', "\t");
    let crlf = lf.replace('\n', "\r\n");
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("crlf.csv", crlf.into_bytes()),
        ("quoted.csv", quoted.into_bytes()),
        ("lf.csv", lf.clone().into_bytes()),
        ("bom.csv", bom),
        ("tabs.txt", tabs.into_bytes()),
    ];
    for (name, bytes) in &files {
        let whole = rows(&mut Table::from_bytes(name, bytes).unwrap());
        assert!(whole.len() > 20, "{name}: {} rows", whole.len());
        for parts in [2, 3, 5, 8, 64, 1000] {
            let mut t = Table::from_bytes(name, bytes).unwrap();
            let headers = t.headers().to_vec();
            let pieces = t.split(parts).expect("a CSV splits");
            assert!(pieces.len() > 1 || parts > whole.len(), "{name}/{parts}");
            let mut got = Vec::new();
            for mut piece in pieces {
                assert_eq!(piece.headers(), headers.as_slice());
                got.extend(rows(&mut piece));
            }
            assert_eq!(got, whole, "{name} in {parts} parts");
        }
    }
}

/// Rows already read stay read: the parts hold only the rest.
#[test]
fn split_after_some_rows_keeps_only_the_rest() {
    let text = "a,b\n1,2\n3,4\n5,6\n7,8\n";
    let mut t = Table::from_bytes("x.csv", text.as_bytes()).unwrap();
    t.next_row().unwrap().unwrap();
    let rest: Vec<_> = t
        .split(2)
        .unwrap()
        .iter_mut()
        .flat_map(|p| rows(p))
        .collect();
    assert_eq!(rest.first().map(|r| r.0), Some(3));
    assert_eq!(rest.len(), 3);
}

#[test]
fn a_workbook_does_not_split() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "a").unwrap();
    sheet.write_string(0, 1, "b").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let mut t = Table::from_bytes("x.xlsx", &bytes).unwrap();
    assert!(t.split(4).is_none());
}

/// The quick trim answers as `str::trim` does, for ASCII, CJK, the Unicode spaces a
/// spreadsheet leaves (ideographic space, no-break space) and broken-off ends.
#[test]
fn trim_is_str_trim() {
    for s in [
        "",
        " ",
        "a",
        " a ",
        "\t甲\t",
        "甲",
        "甲乙",
        "　甲　",
        "甲　",
        "　甲",
        "\u{a0}x\u{a0}",
        "x\u{2003}",
        "\u{2028}",
        "é",
        "ée",
        "a é",
        "云南省 ",
        "1 2",
        "\u{85}a",
        "a\u{85}",
        "𝒳",
        " 𝒳 ",
        "\u{feff}a",
    ] {
        assert_eq!(trim(s), s.trim(), "{s:?}");
    }
}

/// A row with a control character anywhere is searched cell by cell; a row without one is
/// not (and a tab is no control character for this purpose).
#[test]
fn a_row_says_whether_it_may_hold_control_characters() {
    let text = "a,b,c\n甲,乙\t丙,丁\n甲,乙\u{1}丙,丁\n";
    let mut t = Table::from_bytes("x.csv", text.as_bytes()).unwrap();
    let mut seen = Vec::new();
    while let Some(r) = t.next_row() {
        let r = r.unwrap();
        seen.push((r.may_hold_controls(), r.text_len()));
    }
    assert_eq!(seen, vec![(false, 13), (true, 13)]);
}
