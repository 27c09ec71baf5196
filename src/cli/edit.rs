//! `show` and `edit`: one record with its revision, and a change of some of a target's fields
//! (optimistic concurrency, issue 20: `--revision N` refuses the edit when someone else
//! changed the target since revision N).

use super::{print_text, unexpected, Conn};
use crate::i18n::Lang;
use crate::office::{ListKind, OfficeError, Reply, Request};
use clap::Subcommand;

/// What `edit` changes.
#[derive(Debug, Subcommand)]
pub enum EditWhat {
    /// A target: by id, credit code or name.
    Target {
        target: String,
        /// FIELD=VALUE, by the import header (English or Chinese, e.g. industry=水泥 or
        /// 行业类别=水泥); repeatable. An empty value clears the field. The credit code is the
        /// target's key and is not edited here.
        #[arg(long = "set", value_name = "FIELD=VALUE", required = true)]
        set: Vec<String>,
        /// The revision the edit is based on (see `show target`): refused when the target was
        /// changed since. Without it the change is read, made and written in one request.
        #[arg(long)]
        revision: Option<u64>,
        /// Print the target as saved, as JSON with its revision.
        #[arg(long)]
        json: bool,
    },
}

/// `FIELD=VALUE` pairs.
fn pairs(set: &[String], lang: Lang) -> Result<Vec<(String, String)>, OfficeError> {
    set.iter()
        .map(|s| match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
            _ => Err(OfficeError::Invalid(vec![format!(
                "--set {s}: {}",
                lang.pick("应写成 字段=值", "write it as FIELD=VALUE")
            )])),
        })
        .collect()
}

pub fn edit(conn: &mut Conn, what: &EditWhat, lang: Lang) -> Result<i32, OfficeError> {
    let EditWhat::Target {
        target,
        set,
        revision,
        json,
    } = what;
    let Reply::Target(t) = conn.call(Request::EditTarget {
        target: target.clone(),
        set: pairs(set, lang)?,
        base_revision: *revision,
    })?
    else {
        return Err(unexpected(lang));
    };
    if *json {
        return show(conn, ListKind::Targets, &t.id.to_string(), true, lang);
    }
    println!(
        "{}{} {}",
        lang.pick("已保存：检查对象 ", "saved: target "),
        t.id,
        t.name()
    );
    Ok(0)
}

pub fn show(
    conn: &mut Conn,
    kind: ListKind,
    id: &str,
    json: bool,
    lang: Lang,
) -> Result<i32, OfficeError> {
    let Reply::Text(t) = conn.call(Request::Show {
        kind,
        id: id.to_string(),
        json,
    })?
    else {
        return Err(unexpected(lang));
    };
    print_text(&t);
    Ok(0)
}
