//! Table 1 (with the settings: the city's figures, the leading group's yearly requirements)
//! and the working-day calendar, as data the office keeps in the store and can change.
//!
//! Both are TOML files (`fixtures/rules.toml`, `fixtures/calendar.toml` are the seeds). The
//! store keeps, in the tree `rules`:
//!
//! - `rules/v/<sha256>` and `calendar/v/<sha256>`: every version ever in force ([`Version`]:
//!   its number, the file's exact text, who imported it and when), keyed by the SHA-256 of
//!   the text, so `sha256sum` of an exported file names its version;
//! - `rules/current`, `calendar/current`: the hash in force;
//! - `announce/<id>` and `draw/<id>`: the rules hash an announcement froze its input under and
//!   the draw committed from it, so an old draw names (and `verify` checks) its own rules
//!   after the rules change.
//!
//! A store without them (made before this) is seeded from the compiled-in files when it is
//! opened (audited, action `rules seed`); a new store at `init`. An import checks the whole
//! file first (every problem with its line and field, nothing changed), takes an automatic
//! backup (`<store>.backups/pre-rules-…ssb`), then writes the version and the pointer in one
//! audited commit.

use super::{encode_record, Office, OfficeError};
use crate::domain::calendar::WorkingCalendar;
use crate::domain::rules::{Row, Rules};
use crate::i18n::Lang;
use crate::store::{Store, TreeName, Write};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Which file: Table 1 or the working calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RulesKind {
    Rules,
    Calendar,
}

impl RulesKind {
    fn prefix(self) -> &'static str {
        match self {
            RulesKind::Rules => "rules",
            RulesKind::Calendar => "calendar",
        }
    }
    fn seed_text(self) -> &'static str {
        match self {
            RulesKind::Rules => Rules::DEFAULT_TOML,
            RulesKind::Calendar => WorkingCalendar::DEFAULT_TOML,
        }
    }
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RulesKind::Rules => lang.pick("抽查规则（表一）", "the rules (Table 1)"),
            RulesKind::Calendar => lang.pick("工作日历", "the working calendar"),
        }
    }
}

/// One version of the rules or the calendar, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub kind: RulesKind,
    /// 1 for the seed, then one more for each new text imported.
    pub number: u32,
    /// SHA-256 of `text`, hex.
    pub hash: String,
    /// The file's name as imported (`rules.toml` for the seed).
    pub file: String,
    pub text: String,
    pub time: String,
    pub by: String,
}

/// `shuangsui rules …` / `shuangsui calendar …`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum RulesRequest {
    /// What is in force, and every version.
    Show { kind: RulesKind },
    /// The text in force, or of version `version` (the rules an old draw used).
    Export {
        kind: RulesKind,
        #[serde(default)]
        version: Option<u32>,
    },
    /// Check `text`, then (unless `dry_run`) make it the version in force.
    Import {
        kind: RulesKind,
        name: String,
        text: String,
        dry_run: bool,
    },
}

impl RulesRequest {
    pub fn is_write(&self) -> bool {
        matches!(self, RulesRequest::Import { dry_run: false, .. })
    }
}

/// The answer to a [`RulesRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RulesReply {
    pub kind: RulesKind,
    /// The version in force after the request.
    pub number: u32,
    pub hash: String,
    /// Every stored version (number, hash, file, time, by), oldest first.
    pub versions: Vec<(u32, String, String, String, String)>,
    /// `Export`: the text in force.
    pub text: Option<String>,
    /// `Show`: the contents in force, for reading.
    pub listing: String,
    /// `Import`: what changes (or would, with `--dry-run`), one line each.
    pub changes: Vec<String>,
    /// Whether the store was changed.
    pub written: bool,
    /// The automatic backup taken before the import.
    pub backup: Option<String>,
}

/// What the office holds in memory of the rules and the calendar.
#[derive(Debug, Clone)]
pub(crate) struct RuleBook {
    pub rules: Arc<Rules>,
    pub calendar: Arc<WorkingCalendar>,
    /// The hash in force per kind, and whether it is in the store yet (a new store before
    /// `init` runs on the compiled-in files without storing them).
    current: HashMap<RulesKind, (String, bool)>,
    versions: BTreeMap<(RulesKind, String), Version>,
    /// Announcement id → rules hash its input was built under.
    announced: HashMap<u64, String>,
    /// Draw id → rules hash.
    drawn: HashMap<u64, String>,
}

fn sha_hex(text: &str) -> String {
    hex::encode(crate::store::sha256(text.as_bytes()))
}

fn id_key(what: &str, id: u64) -> Vec<u8> {
    format!("{what}/{id:012}").into_bytes()
}

fn id_of(key: &str, what: &str) -> Option<u64> {
    key.strip_prefix(what)?.strip_prefix('/')?.parse().ok()
}

fn current_key(kind: RulesKind) -> Vec<u8> {
    format!("{}/current", kind.prefix()).into_bytes()
}

fn version_key(kind: RulesKind, hash: &str) -> Vec<u8> {
    format!("{}/v/{hash}", kind.prefix()).into_bytes()
}

fn corrupt(what: String) -> OfficeError {
    OfficeError::Corrupt(what)
}

impl RuleBook {
    /// Read the tree `rules`; what it lacks is the compiled-in file (not stored).
    pub(crate) fn load(store: &Store) -> Result<RuleBook, OfficeError> {
        let mut current: HashMap<RulesKind, (String, bool)> = HashMap::new();
        let mut versions = BTreeMap::new();
        let mut announced = HashMap::new();
        let mut drawn = HashMap::new();
        for kv in store.tree(TreeName::Rules).iter() {
            let (k, v) = kv.map_err(|e| crate::store::StoreError::Sled(e.to_string()))?;
            let key = String::from_utf8_lossy(&k).into_owned();
            if let Some(id) = id_of(&key, "draw") {
                drawn.insert(id, Store::decode_value(TreeName::Rules, &k, &v)?);
            } else if let Some(id) = id_of(&key, "announce") {
                announced.insert(id, Store::decode_value(TreeName::Rules, &k, &v)?);
            } else if key.ends_with("/current") {
                let hash: String = Store::decode_value(TreeName::Rules, &k, &v)?;
                let kind = if key.starts_with("calendar") {
                    RulesKind::Calendar
                } else {
                    RulesKind::Rules
                };
                current.insert(kind, (hash, true));
            } else {
                let ver: Version = Store::decode_value(TreeName::Rules, &k, &v)?;
                versions.insert((ver.kind, ver.hash.clone()), ver);
            }
        }
        for kind in [RulesKind::Rules, RulesKind::Calendar] {
            current
                .entry(kind)
                .or_insert_with(|| (sha_hex(kind.seed_text()), false));
        }
        let text_of = |kind: RulesKind| -> Result<String, OfficeError> {
            let (hash, stored) = &current[&kind];
            if !stored {
                return Ok(kind.seed_text().to_string());
            }
            versions
                .get(&(kind, hash.clone()))
                .map(|v: &Version| v.text.clone())
                .ok_or_else(|| {
                    corrupt(format!("{}/current names a missing version", kind.prefix()))
                })
        };
        let rules = Rules::from_toml_str(&text_of(RulesKind::Rules)?, "rules.toml")
            .map_err(|e| corrupt(format!("stored rules: {e}")))?;
        let calendar =
            WorkingCalendar::from_toml_str(&text_of(RulesKind::Calendar)?, "calendar.toml")
                .map_err(|e| corrupt(format!("stored calendar: {e}")))?;
        Ok(RuleBook {
            rules: Arc::new(rules),
            calendar: Arc::new(calendar),
            current,
            versions,
            announced,
            drawn,
        })
    }

    fn hash(&self, kind: RulesKind) -> &str {
        &self.current[&kind].0
    }

    fn is_stored(&self, kind: RulesKind) -> bool {
        self.current[&kind].1
    }

    fn version(&self, kind: RulesKind, hash: &str) -> Option<&Version> {
        self.versions.get(&(kind, hash.to_string()))
    }

    fn next_number(&self, kind: RulesKind) -> u32 {
        self.versions.keys().filter(|(k, _)| *k == kind).count() as u32 + 1
    }

    /// The writes that put the compiled-in file of `kind` in the store as version 1, when
    /// nothing of that kind is stored yet.
    fn seed_writes(&self, kind: RulesKind, by: &str) -> Result<Vec<(Write, Version)>, OfficeError> {
        if self.is_stored(kind) {
            return Ok(Vec::new());
        }
        let text = kind.seed_text();
        let v = Version {
            kind,
            number: self.next_number(kind),
            hash: sha_hex(text),
            file: format!("{}.toml", kind.prefix()),
            text: text.to_string(),
            time: crate::store::audit::now_text(),
            by: by.to_string(),
        };
        Ok(vec![(
            encode_record(TreeName::Rules, version_key(kind, &v.hash), &v)?,
            v,
        )])
    }

    /// Take a committed version and pointer into memory.
    fn apply(&mut self, v: Version) {
        self.current.insert(v.kind, (v.hash.clone(), true));
        self.versions.insert((v.kind, v.hash.clone()), v);
    }
}

/// What changed between two rules, one line each.
fn rules_changes(old: &Rules, new: &Rules, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let describe = |r: &Row| {
        format!(
            "{} {} {} {} {} {} {} {}",
            r.class.label(),
            r.group.label(lang),
            r.cycle.frequency(lang),
            r.ratio_text(lang),
            r.level.label(lang),
            r.condition.key(),
            lang.pick("优先级", "priority"),
            r.priority
        )
    };
    for r in new.rows() {
        match old.row(&r.id) {
            None => out.push(format!("+ {} {}", r.id, describe(r))),
            Some(o) if o != r => {
                let (a, b) = (describe(o), describe(r));
                if a == b {
                    out.push(format!("~ {}: {}", r.id, lang.pick("名称", "names")));
                } else {
                    out.push(format!("~ {}: {a} → {b}", r.id));
                }
            }
            Some(_) => {}
        }
    }
    for o in old.rows() {
        if new.row(&o.id).is_none() {
            out.push(format!("- {} {}", o.id, describe(o)));
        }
    }
    let (a, b) = (old.settings(), new.settings());
    if a != b {
        let (ja, jb) = (
            serde_json::to_value(a).unwrap_or_default(),
            serde_json::to_value(b).unwrap_or_default(),
        );
        if let (Some(ma), Some(mb)) = (ja.as_object(), jb.as_object()) {
            for (k, vb) in mb {
                if ma.get(k) != Some(vb) {
                    let va = ma.get(k).map(|v| v.to_string()).unwrap_or_default();
                    out.push(format!("~ settings.{k}: {va} → {vb}"));
                }
            }
        }
    }
    out
}

/// What changed between two calendars, one line per year.
fn calendar_changes(old: &WorkingCalendar, new: &WorkingCalendar, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let count = |y: &crate::domain::calendar::CalendarYear| {
        let days: i64 = y
            .holidays
            .iter()
            .map(|(a, b)| (*b - *a).num_days() + 1)
            .sum();
        match lang {
            Lang::Zh => format!("放假 {days} 天，调休上班 {} 天", y.workdays.len()),
            Lang::En => format!("{days} days off, {} make-up working days", y.workdays.len()),
        }
    };
    let old_years: BTreeMap<i32, _> = old.years().map(|y| (y.year, y)).collect();
    let new_years: BTreeMap<i32, _> = new.years().map(|y| (y.year, y)).collect();
    for (year, y) in &new_years {
        match old_years.get(year) {
            None => out.push(format!("+ {year}: {}（{}）", y.source, count(y))),
            Some(o) if o != y => out.push(format!("~ {year}: {} → {}", count(o), count(y))),
            Some(_) => {}
        }
    }
    for (year, o) in &old_years {
        if !new_years.contains_key(year) {
            out.push(format!("- {year}: {}", o.source));
        }
    }
    out
}

fn rules_listing(r: &Rules, lang: Lang) -> String {
    let mut s = String::new();
    for row in r.rows() {
        s.push_str(&format!(
            "{:<4} {} {:<6} {:<12} {}  {}  {}\n",
            row.id,
            row.class.label(),
            row.cycle.frequency(lang),
            row.ratio_text(lang),
            row.level.label(lang),
            row.condition.key(),
            row.short(lang)
        ));
    }
    let st = r.settings();
    s.push_str(&match lang {
        Lang::Zh => format!(
            "内部联合不低于 {}%；部门联合每年 {} 次、{} 个部门；检查组 {} 人；每人每{}最多 {} 项\n",
            st.internal_joint_min_percent,
            st.inter_department_draws_per_year,
            st.inter_department_departments_per_year,
            st.default_team_size,
            st.workload_cap_cycle.frequency(lang),
            st.workload_cap
        ),
        Lang::En => format!(
            "internal joint at least {}%; inter-department {} draws and {} departments a year; teams of {}; at most {} tasks per inspector per {}\n",
            st.internal_joint_min_percent,
            st.inter_department_draws_per_year,
            st.inter_department_departments_per_year,
            st.default_team_size,
            st.workload_cap,
            st.workload_cap_cycle.key()
        ),
    });
    s
}

fn calendar_listing(c: &WorkingCalendar, _lang: Lang) -> String {
    c.years()
        .map(|y| format!("{}  {}\n", y.year, y.source))
        .collect()
}

impl Office {
    pub(crate) fn rule_book(&self) -> Arc<RuleBook> {
        self.rule_book.get()
    }

    /// Table 1 and the settings in force (from the store; the compiled-in file only in a new
    /// store before `init`).
    pub fn rules(&self) -> Arc<Rules> {
        Arc::clone(&self.rule_book.get().rules)
    }

    /// The working-day calendar in force (from the store, like [`Office::rules`]).
    pub fn calendar(&self) -> Arc<WorkingCalendar> {
        Arc::clone(&self.rule_book.get().calendar)
    }

    /// Put the compiled-in rules and calendar in the store when it has none (at `init`, and
    /// at the first open of a store made before they were stored): one audited commit, which
    /// also records that the draws already made were made under them.
    pub fn ensure_rules_stored(&self) -> Result<(), OfficeError> {
        let mut rb = self.rule_book.write();
        let by = self.user();
        let mut seeded = rb.seed_writes(RulesKind::Rules, &by)?;
        seeded.extend(rb.seed_writes(RulesKind::Calendar, &by)?);
        if seeded.is_empty() {
            return Ok(());
        }
        let mut writes = Vec::new();
        for (w, v) in &seeded {
            writes.push(w.clone());
            writes.push(encode_record(
                TreeName::Rules,
                current_key(v.kind),
                &v.hash,
            )?);
        }
        let rules_hash = rb.hash(RulesKind::Rules).to_string();
        let book = self.book();
        let mut drawn = Vec::new();
        for d in book.draws.iter().filter(|d| !rb.drawn.contains_key(&d.id)) {
            writes.push(encode_record(
                TreeName::Rules,
                id_key("draw", d.id),
                &rules_hash,
            )?);
            drawn.push(d.id);
        }
        let summary = format!(
            "规则与日历存入数据库（内置文件）：{}；既有抽取 {} 次按此规则",
            seeded
                .iter()
                .map(|(_, v)| format!("{} v{} sha256 {}", v.kind.prefix(), v.number, v.hash))
                .collect::<Vec<_>>()
                .join("，"),
            drawn.len()
        );
        self.commit("rules seed", summary, writes)?;
        for (_, v) in seeded {
            rb.apply(v);
        }
        for id in drawn {
            rb.drawn.insert(id, rules_hash.clone());
        }
        Ok(())
    }

    /// The writes that record the rules an announcement `id` freezes its input under (and
    /// put those rules in the store if they are not yet: every version used stays there).
    pub(crate) fn rules_used_by_announcement(
        &self,
        id: u64,
    ) -> Result<(Vec<Write>, Vec<Version>), OfficeError> {
        let rb = self.rule_book();
        let mut writes = Vec::new();
        let mut versions = Vec::new();
        for (w, v) in rb.seed_writes(RulesKind::Rules, &self.user())? {
            writes.push(w);
            writes.push(encode_record(
                TreeName::Rules,
                current_key(v.kind),
                &v.hash,
            )?);
            versions.push(v);
        }
        let hash = rb.hash(RulesKind::Rules).to_string();
        writes.push(encode_record(
            TreeName::Rules,
            id_key("announce", id),
            &hash,
        )?);
        Ok((writes, versions))
    }

    /// After the announcement's commit: take what [`Office::rules_used_by_announcement`]
    /// wrote into memory.
    pub(crate) fn note_announcement_rules(&self, id: u64, versions: Vec<Version>) {
        let mut rb = self.rule_book.write();
        for v in versions {
            rb.apply(v);
        }
        let hash = rb.hash(RulesKind::Rules).to_string();
        rb.announced.insert(id, hash);
    }

    /// The rules hash announcement `announcement` was made under (the rules in force for an
    /// announcement made before they were recorded).
    fn announcement_rules(&self, announcement: u64) -> String {
        let rb = self.rule_book();
        rb.announced
            .get(&announcement)
            .cloned()
            .unwrap_or_else(|| rb.hash(RulesKind::Rules).to_string())
    }

    /// The write recording that draw `draw` was committed from `announcement` (under its
    /// rules), and the hash.
    pub(crate) fn rules_used_by_draw(
        &self,
        announcement: u64,
        draw: u64,
    ) -> Result<(Write, String), OfficeError> {
        let hash = self.announcement_rules(announcement);
        Ok((
            encode_record(TreeName::Rules, id_key("draw", draw), &hash)?,
            hash,
        ))
    }

    /// After the draw's commit.
    pub(crate) fn note_draw_rules(&self, draw: u64, hash: String) {
        self.rule_book.write().drawn.insert(draw, hash);
    }

    /// The rules version draw `draw` was made under: (number, hash); `None` for a draw that
    /// has none recorded.
    pub fn rules_of_draw(&self, draw: u64) -> Option<(u32, String)> {
        let rb = self.rule_book();
        let hash = rb.drawn.get(&draw)?;
        let number = rb.version(RulesKind::Rules, hash).map_or(0, |v| v.number);
        Some((number, hash.clone()))
    }

    /// `verify` of a draw against its own rules: the version it names is in the store, its
    /// text still has that hash and reads, and every stratum of the frozen input is a row of
    /// it. A draw with no rules recorded passes (it was made before rules were recorded).
    pub(crate) fn check_draw_rules(&self, d: &super::DrawRecord) -> Result<(), String> {
        draw_rules_check(&self.rule_book(), d, self.lang())
    }

    /// Replace the calendar in memory only (tests of a calendar lacking a year).
    #[cfg(test)]
    pub(crate) fn set_calendar_for_test(&self, cal: WorkingCalendar) {
        self.rule_book.write().calendar = Arc::new(cal);
    }

    /// `shuangsui rules|calendar show|export|import`.
    pub fn rules_request(&self, req: RulesRequest) -> Result<RulesReply, OfficeError> {
        let lang = self.lang();
        match req {
            RulesRequest::Show { kind } => Ok(self.rules_reply(kind, lang)),
            RulesRequest::Export { kind, version } => {
                let mut r = self.rules_reply(kind, lang);
                r.listing.clear();
                let Some(n) = version else {
                    r.text = Some(self.text_in_force(kind));
                    return Ok(r);
                };
                let rb = self.rule_book();
                let v = rb
                    .versions
                    .values()
                    .find(|v| v.kind == kind && v.number == n)
                    .ok_or_else(|| OfficeError::NotFound(format!("{} v{n}", kind.prefix())))?;
                (r.number, r.hash, r.text) = (n, v.hash.clone(), Some(v.text.clone()));
                Ok(r)
            }
            RulesRequest::Import {
                kind,
                name,
                text,
                dry_run,
            } => self.import_rules(kind, &name, &text, dry_run),
        }
    }

    fn text_in_force(&self, kind: RulesKind) -> String {
        let rb = self.rule_book();
        rb.version(kind, rb.hash(kind))
            .map(|v| v.text.clone())
            .unwrap_or_else(|| kind.seed_text().to_string())
    }

    fn rules_reply(&self, kind: RulesKind, lang: Lang) -> RulesReply {
        let rb = self.rule_book();
        let hash = rb.hash(kind).to_string();
        let mut versions: Vec<&Version> = rb.versions.values().filter(|v| v.kind == kind).collect();
        versions.sort_by_key(|v| v.number);
        RulesReply {
            kind,
            number: rb.version(kind, &hash).map_or(0, |v| v.number),
            hash,
            versions: versions
                .iter()
                .map(|v| {
                    (
                        v.number,
                        v.hash.clone(),
                        v.file.clone(),
                        v.time.clone(),
                        v.by.clone(),
                    )
                })
                .collect(),
            text: None,
            listing: match kind {
                RulesKind::Rules => rules_listing(&rb.rules, lang),
                RulesKind::Calendar => calendar_listing(&rb.calendar, lang),
            },
            changes: Vec::new(),
            written: false,
            backup: None,
        }
    }

    fn import_rules(
        &self,
        kind: RulesKind,
        name: &str,
        text: &str,
        dry_run: bool,
    ) -> Result<RulesReply, OfficeError> {
        let lang = self.lang();
        let rb = self.rule_book();
        let changes = match kind {
            RulesKind::Rules => {
                let new = Rules::parse_all(text, name).map_err(|all| {
                    OfficeError::Invalid(all.iter().map(|e| e.localize(lang)).collect())
                })?;
                rules_changes(&rb.rules, &new, lang)
            }
            RulesKind::Calendar => {
                let new = WorkingCalendar::parse_all(text, name).map_err(|all| {
                    OfficeError::Invalid(all.iter().map(|e| e.localize(lang)).collect())
                })?;
                calendar_changes(&rb.calendar, &new, lang)
            }
        };
        let hash = sha_hex(text);
        let mut reply = self.rules_reply(kind, lang);
        reply.changes = changes;
        if dry_run || (hash == rb.hash(kind) && rb.is_stored(kind)) {
            return Ok(reply);
        }
        drop(rb);
        // An automatic backup first (issue 20); without it, nothing is changed.
        let stamp = chrono::Local::now().format("%Y%m%d%H%M%S%3f");
        let dir = crate::store::rotate::dir_for(&self.store_path());
        let file = dir.join(format!("pre-{}-{stamp}.ssb", kind.prefix()));
        std::fs::create_dir_all(&dir)
            .map_err(|e| OfficeError::Refused(format!("{}: {e}", dir.display())))?;
        self.backup(&file)?;

        let mut rb = self.rule_book.write();
        let mut writes = Vec::new();
        let mut seeded = Vec::new();
        // The version in force so far stays on record (a new store before init).
        for (w, v) in rb.seed_writes(kind, &self.user())? {
            writes.push(w);
            seeded.push(v);
        }
        let v = match rb.version(kind, &hash) {
            Some(v) => v.clone(),
            None => {
                let v = Version {
                    kind,
                    number: rb.next_number(kind) + seeded.len() as u32,
                    hash: hash.clone(),
                    file: name.to_string(),
                    text: text.to_string(),
                    time: crate::store::audit::now_text(),
                    by: self.user(),
                };
                writes.push(encode_record(
                    TreeName::Rules,
                    version_key(kind, &hash),
                    &v,
                )?);
                v
            }
        };
        writes.push(encode_record(TreeName::Rules, current_key(kind), &hash)?);
        let summary = format!(
            "导入{} {}：v{}，sha256 {}，备份 {}；{}",
            kind.label(Lang::Zh),
            name,
            v.number,
            hash,
            file.display(),
            if reply.changes.is_empty() {
                "内容无变化".to_string()
            } else {
                reply.changes.join("；")
            }
        );
        self.commit(&format!("{} import", kind.prefix()), summary, writes)?;
        for s in seeded {
            rb.apply(s);
        }
        let rules_text = (kind == RulesKind::Rules).then(|| v.text.clone());
        let cal_text = (kind == RulesKind::Calendar).then(|| v.text.clone());
        rb.apply(v);
        // Checked above; parsed again only to build the value in force.
        if let Some(t) = rules_text {
            rb.rules =
                Arc::new(Rules::from_toml_str(&t, name).map_err(|e| corrupt(e.to_string()))?);
        }
        if let Some(t) = cal_text {
            rb.calendar = Arc::new(
                WorkingCalendar::from_toml_str(&t, name).map_err(|e| corrupt(e.to_string()))?,
            );
        }
        drop(rb);
        let mut out = self.rules_reply(kind, lang);
        out.changes = reply.changes;
        out.written = true;
        out.backup = Some(file.display().to_string());
        Ok(out)
    }
}

/// [`Office::check_draw_rules`] on a rule book (also without an office: `verify_all_at`).
pub(crate) fn draw_rules_check(
    rb: &RuleBook,
    d: &super::DrawRecord,
    lang: Lang,
) -> Result<(), String> {
    let Some(hash) = rb.drawn.get(&d.id) else {
        return Ok(());
    };
    let fail = |zh: String, en: String| {
        Err(format!(
            "{} #{}: {}",
            lang.pick("抽取", "draw"),
            d.id,
            lang.pick(&zh, &en)
        ))
    };
    let short = &hash[..hash.len().min(16)];
    let Some(v) = rb.version(RulesKind::Rules, hash) else {
        return fail(
            format!("所用规则版本（sha256 {short}…）不在数据库中"),
            format!("its rules version (sha256 {short}…) is not in the store"),
        );
    };
    if sha_hex(&v.text) != *hash {
        return fail(
            format!("所用规则 v{} 的文本与其哈希不符", v.number),
            format!(
                "the text of its rules v{} does not match its hash",
                v.number
            ),
        );
    }
    let rules = match Rules::from_toml_str(&v.text, &v.file) {
        Ok(r) => r,
        Err(e) => return fail(e.localize(Lang::Zh), e.localize(Lang::En)),
    };
    if let Some(s) = d.input.strata.iter().find(|s| rules.row(&s.row).is_none()) {
        return fail(
            format!("分层 {} 不在其所用规则 v{} 中", s.row, v.number),
            format!("stratum {} is not a row of its rules v{}", s.row, v.number),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests;
