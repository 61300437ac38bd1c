//! The one error type of the core. Every fallible core function returns `Result<T, LabelError>`;
//! the Python binding maps `ErrorKind` to an exception class in a single place.

use std::fmt;

/// Which exception family an error belongs to. The built-in kinds exist because the reference SDK lets
/// bare `KeyError`/`TypeError`/... escape for some bad inputs; labelrow raises a `LabelRowError` subclass
/// that also derives from that built-in, so existing `except` clauses keep working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A rule of the label row was broken (`LabelRowError`).
    LabelRow,
    /// An ontology element could not be found (`OntologyError`).
    Ontology,
    /// A required key is missing (`LabelRowKeyError`, also a `KeyError`).
    Key,
    /// A value or element has the wrong kind (`LabelRowTypeError`, also a `TypeError`).
    Type,
    /// A value is not acceptable (`LabelRowValueError`, also a `ValueError`).
    Value,
    /// A list is too short (`LabelRowIndexError`, also an `IndexError`).
    Index,
    /// Unexpected argument type (`LabelRowRuntimeError`, also a `RuntimeError`).
    Runtime,
    /// Unsupported input (`LabelRowNotImplementedError`, also a `NotImplementedError`).
    NotImplemented,
    /// A malformed sub-dict the reference validates with pydantic (`EncordException`).
    Encord,
}

/// An error with the place it happened (a JSON-path-like location, an object hash, a frame).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelError {
    pub kind: ErrorKind,
    pub message: String,
}

impl LabelError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
    pub fn label_row(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LabelRow, message)
    }
    pub fn ontology(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Ontology, message)
    }
    pub fn key(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Key, message)
    }
    pub fn type_(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Type, message)
    }
    pub fn value(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Value, message)
    }
    pub fn index(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Index, message)
    }
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotImplemented, message)
    }
    pub fn encord(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Encord, message)
    }
    /// A missing required key at `path`.
    pub fn missing(path: &str, key: &str) -> Self {
        Self::key(format!("{path}: missing required key '{key}'"))
    }
    /// Prefix the message with an outer location (used while unwinding through nested parsers).
    #[must_use]
    pub fn at(mut self, place: &str) -> Self {
        self.message = format!("{place}: {}", self.message);
        self
    }
}

impl fmt::Display for LabelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LabelError {}

pub type Result<T, E = LabelError> = std::result::Result<T, E>;
