//! The worker process: `jianfu parse-worker MEMORY_BYTES CPU_SECONDS`. It limits itself, reads
//! one job from stdin (a line of JSON, then the file's bytes to the end), runs it and writes the
//! result as one JSON value on stdout (`{"Ok": …}` or `{"Err": …}`), then exits. The server is
//! the only caller; the subcommand is hidden from the help.
//!
//! Exit codes: 0 with a result on stdout; 2 when it was called wrongly (no result). A worker
//! killed by its limits dies by a signal: SIGXCPU/SIGKILL past its CPU time, SIGABRT when an
//! allocation fails past its address space.
use crate::job::{self, Job, MAX_FILE_BYTES};
use std::io::{Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

/// The hidden subcommand that runs the worker.
pub const WORKER_COMMAND: &str = "parse-worker";

/// Most bytes read from stdin: the job's line and the largest file.
const MAX_INPUT: u64 = MAX_FILE_BYTES as u64 + 64 * 1024;

/// The worker's `main`: the `jianfu` binary calls it when its first argument is
/// [`WORKER_COMMAND`], before anything else (no runtime, no logging, no database).
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let limits = match args.as_slice() {
        [memory, cpu] => memory.parse::<u64>().ok().zip(cpu.parse::<u64>().ok()),
        _ => None,
    };
    let Some((memory_bytes, cpu_seconds)) = limits else {
        eprintln!("用法：jianfu {WORKER_COMMAND} 内存上限字节数 CPU秒数（由服务进程调用）");
        return ExitCode::from(2);
    };
    if let Err(e) = limit_self(memory_bytes, cpu_seconds) {
        eprintln!("无法设置解析进程的资源上限：{e}");
        return ExitCode::from(2);
    }
    let mut input = Vec::new();
    if std::io::stdin()
        .lock()
        .take(MAX_INPUT)
        .read_to_end(&mut input)
        .is_err()
    {
        return ExitCode::from(2);
    }
    let Some(newline) = input.iter().position(|b| *b == b'\n') else {
        return ExitCode::from(2);
    };
    let Ok(job) = serde_json::from_slice::<Job>(&input[..newline]) else {
        return ExitCode::from(2);
    };
    let bytes = &input[newline + 1..];
    let result = panic::catch_unwind(AssertUnwindSafe(|| job::run(&job, bytes)))
        .unwrap_or_else(|_| Err(job::panicked(&job)));
    let mut out = std::io::stdout().lock();
    if serde_json::to_writer(&mut out, &result).is_err() || out.flush().is_err() {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Limits this process: its address space, its CPU time (SIGXCPU at the soft limit, SIGKILL a
/// second later) and no core files.
#[cfg(unix)]
fn limit_self(memory_bytes: u64, cpu_seconds: u64) -> std::io::Result<()> {
    use rustix::process::{setrlimit, Resource, Rlimit};
    let exactly = |n: u64| Rlimit {
        current: Some(n),
        maximum: Some(n),
    };
    setrlimit(Resource::Core, exactly(0))?;
    setrlimit(
        Resource::Cpu,
        Rlimit {
            current: Some(cpu_seconds),
            maximum: Some(cpu_seconds + 1),
        },
    )?;
    setrlimit(Resource::As, exactly(memory_bytes))?;
    Ok(())
}

/// Elsewhere the worker runs without OS limits; the server's deadline still kills it.
#[cfg(not(unix))]
fn limit_self(_memory_bytes: u64, _cpu_seconds: u64) -> std::io::Result<()> {
    Ok(())
}
