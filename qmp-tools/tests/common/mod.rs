//! What the tool tests share: running a tool and reading its output. The QEMU programs they talk to come from
//! `qapi_tests::Server`.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

/// Runs a tool to completion with `input` on standard input.
pub fn run_tool(tool: &str, args: &[&str], input: &str) -> Output {
    let child = spawn_with_input(tool, args, input);
    shown(
        tool,
        args,
        child.wait_with_output().expect("waiting for the tool"),
    )
}

/// Starts a tool and writes `input` to its standard input, then closes it.
fn spawn_with_input(tool: &str, args: &[&str], input: &str) -> Child {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {tool}: {e}"));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("writing stdin");
    drop(stdin);
    child
}

/// `output`, after printing it for the test's log.
fn shown(tool: &str, args: &[&str], output: Output) -> Output {
    eprintln!(
        "--- {tool} {args:?} exited {}\n--- stdout:\n{}--- stderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The index of the first line containing `needle`, or a panic naming it.
pub fn line_of(lines: &[&str], needle: &str) -> usize {
    lines
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line contains {needle:?} in:\n{}", lines.join("\n")))
}

/// Runs a tool as [`run_tool`] does, but kills it and fails the test if it is still running after `limit`: for
/// tools that are being tested for not hanging.
pub fn run_tool_bounded(
    tool: &str,
    args: &[&str],
    input: &str,
    limit: std::time::Duration,
) -> Output {
    let mut child = spawn_with_input(tool, args, input);
    let deadline = std::time::Instant::now() + limit;
    while child.try_wait().expect("polling the tool").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{tool} {args:?} still running after {limit:?}: it hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    shown(
        tool,
        args,
        child.wait_with_output().expect("reading the tool's output"),
    )
}
