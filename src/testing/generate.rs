//! Skeleton cases, one per path.

use super::project_under_test::ProjectUnderTest;

pub fn skeleton(_p: &ProjectUnderTest, flow: &str, _loops: u32) -> Result<String, String> {
    Err(format!("not yet: {flow}"))
}
