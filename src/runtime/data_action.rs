//! Data actions on the engine: the declarations a flow's `call data` runs, and how they answer
//! where no real system is called — `run` (`--data`), flow tests (`given: data:`) and scenarios
//! (`data_actions:`): a result (a JSON body, a failure, a time-out) or a mix of them, after a
//! latency. A body is read as the declaration says: each output by its JSON Pointer, in its type;
//! a body that lacks one, or has it in another type, is a failure, as Architect's output mapping is.

use super::Value;
use crate::syntax::ast::{DataAction, ExprKind};
use crate::time::Micros;
use std::collections::HashMap;
use std::rc::Rc;

/// A data action's timeout when its declaration gives none (Architect's default is 10 s; the
/// shorter one suits an IVR, where the caller hears silence meanwhile).
pub const DEFAULT_TIMEOUT: Micros = 5_000_000;

/// A piece of a request template: text as written, an input's value, or a secret from the
/// environment.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Text(String),
    Input(String),
    Env(String),
}

/// How an input's value is written into its place in a template.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Escape {
    /// Percent-encoded (a URL).
    Url,
    /// Inside a JSON string (a body).
    Json,
    /// As it is, refusing line breaks (a header).
    Header,
}

/// What a declaration says: the request to make and how to read its answer.
#[derive(Debug, Clone, Default)]
pub struct DataDecl {
    pub method: &'static str,
    pub url: Vec<Part>,
    pub headers: Vec<(String, Vec<Part>)>,
    pub body: Option<Vec<Part>>,
    pub timeout: Micros,
    /// Output name, type name (`String`, `Integer`, `Boolean`), JSON Pointer.
    pub outputs: Vec<(String, String, String)>,
}

fn parts(e: &crate::syntax::ast::Expr) -> Vec<Part> {
    use crate::syntax::ast::StrPart;
    let ExprKind::Str(ps) = &e.kind else { return Vec::new() };
    ps.iter()
        .map(|p| match p {
            StrPart::Text(t) => Part::Text(t.clone()),
            StrPart::Expr(x) => match &x.kind {
                ExprKind::Path(path) if path.segments.len() == 2 && path.segments[0].name == "env" => {
                    Part::Env(path.segments[1].name.clone())
                }
                ExprKind::Path(path) => Part::Input(path.segments[0].name.clone()),
                _ => Part::Text(String::new()),
            },
        })
        .collect()
}

/// A request ready to be made.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpCall {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub timeout: Micros,
}

impl DataDecl {
    pub fn of(a: &DataAction) -> DataDecl {
        let timeout = match a.timeout.as_ref().map(|t| &t.kind) {
            Some(ExprKind::Duration(s)) => s.max(&1) * 1_000_000,
            _ => DEFAULT_TIMEOUT,
        };
        let outputs = a
            .outputs
            .iter()
            .map(|o| (o.name.name.clone(), o.ty.name.clone(), o.pointer.value.clone()))
            .collect();
        DataDecl {
            method: a.request.as_ref().map_or("GET", |(m, _)| m.node.as_str()),
            url: a.request.as_ref().map(|(_, u)| parts(u)).unwrap_or_default(),
            headers: a.headers.iter().map(|(k, v)| (k.value.clone(), parts(v))).collect(),
            body: a.body.as_ref().map(parts),
            timeout,
            outputs,
        }
    }

    /// The request for these input values, with secrets from `env`; an error names what is
    /// missing (a secret the environment lacks, a line break in a header).
    pub fn request(
        &self,
        inputs: &HashMap<String, String>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<HttpCall, String> {
        let render = |ps: &[Part], escape: Escape| -> Result<String, String> {
            let mut out = String::new();
            for p in ps {
                match p {
                    Part::Text(t) => out.push_str(t),
                    Part::Env(name) => {
                        let v = env(name).ok_or_else(|| format!("the environment has no `{name}`"))?;
                        out.push_str(&v);
                    }
                    Part::Input(name) => {
                        let v = inputs.get(name).map(String::as_str).unwrap_or_default();
                        match escape {
                            Escape::Url => out.push_str(&percent(v)),
                            Escape::Json => {
                                let quoted = serde_json::Value::String(v.to_string()).to_string();
                                out.push_str(&quoted[1..quoted.len() - 1]);
                            }
                            Escape::Header if v.contains(['\r', '\n']) => {
                                return Err(format!(
                                    "the input `{name}` has a line break, which a header cannot hold"
                                ));
                            }
                            Escape::Header => out.push_str(v),
                        }
                    }
                }
            }
            Ok(out)
        };
        let mut headers = Vec::new();
        for (k, v) in &self.headers {
            headers.push((k.clone(), render(v, Escape::Header)?));
        }
        Ok(HttpCall {
            method: self.method,
            url: render(&self.url, Escape::Url)?,
            headers,
            body: self.body.as_ref().map(|b| render(b, Escape::Json)).transpose()?,
            timeout: self.timeout,
        })
    }

    /// The outputs read from a response body; the first one missing or of another type fails it.
    pub fn read(&self, body: &serde_json::Value) -> Result<HashMap<String, Value>, String> {
        use serde_json::Value as J;
        let mut out = HashMap::new();
        for (name, ty, pointer) in &self.outputs {
            let Some(v) = body.pointer(pointer) else {
                return Err(format!("the answer has nothing at `{pointer}` for output `{name}`"));
            };
            let value = match (ty.as_str(), v) {
                ("String", J::String(s)) => Value::Str(s.clone()),
                ("String", J::Number(n)) => Value::Str(n.to_string()),
                ("Integer", J::Number(n)) if n.is_i64() => Value::Int(n.as_i64().unwrap_or_default()),
                ("Integer", J::String(s)) if s.trim().parse::<i64>().is_ok() => {
                    Value::Int(s.trim().parse().unwrap_or_default())
                }
                ("Boolean", J::Bool(b)) => Value::Bool(*b),
                _ => return Err(format!("output `{name}` at `{pointer}` is {v}, not {ty}")),
            };
            out.insert(name.clone(), value);
        }
        Ok(out)
    }
}

/// How one data action answers: its chances, the body of a success, the words of a failure,
/// and how long it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct DataMock {
    /// Chances of a failure and of a time-out; the rest succeeds.
    pub failure: f64,
    pub timeout: f64,
    pub returns: serde_json::Value,
    pub error: String,
    pub latency: Micros,
}

/// A mock's result for one call.
#[derive(Debug, Clone, PartialEq)]
pub enum DataResult {
    Success(serde_json::Value),
    Failure(String),
    TimedOut,
}

impl DataMock {
    /// Always succeeds with `body`.
    pub fn returns(body: serde_json::Value) -> DataMock {
        DataMock { failure: 0.0, timeout: 0.0, returns: body, error: String::new(), latency: 0 }
    }

    /// Reads one mock as flow tests, scenarios and `run --data` write it: `fails`, `times_out`,
    /// a JSON object (the body of a success), or `{returns: {…}, fails: "why", failure: 5%,
    /// timeout: 1%, latency: 300ms}`.
    pub fn parse(v: &serde_json::Value) -> Result<DataMock, String> {
        use serde_json::Value as J;
        let mut m = DataMock::returns(J::Object(Default::default()));
        match v {
            J::String(s) if s == "fails" => {
                m.failure = 1.0;
                m.error = "the lookup failed".into();
                return Ok(m);
            }
            J::String(s) if s == "times_out" => {
                m.timeout = 1.0;
                return Ok(m);
            }
            J::Object(o) if !o.keys().any(|k| MOCK_KEYS.contains(&k.as_str())) => {
                m.returns = v.clone();
                return Ok(m);
            }
            J::Object(_) => {}
            other => {
                return Err(format!(
                    "{other} is not a data action result: write `fails`, `times_out`, or `returns: {{…}}`"
                ));
            }
        }
        let J::Object(o) = v else { unreachable!() };
        for (k, x) in o {
            match k.as_str() {
                "returns" => m.returns = x.clone(),
                "fails" => {
                    m.failure = 1.0;
                    m.error = x.as_str().map_or_else(|| x.to_string(), str::to_string);
                }
                "times_out" => m.timeout = if x.as_bool() == Some(false) { 0.0 } else { 1.0 },
                "failure" => m.failure = share(x).map_err(|e| format!("failure: {e}"))?,
                "timeout" => m.timeout = share(x).map_err(|e| format!("timeout: {e}"))?,
                "latency" => {
                    let text = x.as_str().map_or_else(|| x.to_string(), str::to_string);
                    m.latency = crate::time::parse_duration(&text).map_err(|e| format!("latency: {e}"))?;
                }
                other => {
                    let known = MOCK_KEYS.join(", ");
                    return Err(format!("`{other}` is not a data action result setting (known: {known})"));
                }
            }
        }
        if m.failure + m.timeout > 1.0 + 1e-9 {
            return Err("failure and timeout add up to more than 100%".into());
        }
        if m.error.is_empty() {
            m.error = "the lookup failed".into();
        }
        Ok(m)
    }

    /// Draws one result.
    pub fn draw(&self, uniform: &mut dyn FnMut() -> f64) -> DataResult {
        if self.failure <= 0.0 && self.timeout <= 0.0 {
            return DataResult::Success(self.returns.clone());
        }
        let u = uniform();
        if u < self.failure {
            DataResult::Failure(self.error.clone())
        } else if u < self.failure + self.timeout {
            DataResult::TimedOut
        } else {
            DataResult::Success(self.returns.clone())
        }
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Makes data actions' requests for real (`serve --live-data`): the service plugs one in.
pub trait DataGateway {
    /// Makes `call` and reads its answer: a 2xx JSON body is a success, any other status or an
    /// unreadable body a failure, no answer within `call.timeout` a time-out.
    fn call(&self, call: HttpCall) -> std::pin::Pin<Box<dyn std::future::Future<Output = DataResult>>>;
    /// A secret named in a template (`{env.CRM_TOKEN}`).
    fn env(&self, name: &str) -> Option<String>;
}

const MOCK_KEYS: [&str; 6] = ["returns", "fails", "times_out", "failure", "timeout", "latency"];

/// `5%`, `0.05` or `5 %`: a share from 0 to 1.
fn share(v: &serde_json::Value) -> Result<f64, String> {
    let x = match v {
        serde_json::Value::Number(n) => n.as_f64().unwrap_or(-1.0),
        serde_json::Value::String(s) => match s.trim().strip_suffix('%') {
            Some(p) => p.trim().parse::<f64>().map_err(|_| format!("`{s}` is not a percentage"))? / 100.0,
            None => s.trim().parse::<f64>().map_err(|_| format!("`{s}` is not a share"))?,
        },
        other => return Err(format!("{other} is not a share")),
    };
    if (0.0..=1.0).contains(&x) { Ok(x) } else { Err(format!("{v} is not between 0 and 100%")) }
}

/// The engine's data actions: the declarations, and the mocks that answer for them.
#[derive(Default)]
pub struct DataActions {
    pub decls: HashMap<String, Rc<DataDecl>>,
    pub mocks: HashMap<String, DataMock>,
    /// Makes the requests for real when set (a server started with `--live-data`).
    pub gateway: std::cell::RefCell<Option<Rc<dyn DataGateway>>>,
    /// Per action: calls, failures, time-outs and the time callers waited on them.
    pub stats: std::cell::RefCell<std::collections::BTreeMap<String, DataStats>>,
}

/// How one data action did over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct DataStats {
    pub calls: u64,
    pub failed: u64,
    pub timed_out: u64,
    /// The time callers waited on it, in microseconds (its latency, cut at its timeout).
    #[serde(skip)]
    pub waited: Micros,
}

impl DataStats {
    pub fn mean_seconds(&self) -> f64 {
        if self.calls == 0 { 0.0 } else { self.waited as f64 / self.calls as f64 / 1e6 }
    }
}

impl DataActions {
    pub fn new<'a>(actions: impl Iterator<Item = &'a DataAction>) -> DataActions {
        DataActions {
            decls: actions.map(|a| (a.name.name.clone(), Rc::new(DataDecl::of(a)))).collect(),
            mocks: HashMap::new(),
            gateway: std::cell::RefCell::new(None),
            stats: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_mock_is_read_in_each_of_its_forms() {
        assert_eq!(DataMock::parse(&json!("fails")).unwrap().failure, 1.0);
        assert_eq!(DataMock::parse(&json!("times_out")).unwrap().timeout, 1.0);
        let m = DataMock::parse(&json!({"tier": "gold"})).unwrap();
        assert_eq!(m.returns, json!({"tier": "gold"}));
        let m = DataMock::parse(
            &json!({"returns": {"a": 1}, "failure": "5%", "timeout": 0.01, "latency": "300ms"}),
        )
        .unwrap();
        assert_eq!((m.failure, m.timeout, m.latency), (0.05, 0.01, 300_000));
        let e = DataMock::parse(&json!({"returns": {}, "falure": "5%"})).unwrap_err();
        assert!(e.contains("`falure`"), "{e}");
        assert!(DataMock::parse(&json!({"returns": {}, "failure": "150%"})).is_err());
        assert!(DataMock::parse(&json!(3)).is_err());
    }

    #[test]
    fn outputs_are_read_by_pointer_in_their_type() {
        let d = DataDecl {
            timeout: 1,
            outputs: vec![
                ("name".into(), "String".into(), "/customer/name".into()),
                ("balance".into(), "Integer".into(), "/balance".into()),
            ],
            ..DataDecl::default()
        };
        let got = d.read(&json!({"customer": {"name": "Ann"}, "balance": 12})).unwrap();
        assert_eq!(got["name"], Value::Str("Ann".into()));
        assert_eq!(got["balance"], Value::Int(12));
        let e = d.read(&json!({"customer": {"name": "Ann"}, "balance": "a lot"})).unwrap_err();
        assert!(e.contains("not Integer"), "{e}");
        let e = d.read(&json!({})).unwrap_err();
        assert!(e.contains("/customer/name"), "{e}");
    }
    #[test]
    fn a_request_escapes_inputs_for_their_place_and_reads_secrets() {
        let d = DataDecl {
            method: "POST",
            url: vec![Part::Env("BASE".into()), Part::Text("/c?q=".into()), Part::Input("q".into())],
            headers: vec![(
                "Authorization".into(),
                vec![Part::Text("Bearer ".into()), Part::Env("T".into())],
            )],
            body: Some(vec![
                Part::Text("{\"q\": \"".into()),
                Part::Input("q".into()),
                Part::Text("\"}".into()),
            ]),
            timeout: 1,
            outputs: Vec::new(),
        };
        let inputs: HashMap<String, String> = [("q".to_string(), "a b\"&".to_string())].into();
        let env = |n: &str| match n {
            "BASE" => Some("https://x".to_string()),
            "T" => Some("s3cret".to_string()),
            _ => None,
        };
        let call = d.request(&inputs, &env).unwrap();
        assert_eq!(call.url, "https://x/c?q=a%20b%22%26");
        assert_eq!(call.headers, vec![("Authorization".to_string(), "Bearer s3cret".to_string())]);
        let body: serde_json::Value = serde_json::from_str(call.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["q"], "a b\"&");
        let e = d.request(&inputs, &|_| None).unwrap_err();
        assert!(e.contains("the environment has no"), "{e}");
    }
}
