//! Bitmask run-length encoding in the reference's string format (placeholder, replaced by the RLE work).
