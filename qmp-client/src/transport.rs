//! The byte streams a client runs over: unix socket, TCP, a child's stdio, or any async reader/writer pair.

use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::unix::OwnedWriteHalf;
use tokio::net::UnixStream;

pub(crate) type BoxReader = Pin<Box<dyn AsyncRead + Send>>;

/// The writing side. Unix sockets are kept as such for SCM_RIGHTS.
pub(crate) enum Writer {
    Unix(OwnedWriteHalf),
    Other(Pin<Box<dyn AsyncWrite + Send>>),
}

impl Writer {
    pub(crate) fn can_pass_fds(&self) -> bool {
        matches!(self, Writer::Unix(_))
    }

    pub(crate) async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Writer::Unix(w) => w.write_all(bytes).await,
            Writer::Other(w) => {
                w.write_all(bytes).await?;
                w.flush().await
            }
        }
    }

    /// Writes `bytes` with `fds` attached to their first part, so the server holds the fds when it reads the
    /// command.
    pub(crate) async fn write_with_fds(&mut self, bytes: &[u8], fds: &[OwnedFd]) -> io::Result<()> {
        let Writer::Unix(w) = self else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "file descriptors need a unix socket",
            ));
        };
        let raw: Vec<RawFd> = fds.iter().map(AsRawFd::as_raw_fd).collect();
        let stream: &UnixStream = w.as_ref();
        let sent = stream
            .async_io(tokio::io::Interest::WRITABLE, || {
                send_with_fds(stream.as_raw_fd(), bytes, &raw)
            })
            .await?;
        w.write_all(&bytes[sent..]).await
    }

    pub(crate) async fn shutdown(&mut self) {
        let _ = match self {
            Writer::Unix(w) => w.shutdown().await,
            Writer::Other(w) => w.shutdown().await,
        };
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
    let n = unsafe { libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL) };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
