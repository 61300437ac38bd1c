//! Attribute answers: static answers (one slot per non-dynamic attribute) and dynamic answers (per frame
//! interval), with the reference's ordering rules for writing them.

use serde_json::Value;

use crate::export::{value_of, Key, LabelSink};

use crate::ontology::{AttrKind, FeatureNode, Ontology};
use crate::ranges::{Frame, RangeSet};

/// The value of one answer. Option answers hold ontology option indices.
#[derive(Debug, Clone)]
pub enum AnswerValue {
    Radio(usize),
    /// Checked options; written in ontology option order.
    Checklist(Vec<usize>),
    Text(String),
    /// A number (or a bool, which the reference accepts and writes as `true`/`false`).
    Numeric(Value),
}

impl PartialEq for AnswerValue {
    /// Equality as the dynamic-answer model sees it: same option, same checked set, same text, numerically
    /// equal numbers (`1 == 1.0`).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (AnswerValue::Radio(a), AnswerValue::Radio(b)) => a == b,
            (AnswerValue::Checklist(a), AnswerValue::Checklist(b)) => {
                let (mut a, mut b) = (a.clone(), b.clone());
                a.sort_unstable();
                a.dedup();
                b.sort_unstable();
                b.dedup();
                a == b
            }
            (AnswerValue::Text(a), AnswerValue::Text(b)) => a == b,
            (AnswerValue::Numeric(a), AnswerValue::Numeric(b)) => numeric_f64(a) == numeric_f64(b),
            _ => false,
        }
    }
}

fn numeric_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaticAnswer {
    pub attr: usize,
    pub value: AnswerValue,
    pub manual: bool,
}

/// Static answers of one object or classification, at most one per attribute.
#[derive(Debug, Clone, Default)]
pub struct StaticAnswers {
    answers: Vec<StaticAnswer>,
}

impl StaticAnswers {
    pub fn get(&self, attr: usize) -> Option<&StaticAnswer> {
        self.answers.iter().find(|a| a.attr == attr)
    }
    pub fn set(&mut self, attr: usize, value: AnswerValue, manual: bool) {
        match self.answers.iter_mut().find(|a| a.attr == attr) {
            Some(a) => {
                a.value = value;
                a.manual = manual;
            }
            None => self.answers.push(StaticAnswer { attr, value, manual }),
        }
    }
    pub fn unset(&mut self, attr: usize) {
        self.answers.retain(|a| a.attr != attr);
    }
    pub fn clear(&mut self) {
        self.answers.clear();
    }
    pub fn iter(&self) -> impl Iterator<Item = &StaticAnswer> {
        self.answers.iter()
    }
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// Writes the `classifications` list of an answer entry: answered slots in reversed pre-order.
    pub fn write<S: LabelSink>(&self, onto: &Ontology, feature: &FeatureNode, s: &mut S) {
        s.begin_list(self.answers.len());
        for &slot in feature.static_slots.iter().rev() {
            if let Some(a) = self.get(slot) {
                write_static_entry(onto, a, s);
            }
        }
        s.end_list();
    }

    /// The same list in pre-order (spaces write their classifications' answers unreversed).
    pub fn write_forward<S: LabelSink>(&self, onto: &Ontology, feature: &FeatureNode, s: &mut S) {
        s.begin_list(self.answers.len());
        for &slot in &feature.static_slots {
            if let Some(a) = self.get(slot) {
                write_static_entry(onto, a, s);
            }
        }
        s.end_list();
    }
}

fn write_option<S: LabelSink>(onto: &Ontology, o: usize, s: &mut S) {
    let opt = &onto.opts[o];
    s.begin_map(3);
    s.key(Key::Name);
    s.sym(&opt.label);
    s.key(Key::Value);
    s.sym(&opt.value);
    s.key(Key::FeatureHash);
    s.sym(&opt.hash);
    s.end_map();
}

/// Writes the `answers` value of an answer entry.
pub fn write_answers<S: LabelSink>(onto: &Ontology, attr: usize, value: &AnswerValue, s: &mut S) {
    match value {
        AnswerValue::Radio(o) => {
            s.begin_list(1);
            write_option(onto, *o, s);
            s.end_list();
        }
        AnswerValue::Checklist(checked) => {
            s.begin_list(checked.len());
            for &o in onto.attrs[attr].options.iter().filter(|o| checked.contains(o)) {
                write_option(onto, o, s);
            }
            s.end_list();
        }
        AnswerValue::Text(t) => s.str(t),
        AnswerValue::Numeric(n) => s.raw(n),
    }
}

fn write_static_entry<S: LabelSink>(onto: &Ontology, a: &StaticAnswer, s: &mut S) {
    let attr = &onto.attrs[a.attr];
    s.begin_map(5);
    s.key(Key::Name);
    s.sym(&attr.name);
    s.key(Key::Value);
    s.sym(&attr.value);
    s.key(Key::Answers);
    write_answers(onto, a.attr, &a.value, s);
    s.key(Key::FeatureHash);
    s.sym(&attr.hash);
    s.key(Key::ManualAnnotation);
    s.bool(a.manual);
    s.end_map();
}

/// One distinct dynamic answer of one attribute and the frames where it holds.
#[derive(Debug, Clone)]
pub struct DynamicAnswer {
    pub attr: usize,
    pub value: AnswerValue,
    pub ranges: RangeSet,
}

/// Dynamic answers of one object, in first-insertion order (written reversed).
#[derive(Debug, Clone, Default)]
pub struct DynamicAnswers {
    entries: Vec<DynamicAnswer>,
}

impl DynamicAnswers {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn entries(&self) -> &[DynamicAnswer] {
        &self.entries
    }
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Sets `value` for `attr` on `ranges`, replacing whatever answer of `attr` covered those frames.
    /// The attribute's answers on those frames are removed first (an answer left with no frames disappears),
    /// then the value is added: a value new to the attribute goes to the end of the insertion order.
    pub fn set(&mut self, attr: usize, value: AnswerValue, ranges: &RangeSet) {
        self.remove(attr, ranges, None);
        match self.entries.iter_mut().find(|e| e.attr == attr && e.value == value) {
            Some(e) => e.ranges.insert_set(ranges),
            None if !ranges.is_empty() => self.entries.push(DynamicAnswer {
                attr,
                value,
                ranges: ranges.clone(),
            }),
            None => {}
        }
    }

    /// Removes answers of `attr` on `ranges` (only those equal to `only`, when given); empty answers vanish.
    pub fn remove(&mut self, attr: usize, ranges: &RangeSet, only: Option<&AnswerValue>) {
        for e in self.entries.iter_mut().filter(|e| e.attr == attr) {
            if only.is_none_or(|v| *v == e.value) {
                e.ranges.remove_set(ranges);
            }
        }
        self.entries.retain(|e| !e.ranges.is_empty());
    }

    /// Removes every answer of `attr` (only those equal to `only`, when given).
    pub fn remove_all(&mut self, attr: usize, only: Option<&AnswerValue>) {
        self.entries
            .retain(|e| e.attr != attr || only.is_some_and(|v| *v != e.value));
    }

    /// Applies the dynamic checklist entries of one attribute (`(options, start, end)` per range) the way the
    /// reference's parser does: a sweep over the range edges (sorted by frame; ties keep input order) cuts the
    /// frames into segments holding the options of the entries open there, and each segment is then set in
    /// turn. Where one range ends on the frame the next begins, that frame goes to the later segment.
    pub fn set_checklist_sweep(&mut self, attr: usize, items: &[(Vec<usize>, Frame, Frame)]) {
        let mut by_start: Vec<&(Vec<usize>, Frame, Frame)> = items.iter().collect();
        by_start.sort_by_key(|it| it.1);
        let mut edges: Vec<(Frame, bool, &[usize])> = Vec::with_capacity(2 * items.len());
        for it in by_start {
            edges.push((it.1, true, &it.0));
            edges.push((it.2, false, &it.0));
        }
        edges.sort_by_key(|e| e.0);
        let mut segments: Vec<((Frame, Frame), Vec<usize>)> = Vec::new();
        let (mut prev, mut prev_closed) = (0, false);
        let mut open: Vec<usize> = Vec::new();
        for (frame, is_start, options) in edges {
            let (start, end, next) = if is_start {
                let mut next = open.clone();
                next.extend(options.iter().filter(|o| !open.contains(o)));
                let end = frame - Frame::from(!open.is_empty());
                prev_closed = false;
                (prev, end, next)
            } else {
                let start = prev + Frame::from(prev_closed);
                prev_closed = true;
                (
                    start,
                    frame,
                    open.iter().copied().filter(|o| !options.contains(o)).collect(),
                )
            };
            if !open.is_empty() {
                match segments.iter_mut().find(|(k, _)| *k == (start, end)) {
                    Some((_, opts)) => {
                        opts.extend(open.iter().filter(|o| !opts.contains(o)).copied().collect::<Vec<_>>())
                    }
                    None => segments.push(((start, end), open.clone())),
                }
            }
            open = next;
            prev = frame;
        }
        for ((s, e), opts) in segments {
            self.set(attr, AnswerValue::Checklist(opts), &RangeSet::from_ranges([(s, e)]));
        }
    }

    /// Frames covered by any dynamic answer.
    pub fn covered(&self) -> RangeSet {
        let mut all = RangeSet::new();
        for e in &self.entries {
            all.insert_set(&e.ranges);
        }
        all
    }

    /// Shifts nothing but tells whether every answered frame satisfies `pred`.
    pub fn all_frames(&self, mut pred: impl FnMut(Frame) -> bool) -> bool {
        self.entries.iter().all(|e| e.ranges.iter_frames().all(&mut pred))
    }

    /// True when every answered range lies inside `covered`.
    pub fn all_within(&self, covered: &RangeSet) -> bool {
        self.entries
            .iter()
            .all(|e| e.ranges.ranges().iter().all(|&(s, end)| covered.contains_range(s, end)))
    }

    /// Writes the `actions` list of an `object_actions` entry: distinct answers in reverse first-insertion order.
    pub fn write<S: LabelSink>(&self, onto: &Ontology, s: &mut S) {
        s.begin_list(self.entries.len());
        for e in self.entries.iter().rev() {
            write_dynamic_entry(onto, e, s);
        }
        s.end_list();
    }

    /// The `actions` list in first-insertion order, as spaces write it.
    pub fn write_forward<S: LabelSink>(&self, onto: &Ontology, s: &mut S) {
        s.begin_list(self.entries.len());
        for e in &self.entries {
            write_dynamic_entry(onto, e, s);
        }
        s.end_list();
    }

    /// The `actions` list as a `Value`.
    pub fn to_value(&self, onto: &Ontology) -> Value {
        value_of(|s| self.write(onto, s))
    }
}

fn write_dynamic_entry<S: LabelSink>(onto: &Ontology, e: &DynamicAnswer, s: &mut S) {
    let attr = &onto.attrs[e.attr];
    s.begin_map(8);
    s.key(Key::Name);
    s.sym(&attr.name);
    s.key(Key::Value);
    s.sym(&attr.value);
    s.key(Key::FeatureHash);
    s.sym(&attr.hash);
    s.key(Key::Answers);
    write_answers(onto, e.attr, &e.value, s);
    s.key(Key::ManualAnnotation);
    s.bool(true);
    s.key(Key::Dynamic);
    s.bool(true);
    s.key(Key::Range);
    write_ranges(&e.ranges, s);
    s.key(Key::ShouldPropagate);
    s.bool(false);
    s.end_map();
}

/// Writes `[[start, end], ...]`.
pub fn write_ranges<S: LabelSink>(r: &RangeSet, s: &mut S) {
    s.begin_list(r.ranges().len());
    for &(start, end) in r.ranges() {
        s.begin_list(2);
        s.int(start);
        s.int(end);
        s.end_list();
    }
    s.end_list();
}

/// Checks an answer's kind against its attribute (used by the parser and the API).
pub fn kind_matches(kind: AttrKind, value: &AnswerValue) -> bool {
    matches!(
        (kind, value),
        (AttrKind::Radio, AnswerValue::Radio(_))
            | (AttrKind::Checklist, AnswerValue::Checklist(_))
            | (AttrKind::Text, AnswerValue::Text(_))
            | (AttrKind::Numeric, AnswerValue::Numeric(_))
    )
}
