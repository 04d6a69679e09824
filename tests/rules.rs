//! Rules that must hold everywhere, each found by trying callwright as a new user would: every
//! test here failed before its fix.

mod common;
use common::Test;
use std::path::PathBuf;

/// A scratch project folder with these files, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, files: &[(&str, &str)]) -> Scratch {
        let dir = std::env::temp_dir().join(format!("callwright-rules-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            let path = dir.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        Scratch(dir)
    }

    fn path(&self) -> String {
        self.0.to_string_lossy().to_string()
    }

    /// `callwright <sub> <this folder> <rest>`.
    fn cmd(&self, sub: &str) -> Test {
        Test::new().arg(sub).arg(self.path())
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `call` in a menu's noinput handler returns to the menu, which is offered again.
#[test]
fn a_task_called_from_a_menu_handler_returns_to_the_menu() {
    let p = Scratch::new(
        "handler-call",
        &[(
            "main.flow",
            "inbound flow Main {\n  menu M \"Press 1\" retries 2 timeout 2s {\n    1 => disconnect\n    \
             noinput => call Sorry\n  }\n  play \"after\"\n  disconnect\n  task Sorry {\n    play \"sorry\"\n  }\n}\n",
        )],
    );
    p.cmd("check").run();
    let out = p.cmd("run").stdout_contains("plays \"sorry\"").stdout_contains("plays \"after\"").run();
    assert!(out.stdout.contains("outcome: disconnected by flow Main"), "{}", out.stdout);
    assert!(!out.stdout.contains("flow error"), "{}", out.stdout);
    // The generated cases run green as generated.
    let generated = p.cmd("test").args(["--generate", "Main"]).run();
    std::fs::write(p.0.join("main.test.yaml"), generated.stdout).unwrap();
    p.cmd("test").stdout_contains("12 passed").run();
}

const ASK_FLOW: &str = "inbound flow Main {\n  \
    ask Flow.Acct \"Your 8 digit account number\" digits 8 timeout 5s terminator \"#\"\n    \
    on noinput {\n      play \"no valid number\"\n      disconnect\n    }\n  \
    play \"account {Flow.Acct}\"\n  \
    ask Flow.C \"Press 1\" timeout 5s terminator \"#\"\n  \
    if Flow.C == \"1\" {\n    play \"one\"\n  }\n  disconnect\n}\n";

/// `digits 8` takes exactly eight keys; the terminator ends the input and is not kept.
#[test]
fn an_ask_takes_its_digit_count_and_drops_the_terminator() {
    let p = Scratch::new("ask", &[("main.flow", ASK_FLOW)]);
    // Three keys and `#` are not an account number: the noinput path, saying why.
    p.cmd("run")
        .args(["--press", "123#"])
        .stdout_contains("`123` is 3 keys; the ask takes 8")
        .stdout_contains("plays \"no valid number\"")
        .run();
    // `1#` is the value "1", so the comparison holds.
    let out =
        p.cmd("run").args(["--press", "12345678#1#"]).stdout_contains("plays \"account 12345678\"").run();
    assert!(out.stdout.contains("plays \"one\""), "{}", out.stdout);
    // The generated cases give the ask eight keys and pass as generated.
    let generated = p.cmd("test").args(["--generate", "Main"]).run();
    assert!(generated.stdout.contains("press: \"11111111\""), "{}", generated.stdout);
    std::fs::write(p.0.join("main.test.yaml"), generated.stdout).unwrap();
    p.cmd("test").stdout_contains("4 passed").run();
}

/// Arithmetic on digits the caller typed is checked: an overflow takes the action's failure path
/// (or ends the flow with an error), never a wrapped number or a panic.
#[test]
fn overflowing_arithmetic_takes_the_failure_path() {
    let p = Scratch::new(
        "overflow",
        &[
            ("center.yaml", "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n"),
            (
                "main.flow",
                "inbound flow Main {\n  ask Flow.N \"Enter a number\" digits 1..19 timeout 5s\n  \
                 create callback number Call.Ani queue Support at Now + seconds(to_int(Flow.N) * 1000000000)\n    \
                 on failure { play \"refused\" }\n  set Flow.Y = to_int(Flow.N) * 1000000000\n  \
                 play \"value {Flow.Y}\"\n  disconnect\n}\n",
            ),
        ],
    );
    p.cmd("check").run();
    let out = p
        .cmd("run")
        .args(["--press", "99999999999"])
        .stdout_contains("callback refused: arithmetic overflow")
        .stdout_contains("plays \"refused\"")
        .stdout_contains("arithmetic overflow (checked arithmetic")
        .run();
    assert!(out.stdout.contains("outcome: flow error"), "{}", out.stdout);
    assert!(!out.stdout.contains("plays \"value"), "{}", out.stdout);
    // A small number is fine: the callback is booked for a few seconds from now.
    p.cmd("run").args(["--press", "2"]).stdout_contains("plays \"value 2000000000\"").run();
}

/// A flow's `on error` handler takes over where the flow meets an error, in inbound and in-queue
/// flows, with `Flow.ErrorType` and `Flow.ErrorMessage`; an error in the handler itself ends the
/// call as a flow error that names both.
#[test]
fn the_error_handler_takes_over_once() {
    let p = Scratch::new(
        "on_error",
        &[
            (
                "center.yaml",
                "queues:\n  Support: {}\n  Later: {}\nagents:\n  - name: alice\n    queues: [Later]\n",
            ),
            (
                "main.flow",
                "inbound flow Main {\n  on error {\n    play \"error {Flow.ErrorType}: {Flow.ErrorMessage}\"\n    \
                 set Flow.Z = to_int(Flow.N) * 1000000000\n    disconnect\n  }\n  \
                 ask Flow.N \"Enter a number\" digits 1..19 timeout 5s\n  set Flow.Y = to_int(Flow.N) * 1000000000\n  \
                 transfer to Support with Hold\n  disconnect\n}\n\
                 inqueue flow Hold {\n  on error {\n    play \"in-queue error {Flow.ErrorType}\"\n    transfer to Later\n  }\n  \
                 hold 10s\n  set Flow.W = seconds(9223372036854775807) + Call.TimeInQueue\n}\n",
            ),
        ],
    );
    p.cmd("check").run();
    // No error: the handler stays out of the way (the in-queue flow's is another story).
    let out = p.cmd("run").args(["--press", "2"]).run();
    assert!(!out.stdout.contains("plays \"error"), "{}", out.stdout);
    // The in-queue flow's arithmetic fails after its first hold: its handler moves the caller on.
    assert!(out.stdout.contains("plays \"in-queue error arithmetic\""), "{}", out.stdout);
    assert!(out.stdout.contains("outcome: answered by agent alice in Later"), "{}", out.stdout);
    // An overflow in the inbound flow: the handler runs, and its own overflow ends the call.
    let out = p
        .cmd("run")
        .args(["--press", "99999999999"])
        .stdout_contains(
            "plays \"error arithmetic: arithmetic overflow (checked arithmetic; the value is not used)\"",
        )
        .stdout_contains("`on error` runs")
        .stdout_contains("after the `on error` handler ran for: arithmetic overflow")
        .run();
    assert!(out.stdout.contains("outcome: flow error"), "{}", out.stdout);
}

/// `preferred agent`: only that agent may answer for the period, then anyone, while the in-queue
/// flow runs on undisturbed; an agent not in center.yaml or not in the queue is E0101.
#[test]
fn a_preferred_agent_is_waited_for_then_anyone_answers() {
    let center = "queues:\n  Support: {}\n  Sales: {}\nagents:\n  - name: alice\n    queues: [Support]\n  - name: bob\n    queues: [Support]\n  - name: cy\n    queues: [Sales]\n";
    let flow = |agent: &str| {
        format!(
            "inbound flow Main {{\n  transfer to Support with Music preferred agent \"{agent}\" for 30s\n  disconnect\n}}\n\
             inqueue flow Music {{\n  play \"You are number {{Call.PositionInQueue}}.\"\n  hold 20s\n}}\n"
        )
    };
    let p = Scratch::new("preferred", &[("center.yaml", center), ("main.flow", &flow("alice"))]);
    // Free: alice answers at once, though bob has been idle as long.
    p.cmd("run").stdout_contains("outcome: answered by agent alice in Support after waiting 0s").run();
    // alice is busy with the call ahead: bob answers when the 30 s are up, and the in-queue flow
    // went on meanwhile (its second round started at 21 s).
    let out = p
        .cmd("run")
        .args(["--ahead", "1"])
        .stdout_contains("only alice may answer for 30s")
        .stdout_contains("outcome: answered by agent bob in Support after waiting 30s")
        .run();
    assert_eq!(out.stdout.matches("plays \"You are number 1.\"").count(), 2, "{}", out.stdout);
    let p = Scratch::new("preferred_bad", &[("center.yaml", center), ("main.flow", &flow("alise"))]);
    p.cmd("check").status(1).stderr_contains("E0101").stderr_contains("did you mean `alice`").run();
    let p = Scratch::new("preferred_other", &[("center.yaml", center), ("main.flow", &flow("cy"))]);
    p.cmd("check").status(1).stderr_contains("agent `cy` does not take calls from `Support`").run();
}

/// Setting `Call.Priority` in an in-queue flow moves the waiting caller ahead of lower
/// priorities at once (Architect's Set Priority), keeping their enqueue time among equals.
#[test]
fn an_in_queue_priority_change_moves_the_caller() {
    let p = Scratch::new(
        "inqueue_priority",
        &[
            ("center.yaml", "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n"),
            (
                "main.flow",
                "inbound flow Main {\n  transfer to Support with Hold\n  disconnect\n}\n\
                 inqueue flow Hold {\n  play \"You are number {Call.PositionInQueue}.\"\n  hold 10s\n  \
                 if Call.TimeInQueue > 15s {\n    set Call.Priority = 10\n  }\n}\n",
            ),
        ],
    );
    let out = p
        .cmd("run")
        .args(["--ahead", "3"])
        .stdout_contains("plays \"You are number 3.\"")
        .stdout_contains("priority 10 in queue: now number 1")
        .stdout_contains("plays \"You are number 1.\"")
        .run();
    assert!(!out.stdout.contains("You are number 2."), "{}", out.stdout);
}

/// `Call.Skills`: set before a transfer it is what the call needs; set in an in-queue flow it
/// applies to the waiting caller at once (here: after 15 s any agent may answer). A misspelt skill
/// written out is E0101; a computed one nobody has is a flow error at run time.
#[test]
fn skills_set_in_queue_apply_at_once() {
    let center = "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n    skills: [french]\n  - name: bob\n    queues: [Support]\n";
    let flow = |skill: &str| {
        format!(
            "inbound flow Main {{\n  set Call.Skills = {skill}\n  transfer to Support with Hold\n  disconnect\n}}\n\
             inqueue flow Hold {{\n  play \"Needs {{Call.Skills}}.\"\n  hold 10s\n  \
             if Call.TimeInQueue > 15s {{\n    set Call.Skills = \"\"\n  }}\n}}\n"
        )
    };
    let p = Scratch::new("inqueue_skills", &[("center.yaml", center), ("main.flow", &flow("\"french\""))]);
    p.cmd("check").run();
    // alice is free: she answers at once.
    p.cmd("run").stdout_contains("outcome: answered by agent alice in Support after waiting 0s").run();
    // alice takes the call ahead; bob lacks French until the flow drops it after its second hold.
    let out = p
        .cmd("run")
        .args(["--ahead", "1"])
        .stdout_contains("plays \"Needs french.\"")
        .stdout_contains("no skills in queue: an agent is free for the call")
        .stdout_contains("outcome: answered by agent bob in Support after waiting 22s")
        .run();
    assert!(!out.stdout.contains("agent alice in Support"), "{}", out.stdout);
    let p = Scratch::new("skills_bad", &[("center.yaml", center), ("main.flow", &flow("\"frensh\""))]);
    p.cmd("check").status(1).stderr_contains("E0101").stderr_contains("did you mean `french`").run();
    let p = Scratch::new(
        "skills_computed",
        &[("center.yaml", center), ("main.flow", &flow("\"fr\" + \"ensh\""))],
    );
    p.cmd("check").run();
    p.cmd("run")
        .stdout_contains("no agent of the center has the skill `frensh`")
        .stdout_contains("outcome: flow error")
        .run();
}

/// A flow's languages: a caller's language it declares is kept (`nl` stands for `nl-NL`), any
/// other becomes its default; the voice is noted; a recording plays for a prompt that has one; the
/// hold plays its own music, else the queue's. A language written out that the flow does not
/// declare is E0705; a computed one is a flow error its `on error` handler takes.
#[test]
fn flow_languages_voices_recordings_and_hold_music() {
    let flow = |lang: &str| {
        format!(
            "prompt Hi {{\n  \"en-US\": \"Hello.\",\n  \"nl-NL\": \"Hallo.\" audio \"audio/hallo.wav\",\n}}\n\
             inbound flow Main languages \"en-US\" voice \"Joanna\", \"nl-NL\" voice \"Lotte\" {{\n  \
             on error {{\n    play \"error {{Flow.ErrorType}}\"\n    disconnect\n  }}\n  \
             play prompt(Hi)\n  menu M \"Press 1 for Dutch.\" retries 0 {{\n    1 => set Call.Language = {lang}\n  }}\n  \
             play prompt(Hi)\n  transfer to Support with Wait\n  disconnect\n}}\n\
             inqueue flow Wait {{\n  hold 10s\n  hold 10s music \"audio/rain.wav\"\n}}\n"
        )
    };
    let center = "queues:\n  Support:\n    hold_music: \"audio/hold.wav\"\n";
    let files = |lang: &str| -> Vec<(&'static str, String)> {
        vec![
            ("center.yaml", center.to_string()),
            ("main.flow", flow(lang)),
            ("audio/hallo.wav", "RIFF".into()),
            ("audio/hold.wav", "RIFF".into()),
            ("audio/rain.wav", "RIFF".into()),
        ]
    };
    let owned = files("\"nl-NL\"");
    let refs: Vec<(&str, &str)> = owned.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let p = Scratch::new("languages", &refs);
    p.cmd("check").stderr_contains("0 errors, 0 warnings").run();
    // English by default; pressing 1 switches to Dutch, its voice and its recording.
    let out = p
        .cmd("run")
        .args(["--press", "1", "--agents", "0", "--max-wait", "30s"])
        .stdout_contains("speaks en-US in the voice Joanna")
        .stdout_contains("plays \"Hello.\"")
        .stdout_contains("speaks nl-NL in the voice Lotte")
        .stdout_contains("recording audio/hallo.wav")
        .stdout_contains("plays \"Hallo.\"")
        .stdout_contains("plays \"♪ audio/hold.wav\"")
        .stdout_contains("plays \"♪ audio/rain.wav\"")
        .run();
    assert!(out.stdout.find("Hello.") < out.stdout.find("Hallo."), "{}", out.stdout);
    // A Dutch caller (`nl`) is spoken to in Dutch from the start; a French one in the default.
    p.cmd("run")
        .args(["--language", "nl", "--press", "1"])
        .stdout_contains("speaks nl-NL in the voice Lotte")
        .run();
    let out = p.cmd("run").args(["--language", "fr-FR", "--press", "1"]).run();
    assert!(out.stdout.contains("speaks en-US in the voice Joanna"), "{}", out.stdout);
    p.cmd("run")
        .args(["--language", "Dutch"])
        .status(1)
        .stderr_contains("--language \"Dutch\" is not a language tag")
        .run();
    // Written out: E0705. Computed: the flow's error handler.
    let owned = files("\"fr-FR\"");
    let refs: Vec<(&str, &str)> = owned.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let p = Scratch::new("languages_bad", &refs);
    p.cmd("check")
        .status(1)
        .stderr_contains("E0705")
        .stderr_contains("flow `Main` does not speak `fr-FR`")
        .run();
    let owned = files("\"fr\" + \"-FR\"");
    let refs: Vec<(&str, &str)> = owned.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let p = Scratch::new("languages_computed", &refs);
    p.cmd("run").args(["--press", "1"]).stdout_contains("plays \"error language\"").run();
    // Recordings that are not there: W0704, the call still runs.
    let p = Scratch::new("recordings_missing", &[("center.yaml", center), ("main.flow", &flow("\"nl-NL\""))]);
    let out = p.cmd("check").stderr_contains("W0704").stderr_contains("no recording `audio/hold.wav`").run();
    assert_eq!(out.stderr.matches("W0704").count(), 3, "{}", out.stderr);
}

/// `transfer to secure flow`: the secure flow's input is masked, its variables stay its own,
/// `Call.Data` carries the result back, and the caller goes on after the transfer; an error in it
/// takes the transfer's `on failure`; a disconnect there ends the call as the secure flow's. The
/// checker keeps secrets out of `Call.Data` (E0303), secure flows from transferring (E0301) and
/// the transfer to secure flows (E0106); the test generator walks through it.
#[test]
fn a_secure_flow_collects_a_secret_and_returns() {
    let center = "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n";
    // A PIN of 9999 makes the secure flow overflow (an error nothing in it handles).
    let flow = |extra: &str| {
        format!(
            "inbound flow Main {{\n  transfer to secure flow Pin on failure => {{\n    play \"failed\"\n    disconnect\n  }}\n  \
             play \"result \" + Call.Data[\"pin\"]\n  disconnect\n}}\n\
             secure flow Pin {{\n  ask Task.Pin \"Your PIN?\" digits 4 timeout 5s on noinput => disconnect\n  \
             set Flow.N = to_int(Task.Pin) * 1000000000000000\n  \
             if Task.Pin == \"1111\" {{\n    play \"Ones.\"\n  }}\n  \
             set Call.Data[\"pin\"] = \"ok \" + last(Task.Pin, 1)\n{extra}}}\n"
        )
    };
    let p = Scratch::new("secure", &[("center.yaml", center), ("main.flow", &flow(""))]);
    p.cmd("check").run();
    let out = p
        .cmd("run")
        .args(["--press", "1234"])
        .stdout_contains("into secure flow Pin")
        .stdout_contains("caller presses ••••")
        .stdout_contains("back from secure flow Pin to Main")
        .stdout_contains("plays \"result ok 4\"")
        .stdout_contains("outcome: disconnected by flow Main")
        .run();
    assert!(!out.stdout.contains("1234"), "{}", out.stdout);
    // An error in the secure flow: the transfer's failure path.
    p.cmd("run")
        .args(["--press", "9999"])
        .stdout_contains("secure flow Pin failed (arithmetic)")
        .stdout_contains("plays \"failed\"")
        .run();
    // The caller keys in nothing: the secure flow ends the call.
    p.cmd("run").stdout_contains("outcome: disconnected by flow Pin").run();
    // Generated cases walk through the secure flow (its input is the case's) and pass.
    let plain = flow("").replace("set Flow.N = to_int(Task.Pin) * 1000000000000000\n  ", "");
    let p = Scratch::new("secure_generated", &[("center.yaml", center), ("main.flow", &plain)]);
    let out = p.cmd("test").args(["--generate", "Main"]).run();
    assert!(out.stdout.contains("press: \"1111\""), "{}", out.stdout);
    std::fs::write(p.0.join("generated.test.yaml"), &out.stdout).unwrap();
    let run = Test::new().args(["test", &p.0.join("generated.test.yaml").to_string_lossy()]).run();
    assert!(run.stdout.contains(" 0 failed"), "{}\n{}", out.stdout, run.stdout);
    // The secret kept whole in Call.Data; a transfer from a secure flow; a secure flow that is not.
    let p = Scratch::new(
        "secure_leak",
        &[
            ("center.yaml", center),
            ("main.flow", &flow("  set Call.Data[\"p\"] = \"pin \" + Task.Pin\n  transfer to Support\n")),
        ],
    );
    p.cmd("check")
        .status(1)
        .stderr_contains("E0303")
        .stderr_contains("`Task.Pin` holds secure input and would be kept in `Call.Data`")
        .stderr_contains("E0301")
        .run();
    let wrong = "inbound flow Main {\n  transfer to secure flow Other\n  disconnect\n}\ninbound flow Other {\n  disconnect\n}\n";
    let p = Scratch::new("secure_kind", &[("center.yaml", center), ("main.flow", wrong)]);
    p.cmd("check")
        .status(1)
        .stderr_contains("E0106")
        .stderr_contains("`Other` is an inbound flow; this transfer goes to a secure flow")
        .run();
    let p = Scratch::new(
        "secure_test_entry",
        &[
            ("center.yaml", center),
            ("main.flow", &flow("")),
            ("t.test.yaml", "flow: Pin\ncases:\n  - name: a\n"),
        ],
    );
    Test::new()
        .args(["test", &p.0.join("t.test.yaml").to_string_lossy()])
        .status(2)
        .stderr_contains("Pin is a secure flow")
        .run();
}

/// Spoken menu choices: words said match a keyword among them, a key said as a word matches the
/// key, digits said answer an ask; `--say` and `[words]` in `--press` speak in `run`; a keyword
/// with symbols is E0701.
#[test]
fn callers_may_say_their_choice() {
    let flow = |choice: &str| {
        format!(
            "inbound flow Main {{\n  menu Main \"Say billing or press 1.\" retries 0 {{\n    1, {choice} => {{\n      \
             ask Flow.Acct \"Your account number?\" digits 4\n      play \"Account {{Flow.Acct}}.\"\n      transfer to Billing\n    }}\n    \
             2 => transfer to Billing\n    exhausted => {{\n      play \"Sorry.\"\n      disconnect\n    }}\n  }}\n  disconnect\n}}\n"
        )
    };
    let center = "queues:\n  Billing: {}\n";
    let p =
        Scratch::new("speech", &[("center.yaml", center), ("main.flow", &flow("\"billing\", \"my bill\""))]);
    p.cmd("check").run();
    p.cmd("run")
        .args(["--say", "a question about my bill please", "--say", "one two three four"])
        .stdout_contains("caller says \"a question about my bill please\"")
        .stdout_contains("→ say \"my bill\"")
        .stdout_contains("plays \"Account 1234.\"")
        .run();
    p.cmd("run").args(["--press", "[one]5678"]).stdout_contains("plays \"Account 5678.\"").run();
    p.cmd("run").args(["--say", "parking"]).stdout_contains("plays \"Sorry.\"").run();
    let p = Scratch::new("speech_bad", &[("center.yaml", center), ("main.flow", &flow("\"bill$\""))]);
    p.cmd("check")
        .status(1)
        .stderr_contains("E0701")
        .stderr_contains("`bill$` is not words a caller can say")
        .run();
}

/// `on key` mistakes: a key twice, more than one key, a handler that can end.
#[test]
fn any_time_keys_are_checked() {
    let center = "queues:\n  Support: {}\n";
    let p = Scratch::new(
        "on_key_bad",
        &[
            ("center.yaml", center),
            (
                "main.flow",
                "inbound flow Main {\n  on key \"9\" { disconnect }\n  on key \"9\" { disconnect }\n  \
                 on key \"12\" { disconnect }\n  on key \"8\" { play \"hi\" }\n  menu M \"press 1\" { 1 => transfer to Support }\n  disconnect\n}\n",
            ),
        ],
    );
    p.cmd("check")
        .status(1)
        .stderr_contains("the key `9` has a second `on key` handler")
        .stderr_contains("`12` is not a key on a phone")
        .stderr_contains("the `on key 8` handler can end without a terminal action")
        .run();
}

/// A lookup table may be YAML: a list of rows, each cell checked and reported where it is written.
#[test]
fn yaml_tables_are_read_and_checked_cell_by_cell() {
    let flow = "table Plans from \"plans.yaml\" key code { plan: String, euros: Integer }\n\
                inbound flow Main {\n  ask Flow.C \"Plan?\" digits 1\n  lookup Plans key Flow.C into { Flow.P = plan, Flow.E = euros }\n    \
                on not found => { play \"no such plan\" \n disconnect }\n  play \"{Flow.P} at {Flow.E} euros\"\n  disconnect\n}\n";
    let good = "# plans\n- code: 1\n  plan: Basic\n  euros: 10\n- { code: 2, plan: Plus, euros: 18 }\n";
    let p = Scratch::new("yaml_table", &[("main.flow", flow), ("plans.yaml", good)]);
    p.cmd("check").run();
    p.cmd("run").args(["--press", "2"]).stdout_contains("plays \"Plus at 18 euros\"").run();
    p.cmd("run").args(["--press", "7"]).stdout_contains("plays \"no such plan\"").run();
    let bad = "- code: 1\n  plan: Basic\n  euros: ten\n- { code: 2, plan: Plus }\n";
    let p = Scratch::new("yaml_table_bad", &[("main.flow", flow), ("plans.yaml", bad)]);
    p.cmd("check").status(1).stderr_contains("E1002").stderr_contains("row 2 has no `euros`").run();
    let bad = "- code: 1\n  plan: Basic\n  euros: ten\n";
    let p = Scratch::new("yaml_table_cell", &[("main.flow", flow), ("plans.yaml", bad)]);
    p.cmd("check")
        .status(1)
        .stderr_contains("plans.yaml:3:10")
        .stderr_contains("`ten` in column `euros` is not an Integer")
        .run();
    let p = Scratch::new("yaml_table_shape", &[("main.flow", flow), ("plans.yaml", "code: 1\n")]);
    p.cmd("check").status(1).stderr_contains("a YAML table is a list of rows").run();
}

/// `transfer to agent`: a free agent takes the call at once, a busy one is the failure path;
/// an agent written out must exist.
#[test]
fn a_transfer_to_an_agent_reaches_them_or_fails() {
    let center = "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n  - name: bob\n    queues: [Support]\n";
    let flow = |agent: &str| {
        format!(
            "inbound flow Main {{\n  transfer to agent \"{agent}\" on failure => {{\n    play \"busy\"\n    \
             transfer to voicemail agent \"{agent}\"\n  }}\n  disconnect\n}}\n"
        )
    };
    let p = Scratch::new("to_agent", &[("center.yaml", center), ("main.flow", &flow("bob"))]);
    p.cmd("run").stdout_contains("outcome: answered by agent bob in Support").run();
    // Two calls ahead keep both agents busy: bob is not free, so his voicemail takes the call.
    p.cmd("run")
        .args(["--ahead", "2"])
        .stdout_contains("transfer refused: agent bob is not free")
        .stdout_contains("outcome: transferred to voicemail of agent bob")
        .run();
    let p = Scratch::new("to_agent_bad", &[("center.yaml", center), ("main.flow", &flow("bobby"))]);
    p.cmd("check")
        .status(1)
        .stderr_contains("no agent `bobby` in center.yaml")
        .stderr_contains("did you mean `bob`")
        .run();
}

/// `use`: a module's definitions join the project (a clash is E0102); modules that use each
/// other are E0108 with the cycle spelt out.
#[test]
fn modules_are_used_and_cycles_reported() {
    let p = Scratch::new(
        "modules",
        &[
            ("app/main.flow", "use \"../shared\"\ninbound flow Main {\n  play prompt(Hi)\n  jump Bye\n}\n"),
            (
                "shared/bye.flow",
                "prompt Hi { \"en-US\": \"Hello from the module.\" }\ntask Bye {\n  disconnect\n}\n",
            ),
        ],
    );
    let app = p.0.join("app").to_string_lossy().to_string();
    Test::new().arg("run").arg(&app).stdout_contains("plays \"Hello from the module.\"").run();
    // The module uses the app back: a cycle.
    std::fs::write(p.0.join("shared/back.flow"), "use \"../app\"\n").unwrap();
    Test::new()
        .arg("check")
        .arg(&app)
        .status(1)
        .stderr_contains("E0108")
        .stderr_contains("modules use each other in a cycle: ")
        .run();
    // A clash between the app and the module.
    std::fs::write(p.0.join("shared/back.flow"), "task Bye {\n  disconnect\n}\n").unwrap();
    Test::new().arg("check").arg(&app).status(1).stderr_contains("E0102").run();
}

/// `interdigit`: a pause shorter than it is the caller still keying in; without it (or longer)
/// a pause ends the input.
#[test]
fn an_ask_waits_its_interdigit_time_between_keys() {
    let flow = |opt: &str| {
        format!(
            "inbound flow Main {{\n  ask Flow.N \"Your number?\" digits 2..4 {opt}\n    on noinput => play \"none\"\n  \
             play \"got {{Flow.N}}\"\n  disconnect\n}}\n"
        )
    };
    let p = Scratch::new("interdigit", &[("main.flow", &flow("interdigit 2s"))]);
    p.cmd("check").run();
    p.cmd("run").args(["--press", "12w34"]).stdout_contains("plays \"got 1234\"").run();
    // A pause of three seconds is longer than 2 s: the input ends after 12.
    p.cmd("run").args(["--press", "12wwwwww34"]).stdout_contains("plays \"got 12\"").run();
    let p = Scratch::new("interdigit_none", &[("main.flow", &flow(""))]);
    p.cmd("run").args(["--press", "12w34"]).stdout_contains("plays \"got 12\"").run();
    let p = Scratch::new("interdigit_bad", &[("main.flow", &flow("interdigit 0s"))]);
    p.cmd("check").status(1).stderr_contains("E0702").run();
}

fn center_with_skills(n: usize) -> String {
    let agents: String =
        (0..n).map(|i| format!("  - name: a{i}\n    skills: [s{i}]\n    queues: [Support]\n")).collect();
    format!("queues:\n  Support: {{}}\nagents:\n{agents}")
}

/// A hundred skills are served (the ACD used to tell only 63 apart, and calls needing the others
/// waited unseen); more than the ACD can hold is refused by `check`, never dropped.
#[test]
fn a_hundred_skills_are_served_and_too_many_are_refused() {
    let flow = "inbound flow Main {\n  transfer to Support skills \"s99\"\n  disconnect\n}\n";
    let p = Scratch::new("skills100", &[("center.yaml", &center_with_skills(100)), ("main.flow", flow)]);
    p.cmd("run").stdout_contains("outcome: answered by agent a99 in Support").run();
    let p = Scratch::new("skills300", &[("center.yaml", &center_with_skills(300)), ("main.flow", flow)]);
    p.cmd("check")
        .status(1)
        .stderr_contains("E0802")
        .stderr_contains("agent `a255` names skill `s255`, one more than the 255 distinct skills")
        .run();
}

/// An in-queue flow that transfers into its own queue is warned about, says position 1 for a
/// lone caller (it left its old place), and stops after 30 transfers.
#[test]
fn an_in_queue_requeue_loop_is_warned_and_capped() {
    let p = Scratch::new(
        "requeue",
        &[
            ("center.yaml", "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n"),
            (
                "main.flow",
                "inbound flow Main {\n  transfer to Support with Hold\n  disconnect\n}\n\
                 inqueue flow Hold {\n  play position\n  hold 30s\n  transfer to Support with Hold\n}\n",
            ),
        ],
    );
    p.cmd("check").stderr_contains("warning[W0406]").run();
    let out = p.cmd("run").args(["--agents", "0", "--patience", "30m"]).run();
    assert!(!out.stdout.contains("at position 2"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("queued in Support at position 1").count(), 31, "{}", out.stdout);
    assert!(
        out.stdout.contains("transfer refused: the call has been transferred into a queue 30 times"),
        "{}",
        out.stdout
    );
}

/// A transfer needing a skill no agent has is a warning with the queue's agent count.
#[test]
fn a_skill_no_agent_has_is_warned() {
    let p = Scratch::new(
        "noskill",
        &[
            (
                "center.yaml",
                "queues:\n  Support: {}\nagents:\n  - name: alice\n    skills: [french]\n    queues: [Support]\n",
            ),
            ("main.flow", "inbound flow Main {\n  transfer to Support skills \"frnech\"\n  disconnect\n}\n"),
        ],
    );
    p.cmd("check")
        .stderr_contains("warning[W0407]")
        .stderr_contains("none of the 1 agents of `Support` has every skill of frnech")
        .run();
}

/// `check` and `run` agree on callbacks' queues: a bare callback in an inbound flow is refused
/// by `check` (E0604); without a center.yaml, a queue named only by a callback exists for `run`.
#[test]
fn check_and_run_agree_on_a_callbacks_queue() {
    let bare = Scratch::new(
        "bare-cb",
        &[("main.flow", "inbound flow Main {\n  create callback number Call.Ani\n  disconnect\n}\n")],
    );
    bare.cmd("check").status(1).stderr_contains("error[E0604]").run();
    let named = Scratch::new(
        "named-cb",
        &[(
            "main.flow",
            "inbound flow Main {\n  create callback number Call.Ani queue Sales\n  disconnect\n}\n",
        )],
    );
    named.cmd("check").run();
    let out = named.cmd("run").run();
    assert!(!out.stdout.contains("unknown queue"), "{}", out.stdout);
    assert!(out.stdout.contains("created in Sales"), "{}", out.stdout);
}

/// The seconds of a trace time such as ` 21:19.5` or `1:02:03.4`.
fn trace_secs(line: &str) -> f64 {
    let stamp = line.split_whitespace().next().unwrap_or("");
    stamp.split(':').fold(0.0, |acc, part| acc * 60.0 + part.parse::<f64>().unwrap_or(0.0))
}

/// `auto_end: true` ends the callback as the call ends; without it the agent closes it after
/// the wrap-up, so it ends a wrap-up later.
#[test]
fn auto_end_ends_the_callback_with_the_call() {
    let span = |auto_end: bool| {
        let center = format!(
            "queues:\n  Support:\n    callback:\n      auto_end: {auto_end}\n\
             agents:\n  - name: alice\n    queues: [Support]\n    wrap_up: 1m\n"
        );
        let p = Scratch::new(
            &format!("autoend-{auto_end}"),
            &[
                ("center.yaml", center.as_str()),
                (
                    "main.flow",
                    "inbound flow Main {\n  create callback number Call.Ani queue Support\n  disconnect\n}\n",
                ),
            ],
        );
        let out = p.cmd("run").args(["--handle", "2m"]).run();
        let at = |what: &str| {
            let line = out
                .stdout
                .lines()
                .find(|l| l.contains(what))
                .unwrap_or_else(|| panic!("{what}:\n{}", out.stdout));
            trace_secs(line)
        };
        at("callback cb-1: completed") - at("customer connected")
    };
    let (auto, manual) = (span(true), span(false));
    assert!((auto - 120.0).abs() < 0.5, "auto_end: completed {auto}s after connecting");
    assert!((manual - 180.0).abs() < 0.5, "closed by hand after a 1m wrap-up: {manual}s");
}

/// Two callbacks of one call, each answered at the first dial, are not "completed after 2
/// attempts": the outcome line names each with its own attempts.
#[test]
fn the_outcome_line_counts_attempts_per_callback() {
    let p = Scratch::new(
        "two-cbs",
        &[
            ("center.yaml", "queues:\n  Support: {}\nagents:\n  - name: alice\n    queues: [Support]\n"),
            (
                "main.flow",
                "inbound flow Main {\n  create callback number +31612345678 queue Support\n  \
                 create callback number +31612345679 queue Support\n  disconnect\n}\n",
            ),
        ],
    );
    let out = p.cmd("run").args(["--callback-answers", "answer,answer"]).run();
    assert!(
        out.stdout
            .contains("its 2 callbacks: cb-1 completed after 1 attempt, cb-2 completed after 1 attempt"),
        "{}",
        out.stdout
    );
}

/// A restarted dispatcher never stamps a history entry before the one it follows, even when an
/// earlier run under --speed got ahead of the wall clock.
#[test]
fn a_restarted_dispatcher_keeps_histories_in_time_order() {
    let dir = Scratch::new("history", &[]);
    let db = dir.0.join("cb.db").to_string_lossy().to_string();
    let now = ["--now", "2026-12-01T09:00:00Z"];
    Test::new()
        .args(["callbacks", "schedule", "--db", &db])
        .args(now)
        .args(["--number", "+31612345678", "--queue", "Support", "--asap"])
        .run();
    for deadline in ["1s", "2s"] {
        Test::new()
            .args(["callbacks", "dispatch", "--db", &db])
            .args(now)
            .args(["--speed", "600", "--deadline", deadline, "--answer", "1", "--handle", "30m"])
            .any_status()
            .run();
    }
    let out = Test::new().args(["callbacks", "show", "cb-20261201-1", "--db", &db, "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let stamps: Vec<&str> =
        v["history"].as_array().unwrap().iter().map(|h| h["at"].as_str().unwrap()).collect();
    assert!(stamps.len() >= 4, "{stamps:?}");
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "history out of order: {stamps:?}");
}

/// `callback: { state: queued }` matches a callback still waiting in its queue (it used to match
/// only ended callbacks), and a trace past the first hour writes hours.
#[test]
fn a_pending_callbacks_state_can_be_expected() {
    let acme = concat!(env!("CARGO_MANIFEST_DIR"), "/flows/acme");
    let cases = format!(
        "project: {acme}\nflow: AcmeSupport\ncases:\n\
         - name: still queued\n    given: {{ agents: none, position: 14, run_for: 10m }}\n    \
         caller: [{{ press: \"2\" }}, {{ press: \"1\" }}]\n    \
         expect:\n      outcome:\n        callback: {{ queue: Support, state: queued }}\n\
         - name: wrongly expected scheduled after two days\n    given: {{ agents: none, position: 14, run_for: 61h }}\n    \
         caller: [{{ press: \"2\" }}, {{ press: \"1\" }}]\n    \
         expect:\n      outcome:\n        callback: {{ queue: Support, state: scheduled }}\n"
    );
    let p = Scratch::new("cb-state", &[("state.test.yaml", &cases.replace("\n- ", "\n  - "))]);
    let out = Test::new()
        .arg("test")
        .arg(p.0.join("state.test.yaml").to_string_lossy().to_string())
        .status(1)
        .run();
    assert!(out.stdout.contains("ok    still queued"), "{}", out.stdout);
    assert!(out.stdout.contains("being scheduled"), "{}", out.stdout);
    // Times past the first hour are written as hours in every trace (one clock, in `time`).
    assert_eq!(callwright::time::format_clock(217_820_700_000), "60:30:20.7");
}

/// A test file with three mistakes reports all three at once, as `check` does for flows.
#[test]
fn a_test_file_reports_every_mistake_at_once() {
    let acme = concat!(env!("CARGO_MANIFEST_DIR"), "/flows/acme");
    let cases = format!(
        "project: {acme}\nflow: AcmeSupport\ncases:\n  \
         - name: one\n    expet: {{ outcome: {{ abandoned: Billing }} }}\n  \
         - name: two\n    given: {{ handle_time: 1.5h }}\n  \
         - name: three\n    flow: AcmeSuport\n"
    );
    let p = Scratch::new("three-mistakes", &[("m.test.yaml", &cases)]);
    let out =
        Test::new().arg("test").arg(p.0.join("m.test.yaml").to_string_lossy().to_string()).status(2).run();
    for code in ["T002", "T003", "T005"] {
        assert!(out.stderr.contains(&format!("error[{code}]")), "{code} missing:\n{}", out.stderr);
    }
    assert!(out.stderr.contains("3 mistakes in the test files"), "{}", out.stderr);
}

/// `run --data` attaches participant data; the trace says when the call is and that the time is
/// the default when opening hours decide the path.
#[test]
fn run_takes_data_and_says_when_the_call_is() {
    let p = Scratch::new(
        "run-data",
        &[(
            "main.flow",
            "schedule Hours in \"Europe/Amsterdam\" {\n  mon..fri 08:00-09:00\n}\n\
             inbound flow Main {\n  if Call.Data[\"vip\"] == \"yes\" {\n    play \"welcome back\"\n  }\n  \
             if not open(Hours) {\n    play \"closed\"\n  }\n  disconnect\n}\n",
        )],
    );
    let out = p.cmd("run").args(["--data", "vip=yes"]).stdout_contains("plays \"welcome back\"").run();
    assert!(
        out.stdout.starts_with("call into Main on Tue 2026-12-01 10:00 Europe/Amsterdam\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("run's default time"), "{}", out.stdout);
    let chosen = p.cmd("run").args(["--at", "2026-12-02T08:30"]).run();
    assert!(!chosen.stdout.contains("run's default time"), "{}", chosen.stdout);
    assert!(!chosen.stdout.contains("closed"), "{}", chosen.stdout);
    p.cmd("run").args(["--data", "vip"]).status(1).stderr_contains("--data `vip` is not KEY=VALUE").run();
}
