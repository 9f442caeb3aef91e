//! Rows of a roster file read into people (filled in by the enrolment work).
