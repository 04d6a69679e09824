//! Distributions of durations (handle time, patience): fixed, exponential, uniform, log-normal,
//! gamma, and empirical — observed durations from a CSV, resampled — as a WFM analyst fits them
//! to what the ACD recorded.
//!
//! Every family is a scale family, so a forecast's AHT per interval moves the mean and keeps the
//! shape (the coefficient of variation).

use crate::time::{MICROS_PER_SEC, Micros};
use std::sync::Arc;

/// A distribution of durations.
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    Fixed(Micros),
    Exponential {
        mean: Micros,
    },
    Uniform {
        lo: Micros,
        hi: Micros,
    },
    /// Log-normal with this mean and standard deviation (of the duration itself, not its log).
    LogNormal {
        mean: Micros,
        sd: Micros,
    },
    /// Gamma with this mean and standard deviation (shape (mean/sd)², scale sd²/mean): between
    /// exponential (sd = mean) and nearly fixed (small sd), the usual fit for talk time.
    Gamma {
        mean: Micros,
        sd: Micros,
    },
    /// Observed durations, each drawn with equal probability (shared, not copied, between the
    /// runs of one command).
    Empirical(Arc<Empirical>),
}

/// Durations observed, such as a day of handle times exported from the ACD.
#[derive(Debug, Clone, PartialEq)]
pub struct Empirical {
    /// The file they came from, for reports.
    pub file: String,
    /// Never empty.
    pub values: Vec<Micros>,
    pub mean: Micros,
}

impl Empirical {
    /// `None` when `values` is empty.
    pub fn new(file: String, values: Vec<Micros>) -> Option<Empirical> {
        if values.is_empty() {
            return None;
        }
        let mean = (values.iter().map(|&v| v as f64).sum::<f64>() / values.len() as f64).round() as Micros;
        Some(Empirical { file, values, mean })
    }
}

impl Dist {
    /// One draw. `u` returns uniform numbers in `[0, 1)`; exponential, uniform and empirical take
    /// one, log-normal two (Box–Muller), gamma three or more (Marsaglia–Tsang), fixed none. The
    /// result is rounded to whole microseconds and is never negative.
    pub fn sample(&self, u: &mut dyn FnMut() -> f64) -> Micros {
        let x = match self {
            Dist::Fixed(m) => return (*m).max(0),
            Dist::Exponential { mean } => -(*mean as f64) * (1.0 - u()).ln(),
            Dist::Uniform { lo, hi } => *lo as f64 + u() * (hi - lo) as f64,
            Dist::LogNormal { mean, sd } => {
                let (mu, sigma) = lognormal_params(*mean as f64, *sd as f64);
                (mu + sigma * normal(u)).exp()
            }
            Dist::Gamma { mean, sd } => {
                let (mean, sd) = ((*mean as f64).max(f64::MIN_POSITIVE), (*sd as f64).max(f64::MIN_POSITIVE));
                let shape = (mean / sd).powi(2);
                gamma_unit(shape, u) * sd * sd / mean
            }
            Dist::Empirical(e) => return e.values[pick(e.values.len(), u())],
        };
        // `as` saturates (and maps NaN to 0), so an extreme draw cannot wrap.
        (x.round() as Micros).max(0)
    }

    /// One draw of this shape with its mean moved to `mean` ([`Dist::with_mean`]), without
    /// copying an empirical sample: its draw is scaled instead.
    pub fn sample_at_mean(&self, mean: Micros, u: &mut dyn FnMut() -> f64) -> Micros {
        match self {
            Dist::Empirical(e) => {
                let x = e.values[pick(e.values.len(), u())];
                if e.mean <= 0 {
                    mean
                } else {
                    ((x as f64) * (mean as f64) / (e.mean as f64)).round() as Micros
                }
            }
            other => other.with_mean(mean).sample(u),
        }
    }

    /// The mean.
    pub fn mean(&self) -> Micros {
        match self {
            Dist::Fixed(m) => *m,
            Dist::Exponential { mean } | Dist::LogNormal { mean, .. } | Dist::Gamma { mean, .. } => *mean,
            Dist::Uniform { lo, hi } => lo + (hi - lo) / 2,
            Dist::Empirical(e) => e.mean,
        }
    }

    /// The same family with its mean moved to `mean`, keeping the shape (the coefficient of
    /// variation): fixed → fixed, exponential → exponential, the others scaled.
    pub fn with_mean(&self, mean: Micros) -> Dist {
        let old = self.mean();
        let scale = |v: Micros| {
            if old <= 0 { mean } else { ((v as f64) * (mean as f64) / (old as f64)).round() as Micros }
        };
        match self {
            Dist::Fixed(_) => Dist::Fixed(mean),
            Dist::Exponential { .. } => Dist::Exponential { mean },
            Dist::Uniform { lo, hi } => {
                if old <= 0 {
                    Dist::Uniform { lo: mean, hi: mean }
                } else {
                    Dist::Uniform { lo: scale(*lo), hi: scale(*hi) }
                }
            }
            Dist::LogNormal { sd, .. } => Dist::LogNormal { mean, sd: if old <= 0 { 0 } else { scale(*sd) } },
            Dist::Gamma { sd, .. } => Dist::Gamma { mean, sd: if old <= 0 { mean } else { scale(*sd) } },
            Dist::Empirical(e) => Dist::Empirical(Arc::new(Empirical {
                file: e.file.clone(),
                values: e.values.iter().map(|&v| scale(v)).collect(),
                mean,
            })),
        }
    }

    /// The standard deviation, in seconds (for reports and tests).
    pub fn sd_secs(&self) -> f64 {
        let s = |m: Micros| m as f64 / MICROS_PER_SEC as f64;
        match self {
            Dist::Fixed(_) => 0.0,
            Dist::Exponential { mean } => s(*mean),
            Dist::Uniform { lo, hi } => s(hi - lo) / 12f64.sqrt(),
            Dist::LogNormal { sd, .. } | Dist::Gamma { sd, .. } => s(*sd),
            Dist::Empirical(e) => {
                let m = e.mean as f64;
                let var =
                    e.values.iter().map(|&v| (v as f64 - m).powi(2)).sum::<f64>() / e.values.len() as f64;
                var.sqrt() / MICROS_PER_SEC as f64
            }
        }
    }
}

/// An index below `n` from a uniform draw in `[0, 1)`.
fn pick(n: usize, u: f64) -> usize {
    ((u * n as f64) as usize).min(n - 1)
}

/// A standard normal draw (Box–Muller, two uniforms; `ln` never sees 0).
fn normal(u: &mut dyn FnMut() -> f64) -> f64 {
    let u1 = 1.0 - u();
    let u2 = u();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A Gamma(shape, 1) draw: Marsaglia and Tsang's squeeze (2000), with the boost
/// Gamma(k) = Gamma(k + 1)·U^(1/k) for shapes below 1.
fn gamma_unit(shape: f64, u: &mut dyn FnMut() -> f64) -> f64 {
    if !shape.is_finite() || shape <= 0.0 {
        return 1.0;
    }
    if shape < 1.0 {
        return gamma_unit(shape + 1.0, u) * u().powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    // Each round accepts with probability above 0.95; the cap only guards against a broken `u`.
    for _ in 0..1000 {
        let x = normal(u);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let w = u();
        if w < 1.0 - 0.0331 * x.powi(4) || w.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
    d
}

/// `(μ, σ)` of the underlying normal for a log-normal with this mean and standard deviation.
fn lognormal_params(mean: f64, sd: f64) -> (f64, f64) {
    let mean = mean.max(f64::MIN_POSITIVE);
    let s2 = (1.0 + (sd * sd) / (mean * mean)).ln();
    (mean.ln() - s2 / 2.0, s2.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed-seed xorshift stream for the moment checks.
    fn stream() -> impl FnMut() -> f64 {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut u = stream();
        let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut u) as f64).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt())
    }

    #[test]
    fn gamma_draws_have_the_mean_and_sd_asked_for() {
        for (mean, sd) in [(300.0, 150.0), (300.0, 600.0), (60.0, 10.0)] {
            let d = Dist::Gamma { mean: (mean * 1e6) as Micros, sd: (sd * 1e6) as Micros };
            let (m, s) = moments(&d, 200_000);
            assert!((m / 1e6 / mean - 1.0).abs() < 0.02, "mean {m} for {mean}");
            assert!((s / 1e6 / sd - 1.0).abs() < 0.04, "sd {s} for {sd}");
        }
    }

    #[test]
    fn empirical_draws_resample_the_observations() {
        let e = Empirical::new("t.csv".into(), vec![10, 20, 30, 40]).unwrap();
        assert_eq!(e.mean, 25);
        let d = Dist::Empirical(Arc::new(e));
        let mut u = stream();
        let mut seen = [0usize; 4];
        for _ in 0..40_000 {
            let x = d.sample(&mut u);
            seen[(x / 10 - 1) as usize] += 1;
        }
        assert!(seen.iter().all(|&c| (9_000..11_000).contains(&c)), "{seen:?}");
        // Moved to mean 50: every observation doubled, by copy or by scaled draw.
        assert_eq!(d.with_mean(50).mean(), 50);
        let mut one = || 0.99;
        assert_eq!(d.sample_at_mean(50, &mut one), 80);
        assert!(Empirical::new("t.csv".into(), vec![]).is_none());
    }
}
