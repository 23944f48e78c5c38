//! Levels of the org tree: 省/市/县(区)/乡镇(街道)/村(社区), and departments (部门) beside each level.
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
    Township,
    Village,
    Department,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Township,
        Level::Village,
        Level::Department,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
            Level::Department => "department",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Province => "省",
            Level::City => "市",
            Level::County => "县（区）",
            Level::Township => "乡镇（街道）",
            Level::Village => "村（社区）",
            Level::Department => "部门",
        }
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

impl FromStr for Level {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Level::ALL.into_iter().find(|l| l.as_str() == s).ok_or(())
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
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
        }
        assert!("town".parse::<Level>().is_err());
    }
}
