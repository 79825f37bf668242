//! qom-fuse: QEMU's object tree mounted as a file system, until SIGINT or SIGTERM unmounts it.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use qmp_tools::qom_fuse::QomFs;
use qmp_tools::shared::connect::{Blocking, Peer, ServerArgs};
use qmp_tools::shared::read_only::ReadOnly;

/// Mounts QEMU's object tree (QOM): objects are directories, properties are files (read: qom-get, write: qom-set),
/// child<> properties are directories and set link<> properties are symbolic links. Runs until SIGINT or SIGTERM,
/// then unmounts. Properties QEMU would refuse to set (`type`, a realized device's qdev properties) are read-only
/// files.
#[derive(Parser)]
#[command(name = "qom-fuse", version)]
struct Args {
    #[command(flatten)]
    server: ServerArgs,
    /// The directory to mount on (what it holds is hidden while the tree is mounted).
    mountpoint: PathBuf,
    /// Mount read-only: every file is r--, and no qom-set is sent.
    #[arg(long)]
    read_only: bool,
    /// Let other users see the tree too (needs user_allow_other in /etc/fuse.conf unless root).
    #[arg(long)]
    allow_other: bool,
}

/// The signals that end the mount, blocked in every thread so that only `sigtimedwait` below receives them.
fn block_signals() -> libc::sigset_t {
    // SAFETY: the set is initialised by sigemptyset before use; pthread_sigmask only reads it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, sig);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        set
    }
}

/// The signal received within `limit`, if any.
fn wait_signal(set: &libc::sigset_t, limit: Duration) -> Option<i32> {
    let timeout = libc::timespec {
        tv_sec: limit.as_secs() as libc::time_t,
        tv_nsec: limit.subsec_nanos() as libc::c_long,
    };
    // SAFETY: all pointers refer to live locals; a null siginfo is allowed.
    let sig = unsafe { libc::sigtimedwait(set, std::ptr::null_mut(), &timeout) };
    (sig > 0).then_some(sig)
}

fn main() {
    let args = Args::parse();
    std::process::exit(run(args));
}

fn run(args: Args) -> i32 {
    // Before any thread starts, so that they all inherit the mask.
    let signals = block_signals();
    let target = args.server.target();
    let read_only = ReadOnly::from_flag(args.read_only);
    let client = match Blocking::connect(&args.server, Peer::Monitor, read_only) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qom-fuse: {e}");
            return 2;
        }
    };
    let watch = client.clone();
    let mut config = fuser::Config::default();
    config.mount_options = vec![
        fuser::MountOption::FSName("qom".to_owned()),
        fuser::MountOption::Subtype("qom-fuse".to_owned()),
        fuser::MountOption::NoDev,
        fuser::MountOption::NoSuid,
    ];
    if args.read_only {
        config.mount_options.push(fuser::MountOption::RO);
    }
    if args.allow_other {
        config.acl = fuser::SessionACL::All;
    }
    let session = match fuser::spawn_mount(QomFs::new(client), &args.mountpoint, &config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "qom-fuse: cannot mount on {}: {e}",
                args.mountpoint.display()
            );
            return 2;
        }
    };
    eprintln!(
        "qom-fuse: {target} mounted on {}; SIGINT (Ctrl-C) or SIGTERM unmounts",
        args.mountpoint.display()
    );
    let why = loop {
        if let Some(sig) = wait_signal(&signals, Duration::from_millis(200)) {
            break format!("signal {sig}");
        }
        if session.guard.is_finished() {
            eprintln!("qom-fuse: unmounted from outside");
            return 0;
        }
        if watch.client().is_closed() {
            break "QEMU closed the connection".to_owned();
        }
    };
    match session.umount_and_join() {
        Ok(()) => {
            eprintln!("qom-fuse: {why}: unmounted {}", args.mountpoint.display());
            0
        }
        Err(e) => {
            eprintln!(
                "qom-fuse: {why}: unmounting {} failed: {e}",
                args.mountpoint.display()
            );
            1
        }
    }
}
