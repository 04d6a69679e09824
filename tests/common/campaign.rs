//! The campaign fixture (tests/fixtures/serve/campaign) in a temp folder, with a contact list in a
//! zone where it is daytime now, for the API and browser tests of campaigns.

/// A zone where it is between 07:00 and 17:00 now, so the campaign's 06:00–20:00 hold for the
/// whole test whatever the hour the suite runs.
pub fn daytime_zone() -> &'static str {
    use chrono::Timelike;
    let zones = ["Europe/Amsterdam", "America/New_York", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata"];
    zones
        .into_iter()
        .find(|z| {
            let tz: chrono_tz::Tz = z.parse().unwrap();
            (7..17).contains(&chrono::Utc::now().with_timezone(&tz).hour())
        })
        .expect("one of five zones spread around the world is in daytime")
}

/// The campaign fixture in a temp folder with its contact list in `zone`.
pub fn project(tag: &str, zone: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("callwright-campaign-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve/campaign");
    for f in ["center.yaml", "greeting.flow"] {
        std::fs::copy(fixture.join(f), dir.join(f)).unwrap();
    }
    let csv = format!(
        "name,timezone,mobile,mobile_hours,home\n\
         Ada Lovelace,{zone},06 12345678,,020 123 4567\n\
         Jan Jansen,{zone},06 23456789,,\n\
         Bad Row,{zone},not a number,,\n\
         Kees Visser,{zone},06 34567890,,\n"
    );
    std::fs::write(dir.join("contacts.csv"), csv).unwrap();
    dir
}
