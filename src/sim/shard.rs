//! `simulate --shard K/N` and `callwright merge`: one command's runs (replications, or sweep
//! points × replications) split into N independent pieces, each run anywhere — a Kubernetes
//! Indexed Job, a Slurm job array — and merged into the report one machine would have printed.
//!
//! The runs are numbered point by point, replication by replication (`point × replications +
//! replication`); shard K of N takes every run whose number is K − 1 modulo N, so shards are the
//! same size within one run. Each run keeps the seed it has in the unsharded command
//! ([`replication_seed`]), and a shard file holds each run's whole report (its histograms already
//! reduced to the reported figures, which is all the summary reads), so the merge is exact: the
//! same bytes as `--replications N` on one machine (`tests/replications.rs`).
//!
//! A shard file carries a fingerprint of the scenario as run (overrides, forecast and seed
//! included; the project's folder left out, since shards may mount it elsewhere), so shards of
//! different scenarios are refused, as are missing and repeated pieces.

use super::replications::{replication_seed, run_all};
use super::report::Report;
use super::scenario::Scenario;
use super::sweep::Sweep;
use crate::project::CheckedProject;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The file format's version, written in every shard file.
pub const SHARD_FORMAT: u32 = 1;

/// The most shards one command splits into.
pub const SHARDS_MAX: u32 = 100_000;

/// Shard `k` (1-based) of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

/// Reads `K/N` (1 ≤ K ≤ N).
pub fn parse_shard(text: &str) -> Result<Shard, String> {
    let (k, n) = text.split_once('/').ok_or("write K/N, e.g. 3/8 for the third of eight shards")?;
    let number =
        |s: &str| s.trim().parse::<u32>().map_err(|_| format!("`{}` is not a whole number", s.trim()));
    let (k, n) = (number(k)?, number(n)?);
    if n == 0 || n > SHARDS_MAX {
        return Err(format!("the number of shards must be 1 to {SHARDS_MAX}, got {n}"));
    }
    if k == 0 || k > n {
        return Err(format!("shard {k} of {n} does not exist: K counts from 1 to N"));
    }
    Ok(Shard { k, n })
}

/// One run of a shard: which sweep point (its value) and replication, its seed and its report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardRun {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<u32>,
    pub replication: u32,
    pub seed: u64,
    pub report: Report,
}

/// What `simulate --shard K/N` writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardFile {
    pub callwright_shard: u32,
    /// The scenario file as named on the command line (the report's title).
    pub scenario: String,
    /// Of the scenario as run; equal in every shard of one command.
    pub fingerprint: String,
    /// The scenario's seed (replication 0's).
    pub seed: u64,
    pub replications: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
    pub shard: Shard,
    pub runs: Vec<ShardRun>,
}

impl ShardFile {
    /// Everything but the runs.
    fn clone_header(&self) -> ShardFile {
        ShardFile {
            callwright_shard: self.callwright_shard,
            scenario: self.scenario.clone(),
            fingerprint: self.fingerprint.clone(),
            seed: self.seed,
            replications: self.replications,
            sweep: self.sweep.clone(),
            shard: self.shard,
            runs: Vec::new(),
        }
    }
}

/// The sweep of a sharded sweep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepSpec {
    pub variable: String,
    pub values: Vec<u32>,
}

/// FNV-1a of the scenario as run: stable across machines and builds (std's hasher is not
/// promised to be).
pub fn fingerprint(scenario: &Scenario) -> String {
    let mut sc = scenario.clone();
    sc.project = Default::default();
    // Data actions sit in a HashMap, whose Debug order changes from process to process.
    let mut actions: Vec<String> = sc.data_actions.drain().map(|(k, v)| format!("{k}={v:?}")).collect();
    actions.sort();
    let text = format!("{sc:?}{actions:?}");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Runs shard `shard` of the command's runs: `replications` of `scenario`, at each point of
/// `sweep` when there is one.
pub fn run_shard(
    scenario: &Scenario,
    scenario_name: &str,
    sweep: Option<&Sweep>,
    replications: u32,
    shard: Shard,
    threads: usize,
    load: &(dyn Fn() -> Result<CheckedProject, String> + Sync),
) -> Result<ShardFile, String> {
    let points: Vec<Option<u32>> = match sweep {
        Some(s) => s.values.iter().map(|&v| Some(v)).collect(),
        None => vec![None],
    };
    let mut mine = Vec::new();
    for (p, &point) in points.iter().enumerate() {
        for i in 0..replications {
            let number = p as u64 * u64::from(replications) + u64::from(i);
            if number % u64::from(shard.n) == u64::from(shard.k - 1) {
                mine.push((point, i));
            }
        }
    }
    let runs: Vec<Scenario> = mine
        .iter()
        .map(|&(point, i)| {
            let sc = scenario.clone().with_seed(replication_seed(scenario.seed, i));
            match (point, sweep) {
                (Some(v), Some(s)) => s.apply(&sc, v),
                _ => sc,
            }
        })
        .collect();
    let reports = run_all(&runs, threads, load)?;
    Ok(ShardFile {
        callwright_shard: SHARD_FORMAT,
        scenario: scenario_name.to_string(),
        fingerprint: fingerprint(scenario),
        seed: scenario.seed,
        replications,
        sweep: sweep.map(|s| SweepSpec { variable: s.variable.clone(), values: s.values.clone() }),
        shard,
        runs: mine
            .iter()
            .zip(&runs)
            .zip(reports)
            .map(|((&(point, replication), sc), report)| ShardRun {
                point,
                replication,
                seed: sc.seed,
                report,
            })
            .collect(),
    })
}

/// Shards put back together: the reports of each point in replication order.
#[derive(Debug, Clone)]
pub struct Merged {
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    pub sweep: Option<Sweep>,
    /// Per point (one `None` point without a sweep), the reports in replication order.
    pub points: Vec<(Option<u32>, Vec<Report>)>,
}

/// Merges shard files (`(name, text)`), refusing files that are not shards, shards of different
/// commands, and missing or repeated pieces — each error names the file.
pub fn merge(files: &[(String, String)]) -> Result<Merged, String> {
    let mut shards: Vec<(String, ShardFile)> = Vec::new();
    for (name, text) in files {
        let probe: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{name}:{}:{}: not JSON: {e}", e.line(), e.column()))?;
        match probe.get("callwright_shard").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(SHARD_FORMAT) => {}
            Some(v) => {
                return Err(format!(
                    "{name}: a shard file of format {v}; this build reads format {SHARD_FORMAT}"
                ));
            }
            None => {
                return Err(format!(
                    "{name}: not a shard file (no `callwright_shard`); write them with `simulate --shard K/N --out FILE`"
                ));
            }
        }
        let file: ShardFile =
            serde_json::from_value(probe).map_err(|e| format!("{name}: a malformed shard file: {e}"))?;
        shards.push((name.clone(), file));
    }
    let Some((first_name, first)) = shards.first() else { return Err("no shard files given".into()) };
    // The first shard's header, which every other shard must share (its runs are not copied).
    let (first_name, first) = (first_name.clone(), first.clone_header());
    for (name, s) in &shards[1..] {
        let same = s.fingerprint == first.fingerprint
            && s.replications == first.replications
            && s.sweep == first.sweep
            && s.shard.n == first.shard.n;
        if !same {
            return Err(format!(
                "{name} and {first_name} are shards of different runs (scenario, overrides, replications, sweep or shard count differ)"
            ));
        }
    }
    let mut seen_shards = BTreeMap::new();
    for (name, s) in &shards {
        if let Some(other) = seen_shards.insert(s.shard.k, name) {
            return Err(format!("{name} and {other} are both shard {}/{}", s.shard.k, s.shard.n));
        }
    }
    let n = first.shard.n;
    let missing: Vec<String> =
        (1..=n).filter(|k| !seen_shards.contains_key(k)).map(|k| format!("{k}/{n}")).collect();
    if !missing.is_empty() {
        return Err(format!("missing shards: {} (each shard K/N must be given once)", missing.join(", ")));
    }
    let values: Vec<Option<u32>> = match &first.sweep {
        Some(s) => s.values.iter().map(|&v| Some(v)).collect(),
        None => vec![None],
    };
    let mut slots: BTreeMap<(usize, u32), Report> = BTreeMap::new();
    for (name, s) in shards {
        for run in s.runs {
            let p = values.iter().position(|v| *v == run.point).ok_or_else(|| {
                format!("{name}: a run at a sweep point the sweep does not have ({:?})", run.point)
            })?;
            if run.replication >= first.replications
                || run.seed != replication_seed(first.seed, run.replication)
            {
                return Err(format!("{name}: replication {} does not belong to this run", run.replication));
            }
            if slots.insert((p, run.replication), run.report).is_some() {
                return Err(format!("{name}: replication {} appears twice", run.replication));
            }
        }
    }
    let mut points = Vec::with_capacity(values.len());
    for (p, v) in values.iter().enumerate() {
        let mut reports = Vec::with_capacity(first.replications as usize);
        for i in 0..first.replications {
            let report = slots.remove(&(p, i)).ok_or_else(|| {
                format!("replication {i}{} is in no shard", v.map_or(String::new(), |v| format!(" at {v}")))
            })?;
            reports.push(report);
        }
        points.push((*v, reports));
    }
    Ok(Merged {
        scenario: first.scenario.clone(),
        seed: first.seed,
        replications: first.replications,
        sweep: first.sweep.as_ref().map(|s| Sweep { variable: s.variable.clone(), values: s.values.clone() }),
        points,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_as_k_of_n() {
        assert_eq!(parse_shard("3/8").unwrap(), Shard { k: 3, n: 8 });
        assert!(parse_shard("0/8").unwrap_err().contains("counts from 1"));
        assert!(parse_shard("9/8").unwrap_err().contains("does not exist"));
        assert!(parse_shard("1/0").unwrap_err().contains("1 to"));
        assert!(parse_shard("3").unwrap_err().contains("K/N"));
        assert!(parse_shard("a/2").unwrap_err().contains("`a`"));
    }

    #[test]
    fn not_a_shard_and_missing_files_are_errors() {
        assert!(merge(&[]).unwrap_err().contains("no shard files"));
        let e = merge(&[("a.json".into(), "{\"offered\": 3}".into())]).unwrap_err();
        assert!(e.contains("a.json: not a shard file"), "{e}");
        let e = merge(&[("b.json".into(), "{\n  oops".into())]).unwrap_err();
        assert!(e.starts_with("b.json:2:3: not JSON"), "{e}");
        let e = merge(&[("c.json".into(), "{\"callwright_shard\": 7}".into())]).unwrap_err();
        assert!(e.contains("format 7"), "{e}");
    }
}
