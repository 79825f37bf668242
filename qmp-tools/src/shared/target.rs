//! Where a tool connects: a unix socket path or `HOST:PORT`.

use std::path::PathBuf;

/// A server address as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A unix socket path.
    Unix(PathBuf),
    /// `HOST:PORT`.
    Tcp(String),
}

impl Target {
    /// `HOST:PORT` (port all digits, host not a path) is TCP; anything else is a unix socket path.
    pub fn parse(text: &str) -> Target {
        if !text.contains('/') && !std::path::Path::new(text).exists() {
            if let Some((host, port)) = text.rsplit_once(':') {
                if !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                {
                    return Target::Tcp(text.to_owned());
                }
            }
        }
        Target::Unix(PathBuf::from(text))
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Unix(path) => write!(f, "{}", path.display()),
            Target::Tcp(addr) => f.write_str(addr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_tcp_from_unix() {
        assert_eq!(
            Target::parse("localhost:4444"),
            Target::Tcp("localhost:4444".into())
        );
        assert_eq!(
            Target::parse("[::1]:4444"),
            Target::Tcp("[::1]:4444".into())
        );
        assert_eq!(
            Target::parse("/run/qmp.sock"),
            Target::Unix("/run/qmp.sock".into())
        );
        assert_eq!(Target::parse("qmp.sock"), Target::Unix("qmp.sock".into()));
        assert_eq!(Target::parse("./host:1"), Target::Unix("./host:1".into()));
        assert_eq!(Target::parse("host:"), Target::Unix("host:".into()));
    }
}
