use crate::i18n::Lang;
use crate::store::StoreError;

/// Everything the facade can refuse or fail with. Each variant localizes.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An import (or form) was refused: every problem, one per line, already localized.
    #[error("import refused")]
    Invalid(Vec<String>),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A refusal or failure reported by `shuangsui serve` (or by the role check).
    #[error("{}", .0.message_en)]
    Remote(super::messages::ErrorReply),
}

impl OfficeError {
    pub fn localize(&self, lang: Lang) -> String {
        match self {
            OfficeError::Store(e) => e.localize(lang),
            OfficeError::Invalid(lines) => {
                let head = lang.pick(
                    "输入有误，未做任何修改：",
                    "invalid input, nothing was changed:",
                );
                let mut s = head.to_string();
                for l in lines {
                    s.push('\n');
                    s.push_str(l);
                }
                s
            }
            OfficeError::NotFound(what) => {
                format!("{}{what}", lang.pick("找不到：", "not found: "))
            }
            OfficeError::Refused(why) => why.clone(),
            OfficeError::Remote(r) => r.message(lang).to_string(),
            OfficeError::Corrupt(why) => {
                format!(
                    "{}{why}",
                    lang.pick("数据库内容不一致：", "stored data is inconsistent: ")
                )
            }
        }
    }

    /// Process exit status for the CLI: 2 for a store in use, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            OfficeError::Store(StoreError::InUse(_)) => 2,
            OfficeError::Remote(r) => r.exit_code,
            _ => 1,
        }
    }
}
