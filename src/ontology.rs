//! The ontology compiled for the core: feature hash lookups, attribute trees with their options, and the
//! static-answer slot order used when answers are written. Built once from the ontology structure dict
//! (the `to_dict()` shape) and shared by every row that uses it.

use std::collections::HashMap;

/// Hash maps keyed by feature hashes, looked up for every answer and object of a parsed row (ontology hashes
/// are not attacker-chosen, so a fixed fast hash is enough).
pub type HashIndex<V> = HashMap<String, V, foldhash::fast::FixedState>;

use serde_json::Value;

use crate::error::{LabelError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrKind {
    Radio,
    Checklist,
    Text,
    Numeric,
}

#[derive(Debug, Clone)]
pub struct AttrNode {
    pub hash: String,
    pub name: String,
    /// `name` lower-cased with spaces replaced by `_` (the `value` written in answers).
    pub value: String,
    pub kind: AttrKind,
    pub dynamic: bool,
    pub options: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct OptNode {
    pub hash: String,
    pub label: String,
    pub value: String,
    /// Nested attributes (radio options only).
    pub nested: Vec<usize>,
}

/// An ontology object or classification.
#[derive(Debug, Clone)]
pub struct FeatureNode {
    pub hash: String,
    pub name: String,
    pub color: String,
    pub shape: String,
    /// `name` lower-cased with spaces replaced by `_`.
    pub value: String,
    pub is_global: bool,
    pub roots: Vec<usize>,
    /// Static answer slots in pre-order (serialised reversed).
    pub static_slots: Vec<usize>,
    /// Top-level dynamic attributes.
    pub dynamic_attrs: Vec<usize>,
    /// Every attribute of the tree by hash.
    pub attr_by_hash: HashIndex<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeRef {
    Object(usize),
    Classification(usize),
    Attribute(usize),
    Option(usize),
}

impl NodeRef {
    pub fn type_name(self) -> &'static str {
        match self {
            NodeRef::Object(_) => "Object",
            NodeRef::Classification(_) => "Classification",
            NodeRef::Attribute(_) => "Attribute",
            NodeRef::Option(_) => "Option",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Ontology {
    pub objects: Vec<FeatureNode>,
    pub classifications: Vec<FeatureNode>,
    pub attrs: Vec<AttrNode>,
    pub opts: Vec<OptNode>,
    /// First match of a hash in the reference's lookup order (objects with their trees, then classifications).
    first_match: HashIndex<NodeRef>,
}

/// `name` lower-cased with every U+0020 space replaced by `_`.
pub fn derived_value(name: &str) -> String {
    name.to_lowercase().replace(' ', "_")
}

fn str_field<'a>(v: &'a Value, key: &str, path: &str) -> Result<&'a str> {
    match v.get(key) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(LabelError::type_(format!("{path}.{key}: expected a string"))),
        None => Err(LabelError::missing(path, key)),
    }
}

fn list_field<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

impl Ontology {
    /// Compiles an ontology from its structure dict (`{"objects": [...], "classifications": [...]}`).
    pub fn from_value(v: &Value) -> Result<Self> {
        let mut o = Ontology::default();
        for (i, obj) in list_field(v, "objects").iter().enumerate() {
            let path = format!("ontology.objects[{i}]");
            let name = str_field(obj, "name", &path)?.to_owned();
            let mut node = FeatureNode {
                hash: str_field(obj, "featureNodeHash", &path)?.to_owned(),
                value: derived_value(&name),
                name,
                color: obj.get("color").and_then(Value::as_str).unwrap_or_default().to_owned(),
                shape: str_field(obj, "shape", &path)?.to_owned(),
                is_global: false,
                roots: Vec::new(),
                static_slots: Vec::new(),
                dynamic_attrs: Vec::new(),
                attr_by_hash: HashIndex::default(),
            };
            o.first_match
                .entry(node.hash.clone())
                .or_insert(NodeRef::Object(o.objects.len()));
            o.add_tree(&mut node, list_field(obj, "attributes"), &path)?;
            o.objects.push(node);
        }
        for (i, cls) in list_field(v, "classifications").iter().enumerate() {
            let path = format!("ontology.classifications[{i}]");
            let attrs = list_field(cls, "attributes");
            let name = attrs
                .first()
                .and_then(|a| a.get("name"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut node = FeatureNode {
                hash: str_field(cls, "featureNodeHash", &path)?.to_owned(),
                value: derived_value(name),
                name: name.to_owned(),
                color: String::new(),
                shape: String::new(),
                is_global: cls.get("level").and_then(Value::as_str) == Some("global"),
                roots: Vec::new(),
                static_slots: Vec::new(),
                dynamic_attrs: Vec::new(),
                attr_by_hash: HashIndex::default(),
            };
            o.first_match
                .entry(node.hash.clone())
                .or_insert(NodeRef::Classification(o.classifications.len()));
            o.add_tree(&mut node, attrs, &path)?;
            o.classifications.push(node);
        }
        Ok(o)
    }

    fn add_tree(&mut self, node: &mut FeatureNode, attrs: &[Value], path: &str) -> Result<()> {
        for (i, a) in attrs.iter().enumerate() {
            let idx = self.add_attr(node, a, &format!("{path}.attributes[{i}]"))?;
            node.roots.push(idx);
            if self.attrs[idx].dynamic {
                node.dynamic_attrs.push(idx);
            }
        }
        Ok(())
    }

    /// Adds an attribute and its subtree in pre-order, recording static slots on the owning feature.
    fn add_attr(&mut self, node: &mut FeatureNode, a: &Value, path: &str) -> Result<usize> {
        let kind = match str_field(a, "type", path)? {
            "radio" => AttrKind::Radio,
            "checklist" => AttrKind::Checklist,
            "text" => AttrKind::Text,
            "numeric" => AttrKind::Numeric,
            other => {
                return Err(LabelError::type_(format!(
                    "{path}.type: unknown attribute type '{other}'"
                )))
            }
        };
        let name = str_field(a, "name", path)?.to_owned();
        let idx = self.attrs.len();
        let hash = str_field(a, "featureNodeHash", path)?.to_owned();
        let dynamic = a.get("dynamic").and_then(Value::as_bool).unwrap_or(false);
        self.first_match.entry(hash.clone()).or_insert(NodeRef::Attribute(idx));
        node.attr_by_hash.entry(hash.clone()).or_insert(idx);
        self.attrs.push(AttrNode {
            hash,
            value: derived_value(&name),
            name,
            kind,
            dynamic,
            options: Vec::new(),
        });
        if !dynamic {
            node.static_slots.push(idx);
        }
        if matches!(kind, AttrKind::Radio | AttrKind::Checklist) {
            for (j, opt) in list_field(a, "options").iter().enumerate() {
                let opath = format!("{path}.options[{j}]");
                let oidx = self.opts.len();
                let ohash = str_field(opt, "featureNodeHash", &opath)?.to_owned();
                self.first_match.entry(ohash.clone()).or_insert(NodeRef::Option(oidx));
                self.opts.push(OptNode {
                    hash: ohash,
                    label: str_field(opt, "label", &opath)?.to_owned(),
                    value: opt.get("value").and_then(Value::as_str).unwrap_or_default().to_owned(),
                    nested: Vec::new(),
                });
                self.attrs[idx].options.push(oidx);
                if kind == AttrKind::Radio {
                    for (k, nested) in list_field(opt, "options").iter().enumerate() {
                        let n = self.add_attr(node, nested, &format!("{opath}.options[{k}]"))?;
                        self.opts[oidx].nested.push(n);
                    }
                }
            }
        }
        Ok(idx)
    }

    /// Looks a hash up in the reference's order.
    pub fn lookup(&self, hash: &str) -> Option<NodeRef> {
        self.first_match.get(hash).copied()
    }

    fn not_found(hash: &str) -> LabelError {
        LabelError::ontology(format!(
            "Item not found: can't find an item with a hash {hash} in the ontology."
        ))
    }

    /// The ontology object with `hash`: OntologyError when absent, TypeError when it is another kind.
    pub fn object(&self, hash: &str) -> Result<usize> {
        match self.lookup(hash) {
            Some(NodeRef::Object(i)) => Ok(i),
            Some(other) => Err(LabelError::type_(format!(
                "Expected an ontology Object for feature hash '{hash}', got {}",
                other.type_name()
            ))),
            None => Err(Self::not_found(hash)),
        }
    }

    /// The ontology classification with `hash`: OntologyError when absent, TypeError when another kind.
    pub fn classification(&self, hash: &str) -> Result<usize> {
        match self.lookup(hash) {
            Some(NodeRef::Classification(i)) => Ok(i),
            Some(other) => Err(LabelError::type_(format!(
                "Expected an ontology Classification for feature hash '{hash}', got {}",
                other.type_name()
            ))),
            None => Err(Self::not_found(hash)),
        }
    }

    /// The option of attribute `attr` with `hash`, if it is a direct option of it.
    pub fn option_of(&self, attr: usize, hash: &str) -> Option<usize> {
        self.attrs[attr]
            .options
            .iter()
            .copied()
            .find(|&o| self.opts[o].hash == hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_order_and_lookups() {
        let v: Value = serde_json::from_str(
            r##"{"objects":[{"id":"1","name":"Car Big","color":"#fff","shape":"bounding_box","featureNodeHash":"OBJ",
              "attributes":[
                {"id":"1.1","name":"Color","type":"radio","featureNodeHash":"COL","required":false,"options":[
                    {"id":"1.1.1","label":"Red","value":"red","featureNodeHash":"RED","options":[
                        {"id":"1.1.1.1","name":"Shade note","type":"text","featureNodeHash":"SHADE","required":false}]}]},
                {"id":"1.2","name":"Moving","type":"radio","featureNodeHash":"MOV","required":false,"dynamic":true,"options":[]},
                {"id":"1.3","name":"Score","type":"numeric","featureNodeHash":"SCO","required":false}]}],
              "classifications":[{"id":"2","featureNodeHash":"CLS","level":"global","attributes":[
                {"id":"2.1","name":"Weather","type":"checklist","featureNodeHash":"W","required":false,"options":[]}]}]}"##,
        )
        .unwrap();
        let o = Ontology::from_value(&v).unwrap();
        let obj = &o.objects[o.object("OBJ").unwrap()];
        assert_eq!(obj.value, "car_big");
        let slots: Vec<&str> = obj.static_slots.iter().map(|&i| o.attrs[i].hash.as_str()).collect();
        assert_eq!(slots, ["COL", "SHADE", "SCO"]);
        assert_eq!(obj.dynamic_attrs.len(), 1);
        assert_eq!(o.object("COL").unwrap_err().kind, crate::error::ErrorKind::Type);
        assert_eq!(o.object("nope").unwrap_err().kind, crate::error::ErrorKind::Ontology);
        let c = &o.classifications[o.classification("CLS").unwrap()];
        assert!(c.is_global);
        assert_eq!(c.name, "Weather");
    }
}
