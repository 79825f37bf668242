//! qom-fuse mounted over a real `qemu-system-x86_64 -machine pc -S`: list /machine, read a property, follow a
//! link, write a property and read it back, unmount cleanly on SIGTERM and SIGINT, and when QEMU goes away.
//!
//! Where FUSE cannot work (no /dev/fuse, no permission to mount) the test says why and stops.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use qapi_tests::Server;

const QOM_FUSE: &str = env!("CARGO_BIN_EXE_qom-fuse");

/// Straight to standard error, so that it shows even when the test passes and its output is captured.
fn say(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn is_mounted(path: &Path) -> bool {
    let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    let wanted = path.to_string_lossy();
    mounts
        .lines()
        .any(|l| l.split(' ').nth(4) == Some(wanted.as_ref()))
}

/// A running qom-fuse; dropping it stops it and, should that fail, detaches the mount so nothing is left behind.
struct Mount {
    child: Child,
    point: PathBuf,
}

impl Mount {
    /// Mounts, or says why FUSE cannot work here and gives `None`.
    fn start(socket: &str, point: &Path) -> Option<Mount> {
        if !Path::new("/dev/fuse").exists() {
            say("FUSE UNAVAILABLE: /dev/fuse does not exist (no fuse module or device here); qom-fuse not tested");
            return None;
        }
        fs::create_dir_all(point).unwrap();
        let child = Command::new(QOM_FUSE)
            .arg(socket)
            .arg(point)
            .stdin(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting qom-fuse");
        let mut mount = Mount {
            child,
            point: point.to_owned(),
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !is_mounted(point) {
            if let Ok(Some(status)) = mount.child.try_wait() {
                let stderr = mount.stderr();
                say(&format!(
                    "FUSE UNAVAILABLE: qom-fuse could not mount ({status}): {stderr}"
                ));
                assert!(
                    stderr.contains("cannot mount"),
                    "qom-fuse failed for another reason than mounting: {stderr}"
                );
                return None;
            }
            assert!(Instant::now() < deadline, "qom-fuse did not mount in time");
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(mount)
    }

    fn stderr(&mut self) -> String {
        let mut text = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, sig) };
    }

    /// Waits for qom-fuse to exit; its status and what it said.
    fn wait(&mut self) -> (ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return (status, self.stderr());
            }
            assert!(Instant::now() < deadline, "qom-fuse did not exit in time");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.signal(libc::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if is_mounted(&self.point) {
            let path = std::ffi::CString::new(self.point.to_string_lossy().as_bytes()).unwrap();
            // SAFETY: a valid C string; a lazy unmount of our own mount point.
            unsafe { libc::umount2(path.as_ptr(), libc::MNT_DETACH) };
        }
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A `parent_bus` link of some device under /machine/unattached, and the device's directory.
fn find_bus_link(mnt: &Path) -> PathBuf {
    for device in names(&mnt.join("machine/unattached")) {
        let link = mnt
            .join("machine/unattached")
            .join(&device)
            .join("parent_bus");
        if fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()) {
            return link;
        }
    }
    panic!("no device under /machine/unattached has a set parent_bus link");
}

#[test]
fn browse_read_follow_write_and_unmount_on_sigterm() {
    let Some(vm) = Server::system_emulator(&["-device", "e1000,id=nic0,mac=52:54:00:12:34:56"])
    else {
        return;
    };
    // Not inside the server's temp dir, which is removed while the tree may still be mounted.
    let dir = tempfile::tempdir().unwrap();
    let point = dir.path().join("mnt");
    let Some(mut mount) = Mount::start(vm.socket(), &point) else {
        return;
    };

    // Objects are directories, properties are files.
    let root = names(&point);
    assert!(
        root.contains(&"machine".to_owned()) && root.contains(&"objects".to_owned()),
        "{root:?}"
    );
    let machine = names(&point.join("machine"));
    for expected in [
        "i440fx",
        "unattached",
        "peripheral",
        "type",
        "graphics",
        "fw_cfg",
    ] {
        assert!(
            machine.contains(&expected.to_owned()),
            "{expected} not in {machine:?}"
        );
    }
    assert!(point.join("machine/unattached").is_dir());
    assert!(fs::metadata(point.join("machine/type")).unwrap().is_file());

    // Reading a property is qom-get.
    let kind = fs::read_to_string(point.join("machine/type")).unwrap();
    assert!(
        kind.starts_with("pc-i440fx-") && kind.ends_with("-machine\n"),
        "{kind:?}"
    );

    // A set link is a relative symbolic link that leads to the target object's directory.
    let link = find_bus_link(&point);
    let target = fs::read_link(&link).unwrap();
    let target_text = target.to_string_lossy();
    assert!(
        target_text.starts_with("../../../machine/"),
        "{target_text}"
    );
    assert!(
        link.is_dir(),
        "following {} ({target_text})",
        link.display()
    );
    let bus = names(&link);
    assert!(bus.contains(&"type".to_owned()), "{bus:?}");
    let bus_type = fs::read_to_string(link.join("type")).unwrap();
    assert!(!bus_type.trim().is_empty());
    assert_eq!(
        fs::canonicalize(&link).unwrap(),
        fs::canonicalize(point.join(target_text.trim_start_matches("../"))).unwrap()
    );
    // stat's size of a link is the length of what readlink gives.
    assert_eq!(
        fs::symlink_metadata(&link).unwrap().len(),
        target.as_os_str().len() as u64,
        "{target_text}"
    );

    // An unset link is an empty file (the README says so).
    let unset = point.join("machine/confidential-guest-support");
    assert!(fs::symlink_metadata(&unset).unwrap().is_file());
    assert_eq!(fs::read_to_string(&unset).unwrap(), "");

    // Properties QEMU would refuse to set are r--: `type`, and a realized device's qdev properties; writing one
    // is refused before any qom-set.
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &str| fs::metadata(point.join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("machine/type"), 0o444);
    assert_eq!(mode("machine/graphics"), 0o644);
    assert_eq!(mode("machine/peripheral/nic0/mac"), 0o444);
    assert_eq!(mode("machine/peripheral/nic0/realized"), 0o644);
    assert_eq!(
        fs::read_to_string(point.join("machine/peripheral/nic0/mac")).unwrap(),
        "52:54:00:12:34:56\n"
    );
    let refused = fs::write(
        point.join("machine/peripheral/nic0/mac"),
        "52:54:00:00:00:01\n",
    )
    .unwrap_err();
    assert_eq!(refused.raw_os_error(), Some(libc::EACCES), "{refused}");

    // Writing a property is qom-set; reading it back shows the new value. A wrong value is refused.
    let graphics = point.join("machine/graphics");
    assert_eq!(fs::read_to_string(&graphics).unwrap(), "true\n");
    fs::write(&graphics, "false\n").unwrap();
    assert_eq!(fs::read_to_string(&graphics).unwrap(), "false\n");
    let refused = fs::write(&graphics, "sideways\n").unwrap_err();
    assert_eq!(refused.raw_os_error(), Some(libc::EINVAL), "{refused}");
    assert_eq!(fs::read_to_string(&graphics).unwrap(), "false\n");
    assert_eq!(
        fs::read_to_string(point.join("machine/no-such-property"))
            .unwrap_err()
            .kind(),
        std::io::ErrorKind::NotFound
    );

    mount.signal(libc::SIGTERM);
    let (status, stderr) = mount.wait();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("unmounted"), "{stderr}");
    assert!(!is_mounted(&point), "still mounted after SIGTERM");
}

#[test]
fn unmounts_on_sigint_and_when_qemu_goes_away() {
    let Some(vm) = Server::system_emulator(&[]) else {
        return;
    };
    // Not inside the server's temp dir, which is removed while the tree may still be mounted.
    let dir = tempfile::tempdir().unwrap();
    let point = dir.path().join("mnt");
    let Some(mut mount) = Mount::start(vm.socket(), &point) else {
        return;
    };
    assert!(names(&point).contains(&"machine".to_owned()));
    mount.signal(libc::SIGINT);
    let (status, _) = mount.wait();
    assert!(status.success() && !is_mounted(&point), "{status}");
    drop(mount);

    // QEMU's monitor takes one client at a time; the first one is gone, so a second mount can connect.
    let Some(mut mount) = Mount::start(vm.socket(), &point) else {
        return;
    };
    assert!(fs::read_to_string(point.join("type"))
        .unwrap()
        .starts_with("container"));
    drop(vm); // QEMU stops.
    let (status, stderr) = mount.wait();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("QEMU closed the connection"), "{stderr}");
    assert!(!is_mounted(&point));
}
