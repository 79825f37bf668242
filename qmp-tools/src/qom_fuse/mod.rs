//! The FUSE file system over QOM: lookups and listings are `qom-list`, reads are `qom-get`, writes are `qom-set`.
//!
//! Inodes are handed out per QOM path and kept for the life of the mount. Listings are cached for a second (a
//! `ls -l` looks every entry up). Files are opened in direct-I/O mode: each open reads the property afresh and a
//! short read is the end of the file, whatever size `stat` shows.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

use crate::shared::connect::{Blocking, CallError};
use fuser::{
    Errno, FileAttr, FileHandle, FileType, Filesystem, FopenFlags, Generation, INodeNo, LockOwner,
    OpenAccMode, OpenFlags, ReplyAttr, ReplyData, ReplyDirectory, ReplyEmpty, ReplyEntry,
    ReplyOpen, ReplyWrite, Request, TimeOrNow, WriteFlags,
};
use serde_json::{json, Value};

use crate::shared::lists::names;
use crate::shared::qom::{
    is_child, is_link, join, parse, properties, relative_target, render, split, Node, Property,
};

/// How long the kernel may keep names and attributes, and how long a listing is reused.
const TTL: Duration = Duration::from_secs(1);
/// `stat` size of a property file (its real length is known only when read), as the original showed.
const FILE_SIZE: u64 = 4096;

/// An open property file.
struct Handle {
    path: String,
    type_name: String,
    /// The value read at open.
    content: Vec<u8>,
    /// What has been written so far (every write sets the property to all of it).
    written: Vec<u8>,
}

#[derive(Default)]
struct State {
    paths: Vec<String>,
    inodes: HashMap<String, u64>,
    listings: HashMap<String, (Instant, Arc<Listing>)>,
    /// Per device type, the properties QEMU refuses to set once a device of that type is realized.
    fixed_after_realize: HashMap<String, Arc<HashSet<String>>>,
    handles: HashMap<u64, Handle>,
    next_handle: u64,
}

impl State {
    fn inode(&mut self, path: &str) -> INodeNo {
        if let Some(ino) = self.inodes.get(path) {
            return INodeNo(*ino);
        }
        self.paths.push(path.to_owned());
        let ino = self.paths.len() as u64; // The root is 1, as FUSE wants.
        self.inodes.insert(path.to_owned(), ino);
        INodeNo(ino)
    }

    fn path(&self, ino: INodeNo) -> Option<String> {
        let index = usize::try_from(ino.0).ok()?.checked_sub(1)?;
        self.paths.get(index).cloned()
    }
}

/// An object's properties, and which of them cannot be set.
struct Listing {
    properties: Vec<Property>,
    read_only: HashSet<String>,
}

/// QEMU's object tree as a file system.
pub struct QomFs {
    client: Blocking,
    state: Mutex<State>,
    uid: u32,
    gid: u32,
    mounted: SystemTime,
}

impl QomFs {
    /// The file system over a connected client.
    pub fn new(client: Blocking) -> QomFs {
        let mut state = State::default();
        state.inode("/");
        // SAFETY: getuid and getgid cannot fail and touch no memory.
        let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
        QomFs {
            client,
            state: Mutex::new(state),
            uid,
            gid,
            mounted: SystemTime::now(),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn command(&self, name: &str, args: Value) -> Result<Value, Errno> {
        self.client.call(name, args).map_err(|e| {
            eprintln!("qom-fuse: {name}: {e}");
            match e {
                CallError::Refused(_) => Errno::EROFS,
                e if e.is_disconnect() => Errno::ENOTCONN,
                _ => Errno::EIO,
            }
        })
    }

    /// The properties of the object at `path`, from a listing at most a second old.
    fn listing(&self, path: &str) -> Result<Arc<Listing>, Errno> {
        if let Some((at, list)) = self.state().listings.get(path) {
            if at.elapsed() < TTL {
                return Ok(list.clone());
            }
        }
        // Not an object (or gone): the error is QEMU's "Device not found", which is no news worth printing.
        let answer = self
            .client
            .call("qom-list", json!({"path": path}))
            .map_err(|e| {
                if e.is_disconnect() {
                    Errno::ENOTCONN
                } else {
                    Errno::ENOENT
                }
            })?;
        let properties = properties(&answer);
        let read_only = self.read_only_properties(path, &properties);
        let list = Arc::new(Listing {
            properties,
            read_only,
        });
        self.state()
            .listings
            .insert(path.to_owned(), (Instant::now(), list.clone()));
        Ok(list)
    }

    /// `type` never can be set; a realized device's qdev properties (those `device-list-properties` lists for its
    /// type) cannot be either, but for `bootindex`, which QEMU lets change at any time.
    fn read_only_properties(&self, path: &str, properties: &[Property]) -> HashSet<String> {
        let mut fixed: HashSet<String> = ["type".to_owned()].into();
        let is_device = properties.iter().any(|p| p.name == "realized");
        let realized = is_device && self.get(&join(path, "realized")) == Ok(Value::Bool(true));
        let type_name = match self.get(&join(path, "type")) {
            Ok(Value::String(t)) if realized => t,
            _ => return fixed,
        };
        let known = self.state().fixed_after_realize.get(&type_name).cloned();
        let for_type = match known {
            Some(set) => set,
            None => {
                let listed = self
                    .command("device-list-properties", json!({"typename": type_name}))
                    .unwrap_or(Value::Null);
                let set: HashSet<String> = names(&listed)
                    .into_iter()
                    .filter(|name| name != "bootindex")
                    .collect();
                let set = Arc::new(set);
                self.state()
                    .fixed_after_realize
                    .insert(type_name, set.clone());
                set
            }
        };
        fixed.extend(for_type.iter().cloned());
        fixed
    }

    fn get(&self, path: &str) -> Result<Value, Errno> {
        let (object, property) = split(path).ok_or(Errno::EISDIR)?;
        self.command("qom-get", json!({"path": object, "property": property}))
    }

    /// What the property `p` of the object at `parent` is.
    fn classify(&self, parent: &str, list: &Listing, p: &Property) -> Node {
        if is_child(&p.type_name) {
            return Node::Object;
        }
        if is_link(&p.type_name) {
            if let Ok(Value::String(target)) = self.get(&join(parent, &p.name)) {
                if !target.is_empty() {
                    return Node::Link(target);
                }
            }
        }
        Node::Property {
            type_name: p.type_name.clone(),
            writable: !self.client.read_only().is_on() && !list.read_only.contains(&p.name),
        }
    }

    fn resolve(&self, path: &str) -> Result<Node, Errno> {
        let Some((parent, name)) = split(path) else {
            return Ok(Node::Object);
        };
        let list = self.listing(parent)?;
        let p = list
            .properties
            .iter()
            .find(|p| p.name == name)
            .ok_or(Errno::ENOENT)?;
        Ok(self.classify(parent, &list, p))
    }

    /// The attributes of `node` at `path`: a link's size is the length of what `readlink` returns; a property
    /// that cannot be set is `r--`.
    fn attr(&self, ino: INodeNo, path: &str, node: &Node) -> FileAttr {
        let (kind, perm, size, nlink) = match node {
            Node::Object => (FileType::Directory, 0o755, 0, 2),
            Node::Link(target) => {
                let size = relative_target(path, target).len() as u64;
                (FileType::Symlink, 0o777, size, 1)
            }
            Node::Property { writable: true, .. } => (FileType::RegularFile, 0o644, FILE_SIZE, 1),
            Node::Property { .. } => (FileType::RegularFile, 0o444, FILE_SIZE, 1),
        };
        FileAttr {
            ino,
            size,
            blocks: 0,
            atime: self.mounted,
            mtime: self.mounted,
            ctime: self.mounted,
            crtime: self.mounted,
            kind,
            perm,
            nlink,
            uid: self.uid,
            gid: self.gid,
            rdev: 0,
            blksize: 4096,
            flags: 0,
        }
    }

    fn path_of(&self, ino: INodeNo) -> Result<String, Errno> {
        self.state().path(ino).ok_or(Errno::ENOENT)
    }

    fn open_file(&self, ino: INodeNo, flags: OpenFlags) -> Result<u64, Errno> {
        let path = self.path_of(ino)?;
        let type_name = match self.resolve(&path)? {
            Node::Object => return Err(Errno::EISDIR),
            Node::Link(_) => String::new(), // Opening a link opens its target; not reached through FUSE.
            Node::Property {
                type_name,
                writable,
            } => {
                if !writable && flags.acc_mode() != OpenAccMode::O_RDONLY {
                    return Err(Errno::EACCES);
                }
                type_name
            }
        };
        let content = match flags.acc_mode() {
            OpenAccMode::O_WRONLY => Vec::new(),
            // An unset link is an empty file.
            _ => match self.get(&path)? {
                Value::String(s) if s.is_empty() && is_link(&type_name) => Vec::new(),
                value => render(&value),
            },
        };
        let mut state = self.state();
        state.next_handle += 1;
        let fh = state.next_handle;
        let written = Vec::new();
        state.handles.insert(
            fh,
            Handle {
                path,
                type_name,
                content,
                written,
            },
        );
        Ok(fh)
    }

    fn write_file(&self, fh: FileHandle, offset: u64, data: &[u8]) -> Result<u32, Errno> {
        let (path, type_name, written) = {
            let mut state = self.state();
            let handle = state.handles.get_mut(&fh.0).ok_or(Errno::EBADF)?;
            let start = usize::try_from(offset).map_err(|_| Errno::EFBIG)?;
            let end = start.checked_add(data.len()).ok_or(Errno::EFBIG)?;
            if end > 1 << 20 {
                return Err(Errno::EFBIG);
            }
            if handle.written.len() < end {
                handle.written.resize(end, 0);
            }
            handle.written[start..end].copy_from_slice(data);
            (
                handle.path.clone(),
                handle.type_name.clone(),
                handle.written.clone(),
            )
        };
        let (object, property) = split(&path).ok_or(Errno::EISDIR)?;
        let value = parse(&type_name, &written);
        self.command(
            "qom-set",
            json!({"path": object, "property": property, "value": value}),
        )
        .map_err(|e| if e == Errno::EIO { Errno::EINVAL } else { e })?;
        // A link set or cleared changes what the entry is.
        self.state().listings.remove(object);
        u32::try_from(data.len()).map_err(|_| Errno::EFBIG)
    }
}

fn file_type(node: &Node) -> FileType {
    match node {
        Node::Object => FileType::Directory,
        Node::Link(_) => FileType::Symlink,
        Node::Property { .. } => FileType::RegularFile,
    }
}

impl Filesystem for QomFs {
    fn lookup(&self, _req: &Request, parent: INodeNo, name: &OsStr, reply: ReplyEntry) {
        let Some(name) = name.to_str() else {
            return reply.error(Errno::ENOENT);
        };
        let result = self.path_of(parent).and_then(|p| {
            let path = join(&p, name);
            let node = self.resolve(&path)?;
            Ok((path, node))
        });
        match result {
            Ok((path, node)) => {
                let ino = self.state().inode(&path);
                reply.entry(&TTL, &self.attr(ino, &path, &node), Generation(0));
            }
            Err(e) => reply.error(e),
        }
    }

    fn getattr(&self, _req: &Request, ino: INodeNo, _fh: Option<FileHandle>, reply: ReplyAttr) {
        match self.path_of(ino).and_then(|p| Ok((self.resolve(&p)?, p))) {
            Ok((node, path)) => reply.attr(&TTL, &self.attr(ino, &path, &node)),
            Err(e) => reply.error(e),
        }
    }

    fn setattr(
        &self,
        req: &Request,
        ino: INodeNo,
        _mode: Option<u32>,
        _uid: Option<u32>,
        _gid: Option<u32>,
        _size: Option<u64>,
        _atime: Option<TimeOrNow>,
        _mtime: Option<TimeOrNow>,
        _ctime: Option<SystemTime>,
        fh: Option<FileHandle>,
        _crtime: Option<SystemTime>,
        _chgtime: Option<SystemTime>,
        _bkuptime: Option<SystemTime>,
        _flags: Option<fuser::BsdFileFlags>,
        reply: ReplyAttr,
    ) {
        // Truncation comes before every `echo value > file`; the write that follows sets the whole value.
        self.getattr(req, ino, fh, reply);
    }

    fn readlink(&self, _req: &Request, ino: INodeNo, reply: ReplyData) {
        let result = self.path_of(ino).and_then(|p| Ok((self.resolve(&p)?, p)));
        match result {
            Ok((Node::Link(target), path)) => {
                reply.data(relative_target(&path, &target).as_bytes())
            }
            Ok(_) => reply.error(Errno::EINVAL),
            Err(e) => reply.error(e),
        }
    }

    fn open(&self, _req: &Request, ino: INodeNo, flags: OpenFlags, reply: ReplyOpen) {
        match self.open_file(ino, flags) {
            Ok(fh) => reply.opened(FileHandle(fh), FopenFlags::FOPEN_DIRECT_IO),
            Err(e) => reply.error(e),
        }
    }

    fn read(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        size: u32,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyData,
    ) {
        let state = self.state();
        let Some(handle) = state.handles.get(&fh.0) else {
            return reply.error(Errno::EBADF);
        };
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(handle.content.len());
        let end = start
            .saturating_add(size as usize)
            .min(handle.content.len());
        reply.data(&handle.content[start..end]);
    }

    fn write(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        offset: u64,
        data: &[u8],
        _write_flags: WriteFlags,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        reply: ReplyWrite,
    ) {
        match self.write_file(fh, offset, data) {
            Ok(n) => reply.written(n),
            Err(e) => reply.error(e),
        }
    }

    fn flush(
        &self,
        _req: &Request,
        _ino: INodeNo,
        _fh: FileHandle,
        _lock: LockOwner,
        reply: ReplyEmpty,
    ) {
        reply.ok();
    }

    fn release(
        &self,
        _req: &Request,
        _ino: INodeNo,
        fh: FileHandle,
        _flags: OpenFlags,
        _lock_owner: Option<LockOwner>,
        _flush: bool,
        reply: ReplyEmpty,
    ) {
        self.state().handles.remove(&fh.0);
        reply.ok();
    }

    fn readdir(
        &self,
        _req: &Request,
        ino: INodeNo,
        _fh: FileHandle,
        offset: u64,
        mut reply: ReplyDirectory,
    ) {
        let result = self.path_of(ino).and_then(|p| Ok((self.listing(&p)?, p)));
        let (list, path) = match result {
            Ok(found) => found,
            Err(e) => return reply.error(e),
        };
        let parent = split(&path)
            .map(|(parent, _)| parent.to_owned())
            .unwrap_or_else(|| "/".to_owned());
        // Entry i has offset i + 1: the offset the kernel passes back to continue after it.
        let skip = usize::try_from(offset).unwrap_or(usize::MAX);
        let dots = [(".", path.clone()), ("..", parent)];
        for (i, (name, target)) in dots.iter().enumerate().skip(skip) {
            let ino = self.state().inode(target);
            if reply.add(ino, i as u64 + 1, FileType::Directory, name) {
                return reply.ok();
            }
        }
        for (i, p) in list
            .properties
            .iter()
            .enumerate()
            .skip(skip.saturating_sub(2))
        {
            let child = join(&path, &p.name);
            let kind = file_type(&self.classify(&path, &list, p));
            let ino = self.state().inode(&child);
            if reply.add(ino, i as u64 + 3, kind, &p.name) {
                break;
            }
        }
        reply.ok();
    }
}
