//! The coverage screen (issue 18): `coverage` (key `C`) reads the fairness of the three years
//! up to the dashboard's period from the office ([`Op::LoadCoverage`]) and shows it as a
//! scrollable panel over the dashboard (its lines: `coverage_text`).

use super::{AppState, Effect, Op, Overlay};
use crate::office::coverage::{years_text, Coverage};

/// The years shown: the dashboard's year and the two before.
pub const YEARS: i32 = 3;

impl AppState {
    pub(super) fn load_coverage(&self) -> Effect {
        let to = self.figures.period.year();
        Effect::Op(Op::LoadCoverage {
            from: to - (YEARS - 1),
            to,
        })
    }

    pub(super) fn coverage_ready(&mut self, r: Result<Box<Coverage>, String>) {
        let lang = self.lang();
        match r {
            Ok(c) => {
                self.overlay = Some(Overlay::Report {
                    title: format!(
                        "{} {}",
                        lang.pick("抽查覆盖", "Coverage"),
                        years_text(c.from, c.to)
                    ),
                    lines: super::coverage_text::lines(&c, lang),
                    scroll: 0,
                });
            }
            Err(e) => {
                self.overlay = None;
                self.message = Some(e);
            }
        }
    }
}
