//! Project tasks (`cargo xtask <task>`): the CI gate and, later, benchmarks and generators.

fn main() {}
