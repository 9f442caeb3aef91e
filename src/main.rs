fn main() -> std::process::ExitCode {
    boiduong::cli::main()
}
