//! Test 8: exit codes a shell user can act on.

use crate::support::{Backend, Bed, Settings};

async fn check_config_names_an_unknown_key_and_exits_78(backend: Backend) {
    let bed = Bed::new("cfg", backend).await;
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
crate::on_both_backends!(
    check_config_names_an_unknown_key_and_exits_78,
    check_config_names_an_unknown_key_and_exits_78
);

async fn cases_show_of_an_unknown_reference_exits_3(backend: Backend) {
    let bed = Bed::new("show", backend).await;
    let config = bed.config();
    let out = bed
        .run_cli(&config, &["cases", "show", "LSM-2099-9999", "--json"])
        .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "stderr: {stderr}");
    assert!(stderr.contains("LSM-2099-9999"), "{stderr}");
}
crate::on_both_backends!(
    cases_show_of_an_unknown_reference_exits_3,
    cases_show_of_an_unknown_reference_exits_3
);
