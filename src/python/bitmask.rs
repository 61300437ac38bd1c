//! numpy-facing bitmask functions (placeholder, replaced by the RLE work).
