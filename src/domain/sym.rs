//! Interned text for the fields that take few distinct values (a target's town, industry, grades,
//! pollutants and tags; a task's period and Table 1 row): a [`Sym`] is a 4-byte number naming a string kept once for the whole
//! process, a [`SymList`] a 4-byte number naming a list of them kept once. A million targets
//! name a few dozen towns and industries: the registry holds each once instead of a million
//! small heap strings (issue 17, "Memory").
//!
//! Both serialize exactly like the `String` and `Vec<String>` they replace (a string; a sequence
//! of strings), so the stored chunks and every JSON reply are unchanged, and both deref to
//! `&str` / `&[Sym]`.
//!
//! Interned values live until the process ends: the table grows only with distinct values, which
//! are few in these fields. Reading one is lock-free (a table of segments that never move);
//! interning takes a lock only the first time a thread meets a value (each thread keeps its own
//! cache), so decoding chunks in parallel does not contend.

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// An append-only table whose entries never move: segment `k` holds `FIRST << k` slots.
struct Table<T: 'static> {
    segments: [OnceLock<Box<[OnceLock<T>]>>; SEGMENTS],
}

const FIRST: usize = 64;
const SEGMENTS: usize = 26;

impl<T: Copy> Table<T> {
    const fn new() -> Self {
        Table {
            segments: [const { OnceLock::new() }; SEGMENTS],
        }
    }

    fn locate(id: u32) -> (usize, usize) {
        let n = id as usize / FIRST + 1;
        let k = (usize::BITS - 1 - n.leading_zeros()) as usize;
        (k, id as usize - FIRST * ((1 << k) - 1))
    }

    fn get(&self, id: u32) -> Option<T> {
        let (k, i) = Self::locate(id);
        self.segments.get(k)?.get()?.get(i)?.get().copied()
    }

    /// Called under the interner's lock, with ids handed out in order.
    fn set(&self, id: u32, v: T) {
        let (k, i) = Self::locate(id);
        let seg = self.segments[k].get_or_init(|| {
            (0..FIRST << k)
                .map(|_| OnceLock::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        });
        let _ = seg[i].set(v);
    }
}

/// The ids of interned values, for the writers (one lock, taken on a thread's first meeting of
/// a value).
struct Interner<K> {
    ids: Mutex<HashMap<K, u32>>,
}

static STRINGS: Table<&'static str> = Table::new();
static STRING_IDS: OnceLock<Interner<&'static str>> = OnceLock::new();
static LISTS: Table<&'static [Sym]> = Table::new();
static LIST_IDS: OnceLock<Interner<&'static [Sym]>> = OnceLock::new();

/// A map with a fast hash (foldhash) for the per-thread caches: they are met for every cell of
/// an import of a million rows, and their keys are the office's own values.
type Fast<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

thread_local! {
    static STRING_CACHE: RefCell<Fast<&'static str, Sym>> = RefCell::new(Fast::default());
    static LIST_CACHE: RefCell<Fast<&'static [Sym], SymList>> = RefCell::new(Fast::default());
}

fn string_ids() -> &'static Interner<&'static str> {
    STRING_IDS.get_or_init(|| {
        // Id 0 is the empty string, so `Sym::default()` needs no lock.
        STRINGS.set(0, "");
        Interner {
            ids: Mutex::new(HashMap::from([("", 0)])),
        }
    })
}

fn list_ids() -> &'static Interner<&'static [Sym]> {
    LIST_IDS.get_or_init(|| {
        LISTS.set(0, &[]);
        let empty: &'static [Sym] = &[];
        Interner {
            ids: Mutex::new(HashMap::from([(empty, 0)])),
        }
    })
}

/// An interned string: 4 bytes, `Copy`, derefs to `&'static str`, serializes as a string.
/// The default is the empty string (id 0).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Sym(u32);

impl Sym {
    /// The symbol of `s` (interned on first use).
    pub fn new(s: &str) -> Sym {
        if s.is_empty() {
            return Sym(0);
        }
        if let Some(sym) = STRING_CACHE.with(|c| c.borrow().get(s).copied()) {
            return sym;
        }
        let sym = {
            let interner = string_ids();
            let mut ids = interner.ids.lock().unwrap_or_else(|p| p.into_inner());
            match ids.get(s) {
                Some(&id) => Sym(id),
                None => {
                    let id = ids.len() as u32;
                    let text: &'static str = Box::leak(s.to_string().into_boxed_str());
                    STRINGS.set(id, text);
                    ids.insert(text, id);
                    Sym(id)
                }
            }
        };
        STRING_CACHE.with(|c| {
            let text = sym.as_str();
            c.borrow_mut().insert(text, sym);
        });
        sym
    }

    pub fn as_str(&self) -> &'static str {
        if self.0 == 0 {
            return "";
        }
        // Every Sym was made by `new`, which set its slot before handing it out.
        STRINGS.get(self.0).unwrap_or("")
    }

    /// The symbol's number in this process (stable for the process only, never stored).
    pub fn id(self) -> u32 {
        self.0
    }

    /// How many distinct strings are interned (the empty one included).
    pub fn count() -> usize {
        string_ids().ids.lock().map_or(0, |ids| ids.len())
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl std::hash::Hash for Sym {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym::new(&s)
    }
}

impl From<&String> for Sym {
    fn from(s: &String) -> Sym {
        Sym::new(s)
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> String {
        s.as_str().to_string()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        self == other.as_str()
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

struct SymVisitor;

impl Visitor<'_> for SymVisitor {
    type Value = Sym;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Sym, E> {
        Ok(Sym::new(v))
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Sym, D::Error> {
        d.deserialize_str(SymVisitor)
    }
}

/// An interned list of [`Sym`]: 4 bytes, `Copy`, derefs to `&[Sym]`, serializes as a sequence of
/// strings. Changing it (`push`, `clear`, `retain`) interns the new list.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct SymList(u32);

impl SymList {
    pub fn new(items: &[Sym]) -> SymList {
        if items.is_empty() {
            return SymList(0);
        }
        if let Some(l) = LIST_CACHE.with(|c| c.borrow().get(items).copied()) {
            return l;
        }
        let list = {
            let interner = list_ids();
            let mut ids = interner.ids.lock().unwrap_or_else(|p| p.into_inner());
            match ids.get(items) {
                Some(&id) => SymList(id),
                None => {
                    let id = ids.len() as u32;
                    let kept: &'static [Sym] = Box::leak(items.to_vec().into_boxed_slice());
                    LISTS.set(id, kept);
                    ids.insert(kept, id);
                    SymList(id)
                }
            }
        };
        LIST_CACHE.with(|c| {
            let kept = list.as_slice();
            c.borrow_mut().insert(kept, list);
        });
        list
    }

    /// The list's number in this process (stable for the process only, never stored).
    pub fn id(self) -> u32 {
        self.0
    }

    pub fn as_slice(&self) -> &'static [Sym] {
        if self.0 == 0 {
            return &[];
        }
        LISTS.get(self.0).unwrap_or(&[])
    }

    pub fn push(&mut self, s: Sym) {
        let mut v = self.as_slice().to_vec();
        v.push(s);
        *self = SymList::new(&v);
    }

    pub fn clear(&mut self) {
        *self = SymList(0);
    }

    pub fn retain(&mut self, keep: impl FnMut(&Sym) -> bool) {
        let mut v = self.as_slice().to_vec();
        v.retain(keep);
        *self = SymList::new(&v);
    }

    /// The strings, owned.
    pub fn to_strings(&self) -> Vec<String> {
        self.iter().map(|s| s.to_string()).collect()
    }
}

impl std::ops::Deref for SymList {
    type Target = [Sym];
    fn deref(&self) -> &[Sym] {
        self.as_slice()
    }
}

impl std::fmt::Debug for SymList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: Into<Sym>> FromIterator<S> for SymList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> SymList {
        let v: Vec<Sym> = iter.into_iter().map(Into::into).collect();
        SymList::new(&v)
    }
}

impl<S: Into<Sym>> From<Vec<S>> for SymList {
    fn from(v: Vec<S>) -> SymList {
        v.into_iter().collect()
    }
}

impl IntoIterator for &SymList {
    type Item = &'static Sym;
    type IntoIter = std::slice::Iter<'static, Sym>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl<S> PartialEq<Vec<S>> for SymList
where
    Sym: PartialEq<S>,
{
    fn eq(&self, other: &Vec<S>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl<S, const N: usize> PartialEq<[S; N]> for SymList
where
    Sym: PartialEq<S>,
{
    fn eq(&self, other: &[S; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl Serialize for SymList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

struct SymListVisitor;

impl<'de> Visitor<'de> for SymListVisitor {
    type Value = SymList;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence of strings")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SymList, A::Error> {
        let mut v: Vec<Sym> = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(s) = seq.next_element::<Sym>()? {
            v.push(s);
        }
        Ok(SymList::new(&v))
    }
}

impl<'de> Deserialize<'de> for SymList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<SymList, D::Error> {
        d.deserialize_seq(SymListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_interns_to_one_symbol_with_the_same_text() {
        let a = Sym::new("狗街镇");
        let b = Sym::from("狗街镇".to_string());
        assert_eq!(a, b);
        assert_eq!(a.id(), b.id());
        assert_eq!(a, "狗街镇");
        assert_eq!(&*a, "狗街镇");
        assert_ne!(a, Sym::new("马街镇"));
        assert_eq!(Sym::default(), "");
        assert_eq!(Sym::new(""), Sym::default());
        assert_eq!(std::mem::size_of::<Sym>(), 4);
        assert_eq!(std::mem::size_of::<SymList>(), 4);
        // Ordered by text, as the String it replaces.
        assert!(Sym::new("a") < Sym::new("b") && Sym::new("水泥") > Sym::new("b"));
    }

    #[test]
    fn symbols_made_on_other_threads_agree() {
        let here = Sym::new("北古城镇");
        let there: Vec<Sym> = std::thread::scope(|s| {
            (0..4)
                .map(|i| s.spawn(move || (Sym::new("北古城镇"), Sym::new(&format!("t{i}")))))
                .collect::<Vec<_>>()
                .into_iter()
                .map(|h| h.join().expect("thread").0)
                .collect()
        });
        assert!(there.iter().all(|s| *s == here));
        // Many distinct values cross segment boundaries and still read back.
        let many: Vec<Sym> = (0..5000).map(|i| Sym::new(&format!("值{i}"))).collect();
        for (i, s) in many.iter().enumerate() {
            assert_eq!(s.as_str(), format!("值{i}"));
        }
    }

    #[test]
    fn lists_intern_and_change() {
        let mut l = SymList::from(vec!["废气", "废水"]);
        assert_eq!(l, vec!["废气", "废水"]);
        assert_eq!(
            l,
            SymList::from(vec!["废气".to_string(), "废水".to_string()])
        );
        l.push("噪声".into());
        assert_eq!(l.to_strings(), ["废气", "废水", "噪声"]);
        l.retain(|s| s != "废水");
        assert_eq!(l, ["废气", "噪声"]);
        assert_eq!(l.join("、"), "废气、噪声");
        l.clear();
        assert!(l.is_empty());
        assert_eq!(l, SymList::default());
    }

    #[test]
    fn they_encode_like_string_and_vec_of_string() {
        let s = Sym::new("水泥");
        let l = SymList::from(vec!["废气", "电离辐射"]);
        let cfg = bincode::config::standard();
        let as_string = bincode::serde::encode_to_vec("水泥".to_string(), cfg).expect("enc");
        assert_eq!(
            bincode::serde::encode_to_vec(s, cfg).expect("enc"),
            as_string
        );
        let as_vec =
            bincode::serde::encode_to_vec(vec!["废气".to_string(), "电离辐射".to_string()], cfg)
                .expect("enc");
        assert_eq!(bincode::serde::encode_to_vec(l, cfg).expect("enc"), as_vec);
        let (back, _): (SymList, usize) =
            bincode::serde::decode_from_slice(&as_vec, cfg).expect("dec");
        assert_eq!(back, l);
        assert_eq!(serde_json::to_string(&s).expect("json"), "\"水泥\"");
        assert_eq!(
            serde_json::to_string(&l).expect("json"),
            "[\"废气\",\"电离辐射\"]"
        );
        let j: SymList = serde_json::from_str("[\"废气\",\"电离辐射\"]").expect("json");
        assert_eq!(j, l);
        let j: Sym = serde_json::from_str("\"水泥\"").expect("json");
        assert_eq!(j, s);
    }

    #[test]
    fn segments_locate_every_id_once() {
        let mut seen = std::collections::HashSet::new();
        for id in 0..20_000u32 {
            let (k, i) = Table::<u8>::locate(id);
            assert!(i < FIRST << k, "id {id}");
            assert!(seen.insert((k, i)));
        }
    }
}
