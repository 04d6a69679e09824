//! Finding and reading input files safely: a folder walk that does not loop on symlinks and skips
//! what is not a regular file, and a read that refuses devices, FIFOs and folders (a read from a
//! FIFO or `/dev/stdin` would wait for ever; `/dev/null` would pass as an empty file).

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

/// Every regular file below `dir` whose name `wanted` accepts, in sorted order. Symlinks are
/// followed, but a folder already walked (by its real path) is not walked again, so `ln -s . a`
/// cannot loop; hidden folders and `target` are skipped.
pub fn walk_files(dir: &Path, wanted: &dyn Fn(&Path) -> bool) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    walk(dir, wanted, &mut seen, &mut out)?;
    out.sort();
    Ok(out)
}

fn walk(
    dir: &Path,
    wanted: &dyn Fn(&Path) -> bool,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let real = std::fs::canonicalize(dir)?;
    if !seen.insert(real) {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        // `metadata` follows a symlink; a dangling one is skipped.
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            let skip =
                path.file_name().is_some_and(|n| n == "target" || n.to_string_lossy().starts_with('.'));
            if !skip {
                walk(&path, wanted, seen, out)?;
            }
        } else if meta.is_file() && wanted(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// The text of a regular file; anything else (a folder, a device such as `/dev/null`, a FIFO)
/// is an error that says what it is.
pub fn read_regular(path: &Path) -> io::Result<String> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        let what =
            if meta.is_dir() { "a folder" } else { "not a regular file (a device, a pipe or a socket)" };
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{} is {what}", path.display())));
    }
    std::fs::read_to_string(path)
}
