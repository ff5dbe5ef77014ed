//! JSON-RPC over WebSocket, on the HTTP port: a `GET` with `Upgrade: websocket` is switched
//! to a WebSocket (one listener for both, as geth's and anvil's). Every method answers as over
//! HTTP; eth_subscribe and eth_unsubscribe belong to the connection, and its subscriptions
//! end when the socket closes.
//!
//! Notifications are geth's: `{"jsonrpc":"2.0","method":"eth_subscription","params":
//! {"subscription": id, "result": ...}}`, one per new block (`newHeads`: the block with its
//! transaction hashes, as anvil sends it), per
//! matching log of a new block (`logs`), per accepted transaction (`newPendingTransactions`,
//! its hash or, with `true`, the transaction).
//!
//! Bounded: messages up to [`MAX_MESSAGE_BYTES`] (a bigger one closes the socket with code
//! 1009 and the limit in the reason), [`MAX_SUBSCRIPTIONS`] per connection (-32005 beyond).
//! A client that does not read cannot hold the node back: events reach each connection
//! through a bounded buffer (a connection that falls [`EVENT_BUFFER`] events behind loses the
//! oldest), and a connection that does not take a message within [`SEND_TIMEOUT`] is closed.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, MutexGuard},
    time::Duration,
};

use futures_util::{SinkExt, StreamExt};
use http_body_util::Full;
use hyper::{
    body::{Bytes, Incoming},
    header, Method, Request as HttpRequest, Response, StatusCode,
};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;
use tokio_tungstenite::{
    tungstenite::{
        handshake::derive_accept_key,
        protocol::{frame::coding::CloseCode, CloseFrame, Role, WebSocketConfig},
        Error as WsError, Message,
    },
    WebSocketStream,
};

#[cfg(doc)]
use super::methods::EVENT_BUFFER;
use super::{
    error::{RpcError, RpcResult, INTERNAL_ERROR, LIMIT_EXCEEDED},
    json,
    methods::{location_json, Node, NodeEvent},
    params::{Param, SubscriptionKind},
    request::{params_of, Request},
    server::{self, error_response, respond},
};
use crate::{engine::logs::LogFilter, node::filters::IdSource};

/// Largest message a client may send: the HTTP body limit.
pub const MAX_MESSAGE_BYTES: usize = server::MAX_BODY_BYTES;
/// Most live subscriptions on one connection.
pub const MAX_SUBSCRIPTIONS: usize = 128;
/// How long one message may wait for a client to take it before the connection is closed.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Whether an HTTP request asks to become a WebSocket.
pub fn is_upgrade(request: &HttpRequest<Incoming>) -> bool {
    let has = |name: header::HeaderName, token: &str| {
        request.headers().get_all(name).iter().any(|value| {
            value.to_str().is_ok_and(|v| v.split(',').any(|part| part.trim().eq_ignore_ascii_case(token)))
        })
    };
    request.method() == Method::GET && has(header::UPGRADE, "websocket")
}

/// Accepts the upgrade (RFC 6455's handshake) and serves the socket on its own task.
pub fn upgrade(node: Arc<Node>, mut request: HttpRequest<Incoming>) -> Response<Full<Bytes>> {
    let key = request.headers().get(header::SEC_WEBSOCKET_KEY).map(|k| k.as_bytes().to_vec());
    let version = request.headers().get(header::SEC_WEBSOCKET_VERSION).and_then(|v| v.to_str().ok());
    let (Some(key), Some("13")) = (key, version) else {
        let error = RpcError::invalid_request("WebSocket upgrade needs Sec-WebSocket-Key and Sec-WebSocket-Version: 13");
        return respond(StatusCode::BAD_REQUEST, error_response(Value::Null, error).to_string().into_bytes());
    };
    let upgrading = hyper::upgrade::on(&mut request);
    tokio::spawn(async move {
        let Ok(upgraded) = upgrading.await else { return };
        let config = WebSocketConfig {
            max_message_size: Some(MAX_MESSAGE_BYTES),
            max_frame_size: Some(MAX_MESSAGE_BYTES),
            ..WebSocketConfig::default()
        };
        let socket = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, Some(config)).await;
        serve(node, socket).await;
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, derive_accept_key(&key))
        .body(Full::new(Bytes::new()))
        .expect("static response parts are valid")
}

/// What one subscription reports.
#[derive(Debug, Clone)]
enum Subscription {
    NewHeads,
    Logs(LogFilter),
    Transactions { full: bool },
}

/// One WebSocket connection: its subscriptions, counted in the node's total while it lives.
struct Connection {
    node: Arc<Node>,
    subscriptions: Mutex<(HashMap<String, Subscription>, IdSource)>,
}

impl Connection {
    fn new(node: Arc<Node>) -> Self {
        Self { node, subscriptions: Mutex::new((HashMap::new(), IdSource::new())) }
    }

    fn subscriptions(&self) -> MutexGuard<'_, (HashMap<String, Subscription>, IdSource)> {
        self.subscriptions.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Answers one call: the connection's own methods here, everything else by the node.
    fn handle(&self, method: &str, params: &Value) -> RpcResult {
        match Request::decode(method, params.clone())? {
            Request::EthSubscribe(p) => self.subscribe(p),
            Request::EthUnsubscribe(p) => {
                let removed = self.subscriptions().0.remove(&p.id.0).is_some();
                if removed {
                    self.node.subscriptions_changed(0, 1);
                }
                Ok(json!(removed))
            }
            other => self.node.execute(other),
        }
    }

    fn subscribe(&self, p: params_of::EthSubscribe) -> RpcResult {
        let options = p.options.map(|o| o.0).filter(|o| !o.is_null());
        let subscription = match p.kind {
            SubscriptionKind::NewHeads => Subscription::NewHeads,
            SubscriptionKind::Logs => {
                Subscription::Logs(options.map(|o| LogFilter::from_value(&o, "filter")).transpose()?.unwrap_or_default())
            }
            SubscriptionKind::NewPendingTransactions => match options {
                None => Subscription::Transactions { full: false },
                Some(Value::Bool(full)) => Subscription::Transactions { full },
                Some(_) => return Err(RpcError::invalid_params("options: expected a boolean (full transactions)")),
            },
        };
        let mut guard = self.subscriptions();
        let (live, ids) = &mut *guard;
        if live.len() >= MAX_SUBSCRIPTIONS {
            return Err(RpcError::new(
                LIMIT_EXCEEDED,
                format!("too many subscriptions: at most {MAX_SUBSCRIPTIONS} on one connection; end one with eth_unsubscribe"),
            ));
        }
        let id = ids.next_id();
        live.insert(id.clone(), subscription);
        self.node.subscriptions_changed(1, 0);
        Ok(json!(id))
    }

    fn has_subscriptions(&self) -> bool {
        !self.subscriptions().0.is_empty()
    }

    /// The notifications `event` makes for this connection's subscriptions.
    fn notifications(&self, event: NodeEvent) -> Vec<Value> {
        let subscriptions: Vec<(String, Subscription)> =
            self.subscriptions().0.iter().map(|(id, s)| (id.clone(), s.clone())).collect();
        let notification = |id: &str, result: Value| {
            json!({"jsonrpc": "2.0", "method": "eth_subscription", "params": {"subscription": id, "result": result}})
        };
        self.node.read(|node| {
            let engine = &node.engine;
            let mut out = Vec::new();
            for (id, subscription) in &subscriptions {
                match (subscription, event) {
                    (Subscription::NewHeads, NodeEvent::Block(number)) => {
                        // The block as eth_getBlockByNumber(n, false) gives it, as anvil sends
                        // (geth's header fields and more).
                        if let Some(block) = engine.block(number) {
                            let hashes = block.transactions.iter().map(json::hash).collect();
                            let state_root = engine.state_root(number).unwrap_or_default();
                            out.push(notification(id, json::block_json(block, hashes, &engine.config().coinbase, &state_root)));
                        }
                    }
                    (Subscription::Logs(filter), NodeEvent::Block(number)) => {
                        let Some(block) = engine.block(number) else { continue };
                        if !engine.filter_takes_block(filter, number, &block.hash) {
                            continue;
                        }
                        for log in engine.logs_in_blocks(number, number, filter) {
                            out.push(notification(id, json::matched_log_json(&log)));
                        }
                    }
                    (Subscription::Transactions { full: false }, NodeEvent::Transaction(hash)) => {
                        out.push(notification(id, json::hash(&hash)));
                    }
                    (Subscription::Transactions { full: true }, NodeEvent::Transaction(hash)) => {
                        if let Some(tx) = node.transaction(&hash) {
                            out.push(notification(id, location_json(tx, engine.config().base_fee)));
                        }
                    }
                    _ => {}
                }
            }
            out
        })
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let live = self.subscriptions().0.len();
        self.node.subscriptions_changed(0, live);
    }
}

/// Serves one socket until it closes, fails, or stops taking messages.
async fn serve<S>(node: Arc<Node>, socket: WebSocketStream<S>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let connection = Arc::new(Connection::new(node.clone()));
    let mut events = node.events();
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            incoming = stream.next() => {
                let body = match incoming {
                    Some(Ok(Message::Text(text))) => text.into_bytes(),
                    Some(Ok(Message::Binary(bytes))) => bytes,
                    // tungstenite queues the pong; flushing sends it.
                    Some(Ok(Message::Ping(_))) => {
                        if timed(sink.flush()).await.is_err() {
                            break;
                        }
                        continue;
                    }
                    Some(Ok(Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Err(WsError::Capacity(_))) => {
                        let reason = format!("message too large: at most {MAX_MESSAGE_BYTES} bytes");
                        let close = CloseFrame { code: CloseCode::Size, reason: reason.into() };
                        let _ = timed(sink.send(Message::Close(Some(close)))).await;
                        break;
                    }
                    Some(Err(_)) => break,
                };
                let handler = connection.clone();
                let answer = tokio::task::spawn_blocking(move || {
                    server::answer_with(&body, &|method, params| handler.handle(method, params))
                })
                .await;
                let reply = match answer {
                    Ok(Some(reply)) => reply,
                    Ok(None) => continue,
                    Err(_) => error_response(Value::Null, RpcError::new(INTERNAL_ERROR, "internal error")),
                };
                if timed(sink.send(Message::Text(reply.to_string()))).await.is_err() {
                    break;
                }
            }
            event = events.recv() => {
                let event = match event {
                    Ok(event) => event,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => break,
                };
                if !connection.has_subscriptions() {
                    continue;
                }
                let source = connection.clone();
                let Ok(notifications) = tokio::task::spawn_blocking(move || source.notifications(event)).await else {
                    continue;
                };
                let mut open = true;
                for notification in notifications {
                    if timed(sink.feed(Message::Text(notification.to_string()))).await.is_err() {
                        open = false;
                        break;
                    }
                }
                if !open || timed(sink.flush()).await.is_err() {
                    break;
                }
            }
        }
    }
}

/// A socket operation, given up after [`SEND_TIMEOUT`].
async fn timed<F: std::future::Future<Output = Result<(), WsError>>>(operation: F) -> Result<(), ()> {
    match tokio::time::timeout(SEND_TIMEOUT, operation).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(()),
    }
}
