//! The adversarial suite (issue #8): a seeded world of every country, role and sharing state with
//! canaries in every reserved value; an independent policy oracle written from SPEC §2–§3; the
//! identity × operation × object matrix; leak scans of every endpoint and of the server's log;
//! non-interference; the token corpus on every operation; resource limits.

mod leaks;
mod legislation;
mod matrix;
mod oracle;
mod resources;
mod tokens_everywhere;
mod world;

/// Report a figure of the suite: printed, and appended to `target/tmp/security-figures.txt`,
/// which `.ci/run` prints after each run (a passing test's output is otherwise captured).
pub fn figure(line: String) {
    use std::io::Write;
    println!("{line}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("security-figures.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{line}");
    }
}
