//! HTTP JSON-RPC 2.0: single and batch requests, bounded body and batch sizes, CORS for
//! browser wallets; a WebSocket upgrade on the same port is handed to [`ws`]. Decoding never panics on client input; every malformed request gets the
//! JSON-RPC error geth would give.

use std::{net::SocketAddr, sync::Arc};

use http_body_util::{BodyExt, Full, Limited};
use hyper::{
    body::{Bytes, Incoming},
    header, Method, Request, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;

use super::{
    error::{RpcError, RpcResult, INTERNAL_ERROR},
    methods::Node,
    ws,
};

/// Largest request body accepted (geth's default).
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;
/// Most requests in one batch (geth's default).
pub const MAX_BATCH: usize = 1000;

pub(crate) fn error_response(id: Value, error: RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

/// Answers one request object with `handler` (method, params); `None` for a notification
/// (no id).
fn answer_one(handler: &dyn Fn(&str, &Value) -> RpcResult, request: &Value) -> Option<Value> {
    let Value::Object(object) = request else {
        return Some(error_response(Value::Null, RpcError::invalid_request("invalid request: expected an object")));
    };
    let id = object.get("id").cloned();
    let response_id = id.clone().unwrap_or(Value::Null);
    if !matches!(response_id, Value::Null | Value::Number(_) | Value::String(_)) {
        return Some(error_response(Value::Null, RpcError::invalid_request("invalid request: id must be a number, string or null")));
    }
    if object.get("jsonrpc").is_some_and(|v| v != "2.0") {
        return Some(error_response(response_id, RpcError::invalid_request("invalid request: jsonrpc must be \"2.0\"")));
    }
    let Some(method) = object.get("method").and_then(Value::as_str) else {
        return Some(error_response(response_id, RpcError::invalid_request("invalid request: method must be a string")));
    };
    let params = object.get("params").cloned().unwrap_or(Value::Null);
    let result = handler(method, &params);
    id.as_ref()?;
    Some(match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": response_id, "result": result }),
        Err(error) => error_response(response_id, error),
    })
}

/// Answers a request body (a single request or a batch); `None` when nothing is owed.
pub fn answer(node: &Node, body: &[u8]) -> Option<Value> {
    answer_with(body, &|method, params| node.handle(method, params))
}

/// [`answer`] with the methods answered by `handler` (a WebSocket connection adds its
/// subscriptions).
pub fn answer_with(body: &[u8], handler: &dyn Fn(&str, &Value) -> RpcResult) -> Option<Value> {
    let request: Value = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(error) => return Some(error_response(Value::Null, RpcError::parse(format!("parse error: {error}")))),
    };
    match request {
        Value::Array(batch) => {
            if batch.is_empty() {
                return Some(error_response(Value::Null, RpcError::invalid_request("empty batch")));
            }
            if batch.len() > MAX_BATCH {
                return Some(error_response(
                    Value::Null,
                    RpcError::invalid_request(format!("batch too large: {} requests, at most {MAX_BATCH}", batch.len())),
                ));
            }
            let responses: Vec<Value> = batch.iter().filter_map(|r| answer_one(handler, r)).collect();
            (!responses.is_empty()).then_some(Value::Array(responses))
        }
        single => answer_one(handler, &single),
    }
}

fn with_cors(builder: hyper::http::response::Builder) -> hyper::http::response::Builder {
    builder
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS")
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type")
}

pub(crate) fn respond(status: StatusCode, body: Vec<u8>) -> Response<Full<Bytes>> {
    with_cors(Response::builder())
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(body)))
        .expect("static response parts are valid")
}

async fn serve_request(node: Arc<Node>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, hyper::Error> {
    if ws::is_upgrade(&request) {
        return Ok(ws::upgrade(node, request));
    }
    match *request.method() {
        Method::POST => {}
        Method::OPTIONS => return Ok(respond(StatusCode::OK, Vec::new())),
        _ => {
            let body = error_response(Value::Null, RpcError::invalid_request("JSON-RPC over HTTP takes POST requests"));
            return Ok(respond(StatusCode::METHOD_NOT_ALLOWED, body.to_string().into_bytes()));
        }
    }
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let error = RpcError::invalid_request(format!("request body too large or unreadable: at most {MAX_BODY_BYTES} bytes"));
            return Ok(respond(StatusCode::PAYLOAD_TOO_LARGE, error_response(Value::Null, error).to_string().into_bytes()));
        }
    };
    // The engine is synchronous: keep the reactor free while it works.
    let answer = tokio::task::spawn_blocking(move || answer(&node, &body)).await;
    Ok(match answer {
        Ok(Some(value)) => respond(StatusCode::OK, value.to_string().into_bytes()),
        Ok(None) => respond(StatusCode::OK, Vec::new()),
        Err(_) => {
            let error = RpcError::new(INTERNAL_ERROR, "internal error");
            respond(StatusCode::INTERNAL_SERVER_ERROR, error_response(Value::Null, error).to_string().into_bytes())
        }
    })
}

/// Accepts connections until `shutdown` resolves.
pub async fn run(
    listener: TcpListener,
    node: Arc<Node>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer): (_, SocketAddr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(_) => continue,
            },
            _ = &mut shutdown => return,
        };
        let node = node.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| serve_request(node.clone(), request));
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .with_upgrades()
                .await;
        });
    }
}
