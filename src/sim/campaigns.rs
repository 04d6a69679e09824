//! Outbound campaigns in a simulation: each contact of a campaign's list is a callback of the
//! campaign's queue (the one callback pipeline: scheduler, ACD, dialler, outbound flow), served in
//! the campaign's dialling mode within its calling hours, beside the inbound traffic the same
//! agents may take (blending).
//!
//! The modes map onto the pipeline's two ways of serving a callback:
//! - **preview**: agent-first; the agent is reserved, reads the record (`preview`, at most the
//!   people's `dial_after`), then dials — no abandoned calls, the agent idle while it rings;
//! - **push preview**: agent-first with an offer the agent accepts or rejects (`callbacks.agents`);
//! - **progressive**: customer-first, one dial per free agent; an answered customer is connected
//!   to the next free agent, or abandoned after 2 s if none is (an inbound call took them);
//! - **predictive**: customer-first, with as many dials in progress as keep the expected
//!   abandoned / answered (answers beyond the free agents, from the binomial of the dials at the
//!   observed answer rate) at a planned level; every 10 s a pacer lowers the plan when the last 15
//!   minutes' measured abandonment nears `max_abandon` and raises it back towards the target when
//!   it is well under — so the measured abandonment holds under the target while more agents are
//!   kept talking than one dial per free agent allows.
//!
//! Campaign records wait below inbound callers (priority −1): blended agents take a waiting
//! caller first.

use super::report::{CampaignInterval, CampaignReport, round6};
use super::scenario::{Campaign, CampaignList, Traffic};
use crate::acd::QueueId;
use crate::callbacks::State;
use crate::callbacks::live::LiveCallback;
use crate::model::center::CallbackSettings;
use crate::model::{CAMPAIGN_PRIORITY, DialMode};
use crate::runtime::{Engine, NoTrace, Runtime, VirtualRuntime};
use crate::time::{MICROS_PER_SEC, Micros};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Sets each campaign's queue up for its mode; answers the queues, in the campaigns' order.
pub fn configure(
    engine: &mut Engine<VirtualRuntime>,
    campaigns: &[Campaign],
) -> Result<Vec<QueueId>, String> {
    let mut queues = Vec::with_capacity(campaigns.len());
    for c in campaigns {
        let q = engine.acd.borrow().queue_id(&c.queue).ok_or_else(|| {
            format!("campaign `{}` names queue `{}`, which center.yaml does not declare", c.name, c.queue)
        })?;
        if queues.contains(&q) {
            return Err(format!(
                "campaign `{}` shares queue `{}` with another campaign; give each its own",
                c.name, c.queue
            ));
        }
        let mut s = CallbackSettings::clone(engine.callback_side.settings(q));
        c.mode.apply(&mut s, i64::from(c.attempts), c.retry / MICROS_PER_SEC, c.preview / MICROS_PER_SEC);
        engine.callback_side.set_settings(q, s);
        queues.push(q);
    }
    Ok(queues)
}

/// The virtual time of local `tod` (seconds since midnight) on the run's first day, clamped to 0.
fn at_time_of_day(traffic: &Traffic, tod: u32) -> Micros {
    use chrono::Timelike;
    let start = i64::from(traffic.start.num_seconds_from_midnight());
    ((i64::from(tod) - start) * MICROS_PER_SEC).max(0)
}

/// The part of `[open, close)` (the campaign's hours, virtual time) in which `number` of
/// `contact` may be called: its callable hours in the contact's zone (UTC without one) on the
/// run's first day. Empty (`from >= to`) when they do not meet.
fn callable(
    traffic: &Traffic,
    contact: &crate::callbacks::contact::Contact,
    number: &crate::callbacks::contact::ContactNumber,
    open: Micros,
    close: Micros,
) -> (Micros, Micros) {
    use chrono::TimeZone;
    let Some(hours) = number.hours else { return (open, close) };
    let Some(run_start) = traffic.timezone.from_local_datetime(&traffic.start).earliest() else {
        return (open, open);
    };
    let zone: chrono_tz::Tz =
        contact.timezone.as_deref().and_then(|z| z.parse().ok()).unwrap_or(chrono_tz::UTC);
    // The contact's local date when the run starts, and the instants of its hours that day.
    let date = run_start.with_timezone(&zone).date_naive();
    let at = |t: chrono::NaiveTime| {
        zone.from_local_datetime(&date.and_time(t)).earliest().map(|i| {
            (i.with_timezone(&chrono::Utc) - run_start.with_timezone(&chrono::Utc)).num_microseconds()
        })
    };
    match (at(hours.from), at(hours.to)) {
        (Some(Some(from)), Some(Some(to))) => (open.max(from), close.min(to)),
        _ => (open, open),
    }
}

/// Puts every contact of every campaign in the scheduler, due when the calling hours open and
/// expiring when they close, and starts the predictive pacers. Answers how many contacts of each
/// campaign were scheduled (a listed contact whose callable hours miss the campaign's is not).
pub fn start(
    engine: &Rc<Engine<VirtualRuntime>>,
    campaigns: &[Campaign],
    queues: &[QueueId],
    traffic: &Traffic,
) -> Vec<usize> {
    let mut scheduled = Vec::with_capacity(campaigns.len());
    for (k, (c, &q)) in campaigns.iter().zip(queues).enumerate() {
        let (open, close) = (at_time_of_day(traffic, c.hours.0), at_time_of_day(traffic, c.hours.1));
        let mode = engine.callback_side.settings(q).mode;
        // Each contact: its number, name and the part of the calling hours it may be called in.
        let dials: Vec<(String, String, Micros, Micros)> = match &c.contacts {
            CampaignList::Generated(n) => (1..=*n)
                // A distinct mobile range per campaign, apart from the inbound callers' +3161….
                .map(|i| (format!("+316{}{i:07}", 2 + k % 8), String::new(), open, close))
                .collect(),
            CampaignList::File(list) => list
                .iter()
                .filter_map(|contact| {
                    contact.numbers.iter().find_map(|n| {
                        let (from, to) = callable(traffic, contact, n, open, close);
                        (from < to).then(|| (n.number.clone(), contact.name.clone(), from, to))
                    })
                })
                .collect(),
        };
        scheduled.push(dials.len());
        for (i, (number, name, open, close)) in dials.into_iter().enumerate() {
            let cb = LiveCallback {
                id: Rc::from(format!("{}-{}", c.name, i + 1)),
                book_id: None,
                number,
                name,
                data: Default::default(),
                queue: q,
                mode,
                max_attempts: c.attempts,
                attempts_made: 0,
                retry_every: c.retry,
                owner: None,
                owner_until: None,
                window_end: Some(close),
                due: open,
                key: None,
                entry: None,
                skills: crate::acd::SkillSet::EMPTY,
                // Blending: a waiting inbound caller goes before a campaign record.
                priority: CAMPAIGN_PRIORITY,
                ready_at: open,
                state: State::Scheduled,
            };
            crate::runtime::callback_lifecycle::spawn(engine, cb, NoTrace);
        }
        if c.mode == DialMode::Predictive {
            let (engine, target) = (engine.clone(), c.max_abandon);
            let rt = engine.runtime().clone();
            rt.clone().spawn(async move {
                rt.sleep_until(open).await;
                crate::runtime::predictive_pacer::pace(&engine, q, target, close).await;
            });
        }
    }
    scheduled
}

/// Each campaign's figures at the end of the run.
pub fn report(
    engine: &Engine<VirtualRuntime>,
    campaigns: &[Campaign],
    queues: &[QueueId],
    traffic: &Traffic,
    scheduled: &[usize],
) -> BTreeMap<String, CampaignReport> {
    let stats = engine.callback_side.stats.borrow();
    let mut out = BTreeMap::new();
    for (k, (c, &q)) in campaigns.iter().zip(queues).enumerate() {
        let d = stats.queue(q.index()).cloned().unwrap_or_default();
        let hours = f64::from(c.hours.1.saturating_sub(c.hours.0)) / 3600.0;
        let per_hour = |n: u64| if hours > 0.0 { round6(n as f64 / hours) } else { 0.0 };
        let share = |n: u64, of: u64| if of == 0 { 0.0 } else { round6(n as f64 / of as f64) };
        let per_interval = d
            .intervals
            .iter()
            .enumerate()
            .filter(|(_, (dials, _, _))| *dials > 0)
            .map(|(i, &(dials, answered, abandoned))| CampaignInterval {
                start: traffic.interval_label(i),
                dials,
                answered,
                abandoned,
                abandon_rate: share(abandoned, answered),
            })
            .collect();
        out.insert(
            c.name.clone(),
            CampaignReport {
                mode: c.mode.as_str().to_string(),
                contacts: c.contacts.len() as u64,
                not_callable: c.contacts.len().saturating_sub(scheduled.get(k).copied().unwrap_or(0)) as u64,
                dials: d.dials,
                answered: d.answered,
                machine: d.machine,
                busy: d.busy,
                no_answer: d.no_answer,
                right_party_contacts: d.connected,
                abandoned: d.abandoned,
                abandon_rate: share(d.abandoned, d.answered),
                dials_per_hour: per_hour(d.dials),
                contacts_per_hour: per_hour(d.connected),
                dials_per_free_agent_peak: round6(engine.callback_side.pacing_peak(q)),
                per_interval,
            },
        );
    }
    out
}

/// The comparison of dialling modes an operations manager makes: one run per mode (`runs`, in
/// mode order), each campaign's contacts per hour, abandonment (the day's and the worst
/// interval's), the agents' occupancy, and the inbound service level the blending leaves.
pub fn compare_text(runs: &[(DialMode, super::report::Report)]) -> String {
    use std::fmt::Write;
    let pct = |x: f64| format!("{:.2}%", x * 100.0);
    let mut s = String::new();
    let names: Vec<&String> = runs.first().map(|(_, r)| r.campaigns.keys().collect()).unwrap_or_default();
    for name in names {
        let _ = writeln!(s, "Campaign {name}: one run per dialling mode (the same seed)");
        let _ = writeln!(
            s,
            "  {:<13} {:>7} {:>9} {:>8} {:>9} {:>9} {:>11} {:>10} {:>10}",
            "mode", "dials", "dials/h", "RPC", "RPC/h", "abandon", "worst 30m", "occupancy", "inbound SL"
        );
        for (mode, r) in runs {
            let Some(c) = r.campaigns.get(name) else { continue };
            let worst = c.per_interval.iter().map(|i| i.abandon_rate).fold(0.0, f64::max);
            let occupancy = if r.per_group.is_empty() {
                r.occupancy
            } else {
                let (talk, time): (f64, f64) = r.per_group.values().fold((0.0, 0.0), |(t, a), g| {
                    (
                        t + g.talk_seconds,
                        a + if g.occupancy > 0.0 { g.talk_seconds / g.occupancy } else { 0.0 },
                    )
                });
                if time > 0.0 { talk / time } else { 0.0 }
            };
            let _ = writeln!(
                s,
                "  {:<13} {:>7} {:>9.1} {:>8} {:>9.1} {:>9} {:>11} {:>10} {:>10}",
                mode.as_str(),
                c.dials,
                c.dials_per_hour,
                c.right_party_contacts,
                c.contacts_per_hour,
                pct(c.abandon_rate),
                pct(worst),
                pct(occupancy),
                super::report::or_dash(r.service_level.answered_within_over_offered, pct)
            );
        }
        let _ = writeln!(s);
    }
    s.push_str(
        "RPC: right-party contacts (answered and connected with an agent). Abandon: answered customers no agent took within 2 s.\n",
    );
    s
}
