//! The demo data set: two districts and a national unit, and one user for every role, so that
//! a new installation can be tried at once.

use crate::users::UserInput;
use crate::{Actor, App, Result, districts, users};

/// The password of every demo user. Printed by `accord serve --demo`; never use it for real.
pub const DEMO_PASSWORD: &str = "accord-demo-2026";

/// A demo login: e-mail and the roles it shows off.
pub struct DemoLogin {
    pub email: &'static str,
    pub role: &'static str,
}

const DISTRICTS: &[(&str, &str)] = &[
    ("slagelse", "Jobcenter Slagelse"),
    ("birmingham-solihull", "Birmingham and Solihull District"),
    ("large-organisations", "Large Organisations Unit"),
];

const USERS: &[(&str, &str, &str, &[&str])] = &[
    ("admin@accord.example", "Alex Admin", "admin", &[]),
    ("manager@accord.example", "Karen Holm", "manager", &["slagelse", "birmingham-solihull"]),
    ("secretariat@accord.example", "Mette Jensen", "secretariat", &["slagelse"]),
    ("account.manager@accord.example", "Lars Nielsen", "account_manager", &["slagelse"]),
    ("adviser@accord.example", "Priya Shah", "adviser", &["birmingham-solihull"]),
    ("partner@accord.example", "Paul Toomer", "partner", &["birmingham-solihull"]),
    ("committee@accord.example", "Birgitte Madsen", "committee", &["slagelse"]),
    ("lou@accord.example", "Sarah Clarke", "account_manager", &["large-organisations"]),
];

/// Loads the demo data into an empty database. Returns `None` when the database already has
/// users (nothing is changed then), else the logins created.
pub async fn load(app: &App) -> Result<Option<Vec<DemoLogin>>> {
    if users::count(app).await? > 0 {
        return Ok(None);
    }
    let system = Actor::system();
    for (code, name) in DISTRICTS {
        districts::create(app, &system, code, name).await?;
    }
    let mut logins = Vec::new();
    for (email, name, role, ds) in USERS {
        users::create(
            app,
            &system,
            &UserInput {
                email: (*email).into(),
                name: (*name).into(),
                roles: vec![(*role).into()],
                districts: ds.iter().map(|d| (*d).to_owned()).collect(),
                password: Some(DEMO_PASSWORD.into()),
                ..Default::default()
            },
        )
        .await?;
        logins.push(DemoLogin { email, role });
    }
    Ok(Some(logins))
}
