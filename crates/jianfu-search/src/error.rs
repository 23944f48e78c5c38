use std::path::PathBuf;

/// Why the search index could not do what was asked. Messages are Chinese:
/// the web layer may show them to an administrator.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("检索索引目录无法创建：{}：{source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("检索索引正被其他进程占用：{}", path.display())]
    Locked { path: PathBuf },
    #[error("检索索引无法打开：{}：{source}", path.display())]
    Open {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("检索索引写入失败：{0}")]
    Write(#[source] tantivy::TantivyError),
    #[error("全文检索失败：{0}")]
    Query(#[source] tantivy::TantivyError),
}
