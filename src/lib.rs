//! labelrow core: the data model, frame index, parser and exporter behind the `labelrow` Python package.

pub mod rle;

#[cfg(feature = "python")]
mod python;
