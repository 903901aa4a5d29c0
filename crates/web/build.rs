//! The translations are read at compile time by `rust_i18n::i18n!`; a change to them must
//! rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=locales/app.yml");
}
