//! The layering of docs/ARCHITECTURE.md, checked on the source (issue 11, acceptance 1 and 5).
//!
//! Every file under src/ is read; the `crate::` paths it names (in `use` lines, nested braces
//! expanded, and inline) are resolved to the file of the longest module prefix that exists.
//! Test code is left out: files that are only tests (`tests.rs`, `*_tests.rs`, `tests_*.rs`,
//! `test_support.rs`) and the `#[cfg(test)] mod tests { … }` at the end of a file. `super::`
//! paths are made absolute from the file's module; a path to a module's item (`super::Office`)
//! lands in its `mod.rs`, which names its children by relative paths (`pub use tasks::…`) that
//! are not followed: a `mod.rs` and its re-exports do not make a cycle with its children.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Cycles wholly inside src/tui tolerated: none since "screens" (issue 11, its TUI side) broke
/// them. Any cycle fails.
const TUI_CYCLES_ALLOWED: &[&str] = &[];

/// The layers, lowest first: a file may import its own layer and those before it.
fn layer(file: &str) -> Option<(usize, &'static str)> {
    let top = file
        .strip_prefix("src/")?
        .split('/')
        .next()?
        .trim_end_matches(".rs");
    Some(match top {
        "i18n" | "domain" | "logging" => (0, "i18n/domain"),
        "draw" => (1, "draw"),
        "import" => (2, "import"),
        "store" => (3, "store"),
        "office" => (4, "office"),
        "cli" | "conn" | "tui" | "report" | "server" | "synth" | "main" => (5, "front ends"),
        _ => return None,
    })
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn is_test_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name == "tests.rs"
        || name == "test_support.rs"
        || name.ends_with("_tests.rs")
        || name.starts_with("tests_")
}

/// The module path of a file: src/a/mod.rs and src/a.rs → a; src/a/b.rs → a::b.
fn module_of(rel: &str) -> Option<String> {
    let p = rel.strip_prefix("src/")?.strip_suffix(".rs")?;
    if p == "lib" || p == "main" {
        return Some(String::new());
    }
    let p = p.strip_suffix("/mod").unwrap_or(p);
    Some(p.replace('/', "::"))
}

/// The source without comments, string literals and the trailing `#[cfg(test)] mod … { }`.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with("//") {
            continue;
        }
        // Strings: crate paths in messages are not imports.
        let mut in_str = false;
        let mut prev = ' ';
        for c in line.chars() {
            if c == '"' && prev != '\\' {
                in_str = !in_str;
            } else if !in_str {
                out.push(c);
            }
            prev = c;
        }
        out.push('\n');
    }
    out
}

/// Expand a use tree (`a::{b, c::{d, e}}`) into its paths.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim().trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(join(prefix, path));
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The `crate::` paths a file's code names (without the `crate::`), and its `super::` paths
/// made absolute from `module`, the file's module path.
fn paths_of(code: &str, module: &str) -> Vec<String> {
    let mut out = crate_paths(code);
    let parent = |m: &str| {
        m.rsplit_once("::")
            .map(|(p, _)| p.to_string())
            .unwrap_or_default()
    };
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find("super::") {
        let at = from + i;
        from = at + "super::".len();
        if at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || bytes[at - 1] == b'_'
                || bytes[at - 1] == b':')
        {
            continue;
        }
        // `use super::{a, b::c}` or an inline `super::a::b`.
        let end = if code[..at].trim_end().ends_with("use") {
            code[at..].find(';').map(|e| at + e).unwrap_or(code.len())
        } else {
            at + "super::".len()
                + code[from..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(code.len() - from)
        };
        let mut base = parent(module);
        let mut rest = &code[at..end];
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
            if r.starts_with("super::") {
                base = parent(&base);
            }
        }
        let mut tree = Vec::new();
        expand(rest.trim_end_matches(':'), "", &mut tree);
        out.extend(tree.into_iter().map(|p| join(&base, &p)));
    }
    out
}

/// The `crate::` paths a file's code names (without the `crate::`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    // `use` statements, possibly over several lines.
    let mut rest = code;
    while let Some(i) = rest.find("use crate::") {
        let before = rest[..i].chars().last();
        let stmt_end = rest[i..].find(';').map(|e| i + e).unwrap_or(rest.len());
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            expand(&rest[i + "use crate::".len()..stmt_end], "", &mut out);
        }
        rest = &rest[stmt_end.min(rest.len())..];
        if rest.is_empty() {
            break;
        }
        rest = &rest[1..];
    }
    // Inline paths.
    let bytes = code.as_bytes();
    let mut from = 0;
    while let Some(i) = code[from..].find("crate::") {
        let at = from + i;
        from = at + "crate::".len();
        if at >= 4 && &code[at - 4..at] == "use " {
            continue;
        }
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let path: String = code[from..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
            .collect();
        out.push(path.trim_end_matches(':').to_string());
    }
    out
}

struct Source {
    /// rel path → module path
    modules: BTreeMap<String, String>,
    /// module path → rel path
    by_module: BTreeMap<String, String>,
    /// rel path → code (tests left out)
    code: BTreeMap<String, String>,
}

fn source() -> Source {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    let mut modules = BTreeMap::new();
    let mut by_module = BTreeMap::new();
    let mut code = BTreeMap::new();
    for p in all {
        let rel = p
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        if is_test_file(&rel) || rel.contains("/snapshots/") {
            continue;
        }
        let Some(m) = module_of(&rel) else { continue };
        let text = std::fs::read_to_string(&p).expect("read a source file");
        if rel != "src/lib.rs" && rel != "src/main.rs" {
            by_module.insert(m.clone(), rel.clone());
        }
        modules.insert(rel.clone(), m);
        code.insert(rel, code_of(&text));
    }
    Source {
        modules,
        by_module,
        code,
    }
}

impl Source {
    /// The file a `crate::` path lands in: its longest module prefix that is a file.
    fn resolve(&self, path: &str) -> Option<&str> {
        let parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
        (1..=parts.len())
            .rev()
            .find_map(|n| self.by_module.get(&parts[..n].join("::")))
            .map(String::as_str)
    }

    /// File → the files it imports through `crate::` paths (itself left out).
    fn graph(&self) -> BTreeMap<String, BTreeSet<String>> {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (file, code) in &self.code {
            if file == "src/lib.rs" || file == "src/main.rs" {
                continue;
            }
            let deps = g.entry(file.clone()).or_default();
            for p in paths_of(code, &self.modules[file]) {
                if let Some(to) = self.resolve(&p) {
                    if to != file {
                        deps.insert(to.to_string());
                    }
                }
            }
        }
        g
    }
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        on: BTreeSet<&'a str>,
        stack: Vec<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        t.index.insert(v, t.next);
        t.low.insert(v, t.next);
        t.next += 1;
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        on: BTreeSet::new(),
        stack: Vec::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn the_use_paths_are_read_and_resolved() {
    let mut out = Vec::new();
    expand(
        "office::{protocol::{Caller, Reply}, Office as O}",
        "",
        &mut out,
    );
    assert_eq!(
        out,
        [
            "office::protocol::Caller",
            "office::protocol::Reply",
            "office::Office"
        ]
    );
    let code =
        code_of("use crate::a::{b, c};\n// crate::x::y\nfn f() { crate::d::e(); \"crate::s\"; }\n");
    assert_eq!(crate_paths(&code), ["a::b", "a::c", "d::e"]);
    let src = source();
    assert_eq!(
        src.resolve("office::ops::execute"),
        Some("src/office/ops.rs")
    );
    assert_eq!(src.resolve("office::Office"), Some("src/office/mod.rs"));
    // A cycle is found.
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycles(&g), vec![vec!["a".to_string(), "b".to_string()]]);
}

#[test]
fn no_import_cycles_between_files() {
    let src = source();
    let g = src.graph();
    let mut failed = Vec::new();
    for comp in cycles(&g) {
        let tolerated = comp
            .iter()
            .all(|f| TUI_CYCLES_ALLOWED.contains(&f.as_str()));
        if tolerated {
            eprintln!(
                "TOLERATED (src/tui, left to the TUI side of issue 11): cycle {}",
                comp.join(" ↔ ")
            );
        } else {
            failed.push(comp.join(" ↔ "));
        }
    }
    assert!(failed.is_empty(), "import cycles:\n{}", failed.join("\n"));
}

#[test]
fn no_upward_import_between_layers() {
    let src = source();
    let mut upward = Vec::new();
    for (file, deps) in src.graph() {
        let Some((from, from_name)) = layer(&file) else {
            continue;
        };
        for d in deps {
            if let Some((to, to_name)) = layer(&d) {
                if to > from {
                    upward.push(format!("{file} ({from_name}) imports {d} ({to_name})"));
                }
            }
        }
    }
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

/// The operations declared in the table of src/office/ops.rs.
fn operations() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("src/office/ops.rs")).expect("ops.rs");
    let table = &text[text.find("operations! {").expect("the table")..];
    table
        .lines()
        .filter(|l| l.starts_with("    ") && !l.starts_with("     "))
        .filter_map(|l| {
            let name: String = l
                .trim()
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .collect();
            let rest = l.trim()[name.len()..].trim_start();
            (name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && (rest.starts_with('{') || rest.starts_with('(') || rest.starts_with("=>")))
            .then_some(name)
        })
        .collect()
}

/// Acceptance 1: an operation is named (`Request::Name`) in at most 4 files of src/:
/// its declaration and implementation (the table), the CLI and the TUI.
#[test]
fn each_operation_is_named_in_at_most_four_files() {
    let ops = operations();
    for must in [
        "SetInspectorStatus",
        "TaskStep",
        "TaskCorrect",
        "Verify",
        "Export",
    ] {
        assert!(ops.iter().any(|o| o == must), "{must} in {ops:?}");
    }
    let src = source();
    let mut over = Vec::new();
    for op in &ops {
        let needle = format!("Request::{op}");
        let mut named: Vec<&str> = src
            .code
            .iter()
            .filter(|(f, code)| {
                *f == "src/office/ops.rs"
                    || code.match_indices(&needle).any(|(i, _)| {
                        let word = |c: char| c.is_alphanumeric() || c == '_';
                        !code[i + needle.len()..].starts_with(word) && !code[..i].ends_with(word)
                    })
            })
            .map(|(f, _)| f.as_str())
            .collect();
        named.sort();
        if named.len() > 4 {
            over.push(format!("{op}: {}", named.join(", ")));
        }
    }
    assert!(
        over.is_empty(),
        "named in more than 4 files:\n{}",
        over.join("\n")
    );
}

#[test]
fn the_modules_are_all_mapped() {
    let src = source();
    assert!(src.modules.values().any(|m| m == "office::ops"));
    for f in src.code.keys() {
        assert!(
            layer(f).is_some() || f == "src/lib.rs",
            "{f} belongs to no layer of docs/ARCHITECTURE.md"
        );
    }
}

/// Issue 11, acceptance 6: no non-test source file of src/ over 1,000 lines. src/tui is the
/// TUI side of the issue ("screens"): its files over the limit are listed, not failed, here.
#[test]
fn no_source_file_over_a_thousand_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut all = Vec::new();
    files(&root.join("src"), &mut all);
    let mut over = Vec::new();
    for p in all {
        let rel = p
            .strip_prefix(root)
            .expect("under the crate")
            .to_string_lossy()
            .replace('\\', "/");
        if is_test_file(&rel) {
            continue;
        }
        let lines = std::fs::read_to_string(&p).expect("read").lines().count();
        if lines > 1000 {
            if rel.starts_with("src/tui/") {
                eprintln!("TOLERATED (src/tui, left to the TUI side of issue 11): {rel} has {lines} lines");
            } else {
                over.push(format!("{rel}: {lines} lines"));
            }
        }
    }
    assert!(
        over.is_empty(),
        "files over 1,000 lines:\n{}",
        over.join("\n")
    );
}
