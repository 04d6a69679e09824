//! Group commit for creations. Every create (single, batch item, Webex or Genesys) is handed to
//! one writer thread, which takes whatever has queued up while the previous group was being
//! written, runs each through the one create path ([`create_stored`], its CB rules under the
//! write lock) in one transaction — each creation in its own savepoint — and commits once. A
//! commit is one fsync, so many concurrent creations cost about one fsync together, and none is
//! answered before the commit that made it durable has returned.

use crate::callbacks::store::{AnyStore, CallbackStore, StoreError};
use crate::callbacks::{CreateError, Created, ScheduleRequest, create_stored};
use crate::model::center::CallbackSettings;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// Most creations in one commit: bounds the time the store is held for reads.
const GROUP_MAX: usize = 256;

/// What a creation comes back with.
pub type Outcome = Result<Created, CreateError>;

struct Job {
    req: ScheduleRequest,
    settings: CallbackSettings,
    reply: oneshot::Sender<Outcome>,
}

/// The sending side; the thread ends when the last sender is dropped.
#[derive(Debug)]
pub struct Writer {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl Writer {
    /// Starts the writer thread over `store`.
    pub fn start(store: Arc<Mutex<AnyStore>>) -> Writer {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("callwright-writer".into())
            .spawn(move || run(&store, &rx))
            .expect("a thread can be started");
        Writer { jobs: Mutex::new(tx) }
    }

    /// Queues a creation; the answer arrives once its group is committed (or refused).
    pub fn submit(&self, req: ScheduleRequest, settings: CallbackSettings) -> oneshot::Receiver<Outcome> {
        let (reply, rx) = oneshot::channel();
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        // A stopped writer drops the job, and with it `reply`: the receiver then reports it.
        let _ = jobs.send(Job { req, settings, reply });
        rx
    }
}

fn run(store: &Mutex<AnyStore>, rx: &mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < GROUP_MAX {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let outcomes = write_group(store, &group);
        for (job, outcome) in group.into_iter().zip(outcomes) {
            // The client may have gone; the callback is stored either way.
            let _ = job.reply.send(outcome);
        }
    }
}

fn write_group(store: &Mutex<AnyStore>, group: &[Job]) -> Vec<Outcome> {
    let failed = |e: &dyn std::fmt::Display| {
        group
            .iter()
            .map(|_| Err(CreateError::Store(StoreError::Invalid(format!("nothing was stored: {e}")))))
            .collect()
    };
    let mut store = match store.lock() {
        Ok(s) => s,
        Err(_) => return failed(&"the store lock was poisoned"),
    };
    if let Err(e) = store.begin_group() {
        return failed(&e);
    }
    let now = chrono::Utc::now();
    let outcomes: Vec<Outcome> =
        group.iter().map(|j| create_stored(&mut *store, &j.req, &j.settings, now)).collect();
    match store.commit_group() {
        Ok(()) => outcomes,
        Err(e) => failed(&e),
    }
}
