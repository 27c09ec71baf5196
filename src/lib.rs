//! shuangsui: the office application of 双随机、一公开 (double-random, one-public) inspections.
//!
//! Layers, each depending only on those before it: [`i18n`] and [`domain`] (plain types),
//! `draw` (the sampler), `import` (files to domain values), `store` (sled), `office` (the facade
//! every front end calls), then the front ends `cli`, `tui` and `report`.

pub mod cli;
pub mod conn;
pub mod domain;
pub mod draw;
pub mod i18n;
pub mod import;
pub mod logging;
pub mod office;
pub mod report;
pub mod server;
pub mod store;
#[cfg(any(test, feature = "synth"))]
pub mod synth;
pub mod tui;
