//! `shuangsui doctor`: what the program sees of the terminal, and a test pattern a user can
//! look at to tell which symbol set lines up.
//!
//! Runs without the store and without the alternate screen. On a terminal whose locale names
//! GBK (or GB18030 …) the report is written in that encoding, so that it can be read there.

use super::symbols::{SymbolChoice, Symbols};
use super::terminal::{self, NotUtf8, Probe};
use crate::i18n::Lang;
use std::io::Write;

/// What the doctor found; [`report`] turns it into text.
#[derive(Debug, Clone)]
pub struct Findings {
    /// `LC_ALL`, `LC_CTYPE`, `LANG`, `TERM` and their values (`None`: unset).
    pub vars: Vec<(&'static str, Option<String>)>,
    pub legacy: Option<terminal::LegacyEncoding>,
    /// The config file and its symbols setting, or its error (already localised).
    pub config: Option<(String, Result<Option<SymbolChoice>, String>)>,
    /// `None`: not run (stdin or stdout is not a terminal).
    pub probe: Option<Probe>,
    /// The set the TUI would use, by name.
    pub symbols: &'static str,
    /// Columns and rows, when stdout is a terminal.
    pub size: Option<(u16, u16)>,
}

/// Look at this process's terminal (runs the probe when interactive).
pub fn examine(lang: Lang, cli_symbols: Option<SymbolChoice>) -> Findings {
    let env = |n: &str| std::env::var(n).ok();
    let vars = ["LC_ALL", "LC_CTYPE", "LANG", "TERM"]
        .into_iter()
        .map(|n| (n, env(n).filter(|v| !v.is_empty())))
        .collect();
    let legacy = terminal::effective_locale(env).and_then(|(_, v)| terminal::legacy_encoding(&v));
    let config = terminal::config_path().map(|p| {
        let shown = p.display().to_string();
        (
            shown,
            terminal::load_config(&p)
                .map(|c| c.symbols)
                .map_err(|e| e.localize(lang)),
        )
    });
    let file_choice = config
        .as_ref()
        .and_then(|(_, r)| r.as_ref().ok().copied().flatten());
    let choice = cli_symbols.or(file_choice).unwrap_or_default();
    let probe =
        terminal::is_interactive().then(|| terminal::probe_terminal(terminal::PROBE_TIMEOUT));
    let set = terminal::choose_symbols(choice, &probe.unwrap_or_default(), env, cfg!(windows));
    let symbols = if set == Symbols::ascii() {
        "ascii"
    } else {
        "unicode"
    };
    let size = terminal::is_interactive()
        .then(crossterm::terminal::size)
        .and_then(Result::ok);
    Findings {
        vars,
        legacy,
        config,
        probe,
        symbols,
        size,
    }
}

fn columns_text(c: Option<u16>, lang: Lang) -> String {
    match c {
        Some(n) => match lang {
            Lang::Zh => format!("{n} 列"),
            Lang::En => format!("{n} column(s)"),
        },
        None => lang.pick("无应答", "no answer").to_string(),
    }
}

/// A box drawn with `s`, three lines, 12 columns wide, holding 狗街镇 (6 columns).
pub fn test_box(s: &Symbols) -> Vec<String> {
    let b = &s.border;
    let inner = 10;
    vec![
        format!(
            "{}{}{}",
            b.top_left,
            b.horizontal_top.repeat(inner),
            b.top_right
        ),
        format!(
            "{}{}{}{}",
            b.vertical_left,
            "狗街镇",
            " ".repeat(inner - 6),
            b.vertical_right
        ),
        format!(
            "{}{}{}",
            b.bottom_left,
            b.horizontal_bottom.repeat(inner),
            b.bottom_right
        ),
    ]
}

/// A column ruler and a line of Chinese whose closing `|` belongs under column 19.
pub fn ruler_lines() -> Vec<String> {
    let tens: String = (1..=30)
        .map(|c| {
            if c % 10 == 0 {
                char::from(b'0' + (c / 10) as u8)
            } else {
                ' '
            }
        })
        .collect();
    let ones: String = (1..=30)
        .map(|c| char::from(b'0' + (c % 10) as u8))
        .collect();
    vec![
        tens.trim_end().to_string(),
        ones,
        "宜良县狗街镇水泥厂|".to_string(),
    ]
}

/// The report as text (UTF-8; [`run`] encodes it for the terminal).
pub fn report(f: &Findings, lang: Lang) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("shuangsui doctor {}", env!("CARGO_PKG_VERSION")));
    line(String::new());
    line(lang.pick("区域设置：", "Locale:").to_string());
    for (n, v) in &f.vars {
        line(format!(
            "  {n:<9}{}",
            v.clone()
                .unwrap_or_else(|| lang.pick("（未设置）", "(unset)").to_string())
        ));
    }
    line(match (f.legacy, lang) {
        (Some(e), Lang::Zh) => format!(
            "  编码：{}，不是 UTF-8：终端界面不会启动（除非 --force-utf8）",
            e.name()
        ),
        (Some(e), Lang::En) => format!(
            "  encoding: {}, not UTF-8: the TUI will not start (unless --force-utf8)",
            e.name()
        ),
        (None, Lang::Zh) => "  编码：未指明旧编码（按 UTF-8 处理）".to_string(),
        (None, Lang::En) => "  encoding: no legacy encoding named (taken as UTF-8)".to_string(),
    });
    line(String::new());
    match &f.config {
        None => line(lang.pick("配置文件：无", "Config file: none").to_string()),
        Some((path, Ok(s))) => line(format!(
            "{}{path}{}",
            lang.pick("配置文件：", "Config file: "),
            match s {
                Some(c) => format!(" (symbols = {})", choice_name(*c)),
                None => String::new(),
            }
        )),
        Some((_, Err(e))) => line(format!(
            "{}{e}",
            lang.pick("配置文件出错：", "Config error: ")
        )),
    }
    line(lang.pick("检测：", "Detected:").to_string());
    match &f.probe {
        None => line(
            lang.pick(
                "  未探测（标准输入或输出不是终端）",
                "  not probed (stdin or stdout is not a terminal)",
            )
            .to_string(),
        ),
        Some(p) => {
            line(format!(
                "  {} {}{}{}",
                terminal::PROBE_AMBIGUOUS,
                lang.pick("（歧义宽度字符）占", "(ambiguous width) took"),
                lang.pick("：", " "),
                columns_text(p.ambiguous, lang)
            ));
            line(format!(
                "  {} {}{}{}",
                terminal::PROBE_CHINESE,
                lang.pick("（汉字）占", "(Chinese) took"),
                lang.pick("：", " "),
                columns_text(p.chinese, lang)
            ));
            if let Some(NotUtf8::Probe { columns }) = p.not_utf8() {
                line(match lang {
                    Lang::Zh => format!("  汉字占 {columns} 列：终端没有按 UTF-8 解码"),
                    Lang::En => format!(
                        "  a Chinese character took {columns} columns: the terminal does not decode UTF-8"
                    ),
                });
            }
        }
    }
    line(format!(
        "  {}{}",
        lang.pick("符号集：", "symbol set: "),
        f.symbols
    ));
    line(match (f.size, lang) {
        (Some((w, h)), Lang::Zh) => format!("  终端大小：{w} 列 × {h} 行"),
        (Some((w, h)), Lang::En) => format!("  terminal size: {w} x {h}"),
        (None, Lang::Zh) => "  终端大小：未知（不是终端）".to_string(),
        (None, Lang::En) => "  terminal size: unknown (not a terminal)".to_string(),
    });
    line(String::new());
    line(
        lang.pick(
            "测试图案：右边框对齐的那一个可以用（--symbols unicode 或 --symbols ascii）",
            "Test pattern: use the set whose right edge lines up (--symbols unicode or ascii)",
        )
        .to_string(),
    );
    let u = test_box(&Symbols::unicode());
    let a = test_box(&Symbols::ascii());
    line("  unicode".to_string());
    for l in u {
        line(format!("  {l}"));
    }
    line("  ascii".to_string());
    for l in a {
        line(format!("  {l}"));
    }
    line(String::new());
    line(
        lang.pick(
            "标尺：下面一行的 | 应在第 19 列（汉字各占 2 列）",
            "Ruler: the | below belongs under column 19 (each Chinese character is 2 columns)",
        )
        .to_string(),
    );
    for l in ruler_lines() {
        line(l);
    }
    out
}

fn choice_name(c: SymbolChoice) -> &'static str {
    match c {
        SymbolChoice::Auto => "auto",
        SymbolChoice::Unicode => "unicode",
        SymbolChoice::Ascii => "ascii",
    }
}

/// Examine the terminal and print the report; exit status 0.
pub fn run(lang: Lang, cli_symbols: Option<SymbolChoice>) -> i32 {
    let f = examine(lang, cli_symbols);
    let text = report(&f, lang);
    let bytes = terminal::encode_for(&text, f.legacy);
    let mut stdout = std::io::stdout();
    let _ = stdout.write_all(&bytes);
    let _ = stdout.flush();
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn test_boxes_line_up_by_unicode_width() {
        for s in [Symbols::unicode(), Symbols::ascii()] {
            let b = test_box(&s);
            assert!(b.iter().all(|l| l.width() == 12), "{b:?}");
        }
        let a = test_box(&Symbols::ascii());
        assert_eq!(a[0], "+----------+");
        assert_eq!(a[1], "|狗街镇    |");
        let r = ruler_lines();
        assert_eq!(r[2].width(), 19);
        assert_eq!(r[1].as_bytes()[18], b'9', "column 19 of the ruler");
        assert_eq!(&r[0][9..10], "1");
    }

    #[test]
    fn report_names_locale_probe_and_pattern() {
        let f = Findings {
            vars: vec![
                ("LC_ALL", None),
                ("LC_CTYPE", None),
                ("LANG", Some("zh_CN.GBK".into())),
                ("TERM", Some("xterm".into())),
            ],
            legacy: Some(terminal::LegacyEncoding::Gbk),
            config: None,
            probe: Some(Probe {
                ambiguous: Some(2),
                chinese: None,
            }),
            symbols: "ascii",
            size: Some((80, 24)),
        };
        let en = report(&f, Lang::En);
        for needle in [
            "LANG     zh_CN.GBK",
            "LC_ALL   (unset)",
            "encoding: GBK",
            "took 2 column(s)",
            "no answer",
            "symbol set: ascii",
            "80 x 24",
            "+----------+",
            "┌──────────┐",
            "宜良县狗街镇水泥厂|",
        ] {
            assert!(en.contains(needle), "{needle} in\n{en}");
        }
        let zh = report(&f, Lang::Zh);
        assert!(
            zh.contains("无应答") && zh.contains("80 列 × 24 行"),
            "{zh}"
        );
        // Readable on the GBK terminal: it encodes without loss.
        let bytes = terminal::encode_for(&zh, f.legacy);
        let (back, _, errors) = encoding_rs::GBK.decode(&bytes);
        assert!(!errors);
        assert_eq!(back, zh);
    }
}
