//! The audit key of this process, the database opened with it, and the `jianfu audit` commands
//! (`verify`, `verify --checkpoint`, `checkpoint`).
//!
//! The key comes from configuration, never from the database: `--audit-key-file PATH` (or
//! `JIANFU_AUDIT_KEY_FILE`), a file whose content is the key, or `JIANFU_AUDIT_KEY`, the key
//! itself; giving both is refused. With neither, the key is the file beside a SQLite database
//! (`<db>.audit-key`) or `./jianfu-data/<name>.audit-key` for PostgreSQL, created (mode 0600) by
//! the first command that writes — unless the chain already holds signed entries, whose key a
//! new one could not verify.
use jianfu_domain::audit::{self, KeyCheck};
use jianfu_store::{AuditKey, Db};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The variable that holds the key itself.
pub const KEY_ENV: &str = "JIANFU_AUDIT_KEY";

/// The shortest key accepted, in characters (the key is the text as given, trimmed).
const MIN_KEY_CHARS: usize = 32;

/// Where the audit key comes from, as configured.
pub struct KeyConfig {
    file: Option<PathBuf>,
    value: Option<String>,
}

impl KeyConfig {
    /// The key file named on the command line (or by `JIANFU_AUDIT_KEY_FILE`), and
    /// `JIANFU_AUDIT_KEY`.
    pub fn new(file: Option<PathBuf>) -> KeyConfig {
        KeyConfig {
            file,
            value: std::env::var(KEY_ENV).ok().filter(|v| !v.trim().is_empty()),
        }
    }
}

/// What the database is opened for: a command that writes may create the default key file;
/// verifying never makes a key (a new key could not verify anything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Write,
    Verify,
}

/// Connects, configures the audit key, migrates (sealing the switch to keyed entries when this
/// run introduces it) and, for a command that writes, refuses a key the signed entries do not
/// verify with. Returns the handle and how many migrations ran.
pub async fn open(url: &str, keys: &KeyConfig, purpose: Purpose) -> Result<(Db, usize), String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    let key = resolve(url, keys, &db, purpose).await?;
    let db = db.with_audit_key(key);
    let applied = audit::migrate(&db).await.map_err(|e| e.to_string())?;
    if purpose == Purpose::Write {
        match audit::check_key(&db).await.map_err(|e| e.to_string())? {
            KeyCheck::Fails => {
                return Err("当前审计密钥无法验证审计日志中已签名的记录，操作已停止：请确认配置的是签名时所用的原密钥；如怀疑审计日志被篡改，请运行 jianfu audit verify 检查".into());
            }
            KeyCheck::Mixed => tracing::warn!(
                "审计日志中部分已签名记录无法用当前密钥验证，日志可能被篡改：请运行 jianfu audit verify 检查"
            ),
            KeyCheck::NothingSigned | KeyCheck::Holds => {}
        }
    }
    Ok((db, applied))
}

async fn resolve(
    url: &str,
    keys: &KeyConfig,
    db: &Db,
    purpose: Purpose,
) -> Result<AuditKey, String> {
    match (&keys.file, &keys.value) {
        (Some(_), Some(_)) => Err(format!(
            "同时指定了审计密钥文件（--audit-key-file 或 JIANFU_AUDIT_KEY_FILE）和环境变量 {KEY_ENV}，请只保留一个"
        )),
        (Some(path), None) => {
            tracing::info!("审计密钥：使用密钥文件{}", path.display());
            read_key_file(path)
        }
        (None, Some(value)) => {
            tracing::info!("审计密钥：使用环境变量 {KEY_ENV}");
            parse_key(value, &format!("环境变量 {KEY_ENV}"))
        }
        (None, None) => default_key(url, db, purpose).await,
    }
}

fn parse_key(text: &str, source: &str) -> Result<AuditKey, String> {
    let key = text.trim();
    if key.chars().count() < MIN_KEY_CHARS {
        return Err(format!(
            "{source}中的审计密钥过短：至少需要{MIN_KEY_CHARS}个字符（可用 openssl rand -hex 32 生成）"
        ));
    }
    Ok(AuditKey::new(key.as_bytes()))
}

fn read_key_file(path: &Path) -> Result<AuditKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取审计密钥文件{}：{e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                tracing::warn!(
                    "审计密钥文件{}可被其他用户读取，建议将权限设为600（chmod 600）",
                    path.display()
                );
            }
        }
    }
    parse_key(&text, &format!("审计密钥文件{}", path.display()))
}

/// The key file used when none is configured: beside a SQLite database, or under
/// `./jianfu-data/` for PostgreSQL, named after the database.
pub fn default_key_path(url: &str) -> PathBuf {
    match crate::data_home(url) {
        crate::DataHome::Beside(path) => PathBuf::from(format!("{path}.audit-key")),
        crate::DataHome::Named(name) => PathBuf::from(format!("./jianfu-data/{name}.audit-key")),
    }
}

async fn default_key(url: &str, db: &Db, purpose: Purpose) -> Result<AuditKey, String> {
    let path = default_key_path(url);
    if path.exists() {
        tracing::info!("审计密钥：使用密钥文件{}", path.display());
        return read_key_file(&path);
    }
    let configure =
        format!("请用参数 --audit-key-file 或环境变量 {KEY_ENV} 指定签名审计日志所用的密钥");
    if purpose == Purpose::Verify {
        return Err(format!(
            "未找到审计密钥：未指定密钥，默认密钥文件{}也不存在。{configure}",
            path.display()
        ));
    }
    let signed = audit::keyed_entries(db).await.map_err(|e| e.to_string())?;
    if signed > 0 {
        return Err(format!(
            "审计日志已有{signed}条以密钥签名的记录，但未找到审计密钥（默认密钥文件{}不存在），不会另行生成新密钥。{configure}",
            path.display()
        ));
    }
    let key = create_key_file(&path)?;
    eprintln!(
        "已生成审计密钥文件：{}（权限600）。审计日志以此密钥签名，请与数据库分开妥善保管和备份；遗失后已签名的记录将无法校验。",
        path.display()
    );
    Ok(key)
}

/// Writes a new random key (32 bytes, hex) to `path` with mode 0600, atomically: the key is
/// written to a file of this process, then linked to `path` unless another process got there
/// first, whose key is then read.
fn create_key_file(path: &Path) -> Result<AuditKey, String> {
    use rand::RngCore;
    use std::io::Write;
    let failed = |e: std::io::Error| format!("无法创建审计密钥文件{}：{e}", path.display());
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = PathBuf::from(format!("{}.{}.tmp", path.display(), std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&tmp).and_then(|mut f| {
        f.write_all(format!("{key}\n").as_bytes())?;
        f.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(failed(e));
    }
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(AuditKey::new(key.as_bytes())),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_key_file(path),
        Err(e) => Err(failed(e)),
    }
}

/// `jianfu audit verify [--checkpoint FILE]`: 0 when the chain holds (and extends the
/// checkpoint), 1 when it does not.
pub async fn verify(db: &Db, checkpoint: Option<&Path>) -> Result<ExitCode, String> {
    let Some(path) = checkpoint else {
        let v = audit::verify(db).await.map_err(|e| e.to_string())?;
        return Ok(match v.broken {
            None => {
                println!(
                    "审计日志完整：共{}条记录，哈希链校验通过（{}）。",
                    v.entries,
                    keyed_note(&v)
                );
                ExitCode::SUCCESS
            }
            Some(b) => {
                println!("审计日志校验失败：第{}条记录起不可信。{}", b.seq, b.reason);
                ExitCode::from(1)
            }
        });
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取检查点文件{}：{e}", path.display()))?;
    let cp = match audit::Checkpoint::parse(&text) {
        Ok(cp) => cp,
        Err(problem) => {
            println!("审计日志未通过检查点校验：{problem}");
            return Ok(ExitCode::from(1));
        }
    };
    let check = audit::verify_checkpoint(db, &cp)
        .await
        .map_err(|e| e.to_string())?;
    let signed = jianfu_core::time::display_ts(&cp.at);
    match (check.problems.is_empty(), check.chain) {
        (true, Some(v)) => {
            println!(
                "审计日志完整，且延续{signed}签署的检查点（至第{}条、共{}条记录）：现有{}条记录，检查点之后新增{}条（{}）。",
                cp.seq,
                cp.entries,
                v.entries,
                v.entries - cp.entries,
                keyed_note(&v)
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            println!("审计日志未通过检查点校验（检查点文件{}）：", path.display());
            for p in &check.problems {
                println!("  · {p}");
            }
            Ok(ExitCode::from(1))
        }
    }
}

/// Which entries are signed with the key, in words.
fn keyed_note(v: &audit::Verification) -> String {
    match v.keyed_from {
        1 => "全部记录以审计密钥签名".into(),
        k if k > v.head_seq => format!(
            "第1至{}条为启用密钥签名前的记录，以 SHA-256 哈希校验；尚无以密钥签名的记录",
            k - 1
        ),
        k => format!(
            "第1至{}条为启用密钥签名前的记录，以 SHA-256 哈希校验；第{k}条起以审计密钥签名",
            k - 1
        ),
    }
}

/// `jianfu audit checkpoint [--to FILE]`: verifies the chain, signs its head and writes the
/// checkpoint to the file (or standard output) and the log; 1 when the chain is broken.
pub async fn checkpoint(db: &Db, to: Option<&Path>) -> Result<ExitCode, String> {
    if let Some(path) = to.filter(|p| p.exists()) {
        return Err(format!("检查点文件{}已存在，请换一个路径", path.display()));
    }
    let cp = match audit::checkpoint(db).await.map_err(|e| e.to_string())? {
        Ok(cp) => cp,
        Err(b) => {
            println!(
                "审计日志校验失败：第{}条记录起不可信。{}\n未签署检查点。",
                b.seq, b.reason
            );
            return Ok(ExitCode::from(1));
        }
    };
    let line = cp.to_line();
    match to {
        Some(path) => {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .and_then(|mut f| {
                    f.write_all(format!("{line}\n").as_bytes())?;
                    f.sync_all()
                })
                .map_err(|e| format!("无法写入检查点文件{}：{e}", path.display()))?;
            println!(
                "已签署审计日志检查点（至第{}条、共{}条记录），写入{}（同时记入日志）。请将其保存在数据库所在主机之外。",
                cp.seq,
                cp.entries,
                path.display()
            );
        }
        None => println!("{line}"),
    }
    Ok(ExitCode::SUCCESS)
}
