//! The terminal user interface (ratatui + crossterm).
//!
//! One path from a key to the screen, as in television: a key event is normalised
//! ([`keymap::normalize`]), looked up in the loaded [`keymap::Keymap`] for the current
//! [`keymap::Mode`], which yields an [`action::Action`]; the app's `update` handles the action and
//! `draw` renders from the state. Help and status-bar hints are generated from the loaded keymap,
//! so they always follow the user's overrides.
//!
//! This module holds the parts that do not need the store: actions, keymaps, the symbol table
//! and a Chinese-aware single-line text input.

pub mod action;
pub mod app;
pub mod backend;
pub mod doctor;
pub mod keymap;
pub mod run;
pub mod screens;
pub mod state;
pub mod symbols;
pub mod terminal;
pub mod text_input;
pub mod views;
pub mod widgets;
pub mod words;
pub mod work;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ask;
#[cfg(test)]
mod tests_attempts;
#[cfg(test)]
mod tests_attrs;
#[cfg(test)]
mod tests_backend;
#[cfg(test)]
mod tests_banner;
#[cfg(test)]
mod tests_coverage;
#[cfg(test)]
mod tests_export;
#[cfg(test)]
mod tests_forms;
#[cfg(test)]
mod tests_items;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_opened;
#[cfg(test)]
mod tests_presentation;
#[cfg(test)]
mod tests_prompt;
#[cfg(test)]
mod tests_revision;
#[cfg(test)]
mod tests_role;
#[cfg(test)]
mod tests_tasks;
#[cfg(test)]
mod tests_terms;
#[cfg(test)]
mod tests_violations;
#[cfg(test)]
mod tests_work;
