//! The JSON path of a value, as error messages name it (`label_row.data_units["h"].labels["3"].objects[0]`).
//! It is a chain of borrowed segments on the parser's stack and is only written out when an error is made, so
//! reading a row builds no path strings.

use std::fmt;

#[derive(Debug, Clone, Copy)]
pub enum Path<'p> {
    Root(&'p str),
    /// `parent.name`
    Field(&'p Path<'p>, &'p str),
    /// `parent["key"]` (the key quoted and escaped as Rust's `{:?}` does)
    Key(&'p Path<'p>, &'p str),
    /// `parent[i]`
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    pub fn field<'s>(&'s self, name: &'s str) -> Path<'s> {
        Path::Field(self, name)
    }

    pub fn key<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(self, key)
    }

    pub fn index(&self, i: usize) -> Path<'_> {
        Path::Index(self, i)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(s) => f.write_str(s),
            Path::Field(p, name) => write!(f, "{p}.{name}"),
            Path::Key(p, key) => write!(f, "{p}[{key:?}]"),
            Path::Index(p, i) => write!(f, "{p}[{i}]"),
        }
    }
}
