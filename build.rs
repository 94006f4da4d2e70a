// The migrations are embedded by `sqlx::migrate!`, which cannot tell cargo
// to rebuild when a migration file is added on a stable toolchain.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
