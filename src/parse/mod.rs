//! Label dict → store. The only module that knows the input format's quirks: required keys, the older and
//! alternative input forms, silent drops, and the order in which objects first appear.
//!
//! The input is a [`Tree`] (from JSON text or Python objects); paths for messages are only written out when
//! an error is made.

use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::Value;

use crate::dates::parse_timestamp;
use crate::error::{LabelError, Result};
use crate::geometry::Num;
use crate::instance::{AnnotationMeta, ClassificationData, FrameAnnotation, ObjectData, Shared, StringPool};
use crate::ranges::{Frame, RangeSet};
use crate::row::{DataType, Header, MediaInfo, RowStore};
use crate::tree::json::FragmentParser;
use crate::tree::Deferred;
use crate::tree::{ListRef, MapRef, Path, Tree, Val};

mod answers;
mod events;
pub(crate) mod geometry;
mod mcap;
mod ranges;
mod recent;
mod scene;
mod space_ranges;
mod spaces;
mod units;

pub use answers::parse_ranges;
use answers::{answer_attribute, answer_ranges, answer_value, raw_ranges, set_dynamic, AnswerOwner};

/// Parses date strings the core does not understand natively (the binding supplies `dateutil`).
pub type DateFallback<'a> = &'a dyn Fn(&str) -> Option<i64>;

/// Everything a parse needs besides the dict.
pub struct ParseContext<'a> {
    pub onto: Arc<crate::ontology::Ontology>,
    pub media: MediaInfo,
    /// "Now", for timestamps missing from the input.
    pub now: i64,
    pub date_fallback: DateFallback<'a>,
}

pub(crate) fn missing(path: &Path<'_>, key: &str) -> LabelError {
    LabelError::key(format!("{path}: missing required key '{key}'"))
}

pub(crate) fn req<'t>(v: Val<'t>, key: &str, path: &Path<'_>) -> Result<Val<'t>> {
    v.get(key).ok_or_else(|| missing(path, key))
}

pub(crate) fn as_map<'t>(v: Val<'t>, path: &Path<'_>) -> Result<MapRef<'t>> {
    v.as_map()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a dict, got {}", v.kind())))
}

pub(crate) fn as_list<'t>(v: Val<'t>, path: &Path<'_>) -> Result<ListRef<'t>> {
    v.as_list()
        .ok_or_else(|| LabelError::type_(format!("{path}: expected a list, got {}", v.kind())))
}

pub(crate) fn req_str<'t>(v: Val<'t>, key: &str, path: &Path<'_>) -> Result<&'t str> {
    str_field(v.get(key), key, path)
}

/// The string value of a required key (`v` is the key's value if present).
fn str_field<'t>(v: Option<Val<'t>>, key: &str, path: &Path<'_>) -> Result<&'t str> {
    let x = v.ok_or_else(|| missing(path, key))?;
    x.as_str()
        .ok_or_else(|| LabelError::type_(format!("{path}.{key}: expected a string, got {}", x.kind())))
}

fn opt_str<'t>(v: Option<Val<'t>>, key: &str, path: &Path<'_>) -> Result<Option<&'t str>> {
    match v {
        None => Ok(None),
        Some(x) if x.is_null() => Ok(None),
        Some(x) => match x.as_str() {
            Some(s) => Ok(Some(s)),
            None => Err(LabelError::type_(format!(
                "{path}.{key}: expected a string or null, got {}",
                x.kind()
            ))),
        },
    }
}

/// `int()` of a frame key or `data_sequence` (an int, or a string holding one).
pub(crate) fn frame_number(v: Val<'_>, path: &Path<'_>) -> Result<Frame> {
    if let Some(s) = v.as_str() {
        return frame_of_str(s, path);
    }
    if v.is_number() {
        return v
            .as_i64()
            .ok_or_else(|| LabelError::value(format!("{path}: {v} is not an integer frame")));
    }
    Err(LabelError::type_(format!(
        "{path}: expected an integer, got {}",
        v.kind()
    )))
}

fn frame_of_str(s: &str, path: &Path<'_>) -> Result<Frame> {
    s.trim().parse().map_err(|_| {
        let digits = s.trim().trim_start_matches(['-', '+']);
        if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
            // Continuous scenes key frames by nanosecond offset: 64 bits hold 292 years of them.
            return LabelError::value(format!(
                "{path}: frame {s} is beyond the 64-bit frame offsets labelrow stores"
            ));
        }
        LabelError::value(format!("{path}: invalid literal for int(): '{s}'"))
    })
}

/// A `confidence` value: a number kept with its JSON type, 1.0 when absent.
fn confidence(v: Option<Val<'_>>, path: &Path<'_>) -> Result<Num> {
    let one = || Num::from_f64(1.0).expect("1.0 is finite");
    match v {
        None => Ok(one()),
        Some(x) if x.is_null() => Ok(one()),
        Some(x) => x
            .as_number()
            .ok_or_else(|| LabelError::label_row(format!("{path}.confidence: expected a number, got {}", x.kind()))),
    }
}

impl ParseContext<'_> {
    fn date(&self, v: Option<Val<'_>>, path: &dyn Fn() -> String) -> Result<Option<i64>> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        match v.as_str() {
            Some(s) => parse_timestamp(s)
                .or_else(|| (self.date_fallback)(s))
                .map(Some)
                .ok_or_else(|| LabelError::value(format!("{}: unknown date string format: '{s}'", path()))),
            None => Err(LabelError::label_row(format!(
                "{}: expected a date string, got {}",
                path(),
                v.kind()
            ))),
        }
    }

    fn date_or_now(&self, v: Option<Val<'_>>, path: &dyn Fn() -> String) -> Result<i64> {
        Ok(self.date(v, path)?.unwrap_or(self.now))
    }
}

/// Parses a whole label dict into a fresh store (a copy of `d` is read; see [`parse_tree`]).
pub fn parse_row(d: &Value, ctx: &ParseContext<'_>) -> Result<RowStore> {
    let tree = Tree::from_value(d).map_err(|e| LabelError::value(e.to_string()))?;
    parse_tree(tree.root(), ctx)
}

const HEADER_KEYS: [&str; 14] = [
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
];

/// Parses a whole label dict into a fresh store.
pub fn parse_tree(d: Val<'_>, ctx: &ParseContext<'_>) -> Result<RowStore> {
    parse_tree_with_spaces(d, ctx, &[])
}

/// Parses a whole label dict into a fresh store for a row whose metadata declares `spaces`.
pub fn parse_tree_with_spaces(
    d: Val<'_>,
    ctx: &ParseContext<'_>,
    spaces_meta: &[Arc<crate::spaces::SpaceDef>],
) -> Result<RowStore> {
    parse_tree_deferred(d, ctx, spaces_meta, None)
}

/// [`parse_tree_with_spaces`] of a tree whose [`Node::Deferred`](crate::tree) values `deferred` builds.
pub(crate) fn parse_tree_deferred(
    d: Val<'_>,
    ctx: &ParseContext<'_>,
    spaces_meta: &[Arc<crate::spaces::SpaceDef>],
    deferred: Option<&mut dyn Deferred>,
) -> Result<RowStore> {
    let p = Path::Root("label_row");
    let top = as_map(d, &p)?;
    // Every top-level key is looked up once, in one pass over the dict.
    let mut fields: [Option<Val<'_>>; 14] = [None; 14];
    let (mut spaces, mut task_status, mut scene) = (None, None, None);
    for (k, v) in top.iter() {
        if let Some(i) = HEADER_KEYS.iter().position(|h| *h == k) {
            fields[i] = Some(v);
        } else if k == "spaces" {
            spaces = Some(v);
        } else if k == "annotation_task_status" {
            task_status = Some(v);
        } else if k == "scene" {
            scene = Some(v);
        }
    }
    for (key, field) in HEADER_KEYS.iter().zip(&fields) {
        if field.is_none() {
            return Err(missing(&p, key));
        }
    }
    let field = |key: &str| fields[HEADER_KEYS.iter().position(|h| *h == key).unwrap_or(0)].unwrap_or(d);
    let dt_str = field("data_type").as_str().unwrap_or_default();
    let data_type = DataType::parse(dt_str)
        .ok_or_else(|| LabelError::not_implemented(format!("{p}.data_type: unsupported data type '{dt_str}'")))?;
    let label_status = match field("label_status").as_str() {
        Some(
            s @ ("NOT_LABELLED" | "LABEL_IN_PROGRESS" | "LABELLED" | "REVIEW_IN_PROGRESS" | "REVIEWED"
            | "REVIEWED_TWICE"),
        ) => s.to_owned(),
        _ => "_MISSING_LABEL_STATUS_".to_owned(),
    };
    let header = Header {
        label_hash: field("label_hash").to_value(),
        branch_name: field("branch_name").to_value(),
        created_at: ctx.date(Some(field("created_at")), &|| "label_row.created_at".to_owned())?,
        last_edited_at: ctx.date(Some(field("last_edited_at")), &|| "label_row.last_edited_at".to_owned())?,
        data_hash: field("data_hash").to_value(),
        dataset_hash: field("dataset_hash").to_value(),
        dataset_title: field("dataset_title").to_value(),
        data_title: field("data_title").to_value(),
        data_type,
        annotation_task_status: task_status.map_or(Value::Null, Val::to_value),
        label_status,
        scene: if data_type == DataType::Scene {
            scene::scene_metadata(scene, &p)?
        } else {
            None
        },
        mcap_trust: false,
    };
    let mut media = ctx.media.clone();
    media.data_type = data_type;
    let mut row = RowStore::new(ctx.onto.clone(), media, header);
    row.spaces = crate::spaces::Spaces::new(spaces_meta);
    let event_based = row.header.is_event_based();
    row.header.mcap_trust = event_based && spaces.and_then(Val::as_map).is_some_and(|m| m.is_empty());
    let mut builder = Builder {
        event_based,
        row: &mut row,
        ctx,
        strings: StringPool::default(),
        recent_strings: recent::Recent::new(),
        recent_dates: recent::Recent::new(),
        pending: PendingObjects::default(),
        fragments: FragmentParser::default(),
        deferred,
    };
    builder.reserve_objects(field("object_answers"));
    builder.data_units(field("data_units"))?;
    builder.add_pending_objects();
    if event_based {
        events::check_objects_terminated(builder.row)?;
    }
    // The answers dicts, where the input left them for later, are built in the order a two-thread load walks
    // them (see `Place::Answers`); the space and MCAP readers need `classification_answers` early.
    let oa_tree = builder.build_deferred(field("object_answers"))?;
    let object_answers = oa_tree.as_ref().map_or(field("object_answers"), Tree::root);
    let early =
        spaces.and_then(Val::as_map).is_some_and(|m| m.iter().next().is_some()) || builder.row.header.mcap_trust;
    let early_ca = if early {
        builder.build_deferred(field("classification_answers"))?
    } else {
        None
    };
    {
        // Without spaces (a non-empty map) or MCAP trust, neither reader looks at `classification_answers`.
        let ca = early_ca.as_ref().map_or(field("classification_answers"), Tree::root);
        builder.spaces(spaces, object_answers, ca, field("data_units"))?;
        if builder.row.header.mcap_trust {
            builder.mcap_spaces(field("data_units"), object_answers, ca)?;
        }
    }
    builder.object_answers(object_answers)?;
    let actions_tree = builder.build_deferred(field("object_actions"))?;
    builder.object_actions(actions_tree.as_ref().map_or(field("object_actions"), Tree::root))?;
    let late_ca = if early {
        None
    } else {
        builder.build_deferred(field("classification_answers"))?
    };
    let ca_tree = early_ca.as_ref().or(late_ca.as_ref());
    builder.classification_answers(ca_tree.map_or(field("classification_answers"), Tree::root))?;
    row.shrink_frame_index();
    Ok(row)
}

/// Objects met in `data_units` by hash, in order of first appearance, with their frames as read. The key is the
/// object's hash (moved into the object when it joins the row), so no second copy is made.
type PendingObjects =
    indexmap::IndexMap<String, (ObjectData, Vec<(Frame, Box<FrameAnnotation>)>), foldhash::fast::RandomState>;

struct Builder<'r, 'c, 'd> {
    /// Whether the row is a continuous scene, whose frame objects are events.
    event_based: bool,
    row: &'r mut RowStore,
    ctx: &'r ParseContext<'c>,
    /// One copy per distinct user email and interpolation mode.
    strings: StringPool,
    recent_strings: recent::Recent<Shared, 16>,
    recent_dates: recent::Recent<i64, 512>,
    /// Objects met in `data_units`, in order of first appearance, with their frames as read. They join the row
    /// together once every unit is read: building each object's frame map in one go is much cheaper than an
    /// insertion (and a frame-index update) per annotation.
    pending: PendingObjects,
    /// Reads the frames that JSON input keeps as text (`tree::Node::Raw`).
    fragments: FragmentParser,
    /// Builds the frames that a walk over Python objects left in place (`tree::Node::Deferred`).
    deferred: Option<&'d mut dyn Deferred>,
}

impl Builder<'_, '_, '_> {
    fn shared(&mut self, v: Option<Val<'_>>, key: &str, path: &Path<'_>) -> Result<Option<Shared>> {
        let Some(s) = opt_str(v, key, path)? else {
            return Ok(None);
        };
        if let Some(shared) = self.recent_strings.get(s) {
            return Ok(Some(shared));
        }
        let shared = self.strings.get(s);
        self.recent_strings.put(s, shared.clone());
        Ok(Some(shared))
    }

    /// Sizes the table of objects met in the units from `object_answers` (one entry per object, as a rule): an
    /// image group has thousands of objects, and the table would otherwise regrow a dozen times.
    fn reserve_objects(&mut self, object_answers: Val<'_>) {
        let hint = match (object_answers.deferred(), self.deferred.as_deref()) {
            (Some(index), Some(source)) => source.len_hint(index),
            _ => object_answers.as_map().map_or(0, MapRef::len),
        };
        // A guess, so bounded: more objects regrow the table as they would without it.
        self.pending.reserve(hint.min(1 << 16));
    }

    /// The tree of `v` if the input left it for later ([`crate::tree::Node::Deferred`]), built now.
    fn build_deferred(&mut self, v: Val<'_>) -> Result<Option<Tree<'static>>> {
        let Some(index) = v.deferred() else {
            return Ok(None);
        };
        let Some(source) = self.deferred.as_deref_mut() else {
            return Err(LabelError::value("a value was left unread"));
        };
        source.build(index).map(Some)
    }

    /// `ParseContext::date_or_now`, remembering the dates it parsed natively.
    fn date_or_now(&mut self, v: Option<Val<'_>>, path: &dyn Fn() -> String) -> Result<i64> {
        if let Some(s) = v.and_then(Val::as_str) {
            if let Some(t) = self.recent_dates.get(s) {
                return Ok(t);
            }
            if let Some(t) = parse_timestamp(s) {
                self.recent_dates.put(s, t);
                return Ok(t);
            }
        }
        self.ctx.date_or_now(v, path)
    }

    /// The object an answer entry is for: a root object, else one held by a space (`false`: no frame bound).
    fn answer_target(&self, hash: &str) -> Option<(crate::instance::ObjectCell, bool)> {
        match self.row.object_order(hash) {
            Some(order) => self.row.object(order).cloned().map(|c| (c, true)),
            None => self.row.spaces.object(hash).cloned().map(|c| (c, false)),
        }
    }

    fn object_answers(&mut self, v: Val<'_>) -> Result<()> {
        let dt = self.row.media.data_type;
        let root = Path::Root("label_row");
        let all = root.field("object_answers");
        for (key, entry) in as_map(v, &all)?.iter() {
            let path = all.key(key);
            if dt.is_range_based() {
                self.range_object_answer(entry, &path)?;
                continue;
            }
            let hash = req_str(entry, "objectHash", &path)?;
            let Some((cell, on_root)) = self.answer_target(hash) else {
                continue;
            };
            let answers = req(entry, "classifications", &path)?;
            let mut o = cell.lock();
            if let Some(n) = entry.get("objectNumber").filter(|n| !n.is_null()) {
                match n.as_u64() {
                    Some(u) => o.object_number = Some(u),
                    None => {
                        return Err(LabelError::label_row(format!(
                            "{path}.objectNumber: object_number must be a non-negative integer, got {n}."
                        )))
                    }
                }
            }
            // Image-group answers are applied once per image the object is on (as the reference reads them per
            // data unit); repeating is harmless for static answers but re-orders dynamic ones.
            let repeats = if dt == DataType::ImgGroup {
                o.frames.len().max(1)
            } else {
                1
            };
            let cpath = path.field("classifications");
            // Dynamic answers of objects held by spaces are checked against their space, not the row.
            let bound = if on_root { self.row.frame_bound() } else { None };
            self.object_answer_list(&mut o, as_list(answers, &cpath)?, &cpath, repeats, bound)?;
        }
        Ok(())
    }

    /// Applies the `classifications` list of an `object_answers` entry to `o`, `repeats` times over; dynamic
    /// answers are checked against `bound`.
    fn object_answer_list(
        &self,
        o: &mut ObjectData,
        list: ListRef<'_>,
        cpath: &Path<'_>,
        repeats: usize,
        bound: Option<i64>,
    ) -> Result<()> {
        let onto = o.onto.clone();
        let feature = o.feature;
        for (i, a) in std::iter::repeat_n(list, repeats).flat_map(|list| list.iter().enumerate()) {
            let apath = cpath.index(i);
            let attr = answer_attribute(&onto, &onto.objects[feature], a, &apath)?;
            let Some(value) = answer_value(&onto, attr, a, &apath, AnswerOwner::Object)? else {
                continue;
            };
            if onto.attrs[attr].dynamic {
                let ranges = answer_ranges(a, &apath, bound)?;
                set_dynamic(o, attr, value, &ranges);
            } else if let (crate::answers::AnswerValue::Checklist(new), Some(old)) =
                (&value, o.static_answers.get(attr))
            {
                // A checklist split over several entries (as the editor writes it) is merged.
                let mut merged = match &old.value {
                    crate::answers::AnswerValue::Checklist(v) if i > 0 => v.clone(),
                    _ => Vec::new(),
                };
                merged.extend(new.iter().filter(|x| !merged.contains(x)).copied().collect::<Vec<_>>());
                o.static_answers
                    .set(attr, crate::answers::AnswerValue::Checklist(merged), true);
            } else {
                o.static_answers.set(attr, value, true);
            }
        }
        Ok(())
    }

    fn object_actions(&mut self, v: Val<'_>) -> Result<()> {
        let bound = self.row.frame_bound();
        let root = Path::Root("label_row");
        let all = root.field("object_actions");
        for (key, entry) in as_map(v, &all)?.iter() {
            let path = all.key(key);
            let hash = req_str(entry, "objectHash", &path)?;
            let actions = req(entry, "actions", &path)?;
            let Some((cell, on_root)) = self.answer_target(hash) else {
                continue;
            };
            let bound = if on_root { bound } else { None };
            let mut o = cell.lock();
            let onto = o.onto.clone();
            let feature = o.feature;
            let lpath = path.field("actions");
            // Entries are applied grouped by attribute (attributes in order of first appearance), list order
            // within each group: that is the insertion order the reference ends up with.
            let mut groups: Vec<(usize, Vec<(usize, Val<'_>)>)> = Vec::new();
            for (i, a) in as_list(actions, &lpath)?.iter().enumerate() {
                let attr = answer_attribute(&onto, &onto.objects[feature], a, &lpath.index(i))?;
                match groups.iter_mut().find(|(g, _)| *g == attr) {
                    Some((_, v)) => v.push((i, a)),
                    None => groups.push((attr, vec![(i, a)])),
                }
            }
            for (attr, entries) in groups {
                if onto.attrs[attr].kind == crate::ontology::AttrKind::Checklist && onto.attrs[attr].dynamic {
                    let mut items = Vec::with_capacity(entries.len());
                    for &(i, a) in &entries {
                        let apath = lpath.index(i);
                        answer_ranges(a, &apath, bound)?;
                        if let Some(crate::answers::AnswerValue::Checklist(opts)) =
                            answer_value(&onto, attr, a, &apath, AnswerOwner::Object)?
                        {
                            for (s, e) in raw_ranges(req(a, "range", &apath)?, &apath.field("range"))? {
                                items.push((opts.clone(), s, e));
                            }
                        }
                    }
                    o.dynamic_answers.set_checklist_sweep(attr, &items);
                    continue;
                }
                for (i, a) in entries {
                    let apath = lpath.index(i);
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

    fn classification_answers(&mut self, v: Val<'_>) -> Result<()> {
        let dt = self.row.media.data_type;
        let root = Path::Root("label_row");
        let all = root.field("classification_answers");
        if self.row.spaces.get(crate::spaces::ROOT_SPACE_ID).is_some() {
            // The root layer is a space of its own (multilayer images): it holds every placement on the row.
            return Ok(());
        }
        for (key, entry) in as_map(v, &all)?.iter() {
            let path = all.key(key);
            as_map(entry, &path)?;
            let hash = req_str(entry, "classificationHash", &path)?;
            let answers = req(entry, "classifications", &path)?;
            let feature_hash = match entry.get("featureHash").and_then(Val::as_str) {
                Some(s) if !s.is_empty() => s,
                _ => continue,
            };
            if let Some(spaces) = entry.get("spaces").and_then(Val::as_map) {
                if spaces.keys().any(|k| k != "root") {
                    continue;
                }
            }
            let feature = self
                .ctx
                .onto
                .classification(feature_hash)
                .map_err(|err| err.at(&path.to_string()))?;
            let global = self.ctx.onto.classifications[feature].is_global;
            let ranges = match entry.get("range").filter(|r| !r.is_null()) {
                None => RangeSet::new(),
                Some(r) => parse_ranges(r, &path.field("range"))?,
            };
            if ranges.is_empty() && !global && !dt.is_range_based() {
                continue;
            }
            // On an event-based row classifications are ranges of nanosecond offsets, never frame entries.
            let range_only = self.event_based;
            let mut data = ClassificationData::new(
                hash.to_owned(),
                self.ctx.onto.clone(),
                feature,
                range_only,
                self.ctx.now,
            );
            data.ranges = ranges;
            data.meta = AnnotationMeta {
                created_at: self.date_or_now(entry.get("createdAt"), &|| format!("{path}.createdAt"))?,
                created_by: self.shared(entry.get("createdBy"), "createdBy", &path)?,
                last_edited_at: self.date_or_now(entry.get("lastEditedAt"), &|| format!("{path}.lastEditedAt"))?,
                last_edited_by: self.shared(entry.get("lastEditedBy"), "lastEditedBy", &path)?,
                confidence: confidence(entry.get("confidence"), &path)?,
                manual_annotation: entry.get("manualAnnotation").and_then(Val::as_bool).unwrap_or(true),
                is_deleted: None,
            };
            let cpath = path.field("classifications");
            for (i, a) in as_list(answers, &cpath)?.iter().enumerate() {
                let apath = cpath.index(i);
                let onto = self.ctx.onto.clone();
                let attr = answer_attribute(&onto, &onto.classifications[feature], a, &apath)?;
                if let Some(value) = answer_value(&onto, attr, a, &apath, AnswerOwner::Classification)? {
                    data.answers.set(attr, value, true);
                }
            }
            self.row
                .add_classification(Arc::new(Mutex::new(data)), false)
                .map_err(|err| err.at(&path.to_string()))?;
        }
        Ok(())
    }
}
