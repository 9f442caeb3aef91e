//! The five roles. One account may hold several.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Staff,
    Lecturer,
    Secretary,
    Learner,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Staff, Role::Lecturer, Role::Secretary, Role::Learner];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Lecturer => "lecturer",
            Role::Secretary => "secretary",
            Role::Learner => "learner",
        }
    }

    /// Catalog key of the role's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Admin => "role.admin",
            Role::Staff => "role.staff",
            Role::Lecturer => "role.lecturer",
            Role::Secretary => "role.secretary",
            Role::Learner => "role.learner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.code() == s.trim()).ok_or_else(|| format!("vai trò không hợp lệ: {s}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.code().parse::<Role>().unwrap(), role);
        }
        assert!("root".parse::<Role>().is_err());
    }
}
