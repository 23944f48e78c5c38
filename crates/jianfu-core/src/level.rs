//! Levels of the org tree: 省/市/县(区)/乡镇(街道)/村(社区), and departments (部门) beside each level.
use serde::{Deserialize, Serialize};

/// A level. Its stored and API spelling is the lowercase name; its label is Chinese.
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
pub enum Level {
    #[strum(message = "省")]
    Province,
    #[strum(message = "市")]
    City,
    #[strum(message = "县（区）")]
    County,
    #[strum(message = "乡镇（街道）")]
    Township,
    #[strum(message = "村（社区）")]
    Village,
    #[strum(message = "部门")]
    Department,
}

impl Level {
    /// Every level, from the province down, then departments.
    pub fn all() -> impl Iterator<Item = Level> {
        <Level as strum::IntoEnumIterator>::iter()
    }

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        strum::EnumMessage::get_message(&self).unwrap_or_default()
    }

    /// Rank in the administrative hierarchy; departments have none of their own.
    pub fn rank(self) -> Option<u8> {
        match self {
            Level::Province => Some(1),
            Level::City => Some(2),
            Level::County => Some(3),
            Level::Township => Some(4),
            Level::Village => Some(5),
            Level::Department => None,
        }
    }

    /// Whether a unit of level `child` may sit directly under a unit of this level.
    /// Each level sits under the one above it, with two real exceptions: a municipality's
    /// districts sit under the province level (直辖市), and a city without districts has its
    /// towns directly (不设区的市). Departments sit beside any level above villages; nothing
    /// sits under a village or a department.
    pub fn may_contain(self, child: Level) -> bool {
        match (self.rank(), child.rank()) {
            (None, _) => false,
            (Some(5), _) => false,
            (Some(_), None) => true,
            (Some(p), Some(c)) => c == p + 1 || (p, c) == (1, 3) || (p, c) == (2, 4),
        }
    }

    /// Whether units of this level start a region key of their own (SPEC §6: large tables are keyed by region).
    pub fn is_region_root(self) -> bool {
        matches!(self, Level::Province | Level::City | Level::County)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_follows_the_hierarchy() {
        assert!(Level::County.may_contain(Level::Township));
        assert!(Level::County.may_contain(Level::Department));
        assert!(Level::Township.may_contain(Level::Village));
        assert!(!Level::Village.may_contain(Level::Department));
        assert!(!Level::Department.may_contain(Level::Village));
        assert!(!Level::Township.may_contain(Level::County));
        assert!(!Level::Province.may_contain(Level::Village));
        assert!(!Level::County.may_contain(Level::Village));
        assert!(Level::City.may_contain(Level::Township));
    }

    #[test]
    fn parses_its_own_names() {
        for l in Level::all() {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.as_str()));
        }
        let got: Vec<_> = Level::all().map(|l| (l.as_str(), l.label())).collect();
        assert_eq!(
            got,
            [
                ("province", "省"),
                ("city", "市"),
                ("county", "县（区）"),
                ("township", "乡镇（街道）"),
                ("village", "村（社区）"),
                ("department", "部门"),
            ]
        );
        assert!("County".parse::<Level>().is_err());
        assert!("town".parse::<Level>().is_err());
    }
}
