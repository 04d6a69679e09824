//! The `callwright` binary: all the work is in the library.

// The simulator creates and drops a task per call; mimalloc's thread-local free lists make that
// about twice as fast as glibc malloc (measured with `callwright simulate flows/bench/mmc.yaml`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

fn main() {
    std::process::exit(cli::run(std::env::args_os()));
}
