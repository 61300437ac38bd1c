//! JSON text → [`Tree`], on serde_json's own parser: the same grammar, number handling (integers beyond 64
//! bits become floats), recursion limit and error messages as `serde_json::from_slice::<Value>`, without
//! allocating per node. Strings without escapes are borrowed from the text.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;

use super::{float_node, int_node, Buffers, Builder, Node, Place, Tree};

/// Parses JSON bytes. The error is the one `serde_json::from_slice::<Value>` gives for the same bytes.
pub fn parse(bytes: &[u8]) -> Result<Tree<'_>, serde_json::Error> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        // Invalid UTF-8 can only sit inside a string, which serde_json rejects; its own error names the place.
        let v: Value = serde_json::from_slice(bytes)?;
        return Tree::from_value(&v).map_err(de::Error::custom);
    };
    let mut b = Builder::new(text);
    b.reserve_for(text.len());
    let mut de = serde_json::Deserializer::from_str(text);
    let root = NodeSeed(&mut b, Place::Root).deserialize(&mut de)?;
    de.end()?;
    Ok(b.finish(root))
}

/// Parses the JSON text of values kept unparsed ([`Node::Raw`]), one small tree at a time, reusing the
/// buffers of the previous one.
#[derive(Default)]
pub struct FragmentParser {
    spare: Buffers,
}

impl FragmentParser {
    /// The tree of a frame (a value of `data_units.*.labels`).
    pub fn parse<'a>(&mut self, text: &'a str) -> Result<Tree<'a>, serde_json::Error> {
        let mut b = Builder::with_buffers(text, std::mem::take(&mut self.spare));
        let mut de = serde_json::Deserializer::from_str(text);
        let root = NodeSeed(&mut b, Place::Frame).deserialize(&mut de)?;
        de.end()?;
        let (tree, spare) = b.finish_keeping(root);
        self.spare = spare;
        Ok(tree)
    }

    /// Hands back a tree from [`FragmentParser::parse`] so that the next one reuses its buffers.
    pub fn recycle(&mut self, tree: Tree<'_>) {
        self.spare.recycle(tree);
    }
}

struct NodeSeed<'b, 'a>(&'b mut Builder<'a>, Place);

impl<'de, 'b> DeserializeSeed<'de> for NodeSeed<'b, 'de> {
    type Value = Node;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, 'b> Visitor<'de> for NodeSeed<'b, 'de> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(int_node(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::PosInt(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(float_node(v))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Node, E> {
        self.0.string(v).map(Node::Str).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        self.0.owned(v).map(Node::Str).map_err(E::custom)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let b = self.0;
        let start = b.list_start();
        let item = self.1.item();
        while let Some(n) = seq.next_element_seed(NodeSeed(&mut *b, item))? {
            b.push_item(n);
        }
        b.list_end(start).map_err(de::Error::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let (b, place) = (self.0, self.1);
        let mut m = b.map_start();
        while let Some(key) = map.next_key_seed(KeySeed(&mut *b))? {
            let value = if place == Place::Labels {
                // serde_json checks the text of a raw value as fully as it parses any other.
                let raw: &'de RawValue = map.next_value()?;
                Node::Raw(b.string(raw.get()).map_err(de::Error::custom)?)
            } else if place == Place::Other {
                map.next_value_seed(NodeSeed(&mut *b, Place::Other))?
            } else {
                let child = place.child(b.text(key));
                if child == Place::Ignored {
                    // Still checked as JSON, as a value kept as text is.
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
                map.next_value_seed(NodeSeed(&mut *b, child))?
            };
            b.push_entry(&mut m, key, value, false);
        }
        b.map_end(m).map_err(de::Error::custom)
    }
}

struct KeySeed<'b, 'a>(&'b mut Builder<'a>);

impl<'de, 'b> DeserializeSeed<'de> for KeySeed<'b, 'de> {
    type Value = super::Span;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<super::Span, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, 'b> Visitor<'de> for KeySeed<'b, 'de> {
    type Value = super::Span;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<super::Span, E> {
        self.0.string(v).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<super::Span, E> {
        self.0.owned(v).map_err(E::custom)
    }
}
