//! Label dict → store. The only module that knows the input format's quirks: required keys, the older and
//! alternative input forms, silent drops, and the order in which objects first appear.

use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value};

use crate::answers::AnswerValue;
use crate::dates::parse_timestamp;
use crate::error::{LabelError, Result};
use crate::geometry::{parse_geometry, Num};
use crate::instance::{
    check_bound, AnnotationMeta, ClassificationData, FrameAnnotation, ObjectData, Shared, StringPool,
};
use crate::ontology::{AttrKind, Ontology};
use crate::ranges::{Frame, RangeSet};
use crate::row::{DataType, DataUnit, Header, MediaInfo, RowStore};

/// Parses date strings the core does not understand natively (the binding supplies `dateutil`).
pub type DateFallback<'a> = &'a dyn Fn(&str) -> Option<i64>;

/// Everything a parse needs besides the dict.
pub struct ParseContext<'a> {
    pub onto: Arc<Ontology>,
    pub media: MediaInfo,
    /// "Now", for timestamps missing from the input.
    pub now: i64,
    pub date_fallback: DateFallback<'a>,
}

pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dict",
    }
}

fn req<'v>(v: &'v Value, key: &str, path: &str) -> Result<&'v Value> {
    v.get(key).ok_or_else(|| LabelError::missing(path, key))
}

fn as_map<'v>(v: &'v Value, path: &str) -> Result<&'v Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a dict, got {}", kind(v))))
}

fn as_list<'v>(v: &'v Value, path: &str) -> Result<&'v [Value]> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list, got {}", kind(v))))
}

fn req_str<'v>(v: &'v Value, key: &str, path: &str) -> Result<&'v str> {
    match req(v, key, path)? {
        Value::String(s) => Ok(s),
        other => Err(LabelError::type_(format!(
            "{path}.{key}: expected a string, got {}",
            kind(other)
        ))),
    }
}

fn opt_string_ref<'v>(v: &'v Value, key: &str, path: &str) -> Result<Option<&'v str>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(LabelError::type_(format!(
            "{path}.{key}: expected a string or null, got {}",
            kind(other)
        ))),
    }
}

/// `int()` of a frame key or `data_sequence` (an int, or a string holding one).
fn frame_number(v: &Value, path: &str) -> Result<Frame> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| LabelError::value(format!("{path}: {n} is not an integer frame"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| LabelError::value(format!("{path}: invalid literal for int(): '{s}'"))),
        other => Err(LabelError::type_(format!(
            "{path}: expected an integer, got {}",
            kind(other)
        ))),
    }
}

impl ParseContext<'_> {
    fn date(&self, v: Option<&Value>, path: &str) -> Result<Option<i64>> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => parse_timestamp(s)
                .or_else(|| (self.date_fallback)(s))
                .map(Some)
                .ok_or_else(|| LabelError::value(format!("{path}: unknown date string format: '{s}'"))),
            Some(other) => Err(LabelError::label_row(format!(
                "{path}: expected a date string, got {}",
                kind(other)
            ))),
        }
    }

    fn date_or_now(&self, v: Option<&Value>, path: &str) -> Result<i64> {
        Ok(self.date(v, path)?.unwrap_or(self.now))
    }
}

/// Parses a whole label dict into a fresh store.
pub fn parse_row(d: &Value, ctx: &ParseContext<'_>) -> Result<RowStore> {
    let p = "label_row";
    as_map(d, p)?;
    for key in [
        "label_hash",
        "branch_name",
        "created_at",
        "last_edited_at",
        "data_hash",
        "dataset_hash",
        "dataset_title",
        "data_title",
        "data_type",
        "object_answers",
        "classification_answers",
        "object_actions",
        "label_status",
        "data_units",
    ] {
        req(d, key, p)?;
    }
    let dt_str = d["data_type"].as_str().unwrap_or_default();
    let data_type = DataType::parse(dt_str)
        .ok_or_else(|| LabelError::not_implemented(format!("{p}.data_type: unsupported data type '{dt_str}'")))?;
    let label_status = match d["label_status"].as_str() {
        Some(
            s @ ("NOT_LABELLED" | "LABEL_IN_PROGRESS" | "LABELLED" | "REVIEW_IN_PROGRESS" | "REVIEWED"
            | "REVIEWED_TWICE"),
        ) => s.to_owned(),
        _ => "_MISSING_LABEL_STATUS_".to_owned(),
    };
    let header = Header {
        label_hash: d["label_hash"].clone(),
        branch_name: d["branch_name"].clone(),
        created_at: ctx.date(d.get("created_at"), "label_row.created_at")?,
        last_edited_at: ctx.date(d.get("last_edited_at"), "label_row.last_edited_at")?,
        data_hash: d["data_hash"].clone(),
        dataset_hash: d["dataset_hash"].clone(),
        dataset_title: d["dataset_title"].clone(),
        data_title: d["data_title"].clone(),
        data_type,
        annotation_task_status: d.get("annotation_task_status").cloned().unwrap_or(Value::Null),
        label_status,
    };
    if let Some(spaces) = d.get("spaces") {
        if spaces.as_object().is_some_and(|m| !m.is_empty()) {
            let id = spaces
                .as_object()
                .and_then(|m| m.keys().next())
                .cloned()
                .unwrap_or_default();
            return Err(LabelError::label_row(format!(
                "Could not find space with given id {id}"
            )));
        }
    }
    let mut media = ctx.media.clone();
    media.data_type = data_type;
    let mut row = RowStore::new(ctx.onto.clone(), media, header);
    let mut builder = Builder {
        row: &mut row,
        ctx,
        strings: StringPool::default(),
    };
    builder.data_units(&d["data_units"])?;
    builder.object_answers(&d["object_answers"])?;
    builder.object_actions(&d["object_actions"])?;
    builder.classification_answers(&d["classification_answers"])?;
    row.compact();
    Ok(row)
}

struct Builder<'r, 'c> {
    row: &'r mut RowStore,
    ctx: &'r ParseContext<'c>,
    strings: StringPool,
}

fn confidence_of(v: Option<&Value>, path: &str) -> Result<Num> {
    match v {
        None | Some(Value::Null) => Ok(Num::from_f64(1.0).expect("1.0 is finite")),
        Some(Value::Number(n)) => Ok(n.clone()),
        Some(other) => Err(LabelError::label_row(format!(
            "{path}.confidence: expected a number, got {}",
            kind(other)
        ))),
    }
}

impl Builder<'_, '_> {
    fn shared(&mut self, v: &Value, key: &str, path: &str) -> Result<Option<Shared>> {
        Ok(opt_string_ref(v, key, path)?.map(|s| self.strings.get(s)))
    }

    fn data_units(&mut self, units: &Value) -> Result<()> {
        let dt = self.row.media.data_type;
        let units = as_map(units, "label_row.data_units")?;
        // Objects of all units are gathered first, so the row order is the order of first appearance.
        for (key, unit) in units {
            let path = format!("label_row.data_units[{key:?}]");
            as_map(unit, &path)?;
            for k in ["data_hash", "data_title", "data_type", "data_sequence"] {
                req(unit, k, &path)?;
            }
            let frame = frame_number(&unit["data_sequence"], &format!("{path}.data_sequence"))?;
            let first_unit = self.row.units.is_empty();
            let link = unit.get("data_link").cloned();
            if link.is_none()
                && first_unit
                && matches!(
                    dt,
                    DataType::Video
                        | DataType::Image
                        | DataType::Audio
                        | DataType::PlainText
                        | DataType::Pdf
                        | DataType::TimeSeries
                )
            {
                return Err(LabelError::missing(&path, "data_link"));
            }
            if matches!(dt, DataType::Dicom | DataType::Nifti) {
                req(unit, "width", &path)?;
                req(unit, "height", &path)?;
            }
            let audio = if dt == DataType::Audio {
                let mut a: [Value; 4] = Default::default();
                for (i, k) in [
                    "audio_codec",
                    "audio_sample_rate",
                    "audio_bit_depth",
                    "audio_num_channels",
                ]
                .iter()
                .enumerate()
                {
                    a[i] = req(unit, k, &path)?.clone();
                }
                Some(a)
            } else {
                None
            };
            let du = DataUnit {
                hash: unit["data_hash"].clone(),
                title: unit["data_title"].clone(),
                link,
                mime: unit["data_type"].clone(),
                width: unit.get("width").cloned().unwrap_or(Value::from(0)),
                height: unit.get("height").cloned().unwrap_or(Value::from(0)),
                audio,
            };
            self.row.units.insert(frame, du);
            let Some(labels) = unit.get("labels") else { continue };
            let lpath = format!("{path}.labels");
            if dt.single_frame_units() {
                if let Some(objs) = labels.get("objects") {
                    self.frame_objects(frame, objs, &format!("{lpath}.objects"))?;
                }
            } else if !dt.is_range_based() && dt != DataType::Group {
                for (fkey, fval) in as_map(labels, &lpath)? {
                    let fpath = format!("{lpath}[{fkey:?}]");
                    let f = frame_number(&Value::String(fkey.clone()), &fpath)?;
                    let objs = req(fval, "objects", &fpath)?;
                    if let Some(meta) = fval.get("metadata").filter(|m| !m.is_null()) {
                        check_slice_metadata(meta, &format!("{fpath}.metadata"))?;
                    }
                    self.frame_objects(f, objs, &format!("{fpath}.objects"))?;
                }
            }
        }
        Ok(())
    }

    fn frame_objects(&mut self, frame: Frame, objs: &Value, path: &str) -> Result<()> {
        for (i, entry) in as_list(objs, path)?.iter().enumerate() {
            self.frame_object(frame, entry, &format!("{path}[{i}]"))?;
        }
        Ok(())
    }

    fn frame_object(&mut self, frame: Frame, e: &Value, path: &str) -> Result<()> {
        as_map(e, path)?;
        let hash = req_str(e, "objectHash", path)?;
        // Only an object's first entry says which ontology object it is; later entries' featureHash is not read
        // (as in the reference).
        let feature = match self.row.object_order(hash) {
            Some(_) => None,
            None => {
                let feature_hash = req_str(e, "featureHash", path)?;
                Some(self.ctx.onto.object(feature_hash).map_err(|err| err.at(path))?)
            }
        };
        if e.get("event").is_some_and(|v| !v.is_null()) {
            return Err(LabelError::label_row(format!(
                "{path}: the `event` key is only allowed on event-based (continuous scene) rows"
            )));
        }
        let interpolate = match e.get("interpolate") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s == "hold" => Some(self.strings.get(s)),
            Some(other) => {
                return Err(LabelError::label_row(format!(
                    "{path}.interpolate: {other} is not allowed: object `{hash}` is not an event-based object"
                )))
            }
        };
        let geometry = parse_geometry(e, path)?;
        let meta = AnnotationMeta {
            created_at: self.ctx.date_or_now(e.get("createdAt"), &format!("{path}.createdAt"))?,
            created_by: self.shared(e, "createdBy", path)?,
            last_edited_at: self
                .ctx
                .date_or_now(e.get("lastEditedAt"), &format!("{path}.lastEditedAt"))?,
            last_edited_by: self.shared(e, "lastEditedBy", path)?,
            confidence: confidence_of(e.get("confidence"), path)?,
            manual_annotation: match e.get("manualAnnotation") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(other) => {
                    return Err(LabelError::label_row(format!(
                        "{path}.manualAnnotation: expected a bool, got {}",
                        kind(other)
                    )))
                }
            },
            is_deleted: match e.get("isDeleted") {
                None | Some(Value::Null) => None,
                Some(Value::Bool(b)) => Some(*b),
                Some(other) => {
                    return Err(LabelError::label_row(format!(
                        "{path}.isDeleted: expected a bool, got {}",
                        kind(other)
                    )))
                }
            },
        };
        if frame < 0 {
            return Err(crate::instance::out_of_bounds(frame, self.row.frame_bound()).at(path));
        }
        let order = match self.row.object_order(hash) {
            Some(order) => {
                check_bound(frame, self.row.frame_bound()).map_err(|err| err.at(path))?;
                order
            }
            None => {
                let data = ObjectData::new(hash.to_owned(), self.ctx.onto.clone(), feature.unwrap_or_default());
                data.check_shape(&geometry).map_err(|err| err.at(path))?;
                self.row.add_object(Arc::new(Mutex::new(data)), false)?
            }
        };
        let cell = self
            .row
            .object(order)
            .cloned()
            .ok_or_else(|| LabelError::label_row("lost object"))?;
        {
            let o = cell.lock();
            o.check_shape(&geometry).map_err(|err| err.at(path))?;
        }
        let fresh = !cell.lock().frames.contains_key(&frame);
        cell.lock().frames.insert(
            frame,
            FrameAnnotation {
                geometry,
                meta,
                interpolate,
            },
        );
        if fresh {
            self.row.reindex_object_frame(order, frame);
        }
        Ok(())
    }

    fn object_answers(&mut self, v: &Value) -> Result<()> {
        let dt = self.row.media.data_type;
        for (key, entry) in as_map(v, "label_row.object_answers")? {
            let path = format!("label_row.object_answers[{key:?}]");
            if dt.is_range_based() {
                return Err(LabelError::not_implemented(format!(
                    "{path}: objects of {} rows are not supported yet",
                    dt.as_str()
                )));
            }
            let hash = req_str(entry, "objectHash", &path)?;
            let Some(order) = self.row.object_order(hash) else {
                continue;
            };
            let answers = req(entry, "classifications", &path)?;
            let cell = self
                .row
                .object(order)
                .cloned()
                .ok_or_else(|| LabelError::label_row("lost object"))?;
            let mut o = cell.lock();
            match entry.get("objectNumber") {
                None | Some(Value::Null) => {}
                Some(Value::Number(n)) if n.as_u64().is_some() => o.object_number = n.as_u64(),
                Some(other) => {
                    return Err(LabelError::label_row(format!(
                        "{path}.objectNumber: object_number must be a non-negative integer, got {other}."
                    )))
                }
            }
            let onto = o.onto.clone();
            let feature = o.feature;
            let bound = self.row.frame_bound();
            // Image-group answers are applied once per image the object is on (as the reference reads them per
            // data unit); repeating is harmless for static answers but re-orders dynamic ones.
            let repeats = if dt == DataType::ImgGroup {
                o.frames.len().max(1)
            } else {
                1
            };
            for (i, a) in std::iter::repeat_n(as_list(answers, &format!("{path}.classifications"))?, repeats)
                .flat_map(|list| list.iter().enumerate())
            {
                let apath = format!("{path}.classifications[{i}]");
                let attr = answer_attribute(&onto, &onto.objects[feature], a, &apath)?;
                let Some(value) = answer_value(&onto, attr, a, &apath, AnswerOwner::Object)? else {
                    continue;
                };
                if onto.attrs[attr].dynamic {
                    let ranges = answer_ranges(a, &apath, bound)?;
                    set_dynamic(&mut o, attr, value, &ranges);
                } else if let (AnswerValue::Checklist(new), Some(old)) = (&value, o.static_answers.get(attr)) {
                    // A checklist split over several entries (as the editor writes it) is merged.
                    let mut merged = match &old.value {
                        AnswerValue::Checklist(v) if i > 0 => v.clone(),
                        _ => Vec::new(),
                    };
                    merged.extend(new.iter().filter(|x| !merged.contains(x)).copied().collect::<Vec<_>>());
                    o.static_answers.set(attr, AnswerValue::Checklist(merged), true);
                } else {
                    o.static_answers.set(attr, value, true);
                }
            }
        }
        Ok(())
    }

    fn object_actions(&mut self, v: &Value) -> Result<()> {
        let bound = self.row.frame_bound();
        for (key, entry) in as_map(v, "label_row.object_actions")? {
            let path = format!("label_row.object_actions[{key:?}]");
            let hash = req_str(entry, "objectHash", &path)?;
            let actions = req(entry, "actions", &path)?;
            let Some(order) = self.row.object_order(hash) else {
                continue;
            };
            let cell = self
                .row
                .object(order)
                .cloned()
                .ok_or_else(|| LabelError::label_row("lost object"))?;
            let mut o = cell.lock();
            let onto = o.onto.clone();
            let feature = o.feature;
            // Entries are applied grouped by attribute (attributes in order of first appearance), list order
            // within each group: that is the insertion order the reference ends up with.
            let mut groups: Vec<(usize, Vec<(String, &Value)>)> = Vec::new();
            for (i, a) in as_list(actions, &format!("{path}.actions"))?.iter().enumerate() {
                let apath = format!("{path}.actions[{i}]");
                let attr = answer_attribute(&onto, &onto.objects[feature], a, &apath)?;
                match groups.iter_mut().find(|(g, _)| *g == attr) {
                    Some((_, v)) => v.push((apath, a)),
                    None => groups.push((attr, vec![(apath, a)])),
                }
            }
            for (attr, entries) in groups {
                if onto.attrs[attr].kind == AttrKind::Checklist && onto.attrs[attr].dynamic {
                    let mut items = Vec::with_capacity(entries.len());
                    for (apath, a) in &entries {
                        answer_ranges(a, apath, bound)?;
                        if let Some(AnswerValue::Checklist(opts)) =
                            answer_value(&onto, attr, a, apath, AnswerOwner::Object)?
                        {
                            for (s, e) in raw_ranges(req(a, "range", apath)?, &format!("{apath}.range"))? {
                                items.push((opts.clone(), s, e));
                            }
                        }
                    }
                    o.dynamic_answers.set_checklist_sweep(attr, &items);
                    continue;
                }
                for (apath, a) in entries {
                    let ranges = answer_ranges(a, &apath, bound)?;
                    let Some(value) = answer_value(&onto, attr, a, &apath, AnswerOwner::Object)? else {
                        continue;
                    };
                    if onto.attrs[attr].dynamic {
                        set_dynamic(&mut o, attr, value, &ranges);
                    } else {
                        o.static_answers.set(attr, value, true);
                    }
                }
            }
        }
        Ok(())
    }

    fn classification_answers(&mut self, v: &Value) -> Result<()> {
        let dt = self.row.media.data_type;
        for (key, entry) in as_map(v, "label_row.classification_answers")? {
            let path = format!("label_row.classification_answers[{key:?}]");
            as_map(entry, &path)?;
            let hash = req_str(entry, "classificationHash", &path)?;
            let answers = req(entry, "classifications", &path)?;
            let feature_hash = match entry.get("featureHash") {
                Some(Value::String(s)) if !s.is_empty() => s.as_str(),
                _ => continue,
            };
            if let Some(spaces) = entry.get("spaces").and_then(Value::as_object) {
                if spaces.keys().any(|k| k != "root") {
                    continue;
                }
            }
            let feature = self
                .ctx
                .onto
                .classification(feature_hash)
                .map_err(|err| err.at(&path))?;
            let global = self.ctx.onto.classifications[feature].is_global;
            let ranges = match entry.get("range") {
                None | Some(Value::Null) => RangeSet::new(),
                Some(r) => parse_ranges(r, &format!("{path}.range"))?,
            };
            if ranges.is_empty() && !global && !dt.is_range_based() {
                continue;
            }
            let mut data =
                ClassificationData::new(hash.to_owned(), self.ctx.onto.clone(), feature, false, self.ctx.now);
            data.ranges = ranges;
            data.meta = AnnotationMeta {
                created_at: self
                    .ctx
                    .date_or_now(entry.get("createdAt"), &format!("{path}.createdAt"))?,
                created_by: self.shared(entry, "createdBy", &path)?,
                last_edited_at: self
                    .ctx
                    .date_or_now(entry.get("lastEditedAt"), &format!("{path}.lastEditedAt"))?,
                last_edited_by: self.shared(entry, "lastEditedBy", &path)?,
                confidence: confidence_of(entry.get("confidence"), &path)?,
                manual_annotation: entry.get("manualAnnotation").and_then(Value::as_bool).unwrap_or(true),
                is_deleted: None,
            };
            for (i, a) in as_list(answers, &format!("{path}.classifications"))?.iter().enumerate() {
                let apath = format!("{path}.classifications[{i}]");
                let onto = self.ctx.onto.clone();
                let attr = answer_attribute(&onto, &onto.classifications[feature], a, &apath)?;
                if let Some(value) = answer_value(&onto, attr, a, &apath, AnswerOwner::Classification)? {
                    data.answers.set(attr, value, true);
                }
            }
            self.row
                .add_classification(Arc::new(Mutex::new(data)), false)
                .map_err(|err| err.at(&path))?;
        }
        Ok(())
    }
}

/// A frame's `metadata` is read as DICOM slice metadata (and never written back): the reference validates it.
fn check_slice_metadata(meta: &Value, path: &str) -> Result<()> {
    let bad = |what: &str| LabelError::encord(format!("{path}: invalid DICOM slice metadata: {what}"));
    let m = meta.as_object().ok_or_else(|| bad("expected a dict"))?;
    for key in ["dicom_instance_uid", "file_uri"] {
        if m.get(key).is_none_or(|v| !v.is_string()) {
            return Err(bad(&format!("'{key}' must be a string")));
        }
    }
    for key in ["width", "height"] {
        if m.get(key).is_none_or(|v| v.as_i64().is_none()) {
            return Err(bad(&format!("'{key}' must be an integer")));
        }
    }
    match m.get("multiframe_frame_number") {
        Some(Value::Null) => Ok(()),
        Some(v) if v.as_i64().is_some() => Ok(()),
        _ => Err(bad("'multiframe_frame_number' must be an integer or null")),
    }
}

fn set_dynamic(o: &mut ObjectData, attr: usize, value: AnswerValue, ranges: &RangeSet) {
    match value {
        AnswerValue::Checklist(opts) => {
            let items: Vec<_> = ranges.ranges().iter().map(|&(s, e)| (opts.clone(), s, e)).collect();
            o.dynamic_answers.set_checklist_sweep(attr, &items);
        }
        v => o.dynamic_answers.set(attr, v, ranges),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum AnswerOwner {
    Object,
    Classification,
}

/// The attribute an answer entry refers to; it must be a static slot or a top-level dynamic attribute.
fn answer_attribute(onto: &Ontology, owner: &crate::ontology::FeatureNode, a: &Value, path: &str) -> Result<usize> {
    let fh = req_str(a, "featureHash", path)?;
    let attr = owner.attr_by_hash.get(fh).copied().ok_or_else(|| {
        LabelError::label_row(format!(
            "{path}: Attribute with id [{fh}] does not exist in the ontology"
        ))
    })?;
    if !owner.static_slots.contains(&attr) && !owner.dynamic_attrs.contains(&attr) {
        return Err(LabelError::label_row(format!(
            "{path}: the attribute `{}` ({fh}) is not a valid child of `{}`",
            onto.attrs[attr].name, owner.name
        )));
    }
    Ok(attr)
}

/// The value of an answer entry; `None` when the reference silently leaves the attribute unanswered.
fn answer_value(
    onto: &Ontology,
    attr: usize,
    a: &Value,
    path: &str,
    owner: AnswerOwner,
) -> Result<Option<AnswerValue>> {
    let answers = req(a, "answers", path)?;
    let node = &onto.attrs[attr];
    let unknown_option = |h: &str| {
        let msg = format!(
            "{path}.answers: option `{h}` is not an option of attribute `{}`",
            node.name
        );
        match owner {
            AnswerOwner::Object => LabelError::ontology(msg),
            AnswerOwner::Classification => LabelError::value(msg),
        }
    };
    let option_hash = |o: &Value, i: usize| -> Result<String> {
        req_str(o, "featureHash", &format!("{path}.answers[{i}]")).map(str::to_owned)
    };
    Ok(Some(match node.kind {
        AttrKind::Radio => {
            let list = as_list(answers, &format!("{path}.answers"))?;
            if list.len() != 1 {
                return Ok(None);
            }
            let h = option_hash(&list[0], 0)?;
            AnswerValue::Radio(onto.option_of(attr, &h).ok_or_else(|| unknown_option(&h))?)
        }
        AttrKind::Checklist => {
            let Some(list) = answers.as_array() else {
                return Err(match owner {
                    AnswerOwner::Classification => {
                        LabelError::not_implemented(format!("{path}.answers: a checklist answer must be a list"))
                    }
                    AnswerOwner::Object => {
                        LabelError::type_(format!("{path}.answers: a checklist answer must be a list"))
                    }
                });
            };
            let mut checked = Vec::with_capacity(list.len());
            for (i, o) in list.iter().enumerate() {
                let h = option_hash(o, i)?;
                let opt = onto.option_of(attr, &h).ok_or_else(|| unknown_option(&h))?;
                if !checked.contains(&opt) {
                    checked.push(opt);
                }
            }
            AnswerValue::Checklist(checked)
        }
        AttrKind::Text => match answers {
            Value::String(s) => AnswerValue::Text(s.clone()),
            other => {
                return Err(LabelError::value(format!(
                    "{path}.answers: a text answer must be a string, got {}",
                    kind(other)
                )))
            }
        },
        AttrKind::Numeric => match answers {
            Value::Number(_) | Value::Bool(_) => AnswerValue::Numeric(answers.clone()),
            other => {
                return Err(LabelError::label_row(format!(
                    "{path}.answers: a numeric answer must be a number, got {}",
                    kind(other)
                )))
            }
        },
    }))
}

/// `[[s, e], ...]` as given (not merged or sorted).
fn raw_ranges(v: &Value, path: &str) -> Result<Vec<(Frame, Frame)>> {
    let list = as_list(v, path)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let rpath = format!("{path}[{i}]");
        match r.as_array().map(Vec::as_slice) {
            Some([s, e]) => out.push((frame_number(s, &rpath)?, frame_number(e, &rpath)?)),
            _ => return Err(LabelError::value(format!("{rpath}: a range must be [start, end]"))),
        }
    }
    Ok(out)
}

/// `[[s, e], ...]` as a normalised set.
pub fn parse_ranges(v: &Value, path: &str) -> Result<RangeSet> {
    Ok(RangeSet::from_ranges(raw_ranges(v, path)?))
}

fn answer_ranges(a: &Value, path: &str, bound: Option<i64>) -> Result<RangeSet> {
    let r = parse_ranges(req(a, "range", path)?, &format!("{path}.range"))?;
    for &(s, e) in r.ranges() {
        check_bound(s, bound).map_err(|err| err.at(path))?;
        check_bound(e, bound).map_err(|err| err.at(path))?;
    }
    Ok(r)
}
