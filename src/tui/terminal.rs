//! What the terminal can show, found out before the first frame.
//!
//! Chinese offices reach the server through Xshell, SecureCRT or PuTTY, often left at GBK, and
//! many of those terminals draw East Asian Ambiguous characters (box drawing, `·`, `…`) two
//! columns wide. Three checks run before the alternate screen is entered:
//!
//! 1. **Locale** ([`legacy_encoding`]): `LC_ALL`, else `LC_CTYPE`, else `LANG` naming GBK,
//!    GB18030, GB2312 or EUC-CN means the terminal decodes GBK, so UTF-8 text would be
//!    garbage. The app prints [`guidance`] (the Chinese part encoded for that terminal, see
//!    [`guidance_bytes`]) and exits with [`EXIT_ENCODING`], unless `--force-utf8`.
//! 2. **Probe** ([`probe_terminal`], only when stdin and stdout are terminals): print `─` at
//!    column 0 and ask where the cursor is (DSR, `ESC [ 6 n`); two columns means ambiguous
//!    characters are wide, so the ASCII symbol set is used. Then the same with `中`: three or
//!    more columns means the terminal does not decode UTF-8. The probe's output is erased.
//!    The wait is bounded ([`PROBE_TIMEOUT`] per question, `poll(2)` on stdin) rather than
//!    crossterm's `cursor::position()`, which waits up to 2 s and cannot be asked to stop
//!    sooner; a terminal that never answers costs one timeout, and an answer that comes later
//!    lands in crossterm's queue as a cursor-position report, which the app never reads.
//! 3. **Config file** ([`load_config`]): `<config dir>/config.toml` may say
//!    `symbols = "ascii"`; `--symbols` on the command line wins over it.
//!
//! Not here: the symbol tables themselves ([`super::symbols`]) and the `doctor` report
//! ([`super::doctor`]), which shows all of this to a user.

use super::symbols::{SymbolChoice, Symbols};
use crate::i18n::Lang;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::de::{DeTable, DeValue};

/// Exit status when the terminal or locale is not UTF-8.
pub const EXIT_ENCODING: i32 = 3;

/// How long to wait for each cursor-position answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

/// The character whose width tells whether ambiguous characters are wide.
pub const PROBE_AMBIGUOUS: char = '─';
/// The character whose width tells whether UTF-8 is decoded (two columns when it is).
pub const PROBE_CHINESE: char = '中';

/// The locale variables that decide the character encoding, in precedence order.
pub const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_CTYPE", "LANG"];

// ---------------------------------------------------------------------------------------------
// Locale
// ---------------------------------------------------------------------------------------------

/// The first non-empty of `LC_ALL`, `LC_CTYPE`, `LANG`, with its name.
pub fn effective_locale(env: impl Fn(&str) -> Option<String>) -> Option<(&'static str, String)> {
    LOCALE_VARS
        .iter()
        .find_map(|&name| env(name).filter(|v| !v.is_empty()).map(|v| (name, v)))
}

/// A Chinese legacy (non-UTF-8) encoding named in a locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyEncoding {
    Gbk,
    Gb18030,
    Gb2312,
    EucCn,
}

impl LegacyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            LegacyEncoding::Gbk => "GBK",
            LegacyEncoding::Gb18030 => "GB18030",
            LegacyEncoding::Gb2312 => "GB2312",
            LegacyEncoding::EucCn => "EUC-CN",
        }
    }

    /// The encoder for text shown on such a terminal (GB2312 and EUC-CN are subsets of GBK).
    pub fn encoding(self) -> &'static encoding_rs::Encoding {
        match self {
            LegacyEncoding::Gb18030 => encoding_rs::GB18030,
            _ => encoding_rs::GBK,
        }
    }
}

/// The legacy encoding a locale value names explicitly (`zh_CN.GBK`, `zh_CN.gb18030@x`), or
/// `None` for UTF-8, `C`, `POSIX` and a locale without an encoding part. A bare `zh_CN`
/// (GB2312 in glibc's table) is left alone: too many systems set it with a UTF-8 terminal.
pub fn legacy_encoding(locale: &str) -> Option<LegacyEncoding> {
    let no_modifier = locale.split('@').next().unwrap_or("");
    let (_, charset) = no_modifier.split_once('.')?;
    let norm: String = charset
        .chars()
        .filter(|c| *c != '-' && *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match norm.as_str() {
        "gbk" | "cp936" => Some(LegacyEncoding::Gbk),
        "gb18030" => Some(LegacyEncoding::Gb18030),
        "gb2312" => Some(LegacyEncoding::Gb2312),
        "euccn" => Some(LegacyEncoding::EucCn),
        _ => None,
    }
}

/// The legacy encoding of this process's locale, with the variable and value that name it.
pub fn process_legacy_encoding() -> Option<(&'static str, String, LegacyEncoding)> {
    let (var, value) = effective_locale(|n| std::env::var(n).ok())?;
    let enc = legacy_encoding(&value)?;
    Some((var, value, enc))
}

// ---------------------------------------------------------------------------------------------
// Guidance
// ---------------------------------------------------------------------------------------------

/// Why the terminal is taken not to be UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotUtf8 {
    /// A locale variable names a legacy encoding.
    Locale {
        var: &'static str,
        value: String,
        encoding: LegacyEncoding,
    },
    /// The probe printed `中` and the cursor moved this many columns (2 expected).
    Probe { columns: u16 },
}

impl NotUtf8 {
    /// The encoding the terminal most likely decodes: the locale's, or GBK after a failed probe.
    pub fn terminal_encoding(&self) -> LegacyEncoding {
        match self {
            NotUtf8::Locale { encoding, .. } => *encoding,
            NotUtf8::Probe { .. } => LegacyEncoding::Gbk,
        }
    }
}

/// The guidance in Chinese and in English (ASCII only).
pub fn guidance(why: &NotUtf8) -> (String, String) {
    let (cause_zh, cause_en) = match why {
        NotUtf8::Locale { var, value, .. } => (
            format!("当前区域设置 {var}={value} 不是 UTF-8。"),
            format!("The locale {var}={value} is not UTF-8."),
        ),
        NotUtf8::Probe { columns } => (
            format!("终端没有按 UTF-8 解码：汉字“中”占了 {columns} 列（应为 2 列）。"),
            format!(
                "The terminal does not decode UTF-8: a Chinese character took {columns} columns \
                 (2 expected)."
            ),
        ),
    };
    let zh = format!(
        "shuangsui 需要 UTF-8 终端。{cause_zh}\n\
         请把终端和服务器都改为 UTF-8：\n\
         \x20 Xshell：文件 → 属性 → 终端 → 编码，选 UTF-8\n\
         \x20 SecureCRT：会话选项 → 终端 → 外观 → 字符编码，选 UTF-8\n\
         \x20 PuTTY：Window → Translation → Remote character set，选 UTF-8\n\
         \x20 服务器：export LANG=zh_CN.UTF-8（写入 ~/.bashrc 可长期生效）\n\
         改好后重新登录再运行。仍要继续可加 --force-utf8；检查终端可运行 shuangsui doctor。\n"
    );
    let en = format!(
        "shuangsui needs a UTF-8 terminal. {cause_en}\n\
         Switch the terminal and the server to UTF-8:\n\
         \x20 Xshell: File -> Properties -> Terminal -> Encoding: UTF-8\n\
         \x20 SecureCRT: Session Options -> Terminal -> Appearance -> Character encoding: UTF-8\n\
         \x20 PuTTY: Window -> Translation -> Remote character set: UTF-8\n\
         \x20 Server: export LANG=zh_CN.UTF-8 (add it to ~/.bashrc to keep it)\n\
         Then log in again. To go on anyway use --force-utf8; to check the terminal run \
         shuangsui doctor.\n"
    );
    (zh, en)
}

/// `text` as bytes for a terminal that decodes `encoding` (UTF-8 when `None`). Characters the
/// encoding lacks become numeric references, which is still better than garbage.
pub fn encode_for(text: &str, encoding: Option<LegacyEncoding>) -> Vec<u8> {
    match encoding {
        None => text.as_bytes().to_vec(),
        Some(e) => e.encoding().encode(text).0.into_owned(),
    }
}

/// The guidance as bytes to write: the Chinese part encoded for the terminal, then the English
/// part (ASCII, readable in any encoding).
pub fn guidance_bytes(why: &NotUtf8) -> Vec<u8> {
    let (zh, en) = guidance(why);
    let mut out = encode_for(&zh, Some(why.terminal_encoding()));
    out.push(b'\n');
    out.extend_from_slice(en.as_bytes());
    out
}

// ---------------------------------------------------------------------------------------------
// Probe
// ---------------------------------------------------------------------------------------------

/// Columns the cursor moved after each probe character; `None`: no answer (or not a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Probe {
    pub ambiguous: Option<u16>,
    pub chinese: Option<u16>,
}

impl Probe {
    /// The symbol set the probe calls for: ASCII when `─` took two columns, Unicode when one.
    pub fn symbols(&self) -> Option<Symbols> {
        match self.ambiguous? {
            1 => Some(Symbols::unicode()),
            _ => Some(Symbols::ascii()),
        }
    }

    /// `Some` when `中` took three or more columns: the terminal is not decoding UTF-8.
    pub fn not_utf8(&self) -> Option<NotUtf8> {
        self.chinese
            .filter(|&c| c >= 3)
            .map(|columns| NotUtf8::Probe { columns })
    }
}

/// Parse a cursor-position report `ESC [ row ; col R` anywhere in `bytes` (1-based), skipping
/// anything else the user typed meanwhile. Returns (row, column).
pub fn parse_cursor_report(bytes: &[u8]) -> Option<(u16, u16)> {
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == 0x1b && bytes[i + 1] == b'[' {
            if let Some(pos) = parse_report_body(&bytes[i + 2..]) {
                return Some(pos);
            }
        }
        i += 1;
    }
    None
}

fn parse_report_body(b: &[u8]) -> Option<(u16, u16)> {
    let semi = b.iter().position(|&c| c == b';')?;
    let r_end = b.iter().position(|&c| c == b'R')?;
    if semi == 0 || r_end <= semi + 1 {
        return None;
    }
    let digits = |s: &[u8]| -> Option<u16> {
        if s.is_empty() || s.len() > 5 || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    Some((digits(&b[..semi])?, digits(&b[semi + 1..r_end])?))
}

/// Whether stdin and stdout are both terminals (the probe needs to write and read one).
pub fn is_interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Print each probe character at column 0 and ask where the cursor went, waiting at most
/// `timeout` per answer; then erase the line. Nothing is asked when stdin or stdout is not a
/// terminal. When the first question gets no answer, the second is not asked.
pub fn probe_terminal(timeout: Duration) -> Probe {
    if !is_interactive() {
        return Probe::default();
    }
    imp::probe(timeout)
}

#[cfg(unix)]
mod imp {
    use super::{parse_cursor_report, Probe, PROBE_AMBIGUOUS, PROBE_CHINESE};
    use std::io::{self, Write};
    use std::time::{Duration, Instant};

    pub fn probe(timeout: Duration) -> Probe {
        if crossterm::terminal::enable_raw_mode().is_err() {
            return Probe::default();
        }
        let ambiguous = ask(PROBE_AMBIGUOUS, timeout);
        let chinese = ambiguous.and_then(|_| ask(PROBE_CHINESE, timeout));
        let out = Probe { ambiguous, chinese };
        let mut stdout = io::stdout();
        // Carriage return and erase the line: nothing of the probe stays on the screen.
        let _ = stdout.write_all(b"\r\x1b[2K");
        let _ = stdout.flush();
        let _ = crossterm::terminal::disable_raw_mode();
        out
    }

    /// Columns moved after printing `ch` at column 0, or `None` without an answer in time.
    fn ask(ch: char, timeout: Duration) -> Option<u16> {
        let mut stdout = io::stdout();
        stdout.write_all(format!("\r{ch}\x1b[6n").as_bytes()).ok()?;
        stdout.flush().ok()?;
        let (_, col) = read_report(timeout)?;
        Some(col.saturating_sub(1))
    }

    /// Read stdin until a cursor-position report arrives or `timeout` passes.
    fn read_report(timeout: Duration) -> Option<(u16, u16)> {
        let deadline = Instant::now() + timeout;
        let mut got: Vec<u8> = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let mut fds = libc::pollfd {
                fd: libc::STDIN_FILENO,
                events: libc::POLLIN,
                revents: 0,
            };
            let ms = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
            // SAFETY: `fds` is one valid pollfd that lives across the call.
            let ready = unsafe { libc::poll(&mut fds, 1, ms) };
            if ready < 0 {
                if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return None;
            }
            if ready == 0 || fds.revents & libc::POLLIN == 0 {
                if fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                    return None;
                }
                continue;
            }
            let mut buf = [0u8; 64];
            // SAFETY: `buf` is valid for `buf.len()` bytes of writes.
            let n = unsafe { libc::read(libc::STDIN_FILENO, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return None;
            }
            got.extend_from_slice(&buf[..n as usize]);
            if let Some(pos) = parse_cursor_report(&got) {
                return Some(pos);
            }
            if got.len() > 4096 {
                return None;
            }
        }
    }
}

#[cfg(not(unix))]
mod imp {
    use super::Probe;
    use std::time::Duration;

    /// Windows consoles report the cursor through the console API, not in-band; the symbol
    /// set follows the environment there ([`SymbolChoice::resolve`](super::SymbolChoice)).
    pub fn probe(_timeout: Duration) -> Probe {
        Probe::default()
    }
}

/// The symbol set for `choice`: an explicit set as asked; `Auto` on the Linux console is
/// ASCII, else what the probe measured, else (no answer) the locale rule of
/// [`SymbolChoice::resolve_with`] (Unicode for a UTF-8 locale).
pub fn choose_symbols(
    choice: SymbolChoice,
    probe: &Probe,
    env: impl Fn(&str) -> Option<String>,
    windows: bool,
) -> Symbols {
    if choice != SymbolChoice::Auto {
        return choice.resolve_with(env, windows);
    }
    if env("TERM").as_deref() == Some("linux") {
        return Symbols::ascii();
    }
    match probe.symbols() {
        Some(s) => s,
        None => choice.resolve_with(env, windows),
    }
}

/// Whether the session draws in colour: not with `NO_COLOR` set (non-empty), nor on a terminal
/// without colour (`TERM` `dumb` or a `vt…` such as vt100/vt220). The backend writes every
/// colour as an indexed one (`38;5;N`), which those terminals do not know; bold, reverse and
/// underline carry the marks there (issue 16).
pub fn use_colour(env: impl Fn(&str) -> Option<String>) -> bool {
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    let term = env("TERM").unwrap_or_default();
    !(term == "dumb" || term.starts_with("vt"))
}

// ---------------------------------------------------------------------------------------------
// Config file
// ---------------------------------------------------------------------------------------------

/// Settings from `<config dir>/config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileConfig {
    /// `symbols = "auto" | "unicode" | "ascii"`.
    pub symbols: Option<SymbolChoice>,
}

/// The keys `config.toml` may hold.
pub const CONFIG_KEYS: &[&str] = &["symbols"];

/// A config file that cannot be used, with the file and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: Option<usize>,
    pub zh: String,
    pub en: String,
}

impl ConfigError {
    pub fn localize(&self, lang: Lang) -> String {
        match (self.line, lang) {
            (Some(l), Lang::Zh) => format!("配置文件 {} 第 {l} 行：{}", self.file, self.zh),
            (Some(l), Lang::En) => format!("config file {}, line {l}: {}", self.file, self.en),
            (None, Lang::Zh) => format!("配置文件 {}：{}", self.file, self.zh),
            (None, Lang::En) => format!("config file {}: {}", self.file, self.en),
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.localize(Lang::Zh))
    }
}

impl std::error::Error for ConfigError {}

/// `<config dir>/config.toml` (beside `keymap.toml`).
pub fn config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "shuangsui").map(|d| d.config_dir().join("config.toml"))
}

/// Read a config file; a missing file is an empty configuration.
pub fn load_config(path: &Path) -> Result<FileConfig, ConfigError> {
    let file = path.display().to_string();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => {
            return Err(ConfigError {
                file,
                line: None,
                zh: format!("无法读取：{e}"),
                en: format!("cannot read it: {e}"),
            })
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(ConfigError {
            file,
            line: None,
            zh: "不是 UTF-8 文本，请用 UTF-8 保存".into(),
            en: "is not UTF-8 text: save it as UTF-8".into(),
        });
    };
    parse_config(&file, text.strip_prefix('\u{feff}').unwrap_or(&text))
}

/// Parse the text of a config file named `file` (for messages).
pub fn parse_config(file: &str, text: &str) -> Result<FileConfig, ConfigError> {
    let line_of = |offset: usize| {
        text.as_bytes()[..offset.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let err = |offset: usize, zh: String, en: String| ConfigError {
        file: file.to_string(),
        line: Some(line_of(offset)),
        zh,
        en,
    };
    let doc = DeTable::parse(text).map_err(|e| ConfigError {
        file: file.to_string(),
        line: e.span().map(|s| line_of(s.start)),
        zh: format!("TOML 语法错误：{}", e.message()),
        en: format!("TOML syntax error: {}", e.message()),
    })?;
    let mut cfg = FileConfig::default();
    let mut entries: Vec<_> = doc.get_ref().iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in entries {
        let name = key.get_ref().as_ref();
        match name {
            "symbols" => {
                let DeValue::String(s) = value.get_ref() else {
                    return Err(err(
                        value.span().start,
                        "symbols 应为字符串：\"auto\"、\"unicode\" 或 \"ascii\"".into(),
                        "symbols must be a string: \"auto\", \"unicode\" or \"ascii\"".into(),
                    ));
                };
                let Some(choice) = SymbolChoice::parse(s) else {
                    return Err(err(
                        value.span().start,
                        format!("未知符号集 {:?}（可用：auto、unicode、ascii）", s.as_ref()),
                        format!(
                            "unknown symbol set {:?} (auto, unicode or ascii)",
                            s.as_ref()
                        ),
                    ));
                };
                cfg.symbols = Some(choice);
            }
            other => {
                let known = CONFIG_KEYS.join(" ");
                return Err(err(
                    key.span().start,
                    format!("未知设置 {other:?}（可用：{known}）"),
                    format!("unknown setting {other:?} (known: {known})"),
                ));
            }
        }
    }
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_is_off_with_no_color_and_on_vt100_and_dumb_terminals() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(super::use_colour(env(&[("TERM", "xterm-256color")])));
        assert!(super::use_colour(env(&[("TERM", "screen")])));
        assert!(super::use_colour(env(&[
            ("TERM", "xterm"),
            ("NO_COLOR", "")
        ])));
        assert!(!super::use_colour(env(&[
            ("TERM", "xterm"),
            ("NO_COLOR", "1")
        ])));
        assert!(!super::use_colour(env(&[("TERM", "vt100")])));
        assert!(!super::use_colour(env(&[("TERM", "vt220")])));
        assert!(!super::use_colour(env(&[("TERM", "dumb")])));
    }

    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn legacy_encodings_are_recognised_only_when_named() {
        assert_eq!(legacy_encoding("zh_CN.GBK"), Some(LegacyEncoding::Gbk));
        assert_eq!(legacy_encoding("zh_CN.gbk"), Some(LegacyEncoding::Gbk));
        assert_eq!(
            legacy_encoding("zh_CN.GB18030"),
            Some(LegacyEncoding::Gb18030)
        );
        assert_eq!(
            legacy_encoding("zh_CN.gb2312"),
            Some(LegacyEncoding::Gb2312)
        );
        assert_eq!(legacy_encoding("zh_CN.EUC-CN"), Some(LegacyEncoding::EucCn));
        assert_eq!(
            legacy_encoding("zh_CN.euccn@modifier"),
            Some(LegacyEncoding::EucCn)
        );
        for ok in [
            "zh_CN.UTF-8",
            "zh_CN.utf8",
            "C.UTF-8",
            "C",
            "POSIX",
            "zh_CN",
            "",
            "en_US",
        ] {
            assert_eq!(legacy_encoding(ok), None, "{ok}");
        }
    }

    #[test]
    fn lc_all_then_lc_ctype_then_lang_decide() {
        assert_eq!(
            effective_locale(env(&[("LANG", "zh_CN.GBK"), ("LC_ALL", "zh_CN.UTF-8")])),
            Some(("LC_ALL", "zh_CN.UTF-8".to_string()))
        );
        assert_eq!(
            effective_locale(env(&[("LANG", "zh_CN.UTF-8"), ("LC_CTYPE", "zh_CN.GBK")])),
            Some(("LC_CTYPE", "zh_CN.GBK".to_string()))
        );
        // An empty variable is unset.
        assert_eq!(
            effective_locale(env(&[("LC_ALL", ""), ("LANG", "zh_CN.GB18030")])),
            Some(("LANG", "zh_CN.GB18030".to_string()))
        );
        assert_eq!(effective_locale(env(&[])), None);
    }

    #[test]
    fn guidance_is_gbk_encoded_chinese_then_ascii_english() {
        let why = NotUtf8::Locale {
            var: "LANG",
            value: "zh_CN.GBK".into(),
            encoding: LegacyEncoding::Gbk,
        };
        let bytes = guidance_bytes(&why);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "the Chinese part is not UTF-8"
        );
        let (text, _, errors) = encoding_rs::GBK.decode(&bytes);
        assert!(!errors, "everything decodes as GBK");
        let zh_at = text
            .find("请把终端和服务器都改为 UTF-8")
            .expect("Chinese part");
        let en_at = text.find("Switch the terminal").expect("English part");
        assert!(zh_at < en_at, "Chinese first");
        for needle in [
            "Xshell：文件 → 属性 → 终端 → 编码",
            "SecureCRT：会话选项 → 终端 → 外观 → 字符编码",
            "PuTTY：Window → Translation → Remote character set",
            "export LANG=zh_CN.UTF-8",
            "LANG=zh_CN.GBK",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
        let (_, en) = guidance(&why);
        assert!(en.is_ascii());
        assert!(en.contains("Xshell") && en.contains("SecureCRT") && en.contains("PuTTY"));
    }

    #[test]
    fn cursor_reports_parse_among_other_bytes() {
        assert_eq!(parse_cursor_report(b"\x1b[24;2R"), Some((24, 2)));
        assert_eq!(parse_cursor_report(b"ab\x1b[A\x1b[1;3R"), Some((1, 3)));
        assert_eq!(parse_cursor_report(b"\x1b[1;R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[;3R"), None);
        assert_eq!(parse_cursor_report(b"\x1b[12;3"), None, "incomplete");
        assert_eq!(parse_cursor_report(b""), None);
    }

    #[test]
    fn probe_decides_symbols_and_encoding() {
        let utf8 = [("LANG", "zh_CN.UTF-8")];
        let narrow = Probe {
            ambiguous: Some(1),
            chinese: Some(2),
        };
        let wide = Probe {
            ambiguous: Some(2),
            chinese: Some(2),
        };
        let auto = SymbolChoice::Auto;
        assert_eq!(
            choose_symbols(auto, &narrow, env(&utf8), false),
            Symbols::unicode()
        );
        assert_eq!(
            choose_symbols(auto, &wide, env(&utf8), false),
            Symbols::ascii()
        );
        // No answer: the locale decides.
        assert_eq!(
            choose_symbols(auto, &Probe::default(), env(&utf8), false),
            Symbols::unicode()
        );
        assert_eq!(
            choose_symbols(auto, &Probe::default(), env(&[("LANG", "C")]), false),
            Symbols::ascii()
        );
        // An explicit choice ignores the probe.
        assert_eq!(
            choose_symbols(SymbolChoice::Unicode, &wide, env(&utf8), false),
            Symbols::unicode()
        );
        assert_eq!(
            choose_symbols(
                auto,
                &narrow,
                env(&[("TERM", "linux"), ("LANG", "C.UTF-8")]),
                false
            ),
            Symbols::ascii()
        );
        assert_eq!(narrow.not_utf8(), None);
        assert_eq!(
            Probe {
                ambiguous: Some(1),
                chinese: Some(3)
            }
            .not_utf8(),
            Some(NotUtf8::Probe { columns: 3 })
        );
        assert_eq!(Probe::default().not_utf8(), None);
    }

    #[test]
    fn config_file_sets_symbols_and_names_file_and_line() {
        assert_eq!(
            parse_config("c.toml", "symbols = \"ascii\"\n"),
            Ok(FileConfig {
                symbols: Some(SymbolChoice::Ascii)
            })
        );
        assert_eq!(
            parse_config("c.toml", "# nothing\n"),
            Ok(FileConfig::default())
        );
        let e = parse_config("c.toml", "\n\nsymbols = \"fancy\"\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        let zh = e.localize(Lang::Zh);
        assert!(
            zh.contains("c.toml") && zh.contains("第 3 行") && zh.contains("fancy"),
            "{zh}"
        );
        let en = e.localize(Lang::En);
        assert!(en.contains("line 3") && en.contains("ascii"), "{en}");
        let e = parse_config("c.toml", "\nsimbols = \"ascii\"\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.localize(Lang::En).contains("simbols"));
        let e = parse_config("c.toml", "symbols = 3\n").unwrap_err();
        assert_eq!(e.line, Some(1));
        let e = parse_config("c.toml", "a = \n").unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.localize(Lang::En).contains("TOML"));
    }

    #[test]
    fn missing_config_file_is_empty_and_bad_utf8_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("config.toml");
        assert_eq!(load_config(&path), Ok(FileConfig::default()));
        std::fs::write(&path, b"symbols = \"\xd6\xd0\"\n").expect("write");
        assert!(load_config(&path).is_err());
        std::fs::write(&path, "\u{feff}symbols = \"unicode\"\n").expect("write");
        assert_eq!(
            load_config(&path).map(|c| c.symbols),
            Ok(Some(SymbolChoice::Unicode))
        );
    }
}
