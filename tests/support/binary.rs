//! Driving the real binary in the background-free way the run and chaos tests share:
//! a clean environment, a throw-away working directory, readable failure output.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// The binary with a clean environment (PATH and `env` only), as `support::crawler` builds it.
pub fn command(cwd: &Path, args: &[&str], env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tmdb-crawler"));
    cmd.env_clear().current_dir(cwd).args(args);
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

pub fn run(env: &[(String, String)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    command(dir.path(), args, env)
        .output()
        .expect("run tmdb-crawler")
}

pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr (end):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        tail(&String::from_utf8_lossy(&out.stderr), 40)
    )
}

pub fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

pub fn run_ok(env: &[(String, String)], args: &[&str]) -> Output {
    let out = run(env, args);
    assert!(out.status.success(), "{args:?}: {}", describe(&out));
    out
}
