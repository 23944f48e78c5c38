//! Jianfu 减负: the platform and the one list of its modules.
use jianfu_web::module::Module;

/// The modules of this build, in the order of the navigation. Adding a module is one line here.
pub fn modules() -> Vec<Module> {
    vec![
        jianfu_documents::module(),
        jianfu_meetings::module(),
        jianfu_analysis::module(),
        jianfu_inspections::module(),
    ]
}

/// Installs the modules (their rules, routes, pages and navigation); a manifest that
/// contradicts another stops the start with a message naming both.
pub fn install() -> Result<(), String> {
    jianfu_web::module::install(modules()).map_err(|e| format!("模块注册有误：{e}"))
}

/// A manifest that contradicts another is refused with a message naming both.
#[cfg(test)]
mod tests {
    use axum::routing::get;
    use axum::Router;
    use jianfu_documents::rules::PACK;
    use jianfu_domain::policy::Action;
    use jianfu_domain::rules::RulePack;
    use jianfu_store::migrate::Migration;
    use jianfu_web::module::{check, nav, Module, NavEntry};
    use utoipa_axum::router::OpenApiRouter;

    mod documents {
        pub use jianfu_documents::module;
    }
    mod analysis {
        pub use jianfu_analysis::module;
    }

    fn renamed(mut m: Module, name: &'static str) -> Module {
        m.name = name;
        m
    }

    #[test]
    fn the_platform_crates_modules_agree() {
        assert_eq!(check(&[documents::module(), analysis::module()]), Ok(()));
    }

    #[test]
    fn two_modules_with_one_name_are_refused() {
        let err = check(&[documents::module(), Module::named("documents", "另一个")]).unwrap_err();
        assert!(err.contains("模块名称“documents”"), "{err}");
    }

    #[test]
    fn two_modules_claiming_one_route_are_refused() {
        let twin = Module {
            nav: &[],
            rules: &[],
            channel: None,
            ui: Router::new,
            uploads: OpenApiRouter::new,
            ..renamed(documents::module(), "documents2")
        };
        let err = check(&[documents::module(), twin]).unwrap_err();
        assert!(
            err.contains("/api/v1/documents") && err.contains("documents2"),
            "{err}"
        );
    }

    #[test]
    fn two_modules_defining_one_rule_are_refused() {
        static TWIN: &[&RulePack] = &[&PACK];
        let twin = Module {
            rules: TWIN,
            ..Module::named("twin", "重复规则")
        };
        let err = check(&[documents::module(), twin]).unwrap_err();
        assert!(err.contains("规则编号“doc.length”"), "{err}");
    }

    #[test]
    fn two_modules_declaring_one_channel_are_refused() {
        let twin = Module {
            channel: documents::module().channel,
            ..Module::named("twin", "重复渠道")
        };
        let err = check(&[documents::module(), twin]).unwrap_err();
        assert!(err.contains("负担渠道“documents”"), "{err}");
    }

    #[test]
    fn a_field_labelled_two_ways_is_refused() {
        let twin = Module {
            labels: &[("issuer_id", "签发单位")],
            ..Module::named("twin", "另一种叫法")
        };
        let err = check(&[documents::module(), twin]).unwrap_err();
        assert!(
            err.contains("issuer_id") && err.contains("签发单位"),
            "{err}"
        );
    }

    #[test]
    fn a_migration_version_claimed_twice_is_refused() {
        static TWICE: &[Migration] = &[
            Migration {
                version: 1,
                name: "one",
                sql: "SELECT 1;",
            },
            Migration {
                version: 1,
                name: "again",
                sql: "SELECT 2;",
            },
        ];
        let twin = Module {
            migrations: TWICE,
            ..Module::named("twin", "重复迁移")
        };
        let err = check(&[twin]).unwrap_err();
        assert!(err.contains("模块“twin”的迁移版本号1"), "{err}");
    }

    #[test]
    fn a_page_claimed_twice_is_refused() {
        let squatter = Module {
            ui: || Router::new().route("/burden", get(|| async { "" })),
            ..Module::named("squatter", "抢占页面")
        };
        let err = check(&[squatter]).unwrap_err();
        assert!(err.contains("页面路由冲突"), "{err}");
    }

    #[test]
    fn a_nav_entry_claimed_twice_is_refused() {
        static NAV: &[NavEntry] = &[nav(1, "/warnings", "预警", Action::ViewWarnings)];
        let squatter = Module {
            nav: NAV,
            ..Module::named("squatter", "抢占导航")
        };
        let err = check(&[squatter]).unwrap_err();
        assert!(err.contains("导航入口“/warnings”"), "{err}");
    }
}
