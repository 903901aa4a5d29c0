//! How the API document describes a field of an app type that a use case reads as text: a code
//! of a domain vocabulary. The use cases parse these fields themselves
//! (the pages send the same text), so the document must list exactly what they accept:
//! `#[schema(schema_with = schema::code::<BodyKind>)]` on a required field,
//! `schema::code_or_null::<…>` on one a create requires in a body shared with the change, and
//! `schema::code_or_empty::<…>` on an optional one, where an empty string or `null` leaves the
//! field empty (or its default).

use accord_domain::Vocabulary;
use serde_json::Value;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{Array, Object};

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// One code of `T`.
pub fn code<T: Vocabulary>() -> Object {
    string().enum_values(Some(T::codes())).min_length(Some(1)).build()
}

/// One code of `T`, or `null`: a field a record cannot be without, in a body shared by create
/// and change. `null` (or leaving it out) keeps it in a change; a create requires it (the
/// `minLength` says so to the document's post-processing, which then requires it on create).
pub fn code_or_null<T: Vocabulary>() -> Object {
    let mut values: Vec<Value> = vec![Value::Null];
    values.extend(T::codes().into_iter().map(Value::from));
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .min_length(Some(1))
        .build()
}

/// One code of `T`, or `null` for none (in a response).
pub fn code_or_none<T: Vocabulary>() -> Object {
    let mut values: Vec<Value> = vec![Value::Null];
    values.extend(T::codes().into_iter().map(Value::from));
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .build()
}

/// One code of `T`, an empty string or `null`: the field left empty.
pub fn code_or_empty<T: Vocabulary>() -> Object {
    let mut values: Vec<Value> = vec![Value::Null, Value::from("")];
    values.extend(T::codes().into_iter().map(Value::from));
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(values))
        .build()
}

/// One or more codes of `T`.
pub fn codes<T: Vocabulary>() -> Array {
    ArrayBuilder::new().items(code::<T>()).min_items(Some(1)).build()
}

/// One or more codes of `T`; `null` keeps them in a change.
pub fn codes_or_null<T: Vocabulary>() -> Array {
    ArrayBuilder::new()
        .items(code::<T>())
        .min_items(Some(1))
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

/// A NACE (DB07, UK SIC) code, or empty: a division of the list (`47`), or a finer code of one
/// (`47.11`, `4711`, `47.110`, `47110`), which is read as its division.
pub fn sector_or_empty() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(sector_pattern()))
        .build()
}

/// The pattern of [`sector_or_empty`].
pub fn sector_pattern() -> String {
    let divisions: Vec<&str> = accord_domain::sector::SECTORS.iter().map(|s| s.code).collect();
    format!("^(({})(\\.?[0-9]{{2,3}})?)?$", divisions.join("|"))
}

/// A NACE section letter (`C`, `O`; small letters are read too), or empty.
pub fn section_or_empty() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .enum_values(Some(sections(true)))
        .build()
}

/// NACE section letters (an empty one is skipped).
pub fn sections_or_null() -> Array {
    let mut values = sections(false);
    values.insert(0, Value::from(""));
    ArrayBuilder::new()
        .items(string().enum_values(Some(values)))
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .build()
}

fn sections(empty: bool) -> Vec<Value> {
    let mut values: Vec<Value> = if empty { vec![Value::Null, Value::from("")] } else { vec![] };
    for (c, _, _) in accord_domain::sector::SECTIONS {
        values.push(Value::from(c.to_string()));
        values.push(Value::from(c.to_ascii_lowercase().to_string()));
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use accord_domain::partnership::BodyKind;

    #[test]
    fn codes_are_listed_with_the_empty_choice() {
        let s = serde_json::to_value(code_or_empty::<BodyKind>()).unwrap();
        let values = s["enum"].as_array().unwrap();
        assert_eq!(values[0], Value::Null);
        assert_eq!(values[1], "");
        assert_eq!(values.len(), 2 + BodyKind::ALL.len());
        let s = serde_json::to_value(code::<BodyKind>()).unwrap();
        assert!(sector_pattern().starts_with("^((01|02|03|05|"), "{}", sector_pattern());
        assert_eq!(s["enum"].as_array().unwrap().len(), BodyKind::ALL.len());
    }
}
