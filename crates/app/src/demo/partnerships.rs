//! The demo's partnership bodies and action plans: Birmingham and Solihull's structure from
//! seed 000 (the employer coalition answering to the National Employment Panel, the City
//! Strategic Partnership, the Employment and Training Strategy Group, the Welfare to Work
//! groups and the Access to Employment area groups), the coalition's work plan for this year,
//! and Salford's improvement plan actions 3.3.1 and 3.3.2 with their milestones and progress
//! comments from seed 004, issued as the July–September 2004 progress report.

use super::checked;
use crate::directory as dir;
use crate::partnerships::{self as pb, BodyInput, ItemInput, MeetingInput, MemberInput};
use crate::plans::{self as pl, ActionInput, MilestoneInput, PlanInput, UpdateInput};
use crate::{Actor, App, AppError, Result};
use accord_domain::{OrgKind, OrgLevel, Quarter};
use chrono::{Datelike, Duration, NaiveDate, Utc};

fn s(v: &str) -> Option<String> {
    Some(v.to_owned())
}

/// The Salford organisations of seed 004: reference, name, kind, sector.
const SALFORD_ORGS: &[(&str, &str, &str, &str)] = &[
    ("SAL-SCC", "Salford City Council", "agency", "84"),
    ("SAL-PCT", "Salford Primary Care Trust", "agency", "86"),
    ("SAL-SU", "University of Salford", "provider", "85"),
    ("SAL-NHS", "Salford Royal Hospitals NHS Trust", "agency", "86"),
    ("SAL-JCP", "Jobcentre Plus Salford", "agency", "84"),
    ("SAL-WIM", "Wimpey Homes North West", "employer", "41"),
];

async fn body(app: &App, a: &Actor, district: &str, input: BodyInput) -> Result<i64> {
    Ok(pb::save(app, a, None, &BodyInput { district: s(district), ..input }).await?.id)
}

async fn member(app: &App, a: &Actor, body_id: i64, org: &str, role: &str, rep: &str, joined: &str) -> Result<()> {
    pb::save_member(
        app,
        a,
        body_id,
        None,
        &MemberInput {
            organisation: s(org),
            role: s(role),
            representative: (!rep.is_empty()).then(|| rep.to_owned()),
            joined_on: (!joined.is_empty()).then(|| joined.to_owned()),
            ..Default::default()
        },
    )
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn milestone(
    app: &App,
    a: &Actor,
    action_id: i64,
    description: &str,
    due: Option<NaiveDate>,
    owners: &[&str],
    resource_kind: &str,
    resources: &str,
    contact: Option<&str>,
) -> Result<i64> {
    Ok(pl::save_milestone(
        app,
        a,
        action_id,
        None,
        &MilestoneInput {
            description: s(description),
            due_on: due.map(|d| d.to_string()),
            due_month: s("true"),
            owners: Some(owners.iter().map(|o| (*o).to_owned()).collect()),
            resource_kind: s(resource_kind),
            resources: (!resources.is_empty()).then(|| resources.to_owned()),
            contact: contact.map(str::to_owned),
            ..Default::default()
        },
    )
    .await?
    .id)
}

async fn progress(app: &App, a: &Actor, milestone_id: i64, on: NaiveDate, status: &str, comment: &str) -> Result<()> {
    pl::add_update(
        app,
        a,
        milestone_id,
        &UpdateInput {
            written_on: s(&on.to_string()),
            status: (!status.is_empty()).then(|| status.to_owned()),
            comment: (!comment.is_empty()).then(|| comment.to_owned()),
        },
    )
    .await?;
    Ok(())
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real day")
}

/// Loads the bodies and plans. Needs the directory (the UK district's organisations).
pub async fn load_partnerships(app: &App) -> Result<()> {
    let c = &app.db.conn;
    let system = Actor::system();
    let manager = match accord_db::users::find_by_email(c, "manager@accord.example").await? {
        Some(u) => crate::auth::actor_for(app, &u, None).await?,
        None => system.clone(),
    };
    let uk = "birmingham-solihull";

    // ---- Birmingham and Solihull (seed 000) ----
    let csp = body(
        app,
        &system,
        uk,
        BodyInput {
            name: s("City Strategic Partnership"),
            kind: s("strategic_partnership"),
            purpose: s("Brings together the key public services with the business, voluntary and community sectors to improve local services, particularly in deprived neighbourhoods: the Community Strategy, Neighbourhood Renewal, Public Service Agreements, and the work of the other partnerships."),
            frequency: s("quarterly"),
            funding_streams: s("Neighbourhood Renewal Fund\nCommunity Empowerment Fund"),
            wanted_sectors: Some(vec!["O".into(), "P".into(), "S".into(), "G".into()]),
            ..Default::default()
        },
    )
    .await?;
    for (org, role, rep) in [
        ("UK-P02", "chair", "Chief Executive"),
        ("UK-P07", "member", "District Manager, Jobcentre Plus"),
        ("UK-P01", "member", ""),
        ("UK-P03", "member", "Executive Director"),
        ("UK-P06", "member", ""),
        ("UK-P08", "member", ""),
    ] {
        member(app, &system, csp, org, role, rep, "2001-09-01").await?;
    }
    let etsg = body(
        app,
        &system,
        uk,
        BodyInput {
            name: s("Employment and Training Strategy Group"),
            kind: s("strategy_group"),
            purpose: s("Furthers the employment, skills and learning objectives of Birmingham and Solihull, aligned to the Framework for Regional Employment and Skills Action; aims to close the equalities gap in employment, skills and learning for ethnic minorities and other disadvantaged groups."),
            parent_id: s(&csp.to_string()),
            frequency: s("monthly"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role, rep) in [
        ("UK-P03", "chair", "Executive Director, Learning and Skills Council"),
        ("UK-P07", "member", "District Manager"),
        ("UK-P02", "member", "Director of Economic Development"),
        ("UK-P09", "member", "Director of Economic Development"),
        ("UK-P08", "member", ""),
        ("UK-P06", "member", "Voluntary Sector Forum"),
        ("UK-P10", "member", ""),
        ("UK-P11", "member", ""),
    ] {
        member(app, &system, etsg, org, role, rep, "2002-01-01").await?;
    }
    let w2w = body(
        app,
        &system,
        uk,
        BodyInput {
            name: s("Birmingham Welfare to Work Operational Management Group"),
            kind: s("operational_group"),
            purpose: s("Oversees the implementation of Welfare to Work in Birmingham: planning, performance management and communication with partners, so that people able to work are targeted and supported into permanent employment."),
            parent_id: s(&etsg.to_string()),
            frequency: s("monthly"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role) in [("UK-P07", "chair"), ("UK-P02", "member"), ("UK-P03", "member"), ("UK-P04", "member")] {
        member(app, &system, w2w, org, role, "", "2002-04-01").await?;
    }
    let sol = body(
        app,
        &system,
        uk,
        BodyInput {
            name: s("Solihull Welfare to Work Strategic Partnership Group"),
            kind: s("operational_group"),
            parent_id: s(&etsg.to_string()),
            frequency: s("bimonthly"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role) in [("UK-P07", "chair"), ("UK-P09", "member")] {
        member(app, &system, sol, org, role, "", "2002-04-01").await?;
    }
    for (name, wards) in [
        ("Access to Employment Group: Handsworth/SRB6", "Handsworth\nSoho"),
        ("Access to Employment Group: North Aston", "Aston"),
        ("Access to Employment Group: South East Birmingham", "Sparkbrook\nSparkhill"),
        ("Access to Employment Group: Nechells/Heartlands", "Nechells\nWashwood Heath\nSmall Heath"),
        ("Access to Employment Group: South West/Outer Estates", "Kings Norton\nWest Northfield"),
        ("Access to Employment Group: Central", "Ladywood\nEdgbaston"),
    ] {
        let g = body(
            app,
            &system,
            uk,
            BodyInput {
                name: s(name),
                kind: s("area_group"),
                purpose: s("Local joint planning and coordination of employment support for unemployed people in a PSA target regeneration area."),
                parent_id: s(&etsg.to_string()),
                frequency: s("monthly"),
                target_areas: s(wards),
                ..Default::default()
            },
        )
        .await?;
        for (org, role) in [("UK-P07", "chair"), ("UK-P02", "member"), ("UK-P06", "member")] {
            member(app, &system, g, org, role, "", "").await?;
        }
    }
    let coalition = body(
        app,
        &system,
        uk,
        BodyInput {
            name: s("Birmingham Employer Coalition"),
            kind: s("coalition"),
            purpose: s("A \"friendly critic\" of New Deal and other employment programmes, making sure that what the partnership delivers meets the needs of local employers."),
            reports_to_other: s("National Employment Panel"),
            frequency: s("bimonthly"),
            funding_streams: s("New Deal Innovation Fund"),
            // Engineering and manufacturing, IT, hospitality, public services, the voluntary sector.
            wanted_sectors: Some(vec!["C".into(), "I".into(), "J".into(), "O".into(), "S".into()]),
            established_on: s("1998-09-01"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role, rep) in [
        ("UK-001", "chair", "Mike Beasley, Managing Director"),
        ("UK-P07", "director", "Paul Toomer, Coalition Director (secondee)"),
        ("UK-010", "member", ""),
        ("UK-005", "member", ""),
        ("UK-P01", "member", ""),
        ("UK-P02", "member", ""),
        ("UK-P06", "member", ""),
    ] {
        member(app, &system, coalition, org, role, rep, "1998-09-01").await?;
    }

    // The coalition's work plan for this year, from its key operational objectives.
    let today = Utc::now().date_naive();
    let (y0, y1) = if today.month() >= 4 { (today.year(), today.year() + 1) } else { (today.year() - 1, today.year()) };
    let cplan = pl::save(
        app,
        &system,
        None,
        &PlanInput {
            district: s(uk),
            title: s(&format!("Birmingham Employer Coalition work plan {y0}/{y1}")),
            theme: s("Employer engagement"),
            period_start: s(&format!("{y0}-04-01")),
            period_end: s(&format!("{y1}-03-31")),
            body_id: s(&coalition.to_string()),
            ..Default::default()
        },
    )
    .await?
    .id;
    let meet = pb::save_meeting(
        app,
        &system,
        coalition,
        None,
        &MeetingInput {
            held_on: s(&(today - Duration::days(40)).to_string()),
            title: s("Coalition meeting"),
            attendees: s("Mike Beasley (chair)\nPaul Toomer (Coalition Director)\nCadbury Ltd\nWest Midlands Police\nBirmingham City Council"),
            agenda: s("1. Business on Board: progress\n2. Ambition sector initiatives\n3. Membership review"),
            minutes: s("The coalition reviewed the engineering recruitment project and agreed to widen the membership."),
            decisions: s("Invite IT and hospitality employers to join.\nReport the membership review at the next meeting."),
            ..Default::default()
        },
    )
    .await?;
    pb::add_item(
        app,
        &system,
        meet.id,
        &ItemInput {
            description: s("Invite two IT employers to the next meeting"),
            owner: s("UK-P07"),
            due_on: s(&(today + Duration::days(20)).to_string()),
        },
    )
    .await?;
    let actions = [
        ("1", "Support Jobcentre Plus to implement the key recommendations of \"Business on Board\"."),
        ("2", "Assist in the design and delivery of Ambition Sector Initiatives."),
        ("3", "Increase access and outcomes for disadvantaged clients, particularly ethnic minority clients."),
        ("4", "Review the membership of the Coalition to ensure appropriate representation."),
    ];
    let mut ids = Vec::new();
    for (r, t) in actions {
        let a = pl::save_action(
            app,
            &system,
            cplan,
            None,
            &ActionInput { reference: s(r), title: s(t), leads: Some(vec!["UK-P07".into()]), ..Default::default() },
        )
        .await?;
        ids.push(a.id);
    }
    let jcp_contact = Some("manager@accord.example");
    let m = milestone(
        app,
        &system,
        ids[0],
        "Agree the coalition's response to Business on Board",
        Some(today - Duration::days(60)),
        &["UK-P07"],
        "existing",
        "",
        None,
    )
    .await?;
    progress(app, &system, m, today - Duration::days(62), "achieved", "Response agreed at the coalition meeting.")
        .await?;
    let m = milestone(
        app,
        &system,
        ids[0],
        "Sector employer panels set up for engineering and retail",
        Some(today + Duration::days(25)),
        &["UK-P07", "UK-001"],
        "staff_time",
        "Coalition Director's time",
        jcp_contact,
    )
    .await?;
    progress(
        app,
        &system,
        m,
        today - Duration::days(30),
        "on_track",
        "Engineering panel met; retail panel being formed with the Bull Ring employers.",
    )
    .await?;
    let m = milestone(
        app,
        &system,
        ids[1],
        "Engineering industry recruitment project running",
        Some(today - Duration::days(45)),
        &["UK-P07", "UK-001"],
        "funding",
        "New Deal Innovation Fund",
        None,
    )
    .await?;
    progress(app, &system, m, today - Duration::days(50), "achieved", "").await?;
    let m = milestone(
        app,
        &system,
        ids[1],
        "Design an Ambition retail routeway with the Bull Ring employers",
        Some(today - Duration::days(5)),
        &["UK-P07"],
        "tbd",
        "",
        jcp_contact,
    )
    .await?;
    progress(
        app,
        &system,
        m,
        today - Duration::days(20),
        "likely_delayed",
        "Waiting for the employers' recruitment timetable.",
    )
    .await?;
    let m = milestone(
        app,
        &system,
        ids[2],
        "Ethnic minority recruitment project matches job-ready clients to vacancies in blue-chip companies",
        Some(today + Duration::days(75)),
        &["UK-P07"],
        "staff_time",
        "",
        None,
    )
    .await?;
    progress(app, &system, m, today - Duration::days(15), "on_track", "").await?;
    milestone(
        app,
        &system,
        ids[2],
        "Work with the Scarman Trust on clients outside the social welfare system",
        None,
        &["UK-P06"],
        "tbd",
        "",
        None,
    )
    .await?;
    milestone(
        app,
        &system,
        ids[3],
        "Membership review reported to the coalition",
        Some(today + Duration::days(12)),
        &["UK-P07"],
        "existing",
        "",
        jcp_contact,
    )
    .await?;
    milestone(
        app,
        &system,
        ids[3],
        "Recruit members from IT and hospitality",
        Some(today + Duration::days(110)),
        &["UK-P07", "UK-001"],
        "staff_time",
        "",
        None,
    )
    .await?;

    // ---- Salford (seed 004) ----
    let sal =
        accord_db::users::district_by_code(c, &accord_db::Scope::All, "salford").await?.ok_or(AppError::NotFound)?;
    {
        let now = Utc::now();
        let txn = app.db.write().await?;
        for (r, name, kind, sector) in SALFORD_ORGS {
            let mut o = checked(
                (*name).into(),
                (*r).into(),
                OrgKind::parse(kind).unwrap_or(OrgKind::Agency),
                OrgLevel::Company,
                None,
            );
            o.sector = Some((*sector).into());
            dir::save_checked(&txn, &system, sal.id, &o, None, now).await?;
        }
        txn.commit().await?;
    }
    let lsp = body(
        app,
        &system,
        "salford",
        BodyInput {
            name: s("Salford Partnership (LSP)"),
            kind: s("strategic_partnership"),
            purpose: s("Salford's Local Strategic Partnership: owns the improvement plan."),
            frequency: s("quarterly"),
            funding_streams: s("Neighbourhood Renewal Fund"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role) in [
        ("SAL-SCC", "chair"),
        ("SAL-PCT", "member"),
        ("SAL-SU", "member"),
        ("SAL-NHS", "member"),
        ("SAL-JCP", "member"),
    ] {
        member(app, &system, lsp, org, role, "", "2002-04-01").await?;
    }
    let group = body(
        app,
        &system,
        "salford",
        BodyInput {
            name: s("Public Sector Employers' Group"),
            kind: s("working_group"),
            purpose: s("SCC, PCT, NHS Hospitals Trust and the University working together on the employment of Salford residents."),
            parent_id: s(&lsp.to_string()),
            frequency: s("bimonthly"),
            established_on: s("2004-07-16"),
            ..Default::default()
        },
    )
    .await?;
    for (org, role, rep) in [
        ("SAL-SCC", "chair", "Debbie Brown, Assistant Director"),
        ("SAL-PCT", "member", "Director of Personnel"),
        ("SAL-SU", "member", "Director of Personnel"),
        ("SAL-NHS", "member", "Director of Personnel"),
        ("SAL-JCP", "member", ""),
    ] {
        member(app, &system, group, org, role, rep, "2004-07-16").await?;
    }
    pb::save_meeting(
        app,
        &system,
        group,
        None,
        &MeetingInput {
            held_on: s("2004-07-16"),
            title: s("1st meeting"),
            attendees: s("Salford City Council\nSalford Primary Care Trust\nSalford Royal Hospitals NHS Trust\nUniversity of Salford"),
            agenda: s("1. The employment of Salford residents by the public sector partners\n2. Common recruitment policies and practices"),
            minutes: s("Potential for joint actions discussed."),
            decisions: s("Meet again in September with a list of joint actions."),
            ..Default::default()
        },
    )
    .await?;
    let second = pb::save_meeting(
        app,
        &system,
        group,
        None,
        &MeetingInput {
            held_on: s("2004-09-02"),
            title: s("2nd meeting"),
            attendees: s("Salford City Council\nSalford Primary Care Trust\nSalford Royal Hospitals NHS Trust\nUniversity of Salford\nJobcentre Plus Salford"),
            agenda: s("1. Joint actions\n2. Terms of reference"),
            minutes: s("A number of joint actions were identified, to be reported to the LSP's October meeting."),
            decisions: s("Develop a strategic joint recruitment approach.\nSCC to pilot the Public Sector Gateway from October 2004."),
            ..Default::default()
        },
    )
    .await?;
    pb::add_item(
        app,
        &system,
        second.id,
        &ItemInput {
            description: s("Draw up the group's terms of reference"),
            owner: s("SAL-SCC"),
            due_on: s("2004-10-31"),
        },
    )
    .await?;
    let plan = pl::save(
        app,
        &system,
        None,
        &PlanInput {
            district: s("salford"),
            title: s("IMPROVEMENT PLAN ACTIONS 2004/2005"),
            theme: s("Employment"),
            period_start: s("2004-04-01"),
            period_end: s("2005-03-31"),
            body_id: s(&lsp.to_string()),
            ..Default::default()
        },
    )
    .await?
    .id;
    let a1 = pl::save_action(
        app,
        &system,
        plan,
        None,
        &ActionInput {
            reference: s("3.3.1"),
            title: s(
                "Identify how partners can provide employment and training opportunities for residents in Salford.",
            ),
            body_id: s(&group.to_string()),
            leads: Some(vec!["SAL-SCC".into(), "SAL-PCT".into(), "SAL-SU".into()]),
            ..Default::default()
        },
    )
    .await?
    .id;
    let three = ["SAL-SCC", "SAL-PCT", "SAL-SU"];
    let m1 = milestone(app, &manager, a1, "SCC/ PCT/ Salford University (SU) to discuss and develop a project plan regarding the employment of Salford residents.", None, &three, "staff_time", "Staff (HR/ SCC Employability) Team time", None).await?;
    progress(app, &manager, m1, ymd(2004, 7, 16), "on_track", "SCC Action Plan in progress.").await?;
    progress(app, &manager, m1, ymd(2004, 9, 2), "", "Potential for joint actions have been discussed in 2 meetings with PCT, NHS Hospitals Truest and University. As details bellow*").await?;
    progress(app, &manager, m1, ymd(2004, 9, 2), "", "Group terms of Reference to be draw up").await?;
    progress(app, &manager, m1, ymd(2004, 9, 20), "", "*A number of joint actions in relation have been identified, as detailed below. Actions to be reported to LSP October 04 meeting.\n· Develop strategic joint recruitment approach\n· Explore different strategies for recruitment and selection processes\n· Engage and work in partnership with Jobcentre Plus to deliver the employment agenda / partnership Accord\n· Basic Skills awareness Training for Public Sector Employers\n· Investigate the options available for joint working in Equalities and Inclusion\n· Public Sector Gateway - SCC to pilot (Oct 2004) and investigate potential for rolled out across other Public Sector Partners").await?;
    let m2 = milestone(
        app,
        &manager,
        a1,
        "Obtain commitment to the project from Directors of Personnel from SCC/ PCT/ SU",
        Some(ymd(2004, 6, 1)),
        &three,
        "staff_time",
        "As Above",
        None,
    )
    .await?;
    progress(
        app,
        &manager,
        m2,
        ymd(2004, 7, 28),
        "achieved",
        "Letter from LSP 28.07.04 to obtain support (including University)",
    )
    .await?;
    let m3 = milestone(
        app,
        &manager,
        a1,
        "SCC/ PCT/ SU to address common recruitment policies and practices and report back to CEOs and LSP",
        Some(ymd(2004, 10, 1)),
        &three,
        "tbd",
        "",
        None,
    )
    .await?;
    progress(app, &manager, m3, ymd(2004, 9, 2), "on_track", "SCC in the process of reviewing recruitment practices being lead by Debbie Brown Assistant Director (due for completion November 04)").await?;
    progress(
        app,
        &manager,
        m3,
        ymd(2004, 9, 2),
        "",
        "Partners investigating the possibility of a Joint Recruitment approach",
    )
    .await?;
    progress(
        app,
        &manager,
        m3,
        ymd(2004, 9, 2),
        "",
        "Partners exploring different strategies for recruitment and selection processes and procedures",
    )
    .await?;
    let m4 = milestone(app, &manager, a1, "SCC/ PCT/ SU to liase with local training bodies to share best practice", Some(ymd(2004, 6, 1)), &["SAL-SCC", "SAL-PCT", "SAL-SU", "SAL-JCP"], "staff_and_funding", "Staff Time - Jobcentre Plus, SCC HR & Employability\nJobcentre Plus funding, & SCC HR Co-ordination\nSkills For Life Co-ordinator Time", None).await?;
    progress(app, &manager, m4, ymd(2004, 9, 2), "on_track", "SCC and PCT/Hospitals trust working closely with Jobcentre Plus to commission pre-employment and on-the-job training for Jobcentre Plus customers. SCC Public Sector Gateway Pilot to commence Oct 04, focusing on admin and clerical opportunities initially and to be rolled out across other job areas over the next 12 months.").await?;
    progress(app, &manager, m4, ymd(2004, 9, 2), "", "Salford's Skills For Life Co-ordinator is developing a Basic Skills awareness for Public Sector Employers course– dates for first training session to be arranged.").await?;
    progress(app, &manager, m4, ymd(2004, 9, 2), "", "Skills For Life Co-ordinator to assist SCC and Partners as required re implementation of Basic Skills training/support packages for public sector staff.").await?;
    let m5 = milestone(
        app,
        &manager,
        a1,
        "Project plan to be drawn up and signed off by SCC/ PCT/ SU/",
        Some(ymd(2004, 10, 1)),
        &three,
        "existing",
        "",
        None,
    )
    .await?;
    progress(app, &manager, m5, ymd(2004, 9, 20), "on_track", "Joint actions identified above*").await?;
    let m6 = milestone(
        app,
        &manager,
        a1,
        "Recruitment procedures at SCC/ PCT/ SU to be operational",
        Some(ymd(2005, 3, 1)),
        &three,
        "tbd",
        "",
        None,
    )
    .await?;
    progress(
        app,
        &manager,
        m6,
        ymd(2004, 9, 20),
        "likely_delayed",
        "Action to be reviewed at next meeting. Timescales to be agreed.",
    )
    .await?;
    let m7 = milestone(app, &manager, a1, "Survey of existing workforce in other partner organisations to be carried out to ascertain where they are drawn from and existing recruitment practices.", None, &three, "staff_time", "Staff Time", None).await?;
    progress(app, &manager, m7, ymd(2004, 9, 20), "", "Partners to share existing data and agree protocols for the collection and analysis of additional information to be agreed at next meeting.").await?;
    let m8 = milestone(
        app,
        &manager,
        a1,
        "Implementation plan (including Employment protocols) to be developed and signed off by LSP",
        Some(ymd(2005, 3, 1)),
        &three,
        "tbd",
        "",
        None,
    )
    .await?;
    progress(app, &manager, m8, ymd(2004, 9, 20), "on_track", "Working towards.").await?;
    let a2 = pl::save_action(
        app,
        &system,
        plan,
        None,
        &ActionInput {
            reference: s("3.3.2"),
            title: s("SCC and partners to enact Section 106 Agreements with developer re. Local employment."),
            leads: Some(vec!["SAL-SCC".into()]),
            ..Default::default()
        },
    )
    .await?
    .id;
    milestone(
        app,
        &manager,
        a2,
        "SPD- Unitary Development Plan draft",
        Some(ymd(2004, 9, 1)),
        &["SAL-SCC"],
        "existing",
        "",
        None,
    )
    .await?;
    milestone(
        app,
        &manager,
        a2,
        "Whimpy housing development enshrined in 106 Agreement",
        Some(ymd(2004, 9, 1)),
        &["SAL-SCC", "SAL-WIM"],
        "existing",
        "",
        None,
    )
    .await?;
    milestone(
        app,
        &manager,
        a2,
        "Annual review of benefits and outcomes of 106 Agreements (Sept 05/ 06)",
        Some(ymd(2005, 9, 1)),
        &["SAL-SCC"],
        "existing",
        "",
        None,
    )
    .await?;
    // The July–September 2004 report as issued; the next quarter moves on without changing it.
    pl::issue(app, &manager, plan, Quarter { year: 2004, q: 3 }, "en").await?;
    progress(
        app,
        &manager,
        m3,
        ymd(2004, 11, 30),
        "achieved",
        "Common recruitment policies reported to the CEOs and the LSP.",
    )
    .await?;
    Ok(())
}
