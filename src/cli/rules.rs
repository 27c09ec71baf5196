//! `shuangsui rules show|export FILE|import FILE` and `shuangsui calendar show|export
//! FILE|import FILE`: Table 1 and the working calendar in the store (see `office::rules`).

use super::{print_json, unexpected, Conn};
use crate::i18n::Lang;
use crate::office::rules::{RulesKind, RulesReply, RulesRequest};
use crate::office::{OfficeError, Reply, Request};
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// The largest rules or calendar file read.
const MAX_FILE: u64 = 1 << 20;

#[derive(Debug, Clone, Subcommand)]
pub enum RulesAction {
    /// What is in force, and every version on record.
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Write the file in force (byte for byte as imported) to FILE, to edit and import.
    Export {
        file: PathBuf,
        /// An older version instead (see `show`; `draw record N` names a draw's).
        #[arg(long)]
        version: Option<u32>,
    },
    /// Check FILE (every problem with its line and field, nothing changed), back the store
    /// up, then make FILE the version in force in one audited commit.
    Import {
        file: PathBuf,
        /// Show what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn read_text(file: &Path, lang: Lang) -> Result<String, OfficeError> {
    let refuse = |why: String| OfficeError::Invalid(vec![format!("{}: {why}", file.display())]);
    let len = std::fs::metadata(file)
        .map_err(|e| {
            refuse(format!(
                "{}{e}",
                lang.pick("无法读取文件：", "cannot read the file: ")
            ))
        })?
        .len();
    if len > MAX_FILE {
        return Err(refuse(match lang {
            Lang::Zh => format!("文件有 {len} 字节，超过上限 {MAX_FILE}"),
            Lang::En => format!("the file has {len} bytes, more than the limit of {MAX_FILE}"),
        }));
    }
    let bytes = std::fs::read(file).map_err(|e| {
        refuse(format!(
            "{}{e}",
            lang.pick("无法读取文件：", "cannot read the file: ")
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        refuse(
            lang.pick("文件不是 UTF-8 编码的文本", "the file is not UTF-8 text")
                .into(),
        )
    })
}

fn call(conn: &mut Conn, req: RulesRequest, lang: Lang) -> Result<RulesReply, OfficeError> {
    match conn.call(Request::Rules(req))? {
        Reply::Rules(r) => Ok(*r),
        _ => Err(unexpected(lang)),
    }
}

fn head(r: &RulesReply, lang: Lang) -> String {
    format!("{} v{}（sha256 {}）", r.kind.label(lang), r.number, r.hash)
        .replace("（", lang.pick("（", " ("))
        .replace("）", lang.pick("）", ")"))
}

/// Run `rules …` (`kind` Rules) or `calendar …` (`kind` Calendar).
pub fn run(
    conn: &mut Conn,
    kind: RulesKind,
    action: &RulesAction,
    lang: Lang,
) -> Result<i32, OfficeError> {
    match action {
        RulesAction::Show { json } => {
            let r = call(conn, RulesRequest::Show { kind }, lang)?;
            if *json {
                print_json(&r)?;
                return Ok(0);
            }
            let in_store = if r.number == 0 {
                lang.pick(
                    "（内置文件，尚未存入数据库：运行 shuangsui init）",
                    " (the compiled-in file, not yet in the store: run shuangsui init)",
                )
            } else {
                ""
            };
            println!("{}{in_store}", head(&r, lang));
            print!("{}", r.listing);
            println!("{}", lang.pick("历次版本：", "versions:"));
            for (n, hash, file, time, by) in &r.versions {
                let mark = if *hash == r.hash { "*" } else { " " };
                println!("{mark} v{n}  {time}  {by}  {file}  sha256 {hash}");
            }
            Ok(0)
        }
        RulesAction::Export { file, version } => {
            let version = *version;
            let r = call(conn, RulesRequest::Export { kind, version }, lang)?;
            let text = r.text.clone().unwrap_or_default();
            std::fs::write(file, text.as_bytes()).map_err(|e| {
                OfficeError::Refused(format!(
                    "{}: {}{e}",
                    file.display(),
                    lang.pick("无法写入文件：", "cannot write the file: ")
                ))
            })?;
            println!(
                "{}{} → {}",
                lang.pick("已导出 ", "exported "),
                head(&r, lang),
                file.display()
            );
            Ok(0)
        }
        RulesAction::Import { file, dry_run } => {
            let text = read_text(file, lang)?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| file.display().to_string());
            let r = call(
                conn,
                RulesRequest::Import {
                    kind,
                    name,
                    text,
                    dry_run: *dry_run,
                },
                lang,
            )?;
            if r.written {
                println!(
                    "{}{}",
                    lang.pick("已导入，现行 ", "imported; in force: "),
                    head(&r, lang)
                );
                if let Some(b) = &r.backup {
                    println!(
                        "{}{b}",
                        lang.pick("导入前的自动备份：", "automatic backup before the import: ")
                    );
                }
            } else if *dry_run {
                println!(
                    "{}",
                    lang.pick(
                        "预演（--dry-run）：文件检查通过，未写入任何内容。将发生的变化：",
                        "dry run: the file checks out; nothing was written. What would change:"
                    )
                );
            } else {
                println!(
                    "{}{}",
                    lang.pick(
                        "文件与现行版本相同，未做任何修改：",
                        "the file is the version in force; nothing was changed: "
                    ),
                    head(&r, lang)
                );
            }
            if r.changes.is_empty() && (r.written || *dry_run) {
                println!("{}", lang.pick("（内容无变化）", "(no change in content)"));
            }
            for c in &r.changes {
                println!("  {c}");
            }
            Ok(0)
        }
    }
}
