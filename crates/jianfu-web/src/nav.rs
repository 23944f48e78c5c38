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
    entry("/", "首页", Action::ViewOrg),
    entry("/warnings", "预警", Action::ViewWarnings),
    entry("/burden", "负担台账", Action::ViewLedger),
    entry("/documents", "发文台账", Action::ViewLedger),
    entry("/meetings", "会议台账", Action::ViewLedger),
    entry("/analysis", "发文前评估", Action::ViewLedger),
    entry("/search", "全文检索", Action::ViewLedger),
    entry("/plans", "年度计划", Action::ViewLedger),
    entry("/rules", "规则", Action::ViewWarnings),
    entry("/org", "组织机构", Action::ViewOrg),
    entry("/users", "用户管理", Action::ViewUsers),
    entry("/audit", "审计日志", Action::ViewAudit),
];

const fn entry(href: &'static str, label: &'static str, action: Action) -> Entry {
    Entry {
        href,
        label,
        action,
    }
}

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
