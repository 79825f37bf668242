// The generator allocates many small strings; mimalloc takes a third fewer instructions than the system
// allocator for a QMP-sized schema. Only this binary uses it: library users keep their own allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    qapi_gen::cli::main()
}
