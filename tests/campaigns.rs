//! Outbound campaigns in the simulator (`flows/outbound/campaign.yaml`): each dialling mode on the
//! virtual clock — preview and push preview reserve the agent first and never abandon, progressive
//! never has more dials in progress than free agents, predictive keeps abandonment under its
//! target at several list sizes and keeps agents busier than progressive — and no dial outside the
//! calling hours.

mod common;
use common::Test;
use serde_json::Value;

/// `flows/outbound/campaign.yaml` with `edits` (text replacements) applied, run; its JSON report.
fn run(tag: &str, edits: &[(&str, &str)]) -> Value {
    let dir = std::env::temp_dir().join(format!("callwright-campaign-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let project = std::fs::canonicalize("flows/outbound").unwrap().display().to_string();
    let mut text = std::fs::read_to_string("flows/outbound/campaign.yaml")
        .unwrap()
        .replace("project: .", &format!("project: {project}"));
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replace(from, to);
    }
    let path = dir.join("s.yaml");
    std::fs::write(&path, text).unwrap();
    let out =
        Test::new().arg("simulate").arg(path.display().to_string()).args(["--format", "json"]).run().stdout;
    serde_json::from_str(&out).unwrap()
}

fn campaign(r: &Value) -> &Value {
    &r["campaigns"]["renewals"]
}

/// Outbound only (one inbound call an hour), so the modes are compared on dialling alone.
const QUIET: (&str, &str) = ("rate: 40/h", "rate: 1/h");

#[test]
fn preview_modes_reserve_the_agent_and_never_abandon() {
    for mode in ["preview", "push_preview"] {
        let r = run(mode, &[("mode: predictive ", &format!("mode: {mode} "))]);
        let c = campaign(&r);
        assert_eq!(c["mode"], mode);
        assert_eq!(c["abandoned"], 0, "{mode}: the agent is on the line before the customer answers");
        assert_eq!(c["dials_per_free_agent_peak"], 0.0, "{mode}: no paced dials");
        assert!(c["right_party_contacts"].as_u64().unwrap() > 300, "{c}");
        let rejected = r["callbacks"]["rejected_offers"].as_u64().unwrap();
        if mode == "push_preview" {
            assert!(rejected > 0, "push preview: agents reject some records");
        } else {
            assert_eq!(rejected, 0, "preview: the record is the agent's to dial");
        }
    }
}

#[test]
fn progressive_never_dials_more_than_free_agents() {
    let r = run("progressive", &[("mode: predictive ", "mode: progressive "), QUIET]);
    let c = campaign(&r);
    assert_eq!(c["dials_per_free_agent_peak"], 1.0);
    assert_eq!(c["abandoned"], 0, "outbound only: an answering customer always has their agent");
    // Blended with inbound calls, an agent may be taken by a caller while the customer's phone
    // rings: progressive then abandons some, and predictive holds the target (next test).
    let blended = run("progressive-blended", &[("mode: predictive ", "mode: progressive ")]);
    assert!(campaign(&blended)["abandoned"].as_u64().unwrap() > 0);
}

#[test]
fn predictive_holds_the_abandonment_target_and_beats_progressive_on_occupancy() {
    for contacts in ["1000", "4000", "8000"] {
        let r = run(
            &format!("predictive-{contacts}"),
            &[("contacts: 1500", &format!("contacts: {contacts}")), QUIET],
        );
        let c = campaign(&r);
        let rate = c["abandon_rate"].as_f64().unwrap();
        assert!(rate <= 0.03, "{contacts} contacts: abandonment {rate} over the 3% target");
        assert!(c["dials_per_free_agent_peak"].as_f64().unwrap() > 1.0, "it dials ahead");
    }
    let blended = run("predictive-blended", &[]);
    assert!(campaign(&blended)["abandon_rate"].as_f64().unwrap() <= 0.03, "blended with inbound too");
    let occupancy = |r: &Value| r["per_group"]["sales"]["occupancy"].as_f64().unwrap();
    let predictive = run("predictive-occ", &[("contacts: 1500", "contacts: 4000"), QUIET]);
    let progressive = run(
        "progressive-occ",
        &[("contacts: 1500", "contacts: 4000"), ("mode: predictive ", "mode: progressive "), QUIET],
    );
    assert!(
        occupancy(&predictive) > occupancy(&progressive),
        "predictive {} against progressive {}",
        occupancy(&predictive),
        occupancy(&progressive)
    );
}

#[test]
fn no_dial_outside_the_calling_hours() {
    let r = run("hours", &[("hours: 09:00-17:00", "hours: 10:00-12:00")]);
    let c = campaign(&r);
    for iv in c["per_interval"].as_array().unwrap() {
        let start = iv["start"].as_str().unwrap();
        assert!(("2026-12-01T10:00"..="2026-12-01T11:30").contains(&start), "a dial at {start}");
    }
    assert!(
        r["callbacks"]["ended_by_reason"]["window_missed"].as_u64().unwrap() > 0,
        "the rest wait for another day"
    );
}

#[test]
fn a_bad_campaign_is_reported_where_it_is_written() {
    let dir = std::env::temp_dir().join(format!("callwright-campaign-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let project = std::fs::canonicalize("flows/outbound").unwrap().display().to_string();
    let text = std::fs::read_to_string("flows/outbound/campaign.yaml")
        .unwrap()
        .replace("project: .", &format!("project: {project}"));
    let path = dir.join("s.yaml");
    std::fs::write(&path, text.replace("mode: predictive ", "mode: robocall ")).unwrap();
    let line = text.lines().position(|l| l.contains("mode: predictive")).unwrap() + 1;
    Test::new()
        .arg("simulate")
        .arg(path.display().to_string())
        .status(1)
        .stderr_contains(format!("s.yaml:{line}:"))
        .stderr_contains("`robocall` is not a dialling mode")
        .run();
    std::fs::write(&path, text.replace("queue: Renewals", "queue: Nowhere")).unwrap();
    Test::new()
        .arg("simulate")
        .arg(path.display().to_string())
        .status(1)
        .stderr_contains("campaign `renewals` names queue `Nowhere`")
        .run();
    Test::new()
        .args(["simulate", "flows/outbound/campaign.yaml", "--compare-modes"])
        .stdout_contains("predictive")
        .stdout_contains("push_preview")
        .stdout_contains("RPC/h")
        .run();
    let json = Test::new()
        .args(["simulate", "flows/outbound/campaign.yaml", "--compare-modes", "--format", "json"])
        .run()
        .stdout;
    let by_mode: Value = serde_json::from_str(&json).unwrap();
    for mode in ["preview", "push_preview", "progressive", "predictive"] {
        assert_eq!(by_mode[mode]["campaigns"]["renewals"]["mode"], mode);
    }
    Test::new()
        .args(["simulate", "flows/outbound/campaign.yaml", "--compare-modes", "--replications", "2"])
        .status(2)
        .run();
}

/// `contacts: list.csv`: a contact list's numbers are dialled only within their callable hours in
/// each contact's own zone (and the campaign's hours); a contact whose hours miss the campaign's is
/// not dialled at all; a number on the scenario's do-not-call list never is.
#[test]
fn a_contact_list_is_dialled_within_each_contacts_hours() {
    let dir = std::env::temp_dir().join(format!("callwright-campaign-list-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let project = std::fs::canonicalize("flows/outbound").unwrap().display().to_string();
    let base = std::fs::read_to_string("flows/outbound/campaign.yaml")
        .unwrap()
        .replace("project: .", &format!("project: {project}"));
    let list = |zone: &str, hours: &str| -> String {
        let mut s = String::from("name,timezone,mobile,mobile_hours\n");
        for i in 0..200 {
            s += &format!("Customer {i},{zone},+3165{i:07},{hours}\n");
        }
        s
    };
    let run = |tag: &str, csv: &str, dnc: Option<&str>| -> Value {
        std::fs::write(dir.join(format!("{tag}.csv")), csv).unwrap();
        let mut text = base.replace("contacts: 1500", &format!("contacts: {tag}.csv"));
        if let Some(numbers) = dnc {
            std::fs::write(dir.join("dnc.txt"), numbers).unwrap();
            text = text.replace("callbacks:\n", "callbacks:\n  do_not_call: dnc.txt\n");
        }
        let path = dir.join(format!("{tag}.yaml"));
        std::fs::write(&path, text).unwrap();
        let out = Test::new()
            .arg("simulate")
            .arg(path.display().to_string())
            .args(["--format", "json"])
            .run()
            .stdout;
        serde_json::from_str(&out).unwrap()
    };
    let hours_of = |r: &Value| -> Vec<String> {
        campaign(r)["per_interval"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["start"].as_str().unwrap()[11..].to_string())
            .collect()
    };
    // New York's 09:00-17:00 is 15:00-23:00 in Amsterdam, the campaign's zone: 15:00-17:00 only.
    let ny = run("ny", &list("America/New_York", "09:00-17:00"), None);
    let starts = hours_of(&ny);
    assert!(
        !starts.is_empty() && starts.iter().all(|s| s.as_str() >= "15:00" && s.as_str() < "17:00"),
        "{starts:?}"
    );
    // Amsterdam mornings only.
    let ams = run("ams", &list("Europe/Amsterdam", "09:00-12:00"), None);
    let starts = hours_of(&ams);
    assert!(!starts.is_empty() && starts.iter().all(|s| s.as_str() < "12:00"), "{starts:?}");
    // Tokyo's working day is the Amsterdam night: nobody is callable.
    let tokyo = run("tokyo", &list("Asia/Tokyo", "09:00-17:00"), None);
    assert_eq!(campaign(&tokyo)["not_callable"], 200);
    assert_eq!(campaign(&tokyo)["dials"], 0);
    // Every number on the do-not-call list: no dial at all.
    let dnc: String = (0..200).map(|i| format!("+3165{i:07}\n")).collect();
    let listed = run("listed", &list("Europe/Amsterdam", "09:00-17:00"), Some(&dnc));
    assert_eq!(campaign(&listed)["dials"], 0);
    assert_eq!(listed["callbacks"]["ended_by_reason"]["do_not_call"], 200);
}
