//! Parsers for the cell values the contract allows (booleans, lists, dates, counts) and the
//! header normalisation. Pure functions of a `&str`.

use chrono::NaiveDate;

/// 是/否, Y/N, 1/0, true/false, yes/no, ✓/✗, √/×, 有/无; empty is 否.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    match t {
        "" | "否" | "0" | "✗" | "✘" | "×" | "无" | "不是" => Some(false),
        "是" | "1" | "✓" | "✔" | "√" | "有" => Some(true),
        _ if t.eq_ignore_ascii_case("y")
            || t.eq_ignore_ascii_case("yes")
            || t.eq_ignore_ascii_case("true") =>
        {
            Some(true)
        }
        _ if t.eq_ignore_ascii_case("n")
            || t.eq_ignore_ascii_case("no")
            || t.eq_ignore_ascii_case("false") =>
        {
            Some(false)
        }
        _ => None,
    }
}

/// Separators of list cells: `；` `、` `;` `,` `，` `|`.
pub const LIST_SEPARATORS: [char; 6] = ['；', '、', ';', ',', '，', '|'];

/// Splits a list cell, trims each item and drops empty ones.
pub fn parse_list(s: &str) -> Vec<String> {
    s.split(LIST_SEPARATORS)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD; a trailing time part is ignored.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let t = t.split([' ', 'T']).next().unwrap_or(t);
    let ymd = |y: &str, m: &str, d: &str| -> Option<NaiveDate> {
        let (y, m, d) = (y.trim(), m.trim(), d.trim());
        if y.len() != 4 {
            return None;
        }
        NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    };
    if let Some(rest) = t.strip_suffix('日') {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        return ymd(y, m, d);
    }
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        return ymd(&t[..4], &t[4..6], &t[6..]);
    }
    let mut parts = t.split(['-', '/', '.']);
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    ymd(y, m, d)
}

/// A count: a whole number >= 0 ("3", "3.0"); empty is 0.
pub fn parse_count(s: &str) -> Option<u32> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    let whole = match t.split_once('.') {
        Some((a, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => a,
        Some(_) => return None,
        None => t,
    };
    if whole.starts_with(['-', '+']) {
        return None;
    }
    whole.parse().ok()
}

/// The form in which headers are compared: trimmed, without whitespace (also the full-width
/// space), `_`, `-`, `*` (required-column markers) and `：`/`:`, full-width brackets made
/// half-width, ASCII lower-cased. "Credit Code", "credit_code" and " credit-code " agree;
/// "乡镇（街道）" and "乡镇(街道)" agree.
pub fn normalize_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            c if c.is_whitespace() => {}
            '_' | '-' | '*' | '＊' | ':' | '：' | '\u{feff}' => {}
            '（' => out.push('('),
            '）' => out.push(')'),
            '【' | '[' => out.push('('),
            '】' | ']' => out.push(')'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// The header without a trailing bracketed note: "证件有效期至(yyyy-mm-dd)" → "证件有效期至".
/// Takes a normalized header; `None` if there is no such note.
pub fn strip_note(normalized: &str) -> Option<&str> {
    let body = normalized.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let head = &body[..open];
    (!head.is_empty()).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for t in ["是", "Y", "y", "1", "true", "TRUE", "✓", "√", "yes", " 是 "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["否", "N", "0", "false", "✗", "×", "", "  ", "no"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        for t in ["可能", "2", "x", "yes!"] {
            assert_eq!(parse_bool(t), None, "{t}");
        }
    }

    #[test]
    fn lists() {
        assert_eq!(
            parse_list("废水；废气、 噪声 ;固废,危废|辐射，扬尘"),
            ["废水", "废气", "噪声", "固废", "危废", "辐射", "扬尘"]
        );
        assert!(parse_list(" ;、 ").is_empty());
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2025, 6, 30);
        for t in [
            "2025-06-30",
            "2025/6/30",
            "2025年6月30日",
            "2025.6.30",
            "20250630",
            "2025-06-30 00:00:00",
            "2025-06-30T08:00",
        ] {
            assert_eq!(parse_date(t), d, "{t}");
        }
        for t in [
            "2025-02-30",
            "30/6/2025",
            "2025-6",
            "明年",
            "25-6-30",
            "2025-06-30-1",
            "",
        ] {
            assert_eq!(parse_date(t), None, "{t}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count(""), Some(0));
        assert_eq!(parse_count(" 3 "), Some(3));
        assert_eq!(parse_count("3.0"), Some(3));
        for t in ["-1", "3.5", "三", "+2", "1e3", "3."] {
            assert_eq!(parse_count(t), None, "{t}");
        }
    }

    #[test]
    fn headers_normalise() {
        assert_eq!(normalize_header(" Credit Code "), "creditcode");
        assert_eq!(normalize_header("credit_code"), "creditcode");
        assert_eq!(
            normalize_header("乡镇（街道）"),
            normalize_header("乡镇(街道)")
        );
        assert_eq!(normalize_header("\u{3000}单位名称\u{3000}"), "单位名称");
        assert_eq!(normalize_header("*单位名称"), "单位名称");
        assert_eq!(
            strip_note(&normalize_header("证件有效期至（YYYY-MM-DD）")),
            Some("证件有效期至")
        );
        assert_eq!(strip_note("(x)"), None);
        assert_eq!(strip_note("名称"), None);
    }
}
