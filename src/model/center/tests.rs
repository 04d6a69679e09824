use super::raw::{RawAgent, RawCallback, RawCenter, RawQueue};
use super::*;
use crate::diagnostics::Code;

const FULL: &str = r#"# The Acme contact center
queues:
  Support:
    ani: "+31201234567"        # caller id used when dialling callbacks (E.164)
    skills: [support]
    callback:
      mode: customer_first
      pacing_modifier: 2
      attempts: 4
      retry_interval: 10m
      max_days_ahead: 31
      min_lead: 1h
      window_min: 45m
      window_max: 4h
      preserve_skills_priority: true
      ownership_period: 2d
      assign_to_queue_on_expiry: false
      auto_answer: true
      auto_dial_delay: 120
      auto_end: true
      offer_timeout: 1m
      answering_machine: leave_message
      duplicate_window: 24h
      inactive_after: 7d
      outbound_flow: Greet
      slot_length: 1h
      slot_capacity: 5
      open_hours: "08:00-18:00"
      open_days: [mon, tue, wed, thu, fri]
      hours_timezone: Europe/Amsterdam
      owner_away: peer
      dispositions: [sold, not_interested]
  Billing: {}
  Sales:
agents:
  - name: alice
    skills: [billing]
    queues: [Support, Billing]
    wrap_up: 30s
  - name: bob
    queues:
      - Sales
"#;

fn load(text: &str) -> (Option<Center>, Vec<Diagnostic>) {
    load_center(FileId(7), text)
}

/// The text a diagnostic points at.
fn at<'t>(text: &'t str, d: &Diagnostic) -> &'t str {
    let span = d.span.expect("every center.yaml diagnostic has a span");
    assert_eq!(span.file, FileId(7));
    &text[span.range()]
}

fn only(text: &str) -> Diagnostic {
    let (_, diags) = load(text);
    assert_eq!(diags.len(), 1, "expected one diagnostic for {text:?}, got {diags:#?}");
    diags.into_iter().next().unwrap()
}

#[test]
fn full_file() {
    let (center, diags) = load(FULL);
    assert!(diags.is_empty(), "{diags:#?}");
    let center = center.unwrap();
    assert_eq!(center.queue_names().collect::<Vec<_>>(), ["Billing", "Sales", "Support"]);

    let support = center.queue("Support").unwrap();
    assert_eq!(support.name, "Support");
    assert_eq!(&FULL[support.name_span.range()], "Support");
    assert_eq!(support.ani.as_deref(), Some("+31201234567"));
    assert_eq!(&FULL[support.ani_span.unwrap().range()], "ani: \"+31201234567\"");
    assert_eq!(support.skills, ["support"]);
    let cb = &support.callback;
    let expected = CallbackSettings {
        connect_within_secs: None,
        preview_secs: None,
        mode: CallbackMode::CustomerFirst,
        pacing_modifier: 2,
        attempts: 4,
        retry_interval_secs: 600,
        max_days_ahead: 31,
        min_lead_secs: 3600,
        window_min_secs: 45 * 60,
        window_max_secs: 4 * 3600,
        preserve_skills_priority: true,
        ownership_period_secs: 2 * 86_400,
        assign_to_queue_on_expiry: false,
        auto_answer: true,
        auto_dial_delay_secs: 120,
        auto_end: true,
        offer_timeout_secs: 60,
        answering_machine: AnsweringMachine::LeaveMessage,
        duplicate_window_secs: 86_400,
        inactive_after_secs: 7 * 86_400,
        outbound_flow: cb.outbound_flow.clone(),
        slots: crate::model::center::slots::SlotSettings {
            length_secs: 3600,
            capacity: Some(5),
            open: crate::model::center::slots::parse_hours("08:00-18:00"),
            days: [true, true, true, true, true, false, false],
            timezone: chrono_tz::Europe::Amsterdam,
        },
        owner_away: super::OwnerAway::Peer,
        dispositions: vec!["sold".to_string(), "not_interested".to_string()],
    };
    assert_eq!(*cb, expected);
    assert_eq!(cb.outbound_flow.as_ref().map(|f| f.0.as_str()), Some("Greet"));

    let billing = center.queue("Billing").unwrap();
    assert_eq!(billing.callback, CallbackSettings::default());
    assert_eq!(billing.ani, None);
    assert_eq!(&FULL[center.queue("Sales").unwrap().name_span.range()], "Sales");

    let [alice, bob] = &center.agents[..] else { panic!("{:?}", center.agents) };
    assert_eq!(alice.name, "alice");
    assert_eq!(&FULL[alice.name_span.range()], "alice");
    assert_eq!(alice.skills, ["billing"]);
    assert_eq!(alice.queues, ["Support", "Billing"]);
    assert_eq!(alice.wrap_up_secs, 30);
    assert_eq!(bob.queues, ["Sales"]);
    assert_eq!(bob.wrap_up_secs, limits::WRAP_UP_DEFAULT_SECS);
    assert_eq!(&FULL[bob.name_span.range()], "bob");
    assert_eq!(center.agents_of("Support").map(|a| a.name.as_str()).collect::<Vec<_>>(), ["alice"]);
    assert!(center.agent("bob").is_some());
}

#[test]
fn defaults_come_from_bounds() {
    let d = CallbackSettings::default();
    assert_eq!(d.mode, CallbackMode::AgentFirst);
    assert_eq!(d.attempts, bounds::ATTEMPTS_DEFAULT);
    assert_eq!(d.retry_interval_secs, bounds::RETRY_INTERVAL_DEFAULT_SECS);
    assert_eq!(d.max_days_ahead, bounds::DAYS_AHEAD_DEFAULT);
    assert_eq!(d.window_min_secs, bounds::WINDOW_MIN_SECS);
    assert_eq!(d.window_max_secs, bounds::WINDOW_MAX_SECS);
    assert_eq!(d.auto_dial_delay_secs, bounds::AUTO_DIAL_DELAY_DEFAULT_SECS);
    assert_eq!(d.offer_timeout_secs, 30);
    assert_eq!(d.answering_machine, AnsweringMachine::HangUp);
    assert_eq!(d.duplicate_window_secs, bounds::DUPLICATE_WINDOW_SECS);
    assert_eq!(d.inactive_after_secs, bounds::INACTIVE_AFTER_SECS);
    // Every default is inside its own bounds: a file that writes the defaults is accepted.
    let text = "queues:\n  Q:\n    callback:\n      attempts: 3\n      retry_interval: 5m\n      max_days_ahead: 30\n      min_lead: 30m\n      window_min: 30m\n      window_max: 8h\n      ownership_period: 24h\n      auto_dial_delay: 300s\n      offer_timeout: 30s\n      duplicate_window: 48h\n      inactive_after: 14d\n      pacing_modifier: 1\n";
    let (center, diags) = load(text);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(center.unwrap().queue("Q").unwrap().callback, d);
}

#[test]
fn empty_and_comment_only_files_declare_nothing() {
    for text in ["", "   \n", "# nothing yet\n", "---\n", "queues:\nagents:\n", "queues: {}\nagents: []\n"] {
        let (center, diags) = load(text);
        assert!(diags.is_empty(), "{text:?}: {diags:#?}");
        let center = center.unwrap();
        assert!(center.queues.is_empty() && center.agents.is_empty());
    }
}

#[test]
fn malformed_yaml_points_at_line_and_column() {
    let text = "queues:\n  Support:\n    skills: [a, b\n  Billing: {}\n";
    let (center, diags) = load(text);
    assert!(center.is_none());
    let [d] = &diags[..] else { panic!("{diags:#?}") };
    assert_eq!(d.code, Code::BadCenterFile);
    assert!(d.message.starts_with("center.yaml is not valid YAML: "), "{}", d.message);
    assert!(!d.message.contains("at line 4 column"), "{}", d.message);
    // serde_yaml: line 4, column 10 (the `:` after `Billing`), counted in characters.
    let lo = d.span.unwrap().lo as usize;
    let line = text[..lo].matches('\n').count() + 1;
    let column = text[..lo].rsplit('\n').next().unwrap().chars().count() + 1;
    assert_eq!((line, column), (4, 10));

    // Columns count characters, spans count bytes.
    let text = "queues:\n  Ünïcode: x: y\n";
    let d = only(text);
    assert_eq!(at(text, &d), ":");
    assert_eq!(d.span.unwrap().lo as usize, text.rfind(": y").unwrap());
}

#[test]
fn top_level_must_be_a_mapping() {
    for text in ["- Support\n- Billing\n", "just text\n", "42\n"] {
        let (center, diags) = load(text);
        assert!(center.is_none(), "{text:?}");
        let [d] = &diags[..] else { panic!("{diags:#?}") };
        assert_eq!(d.code, Code::BadCenterFile);
        assert!(d.message.starts_with("center.yaml must be a mapping"), "{}", d.message);
    }
}

#[test]
fn duplicate_keys_point_at_the_second() {
    let text = "queues:\n  Support: {}\n  Billing: {}\n  Support:\n    skills: [x]\n";
    let d = only(text);
    assert_eq!(d.code, Code::BadCenterFile);
    assert_eq!(d.message, "`Support` is written twice in the same mapping");
    assert_eq!(d.span.unwrap().lo as usize, text.rfind("Support").unwrap());
}

#[test]
fn unknown_fields_are_all_reported_with_did_you_mean() {
    let text = "queus: {}\nqueues:\n  Support:\n    skils: [a]\n    callback:\n      atempts: 3\n      retry_intervall: 5m\n      attempts: 50\n      zzz: 1\n    attempts: 2\nagents:\n  - name: bob\n    wrapup: 10s\n";
    let (center, diags) = load(text);
    assert!(center.is_some());
    let found: Vec<(Code, &str, &str, Option<&str>)> =
        diags.iter().map(|d| (d.code, d.message.as_str(), at(text, d), d.help.as_deref())).collect();
    let expect = [
        (
            Code::BadCenterFile,
            "unknown section `queus` in center.yaml",
            "queus",
            Some("did you mean `queues`?"),
        ),
        (
            Code::BadCenterFile,
            "unknown setting `skils` in queue `Support`",
            "skils",
            Some("did you mean `skills`?"),
        ),
        (
            Code::BadCenterFile,
            "unknown setting `attempts` in queue `Support`",
            "attempts",
            Some("`attempts` is a callback setting; put it under `callback:`"),
        ),
        (
            Code::BadCenterFile,
            "unknown setting `atempts` in queue `Support`",
            "atempts",
            Some("did you mean `attempts`?"),
        ),
        (
            Code::BadCenterFile,
            "unknown setting `retry_intervall` in queue `Support`",
            "retry_intervall",
            Some("did you mean `retry_interval`?"),
        ),
        (Code::BadCenterFile, "unknown setting `zzz` in queue `Support`", "zzz", None),
        // The known settings are still checked.
        (
            Code::BadCenterValue,
            "`attempts` in queue `Support` is 50, but it must be from 1 to 20",
            "attempts: 50",
            None,
        ),
        (
            Code::BadCenterFile,
            "unknown setting `wrapup` of agent `bob`",
            "wrapup",
            Some("did you mean `wrap_up`?"),
        ),
    ];
    for e in &expect[..] {
        let hit =
            found.iter().find(|f| f.1 == e.1).unwrap_or_else(|| panic!("missing {:?} in {found:#?}", e.1));
        assert_eq!((hit.0, hit.2), (e.0, e.2), "{}", e.1);
        if e.3.is_some() {
            assert_eq!(hit.3, e.3, "{}", e.1);
        }
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    let zzz = found.iter().find(|f| f.2 == "zzz").unwrap();
    assert!(zzz.3.unwrap().starts_with("known here: `mode`"), "{:?}", zzz.3);
}

#[test]
fn serde_field_lists_match_the_docs() {
    assert_eq!(raw::field_names::<RawCenter>(), ["queues", "agents", "numbers", "switches", "campaigns"]);
    assert_eq!(raw::field_names::<RawQueue>(), ["ani", "skills", "hold_music", "callback"]);
    assert_eq!(raw::field_names::<RawAgent>(), ["name", "skills", "queues", "wrap_up"]);
    let callback = raw::field_names::<RawCallback>();
    assert_eq!(callback.len(), 26);
    for name in callback {
        assert!(FULL.contains(&format!("      {name}: ")), "{name} missing from FULL");
    }
}

/// One callback setting in a queue `Q`.
fn callback_setting(setting: &str) -> String {
    format!("queues:\n  Q:\n    callback:\n      {setting}\n")
}

#[test]
fn every_bound_is_checked() {
    let cases = [
        ("attempts: 0", "`attempts` in queue `Q` is 0, but it must be from 1 to 20"),
        ("attempts: 21", "`attempts` in queue `Q` is 21, but it must be from 1 to 20"),
        ("retry_interval: 0s", "`retry_interval` in queue `Q` is 0s, but it must be from 1s to 1d"),
        ("retry_interval: 25h", "`retry_interval` in queue `Q` is 1d1h, but it must be from 1s to 1d"),
        ("pacing_modifier: 0", "`pacing_modifier` in queue `Q` is 0, but it must be from 1 to 10"),
        ("pacing_modifier: 11", "`pacing_modifier` in queue `Q` is 11, but it must be from 1 to 10"),
        ("max_days_ahead: 0", "`max_days_ahead` in queue `Q` is 0, but it must be from 1 to 31"),
        ("max_days_ahead: 32", "`max_days_ahead` in queue `Q` is 32, but it must be from 1 to 31"),
        ("min_lead: 2d", "`min_lead` in queue `Q` is 2d, but it must be from 0s to 1d"),
        ("window_min: 30s", "`window_min` in queue `Q` is 30s, but it must be from 1m to 1d"),
        ("window_max: 25h", "`window_max` in queue `Q` is 1d1h, but it must be from 1m to 1d"),
        ("ownership_period: 59m", "`ownership_period` in queue `Q` is 59m, but it must be from 1h to 30d"),
        ("ownership_period: 31d", "`ownership_period` in queue `Q` is 31d, but it must be from 1h to 30d"),
        ("auto_dial_delay: 1201", "`auto_dial_delay` in queue `Q` is 20m1s, but it must be from 0s to 20m"),
        ("offer_timeout: 0s", "`offer_timeout` in queue `Q` is 0s, but it must be from 1s to 10m"),
        ("offer_timeout: 11m", "`offer_timeout` in queue `Q` is 11m, but it must be from 1s to 10m"),
        ("duplicate_window: 31d", "`duplicate_window` in queue `Q` is 31d, but it must be from 0s to 30d"),
        ("inactive_after: 1h", "`inactive_after` in queue `Q` is 1h, but it must be from 1d to 365d"),
        (
            "open_hours: \"18:00-08:00\"",
            "`open_hours` in queue `Q` is `18:00-08:00`, which is not `HH:MM-HH:MM`",
        ),
        ("open_days: [mon, funday]", "`open_days` in queue `Q` lists `funday`, which is not a weekday"),
        (
            "hours_timezone: Mars/Base",
            "`hours_timezone` in queue `Q` is `Mars/Base`, which is not an IANA time zone",
        ),
        ("slot_capacity: 0", "`slot_capacity` in queue `Q` is 0, but it must be from 1 to 100000"),
    ];
    for (setting, message) in cases {
        let text = callback_setting(setting);
        let d = only(&text);
        assert_eq!(d.code, Code::BadCenterValue, "{setting}");
        assert_eq!(d.message, message);
        assert_eq!(at(&text, &d), setting);
        // The bad value is replaced by the default.
        let (center, _) = load(&text);
        assert_eq!(center.unwrap().queue("Q").unwrap().callback, CallbackSettings::default(), "{setting}");
    }
    // The edges are allowed.
    for setting in [
        "attempts: 1",
        "attempts: 20",
        "retry_interval: 1s",
        "retry_interval: 24h",
        "pacing_modifier: 10",
        "max_days_ahead: 1",
        "window_min: 1m",
        "ownership_period: 1h",
        "ownership_period: 30d",
        "auto_dial_delay: 0",
        "auto_dial_delay: 1200s",
        "offer_timeout: 10m",
        "duplicate_window: 0s",
    ] {
        let (_, diags) = load(&callback_setting(setting));
        assert!(diags.is_empty(), "{setting}: {diags:#?}");
    }
    let text = "agents:\n  - name: a\n    wrap_up: 2h\n";
    let d = only(text);
    assert_eq!(d.message, "`wrap_up` of agent `a` is 2h, but it must be from 0s to 1h");
    assert_eq!(at(text, &d), "wrap_up: 2h");
}

#[test]
fn window_min_must_not_exceed_window_max() {
    let text = callback_setting("window_min: 3h\n      window_max: 2h");
    let d = only(&text);
    assert_eq!(d.code, Code::BadCenterValue);
    assert_eq!(d.message, "`window_min` in queue `Q` (3h) is longer than `window_max` (2h)");
    assert_eq!(at(&text, &d), "window_min: 3h");
    assert_eq!(&text[d.labels[0].span.range()], "window_max: 2h");

    let text = callback_setting("window_max: 20m");
    let d = only(&text);
    assert_eq!(d.message, "`window_min` in queue `Q` (30m, the default) is longer than `window_max` (20m)");
    assert_eq!(at(&text, &d), "window_max: 20m");
    let (center, _) = load(&text);
    let cb = center.unwrap().queue("Q").unwrap().callback.clone();
    assert!(cb.window_min_secs <= cb.window_max_secs);
}

#[test]
fn ani_must_look_like_e164() {
    for bad in
        ["\"0201234567\"", "\"+31 20 123 4567\"", "\"+1234567\"", "\"+1234567890123456\"", "\"+31abc\""]
    {
        let text = format!("queues:\n  Q:\n    ani: {bad}\n");
        let d = only(&text);
        assert_eq!(d.code, Code::BadCenterValue, "{bad}");
        assert!(d.message.contains("is not an E.164 number"), "{}", d.message);
        assert_eq!(at(&text, &d), format!("ani: {bad}"));
        assert_eq!(load(&text).0.unwrap().queue("Q").unwrap().ani, None);
    }
    // Unquoted, YAML reads a number.
    let text = "queues:\n  Q:\n    ani: +31201234567\n";
    let d = only(text);
    assert_eq!(d.code, Code::BadCenterFile);
    assert_eq!(
        d.message,
        "`ani` in queue `Q` must be a phone number in quotes, such as \"+31201234567\", not `31201234567`"
    );
    assert!(load("queues:\n  Q:\n    ani: \"+12025550123\"\n").1.is_empty());
}

#[test]
fn wrong_types_are_reported_per_setting() {
    let text = "queues:\n  Q:\n    skills: 5\n    callback:\n      attempts: three\n      retry_interval: 5 minutes\n      mode: agent_last\n      auto_end: yes\n      offer_timeout: 1.5\nagents:\n  - name: [x]\n";
    let (center, diags) = load(text);
    assert!(center.unwrap().queue("Q").is_some());
    let got: Vec<(&str, &str)> = diags.iter().map(|d| (d.message.as_str(), at(text, d))).collect();
    assert!(diags.iter().all(|d| d.code == Code::BadCenterFile), "{diags:#?}");
    assert_eq!(
        got,
        [
            (
                "`skills` in queue `Q` must be a list of names, such as [support, billing], not `5`",
                "skills: 5"
            ),
            (
                "`mode` in queue `Q` must be `agent_first` or `customer_first`, not `agent_last`",
                "mode: agent_last"
            ),
            ("`attempts` in queue `Q` must be a whole number, not `three`", "attempts: three"),
            (
                "`retry_interval` in queue `Q` is not a duration: `5 minutes` (write it without spaces, such as `1h30m`)",
                "retry_interval: 5 minutes"
            ),
            ("`auto_end` in queue `Q` must be `true` or `false`, not `yes`", "auto_end: yes"),
            (
                "`offer_timeout` in queue `Q` is not a duration: `1.5` (use whole seconds or units, such as `90s` or `1m30s`)",
                "offer_timeout: 1.5"
            ),
            ("`name` of agent #1 must be a name, not a list", "name: [x]"),
        ]
    );
    let duration_help =
        diags.iter().find(|d| d.message.starts_with("`retry_interval`")).unwrap().help.as_deref();
    assert!(duration_help.unwrap().contains("`1h30m`"));
}

#[test]
fn sections_of_the_wrong_shape() {
    let d = only("queues: [Support, Billing]\n");
    assert_eq!(
        d.message,
        "`queues` in center.yaml must be a mapping from queue name to its settings, not a list"
    );
    let text = "queues:\n  Support: 5\n";
    let d = only(text);
    assert_eq!(d.message, "queue `Support` must be a mapping of settings, not `5`");
    assert_eq!(at(text, &d), "Support");
    let d = only("agents:\n  - bob\n");
    assert_eq!(d.message, "agent #1 must be a mapping such as `- name: alice`, not `bob`");
    let d = only("agents:\n  - skills: [a]\n");
    assert_eq!(d.message, "agent #1 has no `name`");
    let d = only("queues:\n  Q:\n    callback: 3\n");
    assert_eq!(d.message, "`callback` in queue `Q` must be a mapping of callback settings, not `3`");
}

#[test]
fn agents_must_name_declared_queues() {
    let text = "queues:\n  Support: {}\n  Sales: {}\nagents:\n  - name: bob\n    queues: [Support, Salse, Marketing]\n";
    let (center, diags) = load(text);
    let [typo, unknown] = &diags[..] else { panic!("{diags:#?}") };
    assert_eq!(typo.code, Code::BadCenterValue);
    assert_eq!(typo.message, "agent `bob` is a member of queue `Salse`, which is not declared");
    assert_eq!(at(text, typo), "Salse");
    assert_eq!(typo.help.as_deref(), Some("did you mean `Sales`?"));
    assert_eq!(unknown.message, "agent `bob` is a member of queue `Marketing`, which is not declared");
    assert_eq!(at(text, unknown), "Marketing");
    assert_eq!(unknown.help.as_deref(), Some("declare it under `queues:` (`Marketing: {}` is enough)"));
    // The agent is kept, with the declared queues only.
    assert_eq!(center.unwrap().agent("bob").unwrap().queues, ["Support"]);

    // Flow-style agents are found by name.
    let text = "queues: {Sales: {}}\nagents: [{name: bob, queues: [Sale]}]\n";
    let d = only(text);
    assert_eq!(d.message, "agent `bob` is a member of queue `Sale`, which is not declared");
    assert_eq!(d.help.as_deref(), Some("did you mean `Sales`?"));
}

#[test]
fn duplicate_agents() {
    let text = "agents:\n  - name: alice\n  - name: bob\n  - name: alice\n    skills: [x]\n";
    let (center, diags) = load(text);
    let [d] = &diags[..] else { panic!("{diags:#?}") };
    assert_eq!(d.code, Code::BadCenterValue);
    assert_eq!(d.message, "agent `alice` is listed twice");
    assert_eq!(d.span.unwrap().lo as usize, text.rfind("alice").unwrap());
    assert_eq!(d.labels[0].span.lo as usize, text.find("alice").unwrap());
    let center = center.unwrap();
    assert_eq!(center.agents.len(), 2);
    assert!(center.agent("alice").unwrap().skills.is_empty());
}

#[test]
fn never_panics() {
    let mut texts: Vec<String> = vec![
        "\u{feff}queues: {}\n".into(),
        "queues:\n  ? [a, b]\n  : {}\n".into(),
        "queues:\n  1: {}\n  true: {}\n  \"\": {}\n".into(),
        "queues: !tag {}\n".into(),
        "a: &x {b: 1}\nqueues: *x\n".into(),
        "defaults: &d {attempts: 2}\nqueues:\n  Q:\n    callback:\n      <<: *d\n      retry_interval: 1m\n"
            .into(),
        "---\nqueues: {}\n---\nagents: []\n".into(),
        "queues:\r\n  Q:\r\n    callback:\r\n      attempts: 99\r\n".into(),
        "agents:\n- name: é\n  queues: [É]\n- name: é\n".into(),
        "\t".into(),
        ":".into(),
        "queues:\n  Q:\n    callback:\n      retry_interval: 99999999999999999999999\n".into(),
        "queues:\n  Q:\n    callback:\n      retry_interval: -5\n      attempts: 1e3\n".into(),
    ];
    for end in (0..=FULL.len()).filter(|&i| FULL.is_char_boundary(i)) {
        texts.push(FULL[..end].to_string());
    }
    for (i, c) in FULL.char_indices().step_by(3) {
        texts.push(format!("{}{}", &FULL[..i], &FULL[i + c.len_utf8()..]));
    }
    for text in &texts {
        let (_, diags) = load(text);
        for d in &diags {
            let span = d.span.unwrap();
            assert!(span.lo <= span.hi && (span.hi as usize) <= text.len(), "{text:?}: {d:#?}");
            assert!(text.is_char_boundary(span.lo as usize) && text.is_char_boundary(span.hi as usize));
        }
    }
}

#[test]
fn merge_keys_and_single_names() {
    let text =
        "defaults: &d {attempts: 2}\nqueues:\n  Q:\n    skills: support\n    callback:\n      <<: *d\n";
    let (center, diags) = load(text);
    // `defaults` is not a section, but the merge still applies.
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].message, "unknown section `defaults` in center.yaml");
    let q = center.unwrap().queue("Q").unwrap().clone();
    assert_eq!(q.callback.attempts, 2);
    assert_eq!(q.skills, ["support"]);
}

#[test]
fn answering_machine_flow_needs_an_outbound_flow() {
    let text = callback_setting("answering_machine: flow");
    let d = only(&text);
    assert_eq!(d.code, Code::BadCenterValue);
    assert_eq!(d.message, "`answering_machine: flow` in queue `Q` has no outbound flow to run");
    assert_eq!(at(&text, &d), "answering_machine: flow");
    let (center, diags) = load(&callback_setting("answering_machine: flow\n      outbound_flow: Greet"));
    assert!(diags.is_empty(), "{diags:?}");
    let q = center.expect("loads").queues["Q"].clone();
    assert_eq!(q.callback.answering_machine, AnsweringMachine::Flow);
}

#[test]
fn hold_music_is_a_file_name() {
    let (center, diags) = load("queues:\n  Q:\n    hold_music: \"audio/hold.wav\"\n");
    assert!(diags.is_empty(), "{diags:?}");
    let q = center.expect("loads").queues["Q"].clone();
    assert_eq!(q.hold_music.as_deref(), Some("audio/hold.wav"));
    let text = "queues:\n  Q:\n    hold_music: \"  \"\n";
    let d = only(text);
    assert_eq!(d.code, Code::BadCenterValue);
    assert_eq!(d.message, "`hold_music` in queue `Q` is empty");
    assert_eq!(at(text, &d), "hold_music: \"  \"");
    let d = only("queues:\n  Q:\n    hold_music: [a, b]\n");
    assert_eq!(d.code, Code::BadCenterFile);
}

const CAMPAIGN: &str = r#"queues:
  Renewals:
    callback:
      dispositions: [renewed, no_sale]
  Sales: {}
campaigns:
  Renewals:
    queue: Renewals
    mode: progressive
    contacts: renewals.csv
    region: nl
    hours: 09:00-20:00
    attempts: 4
    retry: 30m
    max_abandon: 2.5%
    reschedule: personal
"#;

#[test]
fn a_campaign_sets_its_queue_up_for_its_mode() {
    let (center, diags) = load(CAMPAIGN);
    assert!(diags.is_empty(), "{diags:?}");
    let center = center.unwrap();
    let c = &center.campaigns[0];
    assert_eq!(
        (c.name.as_str(), c.queue.as_str(), c.mode),
        ("Renewals", "Renewals", crate::model::DialMode::Progressive)
    );
    assert_eq!((c.attempts, c.retry_secs, c.region.as_deref()), (4, 1800, Some("NL")));
    assert!((c.max_abandon - 0.025).abs() < 1e-12);
    assert_eq!(c.reschedule, Reschedule::Personal);
    assert!(!c.reschedule.allows(Reschedule::Campaign) && c.reschedule.allows(Reschedule::Personal));
    assert!(Reschedule::Choice.allows(Reschedule::Campaign));
    let s = &center.queue("Renewals").unwrap().callback;
    assert_eq!(s.mode, CallbackMode::CustomerFirst);
    assert_eq!((s.attempts, s.retry_interval_secs, s.min_lead_secs), (4, 1800, 0));
    assert_eq!(s.connect_within_secs, Some(crate::model::CONNECT_WITHIN_SECS));
    assert_eq!(s.dispositions, ["renewed", "no_sale"], "the queue's own settings stay");
    // The other queue is untouched.
    assert_eq!(center.queue("Sales").unwrap().callback, CallbackSettings::default());
    // Preview: a person previews it for `preview`, a simulated agent auto-dials after it.
    let (center, _) =
        load(&CAMPAIGN.replace("progressive", "preview").replace("max_abandon: 2.5%", "preview: 45s"));
    let center = center.unwrap();
    let s = &center.queue("Renewals").unwrap().callback;
    assert_eq!(
        (s.mode, s.auto_answer, s.auto_dial_delay_secs, s.preview_secs),
        (CallbackMode::AgentFirst, true, 45, Some(45))
    );
}

#[test]
fn campaign_mistakes_are_pointed_at() {
    let cases = [
        (
            "queue: Renewals",
            "queue: Renewal",
            "queue: Renewal",
            "names queue `Renewal`, which center.yaml does not declare",
        ),
        ("mode: progressive", "mode: robocall", "mode: robocall", "not a dialling mode"),
        ("hours: 09:00-20:00", "hours: 20:00-09:00", "hours: 20:00-09:00", "not calling hours"),
        ("max_abandon: 2.5%", "max_abandon: 40%", "max_abandon: 40%", "not a share from 0.1% to 20%"),
        (
            "reschedule: personal",
            "reschedule: mine",
            "reschedule: mine",
            "`reschedule` in campaign `Renewals` is `mine`",
        ),
        ("retry: 30m", "retyr: 30m", "retyr", "unknown setting `retyr`"),
    ];
    for (from, to, pointed, words) in cases {
        let text = CAMPAIGN.replace(from, to);
        let d = only(&text);
        assert!(d.message.contains(words), "{to}: {}", d.message);
        assert_eq!(at(&text, &d), pointed, "{to}");
    }
    let d = only(&CAMPAIGN.replace("queue: Renewals", "queue: Renewal"));
    assert!(d.help.as_deref().unwrap_or_default().contains("did you mean `Renewals`"), "{d:?}");
    let d = only(&CAMPAIGN.replace("    contacts: renewals.csv\n", ""));
    assert!(d.message.contains("has no `contacts`"), "{}", d.message);
    // Two campaigns cannot share a queue.
    let two = format!("{CAMPAIGN}  Winback:\n    queue: Renewals\n    contacts: w.csv\n");
    let d = only(&two);
    assert!(d.message.contains("shares queue `Renewals`"), "{}", d.message);
}
