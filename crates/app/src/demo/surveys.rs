//! The demo's satisfaction survey: Slagelse's survey of 2022 (seed 003), sent to 313 company
//! groups, 113 of which answered: 106 of them satisfied with the cooperation, and 96 of the
//! 104 who rated their contact found it good or very good. Only the answers are stored; the
//! figures are what the results compute from them.

use crate::mailings::SegmentFilter;
use crate::surveys::{self as sv, Bilingual, QuestionInput, SurveyInput};
use crate::{Actor, App, AppError, Result};
use accord_domain::SkipReason;
use chrono::NaiveDate;

/// How many company groups the survey went to, how many answered, how many of them were
/// satisfied, how many rated the contact and how many of those found it good or very good.
const SENT: usize = 313;
const ANSWERED: usize = 113;
const SATISFIED: usize = 106;
const RATED_CONTACT: usize = 104;
const CONTACT_GOOD: usize = 96;

fn b(en: &str, da: &str) -> Bilingual {
    Bilingual::new(en, da)
}

fn questions() -> Vec<QuestionInput> {
    let q = |kind: &str, required: bool, en: &str, da: &str| QuestionInput {
        kind: kind.into(),
        required,
        text_en: en.into(),
        text_da: da.into(),
        ..Default::default()
    };
    let mut satisfaction = q(
        "scale",
        true,
        "Overall, how satisfied are you with your cooperation with Jobcenter Slagelse?",
        "Hvor tilfredse er I samlet set med samarbejdet med Jobcenter Slagelse?",
    );
    satisfaction.satisfaction = true;
    satisfaction.section_en = "The cooperation".into();
    satisfaction.section_da = "Samarbejdet".into();
    let mut contact = q(
        "scale",
        false,
        "How do you find your contact at the jobcentre?",
        "Hvordan oplever I jeres kontaktperson i jobcentret?",
    );
    contact.options = vec![
        b("Very poor", "Meget dårlig"),
        b("Poor", "Dårlig"),
        b("Neither good nor poor", "Hverken god eller dårlig"),
        b("Good", "God"),
        b("Very good", "Meget god"),
    ];
    let mut used =
        q("multiple", false, "Which of our offers did you use in 2022?", "Hvilke af vores tilbud har I brugt i 2022?");
    used.section_en = "Our offers".into();
    used.section_da = "Vores tilbud".into();
    used.options = vec![
        b("Work placement", "Virksomhedspraktik"),
        b("Wage subsidy", "Løntilskud"),
        b("Adult apprenticeship", "Voksenlærling"),
        b("Job fair", "Jobmesse"),
        b("Help to recruit", "Hjælp til rekruttering"),
    ];
    let hired = q("yes_no", false, "Did any of them lead to a hire?", "Førte nogen af dem til en ansættelse?");
    let mut matrix = q("matrix", false, "How satisfied are you with…", "Hvor tilfredse er I med…");
    matrix.rows = vec![
        b("how quickly we answer", "hvor hurtigt vi svarer"),
        b("how well the candidates match", "hvor godt kandidaterne passer"),
    ];
    let better = q("text", false, "What could we do better?", "Hvad kunne vi gøre bedre?");
    vec![satisfaction, contact, used, hired, matrix, better]
}

async fn actor_of(app: &App, email: &str) -> Result<Actor> {
    let u = crate::users::find_by_email(app, email).await?.ok_or(AppError::NotFound)?;
    crate::auth::actor_of_user(app, u.id, None).await
}

/// The answers of the `i`th company group to answer, by question position.
fn answers(i: usize) -> Vec<(&'static str, &'static str)> {
    const POINTS_SATISFIED: [&str; 2] = ["4", "5"];
    const POINTS_NOT: [&str; 3] = ["1", "2", "3"];
    let mut a = vec![];
    // The satisfied are spread over the answers, not the first ones.
    let satisfied = (i * 7) % ANSWERED < SATISFIED;
    a.push(("1", if satisfied { POINTS_SATISFIED[i % 3 % 2] } else { POINTS_NOT[i % 3] }));
    if i < RATED_CONTACT {
        let good = (i * 11) % RATED_CONTACT < CONTACT_GOOD;
        a.push(("2", if good { POINTS_SATISFIED[(i / 2) % 2] } else { POINTS_NOT[(i / 3) % 3] }));
    }
    for (k, opt) in ["0", "1", "2", "3", "4"].iter().enumerate() {
        if (i + k * 3).is_multiple_of(k + 2) {
            a.push(("3", opt));
        }
    }
    if i % 4 != 3 {
        a.push(("4", if i.is_multiple_of(3) { "no" } else { "yes" }));
    }
    if i.is_multiple_of(2) {
        a.push(("5/0", ["3", "4", "5", "4"][i % 4]));
        a.push(("5/1", ["4", "4", "3", "5", "2"][i % 5]));
    }
    if i.is_multiple_of(9) {
        a.push(("6", ["Flere kandidater med kørekort.", "Hurtigere svar på mails.", "Mere om voksenlærlinge."][i % 3]));
    }
    a
}

/// Builds the survey through the use cases, sends it to the segment of company groups that
/// agreed to surveys (as the demo has no SMTP server, the sending is recorded without mail)
/// and stores the answers.
pub async fn load(app: &App) -> Result<()> {
    let actor = actor_of(app, "secretariat@accord.example").await?;
    let input = SurveyInput {
        district: Some("slagelse".into()),
        year: "2022".into(),
        name: "Virksomhedernes tilfredshed 2022".into(),
        anonymous: false,
        closes_on: "2022-11-30".into(),
    };
    let s = sv::create(app, &actor, &input).await?;
    for q in questions() {
        sv::add_question(app, &actor, s.id, &q).await?;
    }
    let filter = SegmentFilter { status: Some("active".into()), purpose: "surveys".into(), ..Default::default() };
    let seg = crate::mailings::create_segment(
        app,
        &actor,
        "Alle aktive virksomheder – undersøgelser",
        Some("slagelse"),
        &filter,
    )
    .await?;
    // The groups the segment reaches; those short of 313 gave their consent to surveys at the
    // award ceremony, so the sending reaches 313 groups as in 2022.
    let recipients = sv::recipients(app, &actor, s.id, seg.id).await?;
    let reached = recipients.iter().filter(|r| r.skip.is_none()).count();
    if reached < SENT {
        let missing: Vec<i64> = recipients
            .iter()
            .filter(|r| r.skip == Some(SkipReason::NoConsent))
            .take(SENT - reached)
            .map(|r| r.contact_id)
            .collect();
        for c in missing {
            crate::mailings::set_consent(app, &actor, c, "surveys", Some(true), "form").await?;
        }
    }
    let mut invitations = sv::record_demo_sent(app, &actor, s.id, seg.id).await?;
    invitations.sort_by_key(|(_, id)| *id);
    let qs = sv::questions(app, s.id).await?;
    let start = NaiveDate::from_ymd_opt(2022, 10, 3).unwrap_or_default();
    for (i, (_, inv)) in invitations.iter().take(ANSWERED).enumerate() {
        let values = sv::demo_values(&qs, &answers(i));
        sv::record_demo_answer(app, s.id, *inv, &values, start + chrono::Duration::days((i % 50) as i64)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answers_hold_the_2022_figures() {
        let all: Vec<_> = (0..ANSWERED).map(answers).collect();
        let point = |a: &Vec<(&str, &str)>, q: &str| a.iter().find(|x| x.0 == q).map(|x| x.1.parse::<i32>().unwrap());
        let satisfied = all.iter().filter(|a| point(a, "1").unwrap() >= 4).count();
        let rated: Vec<i32> = all.iter().filter_map(|a| point(a, "2")).collect();
        assert_eq!(satisfied, SATISFIED);
        assert_eq!(rated.len(), RATED_CONTACT);
        assert_eq!(rated.iter().filter(|p| **p >= 4).count(), CONTACT_GOOD);
    }
}
