//! Prometheus text metrics, kept by hand: request counts and durations per
//! route and status, screenings, queue rejections and alerts.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the request-duration histogram buckets.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0, 30.0];

#[derive(Default)]
struct RouteStats {
    by_status: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum_seconds: f64,
}

/// Counters of the server.
#[derive(Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
    screenings: AtomicU64,
    rejections: AtomicU64,
    alerts: AtomicU64,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, route: &str, status: u16, elapsed: Duration) {
        let mut routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        let stats = routes.entry(route.to_string()).or_default();
        *stats.by_status.entry(status).or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        for (bucket, bound) in stats.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        stats.count += 1;
        stats.sum_seconds += seconds;
    }

    /// Counts screened names.
    pub fn count_screenings(&self, n: u64) {
        self.screenings.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts a request turned away because the queue was full.
    pub fn count_rejection(&self) {
        self.rejections.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts raised alerts.
    pub fn count_alerts(&self, n: u64) {
        self.alerts.fetch_add(n, Ordering::Relaxed);
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self, entities: Option<usize>) -> String {
        let mut out = String::new();
        let routes = self.routes.lock().unwrap_or_else(|p| p.into_inner());
        out.push_str("# HELP cordon_http_requests_total HTTP requests by route and status.\n");
        out.push_str("# TYPE cordon_http_requests_total counter\n");
        for (route, stats) in routes.iter() {
            for (status, n) in &stats.by_status {
                let _ = writeln!(
                    out,
                    "cordon_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP cordon_http_request_duration_seconds Time to the response head, by route.\n",
        );
        out.push_str("# TYPE cordon_http_request_duration_seconds histogram\n");
        for (route, stats) in routes.iter() {
            for (n, bound) in stats.buckets.iter().zip(BUCKETS) {
                let _ = writeln!(
                    out,
                    "cordon_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "cordon_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                stats.count
            );
            let _ = writeln!(
                out,
                "cordon_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                stats.sum_seconds
            );
            let _ = writeln!(
                out,
                "cordon_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                stats.count
            );
        }
        let counters = [
            (
                "cordon_screenings_total",
                "Names screened (single, batch, match and rescreen).",
                &self.screenings,
            ),
            (
                "cordon_queue_rejections_total",
                "Requests turned away with 503 because the CPU queue was full.",
                &self.rejections,
            ),
            (
                "cordon_alerts_raised_total",
                "Alerts raised by rescreening customers.",
                &self.alerts,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        out.push_str(
            "# HELP cordon_index_entities Entities in the screening index (absent until ready).\n",
        );
        out.push_str("# TYPE cordon_index_entities gauge\n");
        if let Some(n) = entities {
            let _ = writeln!(out, "cordon_index_entities {n}");
        }
        out
    }
}

/// The typology monitor's counters since it started (restored windows
/// included), in the Prometheus text format: transfers observed, taken late,
/// too late to evaluate (each also stored as an alert for a person) and
/// repeated deliveries not counted again.
pub fn monitor_lines(stats: &cordon_monitor::Stats) -> String {
    let counters = [
        (
            "cordon_monitor_transfers_observed_total",
            "Transfers the typology rules observed (repeats and too-late ones included).",
            stats.observed,
        ),
        (
            "cordon_monitor_transfers_late_total",
            "Transfers older than the latest seen, evaluated at their own time.",
            stats.late,
        ),
        (
            "cordon_monitor_transfers_too_late_total",
            "Transfers beyond the lateness bound: not evaluated, stored as alerts for review.",
            stats.too_late,
        ),
        (
            "cordon_monitor_transfers_repeated_total",
            "Repeated deliveries of a transfer already observed: not counted again.",
            stats.duplicates,
        ),
    ];
    let mut out = String::new();
    for (name, help, value) in counters {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
        );
    }
    out
}
