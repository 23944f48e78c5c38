//! Who may do what: the one place that decides every permission. Deny by default.
//!
//! Two questions, always both: does the actor's role grant the action ([`can`]), and does the
//! resource lie in the actor's part of the org tree ([`ensure_in_scope`])?
//!
//! The platform's own actions are the variants of [`Action`]; a module declares its actions as
//! [`Grant`]s (the roles each is granted to) in its manifest, and the platform installs them into
//! the grant table ([`grants`]).
use jianfu_core::{Actor, AppError, AppResult, Role};
use jianfu_store::{org, Conn};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Browse the org tree.
    ViewOrg,
    /// Create and edit org units.
    ManageOrg,
    /// See user accounts.
    ViewUsers,
    /// Create and edit user accounts.
    ManageUsers,
    /// Read the audit trail.
    ViewAudit,
    /// Read the burden ledger, plans and the dashboard in scope.
    ViewLedger,
    /// Change rule thresholds for the region.
    ManageRules,
    /// Read warnings in scope (a filer: its own unit's).
    ViewWarnings,
    /// Give a written justification for a warning (说明理由).
    JustifyWarning,
    /// Accept a justification or close a warning with a comment.
    DecideWarning,
    /// Set annual plans and quotas.
    ManagePlans,
    /// Read the applications for approval in scope (a filer or township: its own unit's).
    ViewApprovals,
    /// Apply for an approval in the name of a unit (申请).
    ApplyApproval,
    /// Approve or reject applications (审批); a head's sign-off also the issuing unit itself.
    DecideApproval,
    /// Issue, list and revoke one's own API tokens.
    OwnTokens,
    /// List and revoke the API tokens of other accounts in scope.
    ManageTokens,
    /// An action a module declares (read its records, file them, …).
    Module(&'static Grant),
}

impl Action {
    /// The platform's own actions.
    pub const PLATFORM: [Action; 16] = [
        Action::ViewOrg,
        Action::ManageOrg,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ViewLedger,
        Action::ManageRules,
        Action::ViewWarnings,
        Action::JustifyWarning,
        Action::DecideWarning,
        Action::ManagePlans,
        Action::ViewApprovals,
        Action::ApplyApproval,
        Action::DecideApproval,
        Action::OwnTokens,
        Action::ManageTokens,
    ];
}

impl Action {
    /// What the action allows, in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            Action::ViewOrg => "查看组织机构",
            Action::ManageOrg => "新建、修改单位",
            Action::ViewUsers => "查看用户账号",
            Action::ManageUsers => "新建、修改账号",
            Action::ViewAudit => "查阅审计日志",
            Action::ViewLedger => "查阅负担台账、年度计划和首页看板",
            Action::ManageRules => "调整规则及阈值",
            Action::ViewWarnings => "查阅预警",
            Action::JustifyWarning => "对预警说明理由",
            Action::DecideWarning => "认定说明、关闭预警",
            Action::ManagePlans => "制定年度计划和总量",
            Action::ViewApprovals => "查阅审批记录",
            Action::ApplyApproval => "提出审批申请（立项、计划外、一把手参会、扩大范围、签发）",
            Action::DecideApproval => "审批（批准、驳回）",
            Action::OwnTokens => "签发、撤销本人的接口令牌",
            Action::ManageTokens => "查看、撤销他人的接口令牌",
            Action::Module(g) => g.label,
        }
    }
}

/// The grant table as a page shows it: each action, the platform's then the modules', with
/// whether each role (in [`EVERY_ROLE`] order) may take it.
pub fn grant_table() -> Vec<(&'static str, Vec<bool>)> {
    Action::PLATFORM
        .into_iter()
        .chain(grants().iter().map(|g| Action::Module(g)))
        .map(|a| {
            let roles = EVERY_ROLE.iter().map(|r| role_may(*r, a)).collect();
            (a.label(), roles)
        })
        .collect()
}

/// An action a module declares and the roles it is granted to, e.g. `documents.file`, 登记发文.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct Grant {
    /// `<module>.<verb>`: `documents.file`.
    pub key: &'static str,
    /// What it allows, in Chinese: 登记、修改发文及附件.
    pub label: &'static str,
    pub roles: &'static [Role],
}

/// Every role: reading what reaches one's scope.
pub const EVERY_ROLE: &[Role] = &[
    Role::Admin,
    Role::Supervisor,
    Role::Filer,
    Role::Grassroots,
    Role::Inspector,
];

/// The roles that record burden items: a filer or grassroots account for its own unit, the office
/// and the administrator for any unit in scope (see [`ensure_issuer`]).
pub const FILING_ROLES: &[Role] = &[Role::Admin, Role::Supervisor, Role::Filer, Role::Grassroots];

static GRANTS: OnceLock<Vec<&'static Grant>> = OnceLock::new();

/// Installs the modules' grants (once, at start): keys are unique and start with the module's
/// name. A second install must agree with the first.
pub fn install(grants: &[(&'static str, &'static Grant)]) -> Result<(), String> {
    check(grants)?;
    let wanted: Vec<&'static Grant> = grants.iter().map(|(_, g)| *g).collect();
    let installed = GRANTS.get_or_init(|| wanted.clone());
    if *installed != wanted {
        return Err("权限表已按另一组模块安装".into());
    }
    Ok(())
}

/// Refuses a grant whose key does not start with its module's name, or that two modules declare.
pub fn check(grants: &[(&'static str, &'static Grant)]) -> Result<(), String> {
    for (i, (module, g)) in grants.iter().enumerate() {
        if !g.key.starts_with(&format!("{module}.")) {
            return Err(format!(
                "模块“{module}”的权限“{}”应以“{module}.”开头",
                g.key
            ));
        }
        if let Some((other, _)) = grants[..i].iter().find(|(_, o)| o.key == g.key) {
            return Err(format!(
                "权限“{}”被模块“{other}”和“{module}”重复声明",
                g.key
            ));
        }
    }
    Ok(())
}

/// The modules' grants, in the modules' order.
pub fn grants() -> &'static [&'static Grant] {
    GRANTS.get().map(Vec::as_slice).unwrap_or(&[])
}

/// Whether the actor's role grants the action (inside its scope).
pub fn can(actor: &Actor, action: Action) -> bool {
    role_may(actor.role, action)
}

/// The grant table: which role may take which action inside its scope.
pub fn role_may(role: Role, action: Action) -> bool {
    use Role::*;
    match action {
        Action::ViewOrg => true,
        Action::ManageOrg => matches!(role, Admin | Supervisor),
        Action::ViewUsers => matches!(role, Admin | Supervisor | Inspector),
        Action::ManageUsers => matches!(role, Admin | Supervisor),
        Action::ViewAudit => matches!(role, Admin | Inspector),
        Action::ViewLedger | Action::ViewWarnings | Action::ViewApprovals | Action::OwnTokens => {
            true
        }
        Action::ManageTokens => role == Admin,
        Action::Module(grant) => grant.roles.contains(&role),
        Action::ApplyApproval => matches!(role, Admin | Supervisor | Filer | Grassroots),
        Action::ManageRules
        | Action::DecideWarning
        | Action::ManagePlans
        | Action::DecideApproval => {
            matches!(role, Admin | Supervisor)
        }
        Action::JustifyWarning => matches!(role, Admin | Supervisor | Filer | Grassroots),
    }
}

pub fn ensure(actor: &Actor, action: Action) -> AppResult<()> {
    if can(actor, action) {
        Ok(())
    } else {
        Err(AppError::forbidden())
    }
}

/// Who may create, change or reset an account of `role`: administrator and discipline-inspector
/// accounts only the administrator (the office must not make itself an inspector, nor reset the
/// inspector's password); the other roles whoever may manage users.
pub fn may_assign_role(actor: &Actor, role: Role) -> bool {
    !matches!(role, Role::Admin | Role::Inspector) || actor.role == Role::Admin
}

/// Fails unless `unit_id` lies in the actor's subtree. `field` names the input that pointed there.
pub async fn ensure_in_scope(
    conn: &mut Conn,
    actor: &Actor,
    unit_id: i64,
    field: Option<&str>,
) -> AppResult<()> {
    if actor.is_system() || org::is_within(conn, actor.scope_root, unit_id).await? {
        return Ok(());
    }
    Err(match field {
        Some(f) => AppError::forbidden_field(
            f,
            format!("{}不在您的管辖范围内", jianfu_core::labels::field_label(f)),
        ),
        None => AppError::Forbidden {
            message: "无权访问管辖范围以外的单位".into(),
            field: None,
        },
    })
}

/// Who may file in the name of a unit: a filer or grassroots account only for its own unit,
/// the office and the administrator for any unit in scope.
pub async fn ensure_issuer(
    conn: &mut Conn,
    actor: &Actor,
    unit_id: i64,
    field: &str,
) -> AppResult<()> {
    match actor.role {
        Role::Filer | Role::Grassroots if unit_id != actor.unit_id => {
            Err(AppError::forbidden_field(field, "只能以本单位名义登记"))
        }
        _ => ensure_in_scope(conn, actor, unit_id, Some(field)).await,
    }
}

/// The unit a warning list is limited to: a filer or grassroots account sees its own unit's
/// warnings; the others see their whole scope.
pub fn own_unit_only(actor: &Actor) -> Option<i64> {
    matches!(actor.role, Role::Filer | Role::Grassroots).then_some(actor.unit_id)
}

/// The scope filter for list queries: `None` means everything (only the system actor).
pub fn scope_filter(actor: &Actor) -> Option<i64> {
    (!actor.is_system()).then_some(actor.scope_root)
}

/// The subtree whose records (documents, meetings, …) the actor reads in full: a department's
/// filer files for the whole county (its scope) but reads only its own unit's records, not
/// its sibling departments' (SPEC §1), beside what reached it.
pub fn records_root(actor: &Actor) -> i64 {
    match actor.role {
        Role::Filer => actor.unit_id,
        _ => actor.scope_root,
    }
}

/// [`records_root`] as a list filter: `None` means everything (only the system actor).
pub fn records_filter(actor: &Actor) -> Option<i64> {
    (!actor.is_system()).then_some(records_root(actor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: 1,
            username: "u".into(),
            display_name: "u".into(),
            role,
            unit_id: 1,
            unit_name: String::new(),
            scope_root: 1,
        }
    }

    #[test]
    fn grant_table() {
        let expect = |role, action| can(&actor(role), action);
        for role in Role::all() {
            assert!(expect(role, Action::ViewOrg));
        }
        assert!(expect(Role::Supervisor, Action::ManageUsers));
        assert!(!expect(Role::Filer, Action::ManageUsers));
        assert!(!expect(Role::Grassroots, Action::ViewUsers));
        assert!(!expect(Role::Inspector, Action::ManageOrg));
        assert!(expect(Role::Inspector, Action::ViewAudit));
        assert!(!expect(Role::Supervisor, Action::ViewAudit));
        static FILE: Grant = Grant {
            key: "m.file",
            label: "登记",
            roles: FILING_ROLES,
        };
        assert!(expect(Role::Grassroots, Action::Module(&FILE)));
        assert!(!expect(Role::Inspector, Action::Module(&FILE)));
        assert!(!may_assign_role(&actor(Role::Supervisor), Role::Admin));
        assert!(!may_assign_role(&actor(Role::Supervisor), Role::Inspector));
        assert!(may_assign_role(&actor(Role::Supervisor), Role::Filer));
        assert!(may_assign_role(&actor(Role::Admin), Role::Inspector));
        assert!(may_assign_role(&actor(Role::Admin), Role::Admin));
    }
}
