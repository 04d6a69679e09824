//! The `callwright` binary: all the work is in the library.

fn main() {
    std::process::exit(callwright::cli::run(std::env::args_os()));
}
