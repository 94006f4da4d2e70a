//! The panic policy shared by the targets.
//!
//! libfuzzer-sys aborts on every panic, even one caught on purpose: the PDF
//! reader wraps pdf-extract (which panics on damaged files) in
//! `catch_unwind`. So a panic in a dependency is left to whoever catches it
//! (if nobody does, libfuzzer-sys aborts when it reaches the target), while a
//! panic in our own code aborts at once, caught or not: our readers promise
//! not to panic at all, and `catch_unwind` around our layout code must not
//! hide one from the fuzzer.

pub fn panic_policy() {
    std::panic::set_hook(Box::new(|info| {
        let file = info.location().map(|l| l.file()).unwrap_or("");
        let in_dependency = file.contains("/.cargo/registry/")
            || file.contains("/.cargo/git/")
            || file.starts_with("/rustc/");
        if !in_dependency {
            eprintln!("panic in sponsor-intake code: {info}");
            std::process::abort();
        }
    }));
}
