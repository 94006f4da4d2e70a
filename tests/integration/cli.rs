//! Test 8: exit codes a shell user can act on.

use crate::support::{Backend, Bed, Settings};

#[tokio::test]
async fn check_config_names_an_unknown_key_and_exits_78() {
    let bed = Bed::new("cfg", Backend::Sqlite).await;
    let good = bed.config();
    let out = bed.run_cli(&good, &["check-config"]).await;
    assert!(
        out.status.success(),
        "a good config passes: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let bad = bed.write_config(
        "unknown.toml",
        &Settings {
            extra: "colour_output = true\n".into(),
            ..Settings::default()
        },
    );
    let out = bed.run_cli(&bad, &["check-config"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(78), "stderr: {stderr}");
    assert!(
        stderr.contains("colour_output"),
        "the message names the key: {stderr}"
    );
}

#[tokio::test]
async fn cases_show_of_an_unknown_reference_exits_3() {
    let bed = Bed::new("show", Backend::Sqlite).await;
    let config = bed.config();
    let out = bed
        .run_cli(&config, &["cases", "show", "LSM-2099-9999", "--json"])
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert!(stderr.contains("LSM-2099-9999"), "{stderr}");
}
