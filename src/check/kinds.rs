//! Which actions each kind of flow may use. This table is published in the README.

use crate::syntax::ast::FlowKind;

/// (action keyword, inbound, inqueue, outbound, secure, why)
pub const TABLE: &[(&str, bool, bool, bool, bool, &str)] = &[
    ("play", true, true, true, true, ""),
    ("play estimated wait", false, true, false, false, "only a queued call has a wait to announce"),
    ("play position", false, true, false, false, "only a queued call has a position"),
    ("menu", true, false, true, true, "in-queue flows cannot take menu input (as in Genesys); use `ask`"),
    ("ask", true, true, true, true, ""),
    ("if", true, true, true, true, ""),
    ("switch", true, true, true, true, ""),
    ("set", true, true, true, true, ""),
    (
        "transfer",
        true,
        true,
        false,
        false,
        "an outbound flow ends by connecting the customer to the agent; a secure flow returns to the flow that called it",
    ),
    (
        "transfer to number",
        true,
        true,
        false,
        false,
        "an outbound flow ends by connecting the customer to the agent; a secure flow returns to the flow that called it",
    ),
    (
        "transfer to voicemail",
        true,
        true,
        false,
        false,
        "an outbound flow ends by connecting the customer to the agent; a secure flow returns to the flow that called it",
    ),
    (
        "transfer to agent",
        true,
        true,
        false,
        false,
        "an outbound flow ends by connecting the customer to the agent; a secure flow returns to the flow that called it",
    ),
    (
        "transfer to flow",
        true,
        false,
        false,
        false,
        "a waiting call leaves its queue by a number, a voicemail or a callback; an outbound flow belongs to its callback; a secure flow returns to the flow that called it",
    ),
    (
        "transfer to secure flow",
        true,
        false,
        false,
        false,
        "secure input is taken from an inbound caller (Architect's rule); a secure flow does not nest",
    ),
    (
        "create callback",
        true,
        true,
        true,
        false,
        "a secure flow only collects input; its caller books the callback",
    ),
    ("call data", true, true, true, true, ""),
    ("lookup", true, true, true, true, ""),
    ("hold", false, true, false, false, "hold music plays while a call waits in queue"),
    ("disconnect", true, true, true, true, ""),
    ("connect agent", false, false, true, false, "only a callback's outbound flow has an agent waiting"),
    (
        "leave voicemail",
        false,
        false,
        true,
        false,
        "only a callback's outbound flow reaches an answering machine",
    ),
    ("retry later", false, false, true, false, "only a callback's outbound flow has attempts to retry"),
    ("call", true, true, true, true, ""),
    ("jump", true, true, true, true, ""),
    ("return", true, true, true, true, ""),
];

/// `None` when allowed; otherwise why not.
pub fn not_allowed(keyword: &str, kind: FlowKind) -> Option<&'static str> {
    let row = TABLE.iter().find(|r| r.0 == keyword)?;
    let ok = match kind {
        FlowKind::Inbound => row.1,
        FlowKind::Inqueue => row.2,
        FlowKind::Outbound => row.3,
        FlowKind::Secure => row.4,
    };
    if ok { None } else { Some(row.5) }
}

/// Where the action is allowed, for the help line.
pub fn allowed_kinds(keyword: &str) -> Vec<&'static str> {
    TABLE
        .iter()
        .find(|r| r.0 == keyword)
        .map(|r| {
            [(r.1, "inbound"), (r.2, "inqueue"), (r.3, "outbound"), (r.4, "secure")]
                .into_iter()
                .filter(|(ok, _)| *ok)
                .map(|(_, k)| k)
                .collect()
        })
        .unwrap_or_default()
}

/// The table as Markdown, for the README.
pub fn markdown() -> String {
    let mark = |b: bool| if b { "yes" } else { "—" };
    let mut s = String::from(
        "| action | inbound | inqueue | outbound | secure | why not |\n|---|---|---|---|---|---|\n",
    );
    for (a, i, q, o, sec, why) in TABLE {
        s.push_str(&format!(
            "| `{a}` | {} | {} | {} | {} | {why} |\n",
            mark(*i),
            mark(*q),
            mark(*o),
            mark(*sec)
        ));
    }
    s
}
