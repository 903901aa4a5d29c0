//! What the OpenAPI document says besides what each handler's `#[utoipa::path]` says, applied to
//! every operation alike so that the document stays exact as operations are added:
//!
//! - each `operationId` is unique: the tag, then the handler's name (`organisations_list`,
//!   `contacts_get`, `plans_get_action`);
//! - every operation documents the errors any request can meet, with the error body: 400 (a
//!   query or path parameter that cannot be read), 401, 403, 404, 422 and 500; operations with
//!   a body also 413 and 415, and updates 409;
//! - a query parameter named `lang`, `year`, `quarter`, `district`, `from`, `to`, `as_of` or
//!   `date` is described as `values::Named` says, which is what `extract::Query` checks;
//! - any other text query parameter has at least one character (an empty one is refused);
//! - a text query or path parameter with no other rule is declared free of control characters,
//!   which the API refuses, and a text property of a body free of those other than tab and
//!   line breaks;
//! - an update (`PATCH`) whose body has a `version` requires it.

use super::values::Named;
use serde_json::{Map, Value, json};

/// Control characters are refused in query and path parameters (`extract`).
pub const NO_CONTROLS: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// Text in a body may hold a tab and line breaks, no other control character (`extract`).
pub const BODY_TEXT: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
/// The same, holding more than spaces: a text that must be given.
pub const BODY_TEXT_GIVEN: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";

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
    for (name, top) in body_schemas(&doc) {
        if let Some(s) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            body_rules(s, top);
        }
    }
    let schemas = SchemasSnapshot::of(&doc);
    let given = GivenSnapshot::of(&doc);
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(op) = item.get_mut("patch").and_then(Value::as_object_mut) {
                version_required(op, &schemas);
            }
            if let Some(op) = item.get_mut("post").and_then(Value::as_object_mut) {
                given_required(op, &given);
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
        let in_query = p.get("in").and_then(Value::as_str) == Some("query");
        let named = p.get("name").and_then(Value::as_str).and_then(Named::of);
        if let (true, Some(named)) = (in_query, named) {
            p["schema"] = named.schema();
            continue;
        }
        let Some(schema) = p.get_mut("schema").and_then(Value::as_object_mut) else { continue };
        if in_query && is_text(schema) {
            // `extract::Query` refuses a parameter given without a value.
            schema.entry("minLength").or_insert(json!(1));
        }
        if is_text(schema) && !is_ruled(schema) {
            schema.insert("pattern".into(), Value::String(NO_CONTROLS.into()));
        }
    }
}

fn is_text(schema: &Map<String, Value>) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    }
}

fn is_ruled(schema: &Map<String, Value>) -> bool {
    ["enum", "format", "pattern", "const"].iter().any(|k| schema.contains_key(*k))
}

/// The component schemas that are request bodies (`true`), and those they refer to (`false`).
fn body_schemas(doc: &Value) -> std::collections::BTreeMap<String, bool> {
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) =
                    m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    out.push(r.to_owned());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut todo = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values() {
            for method in METHODS {
                if let Some(body) = item.get(method).and_then(|op| op.get("requestBody")) {
                    refs(body, &mut todo);
                }
            }
        }
    }
    let top: std::collections::BTreeSet<String> = todo.iter().cloned().collect();
    let mut seen = std::collections::BTreeMap::new();
    while let Some(name) = todo.pop() {
        if !seen.contains_key(&name)
            && let Some(s) = doc.pointer(&format!("/components/schemas/{name}"))
        {
            refs(s, &mut todo);
            seen.insert(name.clone(), top.contains(&name));
        }
    }
    seen
}

/// A body field named as `values::Named::of_field` says is described as such; one that may be
/// left out may also be sent empty (or null, where its type allows), which leaves it unset.
fn named_field(name: &str, required: bool, p: &mut Value) {
    let Some(o) = p.as_object() else { return };
    let Some(named) = Named::of_field(name) else { return };
    if !is_text(o) || is_ruled(o) {
        return;
    }
    let given = required || o.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0;
    let nullable = matches!(o.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"));
    let description = o.get("description").cloned();
    let mut schema = named.schema();
    if !given {
        let mut any = vec![schema, json!({"type": "string", "maxLength": 0})];
        if nullable {
            any.push(json!({"type": "null"}));
        }
        schema = json!({"anyOf": any});
    }
    if let Some(s) = schema.as_object_mut() {
        if let Some(d) = description {
            s.insert("description".into(), d);
        }
        if given {
            // Kept for `given_required`: a create requires the field.
            s.insert("minLength".into(), json!(1));
        }
    }
    *p = schema;
}

/// What a body's schema says besides what its type says:
/// - text may hold tabs and line breaks, no other control character (`extract::Json`): said of
///   every text property with no other rule; a text that is required, or declared with a
///   `minLength`, must also hold more than spaces (the use cases trim and then require it);
/// - a body holds only its fields (`additionalProperties: false`): `extract::Json` refuses
///   another, so a misspelt field is not a value silently left unchanged.
fn body_rules(schema: &mut Value, top: bool) {
    match schema {
        Value::Object(m) => {
            if top && m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            let required: Vec<String> = m
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            if let Some(props) = m.get_mut("properties").and_then(Value::as_object_mut) {
                for (name, p) in props.iter_mut() {
                    named_field(name, required.contains(name), p);
                    if let Some(o) = p.as_object_mut()
                        && is_text(o)
                        && !is_ruled(o)
                        && (required.contains(name) || o.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0)
                    {
                        o.insert("pattern".into(), Value::String(BODY_TEXT_GIVEN.into()));
                        // `#[serde(default)]`'s empty text is no value of such a field.
                        if o.get("default") == Some(&json!("")) {
                            o.remove("default");
                        }
                    }
                }
            }
            if is_text(m) && !is_ruled(m) {
                m.insert("pattern".into(), Value::String(BODY_TEXT.into()));
            }
            for (k, v) in m.iter_mut() {
                if !matches!(k.as_str(), "enum" | "example" | "examples" | "default" | "const") {
                    body_rules(v, false);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| body_rules(v, false)),
        _ => {}
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

/// For each component schema, its text properties declared with a `minLength` (a text that, when
/// given, must hold more than spaces) that are not in its `required`.
struct GivenSnapshot(std::collections::BTreeMap<String, Vec<String>>);

impl GivenSnapshot {
    fn of(doc: &Value) -> Self {
        let mut out = std::collections::BTreeMap::new();
        if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
            for (name, s) in schemas {
                let required: Vec<&str> = s
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let Some(props) = s.get("properties").and_then(Value::as_object) else { continue };
                let given: Vec<String> = props
                    .iter()
                    .filter(|(k, p)| {
                        !required.contains(&k.as_str()) && p.get("minLength").and_then(Value::as_u64).unwrap_or(0) > 0
                    })
                    .map(|(k, _)| k.clone())
                    .collect();
                if !given.is_empty() {
                    out.insert(name.clone(), given);
                }
            }
        }
        Self(out)
    }
}

/// A body shared by create and update declares the fields a record cannot be without as
/// optional (an update may leave them out) with a `minLength` (given, they hold a value): a
/// create requires them.
fn given_required(op: &mut Map<String, Value>, given: &GivenSnapshot) {
    let Some(schema) = op.get_mut("requestBody").and_then(|b| b.pointer_mut("/content/application~1json/schema"))
    else {
        return;
    };
    let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()) else { return };
    let Some(fields) = given.0.get(name) else { return };
    let reference = schema.clone();
    // Given, not null: null is "left out".
    let texts: Map<String, Value> = fields.iter().map(|f| (f.clone(), json!({"type": "string"}))).collect();
    *schema = json!({"allOf": [reference, {"type": "object", "required": fields, "properties": texts}]});
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
