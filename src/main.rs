//! The `enlace` binary: parses the command line and hands over to `enlace::cli`.

use clap::Parser;

/// mimalloc instead of the system allocator: faster for the many small allocations of JSON
/// handling, and freed memory goes back to the system (BENCHMARKS.md, issue #7).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    enlace::cli::run(enlace::cli::Cli::parse())
}
