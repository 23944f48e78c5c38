//! Who may do what: the one place that decides every permission. Deny by default.
//!
//! Two questions, always both: does the actor's role grant the action ([`can`]), and does the
//! resource lie in the actor's part of the org tree ([`ensure_in_scope`])?
use jianfu_core::{Actor, AppError, AppResult, Role};
use jianfu_store::{org, Conn};

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
    /// Read documents, meetings and burden ledgers in scope.
    ViewLedger,
    /// Record documents and meetings (a filer for its own unit, the office for any unit in scope).
    FileItems,
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
}

impl Action {
    pub const ALL: [Action; 12] = [
        Action::ViewOrg,
        Action::ManageOrg,
        Action::ViewUsers,
        Action::ManageUsers,
        Action::ViewAudit,
        Action::ViewLedger,
        Action::FileItems,
        Action::ManageRules,
        Action::ViewWarnings,
        Action::JustifyWarning,
        Action::DecideWarning,
        Action::ManagePlans,
    ];
}

/// The grant table: which role may take which action inside its scope.
pub fn can(actor: &Actor, action: Action) -> bool {
    use Role::*;
    let role = actor.role;
    match action {
        Action::ViewOrg => true,
        Action::ManageOrg => matches!(role, Admin | Supervisor),
        Action::ViewUsers => matches!(role, Admin | Supervisor | Inspector),
        Action::ManageUsers => matches!(role, Admin | Supervisor),
        Action::ViewAudit => matches!(role, Admin | Inspector),
        Action::ViewLedger | Action::ViewWarnings => true,
        Action::FileItems => matches!(role, Admin | Supervisor | Filer | Grassroots),
        Action::ManageRules | Action::DecideWarning | Action::ManagePlans => {
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

/// Only an administrator may create or edit administrators.
pub fn may_assign_role(actor: &Actor, role: Role) -> bool {
    role != Role::Admin || actor.role == Role::Admin
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
        assert!(!may_assign_role(&actor(Role::Supervisor), Role::Admin));
        assert!(may_assign_role(&actor(Role::Admin), Role::Admin));
    }
}
