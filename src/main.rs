//! The `seloste` command line; everything happens in [`seloste::cli`].

fn main() {
    std::process::exit(seloste::cli::main());
}
