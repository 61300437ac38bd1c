//! Writes to an object of an event-based row: `upsert_event`, `delete_event` and `remove_event`. Each checks
//! everything first, then edits the object's cell and the row's frame index together, so a refused call changes
//! nothing. An object left with no events leaves the row (as in the reference); a later write brings it back at
//! the end of the row order.

use std::sync::Arc;

use crate::error::{LabelError, Result};
use crate::events::{
    check_event_shape, check_interpolation, dangling_deletes, inherited_interpolation, kind_of, resolve_at,
    stranded_interpolations, zeroed, EventKind,
};
use crate::geometry::Geometry;
use crate::instance::{AnnotationMeta, FrameAnnotation, MetaUpdate, ObjectCell, ObjectData, Shared};
use crate::ranges::Frame;
use crate::row::RowStore;

/// The refusal of an event API on a row that is not event-based.
pub fn check_row_event_based(row: &RowStore, method: &str) -> Result<()> {
    if row.header.is_event_based() {
        return Ok(());
    }
    Err(LabelError::label_row(format!(
        "`{method}` is only available on an event-based label row. This object's label row is not event-based; use \
         `set_for_frames`, `get_annotation` and `remove_from_frames` instead."
    )))
}

/// The row order of `cell`, adding it at the end of the row when an earlier write emptied it off the row.
fn order_of(row: &mut RowStore, cell: &ObjectCell) -> Result<u64> {
    let hash = cell.lock().hash.clone();
    if let Some(order) = row.object_order(&hash) {
        if row.object(order).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            return Ok(order);
        }
    }
    row.add_object(cell.clone(), true)
}

/// Drops stored events; the object leaves the row once it has none.
fn drop_frames(row: &mut RowStore, cell: &ObjectCell, frames: &[Frame]) {
    if frames.is_empty() {
        return;
    }
    let emptied = {
        let mut o = cell.lock();
        for f in frames {
            o.frames.remove(f);
        }
        o.frames.is_empty()
    };
    let hash = cell.lock().hash.clone();
    let Some(order) = row
        .object_order(&hash)
        .filter(|o| row.object(*o).is_some_and(|c| Arc::ptr_eq(c, cell)))
    else {
        return;
    };
    row.unindex_object_frames(order, frames);
    if emptied {
        row.remove_object(order);
    }
}

fn prune_dangling(row: &mut RowStore, cell: &ObjectCell) {
    let dangling = dangling_deletes(&cell.lock().frames);
    drop_frames(row, cell, &dangling);
}

/// Dangling deletes go, and upserts left with no upsert right after them stop interpolating.
fn prune_after_removal(row: &mut RowStore, cell: &ObjectCell) {
    prune_dangling(row, cell);
    let mut o = cell.lock();
    for f in stranded_interpolations(&o.frames) {
        if let Some(a) = o.frames.get_mut(&f) {
            a.interpolate = None;
        }
    }
}

/// Stores an event on `frame`: an existing entry keeps its metadata except what `update` sets; a new one starts
/// from fresh metadata stamped `now`. Returns the object's row order.
fn store_event(
    row: &mut RowStore,
    cell: &ObjectCell,
    frame: Frame,
    kind: EventKind,
    geometry: Geometry,
    update: &MetaUpdate,
    now: i64,
) -> Result<u64> {
    let order = order_of(row, cell)?;
    let added = {
        let mut o = cell.lock();
        o.had_events = true;
        let added = !o.frames.contains_key(&frame);
        let a = o.frames.entry(frame).or_insert_with(|| {
            Box::new(FrameAnnotation {
                geometry: geometry.clone(),
                meta: AnnotationMeta::new(now),
                interpolate: None,
                event: None,
            })
        });
        a.geometry = geometry;
        if kind == EventKind::Delete {
            a.interpolate = None;
        }
        update.apply(&mut a.meta);
        a.event = Some(kind);
        added
    };
    if added {
        row.index_object_frames(order, vec![frame]);
    }
    Ok(order)
}

/// `ObjectInstance.upsert_event`: from `frame` on, the object has `geometry`. Returns the object's row order.
#[allow(clippy::too_many_arguments)]
pub fn upsert(
    row: &mut RowStore,
    cell: &ObjectCell,
    frame: Frame,
    geometry: Geometry,
    update: &MetaUpdate,
    interpolation: Option<&str>,
    overwrite: bool,
    now: i64,
) -> Result<u64> {
    check_row_event_based(row, "upsert_event")?;
    let mode = {
        let o = cell.lock();
        let shape = &o.feature_node().shape;
        check_write_shape(&o)?;
        o.check_shape(&geometry)?;
        if frame < 0 {
            return Err(LabelError::label_row(format!(
                "The supplied frame of `{frame}` must be `0` or greater."
            )));
        }
        if o.frames.get(&frame).is_some_and(|a| kind_of(a) == EventKind::Upsert) && !overwrite {
            return Err(LabelError::label_row(format!(
                "An upsert already exists at frame `{frame}`. Set `overwrite=True` to replace it, or call \
                 `remove_event(frame)` first."
            )));
        }
        if let Some(m) = interpolation {
            check_interpolation(m, shape).map_err(LabelError::label_row)?;
        }
        let mode = interpolation
            .map(str::to_owned)
            .or_else(|| inherited_interpolation(&o.frames, frame).map(str::to_owned))
            .unwrap_or_else(|| "hold".to_owned());
        mode
    };
    let unchanged = cell
        .lock()
        .frames
        .get(&frame)
        .is_some_and(|a| kind_of(a) == EventKind::Upsert && crate::events::mode_of(a) == mode);
    let order = store_event(row, cell, frame, EventKind::Upsert, geometry, update, now)?;
    if !unchanged {
        if let Some(a) = cell.lock().frames.get_mut(&frame) {
            a.interpolate = (mode != "hold").then(|| Shared::from(mode.as_str()));
        }
    }
    prune_dangling(row, cell);
    Ok(order)
}

fn check_write_shape(o: &ObjectData) -> Result<()> {
    let shape = &o.feature_node().shape;
    check_event_shape(shape).map_err(|_| {
        LabelError::label_row(format!(
            "Objects of shape `{shape}` cannot be written to an event-based label row; only {} are supported.",
            crate::events::quoted_list(&crate::events::EVENT_SHAPES)
        ))
    })
}

/// `ObjectInstance.delete_event`: from `frame` on, the object does not exist. A delete on the object's own
/// opening keyframe removes that keyframe instead; one where the object is already absent is not written.
pub fn delete(row: &mut RowStore, cell: &ObjectCell, frame: Frame, now: i64) -> Result<()> {
    check_row_event_based(row, "delete_event")?;
    let (resolved, opens, shape) = {
        let o = cell.lock();
        let Some(resolved) = resolve_at(&o.frames, frame) else {
            return Ok(());
        };
        let opens = resolved == frame && (frame == 0 || resolve_at(&o.frames, frame - 1).is_none());
        (resolved, opens, o.feature_node().shape.clone())
    };
    if opens {
        drop_frames(row, cell, &[frame]);
        prune_after_removal(row, cell);
        return Ok(());
    }
    let Some(geometry) = zeroed(&shape) else {
        return Err(LabelError::label_row(format!(
            "Shape `{shape}` cannot be stored as an event-based label."
        )));
    };
    // The delete takes the metadata of the upsert it ends.
    let update = {
        let o = cell.lock();
        let m = &o.frames[&resolved].meta;
        MetaUpdate {
            created_at: Some(m.created_at),
            created_by: m.created_by.clone(),
            last_edited_at: Some(m.last_edited_at),
            last_edited_by: m.last_edited_by.clone(),
            confidence: Some(m.confidence.clone()),
            manual_annotation: Some(m.manual_annotation),
        }
    };
    store_event(row, cell, frame, EventKind::Delete, geometry, &update, now)?;
    prune_after_removal(row, cell);
    Ok(())
}

/// `ObjectInstance.remove_event`: erases the event stored on `frame` (then prunes as `delete` does).
pub fn remove(row: &mut RowStore, cell: &ObjectCell, frame: Frame) -> Result<()> {
    check_row_event_based(row, "remove_event")?;
    if !cell.lock().frames.contains_key(&frame) {
        return Err(LabelError::label_row(format!(
            "No event is stored at frame `{frame}`. See `get_events()` for the stored frames."
        )));
    }
    drop_frames(row, cell, &[frame]);
    prune_after_removal(row, cell);
    Ok(())
}
