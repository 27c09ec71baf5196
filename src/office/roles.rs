//! Who may do what: the roles file.
//!
//! ```toml
//! # <store>/../roles.toml (or --roles FILE, env SHUANGSUI_ROLES)
//! default = "viewer"          # anyone not named below (omit: no access at all)
//!
//! [users]                     # OS user → role; a user entry wins over the groups
//! zhang = "director"
//! wang = "office"
//! li = "inspector"
//!
//! [groups]                    # OS group → role; the highest of the user's groups applies
//! shuangsui-office = "office"
//! shuangsui = "viewer"
//!
//! [inspectors]                # OS user → the inspector they are (certificate number or name)
//! li = "530125221001"
//! ```
//!
//! Roles, from least to most: viewer (reads), inspector (reads; records the steps of the tasks
//! whose team holds the inspector mapped to them), office (draws, registries, plans, results,
//! exports, backups), director (everything, including voiding draws). Without a roles file
//! everyone is director: the single-user office.

use crate::i18n::Lang;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Inspector,
    Office,
    Director,
}

impl Role {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Viewer => lang.pick("查阅人员（viewer）", "viewer"),
            Role::Inspector => lang.pick("检查人员（inspector）", "inspector"),
            Role::Office => lang.pick("科室经办（office）", "office"),
            Role::Director => lang.pick("分管领导（director）", "director"),
        }
    }
}

/// The roles file, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    #[serde(default)]
    pub default: Option<Role>,
    #[serde(default)]
    pub users: BTreeMap<String, Role>,
    #[serde(default)]
    pub groups: BTreeMap<String, Role>,
    /// OS user → certificate number or name of the inspector they are.
    #[serde(default)]
    pub inspectors: BTreeMap<String, String>,
}

/// The largest roles file read.
pub const MAX_ROLES_FILE: u64 = 1 << 20;

/// A roles file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RolesError {
    pub file: String,
    pub why: String,
}

impl RolesError {
    pub fn localize(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => format!("角色文件 {} 有误：{}", self.file, self.why),
            Lang::En => format!("roles file {} is invalid: {}", self.file, self.why),
        }
    }
}

impl Roles {
    pub fn parse(text: &str, file: &str) -> Result<Roles, RolesError> {
        toml::from_str(text).map_err(|e| RolesError {
            file: file.into(),
            why: e.to_string(),
        })
    }

    /// Read `file` (at most [`MAX_ROLES_FILE`] bytes); `Ok(None)` when it does not exist and
    /// was not named explicitly (everyone is director). A file named with `--roles` (or
    /// `SHUANGSUI_ROLES`) that does not exist is an error: a typo must not make everyone
    /// director.
    pub fn load(file: &Path, explicit: bool) -> Result<Option<Roles>, RolesError> {
        let err = |why: String| RolesError {
            file: file.display().to_string(),
            why,
        };
        match crate::office::read_limited(file, MAX_ROLES_FILE) {
            Ok(text) => Roles::parse(&text, &file.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(err(
                "文件不存在（--roles 指定的角色文件必须存在）/ no such file (a roles file named with --roles must exist)".into(),
            )),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Every `[inspectors]` entry must name an inspector by certificate number: names are
    /// ambiguous (two inspectors may share one), so a name is refused with a message.
    pub fn check_inspectors(
        &self,
        inspectors: &[crate::domain::inspector::Inspector],
        file: &Path,
    ) -> Result<(), RolesError> {
        for (user, key) in &self.inspectors {
            if inspectors.iter().any(|p| p.certificate_no == *key) {
                continue;
            }
            if inspectors.iter().any(|p| p.name == *key) {
                return Err(RolesError {
                    file: file.display().to_string(),
                    why: format!(
                        "[inspectors] {user} = \"{key}\" 是姓名：请按执法证号映射（姓名可能重名）/ \"{key}\" is a name: map {user} by certificate number (names are ambiguous)"
                    ),
                });
            }
        }
        Ok(())
    }

    /// The role of a caller: their user entry, else the highest of their groups' roles, else
    /// the default; `None`: no access.
    pub fn role_of(&self, user: &str, groups: &[String]) -> Option<Role> {
        if let Some(r) = self.users.get(user) {
            return Some(*r);
        }
        groups
            .iter()
            .filter_map(|g| self.groups.get(g))
            .max()
            .copied()
            .or(self.default)
    }
}

/// The default roles file of a store: `roles.toml` beside the store directory.
pub fn default_roles_path(db: &Path) -> std::path::PathBuf {
    db.parent()
        .map(|p| p.join("roles.toml"))
        .unwrap_or_else(|| std::path::PathBuf::from("roles.toml"))
}

/// The name of a uid and its groups (primary and supplementary) from /etc/passwd and
/// /etc/group; the name is `uid N` when the uid has no entry.
pub fn user_and_groups(uid: u32) -> (String, Vec<String>) {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let group = std::fs::read_to_string("/etc/group").unwrap_or_default();
    let mut name = None;
    let mut gid = None;
    for l in passwd.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() >= 4 && f[2] == uid.to_string() {
            name = Some(f[0].to_string());
            gid = Some(f[3].to_string());
            break;
        }
    }
    let name = name.unwrap_or_else(|| format!("uid {uid}"));
    let mut groups = Vec::new();
    for l in group.lines() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 4 {
            continue;
        }
        let member = f[3].split(',').any(|m| m.trim() == name);
        if member || gid.as_deref() == Some(f[2]) {
            groups.push(f[0].to_string());
        }
    }
    (name, groups)
}

/// The current process's user and groups, from its real uid (never the environment).
#[cfg(unix)]
pub fn current_caller_identity() -> (String, Vec<String>) {
    user_and_groups(crate::store::audit::real_uid())
}

#[cfg(not(unix))]
pub fn current_caller_identity() -> (String, Vec<String>) {
    (crate::store::audit::os_user(), Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
default = "viewer"
[users]
zhang = "director"
li = "inspector"
[groups]
office = "office"
audit = "viewer"
[inspectors]
li = "530125221001"
"#;

    #[test]
    fn user_entry_wins_then_highest_group_then_default() {
        let r = Roles::parse(FILE, "t").unwrap();
        assert_eq!(r.role_of("zhang", &[]), Some(Role::Director));
        // A user entry wins even over a higher group.
        assert_eq!(r.role_of("li", &["office".into()]), Some(Role::Inspector));
        assert_eq!(
            r.role_of("wang", &["audit".into(), "office".into()]),
            Some(Role::Office)
        );
        assert_eq!(r.role_of("nobody", &[]), Some(Role::Viewer));
        let no_default = Roles::parse("[users]\na = \"office\"\n", "t").unwrap();
        assert_eq!(no_default.role_of("b", &[]), None);
        assert_eq!(
            r.inspectors.get("li").map(String::as_str),
            Some("530125221001")
        );
    }

    #[test]
    fn a_bad_file_is_refused_with_its_name() {
        let e = Roles::parse("[users]\na = \"boss\"\n", "/etc/x/roles.toml").unwrap_err();
        assert!(e.localize(Lang::Zh).contains("/etc/x/roles.toml"));
        let e = Roles::parse("colour = 1\n", "f").unwrap_err();
        assert!(e.why.contains("colour"), "{}", e.why);
    }

    #[test]
    fn missing_file_means_no_roles() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Roles::load(&dir.path().join("roles.toml"), false).unwrap(),
            None
        );
        assert_eq!(
            default_roles_path(&dir.path().join("store")),
            dir.path().join("roles.toml")
        );
    }

    #[test]
    fn root_is_found_in_passwd() {
        let (name, _) = user_and_groups(0);
        assert_eq!(name, "root");
        let (name, groups) = user_and_groups(4_000_000_000);
        assert_eq!(name, "uid 4000000000");
        assert!(groups.is_empty());
    }
}
