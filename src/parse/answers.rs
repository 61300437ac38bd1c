//! Answer entries (`classifications` of object and classification answers, `actions` of object actions) and
//! frame ranges, as the parser reads them.

use crate::answers::AnswerValue;
use crate::error::{LabelError, Result};
use crate::instance::{check_bound, ObjectData};
use crate::ontology::{AttrKind, FeatureNode, Ontology};
use crate::ranges::{Frame, RangeSet};
use crate::tree::{Path, Val};

use super::{as_list, frame_number, req, req_str};

pub(super) fn set_dynamic(o: &mut ObjectData, attr: usize, value: AnswerValue, ranges: &RangeSet) {
    match value {
        AnswerValue::Checklist(opts) => {
            let items: Vec<_> = ranges.ranges().iter().map(|&(s, e)| (opts.clone(), s, e)).collect();
            o.dynamic_answers.set_checklist_sweep(attr, &items);
        }
        v => o.dynamic_answers.set(attr, v, ranges),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum AnswerOwner {
    Object,
    Classification,
}

/// The attribute an answer entry refers to; it must be a static slot or a top-level dynamic attribute.
pub(super) fn answer_attribute(onto: &Ontology, owner: &FeatureNode, a: Val<'_>, path: &Path<'_>) -> Result<usize> {
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
pub(super) fn answer_value<'t>(
    onto: &Ontology,
    attr: usize,
    a: Val<'t>,
    path: &Path<'_>,
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
    let apath = path.field("answers");
    let option_hash = |o: Val<'t>, i: usize| -> Result<&'t str> { req_str(o, "featureHash", &apath.index(i)) };
    Ok(Some(match node.kind {
        AttrKind::Radio => {
            let list = as_list(answers, &apath)?;
            let (Some(first), 1) = (list.get(0), list.len()) else {
                return Ok(None);
            };
            let h = option_hash(first, 0)?;
            AnswerValue::Radio(onto.option_of(attr, h).ok_or_else(|| unknown_option(h))?)
        }
        AttrKind::Checklist => {
            let Some(list) = answers.as_list() else {
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
                let opt = onto.option_of(attr, h).ok_or_else(|| unknown_option(h))?;
                if !checked.contains(&opt) {
                    checked.push(opt);
                }
            }
            AnswerValue::Checklist(checked)
        }
        AttrKind::Text => match answers.as_str() {
            Some(s) => AnswerValue::Text(s.to_owned()),
            None => {
                return Err(LabelError::value(format!(
                    "{path}.answers: a text answer must be a string, got {}",
                    answers.kind()
                )))
            }
        },
        AttrKind::Numeric => match answers.as_number() {
            Some(n) => AnswerValue::Numeric(serde_json::Value::Number(n)),
            None => match answers.as_bool() {
                Some(b) => AnswerValue::Numeric(serde_json::Value::Bool(b)),
                None => {
                    return Err(LabelError::label_row(format!(
                        "{path}.answers: a numeric answer must be a number, got {}",
                        answers.kind()
                    )))
                }
            },
        },
    }))
}

/// `[[s, e], ...]` as given (not merged or sorted).
pub(super) fn raw_ranges(v: Val<'_>, path: &Path<'_>) -> Result<Vec<(Frame, Frame)>> {
    let list = as_list(v, path)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, r) in list.iter().enumerate() {
        let rpath = path.index(i);
        match r.as_list().filter(|pair| pair.len() == 2) {
            Some(pair) => {
                let (s, e) = (pair.get(0).unwrap_or(r), pair.get(1).unwrap_or(r));
                out.push((frame_number(s, &rpath)?, frame_number(e, &rpath)?));
            }
            None => return Err(LabelError::value(format!("{rpath}: a range must be [start, end]"))),
        }
    }
    Ok(out)
}

/// `[[s, e], ...]` as a normalised set.
pub fn parse_ranges(v: Val<'_>, path: &Path<'_>) -> Result<RangeSet> {
    Ok(RangeSet::from_ranges(raw_ranges(v, path)?))
}

pub(super) fn answer_ranges(a: Val<'_>, path: &Path<'_>, bound: Option<i64>) -> Result<RangeSet> {
    let r = parse_ranges(req(a, "range", path)?, &path.field("range"))?;
    for &(s, e) in r.ranges() {
        check_bound(s, bound).map_err(|err| err.at(&path.to_string()))?;
        check_bound(e, bound).map_err(|err| err.at(&path.to_string()))?;
    }
    Ok(r)
}
