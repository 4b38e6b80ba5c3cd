//! `/watch/providers/movie` and `/watch/providers/tv` read for process 19, where the whole body
//! is validated before it may replace the stored catalogue (spec S6).
//!
//! The forgiving [`super::WatchProviderList`] drops odd entries and sorts `display_priorities`
//! (serde_json's map is a `BTreeMap`). Process 19 needs neither: a dropped entry would delete a
//! stored provider that is still true, and the Python crawler numbered each provider's regions
//! (`DISPLAY_ORDER`) in the order TMDb sent them. So the body is kept as an [`OrderedJson`] tree,
//! objects in document order with repeated keys kept, and `records::provider_catalog` judges it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their members in document order, repeated keys included.
#[derive(Debug, Clone, PartialEq)]
pub enum OrderedJson {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<OrderedJson>),
    Object(Vec<(String, OrderedJson)>),
}

impl OrderedJson {
    /// The first member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&OrderedJson> {
        match self {
            OrderedJson::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            OrderedJson::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer as the forgiving payloads read one: `8`, `8.0` or `"8"`; anything else,
    /// including `8.5`, is `None`.
    pub fn as_integer(&self) -> Option<i64> {
        let value = match self {
            OrderedJson::Number(n) => serde_json::Value::Number(n.clone()),
            OrderedJson::String(s) => serde_json::Value::String(s.clone()),
            _ => return None,
        };
        super::de::opt_i64(value).ok().flatten()
    }

    /// The JSON type's name, for messages that must not echo the body.
    pub fn type_name(&self) -> &'static str {
        match self {
            OrderedJson::Null => "null",
            OrderedJson::Bool(_) => "a boolean",
            OrderedJson::Number(_) => "a number",
            OrderedJson::String(_) => "a string",
            OrderedJson::Array(_) => "a list",
            OrderedJson::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for OrderedJson {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(OrderedVisitor)
    }
}

struct OrderedVisitor;

impl<'de> Visitor<'de> for OrderedVisitor {
    type Value = OrderedJson;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<OrderedJson, D::Error> {
        OrderedJson::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<OrderedJson, E> {
        // JSON has no NaN or infinity; serde_json never hands one over.
        Ok(serde_json::Number::from_f64(v).map_or(OrderedJson::Null, OrderedJson::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<OrderedJson, E> {
        Ok(OrderedJson::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedJson, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OrderedJson::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedJson, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, OrderedJson>()? {
            members.push((key, value));
        }
        Ok(OrderedJson::Object(members))
    }
}

/// The body of `/watch/providers/{movie|tv}`, unjudged (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct WatchProviderCatalog(pub OrderedJson);

impl<'de> Deserialize<'de> for WatchProviderCatalog {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        OrderedJson::deserialize(d).map(WatchProviderCatalog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_document_order_and_repeated_keys() {
        let body: OrderedJson =
            serde_json::from_str(r#"{"CA": 6, "AE": 1, "CA": 7, "x": [null, true, "s", 1.5]}"#)
                .expect("valid JSON");
        let OrderedJson::Object(members) = &body else {
            panic!("not an object: {body:?}");
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["CA", "AE", "CA", "x"]);
        assert_eq!(body.get("CA").and_then(OrderedJson::as_integer), Some(6));
        assert_eq!(
            body.get("x"),
            Some(&OrderedJson::Array(vec![
                OrderedJson::Null,
                OrderedJson::Bool(true),
                OrderedJson::String("s".into()),
                OrderedJson::Number(serde_json::Number::from_f64(1.5).expect("finite")),
            ]))
        );
    }

    #[test]
    fn integers_are_read_like_the_forgiving_payloads() {
        let read = |s: &str| {
            serde_json::from_str::<OrderedJson>(s)
                .expect("valid JSON")
                .as_integer()
        };
        assert_eq!(read("8"), Some(8));
        assert_eq!(read("8.0"), Some(8));
        assert_eq!(read(r#""8""#), Some(8));
        assert_eq!(read("8.5"), None);
        assert_eq!(read("true"), None);
        assert_eq!(read("null"), None);
        assert_eq!(read("-3"), Some(-3));
    }
}
