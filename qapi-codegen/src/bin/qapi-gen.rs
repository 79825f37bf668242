fn main() -> std::process::ExitCode {
    qapi_codegen::cli::main()
}
