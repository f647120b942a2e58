//! The `ferrodis` binary: everything happens in `server::main`.

fn main() {
    std::process::exit(ferrodis::server::main());
}
