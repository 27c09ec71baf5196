//! Draws: the sampler (our own, written-down sampling algorithm) and, beside it, the draw engine.
//!
//! [`engine`] turns a stored draw input and a seed into picks and teams.
//!
//! Everything here is pure: no files, no store, no clock. The only contact with the outside world
//! is [`sampler::fresh_entropy`], which asks the operating system for 32 random bytes.

pub mod engine;
pub mod sampler;
pub mod stats;
