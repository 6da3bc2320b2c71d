//! Broker error codes: name and whether a retry can succeed.

/// (code, name, retriable)
const TABLE: &[(i16, &str, bool)] = &[
    (-1, "UNKNOWN_SERVER_ERROR", false),
    (0, "NONE", false),
    (1, "OFFSET_OUT_OF_RANGE", false),
    (2, "CORRUPT_MESSAGE", true),
    (3, "UNKNOWN_TOPIC_OR_PARTITION", true),
    (5, "LEADER_NOT_AVAILABLE", true),
    (6, "NOT_LEADER_OR_FOLLOWER", true),
    (7, "REQUEST_TIMED_OUT", true),
    (10, "MESSAGE_TOO_LARGE", false),
];

pub fn name(code: i16) -> &'static str {
    TABLE.iter().find(|e| e.0 == code).map_or("UNKNOWN", |e| e.1)
}

pub fn is_retriable(code: i16) -> bool {
    TABLE.iter().find(|e| e.0 == code).is_some_and(|e| e.2)
}
