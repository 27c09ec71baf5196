use clap::Parser;
use shuangsui::cli::{self, Cli};

fn main() {
    let cli = Cli::parse();
    let _log = shuangsui::logging::init();
    let code = match &cli.command {
        Some(cmd) => cli::run(&cli, cmd),
        None => cli::run_tui(&cli),
    };
    std::process::exit(code);
}
