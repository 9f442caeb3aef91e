//! What an audit event changed, read from the record before and after as the store keeps them
//! (JSON): the fields whose values differ, in reading order, and what kind of value each field
//! holds so the log can show names for ids, labels for codes, dates as dd/mm/yyyy and numbers
//! the Vietnamese way.
//!
//! Nested records flatten to dotted paths ("program.name"). A list of records that carry an
//! "id" (a program's lessons) is compared item by item, so adding one lesson reads as one
//! added lesson rather than as two long lists. A field missing, null, empty or an empty list
//! counts as blank, and blank to blank is no change: a new record lists only what was filled in
//! (a "no" is not filled in either).

use serde_json::{Map, Value};

/// One difference between the record before and after.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A value that differs. `before` is None when the field was not in the record before (a
    /// new record, or an action that records only its outcome); `after` is None when the
    /// record after does not carry the field (the value before is shown for context).
    Field { path: String, before: Option<Value>, after: Option<Value> },
    /// A record added to a list (`path` names the list).
    Added { path: String, item: Value },
    /// A record removed from a list.
    Removed { path: String, item: Value },
    /// A record kept in a list whose own fields changed; `changes` have paths inside the item.
    Edited { path: String, before: Value, changes: Vec<Change> },
}

impl Change {
    pub fn path(&self) -> &str {
        match self {
            Change::Field { path, .. }
            | Change::Added { path, .. }
            | Change::Removed { path, .. }
            | Change::Edited { path, .. } => path,
        }
    }
}

/// Fields of list items that only keep the list in order; a new position is not a change.
const ITEM_BOOKKEEPING: [&str; 2] = ["id", "position"];

/// The changes from `before` to `after`, in reading order (see `reading_rank`).
pub fn diff(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", before, after, &mut out);
    out.sort_by_key(|c| reading_rank(c.path()));
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") }
}

fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Records that carry a numeric "id" — what a list compared item by item holds.
fn records_with_ids(items: &[Value]) -> bool {
    items.iter().all(|item| item.get("id").is_some_and(Value::is_i64))
}

fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Change>) {
    match (before, after) {
        (Some(Value::Object(b)), Some(Value::Object(a))) => objects(path, Some(b), Some(a), out),
        (None | Some(Value::Null), Some(Value::Object(a))) => objects(path, None, Some(a), out),
        (Some(Value::Object(b)), None) => objects(path, Some(b), None, out),
        (Some(Value::Array(b)), Some(Value::Array(a))) if records_with_ids(b) && records_with_ids(a) => {
            lists(path, b, a, out)
        }
        (b, a) if is_blank(b) && is_blank(a) => {}
        // A new record's "no" is the default, not something filled in.
        (None, Some(Value::Bool(false))) => {}
        (b, a) if b != a => out.push(Change::Field { path: path.to_owned(), before: b.cloned(), after: a.cloned() }),
        _ => {}
    }
}

fn objects(path: &str, before: Option<&Map<String, Value>>, after: Option<&Map<String, Value>>, out: &mut Vec<Change>) {
    let mut keys: Vec<&String> = after.map(|a| a.keys().collect()).unwrap_or_default();
    for key in before.into_iter().flat_map(|b| b.keys()) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    for key in keys {
        let b = before.and_then(|b| b.get(key));
        let a = after.and_then(|a| a.get(key));
        match (b, a) {
            // A field only the record before carries: kept as context, never as "cleared".
            (Some(b), None) if after.is_some() => {
                if !is_blank(Some(b)) {
                    out.push(Change::Field { path: join(path, key), before: Some(b.clone()), after: None });
                }
            }
            _ => walk(&join(path, key), b, a, out),
        }
    }
}

fn without_bookkeeping(item: &Value) -> Value {
    match item {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !ITEM_BOOKKEEPING.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn lists(path: &str, before: &[Value], after: &[Value], out: &mut Vec<Change>) {
    let id = |v: &Value| v.get("id").and_then(Value::as_i64);
    for item in before {
        if !after.iter().any(|a| id(a) == id(item)) {
            out.push(Change::Removed { path: path.to_owned(), item: item.clone() });
        }
    }
    for item in after {
        match before.iter().find(|b| id(b) == id(item)) {
            None => out.push(Change::Added { path: path.to_owned(), item: item.clone() }),
            Some(old) => {
                let mut changes = Vec::new();
                walk("", Some(&without_bookkeeping(old)), Some(&without_bookkeeping(item)), &mut changes);
                if !changes.is_empty() {
                    changes.sort_by_key(|c| reading_rank(c.path()));
                    out.push(Change::Edited { path: path.to_owned(), before: old.clone(), changes });
                }
            }
        }
    }
}

/// The last segment of a dotted path: "program.name" → "name".
pub fn leaf(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// Fields in the order a form shows them; fields not listed come after, in their own order.
const READING_ORDER: [&str; 43] = [
    "name",
    "short_name",
    "code",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "sort_name",
    "display_name",
    "email",
    "date_of_birth",
    "sex",
    "hometown",
    "citizen_id",
    "phone",
    "org_unit_id",
    "kind",
    "parent_id",
    "valid_from",
    "effective",
    "closed_on",
    "user_id",
    "status",
    "admission_decision_date",
    "ceremony_date",
    "roles",
    "secretary_units",
    "person_id",
    "active",
    "max_absence_permille",
    "unexcused_disqualifies",
    "pass_mark_tenths",
    "band_excellent_tenths",
    "band_good_tenths",
    "band_fair_tenths",
    "band_average_tenths",
    "resits_allowed",
    "certificate_validity_months",
    "default_sessions",
    "certificate_wording",
    "lessons",
    "title",
    "required",
];

fn reading_rank(path: &str) -> usize {
    READING_ORDER.iter().position(|k| *k == leaf(path)).unwrap_or(READING_ORDER.len())
}

/// What a field's value means, so it can be shown the way people read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// Shown as it is: text, a number with thousands grouped, a yes/no, an ISO date as
    /// dd/mm/yyyy.
    Plain,
    /// The id of an org unit (or a list of them): shown as the unit's name.
    OrgUnit,
    /// The id of a person: shown as the person's name.
    Person,
    /// The id of an account: shown as its display name.
    Account,
    /// A score in tenths: "8,5".
    Score,
    /// A ratio in permille: "20%".
    Ratio,
    /// A number of months, where none means no expiry.
    ValidityMonths,
    /// A code shown by its label, the catalog key being `prefix.code`.
    Code(&'static str),
}

/// The kind of value a field of an `entity` holds, from its name.
pub fn value_kind(entity: &str, path: &str) -> ValueKind {
    let key = leaf(path);
    match key {
        "org_unit_id" | "parent_id" | "secretary_units" => ValueKind::OrgUnit,
        "person_id" => ValueKind::Person,
        "user_id" => ValueKind::Account,
        "certificate_validity_months" => ValueKind::ValidityMonths,
        "sex" => ValueKind::Code("person.sex"),
        "kind" if entity == "lesson" => ValueKind::Code("program.lesson_kind"),
        "kind" => ValueKind::Code("org.kind"),
        "roles" => ValueKind::Code("role"),
        "source" => ValueKind::Code("audit.source"),
        "status" if entity == "person" => ValueKind::Code("person.status"),
        "status" if entity == "email" => ValueKind::Code("mail.status"),
        _ if key.ends_with("_tenths") => ValueKind::Score,
        _ if key.ends_with("_permille") => ValueKind::Ratio,
        _ => ValueKind::Plain,
    }
}

/// The ids a value refers to: one id, or a list of them.
pub fn ids_in(value: &Value) -> Vec<i64> {
    match value {
        Value::Number(n) => n.as_i64().into_iter().collect(),
        Value::Array(items) => items.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

/// An ISO date ("1998-06-05") as dd/mm/yyyy; None for any other text.
pub fn iso_date(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shaped {
        return None;
    }
    super::dates::parse(text).map(super::dates::format)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(path: &str, before: Option<Value>, after: Option<Value>) -> Change {
        Change::Field { path: path.into(), before, after }
    }

    #[test]
    fn only_the_fields_that_differ_are_listed_in_reading_order() {
        let before = json!({ "given_name": "An", "org_unit_id": 4, "date_of_birth": "1998-06-05", "phone": null });
        let after = json!({ "given_name": "An", "org_unit_id": 9, "date_of_birth": "1998-05-06", "phone": "" });
        assert_eq!(
            diff(Some(&before), Some(&after)),
            vec![
                field("date_of_birth", Some(json!("1998-06-05")), Some(json!("1998-05-06"))),
                field("org_unit_id", Some(json!(4)), Some(json!(9))),
            ],
            "null and empty text are both blank, so phone did not change"
        );
    }

    #[test]
    fn a_new_record_lists_what_was_filled_in() {
        let after = json!({ "name": "Chi bộ thôn 1", "kind": "cell", "parent_id": null, "roles": [], "must_change_password": false });
        assert_eq!(
            diff(None, Some(&after)),
            vec![field("name", None, Some(json!("Chi bộ thôn 1"))), field("kind", None, Some(json!("cell")))]
        );
        assert!(diff(None, None).is_empty());
    }

    #[test]
    fn fields_only_one_side_records_are_shown_with_what_is_known() {
        // A rename records the effective date only after; a resend the attempts only before.
        let changes = diff(
            Some(&json!({ "name": "Chi bộ A", "attempts": 3 })),
            Some(&json!({ "name": "Chi bộ B", "effective": "2026-09-01" })),
        );
        assert_eq!(
            changes,
            vec![
                field("name", Some(json!("Chi bộ A")), Some(json!("Chi bộ B"))),
                field("effective", None, Some(json!("2026-09-01"))),
                field("attempts", Some(json!(3)), None),
            ]
        );
    }

    #[test]
    fn nested_records_flatten_and_lists_of_records_compare_by_id() {
        let before = json!({
            "program": { "id": 1, "name": "NTVD", "max_absence_permille": 200 },
            "lessons": [
                { "id": 1, "position": 1, "title": "Bài một", "required": true },
                { "id": 2, "position": 2, "title": "Bài hai", "required": true },
                { "id": 3, "position": 3, "title": "Bài ba", "required": true },
            ],
        });
        let after = json!({
            "program": { "id": 1, "name": "NTVD", "max_absence_permille": 250 },
            "lessons": [
                { "id": 2, "position": 1, "title": "Bài hai", "required": true },
                { "id": 3, "position": 2, "title": "Bài ba (sửa)", "required": false },
                { "id": 4, "position": 3, "title": "Chuyên đề bổ sung", "required": false },
            ],
        });
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(
            changes,
            vec![
                field("program.max_absence_permille", Some(json!(200)), Some(json!(250))),
                Change::Removed { path: "lessons".into(), item: before["lessons"][0].clone() },
                Change::Edited {
                    path: "lessons".into(),
                    before: before["lessons"][2].clone(),
                    changes: vec![
                        field("title", Some(json!("Bài ba")), Some(json!("Bài ba (sửa)"))),
                        field("required", Some(json!(true)), Some(json!(false))),
                    ],
                },
                Change::Added { path: "lessons".into(), item: after["lessons"][2].clone() },
            ],
            "lesson 2 only moved up, which is not a change"
        );
    }

    #[test]
    fn lists_of_plain_values_compare_whole() {
        let changes =
            diff(Some(&json!({ "roles": ["staff"], "active": true })), Some(&json!({ "roles": [], "active": false })));
        assert_eq!(
            changes,
            vec![
                field("roles", Some(json!(["staff"])), Some(json!([]))),
                field("active", Some(json!(true)), Some(json!(false))),
            ]
        );
    }

    #[test]
    fn unknown_fields_come_last_and_keep_their_key() {
        let changes =
            diff(Some(&json!({ "ghi_chu": "a", "name": "x" })), Some(&json!({ "ghi_chu": "b", "name": "y" })));
        assert_eq!(changes.iter().map(Change::path).collect::<Vec<_>>(), ["name", "ghi_chu"]);
    }

    #[test]
    fn value_kinds_follow_the_field_names() {
        assert_eq!(value_kind("person", "org_unit_id"), ValueKind::OrgUnit);
        assert_eq!(value_kind("account", "secretary_units"), ValueKind::OrgUnit);
        assert_eq!(value_kind("org_unit", "user_id"), ValueKind::Account);
        assert_eq!(value_kind("account", "person_id"), ValueKind::Person);
        assert_eq!(value_kind("program", "program.pass_mark_tenths"), ValueKind::Score);
        assert_eq!(value_kind("program", "program.max_absence_permille"), ValueKind::Ratio);
        assert_eq!(value_kind("person", "status"), ValueKind::Code("person.status"));
        assert_eq!(value_kind("email", "status"), ValueKind::Code("mail.status"));
        assert_eq!(value_kind("account", "roles"), ValueKind::Code("role"));
        assert_eq!(value_kind("person", "full_name"), ValueKind::Plain);
    }

    #[test]
    fn ids_and_iso_dates_are_recognised() {
        assert_eq!(ids_in(&json!(7)), vec![7]);
        assert_eq!(ids_in(&json!([3, 4])), vec![3, 4]);
        assert!(ids_in(&json!(null)).is_empty());
        assert_eq!(iso_date("1998-06-05").as_deref(), Some("05/06/1998"));
        assert_eq!(iso_date("05/06/1998"), None);
        assert_eq!(iso_date("2026-02-31"), None);
        assert_eq!(iso_date("Chi bộ 2026-01"), None);
    }
}
