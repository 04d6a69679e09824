//! `callwright run`: golden traces of the acme line, and clear errors for bad flags.

mod common;
use common::{Test, assert_golden, root};

fn golden(name: &str, args: &[&str]) {
    let mut t = Test::new().args(["run", "flows/acme"]);
    for a in args {
        t = t.arg(*a);
    }
    let out = t.run();
    assert_golden(&root().join(format!("tests/golden/run/{name}.txt")), &out.stdout);
}

#[test]
fn press_2_reaches_an_agent_in_support() {
    golden("press_2", &["--press", "2"]);
    Test::new()
        .args(["run", "flows/acme", "--press", "2"])
        .stdout_contains("outcome: answered by agent")
        .run();
}

#[test]
fn callback_offer_keeps_the_callers_place() {
    golden("callback_offer", &["--press", "11", "--ahead", "12"]);
    Test::new()
        .args(["run", "flows/acme", "--press", "11", "--ahead", "12"])
        .stdout_contains("keeping position")
        .stdout_contains("outcome: callback created in Billing at position")
        .run();
}

#[test]
fn silence_escalates_then_exhausts_the_menu() {
    golden("silence", &[]);
}

#[test]
fn wrong_keys_are_no_match() {
    golden("wrong_keys", &["--press", "9w9w9"]);
}

#[test]
fn holiday_and_after_hours() {
    golden("holiday", &["--at", "2026-12-25T10:00"]);
    golden("after_hours", &["--at", "2026-12-01T21:00"]);
}

#[test]
fn json_trace_carries_the_same_facts() {
    let out = Test::new().args(["run", "flows/acme", "--press", "2", "--format", "json"]).run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["kind"], "answered");
    assert_eq!(v["outcome"]["queue"], "Support");
    let events = v["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["kind"] == "input" && e["digits"] == "2"));
    assert!(events.iter().any(|e| e["kind"] == "step" && e["line"].as_u64().is_some()));
}

#[test]
fn same_flags_same_trace() {
    let run = || Test::new().args(["run", "flows/acme", "--press", "11", "--ahead", "5"]).run().stdout;
    assert_eq!(run(), run());
}

#[test]
fn bad_flags_exit_1_with_the_flag_named() {
    Test::new().args(["run", "flows/acme", "--press", "1x"]).status(1).stderr_contains("--press").run();
    Test::new().args(["run", "flows/acme", "--ani", "12"]).status(1).stderr_contains("--ani").run();
    Test::new().args(["run", "flows/acme", "--at", "tomorrow"]).status(1).stderr_contains("--at").run();
    Test::new().args(["run", "flows/acme", "--tz", "Mars/Olympus"]).status(1).stderr_contains("--tz").run();
    Test::new().args(["run", "flows/acme", "--flow", "Nope"]).status(1).run();
    Test::new()
        .args(["run", "flows/acme", "--at", "2026-03-29T02:30", "--tz", "Europe/Amsterdam"])
        .status(1)
        .stderr_contains("does not exist")
        .run();
}

#[test]
fn the_caller_can_hang_up_anywhere() {
    Test::new()
        .args(["run", "flows/acme", "--hang-up-after", "5s"])
        .stdout_contains("outcome: the caller hung up in AcmeSupport at flows/acme/support.flow:22")
        .run();
    Test::new()
        .args(["run", "flows/acme", "--press", "2", "--agents", "0", "--hang-up-after", "2m"])
        .stdout_contains("outcome: abandoned after 1m52s in Support")
        .run();
    // Hanging up mid-conversation ends the talk; the call still counts as answered.
    Test::new()
        .args(["run", "flows/acme", "--press", "2", "--hang-up-after", "30s"])
        .stdout_contains("outcome: answered by agent")
        .run();
}

/// A `secure` ask's keys never reach the trace (text or JSON); the flow still uses them (the card
/// passes its Luhn check, and its last four digits are read back as the flow asks).
#[test]
fn secure_input_is_masked_in_every_trace() {
    for format in ["text", "json"] {
        let out = Test::new()
            .args(["run", "flows/corpus/utility-payments", "--format", format])
            .args(["--press", "12345678#w4111111111111111w1228w1"])
            .args(["--mock", r#"AccountLookup={"holder":{"name":"Ann"},"balance":{"cents":500}}"#])
            .args(["--mock", r#"TakePayment={"charge":{"reference":"R-1"}}"#])
            .stdout_contains("card ending in 1111")
            .stdout_contains("••••••••••••••••")
            .stdout_contains("R-1")
            .run();
        assert!(
            !out.stdout.contains("4111111111111111"),
            "{format}: the card number leaked:\n{}",
            out.stdout
        );
    }
}

/// `--mock` names a data action of the project and a result it can read.
#[test]
fn a_mock_for_an_unknown_action_or_a_bad_result_is_refused() {
    Test::new()
        .args(["run", "flows/corpus/retail-bank", "--flow", "BankLine", "--mock", "CustomerLookp=fails"])
        .status(1)
        .stderr_contains("did you mean `CustomerLookup`?")
        .run();
    Test::new()
        .args([
            "run",
            "flows/corpus/retail-bank",
            "--flow",
            "BankLine",
            "--mock",
            r#"CustomerLookup={"returns":{},"failure":"150%"}"#,
        ])
        .status(1)
        .stderr_contains("failure")
        .run();
}

/// A computed number that cannot be dialled takes the transfer's failure path; flows that transfer
/// to each other stop with a flow error instead of running for ever; a number written out is
/// transferred to.
#[test]
fn transfers_out_fail_where_they_must_and_flow_loops_stop() {
    let dir = std::env::temp_dir().join(format!("callwright-transfer-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.flow"),
        "inbound flow Main {\n  set Flow.N = \"12\"\n  transfer to number Flow.N on failure => {\n    play \"Cannot dial.\"\n    transfer to number \"+31205550199\"\n  }\n}\n\ninbound flow A {\n  transfer to flow B\n}\n\ninbound flow B {\n  transfer to flow A\n}\n",
    )
    .unwrap();
    let project = dir.display().to_string();
    Test::new()
        .args(["run", &project, "--flow", "Main"])
        .stdout_contains("transfer refused: `12` is not a number to dial")
        .stdout_contains("outcome: transferred to +31205550199")
        .run();
    Test::new()
        .args(["run", &project, "--flow", "A"])
        .stdout_contains("more than 8 transfers from flow to flow")
        .run();
    let _ = std::fs::remove_dir_all(&dir);
}
