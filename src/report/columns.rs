//! What the registry exports have in common: the registries and the cell words (headers by
//! the importer's fields, yes/no, months), shared by the workbook writers and the streamed
//! targets sheet (report::stream).

use crate::domain::MonthSet;
use crate::i18n::Lang;
use crate::import::schema::Field;

pub use crate::office::export::RegistryKind;

pub fn headers(fields: &[Field], lang: Lang) -> Vec<&'static str> {
    fields.iter().map(|f| lang.pick(f.zh, f.en)).collect()
}

pub fn yes_no(v: bool, lang: Lang) -> &'static str {
    match (v, lang) {
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    }
}

pub fn months(m: MonthSet, lang: Lang) -> String {
    if m.is_seasonal() {
        m.to_text()
    } else {
        lang.pick("全年", "all").to_string()
    }
}
