//! Jianfu 减负: the platform and the one list of its modules.
use jianfu_web::module::Module;

/// The modules of this build, in the order of the navigation. Adding a module is one line here.
pub fn modules() -> Vec<Module> {
    vec![
        jianfu_web::modules::documents::module(),
        jianfu_meetings::module(),
        jianfu_web::modules::analysis::module(),
    ]
}

/// Installs the modules (their rules, routes, pages and navigation); a manifest that
/// contradicts another stops the start with a message naming both.
pub fn install() -> Result<(), String> {
    jianfu_web::module::install(modules()).map_err(|e| format!("模块注册有误：{e}"))
}
