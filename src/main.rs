//! The `enlace` binary: parses the command line and hands over to `enlace::cli`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    enlace::cli::run(enlace::cli::Cli::parse())
}
