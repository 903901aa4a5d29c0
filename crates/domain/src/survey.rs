//! The annual satisfaction survey: the kinds of question, the five points of a scale, and the
//! rule that keeps small counts from being shown.

vocabulary!(
    /// What kind of question: one choice among options, any number of them, a point of a
    /// five-point scale, yes or no, free text, or a matrix of rows each answered on the scale.
    QuestionKind, "survey.kind_unknown", {
        Single => "single",
        Multiple => "multiple",
        Scale => "scale",
        YesNo => "yes_no",
        Text => "text",
        Matrix => "matrix",
    }
);

/// The points of a scale question: 1 (the lowest) to 5.
pub const SCALE_POINTS: i32 = 5;

/// A scale answer at this point or above counts as satisfied: the top two of five.
pub const SATISFIED_FROM: i32 = 4;

/// The fewest answers a cell of the results may be built from and still be shown; below it
/// the cell reads "<5", so that no company can be picked out.
pub const MIN_CELL: u64 = 5;

impl QuestionKind {
    /// Whether the question's answers are chosen among its options (which it then needs).
    pub fn has_options(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Multiple)
    }

    /// Whether the answers are points of the five-point scale, with a label for each point.
    pub fn is_scale(self) -> bool {
        matches!(self, QuestionKind::Scale | QuestionKind::Matrix)
    }
}

/// A share in percent with one decimal, `part` of `whole`; `None` when there is no whole.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    if whole == 0 {
        return None;
    }
    Some(((part as f64) * 1000.0 / (whole as f64)).round() / 10.0)
}

/// A scale value as written in a form or a file: a whole number from 1 to 5.
pub fn scale_value(s: &str) -> Result<i32, &'static str> {
    match s.trim().parse::<i32>() {
        Ok(v) if (1..=SCALE_POINTS).contains(&v) => Ok(v),
        _ => Err("survey.scale_out_of_range"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_have_one_decimal() {
        assert_eq!(share(113, 313), Some(36.1));
        assert_eq!(share(106, 113), Some(93.8));
        assert_eq!(share(96, 104), Some(92.3));
        assert_eq!(share(1, 3), Some(33.3));
        assert_eq!(share(2, 3), Some(66.7));
        assert_eq!(share(0, 0), None);
    }

    #[test]
    fn a_scale_value_is_one_to_five() {
        assert_eq!(scale_value(" 5 "), Ok(5));
        for bad in ["0", "6", "", "x", "2.5", "-1"] {
            assert_eq!(scale_value(bad), Err("survey.scale_out_of_range"), "{bad}");
        }
    }
}
