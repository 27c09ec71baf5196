//! Widgets the screens share, with no knowledge of any screen: a form field, and the cursor of
//! a list (moving and keeping the window on it, written once).

pub mod cursor;
pub mod form;
