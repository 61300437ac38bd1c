//! labelrow core: the data model, frame index, parser and exporter behind the `labelrow` Python package.
//!
//! Data flow: label dict (or JSON) → [`parse`] → [`row::RowStore`] (+ frame index) → [`export`] → label dict.
//! API edits go through the store so that the frame index stays current.

pub mod answers;
pub mod columns;
pub mod dates;
pub mod error;
pub mod event_edits;
pub mod events;
pub mod export;
pub mod geometry;
pub mod instance;
pub mod medical;
pub mod ontology;
pub mod parallel;
pub mod parse;
pub mod ranges;
pub mod rle;
pub mod row;
pub mod spaces;
pub mod tree;

#[cfg(feature = "python")]
mod python;

/// The extension allocates and frees millions of small blocks per large row (frame maps, geometries, strings);
/// mimalloc does that several times faster than glibc's malloc and keeps per-thread heaps, which lets loads on
/// different threads scale.
#[cfg(feature = "python")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
