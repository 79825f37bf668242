//! Sequential `query-version` round trips of the async client (oob on and off) and the blocking client against a
//! bare blocking socket loop (the bench's baseline), interleaved in short rounds so that a shared machine's load
//! weighs on all alike; prints each one's median per round trip, its median ratio to the bare loop, and the CPU
//! time this process spent per round trip (user + system, all threads: less sensitive to the machine's load).
//! `cargo run --release --example versus_bare -- SOCKET [ROUNDS] [CALLS_PER_ROUND]`; the server must accept one
//! client after another (`qemu-storage-daemon --chardev socket,path=SOCKET,server=on,wait=off,id=m
//! --monitor chardev=m`).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use qmp_client::ClientBuilder;
use serde_json::Value;

/// The bench's baseline: write one request, read one line, no parsing.
fn bare(path: &str, calls: usize) -> f64 {
    let stream = UnixStream::connect(path).expect("connecting");
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut writer = stream;
    let mut line = String::new();
    reader.read_line(&mut line).expect("the greeting");
    writer
        .write_all(b"{\"execute\": \"qmp_capabilities\"}\n")
        .expect("writing");
    line.clear();
    reader.read_line(&mut line).expect("the reply");
    let started = Instant::now();
    for _ in 0..calls {
        writer
            .write_all(b"{\"execute\": \"query-version\"}\n")
            .expect("writing");
        line.clear();
        reader.read_line(&mut line).expect("the reply");
    }
    started.elapsed().as_secs_f64() / calls as f64 * 1e6
}

async fn async_client(path: &str, calls: usize, oob: bool) -> f64 {
    let qmp = ClientBuilder::new()
        .oob(oob)
        .connect_unix(path)
        .await
        .expect("connecting");
    let started = Instant::now();
    for _ in 0..calls {
        qmp.execute_raw("query-version", Value::Null)
            .await
            .expect("query-version");
    }
    let took = started.elapsed().as_secs_f64() / calls as f64 * 1e6;
    qmp.close().await;
    took
}

fn blocking_client(path: &str, calls: usize) -> f64 {
    let qmp = qmp_client::blocking::Client::connect_unix(path).expect("connecting");
    let started = Instant::now();
    for _ in 0..calls {
        qmp.execute_raw("query-version", Value::Null)
            .expect("query-version");
    }
    let took = started.elapsed().as_secs_f64() / calls as f64 * 1e6;
    qmp.close();
    took
}

/// CPU time of this process so far (user + system, every thread), in microseconds.
fn cpu_us() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let us = |t: libc::timeval| t.tv_sec as f64 * 1e6 + t.tv_usec as f64;
    us(usage.ru_utime) + us(usage.ru_stime)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: versus_bare SOCKET [ROUNDS] [CALLS_PER_ROUND]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(15);
    let calls: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(300);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let names = ["bare socket", "async, oob on", "async, oob off", "blocking"];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut cpu: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    for round in 0..rounds {
        // Each round starts with another variant, so that none always follows the same one.
        for k in 0..names.len() {
            let which = (round + k) % names.len();
            let cpu_before = cpu_us();
            let t = match which {
                0 => bare(&path, calls),
                1 => rt.block_on(async_client(&path, calls, true)),
                2 => rt.block_on(async_client(&path, calls, false)),
                _ => blocking_client(&path, calls),
            };
            times[which].push(t);
            // Connecting and closing are in it too, spread over the round's calls.
            cpu[which].push((cpu_us() - cpu_before) / calls as f64);
        }
    }
    for ((name, all), cpu) in names.iter().zip(&times).zip(&cpu) {
        let ratios = all.iter().zip(&times[0]).map(|(t, b)| t / b).collect();
        println!(
            "{name:15} median {:6.1} us per round trip, {:.2}x the bare socket; CPU {:5.1} us per round trip",
            median(all.clone()),
            median(ratios),
            median(cpu.clone())
        );
    }
    println!("(medians of {rounds} interleaved rounds of {calls} calls)");
}
