fn main() -> std::process::ExitCode {
    speechgen::cli::run()
}
