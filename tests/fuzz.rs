//! Fuzzing by proptest over arbitrary and mutated bytes (issue 14): the frame reader, the
//! request decoder, the CSV and XLSX importers, the keymap, roles, rules and calendar parsers
//! must answer every input with a value or an error, never a panic, a hang or a huge
//! allocation. The normal suite runs a few hundred cases per target; `fuzz_bounded` (ignored)
//! runs each target for `SHUANGSUI_FUZZ_SECS` seconds (default 20); README states the time run.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use shuangsui::office::protocol::{decode_frame, read_frame_bytes, Request, MAX_HELLO};
use std::time::{Duration, Instant};

fn frame_reader(bytes: &[u8]) {
    let mut r = bytes;
    // A frame at a time until the input ends or is refused; memory never follows the length.
    for _ in 0..64 {
        match read_frame_bytes(&mut r, MAX_HELLO) {
            Ok(Some(body)) => {
                assert!(body.len() <= MAX_HELLO as usize);
                let _ = decode_frame::<Request>(&body);
            }
            Ok(None) | Err(_) => break,
        }
    }
}

fn request_decoder(bytes: &[u8]) {
    let _ = decode_frame::<Request>(bytes);
    let _ = decode_frame::<shuangsui::office::protocol::ClientHello>(bytes);
}

fn csv_importer(bytes: &[u8]) {
    let _ = shuangsui::import::read_targets_bytes("fuzz.csv", bytes);
    let _ = shuangsui::import::read_departments_bytes("fuzz.csv", bytes);
}

fn xlsx_importer(bytes: &[u8]) {
    let _ = shuangsui::import::read_targets_bytes("fuzz.xlsx", bytes);
}

fn text_parsers(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = shuangsui::tui::keymap::Keymap::from_texts(&[("fuzz.toml", &text)]);
    let _ = shuangsui::office::Roles::parse(&text, "fuzz.toml");
    let _ = shuangsui::domain::rules::Rules::from_toml_str(&text, "fuzz.toml");
    let _ = shuangsui::domain::calendar::WorkingCalendar::from_toml_str(&text, "fuzz.toml");
}

/// A real input with some bytes replaced, inserted or cut: reaches deeper than noise.
fn mutated(seed: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    (
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..16),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(move |(edits, cut, do_cut)| {
            let mut v = seed.to_vec();
            for (i, b) in edits {
                if v.is_empty() {
                    break;
                }
                let at = i.index(v.len());
                v[at] = b;
            }
            if do_cut && !v.is_empty() {
                v.truncate(cut.index(v.len()));
            }
            v
        })
}

fn noise() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..2048)
}

const TARGETS_CSV: &[u8] = include_bytes!("../fixtures/targets.csv");
const KEYMAP: &[u8] = include_bytes!("../keymaps/default.toml");
const RULES: &[u8] = include_bytes!("../fixtures/rules.toml");

fn xlsx_seed() -> &'static [u8] {
    static SEED: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["单位名称", "统一社会信用代码", "所在地区"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "宜良县某厂").unwrap();
        ws.write_string(1, 1, "91530125MA6K7F0A1X").unwrap();
        ws.write_string(1, 2, "狗街镇").unwrap();
        wb.save(&path).unwrap();
        std::fs::read(&path).unwrap()
    })
}

/// A target: its name, the function under test, and its inputs.
type Target = (&'static str, fn(&[u8]), BoxedStrategy<Vec<u8>>);

/// Every target with its inputs.
fn targets() -> Vec<Target> {
    let frame_seed: &'static [u8] = {
        static F: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        F.get_or_init(|| {
            let mut v = Vec::new();
            shuangsui::office::protocol::write_frame(&mut v, &Request::AuditHead).unwrap();
            v
        })
    };
    vec![
        (
            "frame reader",
            frame_reader as fn(&[u8]),
            prop_oneof![noise(), mutated(frame_seed)].boxed(),
        ),
        (
            "request decoder",
            request_decoder,
            prop_oneof![
                noise(),
                mutated(br#"{"List":{"kind":"Draws","json":true}}"#)
            ]
            .boxed(),
        ),
        (
            "csv importer",
            csv_importer,
            prop_oneof![noise(), mutated(TARGETS_CSV)].boxed(),
        ),
        (
            "xlsx importer",
            xlsx_importer,
            prop_oneof![noise(), mutated(xlsx_seed())].boxed(),
        ),
        (
            "keymap/roles/rules/calendar",
            text_parsers,
            prop_oneof![noise(), mutated(KEYMAP), mutated(RULES)].boxed(),
        ),
    ]
}

/// Run every target `cases` times or for `each` seconds, whichever ends first; a panic names
/// the target and the input.
fn run(cases: u64, each: Duration) -> Vec<(&'static str, u64)> {
    let mut done = Vec::new();
    for (name, target, strategy) in targets() {
        let mut runner = TestRunner::default();
        let start = Instant::now();
        let mut n = 0;
        while n < cases && start.elapsed() < each {
            let input = strategy.new_tree(&mut runner).unwrap().current();
            let ok = std::panic::catch_unwind(|| target(&input));
            assert!(
                ok.is_ok(),
                "{name} panicked on {} bytes: {:?}",
                input.len(),
                &input[..input.len().min(256)]
            );
            n += 1;
        }
        done.push((name, n));
    }
    done
}

#[test]
fn fuzz_smoke() {
    for (name, n) in run(200, Duration::from_secs(20)) {
        assert!(n > 0, "{name} ran no case");
    }
}

#[test]
#[ignore = "bounded fuzz run: SHUANGSUI_FUZZ_SECS=20 cargo test --test fuzz -- --ignored"]
fn fuzz_bounded() {
    let secs = std::env::var("SHUANGSUI_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    for (name, n) in run(u64::MAX, Duration::from_secs(secs)) {
        eprintln!("{name}: {n} cases in {secs} s, no panic");
    }
}

/// Found by `fuzz_bounded`: calamine indexed the shared strings with a number from the sheet
/// without checking it and panicked. A workbook citing shared string 999 of 3 is refused.
#[test]
fn a_shared_string_index_out_of_range_is_refused_not_a_panic() {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx_seed().to_vec())).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut cited = false;
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut body = Vec::new();
        f.read_to_end(&mut body).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(body).unwrap();
            assert!(text.contains("t=\"s\"><v>0</v>"), "{text}");
            body = text
                .replacen("t=\"s\"><v>0</v>", "t=\"s\"><v>999</v>", 1)
                .into_bytes();
            cited = true;
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&body).unwrap();
    }
    assert!(cited);
    let bytes = out.finish().unwrap().into_inner();
    let r = std::panic::catch_unwind(|| {
        shuangsui::import::read_targets_bytes("hostile.xlsx", &bytes).map(|_| ())
    });
    let e = r.expect("the importer panicked").unwrap_err();
    assert!(format!("{e:?}").contains("reader failed"), "{e:?}");
}
