//! District scoping: which districts' records a caller may see.

/// The districts a caller may see. Built once per request from the signed-in user; every
/// persistence function over district-owned records takes it as an argument (or says in its
/// name that it is unscoped, and why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every district: administrators and the command line.
    All,
    /// Only these districts (ids).
    Districts(Vec<i64>),
}

impl Scope {
    pub fn allows(&self, district_id: i64) -> bool {
        match self {
            Scope::All => true,
            Scope::Districts(ids) => ids.contains(&district_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Scope;

    #[test]
    fn all_allows_every_district_and_a_list_only_its_own() {
        assert!(Scope::All.allows(7));
        assert!(Scope::Districts(vec![1, 2]).allows(2));
        assert!(!Scope::Districts(vec![1, 2]).allows(3));
        assert!(!Scope::Districts(vec![]).allows(1));
    }
}
