//! The `styrdok` command: parses arguments, runs one subcommand, prints errors once.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
