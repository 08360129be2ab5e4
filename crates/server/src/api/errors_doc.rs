//! Declares in the OpenAPI document the errors every operation can answer,
//! worked out from the operation itself and the error catalogue, so that no
//! status reaches a client undeclared: 400/413/415/422 for a body (and
//! 408/503 for an upload, which waits its turn), 401/403 for a signed-in
//! operation, 404 where an id is named, 400/422 for a query, 500 everywhere;
//! 409 for every change; the rest (429, 503...) are in each operation's
//! annotation. Every
//! error response carries the `Error` schema, whose `code` lists the whole
//! catalogue.

use haul_domain::ErrorCode;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi, RefOr, Response};

pub fn declare(openapi: &mut OpenApi) {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let schema = serde_json::json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": codes, "description": "stable; see the error catalogue"},
            "message": {"type": "string", "description": "for people; may change"}
        }}}
    });
    if let Ok(schema) = serde_json::from_value(schema) {
        openapi.components.get_or_insert_with(Default::default).schemas.insert("Error".into(), schema);
    }
    for (path, item) in openapi.paths.paths.iter_mut() {
        let has_id = path.contains('{');
        if let Some(op) = &mut item.get {
            declare_operation(op, has_id, false);
        }
        for op in [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
            declare_operation(op, has_id, true);
        }
    }
}

fn declare_operation(op: &mut Operation, has_id: bool, is_write: bool) {
    let params = op.parameters.iter().flatten().filter_map(|p| match p {
        RefOr::T(p) => Some(p.parameter_in.clone()),
        RefOr::Ref(_) => None,
    });
    let has_query = params.clone().any(|p| matches!(p, ParameterIn::Query));
    let has_header = params.clone().any(|p| matches!(p, ParameterIn::Header));
    let mut add = |status: u16, codes: &[ErrorCode]| {
        let entry = op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::T(Response::new("")));
        if let RefOr::T(r) = entry {
            let listed: Vec<&str> = codes.iter().map(|c| c.as_str()).filter(|c| !r.description.contains(c)).collect();
            if !listed.is_empty() {
                let sep = if r.description.is_empty() { "" } else { ", " };
                r.description = format!("{}{sep}{}", r.description, listed.join(", "));
            }
        }
    };
    use ErrorCode as E;
    add(500, &[E::InternalError]);
    // A change may meet a state that changed meanwhile, or a rule of the
    // thing it changes.
    if is_write {
        add(409, &[E::OrderChanged]);
    }
    if let Some(RefOr::T(body)) = &op.request_body
        && body.content.contains_key("multipart/form-data")
    {
        add(408, &[E::UploadStalled]);
        add(503, &[E::UploadsBusy]);
    }
    if op.request_body.is_some() {
        add(400, &[E::InvalidJson, E::UnreadableBody, E::InvalidUpload]);
        add(413, &[E::PayloadTooLarge]);
        add(415, &[E::UnsupportedMediaType]);
        add(422, &[E::InvalidBody, E::ValidationFailed]);
    }
    if has_query {
        add(400, &[E::InvalidQuery]);
        add(422, &[E::ValidationFailed]);
    }
    if has_header {
        add(400, &[E::IdempotencyKeyRequired, E::InvalidIdempotencyKey]);
    }
    if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
        add(401, &[E::Unauthenticated]);
        add(403, &[E::Forbidden]);
    }
    // What a path, a body or a query names by its id may not exist.
    if has_id || has_query || op.request_body.is_some() {
        add(404, &[E::NotFound]);
    }
    // Every error answer has the same body.
    for (status, response) in op.responses.responses.iter_mut() {
        if let (true, RefOr::T(r)) = (status.as_str() >= "400", response)
            && r.content.is_empty()
        {
            let content = utoipa::openapi::ContentBuilder::new().schema(Some(utoipa::openapi::Ref::from_schema_name("Error"))).build();
            r.content.insert("application/json".into(), content.into());
        }
    }
}
