use serde::{Deserialize, Serialize};

/// What a staff user may do. A user holds one or more roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Secretariat,
    AccountManager,
    Adviser,
    Partner,
    Committee,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Manager,
        Role::Secretariat,
        Role::AccountManager,
        Role::Adviser,
        Role::Partner,
        Role::Committee,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Secretariat => "secretariat",
            Role::AccountManager => "account_manager",
            Role::Adviser => "adviser",
            Role::Partner => "partner",
            Role::Committee => "committee",
        }
    }

    pub fn parse(s: &str) -> Result<Role, &'static str> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or("role.unknown")
    }
}

impl crate::Vocabulary for Role {
    const NAME: &'static str = "Role";

    fn codes() -> Vec<&'static str> {
        Role::ALL.iter().map(|r| r.as_str()).collect()
    }

    fn parse_code(s: &str) -> Result<Self, &'static str> {
        Role::parse(s)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert_eq!(Role::parse("root"), Err("role.unknown"));
    }
}
