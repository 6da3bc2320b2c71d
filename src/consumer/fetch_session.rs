//! KIP-227 incremental fetch sessions, one per broker the consumer fetches from.
//!
//! The first Fetch to a broker is *full*: it lists every partition wanted from it and asks for a
//! session (id 0, epoch 0). If the broker creates one, the following Fetches are *incremental*
//! (the session id and the next epoch): they list only the partitions that are new or whose
//! fetch offset, size limit or leader epoch changed, and name in `forgotten_topics_data` the ones
//! no longer wanted. The broker answers with the partitions that have records or news (errors,
//! watermarks); a partition it leaves out has nothing new. Any doubt about the broker's state
//! (a session error, a failed request) starts a new session with the next full Fetch.

use std::collections::{BTreeMap, HashMap};

use super::TopicPartition;
use crate::protocol::error_code as ec;
use crate::protocol::messages::{FetchPartition, FetchTopic, ForgottenTopic};

/// What the broker's session holds for one partition: what we last sent for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SessionPartition {
    pub fetch_offset: i64,
    /// KIP-320: the leader epoch of the record before `fetch_offset` (-1 unknown).
    pub last_fetched_epoch: i32,
    pub max_bytes: i32,
    /// The leader epoch from metadata (-1: unknown), checked by the broker (KIP-320).
    pub leader_epoch: i32,
}

/// The session id and epoch that a request carries (Kafka's FetchMetadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SessionMetadata {
    pub id: i32,
    pub epoch: i32,
}

impl SessionMetadata {
    /// No session: a full fetch that asks for none (sessions disabled).
    const LEGACY: SessionMetadata = SessionMetadata { id: 0, epoch: -1 };
    /// A full fetch that asks for a new session.
    const INITIAL: SessionMetadata = SessionMetadata { id: 0, epoch: 0 };

    fn is_full(&self) -> bool {
        self.epoch <= 0
    }
}

/// The next epoch after `epoch` (1 after i32::MAX: 0 means "new session").
fn next_epoch(epoch: i32) -> i32 {
    if epoch == i32::MAX {
        1
    } else {
        epoch + 1
    }
}

/// A Fetch request's session part, built by [`FetchSession::build`].
#[derive(Debug)]
pub(super) struct SessionRequest {
    pub metadata: SessionMetadata,
    pub topics: Vec<FetchTopic>,
    pub forgotten: Vec<ForgottenTopic>,
    /// The partitions the session holds once the broker accepts the request.
    next: HashMap<TopicPartition, SessionPartition>,
}

/// The client side of one broker's fetch session.
#[derive(Debug)]
pub(super) struct FetchSession {
    enabled: bool,
    next: SessionMetadata,
    /// The partitions the broker's session holds (meaningful while `next` is incremental).
    partitions: HashMap<TopicPartition, SessionPartition>,
}

impl FetchSession {
    pub fn new(enabled: bool) -> FetchSession {
        let next = if enabled { SessionMetadata::INITIAL } else { SessionMetadata::LEGACY };
        FetchSession { enabled, next, partitions: HashMap::new() }
    }

    /// The session id to close when the consumer stops (0: none).
    pub fn id(&self) -> i32 {
        self.next.id
    }

    /// The request for `wanted` (in the caller's order): everything on a full fetch, the
    /// changes on an incremental one.
    pub fn build(&self, wanted: &[(TopicPartition, SessionPartition)]) -> SessionRequest {
        let full = self.next.is_full();
        let next: HashMap<TopicPartition, SessionPartition> = wanted.iter().cloned().collect();
        let mut topics: Vec<FetchTopic> = Vec::new();
        for (tp, sp) in wanted {
            if !full && self.partitions.get(tp) == Some(sp) {
                continue;
            }
            let fp = FetchPartition {
                partition: tp.partition,
                current_leader_epoch: sp.leader_epoch,
                fetch_offset: sp.fetch_offset,
                last_fetched_epoch: sp.last_fetched_epoch,
                partition_max_bytes: sp.max_bytes,
                ..Default::default()
            };
            match topics.last_mut() {
                Some(t) if t.topic == tp.topic => t.partitions.push(fp),
                _ => topics.push(FetchTopic {
                    topic: tp.topic.clone(),
                    partitions: vec![fp],
                    ..FetchTopic::default()
                }),
            }
        }
        let mut forgotten: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
        if !full {
            for tp in self.partitions.keys().filter(|tp| !next.contains_key(*tp)) {
                forgotten.entry(tp.topic.as_str()).or_default().push(tp.partition);
            }
        }
        let forgotten = forgotten
            .into_iter()
            .map(|(topic, mut partitions)| {
                partitions.sort_unstable();
                ForgottenTopic { topic: topic.to_string(), partitions, ..ForgottenTopic::default() }
            })
            .collect();
        SessionRequest { metadata: self.next, topics, forgotten, next }
    }

    /// Takes the broker's answer to `sent`: `error_code` and `session_id` are the response's
    /// top-level fields. Returns whether the partition data in the response can be used.
    pub fn handle_response(&mut self, sent: SessionRequest, error_code: i16, session_id: i32) -> bool {
        if !self.enabled {
            return error_code == ec::NONE;
        }
        if error_code != ec::NONE {
            // (Not logged here: the caller holds the sessions lock; it logs after releasing it.)
            if error_code == ec::FETCH_SESSION_ID_NOT_FOUND {
                self.next = SessionMetadata::INITIAL;
            } else {
                self.close_and_renew();
            }
            self.partitions.clear();
            return false;
        }
        if session_id == 0 {
            // No session (the broker's cache is full) or the broker closed it: the data is
            // valid; ask for a session again on the next (full) fetch.
            self.next = SessionMetadata::INITIAL;
            self.partitions.clear();
            return true;
        }
        self.next = if sent.metadata.is_full() {
            SessionMetadata { id: session_id, epoch: 1 }
        } else {
            SessionMetadata { id: session_id, epoch: next_epoch(sent.metadata.epoch) }
        };
        self.partitions = sent.next;
        true
    }

    /// The request failed (its outcome on the broker is unknown): the next fetch is full and
    /// replaces the old session.
    pub fn handle_error(&mut self) {
        if self.enabled {
            self.close_and_renew();
            self.partitions.clear();
        }
    }

    fn close_and_renew(&mut self) {
        self.next = SessionMetadata { id: self.next.id, epoch: 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(t: &str, p: i32) -> TopicPartition {
        TopicPartition::new(t.to_string(), p)
    }

    fn sp(offset: i64) -> SessionPartition {
        SessionPartition { fetch_offset: offset, last_fetched_epoch: 2, max_bytes: 100, leader_epoch: 3 }
    }

    fn sent_partitions(r: &SessionRequest) -> Vec<(String, i32, i64)> {
        r.topics
            .iter()
            .flat_map(|t| t.partitions.iter().map(|p| (t.topic.clone(), p.partition, p.fetch_offset)))
            .collect()
    }

    #[test]
    fn full_then_incremental_sends_only_changes() {
        let mut s = FetchSession::new(true);
        let wanted = vec![(tp("a", 0), sp(0)), (tp("a", 1), sp(5)), (tp("b", 0), sp(7))];
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 0, epoch: 0 });
        assert_eq!(sent_partitions(&r).len(), 3);
        assert!(s.handle_response(r, 0, 42));

        // a-1 advanced, b-0 no longer wanted, c-0 new.
        let wanted = vec![(tp("a", 0), sp(0)), (tp("a", 1), sp(9)), (tp("c", 0), sp(1))];
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 42, epoch: 1 });
        assert_eq!(sent_partitions(&r), vec![("a".into(), 1, 9), ("c".into(), 0, 1)]);
        assert_eq!(r.forgotten.len(), 1);
        assert_eq!((r.forgotten[0].topic.as_str(), r.forgotten[0].partitions.clone()), ("b", vec![0]));
        assert!(s.handle_response(r, 0, 42));

        // Nothing changed: an empty incremental fetch at the next epoch.
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 42, epoch: 2 });
        assert!(r.topics.is_empty() && r.forgotten.is_empty());
    }

    #[test]
    fn leader_epoch_or_size_change_is_sent() {
        let mut s = FetchSession::new(true);
        let r = s.build(&[(tp("a", 0), sp(3))]);
        assert!(s.handle_response(r, 0, 1));
        let moved = SessionPartition { leader_epoch: 4, ..sp(3) };
        assert_eq!(sent_partitions(&s.build(&[(tp("a", 0), moved)])).len(), 1);
        let smaller = SessionPartition { max_bytes: 50, ..sp(3) };
        assert_eq!(sent_partitions(&s.build(&[(tp("a", 0), smaller)])).len(), 1);
    }

    #[test]
    fn evicted_session_restarts_with_a_full_fetch() {
        let mut s = FetchSession::new(true);
        let wanted = vec![(tp("a", 0), sp(0)), (tp("a", 1), sp(0))];
        let r = s.build(&wanted);
        assert!(s.handle_response(r, 0, 9));
        let r = s.build(&wanted);
        assert!(!s.handle_response(r, ec::FETCH_SESSION_ID_NOT_FOUND, 0));
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 0, epoch: 0 });
        assert_eq!(sent_partitions(&r).len(), 2);
    }

    #[test]
    fn wrong_epoch_or_failed_request_replaces_the_session() {
        let mut s = FetchSession::new(true);
        let wanted = vec![(tp("a", 0), sp(0))];
        let r = s.build(&wanted);
        assert!(s.handle_response(r, 0, 9));
        let r = s.build(&wanted);
        assert!(!s.handle_response(r, ec::INVALID_FETCH_SESSION_EPOCH, 0));
        assert_eq!(s.build(&wanted).metadata, SessionMetadata { id: 9, epoch: 0 });
        let r = s.build(&wanted);
        assert!(s.handle_response(r, 0, 10));
        s.handle_error();
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 10, epoch: 0 });
        assert_eq!(sent_partitions(&r).len(), 1);
    }

    #[test]
    fn no_session_from_the_broker_keeps_full_fetches() {
        let mut s = FetchSession::new(true);
        let wanted = vec![(tp("a", 0), sp(0))];
        let r = s.build(&wanted);
        assert!(s.handle_response(r, 0, 0));
        assert_eq!(s.build(&wanted).metadata, SessionMetadata::INITIAL);
    }

    #[test]
    fn disabled_sessions_are_legacy_full_fetches() {
        let mut s = FetchSession::new(false);
        let wanted = vec![(tp("a", 0), sp(0))];
        let r = s.build(&wanted);
        assert_eq!(r.metadata, SessionMetadata { id: 0, epoch: -1 });
        assert!(s.handle_response(r, 0, 0));
        assert_eq!(sent_partitions(&s.build(&wanted)).len(), 1);
    }

    #[test]
    fn epoch_wraps_to_one() {
        assert_eq!(next_epoch(i32::MAX), 1);
        assert_eq!(next_epoch(5), 6);
    }
}
