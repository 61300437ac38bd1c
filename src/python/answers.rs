//! Answer values across the boundary: radio → option hash, checklist → list of option hashes, text → str,
//! numeric → number (bools pass through, as the reference accepts them).

use pyo3::prelude::*;
use pyo3::types::PyList;
use serde_json::Value;

use super::convert::{to_py, to_value};
use super::errors::label_error;
use crate::answers::AnswerValue;
use crate::error::LabelError;
use crate::ontology::{AttrKind, FeatureNode, Ontology};

/// The attribute of `node`'s tree with `hash`.
pub fn attribute(py: Python<'_>, node: &FeatureNode, hash: &str) -> PyResult<usize> {
    node.attr_by_hash.get(hash).copied().ok_or_else(|| {
        label_error(
            py,
            &LabelError::label_row(format!(
                "The attribute `{hash}` is not a valid child of `{}`.",
                node.name
            )),
        )
    })
}

pub fn answer_from_py(onto: &Ontology, attr: usize, ob: &Bound<'_, PyAny>) -> PyResult<AnswerValue> {
    let py = ob.py();
    let option = |h: String| {
        onto.option_of(attr, &h).ok_or_else(|| {
            label_error(
                py,
                &LabelError::value(format!(
                    "`{h}` is not an option of attribute `{}`",
                    onto.attrs[attr].name
                )),
            )
        })
    };
    Ok(match onto.attrs[attr].kind {
        AttrKind::Radio => AnswerValue::Radio(option(ob.extract()?)?),
        AttrKind::Checklist => {
            let hashes: Vec<String> = ob.extract()?;
            let mut v = Vec::with_capacity(hashes.len());
            for h in hashes {
                let o = option(h)?;
                if !v.contains(&o) {
                    v.push(o);
                }
            }
            AnswerValue::Checklist(v)
        }
        AttrKind::Text => AnswerValue::Text(ob.extract()?),
        AttrKind::Numeric => match to_value(ob)? {
            v @ (Value::Number(_) | Value::Bool(_)) => AnswerValue::Numeric(v),
            _ => return Err(label_error(py, &LabelError::value("a numeric answer must be a number"))),
        },
    })
}

pub fn answer_to_py<'py>(py: Python<'py>, onto: &Ontology, v: &AnswerValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        AnswerValue::Radio(o) => onto.opts[*o].hash.clone().into_pyobject(py)?.into_any(),
        AnswerValue::Checklist(opts) => PyList::new(py, opts.iter().map(|o| onto.opts[*o].hash.clone()))?.into_any(),
        AnswerValue::Text(s) => s.clone().into_pyobject(py)?.into_any(),
        AnswerValue::Numeric(n) => to_py(py, n)?,
    })
}
