//! The `styrdok` command: parses arguments, runs one subcommand, prints errors once.

#![forbid(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
