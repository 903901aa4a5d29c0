//! The demo's annual award: Slagelse's award for a company's social engagement in 2022 (seed
//! 003), with nominations from staff and from outside, and the winner the manager decided.

use crate::awards::{self as aw, AwardInput, DecisionInput, NominationInput};
use crate::{Actor, App, AppError, Result};

/// Who nominated (a staff member's e-mail, or someone outside), the company by ref, the day,
/// and why.
const NOMINATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "account.manager@accord.example",
        "DK-10001",
        "2022-08-15",
        "Har ansat tre borgere efter virksomhedspraktik og holder fast i en medarbejder i fleksjob gennem en svær periode.",
    ),
    (
        "LAR Slagelse",
        "DK-10002",
        "2022-08-29",
        "Tager hvert år imod voksenlærlinge og har lavet en mentorordning for nye kolleger med anden etnisk baggrund.",
    ),
    (
        "secretariat@accord.example",
        "DK-10003",
        "2022-09-05",
        "Åbnede dørene for ti borgere i løntilskud under jobmessen, og seks af dem er nu fastansat.",
    ),
    (
        "Slagelse Erhvervscenter",
        "DK-SALLING-NETTO",
        "2022-09-12",
        "Butikkerne i kommunen har i hele 2022 haft småjob til borgere, der var langt fra arbejdsmarkedet.",
    ),
    (
        "account.manager@accord.example",
        "DK-10005",
        "2022-09-20",
        "Fastholdt to medarbejdere med personlig assistance og deltog i seks dialogmøder om rekruttering.",
    ),
];

/// The winner, the day of the decision and its reason.
const WINNER: (&str, &str, &str) = (
    "DK-10003",
    "2022-11-10",
    "Seks af de ti borgere, virksomheden tog imod i løntilskud, er blevet fastansat: et engagement, der gør en forskel for borgerne og for Slagelse.",
);

async fn actor_of(app: &App, email: &str) -> Result<Actor> {
    let u = crate::users::find_by_email(app, email).await?.ok_or(AppError::NotFound)?;
    crate::auth::actor_of_user(app, u.id, None).await
}

/// Opens Slagelse's 2022 award, records the nominations and the decision, through the use
/// cases so the rules and the audit trail hold for the demo too.
pub async fn load(app: &App) -> Result<()> {
    let secretariat = actor_of(app, "secretariat@accord.example").await?;
    let manager = actor_of(app, "manager@accord.example").await?;
    let input =
        AwardInput { district: Some("slagelse".into()), year: "2022".into(), name: "Virksomhedsprisen 2022".into() };
    let award = aw::create(app, &secretariat, &input).await?;
    for (by, org, day, why) in NOMINATIONS {
        let staff = by.contains('@');
        let input = NominationInput {
            organisation: (*org).into(),
            staff: if staff { (*by).into() } else { String::new() },
            nominator: if staff { String::new() } else { (*by).into() },
            reason: (*why).into(),
            nominated_on: (*day).into(),
        };
        aw::nominate(app, &secretariat, award.id, &input).await?;
    }
    let (winner, day, why) = WINNER;
    let decision =
        DecisionInput { winner: winner.into(), decision_reason: why.into(), decided_on: day.into(), version: None };
    aw::decide(app, &manager, award.id, &decision).await?;
    Ok(())
}
