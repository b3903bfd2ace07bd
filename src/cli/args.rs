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
    /// Publish every document under a policy folder: PDF, HTML, Typst source,
    /// criteria.json and a case-file JSON Schema per version, and an index
    ///
    /// The policy is checked first; errors stop the build (exit status 1). Files are
    /// written to a staging folder and moved into place only when all succeeded.
    /// Templates in `<project>/templates/` (next to the policy folder) override the
    /// built-in ones file by file.
    Build(BuildArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct BuildArgs {
    /// The policy folder
    #[arg(default_value = "policy")]
    pub(crate) path: PathBuf,
    /// Where to write
    #[arg(long, short, default_value = "output")]
    pub(crate) out: PathBuf,
    /// Templates that override the built-in ones [default: templates/ next to the policy folder]
    #[arg(long)]
    pub(crate) templates: Option<PathBuf>,
    /// Skip the PDFs (no Typst needed): a fast preview; PDFs of an earlier build are left as they were
    #[arg(long)]
    pub(crate) html_only: bool,
    /// Refuse to build when the policy has warnings
    #[arg(long)]
    pub(crate) deny_warnings: bool,
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
