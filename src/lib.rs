//! styrdok: Swedish social-services guidelines as structured YAML.
//!
//! The pipeline, one module per stage:
//! [`load`] (YAML → spanned nodes → model) → [`check`] (diagnostics) →
//! [`model`] (the typed document, borrowed by everything after) →
//! render / evaluate / diff → publish (write `output/` atomically).

#![forbid(unsafe_code)]

pub mod check;
pub mod date;
pub mod diag;
pub mod diff;
pub mod eval;
pub mod export;
pub mod fonts;
pub mod identity;
pub mod import;
pub mod init;
pub mod interrupt;
pub mod load;
pub mod markdown;
pub mod model;
pub mod progress;
pub mod publish;
pub mod render;
pub mod rules;
pub mod schema;
pub mod serve;
pub mod source;
pub mod sv;
pub mod words;
pub mod write;

/// The built-in rule name for the case's application date.
pub const BUILTIN_APPLICATION_DATE: &str = "ansokningsdatum";
