//! The workspace's test-support library: where the reference material is, what a test does when something it
//! needs is missing, and real QEMU programs started for a test and stopped after it.

mod missing;
mod programs;
mod reference;
mod servers;

pub use missing::{in_ci, missing, require};
pub use programs::program;
pub use reference::{
    release_schemas, release_suite_dir, schema_suite_dir, shared_dir, shared_file,
};
pub use servers::{Server, GUEST_AGENT_PROBES};
