//! Pub/Sub: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, their UNSUBSCRIBEs,
//! PUBLISH, SPUBLISH and PUBSUB.
//!
//! Mirrors: `pubsub.c`.
//!
//! (Skeleton: the types and entry points other modules call; the
//! implementation lands with issue 5's Pub/Sub work.)

use super::commands::CommandSpec;
use super::{Client, ClientId, Server};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 0] = [];

/// A client's subscriptions (`c->pubsub_channels`, `c->pubsub_patterns`,
/// `c->pubsub_shard_channels`).
#[derive(Debug, Default)]
pub struct ClientPubSub {}

/// The server's channels and patterns with their subscribers
/// (`server.pubsub_channels`, `server.pubsub_patterns`,
/// `server.pubsubshard_channels`).
#[derive(Debug, Default)]
pub struct PubSubState {}

/// Channels + patterns + shard channels the client is subscribed to
/// (`clientTotalPubSubSubscriptionCount`); non-zero means the client is
/// in subscribed mode (`CLIENT_PUBSUB`).
pub fn subscription_count(_c: &Client) -> usize {
    0
}

/// The client's (channels, patterns, shard channels) counts, for CLIENT
/// LIST's `sub=`, `psub=` and `ssub=`.
pub fn subscription_counts(_c: &Client) -> (usize, usize, usize) {
    (0, 0, 0)
}

/// Sends `message` to the subscribers of `channel` and of the patterns
/// matching it; returns how many received it (`pubsubPublishMessage`).
pub fn publish(_server: &mut Server, _channel: &[u8], _message: &[u8]) -> usize {
    0
}

/// Drops every subscription of a client that is freed or RESET, without
/// replies (`pubsubUnsubscribeAllChannels(c, 0)` and friends).
pub fn unsubscribe_all(_server: &mut Server, _id: ClientId) {}
