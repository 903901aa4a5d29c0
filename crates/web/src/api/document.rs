//! What the OpenAPI document says besides what each handler's `#[utoipa::path]` says, applied to
//! every operation alike so that the document stays exact as operations are added:
//!
//! - each `operationId` is unique: the tag, then the handler's name (`organisations_list`,
//!   `contacts_get`, `plans_get_action`);
//! - every operation documents the errors any request can meet, with the error body: 400 (a
//!   query or path parameter that cannot be read), 401, 403, 404, 422 and 500; operations with
//!   a body also 413 and 415, and updates 409;
//! - a text query or path parameter with no other rule is declared free of control characters,
//!   which the API refuses;
//! - an update (`PATCH`) whose body has a `version` requires it.

use serde_json::{Map, Value, json};

/// Control characters are refused in query and path parameters (`extract`).
pub const NO_CONTROLS: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The document as served, from the one the handlers describe.
pub fn exact(mut doc: Value) -> Value {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    operation_id(op);
                    parameters(op);
                    errors(method, op);
                }
            }
        }
    }
    let schemas = SchemasSnapshot::of(&doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(op) = item.get_mut("patch").and_then(Value::as_object_mut) {
                version_required(op, &schemas);
            }
        }
    }
    doc
}

/// `{tag}_{name}`, without the tag said twice: `list_contacts` under `contacts` is
/// `contacts_list`, `me` under `me` is `me`.
fn operation_id(op: &mut Map<String, Value>) {
    let Some(name) = op.get("operationId").and_then(Value::as_str).map(str::to_owned) else { return };
    let Some(tag) = op.get("tags").and_then(|t| t.get(0)).and_then(Value::as_str).map(|t| t.replace('-', "_")) else {
        return;
    };
    let singular = if let Some(stem) = tag.strip_suffix("ies") {
        format!("{stem}y")
    } else {
        tag.strip_suffix('s').unwrap_or(&tag).to_owned()
    };
    let id = if name == tag {
        name
    } else if let Some(rest) =
        name.strip_suffix(&format!("_{tag}")).or_else(|| name.strip_suffix(&format!("_{singular}")))
    {
        format!("{tag}_{rest}")
    } else {
        format!("{tag}_{name}")
    };
    op.insert("operationId".into(), Value::String(id));
}

fn parameters(op: &mut Map<String, Value>) {
    let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else { return };
    for p in params {
        let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else { continue };
        let text = match schema.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        let ruled = ["enum", "format", "pattern", "const"].iter().any(|k| schema.contains_key(*k));
        if text && !ruled {
            schema.insert("pattern".into(), Value::String(NO_CONTROLS.into()));
        }
    }
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

fn errors(method: &str, op: &mut Map<String, Value>) {
    let has_body = op.contains_key("requestBody");
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else { return };
    let mut add = |status: &str, description: &str| {
        responses.entry(status.to_owned()).or_insert_with(|| error_response(description));
    };
    add(
        "400",
        "The request cannot be read: a query or path parameter, or the body, is not of the form declared; `fields` names it",
    );
    add("401", "No valid bearer token");
    add("403", "The caller's roles do not allow this");
    add("404", "No such record, or none the caller may see");
    add("422", "The values are not acceptable; `fields` names each one with its message");
    add("500", "The server failed; the request changed nothing");
    if has_body {
        add("413", "The body is larger than the limit");
        add("415", "The body is not `application/json`");
    }
    if method == "patch" {
        add(
            "409",
            "The record changed since `version` was read: `current` holds it as stored, `changed` the fields that differ",
        );
    }
}

/// The names of the component schemas that have a `version` property not in their `required`.
struct SchemasSnapshot(std::collections::BTreeSet<String>);

impl SchemasSnapshot {
    fn of(doc: &Value) -> Self {
        let mut names = std::collections::BTreeSet::new();
        if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
            for (name, s) in schemas {
                let has = s.pointer("/properties/version").is_some();
                let required =
                    s.get("required").and_then(Value::as_array).is_some_and(|r| r.iter().any(|f| f == "version"));
                if has && !required {
                    names.insert(name.clone());
                }
            }
        }
        Self(names)
    }
}

/// Bodies shared by create and update declare `version` optional; an update requires it.
fn version_required(op: &mut Map<String, Value>, optional: &SchemasSnapshot) {
    let Some(schema) = op.get_mut("requestBody").and_then(|b| b.pointer_mut("/content/application~1json/schema"))
    else {
        return;
    };
    let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) else { return };
    if !optional.0.contains(name) {
        return;
    }
    let reference = schema.clone();
    *schema = json!({
        "allOf": [
            reference,
            {
                "type": "object",
                "required": ["version"],
                "properties": {"version": {"type": "integer", "format": "int32", "description": "The version read; a stale one is refused with 409."}}
            }
        ]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_name_the_tag_once() {
        let cases = [
            ("organisations", "list", "organisations_list"),
            ("contacts", "list_contacts", "contacts_list"),
            ("bodies", "create_body", "bodies_create"),
            ("plans", "get_action", "plans_get_action"),
            ("activity-types", "get", "activity_types_get"),
            ("me", "me", "me"),
        ];
        for (tag, name, want) in cases {
            let mut op = json!({"tags": [tag], "operationId": name}).as_object().unwrap().clone();
            operation_id(&mut op);
            assert_eq!(op["operationId"], want);
        }
    }

    #[test]
    fn updates_require_the_version_of_a_shared_body() {
        let doc = json!({
            "paths": {"/x/{id}": {
                "post": {"tags": ["x"], "operationId": "create", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/XInput"}}}}, "responses": {}},
                "patch": {"tags": ["x"], "operationId": "update", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/XInput"}}}}, "responses": {}}
            }},
            "components": {"schemas": {"XInput": {"type": "object", "properties": {"version": {"type": ["integer", "null"]}}}}}
        });
        let doc = exact(doc);
        let post = &doc["paths"]["/x/{id}"]["post"];
        let patch = &doc["paths"]["/x/{id}"]["patch"];
        assert_eq!(post["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/XInput");
        assert_eq!(patch["requestBody"]["content"]["application/json"]["schema"]["allOf"][1]["required"][0], "version");
        assert!(patch["responses"].get("409").is_some() && post["responses"].get("409").is_none());
        assert!(post["responses"].get("415").is_some());
    }
}
