//! Unit tests of the event library on its own, with no server involved.

use std::io::Write;
use std::time::{Duration, Instant};

use mio::net::UnixStream;

use super::timer::Timers;
use super::*;

/// Test state: a log of what ran.
#[derive(Default)]
struct Log {
    ran: Vec<&'static str>,
    tokens: Vec<Token>,
    ids: Vec<TimerId>,
    repeat: u32,
}

fn drive(el: &mut EventLoop<Log>, log: &mut Log, until: impl Fn(&Log) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !until(log) {
        assert!(Instant::now() < deadline, "timers did not fire in time");
        el.process_events(log, flags::ALL_EVENTS).expect("poll");
    }
}

fn push_a(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("a");
    TimerAction::NoMore
}
fn push_b(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("b");
    TimerAction::NoMore
}
fn push_c(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("c");
    TimerAction::NoMore
}
fn push_d(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("d");
    TimerAction::NoMore
}

#[test]
fn timers_fire_in_deadline_order() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    el.create_time_event(Duration::from_millis(30), push_a);
    el.create_time_event(Duration::from_millis(10), push_b);
    el.create_time_event(Duration::from_millis(20), push_c);
    el.create_time_event(Duration::ZERO, push_d);
    drive(&mut el, &mut log, |l| l.ran.len() == 4);
    assert_eq!(log.ran, ["d", "b", "c", "a"]);
    assert!(el.timers.nearest().is_none(), "NoMore timers are gone");
}

#[test]
fn timers_with_equal_deadlines_run_in_creation_order() {
    let mut timers: Timers<Log> = Timers::new();
    let when = Instant::now();
    let first = timers.create(when, push_c);
    let second = timers.create(when, push_a);
    let third = timers.create(when, push_b);
    let limit = timers.next_id();
    let mut order = Vec::new();
    while let Some((id, _)) = timers.start_due(when, limit) {
        order.push(id);
        timers.finish(id, TimerAction::NoMore, when, when);
    }
    assert_eq!(order, [first, second, third]);
}

fn delete_self_and_next(el: &mut EventLoop<Log>, log: &mut Log, id: TimerId) -> TimerAction {
    log.ran.push("killer");
    assert!(el.delete_time_event(id), "deleting itself succeeds once");
    assert!(!el.delete_time_event(id), "a second delete finds nothing");
    let victim = log.ids[0];
    assert!(el.delete_time_event(victim));
    // Asking to run again is ignored: the timer was deleted while running.
    TimerAction::Again(Duration::ZERO)
}

fn victim(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("victim");
    TimerAction::NoMore
}

#[test]
fn a_timer_can_delete_itself_and_another() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    el.create_time_event(Duration::ZERO, delete_self_and_next);
    // Due at the same time, after the killer: deleted before its turn.
    let v = el.create_time_event(Duration::ZERO, victim);
    log.ids.push(v);
    drive(&mut el, &mut log, |l| !l.ran.is_empty());
    for _ in 0..3 {
        el.process_events(&mut log, flags::ALL_EVENTS | flags::DONT_WAIT)
            .expect("poll");
    }
    assert_eq!(log.ran, ["killer"]);
    assert!(el.timers.nearest().is_none());
}

fn repeat_three_times(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.repeat += 1;
    if log.repeat < 3 {
        TimerAction::Again(Duration::from_millis(1))
    } else {
        TimerAction::NoMore
    }
}

#[test]
fn a_timer_runs_again_until_no_more() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    el.create_time_event(Duration::ZERO, repeat_three_times);
    drive(&mut el, &mut log, |l| l.repeat == 3);
    assert!(el.timers.nearest().is_none());
}

fn spawn_child(el: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.ran.push("parent");
    el.create_time_event(Duration::ZERO, push_a);
    TimerAction::NoMore
}

#[test]
fn timers_created_in_a_pass_wait_for_the_next() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    el.create_time_event(Duration::ZERO, spawn_child);
    drive(&mut el, &mut log, |l| !l.ran.is_empty());
    assert_eq!(
        log.ran,
        ["parent"],
        "the child must not run in the same pass"
    );
    drive(&mut el, &mut log, |l| l.ran.len() == 2);
    assert_eq!(log.ran, ["parent", "a"]);
}

const T1: Token = Token(1);
const T2: Token = Token(2);

/// Reads nothing: records the token and deletes the other token's handlers.
fn remove_other(el: &mut EventLoop<Log>, log: &mut Log, token: Token, _: Mask) {
    log.tokens.push(token);
    let other = if token == T1 { T2 } else { T1 };
    el.delete_file_event(other, Mask::ALL);
}

#[test]
fn a_handler_can_remove_an_event_fired_in_the_same_batch() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    let (mut a1, mut b1) = UnixStream::pair().expect("pair");
    let (mut a2, mut b2) = UnixStream::pair().expect("pair");
    el.create_file_event(&mut b1, T1, Mask::READABLE, remove_other)
        .expect("register");
    el.create_file_event(&mut b2, T2, Mask::READABLE, remove_other)
        .expect("register");
    a1.write_all(b"x").expect("write");
    a2.write_all(b"x").expect("write");
    // Both sockets are readable before the poll, so one batch holds both.
    let deadline = Instant::now() + Duration::from_secs(5);
    while log.tokens.is_empty() {
        assert!(Instant::now() < deadline, "no event fired");
        el.process_events(&mut log, flags::FILE_EVENTS)
            .expect("poll");
    }
    assert_eq!(log.tokens.len(), 1, "the removed handler must not run");
    let survivor = log.tokens[0];
    let removed = if survivor == T1 { T2 } else { T1 };
    assert!(el.file_events(removed).is_none());
    assert_eq!(el.file_events(survivor), Mask::READABLE);
}

fn count(_: &mut EventLoop<Log>, log: &mut Log, token: Token, mask: Mask) {
    log.tokens.push(token);
    if mask.contains(Mask::READABLE) {
        log.ran.push("read");
    }
}

#[test]
fn one_handler_for_both_directions_runs_once_per_event() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    let (mut a, mut b) = UnixStream::pair().expect("pair");
    el.create_file_event(&mut b, T1, Mask::ALL, count)
        .expect("register");
    a.write_all(b"x").expect("write");
    let deadline = Instant::now() + Duration::from_secs(5);
    while log.ran.is_empty() {
        assert!(Instant::now() < deadline, "no readable event");
        log.tokens.clear();
        el.process_events(&mut log, flags::FILE_EVENTS)
            .expect("poll");
    }
    assert_eq!(
        log.tokens,
        [T1],
        "called once although both directions fired"
    );
    el.unregister(&mut b, T1);
    assert!(el.file_events(T1).is_none());
}

fn again_at_once(_: &mut EventLoop<Log>, log: &mut Log, _: TimerId) -> TimerAction {
    log.repeat += 1;
    TimerAction::Again(Duration::ZERO)
}

#[test]
fn a_timer_runs_at_most_once_per_pass() {
    // Even when it asks to run again at once and the clock has not moved.
    let mut timers: Timers<Log> = Timers::new();
    let when = Instant::now();
    let id = timers.create(when, again_at_once);
    let limit = timers.next_id();
    let (ran, _) = timers.start_due(when, limit).expect("due");
    assert_eq!(ran, id);
    timers.finish(id, TimerAction::Again(Duration::ZERO), when, when);
    assert!(
        timers.start_due(when, limit).is_none(),
        "not again in this pass"
    );
    assert!(timers.nearest().expect("rescheduled") > when);

    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    el.create_time_event(Duration::ZERO, again_at_once);
    drive(&mut el, &mut log, |l| l.repeat > 0);
    assert_eq!(log.repeat, 1, "one pass runs the timer once");
}

#[test]
fn handlers_can_be_removed_and_installed_again() {
    let mut el = EventLoop::new(16).expect("loop");
    let mut log = Log::default();
    let (mut a, mut b) = UnixStream::pair().expect("pair");
    el.create_file_event(&mut b, T1, Mask::READABLE, count)
        .expect("register");
    el.delete_file_event(T1, Mask::READABLE);
    assert!(el.file_events(T1).is_none());
    // The source is still registered: installing a handler again must not
    // register it twice (mio would refuse).
    el.create_file_event(&mut b, T1, Mask::READABLE, count)
        .expect("install again");
    a.write_all(b"x").expect("write");
    let deadline = Instant::now() + Duration::from_secs(5);
    while log.ran.is_empty() {
        assert!(Instant::now() < deadline, "no readable event");
        el.process_events(&mut log, flags::FILE_EVENTS)
            .expect("poll");
    }
    el.unregister(&mut b, T1);
    el.create_file_event(&mut b, T1, Mask::READABLE, count)
        .expect("register after unregister");
}

/// Records each fired mask, for the hang-up test.
#[derive(Default)]
struct Masks(Vec<Mask>);

fn record_mask(_: &mut EventLoop<Masks>, masks: &mut Masks, _: Token, mask: Mask) {
    masks.0.push(mask);
}

#[test]
fn hangup_is_reported_beside_readable_only_when_the_peer_closed() {
    let (mut ours, mut peer) = UnixStream::pair().expect("pair");
    let mut el = EventLoop::new(16).expect("loop");
    let mut masks = Masks::default();
    el.create_file_event(&mut ours, Token(1), Mask::READABLE, record_mask)
        .expect("register");
    peer.write_all(b"x").expect("write");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !masks.0.iter().any(|m| m.contains(Mask::READABLE)) {
        assert!(Instant::now() < deadline, "no readable event");
        el.process_events(&mut masks, flags::ALL_EVENTS)
            .expect("poll");
    }
    assert!(masks.0.iter().all(|m| !m.contains(Mask::HANGUP)));
    masks.0.clear();
    drop(peer);
    while !masks.0.iter().any(|m| m.contains(Mask::HANGUP)) {
        assert!(Instant::now() < deadline, "no hang-up event");
        el.process_events(&mut masks, flags::ALL_EVENTS)
            .expect("poll");
    }
    assert!(masks
        .0
        .iter()
        .all(|m| !m.contains(Mask::HANGUP) || m.contains(Mask::READABLE)));
}
