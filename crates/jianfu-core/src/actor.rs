//! Who is acting: a signed-in user with one role, scoped to one subtree of the org tree.
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 系统管理员
    Admin,
    /// 专班办公室: the burden-reduction office of a party committee
    Supervisor,
    /// 部门: a department or township that files what it issues
    Filer,
    /// 基层: a township or village that receives burdens
    Grassroots,
    /// 纪检: discipline inspection, read-only
    Inspector,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Supervisor,
        Role::Filer,
        Role::Grassroots,
        Role::Inspector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Filer => "filer",
            Role::Grassroots => "grassroots",
            Role::Inspector => "inspector",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Supervisor => "专班办公室",
            Role::Filer => "部门填报员",
            Role::Grassroots => "基层单位",
            Role::Inspector => "纪检监察",
        }
    }
}

impl FromStr for Role {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or(())
    }
}

/// The authenticated caller. `scope_root` is the top of the subtree it may see:
/// its own unit, or for a department the government it belongs to (a county
/// department addresses the whole county), never anything beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Actor {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: i64,
    pub unit_name: String,
    pub scope_root: i64,
}

impl Actor {
    /// The actor that the platform itself uses for the demo seed and maintenance commands.
    pub fn system() -> Actor {
        Actor {
            user_id: 0,
            username: "system".into(),
            display_name: "系统".into(),
            role: Role::Admin,
            unit_id: 0,
            unit_name: String::new(),
            scope_root: 0,
        }
    }

    pub fn is_system(&self) -> bool {
        self.user_id == 0
    }
}
