//! The reconciliation order of a `consumer` member, without a broker.

use super::*;

fn tp(p: i32) -> TopicPartition {
    TopicPartition::new("t", p)
}

fn set_target(m: &ConsumerGroupMember, parts: &[i32]) {
    let mut s = m.state.lock();
    s.epoch = 3;
    s.target = Some(parts.iter().map(|p| tp(*p)).collect());
}

fn assign_all(m: &ConsumerGroupMember) -> Vec<TopicPartition> {
    match m.next_step() {
        Reconcile::Assign(added, _) => {
            m.acquire(&added);
            added
        }
        other => panic!("expected an assignment, got {other:?}"),
    }
}

#[test]
fn first_assignment_is_reported_even_when_empty() {
    let m = ConsumerGroupMember::new();
    assert_eq!(m.next_step(), Reconcile::Wait);
    set_target(&m, &[]);
    assert!(m.step_needed());
    assert_eq!(assign_all(&m), vec![]);
    assert_eq!(m.next_step(), Reconcile::Stable);
    assert!(!m.step_needed());
}

#[test]
fn revocation_comes_first_and_kept_partitions_are_untouched() {
    let m = ConsumerGroupMember::new();
    set_target(&m, &[0, 1, 2]);
    assert_eq!(assign_all(&m), vec![tp(0), tp(1), tp(2)]);
    // The broker moves 2 away and gives 3: 2 is revoked alone, then 3 is added alone.
    set_target(&m, &[0, 1, 3]);
    assert_eq!(m.next_step(), Reconcile::Revoke(vec![tp(2)]));
    // Asked again before release: the same revocation (the listener has not run yet).
    assert_eq!(m.revoking(), Some(vec![tp(2)]));
    assert_eq!(m.release(), vec![tp(2)]);
    assert_eq!(m.next_step(), Reconcile::Assign(vec![tp(3)], vec![tp(0), tp(1), tp(3)]));
    m.acquire(&[tp(3)]);
    assert_eq!(m.next_step(), Reconcile::Stable);
    assert_eq!(m.state.lock().owned, [tp(0), tp(1), tp(3)].into_iter().collect());
}

#[test]
fn fencing_loses_everything_once_then_rejoins_from_epoch_zero() {
    let m = ConsumerGroupMember::new();
    set_target(&m, &[0, 1]);
    assign_all(&m);
    let id = m.member().0;
    {
        let mut s = m.state.lock();
        m.fence(&mut s);
    }
    assert!(m.step_needed());
    assert_eq!(m.next_step(), Reconcile::Lost(vec![tp(0), tp(1)]));
    assert_eq!(m.next_step(), Reconcile::Wait);
    assert_eq!(m.member(), (id, 0));
}

#[test]
fn member_ids_are_kafka_uuid_strings() {
    let a = new_member_id();
    assert_eq!(a.len(), 22);
    assert_ne!(a, new_member_id());
}
