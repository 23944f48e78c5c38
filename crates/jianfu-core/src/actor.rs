//! Who is acting: a signed-in user with one role, scoped to one subtree of the org tree.
use serde::{Deserialize, Serialize};

/// A role. Its stored and API spelling is the lowercase name; its label is Chinese.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Role {
    /// 系统管理员
    #[strum(message = "系统管理员")]
    Admin,
    /// 专班办公室: the burden-reduction office of a party committee
    #[strum(message = "专班办公室")]
    Supervisor,
    /// 部门: a department or township that files what it issues
    #[strum(message = "部门填报员")]
    Filer,
    /// 基层: a township or village that receives burdens
    #[strum(message = "基层单位")]
    Grassroots,
    /// 纪检: discipline inspection, read-only
    #[strum(message = "纪检监察")]
    Inspector,
}

impl Role {
    /// Every role, in declaration order.
    pub fn all() -> impl Iterator<Item = Role> {
        <Role as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels_are_stable() {
        let got: Vec<_> = Role::all().map(|r| (r.as_str(), r.label())).collect();
        assert_eq!(
            got,
            [
                ("admin", "系统管理员"),
                ("supervisor", "专班办公室"),
                ("filer", "部门填报员"),
                ("grassroots", "基层单位"),
                ("inspector", "纪检监察"),
            ]
        );
        for r in Role::all() {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert!("Admin".parse::<Role>().is_err());
        assert!(" admin".parse::<Role>().is_err());
    }
}
