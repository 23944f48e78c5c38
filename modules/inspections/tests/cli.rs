//! `jianfu bench schedule`: a small generated province staggered, its time and moves printed.
use crate::helpers::jianfu_command;

#[test]
fn bench_schedule_prints_the_time_and_the_moves() {
    let out = jianfu_command()
        .args([
            "bench", "schedule", "--units", "400", "--items", "900", "--seed", "7",
        ])
        .output()
        .expect("jianfu runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for expect in [
        "400 个基层单位",
        "900 项较大规模督查检查",
        "求解：",
        "调整事项：",
        "所需调整下界",
    ] {
        assert!(text.contains(expect), "{expect} missing in {text}");
    }
    let bad = jianfu_command()
        .args(["bench", "schedule", "--units", "many"])
        .output()
        .expect("jianfu runs");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--units"));
}
