//! `GET /metrics` in the Prometheus text format: HTTP requests and their latency per route,
//! release lateness (how long after its due time the dispatcher released a callback), and the
//! stored callbacks by state (counted when scraped).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds of the histogram buckets, in seconds (1 ms to 10 s: the range where an API
/// request or a release can sit; slower lands in `+Inf`).
const BOUNDS: [f64; 12] = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// A cumulative-bucket histogram as Prometheus wants it.
#[derive(Debug, Clone, Default)]
struct Histogram {
    /// Observations at or below each bound (not yet cumulative).
    buckets: [u64; BOUNDS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if let Some(i) = BOUNDS.iter().position(|b| secs <= *b) {
            self.buckets[i] += 1;
        }
        self.count += 1;
        self.sum += secs;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        let mut running = 0;
        for (bound, n) in BOUNDS.iter().zip(self.buckets) {
            running += n;
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {running}");
        }
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}", self.count);
        let _ = writeln!(out, "{name}_sum{{{labels}}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{labels}}} {}", self.count);
    }
}

/// What the service counts while it runs.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Per (method, route, status): requests answered.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// Per (method, route): time to answer.
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    /// Seconds from a callback's due time to its release by the dispatcher.
    lateness: Mutex<Histogram>,
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, secs: f64) {
        let key = (method.to_string(), route.to_string());
        *lock(&self.requests).entry((key.0.clone(), key.1.clone(), status)).or_default() += 1;
        lock(&self.latency).entry(key).or_default().observe(secs);
    }

    pub fn released(&self, late_secs: f64) {
        lock(&self.lateness).observe(late_secs.max(0.0));
    }

    /// The exposition text; `by_state` is the store's count of callbacks per state.
    pub fn render(&self, by_state: &[(String, u64)]) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP callwright_callbacks Stored callbacks by state.\n# TYPE callwright_callbacks gauge\n",
        );
        for (state, n) in by_state {
            let _ = writeln!(out, "callwright_callbacks{{state=\"{state}\"}} {n}");
        }
        out.push_str("# HELP callwright_http_requests_total HTTP requests answered.\n# TYPE callwright_http_requests_total counter\n");
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "callwright_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP callwright_http_request_duration_seconds Time to answer an HTTP request.\n# TYPE callwright_http_request_duration_seconds histogram\n");
        for ((method, route), h) in lock(&self.latency).iter() {
            h.write(
                &mut out,
                "callwright_http_request_duration_seconds",
                &format!("method=\"{method}\",route=\"{route}\""),
            );
        }
        out.push_str("# HELP callwright_release_lateness_seconds From a callback's due time to its release.\n# TYPE callwright_release_lateness_seconds histogram\n");
        lock(&self.lateness).write(&mut out, "callwright_release_lateness_seconds", "");
        out
    }
}

/// A poisoned counter lock still holds usable counts.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
