//! `qapi-gen diff` on its own, until the `qapi-gen` command line mounts it:
//! `cargo run -p qapi-diff --example diff -- OLD NEW [--format json] [--fail-on breaking]`.

use clap::Parser;

#[derive(Parser)]
#[command(name = "qapi-diff")]
struct Cli {
    #[command(flatten)]
    diff: qapi_diff::DiffArgs,
}

fn main() -> std::process::ExitCode {
    qapi_diff::run_diff(&Cli::parse().diff)
}
