//! Every command-line argument, in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Swedish social-services guidelines as structured YAML: check them, publish
/// them as PDF and HTML, evaluate cases against them, compare their versions.
#[derive(Debug, Parser)]
#[command(name = "styrdok", version, about, long_about = None, arg_required_else_help = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Load every document under a policy folder and report every problem
    ///
    /// Exit status: 0 when there are no errors (warnings are allowed unless
    /// --deny-warnings), 1 when problems were found, 2 when the check could not run.
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// The policy folder
    #[arg(default_value = "policy")]
    pub(crate) path: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Treat warnings as problems (exit status 1)
    #[arg(long)]
    pub(crate) deny_warnings: bool,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people: messages with source snippets
    Human,
    /// For machines: one JSON document on stdout (see docs/cli.md)
    Json,
}
