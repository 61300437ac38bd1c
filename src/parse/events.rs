//! The parts of a frame-object entry only an event-based (continuous scene) row has: the `event` tag and an
//! `interpolate` mode other than `hold`, and the check that every object's events are terminated.

use crate::error::{LabelError, Result};
use crate::events::{check_interpolation, check_terminated, EventKind};
use crate::row::RowStore;
use crate::tree::{Path, Val};

/// An entry's `event`: an untagged entry (absent or null) reads as an upsert, and is written back as one.
pub(super) fn event_tag(v: Option<Val<'_>>, path: &Path<'_>) -> Result<EventKind> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(EventKind::Untagged);
    };
    v.as_str().and_then(EventKind::parse).ok_or_else(|| {
        LabelError::value(format!(
            "{path}.event: expected \"upsert\" or \"delete\", got {}",
            v.to_value()
        ))
    })
}

/// An entry's `interpolate` mode (None when absent or null), refused where the SDK cannot read it on `shape`.
pub(super) fn interpolate_mode(v: Option<Val<'_>>, shape: &str, path: &Path<'_>) -> Result<Option<&'static str>> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let shown = v.as_str().map_or_else(|| v.to_value().to_string(), str::to_owned);
    let mode = match v.as_str() {
        Some("hold") => "hold",
        Some("linear") => "linear",
        _ => "",
    };
    check_interpolation(if mode.is_empty() { &shown } else { mode }, shape).map_err(|reason| {
        LabelError::label_row(format!(
            "{path}.interpolate: this label carries `interpolate: '{shown}'`, which labelrow cannot read: {reason} \
             Reading it any other way would report coordinates the platform does not show."
        ))
    })?;
    Ok(Some(mode))
}

/// Every object of an event-based row ends on a `delete` (as the reference checks on parse).
pub(super) fn check_objects_terminated(row: &RowStore) -> Result<()> {
    for (_, cell) in row.objects() {
        let o = cell.lock();
        check_terminated(&o.frames, Some(&o.hash))?;
    }
    Ok(())
}
