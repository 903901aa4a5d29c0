//! Events the service holds for employers (capability 5, seed 003): dialogue meetings, job
//! fairs, network and information meetings, the award ceremony; and where a company's
//! registration for one stands. Not the redundancy events of [`crate::redundancy`].

vocabulary!(
    /// What kind of event.
    EventKind, "events.kind_unknown", {
        DialogueMeeting => "dialogue_meeting",
        JobFair => "job_fair",
        NetworkMeeting => "network_meeting",
        InformationMeeting => "information_meeting",
        AwardCeremony => "award_ceremony",
        Other => "other",
    }
);

vocabulary!(
    /// Where a company's registration stands: it has a seat, it waits for one, or it was
    /// cancelled.
    RegistrationStatus, "events.status_unknown", {
        Registered => "registered",
        Waiting => "waiting",
        Cancelled => "cancelled",
    }
);

vocabulary!(
    /// Whether a registered company came, recorded after the event.
    Attendance, "events.attendance_unknown", {
        Attended => "attended",
        NoShow => "no_show",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Ok(*k));
        }
        assert_eq!(EventKind::parse("party"), Err("events.kind_unknown"));
        assert_eq!(Attendance::parse("no_show"), Ok(Attendance::NoShow));
        assert_eq!(RegistrationStatus::parse("waiting"), Ok(RegistrationStatus::Waiting));
    }
}
