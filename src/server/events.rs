//! The change events of `serve`: the subscribers' queues, and the latest events kept for a
//! replica that catches up ([`Recent`]).

use super::Limits;
use crate::office::protocol::{write_frame, write_frame_body, Event};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// The subscribers of change events. Each has a bounded queue emptied by its own thread, so
/// [`Subscribers::notify`] never waits for a peer: a full queue drops the subscriber (its
/// thread sends a resync event and closes the connection). An event is encoded once for all.
#[derive(Default)]
pub(super) struct Subscribers(Mutex<Vec<Subscriber>>);

struct Subscriber {
    conn: u64,
    queue: SyncSender<Arc<Vec<u8>>>,
    lagging: Arc<AtomicBool>,
}

impl Subscribers {
    pub(super) fn notify(&self, ev: &Event) {
        let body = match serde_json::to_vec(ev) {
            Ok(b) => Arc::new(b),
            Err(e) => {
                tracing::warn!("an event does not encode: {e}");
                return;
            }
        };
        let mut subs = self.0.lock().unwrap_or_else(|p| p.into_inner());
        subs.retain(|s| match s.queue.try_send(Arc::clone(&body)) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                s.lagging.store(true, Ordering::Relaxed);
                false
            }
            Err(TrySendError::Disconnected(_)) => false,
        });
    }

    /// Start the thread that writes the events of connection `conn` to `stream`.
    pub(super) fn add(
        &self,
        conn: u64,
        stream: UnixStream,
        limits: &Limits,
    ) -> std::io::Result<()> {
        let (queue, rx) = sync_channel(limits.subscriber_queue.max(1));
        let lagging = Arc::new(AtomicBool::new(false));
        stream.set_write_timeout(Some(limits.write_timeout))?;
        let flag = Arc::clone(&lagging);
        std::thread::Builder::new()
            .name("subscriber".into())
            .spawn(move || write_events(stream, rx, &flag))?;
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Subscriber {
                conn,
                queue,
                lagging,
            });
        Ok(())
    }

    /// The connection ended: its writer thread stops.
    pub(super) fn remove(&self, conn: u64) {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|s| s.conn != conn);
    }

    pub(super) fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

fn write_events(mut stream: UnixStream, rx: Receiver<Arc<Vec<u8>>>, lagging: &AtomicBool) {
    while let Ok(ev) = rx.recv() {
        if write_frame_body(&mut stream, &ev).is_err() {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
    if lagging.load(Ordering::Relaxed) {
        tracing::info!("a subscriber fell behind: dropped with a resync");
        let _ = write_frame(
            &mut stream,
            &Event {
                resync: true,
                ..Event::default()
            },
        );
        let _ = stream.shutdown(Shutdown::Both);
    }
}

/// The events of the latest writes, for a replica that catches up after its own write
/// ([`Request::Changes`]) or missed one: at most [`RECENT_EVENTS`] events and
/// [`RECENT_BYTES`] of records; a reload forgets them all (nothing before it can be applied).
#[derive(Default)]
pub(super) struct Recent {
    events: std::collections::VecDeque<(Event, usize)>,
    bytes: usize,
}

const RECENT_EVENTS: usize = 256;
const RECENT_BYTES: usize = 32 << 20;

/// An event over this many bytes of JSON is sent as a reload (README, "Server limits").
pub const MAX_EVENT_BYTES: usize = 4 << 20;

impl Recent {
    pub(super) fn push(&mut self, ev: &Event, bytes: usize) {
        if ev.delta.is_none() {
            self.events.clear();
            self.bytes = 0;
            return;
        }
        self.events.push_back((ev.clone(), bytes));
        self.bytes += bytes;
        while self.events.len() > RECENT_EVENTS || self.bytes > RECENT_BYTES {
            match self.events.pop_front() {
                Some((_, b)) => self.bytes -= b,
                None => break,
            }
        }
    }

    /// The events after `since`, and whether they follow on from it without a gap.
    pub(super) fn since(&self, since: u64, now: u64) -> (Vec<Event>, bool) {
        let events: Vec<Event> = self
            .events
            .iter()
            .filter(|(e, _)| e.audit_len > since)
            .map(|(e, _)| e.clone())
            .collect();
        let mut at = since;
        for e in &events {
            match &e.delta {
                Some(d) if d.from == at => at = e.audit_len,
                _ => return (events, false),
            }
        }
        (events, at == now)
    }
}

/// What the connections share about writes: one write at a time from its start to its event
/// (the office serialises writes anyway), so events go out in the order of the audit log.
#[derive(Default)]
pub(super) struct Writes {
    pub(super) gate: Mutex<()>,
    pub(super) recent: Mutex<Recent>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::office::delta::Delta;

    fn ev(from: u64, to: u64) -> Event {
        Event {
            audit_len: to,
            delta: Some(Delta {
                from,
                records: Vec::new(),
            }),
            ..Event::default()
        }
    }

    /// The kept events answer a catch-up only when they follow on from it without a gap; a
    /// reload forgets them, and the oldest go first.
    #[test]
    fn recent_events_answer_only_without_a_gap() {
        let mut r = Recent::default();
        for n in 10..20 {
            r.push(&ev(n, n + 1), 100);
        }
        let (events, complete) = r.since(15, 20);
        assert!(complete);
        assert_eq!(events.len(), 5);
        assert_eq!(events[0].delta.as_ref().map(|d| d.from), Some(15));
        // Older than what is kept, or behind a write still in flight: not complete.
        assert!(!r.since(5, 20).1);
        assert!(!r.since(15, 21).1);
        // A reload: nothing before it can be applied.
        r.push(
            &Event {
                audit_len: 20,
                reload: true,
                ..Event::default()
            },
            0,
        );
        assert!(!r.since(15, 20).1);
        for n in 20..(20 + RECENT_EVENTS as u64 + 10) {
            r.push(&ev(n, n + 1), 10);
        }
        assert_eq!(r.events.len(), RECENT_EVENTS);
        assert!(!r.since(20, 20 + RECENT_EVENTS as u64 + 10).1);
        assert!(r.since(30, 20 + RECENT_EVENTS as u64 + 10).1);
    }
}
