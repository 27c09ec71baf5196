//! The inspection item list (抽查事项清单) with the importer's headers, so importing an export
//! finds every row unchanged (issue 19).

use super::columns::headers;
use super::sheet::{Formats, Table, Title};
use crate::i18n::Lang;
use crate::import::ITEM_FIELDS;
use crate::office::State;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// One row per item, in id order.
pub(super) fn item_list(
    ws: &mut Worksheet,
    fmt: &Formats,
    title: &Title,
    st: &State,
    lang: Lang,
) -> Result<super::SheetMeta, XlsxError> {
    let mut t = Table::titled(ws, fmt, title, &headers(&ITEM_FIELDS, lang), lang)?;
    for i in &st.items {
        t.next_row();
        t.text(0, &i.code)?;
        t.text(1, &i.name)?;
        t.text(2, &i.category)?;
        t.text(3, &i.basis)?;
        t.text(4, &i.authority)?;
        t.text(5, &i.object)?;
        t.text(6, i.class.label(lang))?;
        t.text(7, i.method.label(lang))?;
    }
    t.finish()
}
