//! The navigation of the UI. Each module adds its entry here, shown when the policy allows.
use jianfu_core::Actor;
use jianfu_domain::policy::{can, Action};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

struct Entry {
    href: &'static str,
    label: &'static str,
    action: Action,
}

const ENTRIES: &[Entry] = &[
    Entry {
        href: "/",
        label: "首页",
        action: Action::ViewOrg,
    },
    Entry {
        href: "/org",
        label: "组织机构",
        action: Action::ViewOrg,
    },
    Entry {
        href: "/users",
        label: "用户管理",
        action: Action::ViewUsers,
    },
    Entry {
        href: "/audit",
        label: "审计日志",
        action: Action::ViewAudit,
    },
];

pub fn items(actor: &Actor, current: &str) -> Vec<NavItem> {
    ENTRIES
        .iter()
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
