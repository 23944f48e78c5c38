//! The module manifest: how a module of the platform declares itself (the way a Decidim
//! component does). The binary lists the modules in one place and [`install`]s them; the
//! platform builds the API router and its OpenAPI document, the pages, the navigation, the
//! rule catalogue and the burden channels from the manifests, and refuses to start when two modules claim the same
//! name, route, navigation entry or rule id.
use crate::AppState;
use axum::Router;
use jianfu_core::Actor;
use jianfu_core::AppError;
use jianfu_core::AppResult;
use jianfu_demo::{DemoRegion, DemoSeed};
use jianfu_domain::burden::{self, Channel};
use jianfu_domain::policy::{self, can, Action, Grant};
use jianfu_domain::rules::{self, RulePack};
use jianfu_store::migrate::{self, Migration, ModuleMigrations};
use jianfu_store::Db;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::OnceLock;
use utoipa_axum::router::OpenApiRouter;

/// One module of the platform.
pub struct Module {
    /// Stable name, e.g. "meetings".
    pub name: &'static str,
    /// Chinese name, e.g. 会议.
    pub label: &'static str,
    /// Its JSON API routes with their OpenAPI entries (JSON body limit).
    pub api: fn() -> OpenApiRouter<AppState>,
    /// Its routes that take files (upload body limit).
    pub uploads: fn() -> OpenApiRouter<AppState>,
    /// Its pages.
    pub ui: fn() -> Router<AppState>,
    /// Its entries in the navigation.
    pub nav: &'static [NavEntry],
    /// Its actions and the roles granted each (`documents.file`, …); keys start with its name.
    pub grants: &'static [&'static Grant],
    /// Its rules.
    pub rules: &'static [&'static RulePack],
    /// Its migrations (`modules/<name>/migrations/`), run after the platform's, versions its own.
    pub migrations: &'static [Migration],
    /// Chinese labels of its input fields, for the errors that name them.
    pub labels: &'static [(&'static str, &'static str)],
    /// The Chinese names of its fields' enumerated values (`carrier` `white_header` → 白头文件),
    /// for the audit page that shows what a write changed.
    pub value_labels: Option<jianfu_core::labels::ValueLabels>,
    /// The burden channel its items are counted in (the ledger seen from below, the ranking,
    /// the dashboard), when its items land on units.
    pub channel: Option<&'static Channel>,
    /// Its OpenAPI tags: (name, Chinese description).
    pub tags: &'static [(&'static str, &'static str)],
    /// Puts its part of a running app's state (indexes, caches) into the state, given the
    /// directory for on-disk indexes (none: in memory). Read back with `AppState::part`.
    pub state: StateFn,
    /// Work it does in the background while the server runs (reading queued documents, …).
    pub background: Option<fn(AppState) -> BoxFuture<'static, ()>>,
    /// Run once when the modules are installed: hooks it installs into the modules it extends.
    pub init: fn(),
    /// Its part in `jianfu bench ledger` (its rows from generated items, its single write).
    pub bench: Option<&'static crate::bench::Bench>,
    /// Its demo seed (`src/demo.rs`): its two years of items in the demo region.
    pub demo: Option<&'static DemoSeed>,
}

/// See [`Module::state`].
pub type StateFn = fn(&mut axum::http::Extensions, Option<&Path>) -> Result<(), AppError>;

/// A future a module's background work returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

impl Module {
    /// A module with no routes, pages, navigation or rules yet.
    pub const fn named(name: &'static str, label: &'static str) -> Module {
        Module {
            name,
            label,
            api: OpenApiRouter::new,
            uploads: OpenApiRouter::new,
            ui: Router::new,
            nav: &[],
            grants: &[],
            rules: &[],
            migrations: &[],
            labels: &[],
            value_labels: None,
            channel: None,
            tags: &[],
            state: |_, _| Ok(()),
            background: None,
            init: || {},
            bench: None,
            demo: None,
        }
    }
}

/// A navigation entry, shown when the policy grants its action; entries are sorted by `order`.
pub struct NavEntry {
    pub order: u16,
    pub href: &'static str,
    pub label: &'static str,
    pub action: Action,
}

/// What the navigation shows to one user.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The platform's own entries, around which the modules' entries fall by their order.
const PLATFORM_NAV: &[NavEntry] = &[
    nav(10, "/", "首页", Action::ViewOrg),
    nav(20, "/warnings", "预警", Action::ViewWarnings),
    nav(30, "/burden", "负担台账", Action::ViewLedger),
    nav(80, "/plans", "年度计划", Action::ViewLedger),
    nav(85, "/approvals", "审批", Action::ViewApprovals),
    nav(90, "/rules", "规则", Action::ViewWarnings),
    nav(100, "/org", "组织机构", Action::ViewOrg),
    nav(110, "/users", "用户管理", Action::ViewUsers),
    nav(120, "/audit", "审计日志", Action::ViewAudit),
    nav(130, "/tokens", "接口令牌", Action::OwnTokens),
];

pub const fn nav(order: u16, href: &'static str, label: &'static str, action: Action) -> NavEntry {
    NavEntry {
        order,
        href,
        label,
        action,
    }
}

static MODULES: OnceLock<Vec<Module>> = OnceLock::new();

/// Checks the manifests and makes them the running platform's modules. Installing the same
/// list again is allowed (tests start many apps in one process).
pub fn install(modules: Vec<Module>) -> Result<(), String> {
    check(&modules)?;
    let packs: Vec<&'static RulePack> = modules.iter().flat_map(|m| m.rules).copied().collect();
    rules::install(&packs)?;
    policy::install(&module_grants(&modules))?;
    let channels: Vec<&'static Channel> = modules.iter().filter_map(|m| m.channel).collect();
    burden::install(&channels)?;
    // Each channel's item table, for the titles of the items behind the ledger's figures.
    jianfu_domain::ledger_items::install_tables(
        modules
            .iter()
            .filter_map(|m| Some((m.channel?.name, m.bench?.table)))
            .collect(),
    );
    jianfu_core::labels::install(field_labels(&modules));
    jianfu_core::labels::install_values(modules.iter().filter_map(|m| m.value_labels).collect());
    migrate::install(migration_sets(&modules))?;
    for m in &modules {
        (m.init)();
    }
    let names = |ms: &[Module]| ms.iter().map(|m| m.name).collect::<Vec<_>>();
    let wanted = names(&modules);
    let installed = MODULES.get_or_init(|| modules);
    if names(installed) != wanted {
        return Err("平台已按另一组模块启动".into());
    }
    Ok(())
}

/// The modules' grants with the name of the module declaring each.
fn module_grants(modules: &[Module]) -> Vec<(&'static str, &'static Grant)> {
    modules
        .iter()
        .flat_map(|m| m.grants.iter().map(|g| (m.name, *g)))
        .collect()
}

/// The modules' migrations, in the order of the module list.
fn migration_sets(modules: &[Module]) -> Vec<ModuleMigrations> {
    modules
        .iter()
        .filter(|m| !m.migrations.is_empty())
        .map(|m| ModuleMigrations {
            module: m.name,
            migrations: m.migrations,
        })
        .collect()
}

/// The modules' field labels, with the plan fields of their channels.
fn field_labels(modules: &[Module]) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = Vec::new();
    for m in modules {
        out.extend(m.labels);
        if let Some(p) = m.channel.and_then(|c| c.plan.as_ref()) {
            out.extend([(p.planned, p.planned_label), (p.quota, p.quota_label)]);
        }
    }
    out
}

/// Creates the demo region with the installed modules' two years of activity (each module's
/// [`DemoSeed`], in the order of the list), unless the region exists.
pub async fn seed_demo(db: &Db) -> AppResult<DemoRegion> {
    let seeds: Vec<&DemoSeed> = modules().iter().filter_map(|m| m.demo).collect();
    jianfu_demo::ensure(db, &seeds).await
}

/// The installed modules (none before [`install`]).
pub fn modules() -> &'static [Module] {
    MODULES.get().map(Vec::as_slice).unwrap_or(&[])
}

/// A manifest that contradicts another fails here, with a message naming both.
pub fn check(modules: &[Module]) -> Result<(), String> {
    let mut names = BTreeMap::new();
    for m in modules {
        if names.insert(m.name, m.label).is_some() {
            return Err(format!("模块名称“{}”被重复注册", m.name));
        }
    }
    let mut hrefs: BTreeMap<&str, &str> = PLATFORM_NAV.iter().map(|e| (e.href, "平台")).collect();
    let mut routes: BTreeMap<(String, String), &str> = crate::api::platform_routes()
        .into_iter()
        .map(|r| (r, "平台"))
        .collect();
    let mut rule_ids: BTreeMap<&str, &str> = BTreeMap::new();
    let mut channels: BTreeMap<&str, &str> = BTreeMap::new();
    for m in modules {
        if let Some(c) = m.channel {
            if let Some(other) = channels.insert(c.name, m.name) {
                return Err(format!(
                    "负担渠道“{}”被模块“{}”与“{}”重复声明",
                    c.name, other, m.name
                ));
            }
        }
        for e in m.nav {
            if let Some(other) = hrefs.insert(e.href, m.name) {
                return Err(format!(
                    "导航入口“{}”被模块“{}”与“{}”重复注册",
                    e.href, other, m.name
                ));
            }
        }
        for route in api_routes((m.api)())
            .into_iter()
            .chain(api_routes((m.uploads)()))
        {
            if let Some(other) = routes.insert(route.clone(), m.name) {
                return Err(format!(
                    "接口 {} {} 被模块“{}”与“{}”重复注册",
                    route.0, route.1, other, m.name
                ));
            }
        }
        for r in m.rules.iter().flat_map(|p| p.rules) {
            if let Some(other) = rule_ids.insert(r.id, m.name) {
                return Err(format!(
                    "规则编号“{}”被模块“{}”与“{}”重复定义",
                    r.id, other, m.name
                ));
            }
        }
    }
    migrate::check(&migration_sets(modules))?;
    policy::check(&module_grants(modules))?;
    // A field named by two modules must read the same in both, or errors would depend on which
    // module spoke first.
    let mut labels: BTreeMap<&str, &str> = BTreeMap::new();
    for (field, label) in field_labels(modules) {
        if let Some(other) = labels.insert(field, label).filter(|o| *o != label) {
            return Err(format!(
                "字段“{field}”的中文名称被声明为“{other}”和“{label}”"
            ));
        }
    }
    // Pages: axum refuses two handlers for one path and method by panicking; say which.
    let merged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        modules
            .iter()
            .fold(crate::ui::router(), |r, m| r.merge((m.ui)()))
    }));
    merged.map(|_| ()).map_err(|e| {
        let why = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("页面路由冲突：{why}")
    })
}

/// The (METHOD, path) pairs an API router documents.
pub fn api_routes(r: OpenApiRouter<AppState>) -> Vec<(String, String)> {
    let (_, doc) = r.split_for_parts();
    let mut out = Vec::new();
    for (path, item) in doc.paths.paths {
        let json = serde_json::to_value(&item).unwrap_or_default();
        for method in json.as_object().into_iter().flat_map(|o| o.keys()) {
            if matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The navigation for one user: the platform's entries and the modules', in order, those the
/// policy allows.
pub fn nav_items(actor: &Actor, current: &str) -> Vec<NavItem> {
    let mut entries: Vec<&NavEntry> = PLATFORM_NAV
        .iter()
        .chain(modules().iter().flat_map(|m| m.nav))
        .collect();
    entries.sort_by_key(|e| e.order);
    entries
        .into_iter()
        .filter(|e| can(actor, e.action))
        .map(|e| NavItem {
            href: e.href,
            label: e.label,
            active: if e.href == "/" {
                current == "/"
            } else {
                current.starts_with(e.href)
            },
        })
        .collect()
}
