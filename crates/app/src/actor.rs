//! Who is asking, and what they may do.

use crate::{AppError, Result};
use accord_domain::Role;
use accord_domain::Scope;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistrictRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The signed-in user (or the command line) behind a request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub email: String,
    pub name: String,
    pub roles: Vec<Role>,
    pub districts: Vec<DistrictRef>,
    /// For a partner user: the organisation they speak for.
    pub organisation_id: Option<i64>,
    pub ip: Option<String>,
}

/// Things one can be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create, change, disable users; reset passwords.
    ManageUsers,
    /// Create and rename districts.
    ManageDistricts,
    /// Browse the audit trail.
    ViewAudit,
    /// Change one's own password and API tokens.
    ManageOwnAccount,
}

impl Actor {
    /// The command line and start-up tasks: every district, every permission.
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            email: "system".into(),
            name: "System".into(),
            roles: vec![Role::Admin],
            districts: vec![],
            organisation_id: None,
            ip: None,
        }
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// Only the committee role: may read what it is shown, change nothing.
    pub fn is_read_only(&self) -> bool {
        !self.roles.is_empty() && self.roles.iter().all(|r| *r == Role::Committee)
    }

    /// The districts whose records this actor may see.
    pub fn scope(&self) -> Scope {
        if self.is_admin() { Scope::All } else { Scope::Districts(self.districts.iter().map(|d| d.id).collect()) }
    }

    pub fn can(&self, p: Permission) -> bool {
        match p {
            Permission::ManageUsers | Permission::ManageDistricts => self.is_admin(),
            Permission::ViewAudit => self.is_admin() || self.has(Role::Manager),
            Permission::ManageOwnAccount => self.user_id.is_some(),
        }
    }

    pub fn require(&self, p: Permission) -> Result<()> {
        if self.can(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Refuses any write by a read-only actor.
    pub fn require_write(&self) -> Result<()> {
        if self.is_read_only() { Err(AppError::Forbidden) } else { Ok(()) }
    }

    /// How the audit log names this actor.
    pub fn label(&self) -> String {
        self.email.clone()
    }

    pub fn audit(&self, action: &str, entity: &str, entity_id: Option<String>) -> accord_db::audit::Entry {
        accord_db::audit::Entry {
            actor_user_id: self.user_id,
            actor: self.label(),
            action: action.into(),
            entity: entity.into(),
            entity_id,
            ip: self.ip.clone(),
            ..Default::default()
        }
    }
}
