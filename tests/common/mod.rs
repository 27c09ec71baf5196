pub mod cli;
pub mod pty;
