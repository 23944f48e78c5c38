//! `jianfu`: the one binary. Serves the platform, creates the demo region, migrates,
//! issues API tokens, verifies the audit trail and backs up a live SQLite database.
mod audit_cli;
mod bench;

use clap::error::{ContextKind, ErrorKind};
use clap::{Parser, Subcommand};
use jianfu_demo as demo;
use jianfu_domain::tokens;
use jianfu_store::Db;
use std::process::ExitCode;

const DEFAULT_DATABASE: &str = "sqlite://./jianfu-data/jianfu.db";
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

#[derive(Parser)]
#[command(
    name = "jianfu",
    version,
    about = "减负：基层减负在线监管平台",
    disable_help_subcommand = true
)]
struct Cli {
    /// Database URL
    #[arg(long, global = true, env = "JIANFU_DATABASE_URL", default_value = DEFAULT_DATABASE,
          help = "数据库地址：sqlite://路径（默认）或 postgres://用户@主机/库名")]
    database: String,
    /// Directory of the full-text search index
    #[arg(
        long,
        global = true,
        env = "JIANFU_SEARCH_DIR",
        help = "全文检索索引目录（默认：SQLite 数据库旁的 .search 目录；PostgreSQL 为 ./jianfu-data/search-库名）"
    )]
    search_dir: Option<std::path::PathBuf>,
    /// The address users reach the platform at, e.g. https://jianfu.example.gov.cn
    #[arg(
        long,
        global = true,
        env = "JIANFU_PUBLIC_URL",
        help = "平台对外访问地址，如 https://jianfu.example.gov.cn；以 https:// 开头时登录 Cookie 只经 HTTPS 发送（Secure）"
    )]
    public_url: Option<String>,
    /// Reverse proxies in front of the platform, whose X-Forwarded-For names the client
    #[arg(
        long = "trusted-proxy",
        global = true,
        env = "JIANFU_TRUSTED_PROXIES",
        value_delimiter = ',',
        help = "可信反向代理的地址或网段（可多个，逗号分隔），如 127.0.0.1；来自这些地址的请求以 X-Forwarded-For 所记的来源地址为准（登录限流、审计记录）"
    )]
    trusted_proxy: Vec<String>,
    /// A file whose content is the key the audit trail is signed with
    #[arg(
        long,
        global = true,
        env = "JIANFU_AUDIT_KEY_FILE",
        help = "审计密钥文件（文件内容即密钥，至少32个字符）；也可用环境变量 JIANFU_AUDIT_KEY 直接给出密钥。均未指定时使用 SQLite 数据库旁的 .audit-key 文件（PostgreSQL 为 ./jianfu-data/库名.audit-key），首次写入时自动生成"
    )]
    audit_key_file: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(about = "启动服务（使用已有数据库）")]
    Serve {
        #[arg(long, env = "JIANFU_LISTEN", default_value = DEFAULT_LISTEN, help = "监听地址，如 127.0.0.1:8080")]
        listen: String,
    },
    #[command(about = "创建示例地区（仅首次）并启动服务，打印示例账号")]
    Demo {
        #[arg(long, env = "JIANFU_LISTEN", default_value = DEFAULT_LISTEN, help = "监听地址，如 127.0.0.1:8080")]
        listen: String,
    },
    #[command(about = "执行数据库迁移")]
    Migrate,
    #[command(about = "为用户签发接口令牌（只向标准输出打印令牌）")]
    Token {
        #[arg(long, help = "用户名")]
        user: String,
        #[arg(long, default_value = "命令行签发", help = "令牌名称（用途说明）")]
        label: String,
        #[arg(long, help = "有效天数，1至365（默认90）")]
        days: Option<i64>,
    },
    #[command(about = "审计日志")]
    Audit {
        #[command(subcommand)]
        action: AuditCommand,
    },
    #[command(about = "规则与预警")]
    Rules {
        #[command(subcommand)]
        action: RulesCommand,
    },
    #[command(about = "文件智能分析")]
    Analysis {
        #[command(subcommand)]
        action: AnalysisCommand,
    },
    #[command(about = "基准测试")]
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    #[command(about = "备份正在运行的 SQLite 数据库（一致性副本）")]
    Backup {
        #[arg(long, help = "备份文件路径")]
        to: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    #[command(
        about = "台账基准：生成、装载、全量评估、查询负担台账（默认使用临时 SQLite 数据库）"
    )]
    Ledger {
        #[arg(long, default_value_t = 100_000, help = "发文和会议总条数")]
        items: usize,
        #[arg(long, default_value_t = 200, help = "负担台账查询次数")]
        queries: usize,
    },
    #[command(
        about = "并发写入基准：装载台账后启动服务，多个客户端同时经接口登记，报告每秒写入数、写入延迟和同时读取台账的延迟（默认使用临时 SQLite 数据库）"
    )]
    Writes {
        #[arg(long, default_value_t = 100_000, help = "预先装载的负担事项条数")]
        items: usize,
        #[arg(long, default_value_t = 16, help = "并发写入的客户端数")]
        writers: usize,
        #[arg(long, default_value_t = 20, help = "写入持续秒数")]
        seconds: u64,
        #[arg(
            long,
            default_value_t = 0,
            help = "同时读取负担台账的频率（次/秒）；0 表示一个读者不停地连续读取"
        )]
        reads_per_second: u32,
    },
    #[command(
        about = "照抄照搬检测基准：生成带标准答案的语料，建立索引、查询，报告吞吐、延迟、内存、准确率和召回率"
    )]
    Copy {
        #[arg(long, default_value_t = 10_000, help = "文件数")]
        docs: usize,
        #[arg(long, default_value_t = 2, help = "线程数")]
        threads: usize,
    },
    #[command(about = "全文检索基准：生成文件、建立索引，报告索引速度和查询 p50/p95/p99")]
    Search {
        #[arg(long, default_value_t = 10_000, help = "文件数")]
        docs: usize,
    },
    #[command(
        about = "错峰排期基准：生成一个省一年的较大规模督查检查考核、调研，求解错峰方案，报告用时、调整项数和下界"
    )]
    Schedule {
        #[arg(long, default_value_t = 25_000, help = "基层单位数（乡镇、村）")]
        units: usize,
        #[arg(long, default_value_t = 50_000, help = "督查检查考核、调研事项数")]
        items: usize,
        #[arg(long, default_value_t = 2026, help = "随机种子")]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AnalysisCommand {
    #[command(
        about = "用两个标注句子集（已有标注集、盲写留出集）评估基层负担条款识别的准确率（precision）、召回率（recall）、整句类别一致率和承担主体一致率"
    )]
    Eval {
        #[arg(
            long,
            help = "追加的词库文件（TOML，格式同内置词库），用于检验新增的提示词"
        )]
        extend: Option<std::path::PathBuf>,
        #[arg(
            long,
            help = "列出识别错误的句子（盲写留出集只列dev部分，heldout部分不得用于调整）"
        )]
        errors: bool,
    },
    #[command(
        about = "用标注句子集评估套话（穿靴戴帽）识别的逐类准确率（precision）和召回率（recall），并核对已知构成的整篇文件的套话占比"
    )]
    PaddingEval {
        #[arg(long, help = "列出识别错误的句子")]
        errors: bool,
    },
    #[command(
        about = "用已知原文的扫描件评估扫描件文字识别（OCR）的字符准确率：1 − 编辑距离 ÷ 原文字数（均不计空白）；默认用内置的300dpi通知扫描件"
    )]
    OcrEval {
        #[arg(long, help = "扫描件（不含文字层的.pdf，或.png、.jpg），与--truth同用")]
        file: Option<std::path::PathBuf>,
        #[arg(long, help = "扫描件的原文（UTF-8文本）")]
        truth: Option<std::path::PathBuf>,
        #[arg(long, help = "打印识别出的文字")]
        show: bool,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    #[command(about = "对全部发文、会议重新运行规则，产生或解除预警")]
    Run,
}

#[derive(Subcommand)]
enum AuditCommand {
    #[command(about = "校验审计日志哈希链是否完整")]
    Verify {
        #[arg(
            long,
            help = "检查点文件：同时证明审计日志仍延续该检查点（其后未被截短或改写）"
        )]
        checkpoint: Option<std::path::PathBuf>,
    },
    #[command(
        about = "签署审计日志检查点（链尾序号、哈希、记录数、时间），写入文件和日志，保存在数据库之外"
    )]
    Checkpoint {
        #[arg(long, help = "检查点文件路径（不指定则打印到标准输出）")]
        to: Option<std::path::PathBuf>,
    },
}

/// clap's messages in Chinese, naming the argument at fault.
fn chinese_usage_error(e: &clap::Error) -> String {
    let arg = e
        .get(ContextKind::InvalidArg)
        .or_else(|| e.get(ContextKind::InvalidSubcommand))
        .map(|v| v.to_string())
        .unwrap_or_default();
    let value = e
        .get(ContextKind::InvalidValue)
        .map(|v| v.to_string())
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => format!("未知参数：{arg}"),
        ErrorKind::InvalidSubcommand => format!(
            "未知命令：{arg}（可用命令：serve、demo、migrate、token、rules run、audit verify、audit checkpoint、backup、bench ledger）"
        ),
        ErrorKind::MissingRequiredArgument => format!("缺少必需参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令（可用命令：serve、demo、migrate、token、rules run、audit verify、audit checkpoint、backup、bench ledger）".to_string()
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("参数 {arg} 的值“{value}”无效")
        }
        ErrorKind::NoEquals
        | ErrorKind::TooManyValues
        | ErrorKind::TooFewValues
        | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值个数不正确")
        }
        ErrorKind::ArgumentConflict => format!("参数 {arg} 与其他参数冲突"),
        _ => "命令行参数有误".to_string(),
    }
}

fn main() -> ExitCode {
    // `jianfu parse-worker` (hidden from the help): the server re-runs itself to parse one
    // uploaded file under memory and CPU limits (see `jianfu_parse`).
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == jianfu_parse::WORKER_COMMAND)
    {
        return jianfu_parse::worker::main();
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!(
                "错误：{}\n运行 jianfu --help 查看用法。",
                chinese_usage_error(&e)
            );
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("JIANFU_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(message) = jianfu::install() {
        eprintln!("错误：{message}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("错误：{message}");
            ExitCode::from(2)
        }
    }
}

/// Opens the database for a command that writes, with the configured audit key, migrated.
async fn open(url: &str, keys: &audit_cli::KeyConfig) -> Result<Db, String> {
    let (db, _) = audit_cli::open(url, keys, audit_cli::Purpose::Write).await?;
    Ok(db)
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let search = search_dir(&cli);
    let keys = audit_cli::KeyConfig::new(cli.audit_key_file.clone());
    match cli.command {
        Command::Serve { listen } => {
            let db = open(&cli.database, &keys).await?;
            serve(db, &listen, &search, &cli.public_url, &cli.trusted_proxy).await
        }
        Command::Demo { listen } => {
            let db = open(&cli.database, &keys).await?;
            let region = jianfu_web::module::seed_demo(&db)
                .await
                .map_err(|e| e.to_string())?;
            if region.created {
                println!("已创建示例地区：示例市 → 示例县（部门、乡镇街道、村社区）");
            } else {
                println!("示例地区已存在，继续使用原有数据。");
            }
            println!("\n示例账号（密码均为 {}）：", demo::DEMO_PASSWORD);
            for l in &region.logins {
                println!(
                    "  {:<16} {:<10} {}（{}）",
                    l.username,
                    l.role.label(),
                    l.display_name,
                    l.unit_name
                );
            }
            println!();
            serve(db, &listen, &search, &cli.public_url, &cli.trusted_proxy).await
        }
        Command::Migrate => {
            let (_, n) = audit_cli::open(&cli.database, &keys, audit_cli::Purpose::Write).await?;
            println!("数据库迁移完成：本次执行{n}项");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { user, label, days } => {
            let db = open(&cli.database, &keys).await?;
            let issued = tokens::issue_by_name(&db, &user, &label, days)
                .await
                .map_err(|e| e.to_string())?;
            // Only the token on standard output, so that scripts can take it as it is.
            println!("{}", issued.secret);
            eprintln!(
                "接口令牌“{}”已签发，有效期至{}（北京时间），只显示这一次",
                issued.token.name,
                jianfu_core::time::display_ts(&issued.token.expires_at)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            action: AuditCommand::Verify { checkpoint },
        } => {
            let (db, _) = audit_cli::open(&cli.database, &keys, audit_cli::Purpose::Verify).await?;
            audit_cli::verify(&db, checkpoint.as_deref()).await
        }
        Command::Audit {
            action: AuditCommand::Checkpoint { to },
        } => {
            let (db, _) = audit_cli::open(&cli.database, &keys, audit_cli::Purpose::Verify).await?;
            audit_cli::checkpoint(&db, to.as_deref()).await
        }
        Command::Rules {
            action: RulesCommand::Run,
        } => {
            let db = open(&cli.database, &keys).await?;
            let started = std::time::Instant::now();
            let o = jianfu_domain::warnings::run_all(&db)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "规则运行完成（{:.1}秒）：新增预警{}条，更新{}条，自动解除{}条，现有预警{}条。",
                started.elapsed().as_secs_f64(),
                o.raised,
                o.updated,
                o.resolved,
                o.live
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what: BenchCommand::Ledger { items, queries },
        } => {
            let (database, scratch) = bench_database(&cli.database);
            let result = bench::ledger_bench(bench::Options {
                items,
                database,
                queries,
            })
            .await;
            if let Some(dir) = scratch {
                let _ = std::fs::remove_dir_all(&dir);
            }
            result.map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what:
                BenchCommand::Writes {
                    items,
                    writers,
                    seconds,
                    reads_per_second,
                },
        } => {
            if writers == 0 || seconds == 0 {
                return Err("客户端数（--writers）和持续秒数（--seconds）应大于0".into());
            }
            let (database, scratch) = bench_database(&cli.database);
            let result = bench::writes_bench(bench::WritesOptions {
                items,
                writers,
                seconds,
                reads_per_second,
                database,
            })
            .await;
            if let Some(dir) = scratch {
                let _ = std::fs::remove_dir_all(&dir);
            }
            result.map_err(|e| e.to_string())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what: BenchCommand::Copy { docs, threads },
        } => {
            if docs == 0 {
                return Err("文件数（--docs）应大于0".into());
            }
            let report =
                tokio::task::spawn_blocking(move || jianfu_text::copy::bench::run(docs, threads))
                    .await
                    .map_err(|e| e.to_string())?;
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what: BenchCommand::Search { docs },
        } => {
            if docs == 0 {
                return Err("文件数（--docs）应大于0".into());
            }
            let report = tokio::task::spawn_blocking(move || jianfu_search::bench::run(docs))
                .await
                .map_err(|e| e.to_string())?;
            println!("{}", report.render());
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            what: BenchCommand::Schedule { units, items, seed },
        } => {
            let report = tokio::task::spawn_blocking(move || {
                jianfu_inspections::schedule::bench(units, items, seed)
            })
            .await
            .map_err(|e| e.to_string())?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Analysis {
            action: AnalysisCommand::Eval { extend, errors },
        } => {
            use jianfu_text::burden::{eval, Lexicon};
            let lexicon = match extend {
                Some(path) => {
                    let extra = std::fs::read_to_string(&path)
                        .map_err(|e| format!("无法读取词库文件{}：{e}", path.display()))?;
                    Lexicon::builtin()
                        .extended_with(&extra)
                        .map_err(|e| e.to_string())?
                }
                None => Lexicon::builtin().clone(),
            };
            let report = eval::evaluate(&lexicon, eval::LABELLED_SET).map_err(|e| e.to_string())?;
            let heldout = eval::evaluate(&lexicon, eval::HELDOUT_SET).map_err(|e| e.to_string())?;
            println!(
                "【已有标注集】data/burden_labelled.tsv，与识别器由同一作者编写（dev用于调整，test不用于调整）\n{}",
                report.render_scores()
            );
            println!(
                "【盲写留出集】data/burden_heldout.tsv，由另一位作者在未看识别器、词库和已有标注集的情况下独立编写（只依据dev调整，heldout只报告成绩）\n{}",
                heldout.render_scores()
            );
            if errors {
                println!("【已有标注集】{}", report.render_mistakes(None));
                println!(
                    "【盲写留出集·dev】{}",
                    heldout.render_mistakes(Some(eval::Split::Dev))
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Analysis {
            action: AnalysisCommand::OcrEval { file, truth, show },
        } => ocr_eval(file, truth, show).await,
        Command::Analysis {
            action: AnalysisCommand::PaddingEval { errors },
        } => {
            use jianfu_text::padding::{eval, PaddingLexicon};
            let report = eval::evaluate(
                PaddingLexicon::builtin(),
                eval::LABELLED_SET,
                eval::DOCUMENTS,
            )
            .map_err(|e| e.to_string())?;
            println!("{}", report.render_scores());
            if errors {
                println!("{}", report.render_mistakes(None));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { to } => {
            if to.exists() {
                return Err(format!("备份文件{}已存在，请换一个路径", to.display()));
            }
            let db = open(&cli.database, &keys).await?;
            db.backup_sqlite(&to).await.map_err(|e| e.to_string())?;
            println!("已备份到 {}", to.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A benchmark's database: the one named with `--database` (or `JIANFU_DATABASE_URL`), else a fresh
/// temporary SQLite file, with the directory to remove afterwards.
fn bench_database(named: &str) -> (String, Option<std::path::PathBuf>) {
    let explicit = std::env::args().any(|a| a == "--database" || a.starts_with("--database="))
        || std::env::var("JIANFU_DATABASE_URL").is_ok();
    if explicit {
        return (named.to_string(), None);
    }
    let dir = std::env::temp_dir().join(format!("jianfu-bench-{}", std::process::id()));
    (format!("sqlite://{}/bench.db", dir.display()), Some(dir))
}

/// Where the search index of this database lives: beside a SQLite file, or under
/// `./jianfu-data` for PostgreSQL, unless `--search-dir` says otherwise.
fn search_dir(cli: &Cli) -> std::path::PathBuf {
    if let Some(d) = &cli.search_dir {
        return d.clone();
    }
    match data_home(&cli.database) {
        DataHome::Beside(path) => std::path::PathBuf::from(format!("{path}.search")),
        DataHome::Named(name) => std::path::PathBuf::from(format!("./jianfu-data/search-{name}")),
    }
}

/// Where the files that belong to a database (its search index, its audit key) live: beside a
/// SQLite file, or under `./jianfu-data` named after the database.
pub enum DataHome {
    /// The SQLite file's path.
    Beside(String),
    /// The database's name, reduced to letters, digits, `_` and `-`.
    Named(String),
}

pub fn data_home(url: &str) -> DataHome {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        if !path.is_empty() && !path.contains(":memory:") {
            return DataHome::Beside(path.to_string());
        }
    }
    let name: String = url
        .rsplit('/')
        .next()
        .unwrap_or("db")
        .split('?')
        .next()
        .unwrap_or("db")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    DataHome::Named(name)
}

/// `jianfu analysis ocr-eval`: reads a scan of known text through the same parser as uploads
/// (this executable as the worker, the OCR tools on `PATH`) and prints its character accuracy.
async fn ocr_eval(
    file: Option<std::path::PathBuf>,
    truth: Option<std::path::PathBuf>,
    show: bool,
) -> Result<ExitCode, String> {
    const FIXTURE: &[u8] = include_bytes!("../../jianfu-parse/tests/fixtures/scan_notice.pdf");
    const FIXTURE_TRUTH: &str = include_str!("../../jianfu-parse/tests/fixtures/scan_notice.txt");
    let (name, bytes, truth) = match (file, truth) {
        (None, None) => (
            "scan_notice.pdf（内置：一页通知，300dpi黑白扫描，无文字层）".to_string(),
            FIXTURE.to_vec(),
            FIXTURE_TRUTH.to_string(),
        ),
        (Some(file), Some(truth)) => (
            file.display().to_string(),
            std::fs::read(&file).map_err(|e| format!("无法读取{}：{e}", file.display()))?,
            std::fs::read_to_string(&truth)
                .map_err(|e| format!("无法读取{}：{e}", truth.display()))?,
        ),
        _ => return Err("--file和--truth须同时给出".into()),
    };
    let me = std::env::current_exe().map_err(|e| format!("无法确定本程序的路径：{e}"))?;
    let parser = jianfu_parse::Parser::new(jianfu_parse::ParseConfig::with_worker(me));
    let started = std::time::Instant::now();
    let read = parser
        .read(&name, bytes.into())
        .await
        .map_err(|e| e.to_string())?;
    let seconds = started.elapsed().as_secs_f64();
    let Some(mark) = read.ocr else {
        return Err(format!(
            "{name}有文字层，未经文字识别：请用不含文字层的扫描件"
        ));
    };
    let chars: Vec<char> = truth.chars().filter(|c| !c.is_whitespace()).collect();
    let got: Vec<char> = read.text.chars().filter(|c| !c.is_whitespace()).collect();
    let distance = jianfu_parse::ocr::edit_distance(&chars, &got);
    let accuracy = jianfu_parse::ocr::character_accuracy(&truth, &read.text);
    println!("扫描件：{name}");
    println!(
        "页数：{}，用时{seconds:.1}秒，识别置信度（逐词平均）：{}%",
        mark.pages, mark.confidence
    );
    println!(
        "原文{}字，识别{}字，编辑距离{distance}，字符准确率：{:.2}%",
        chars.len(),
        got.len(),
        accuracy * 100.0
    );
    if show {
        println!("—— 识别出的文字 ——\n{}", read.text);
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(
    db: Db,
    listen: &str,
    search_dir: &std::path::Path,
    public_url: &Option<String>,
    trusted_proxies: &[String],
) -> Result<ExitCode, String> {
    let trusted_proxies = jianfu_web::extract::trusted_proxies(trusted_proxies)?;
    let secure_cookies = match public_url.as_deref() {
        None => false,
        Some(u) if u.starts_with("https://") => true,
        Some(u) if u.starts_with("http://") => false,
        Some(u) => {
            return Err(format!(
                "对外访问地址（--public-url）“{u}”应以 https:// 或 http:// 开头"
            ))
        }
    };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("无法监听地址 {listen}：{e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("减负平台已启动：http://{addr}  （按 Ctrl-C 停止）");
    std::fs::create_dir_all(search_dir)
        .map_err(|e| format!("无法创建全文检索索引目录{}：{e}", search_dir.display()))?;
    let mut state = jianfu_web::AppState::open(db.clone(), Some(search_dir))
        .map_err(|e| format!("无法打开全文检索索引{}：{e}", search_dir.display()))?;
    // Uploaded files are parsed by this executable re-run as `jianfu parse-worker`.
    let me = std::env::current_exe().map_err(|e| format!("无法确定本程序的路径：{e}"))?;
    state.parser = jianfu_parse::Parser::new(jianfu_parse::ParseConfig::with_worker(me));
    state.secure_cookies = secure_cookies;
    state.trusted_proxies = trusted_proxies.into();
    jianfu_web::serve(listener, state)
        .await
        .map_err(|e| format!("服务异常退出：{e}"))?;
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
