//! Range-based rows (audio, plain text, HTML, time series): their objects live entirely in `object_answers`,
//! with the instance metadata and the ranges; their data units carry no frame labels.

use super::sink::{Key, LabelSink};
use super::ExportOptions;
use crate::error::{LabelError, Result};
use crate::geometry::{Geometry, HtmlNode, HtmlRange};
use crate::instance::ObjectData;
use crate::row::{DataType, DataUnit, RowStore};

fn write_node<S: LabelSink>(n: &HtmlNode, s: &mut S) {
    s.begin_map(2);
    s.key(Key::Xpath);
    s.str(&n.xpath);
    s.key(Key::Offset);
    s.int(n.offset);
    s.end_map();
}

/// `[{"start": {"xpath", "offset"}, "end": {...}}, ...]`.
pub fn write_html_ranges<S: LabelSink>(ranges: &[HtmlRange], s: &mut S) {
    s.begin_list(ranges.len());
    for r in ranges {
        s.begin_map(2);
        s.key(Key::Start);
        write_node(&r.start, s);
        s.key(Key::End);
        write_node(&r.end, s);
        s.end_map();
    }
    s.end_list();
}

/// Whether the row's objects are written with `range_html`: the reference decides by the file type, which is
/// the MIME type of the row's (first) data unit.
pub fn is_html(row: &RowStore) -> bool {
    row.units
        .values()
        .next()
        .is_some_and(|u| u.mime.as_str() == Some("text/html"))
}

/// The `object_answers` entry of an object on a range-based row. Its metadata and ranges are those of its
/// annotation on frame 0 (where range objects keep their single annotation).
pub fn write_range_object_answer<S: LabelSink>(
    o: &ObjectData,
    opts: ExportOptions,
    html: bool,
    s: &mut S,
) -> Result<()> {
    let node = o.feature_node();
    let a = o.frames.get(&0).ok_or_else(|| {
        LabelError::label_row(format!(
            "Trying to use an ObjectInstance.Annotation for an ObjectInstance that is not on the frame 0 (object `{}`)",
            o.hash
        ))
    })?;
    // Checked before anything is written, so that a failing export leaves no half-written entry behind.
    match (&a.geometry, html) {
        (Geometry::Html { .. }, true) | (Geometry::Range { .. }, false) => {}
        (_, true) => {
            return Err(LabelError::label_row(format!(
                "Html annotations should have range_html set within the TextCoordinates (object `{}`)",
                o.hash
            )))
        }
        (Geometry::Html { .. }, false) => {
            return Err(LabelError::label_row(format!(
                "Non-geometric annotations should have range set within the Coordinates (object `{}`)",
                o.hash
            )))
        }
        _ => {
            return Err(LabelError::label_row(format!(
                "No ranges available for this object instance: object `{}` has shape `{}`, not a range-based shape",
                o.hash, node.shape
            )))
        }
    }
    s.begin_map(16);
    s.key(Key::Classifications);
    o.static_answers.write(&o.onto, node, s);
    s.key(Key::ObjectHash);
    s.sym(&o.hash);
    if let (Some(n), false) = (o.object_number, opts.renumber_objects) {
        s.key(Key::ObjectNumber);
        s.uint(n);
    }
    // Range objects carry no `confidence` (the reference never writes one for them).
    super::write_edit_meta(&a.meta, s);
    s.key(Key::ManualAnnotation);
    s.bool(a.meta.manual_annotation);
    s.key(Key::FeatureHash);
    s.sym(&node.hash);
    s.key(Key::Name);
    s.sym(&node.name);
    s.key(Key::Color);
    s.sym(&node.color);
    s.key(Key::Shape);
    s.sym(&node.shape);
    s.key(Key::Value);
    s.sym(&node.value);
    super::geometry::write_geometry(&a.geometry, s);
    s.end_map();
    Ok(())
}

/// The keys of a range-based row's data unit, in the reference's order. `labels` is always `{}`.
pub fn write_range_unit<S: LabelSink>(row: &RowStore, u: &DataUnit, frame: i64, s: &mut S) {
    let dt = row.header.data_type;
    s.begin_map(11);
    s.key(Key::DataHash);
    s.raw(&u.hash);
    s.key(Key::DataTitle);
    s.raw(&u.title);
    s.key(Key::DataLink);
    match &u.link {
        Some(l) => s.raw(l),
        None => s.null(),
    }
    s.key(Key::DataType);
    s.raw(&u.mime);
    s.key(Key::DataSequence);
    s.int(frame);
    if dt == DataType::Audio {
        let null = serde_json::Value::Null;
        let audio = u.audio.as_ref();
        for (i, k) in [
            Key::AudioCodec,
            Key::AudioSampleRate,
            Key::AudioBitDepth,
            Key::AudioNumChannels,
        ]
        .into_iter()
        .enumerate()
        {
            s.key(k);
            s.raw(audio.map_or(&null, |a| &a[i]));
        }
    }
    s.key(Key::Labels);
    s.begin_map(0);
    s.end_map();
    if dt != DataType::PlainText && !row.media.duration.is_null() {
        s.key(Key::DataDuration);
        s.raw(&row.media.duration);
    }
    if dt == DataType::TimeSeries && !row.media.fps.is_null() {
        s.key(Key::DataFps);
        s.raw(&row.media.fps);
    }
    s.end_map();
}
