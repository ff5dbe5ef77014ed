//! Reading logs in bounded block ranges. Public RPCs cap `eth_getLogs` (by block range or by
//! result size) and refuse larger queries, so a scan asks for at most [`DEFAULT_WINDOW`] blocks
//! at a time, halves the window whenever a range is refused, and records how far it got, so a
//! scan that stops (an error, a dropped connection) resumes from the last block it finished.

use anyhow::{bail, Context, Result};
use ethers::{prelude::*, providers::MiddlewareError};

use super::Client;

/// Blocks per `eth_getLogs` call to start with: under the caps public Arbitrum RPCs put on a
/// range, and few calls on a dev chain.
pub const DEFAULT_WINDOW: u64 = 5_000;

/// A scan over `[next, to]` of the logs a filter matches; `next` advances past each range read.
#[derive(Debug, Clone)]
pub struct LogScan {
    filter: Filter,
    /// The first block not read yet.
    pub next: u64,
    /// The last block to read.
    pub to: u64,
    /// Blocks per call now (halved on refusals, never below 1).
    pub window: u64,
}

impl LogScan {
    /// Logs of `filter` (its address and topics; its block range is replaced) from `from` to `to`.
    pub fn new(filter: Filter, from: u64, to: u64) -> Self {
        Self { filter, next: from, to, window: DEFAULT_WINDOW }
    }

    /// Whether every block has been read.
    pub fn done(&self) -> bool {
        self.next > self.to
    }

    /// The next window's logs; an empty vector once [`LogScan::done`]. A refused range is
    /// retried with half the window; a refusal of a single block is an error.
    pub async fn next_batch(&mut self, client: &Client) -> Result<Vec<Log>> {
        loop {
            if self.done() {
                return Ok(Vec::new());
            }
            let end = self.to.min(self.next.saturating_add(self.window - 1));
            let filter = self.filter.clone().from_block(self.next).to_block(end);
            match client.get_logs(&filter).await {
                Ok(logs) => {
                    self.next = end + 1;
                    return Ok(logs);
                }
                Err(e) => {
                    let refused = e.as_error_response().is_some_and(|r| refused_text(&r.message));
                    if refused && self.window > 1 {
                        self.window /= 2;
                        continue;
                    }
                    if refused {
                        bail!("the RPC refuses eth_getLogs even for block {} alone ({e}); use another RPC", self.next);
                    }
                    return Err(anyhow::Error::new(e)).with_context(|| format!("reading the logs of blocks {} to {end}", self.next));
                }
            }
        }
    }

    /// Reads to the end, handing each batch to `each` (which may record progress from
    /// [`LogScan::next`]).
    pub async fn for_each(&mut self, client: &Client, mut each: impl FnMut(&Self, Vec<Log>) -> Result<()>) -> Result<()> {
        while !self.done() {
            let logs = self.next_batch(client).await?;
            each(self, logs)?;
        }
        Ok(())
    }
}

/// The messages RPC providers use to refuse a too-large log query (geth, Alchemy, Infura,
/// QuickNode, the public Arbitrum RPC and the dev node's range cap).
fn refused_text(message: &str) -> bool {
    let m = message.to_lowercase();
    ["block range", "range is too large", "range too large", "query returned more than", "too many", "exceed", "limit", "response size"]
        .iter()
        .any(|needle| m.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_usual_refusals() {
        for text in [
            "query exceeds max block range 1000",
            "Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range",
            "query returned more than 10000 results",
            "block range is too large",
        ] {
            assert!(refused_text(text), "{text}");
        }
        assert!(!refused_text("connection refused"));
        assert!(!refused_text("invalid params"));
    }

    #[test]
    fn a_scan_is_done_past_its_end() {
        let mut scan = LogScan::new(Filter::new(), 5, 4);
        assert!(scan.done());
        scan.to = 5;
        assert!(!scan.done());
    }
}
