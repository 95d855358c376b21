//! Secret key files: created new (never overwriting a key) and readable by
//! their owner only.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Creates `path` (failing when it exists) with owner-only permissions and
/// writes `bytes` to it.
pub fn write_new_secret(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file: File = options.open(path)?;
    file.write_all(bytes)
}
