//! Re-checking draws: one draw against the book ([`check_draw`]), and `verify` of a whole
//! store without its registries ([`Office::verify_all_at`]).

use super::{load_book, Book, DrawRecord, Office, OfficeError};
use crate::domain::task::DrawId;
use crate::draw::{engine, sampler};
use crate::i18n::Lang;

impl Office {
    /// `verify` of the store at `path` without loading the registries (the draws and their
    /// rules need only the book and the rule book): the chain and every record, and every draw
    /// recomputed, side by side; then the signature of the head against `trusted`.
    #[allow(clippy::type_complexity)]
    pub fn verify_all_at(
        path: &std::path::Path,
        lang: Lang,
        trusted: Option<&str>,
    ) -> Result<
        (
            crate::store::VerifyReport,
            Option<(DrawId, String)>,
            crate::store::sign::HeadCheck,
        ),
        OfficeError,
    > {
        use rayon::prelude::*;
        let store = crate::store::Store::open(path)?;
        let (report, draws) = rayon::join(
            || store.verify(),
            || -> Result<_, OfficeError> {
                let book = load_book(&store)?;
                let rb = crate::office::rules::RuleBook::load(&store)?;
                Ok(book.draws.par_iter().find_map_first(|d| {
                    check_draw(d, &book, lang)
                        .and_then(|()| crate::office::rules::draw_rules_check(&rb, d, lang))
                        .err()
                        .map(|m| (d.id, m))
                }))
            },
        );
        let report = report?;
        // A record damaged beyond decoding is named by the chain's check, which comes first.
        let draws = match draws {
            Err(_) if report.problem.is_some() => None,
            other => other?,
        };
        Ok((report, draws, crate::office::head_check(&store, trusted)))
    }
}

/// Recompute draw `d` from what `book` holds and compare (the picks, the teams, the stored
/// tasks and the announcement); the TUI shows the outcome when a past draw is opened.
pub(crate) fn check_draw(d: &DrawRecord, book: &Book, lang: Lang) -> Result<(), String> {
    let name = |zh: &str, en: &str| {
        format!(
            "{} #{}: {}",
            lang.pick("抽取", "draw"),
            d.id,
            lang.pick(zh, en)
        )
    };
    if engine::pool_hash(&d.input) != d.pool_hash {
        return Err(name(
            "抽取池与记录的池哈希不符（池被改动）",
            "the pool does not match its recorded hash (pool altered)",
        ));
    }
    if let Err(m) = engine::verify(&d.input, &d.seed, &d.outcome) {
        return Err(format!(
            "{}: {}",
            name("重算结果与记录不符", "recomputing gives a different result"),
            m.localize(lang)
        ));
    }
    if let Some(e) = d.entropy {
        if sampler::derive_seed(&e, &d.witness) != d.seed {
            return Err(name(
                "种子与记录的随机数和见证号码不符",
                "the seed does not match the recorded entropy and witness",
            ));
        }
    }
    if let Some(Err(m)) =
        crate::office::announce::check_against_announcement(d, &book.announcements, lang)
    {
        return Err(m);
    }
    for (i, draft) in d.outcome.tasks.iter().enumerate() {
        let ok = d
            .tasks
            .get(i)
            .and_then(|id| book.task(*id))
            .is_some_and(|t| {
                // Later draws' merges append to the team (see office::merged).
                t.target == draft.target
                    && t.team.starts_with(&draft.team)
                    && t.internal_joint == draft.internal_joint
            });
        if !ok {
            return Err(name(
                "已保存的任务与抽取结果不符",
                "the stored tasks differ from the draw's result",
            ));
        }
    }
    if !crate::office::merged::check_merges(d, book) {
        return Err(name(
            "已保存的合并检查与抽取结果不符",
            "the stored merged visits differ from the draw's result",
        ));
    }
    Ok(())
}
