//! The byte streams a client runs over: unix socket, TCP, a child's stdio, or any async reader/writer pair.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use tokio::io::unix::AsyncFd;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, Interest, ReadBuf};

pub(crate) type BoxReader = Pin<Box<dyn AsyncRead + Send>>;

/// A connected unix socket, registered for readability only: a registration for writability would wake the
/// runtime each time the server reads a request (the kernel signals the freed send buffer), which a sequential
/// round trip pays for. Writes go straight to the socket, which is non-blocking; the rare write that finds the
/// send buffer full waits on a short-lived registration of its own.
pub(crate) struct UnixSocket {
    fd: AsyncFd<std::os::unix::net::UnixStream>,
}

impl UnixSocket {
    fn raw(&self) -> RawFd {
        self.fd.get_ref().as_raw_fd()
    }

    /// One non-blocking `send`: how many bytes went (`WouldBlock` when none could).
    pub(crate) fn try_send(&self, bytes: &[u8]) -> io::Result<usize> {
        // SAFETY: the pointer and length describe `bytes`; the fd is open while `self` lives.
        let n = unsafe {
            libc::send(
                self.raw(),
                bytes.as_ptr().cast(),
                bytes.len(),
                libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Waits until the socket can take more bytes.
    async fn writable(&self) -> io::Result<()> {
        let dup = self.fd.get_ref().as_fd().try_clone_to_owned()?;
        // SAFETY: `dup` owns its fd, open and unchanged until the AsyncFd (which owns `dup`) is dropped.
        let waiter = unsafe { AsyncFd::register_with_interest(dup, Interest::WRITABLE)? };
        waiter.writable().await?.retain_ready();
        Ok(())
    }

    async fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            match self.try_send(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.writable().await?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

/// Reads from a [`UnixSocket`].
struct UnixReader(Arc<UnixSocket>);

impl AsyncRead for UnixReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.0.fd.poll_read_ready(cx))?;
            let unfilled: &mut [MaybeUninit<u8>] = unsafe { buf.unfilled_mut() };
            let wanted = unfilled.len();
            // SAFETY: reads at most `wanted` bytes into memory `buf` owns; the fd is open while `self` lives.
            let n = unsafe { libc::read(self.0.raw(), unfilled.as_mut_ptr().cast(), wanted) };
            if n < 0 {
                let e = io::Error::last_os_error();
                match e.kind() {
                    io::ErrorKind::WouldBlock => guard.clear_ready(),
                    io::ErrorKind::Interrupted => {}
                    _ => return Poll::Ready(Err(e)),
                }
                continue;
            }
            let n = n as usize;
            // A short read emptied the socket: the next read waits for readiness instead of trying (edge-triggered,
            // so new data signals again), as tokio's own sockets do.
            if n > 0 && n < wanted {
                guard.clear_ready();
            }
            // SAFETY: `read` initialised the first `n` bytes.
            unsafe { buf.assume_init(n) };
            buf.advance(n);
            return Poll::Ready(Ok(()));
        }
    }
}

/// The reading and writing sides of a connected unix socket.
pub(crate) fn unix_halves(stream: tokio::net::UnixStream) -> io::Result<(BoxReader, Writer)> {
    let std = stream.into_std()?;
    std.set_nonblocking(true)?;
    let socket = Arc::new(UnixSocket {
        // SAFETY: the stream owns its fd, open and unchanged until the AsyncFd (which owns the stream) is dropped.
        fd: unsafe { AsyncFd::register_with_interest(std, Interest::READABLE)? },
    });
    Ok((Box::pin(UnixReader(socket.clone())), Writer::Unix(socket)))
}

/// The writing side. Unix sockets are kept as such for SCM_RIGHTS and for direct writes.
pub(crate) enum Writer {
    Unix(Arc<UnixSocket>),
    Other(Pin<Box<dyn AsyncWrite + Send>>),
}

impl Writer {
    pub(crate) fn can_pass_fds(&self) -> bool {
        matches!(self, Writer::Unix(_))
    }

    /// The socket callers may write to directly, when the writer task is idle.
    pub(crate) fn direct(&self) -> Option<Arc<UnixSocket>> {
        match self {
            Writer::Unix(socket) => Some(socket.clone()),
            Writer::Other(_) => None,
        }
    }

    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Writer::Unix(socket) => socket.write_all(bytes).await,
            Writer::Other(w) => {
                w.write_all(bytes).await?;
                w.flush().await
            }
        }
    }

    /// Writes `bytes` with `fds` attached to their first part, so the server holds the fds when it reads the
    /// command.
    pub(crate) async fn write_with_fds(&mut self, bytes: &[u8], fds: &[OwnedFd]) -> io::Result<()> {
        let Writer::Unix(socket) = self else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "file descriptors need a unix socket",
            ));
        };
        let raw: Vec<RawFd> = fds.iter().map(AsRawFd::as_raw_fd).collect();
        let sent = loop {
            match send_with_fds(socket.raw(), bytes, &raw) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => socket.writable().await?,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        socket.write_all(&bytes[sent..]).await
    }

    pub(crate) async fn shutdown(&mut self) {
        match self {
            // SAFETY: shutdown(2) on the socket's own fd, open while `socket` lives.
            Writer::Unix(socket) => unsafe {
                libc::shutdown(socket.raw(), libc::SHUT_WR);
            },
            Writer::Other(w) => {
                let _ = w.shutdown().await;
            }
        }
    }
}

/// One `sendmsg` carrying `fds` as SCM_RIGHTS; returns how many bytes went.
fn send_with_fds(sock: RawFd, bytes: &[u8], fds: &[RawFd]) -> io::Result<usize> {
    if bytes.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "file descriptors need at least one byte",
        ));
    }
    let fd_bytes = std::mem::size_of_val(fds);
    let fd_bytes_u32 =
        u32::try_from(fd_bytes).map_err(|_| io::Error::other("too many file descriptors"))?;
    // SAFETY: CMSG_SPACE only computes a size.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes_u32) } as usize;
    // u64 elements keep the control buffer aligned for cmsghdr.
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: bytes.as_ptr() as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: msghdr is plain data; every pointer set below outlives the sendmsg call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if !fds.is_empty() {
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space as _;
        // SAFETY: the control buffer holds CMSG_SPACE(fd_bytes) bytes, enough for one header and the fds.
        unsafe {
            let cmsg = libc::CMSG_FIRSTHDR(&msg);
            (*cmsg).cmsg_level = libc::SOL_SOCKET;
            (*cmsg).cmsg_type = libc::SCM_RIGHTS;
            (*cmsg).cmsg_len = libc::CMSG_LEN(fd_bytes_u32) as _;
            std::ptr::copy_nonoverlapping(
                fds.as_ptr().cast::<u8>(),
                libc::CMSG_DATA(cmsg),
                fd_bytes,
            );
        }
    }
    // SAFETY: msg points at valid buffers for the duration of the call.
    let n = unsafe { libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
