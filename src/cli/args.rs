//! Every command-line argument, in one place.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The command line; its one-line description is the crate's (`about`, from Cargo.toml).
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
    /// Preview the HTML in a browser, rebuilt on every save, with the problems shown in the page
    ///
    /// Builds the policy as `build --html-only` does, into a temporary folder (removed on
    /// exit; `output/` is not touched), and serves it on http://127.0.0.1:PORT/ only.
    /// Every save in the policy folder, or in the templates folder next to it, rebuilds it,
    /// and open pages reload themselves. When the check finds errors or warnings, the pages
    /// show them at the top, each quoting the YAML lines it points at, and a version's page
    /// marks the element (section, paragraph, criterion …) each one belongs to; the last good
    /// build stays below. A version's PDF is made on request by `typst watch` with `build`'s
    /// settings (needs Typst) and recompiled after each save, at
    /// /_styrdok/pdf/<document>/<version>.pdf. Stop with Ctrl-C.
    ///
    /// Exit status: 0 stopped with Ctrl-C; 2 could not start (the port is taken, the folder
    /// does not exist).
    Serve(ServeArgs),
    /// Evaluate a case (or a batch of cases) against the guideline in force on its date
    ///
    /// For each intervention applied for: beviljas, avslag or utredning ofullständig,
    /// every criterion's result with the facts it read and the guideline's own words,
    /// what is missing and who provides it, the period, and the information duties.
    /// Case data is personal data: it is written only to the requested output.
    ///
    /// Exit status: 0 evaluated, 1 the case file (or a batch row) has problems, 2 could not run.
    Eval(EvalArgs),
    /// Run the policy tests in `policy/<document>/tests/*.yaml` and report coverage
    ///
    /// Each test is a case with the expected outcome per intervention (and, where
    /// given, the criteria not met, the facts missing, the duties and the period).
    /// Coverage counts, for every criterion, whether some test saw it met, not met and
    /// not established. Exit status: 0 all passed (and coverage reached); 1 a test
    /// failed, coverage is too low, there are no tests, or a test file or the policy
    /// has problems; 2 could not run.
    Test(TestArgs),
    /// Compare two versions of a document: what changed in the words and the rules, and
    /// (with --cases) whose outcome changes
    ///
    /// Each side is a version file (`policy/stod-arbete-studier/2023-07.yaml`),
    /// `DOC@VERSION`, `DOC@DATE` (the version in force on that day), `DOC` or a document
    /// folder (its latest version), or `REV:path` (a file or document folder at a git
    /// revision, read through git; the work tree is not touched). With only OLD = `DOC`,
    /// its two latest versions are compared. Items are matched by their ids: metadata,
    /// sections (new, repealed, moved, changed), prose word by word, criteria,
    /// interventions, duties, procedure, guidance, the parameter values each version
    /// applies, facts, and (between two revisions) glossary terms, laws and roles.
    ///
    /// Exit status (as diff's): 0 no changes, 1 changes, 2 trouble (a side that does not
    /// exist, cannot be read or has errors, names another document, or a path that
    /// leaves the project).
    Diff(DiffArgs),
    /// Print a ready-to-fill case file for an intervention
    ///
    /// Lists every fact and assessment its criteria read, with the question, the type,
    /// and who answers it. Values start as null (not known).
    ///
    /// Exit status: 0 printed; 1 the policy has errors, or no guideline in force has the
    /// intervention (or several do: name one with --document); 2 could not run.
    NewCase(NewCaseArgs),
    /// Start a policy folder: one example guideline, its facts, parameters, glossary and
    /// policy tests
    ///
    /// Writes a riktlinje with a cover, three sections and one intervention with two
    /// criteria (one of them an assessment), facts.yaml, parameters.yaml, glossary.yaml
    /// and a policy test file. The content is a placeholder in Swedish ("Exempelkommun"):
    /// each file says at its top what it is, and the guideline's `notes:` what to replace.
    /// The folder checks clean, passes `styrdok test` at full coverage and builds. The
    /// format is described in docs/format.md.
    ///
    /// The folder must not exist, or be empty; it is written whole or not at all (staged
    /// beside it and renamed into place).
    ///
    /// Exit status: 0 written; 1 something is in the way (a folder that is not empty, or a
    /// file): nothing written; 2 could not write.
    Init(InitArgs),
    /// Turn an existing guideline in Markdown or plain text (or Word, through pandoc) into
    /// the YAML skeleton of one version file
    ///
    /// Reads the title (the cover's first paragraph, a `# Titel` heading over the
    /// document, or YAML front matter), the cover fields it knows (Diarienummer,
    /// Dokumentet är beslutat av, Dokumentet beslutades den, Dokumentet gäller till
    /// den, Dokumentet ersätter, Dokumentansvarig är, Utgivare, Utgivningsdatum …);
    /// numbered sections ("2.6.1 Minimibelopp", "1. Allmänt", nested by their numbers)
    /// or Markdown headings (`#` or Setext), each with its paragraphs (joined across
    /// wrapped lines), lists, tables and footnotes. A table of contents, page numbers,
    /// running headers and image placeholders are skipped. Required keys the source
    /// does not give are left empty with a `# TODO` comment, so that `styrdok check`
    /// lists what to fill in; lists under criteria-like headings ("Kriterier …",
    /// "Följande krav …") are also written as a commented-out `criteria:` block, to be
    /// given rules. What was skipped or not placed is reported on standard error with
    /// its line in the source.
    ///
    /// A `.docx` file is converted with `pandoc -s -t gfm` first (pandoc must be on
    /// PATH): its Title paragraph is the title, its tables and footnotes are kept.
    ///
    /// Exit status: 0 imported; 1 the file cannot be imported (not text, at a line; a
    /// Word file pandoc cannot read); 2 could not run (unreadable, no pandoc for a Word
    /// file, cannot write).
    Import(ImportArgs),
    /// Write the JSON Schemas of the policy files, so that editors complete keys and flag
    /// mistakes while typing
    ///
    /// One schema per kind of file (document.schema.json for a version file, facts,
    /// parameters, glossary, tests, and case.schema.json for case files), generated from
    /// the decoders `check` reads the files with, with Swedish descriptions of every key.
    /// They are written into POLICY/.schema/ (the loader skips dot folders). With
    /// --headers, every YAML file of the policy folder that names no schema yet gets a
    /// first line `# yaml-language-server: $schema=…` pointing at its kind's schema, which
    /// VS Code's YAML extension (Red Hat) and other YAML language servers read. A case
    /// file elsewhere names `…/.schema/case.schema.json` the same way, or the per-version
    /// case.schema.json that `build` writes, which also knows the facts.
    ///
    /// Exit status: 0 written (or, with --check, up to date); 1 with --check, a schema or
    /// header is missing or out of date (each is listed); 2 could not write.
    Schema(SchemaArgs),
    /// Print a completion script for a shell to standard output
    ///
    /// Bash: `source <(styrdok completions bash)` in ~/.bashrc, or save it as
    /// ~/.local/share/bash-completion/completions/styrdok. Zsh: save it as `_styrdok` in a
    /// folder of $fpath. Fish: save it as ~/.config/fish/completions/styrdok.fish.
    /// PowerShell: `styrdok completions powershell | Out-String | Invoke-Expression` in
    /// $PROFILE. Generated from the command line itself, so it offers every command,
    /// option and value.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output, or write one page per command
    ///
    /// Read it with `styrdok man | man -l -`. With --out DIR: styrdok.1 and one
    /// styrdok-<command>.1 per command, for a folder on MANPATH (e.g.
    /// ~/.local/share/man/man1). Generated from the same text as --help.
    Man(ManArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The policy folder to create (it must not exist, or be empty)
    #[arg(default_value = "policy", value_name = "DIR")]
    pub(crate) path: PathBuf,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ImportArgs {
    /// The guideline: Markdown (.md), plain text, or Word (.docx, through pandoc)
    #[arg(value_name = "FILE")]
    pub(crate) file: PathBuf,
    /// Write the YAML to this file (whole or not at all) instead of standard output,
    /// e.g. policy/<document>/<version>.yaml
    #[arg(long, short, value_name = "OUT")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct SchemaArgs {
    /// The policy folder
    #[arg(default_value = "policy", value_name = "POLICY")]
    pub(crate) path: PathBuf,
    /// Write the schemas into this folder instead of POLICY/.schema (headers written by
    /// --headers still point at POLICY/.schema)
    #[arg(long, short, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Also put the `# yaml-language-server: $schema=…` line first in every YAML file of
    /// the policy folder that names no schema yet
    #[arg(long)]
    pub(crate) headers: bool,
    /// Write nothing; exit 1 if a schema (or, with --headers, a header) is missing or out
    /// of date (for CI, after the binary changed)
    #[arg(long)]
    pub(crate) check: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ManArgs {
    /// Write styrdok.1 and styrdok-<command>.1 into this folder (made if missing) instead
    /// of printing styrdok.1
    #[arg(long, short, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The old version (or, alone, the document whose two latest versions to compare)
    #[arg(value_name = "OLD")]
    pub(crate) old: String,
    /// The new version
    #[arg(value_name = "NEW")]
    pub(crate) new: Option<String>,
    /// The policy folder that `DOC@…` and `DOC` refer to
    #[arg(long, default_value = "policy")]
    pub(crate) policy: PathBuf,
    /// Output: terminal text, Markdown for a pull-request comment, JSON, or an HTML or PDF redline
    #[arg(long, value_enum, default_value_t = DiffFormat::Terminal)]
    pub(crate) format: DiffFormat,
    /// Write to this file instead of standard output (required for `--format pdf`); written
    /// whole or not at all, never over a file the diff reads
    #[arg(long, short, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    /// Evaluate every case of this file under both versions and report whose outcome
    /// changes: JSON Lines (.jsonl), CSV (.csv), or policy tests (a tests/*.yaml file or a
    /// tests folder)
    #[arg(long, value_name = "FILE")]
    pub(crate) cases: Option<PathBuf>,
    /// Format of --cases [default: from the file's extension]
    #[arg(long, value_enum, requires = "cases")]
    pub(crate) input_format: Option<BatchFormat>,
    /// How many changed cases to show with their explanations (terminal and Markdown)
    #[arg(long, value_name = "N", default_value_t = 3, requires = "cases")]
    pub(crate) examples: usize,
    /// Colour on a terminal: auto (when standard output is a terminal and NO_COLOR is not set), always, never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum DiffFormat {
    /// Changed words marked [-removed-] and {+added+}, in colour on a terminal
    Terminal,
    /// GitHub-flavoured Markdown for a pull-request comment: a table of changes, details folded
    Markdown,
    /// JSON (docs/schemas/diff.schema.json)
    Json,
    /// A redline page: the list of changes, then "Nuvarande lydelse | Föreslagen lydelse"
    Html,
    /// The redline as an accessible PDF (PDF/UA-1) through Typst
    Pdf,
}

/// Whether to colour terminal output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When standard output is a terminal and NO_COLOR is not set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TestArgs {
    /// The policy folder
    #[arg(default_value = "policy")]
    pub(crate) path: PathBuf,
    /// Fail unless at least this per cent (0–100) of criterion states is covered
    #[arg(long, value_name = "PERCENT", default_value_t = 0.0, value_parser = parse_percent, allow_negative_numbers = true)]
    pub(crate) min_coverage: f64,
    /// Print the coverage table
    #[arg(long)]
    pub(crate) coverage: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NewCaseArgs {
    /// The intervention's id, e.g. `socialpsykiatri`
    pub(crate) insats: String,
    /// The policy folder
    #[arg(long, default_value = "policy")]
    pub(crate) policy: PathBuf,
    /// The guideline, if several define the intervention
    #[arg(long, value_name = "ID")]
    pub(crate) document: Option<String>,
    /// The application date to fill in (and to choose the version) [default: today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) date: Option<jiff::civil::Date>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["case", "cases"])))]
pub(crate) struct EvalArgs {
    /// One case file (YAML or JSON; see docs/cases.md)
    #[arg(long, value_name = "FILE")]
    pub(crate) case: Option<PathBuf>,
    /// Many cases, one per line: JSON Lines (.jsonl) or CSV (.csv); streamed
    #[arg(long, value_name = "FILE")]
    pub(crate) cases: Option<PathBuf>,
    /// The policy folder
    #[arg(long, default_value = "policy")]
    pub(crate) policy: PathBuf,
    /// Try under this guideline (by default: the one that defines the interventions applied for)
    #[arg(long, value_name = "ID")]
    pub(crate) document: Option<String>,
    /// Choose the version and parameters in force on this date [default: the case's ansokningsdatum]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) date: Option<jiff::civil::Date>,
    /// Output format of a single case
    #[arg(long, value_enum, default_value_t = Format::Human, conflicts_with = "cases")]
    pub(crate) format: Format,
    /// Also write a decision draft (beslutsförslag): `.md` for Markdown, `.pdf` through Typst
    #[arg(long, value_name = "FILE", conflicts_with = "cases", value_parser = parse_draft)]
    pub(crate) draft: Option<PathBuf>,
    /// Batch: where to write one result per case [default: stdout]; never over the cases
    /// or a policy file
    #[arg(long, short, value_name = "FILE", conflicts_with = "case")]
    pub(crate) out: Option<PathBuf>,
    /// Batch: format of the results [default: from --out's extension, else jsonl]
    #[arg(long, value_enum, conflicts_with = "case")]
    pub(crate) output_format: Option<BatchFormat>,
    /// Batch: format of the input [default: from the file's extension]
    #[arg(long, value_enum, conflicts_with = "case")]
    pub(crate) input_format: Option<BatchFormat>,
    /// Batch: how many threads parse and evaluate rows; the results are in input order
    /// and the same for any N (1: one row at a time) [default: the number of cores]
    #[arg(long, short, value_name = "N", conflicts_with = "case", value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) jobs: Option<u16>,
}

/// Formats for batches of cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BatchFormat {
    /// One JSON object per line
    Jsonl,
    /// Values separated by `,` with a header row (read: `;` too, if the header has it)
    Csv,
}

/// A draft's file name must say which format to write, before anything is evaluated.
fn parse_draft(s: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("md" | "pdf") => Ok(path),
        _ => Err("the file name must end in `.md` (Markdown) or `.pdf`".into()),
    }
}

fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        Ok(_) => Err("a per cent from 0 to 100".into()),
        Err(_) => Err("a number from 0 to 100, e.g. `100` or `87.5`".into()),
    }
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    styrdok::date::parse(s)
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
    /// Skip the PDFs (no Typst needed): a fast preview; a PDF an earlier build made from the same sources is kept, any other is removed
    #[arg(long)]
    pub(crate) html_only: bool,
    /// Refuse to build when the policy has warnings
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// The day whose standing the pages state (which version is in force, which are
    /// replaced) [default: the day of SOURCE_DATE_EPOCH if set, else today]
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub(crate) date: Option<jiff::civil::Date>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ServeArgs {
    /// The policy folder
    #[arg(default_value = "policy")]
    pub(crate) path: PathBuf,
    /// The port on 127.0.0.1 (0: any free port; the address is printed)
    #[arg(long, short, default_value_t = 8123)]
    pub(crate) port: u16,
    /// Templates that override the built-in ones [default: templates/ next to the policy folder]
    #[arg(long)]
    pub(crate) templates: Option<PathBuf>,
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
    /// For people: plain text, with the YAML quoted where a problem is
    Human,
    /// For machines: one JSON document on stdout (check: docs/cli.md; eval: docs/cases.md)
    Json,
}
