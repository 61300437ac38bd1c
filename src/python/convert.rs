//! Python objects ⇄ `serde_json::Value`, keeping dict key order and int/float/bool distinctions.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use serde_json::{Map, Number, Value};

use super::errors::label_error;
use crate::error::LabelError;

/// Converts a Python value (dicts, lists, str, int, float, bool, None) into a `Value`.
pub fn to_value(ob: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_value_at(ob).map_err(|(path, err)| {
        let where_ = if path.is_empty() {
            String::new()
        } else {
            format!(" at {path}")
        };
        match err {
            Some(e) => e,
            None => label_error(ob.py(), &LabelError::type_(format!("unsupported value{where_}"))),
        }
    })
}

type ConvResult = Result<Value, (String, Option<PyErr>)>;

fn to_value_at(ob: &Bound<'_, PyAny>) -> ConvResult {
    if ob.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = ob.cast::<PyString>() {
        return s
            .to_str()
            .map(|s| Value::String(s.to_owned()))
            .map_err(|e| (String::new(), Some(e)));
    }
    if let Ok(b) = ob.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if ob.is_instance_of::<PyInt>() {
        if let Ok(i) = ob.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        if let Ok(u) = ob.extract::<u64>() {
            return Ok(Value::Number(u.into()));
        }
        return Err((
            String::new(),
            Some(PyTypeError::new_err("integer out of the 64-bit range")),
        ));
    }
    if let Ok(f) = ob.cast::<PyFloat>() {
        let v = f.value();
        return Number::from_f64(v).map(Value::Number).ok_or_else(|| {
            (
                String::new(),
                Some(label_error(
                    ob.py(),
                    &LabelError::value(format!("{v} is not a finite number")),
                )),
            )
        });
    }
    if let Ok(d) = ob.cast::<PyDict>() {
        let mut m = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key = match k.cast::<PyString>() {
                Ok(s) => s.to_str().map_err(|e| (String::new(), Some(e)))?.to_owned(),
                Err(_) => k.str().map_err(|e| (String::new(), Some(e)))?.to_string(),
            };
            let val = to_value_at(&v).map_err(|(p, e)| (format!("[{key:?}]{p}"), e))?;
            m.insert(key, val);
        }
        return Ok(Value::Object(m));
    }
    if let Ok(l) = ob.cast::<PyList>() {
        let mut out = Vec::with_capacity(l.len());
        for (i, v) in l.iter().enumerate() {
            out.push(to_value_at(&v).map_err(|(p, e)| (format!("[{i}]{p}"), e))?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(t) = ob.cast::<PyTuple>() {
        let mut out = Vec::with_capacity(t.len());
        for (i, v) in t.iter().enumerate() {
            out.push(to_value_at(&v).map_err(|(p, e)| (format!("[{i}]{p}"), e))?);
        }
        return Ok(Value::Array(out));
    }
    // Numbers of other kinds (numpy scalars) convert through float()/int().
    if ob.hasattr("__index__").unwrap_or(false) {
        if let Ok(i) = ob.extract::<i64>() {
            return Ok(Value::Number(i.into()));
        }
    }
    if ob.hasattr("__float__").unwrap_or(false) {
        if let Ok(f) = ob.extract::<f64>() {
            if let Some(n) = Number::from_f64(f) {
                return Ok(Value::Number(n));
            }
        }
    }
    let tn = ob.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    Err((
        String::new(),
        Some(label_error(
            ob.py(),
            &LabelError::type_(format!("unsupported value of type {tn}")),
        )),
    ))
}

/// Converts a `Value` into plain Python objects.
pub fn to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                PyFloat::new(py, n.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(a) => {
            let l = PyList::empty(py);
            for x in a {
                l.append(to_py(py, x)?)?;
            }
            l.into_any()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(PyString::new(py, k), to_py(py, x)?)?;
            }
            d.into_any()
        }
    })
}
