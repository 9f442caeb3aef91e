//! An audit event as a sentence: who did what to which record, then each changed field in
//! Vietnamese, old value → new value, with names for ids, labels for codes, dd/mm/yyyy dates and
//! numbers the Vietnamese way. The raw record stays available behind a toggle.

use serde::Serialize;
use serde_json::Value;

use crate::domain::changes::{self, Change, ValueKind};
use crate::domain::{dates, numbers};
use crate::i18n::{self, Lang};
use crate::store::audit::{AuditEvent, Mentioned, Names};

/// An event with what it changed, worked out once.
pub struct Parsed {
    pub event: AuditEvent,
    pub changes: Vec<Change>,
}

fn json(text: &Option<String>) -> Option<Value> {
    text.as_deref().and_then(|t| serde_json::from_str(t).ok())
}

pub fn parse(event: AuditEvent) -> Parsed {
    let changes = changes::diff(json(&event.before_json).as_ref(), json(&event.after_json).as_ref());
    Parsed { event, changes }
}

/// Every id the page will show a name for, so they can be looked up together.
pub fn mentioned(events: &[Parsed]) -> Mentioned {
    let mut m = Mentioned::default();
    for Parsed { event, changes } in events {
        m.accounts.extend(event.actor_user_id);
        if let Some(id) = event.entity_id {
            match event.entity.as_str() {
                "person" => m.people.push(id),
                "org_unit" => m.org_units.push(id),
                "account" => m.accounts.push(id),
                "program" => m.programs.push(id),
                "email" => m.emails.push(id),
                _ => {}
            }
        }
        for change in changes {
            let path = change.path().to_owned();
            for value in values_of(change) {
                let ids = changes::ids_in(value);
                match changes::value_kind(&event.entity, &path) {
                    ValueKind::OrgUnit => m.org_units.extend(ids),
                    ValueKind::Person => m.people.extend(ids),
                    ValueKind::Account => m.accounts.extend(ids),
                    _ => {}
                }
            }
        }
    }
    m
}

/// The values of a change whose kind follows from the change's own path (not list items).
fn values_of(change: &Change) -> Vec<&Value> {
    match change {
        Change::Field { before, after, .. } => before.iter().chain(after.iter()).collect(),
        _ => Vec::new(),
    }
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub at: String,
    pub action: String,
    /// "Lê Thị Thu Hà đã sửa hồ sơ Nguyễn Văn An".
    pub sentence: String,
    /// "Chi bộ: Chi bộ thôn 1 → Chi bộ Sở Y tế", one per changed field.
    pub changes: Vec<String>,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub has_details: bool,
}

/// JSON as people read it: indented, and the same text whatever the backend stored.
fn pretty(json: &Option<String>) -> Option<String> {
    json.as_ref().map(|j| {
        serde_json::from_str::<Value>(j).ok().and_then(|v| serde_json::to_string_pretty(&v).ok()).unwrap_or(j.clone())
    })
}

/// Reads events in one language with the page's names.
pub struct Reader<'a> {
    pub lang: Lang,
    pub names: &'a Names,
}

impl Reader<'_> {
    fn t(&self, key: &str) -> String {
        i18n::t(self.lang, key)
    }

    fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        i18n::t_with(self.lang, key, args)
    }

    pub fn event(&self, parsed: &Parsed) -> EventView {
        let e = &parsed.event;
        let entity = e.entity.as_str();
        EventView {
            at: dates::format_timestamp(e.at),
            action: self.t(&format!("audit.action.{}", e.action)),
            sentence: self.sentence(e),
            changes: parsed.changes.iter().map(|c| self.change(entity, c)).collect(),
            reason: e.reason.clone(),
            before: pretty(&e.before_json),
            after: pretty(&e.after_json),
            has_details: e.before_json.is_some() || e.after_json.is_some(),
        }
    }

    fn actor(&self, e: &AuditEvent) -> String {
        match e.actor_user_id {
            None => self.t_with("audit.system_actor", &[("label", &e.actor_label)]),
            Some(id) => self.names.accounts.get(&id).cloned().unwrap_or_else(|| e.actor_label.clone()),
        }
    }

    fn record_name(&self, entity: &str, id: i64) -> String {
        let names = match entity {
            "person" => &self.names.people,
            "org_unit" => &self.names.org_units,
            "account" => &self.names.accounts,
            "program" => &self.names.programs,
            "email" => &self.names.emails,
            _ => return format!("#{id}"),
        };
        names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"))
    }

    fn sentence(&self, e: &AuditEvent) -> String {
        let name = e.entity_id.map(|id| self.record_name(&e.entity, id)).unwrap_or_default();
        let key = format!("audit.sentence.{}.{}", e.entity, e.action);
        let key = if i18n::has(&key) { key } else { "audit.sentence.other".to_owned() };
        let sentence = self.t_with(
            &key,
            &[
                ("actor", &self.actor(e)),
                ("name", &name),
                ("action", &self.t(&format!("audit.action.{}", e.action))),
                ("entity", &self.t(&format!("audit.entity.{}", e.entity))),
            ],
        );
        sentence.trim().to_owned()
    }

    /// The field's label from the catalog, or its key when the catalog does not know it (a
    /// field added after this table was written still shows).
    fn label(&self, entity: &str, path: &str) -> String {
        let leaf = changes::leaf(path);
        let key = format!("audit.field.{entity}.{leaf}");
        if i18n::has(&key) { self.t(&key) } else { leaf.to_owned() }
    }

    fn change(&self, entity: &str, change: &Change) -> String {
        match change {
            Change::Field { path, before, after } => {
                let field = self.label(entity, path);
                let value = |v: &Value| self.value(entity, path, v);
                match (before, after) {
                    (Some(b), Some(a)) => {
                        self.t_with("audit.change", &[("field", &field), ("before", &value(b)), ("after", &value(a))])
                    }
                    (None, Some(a)) => self.t_with("audit.change_set", &[("field", &field), ("value", &value(a))]),
                    (Some(b), None) => {
                        self.t_with("audit.change_before_only", &[("field", &field), ("value", &value(b))])
                    }
                    (None, None) => field,
                }
            }
            Change::Added { path, item } => self.t_with(
                "audit.change_added",
                &[("field", &self.label(entity, path)), ("item", &self.item_name(entity, path, item))],
            ),
            Change::Removed { path, item } => self.t_with(
                "audit.change_removed",
                &[("field", &self.label(entity, path)), ("item", &self.item_name(entity, path, item))],
            ),
            Change::Edited { path, before, changes } => {
                let item_entity = item_entity(path);
                let inner: Vec<String> = changes.iter().map(|c| self.change(item_entity, c)).collect();
                self.t_with(
                    "audit.change_edited",
                    &[
                        ("field", &self.label(entity, path)),
                        ("item", &self.item_name(entity, path, before)),
                        ("changes", &inner.join(", ")),
                    ],
                )
            }
        }
    }

    /// A record in a list, by its title or name.
    fn item_name(&self, entity: &str, path: &str, item: &Value) -> String {
        match item.get("title").or_else(|| item.get("name")) {
            Some(Value::String(s)) => s.clone(),
            _ => self.value(entity, path, item),
        }
    }

    fn value(&self, entity: &str, path: &str, value: &Value) -> String {
        let kind = changes::value_kind(entity, path);
        match value {
            Value::Null if kind == ValueKind::ValidityMonths => self.t("program.no_expiry"),
            Value::Null => self.t("audit.blank"),
            Value::Bool(true) => self.t("common.yes"),
            Value::Bool(false) => self.t("common.no"),
            Value::Array(items) if items.is_empty() => self.t("audit.blank"),
            Value::Array(items) => items.iter().map(|v| self.value(entity, path, v)).collect::<Vec<_>>().join(", "),
            Value::Number(n) => self.number(kind, n),
            Value::String(s) if s.trim().is_empty() => self.t("audit.blank"),
            Value::String(s) => match kind {
                ValueKind::Code(prefix) => {
                    let key = format!("{prefix}.{s}");
                    if i18n::has(&key) { self.t(&key) } else { s.clone() }
                }
                _ => changes::iso_date(s).unwrap_or_else(|| s.lines().collect::<Vec<_>>().join(" / ")),
            },
            Value::Object(_) => value.to_string(),
        }
    }

    fn number(&self, kind: ValueKind, n: &serde_json::Number) -> String {
        let Some(i) = n.as_i64() else { return n.to_string() };
        let small = i32::try_from(i).ok();
        let name = |names: &std::collections::HashMap<i64, String>| names.get(&i).cloned().unwrap_or(format!("#{i}"));
        match (kind, small) {
            (ValueKind::OrgUnit, _) => name(&self.names.org_units),
            (ValueKind::Person, _) => name(&self.names.people),
            (ValueKind::Account, _) => name(&self.names.accounts),
            (ValueKind::Score, Some(t)) => numbers::format_tenths(t),
            (ValueKind::Ratio, Some(p)) => numbers::format_percent(p),
            (ValueKind::ValidityMonths, _) => self.t_with("program.validity_months", &[("n", &numbers::format_int(i))]),
            _ => numbers::format_int(i),
        }
    }
}

/// The catalog entity of a list's items: "lessons" → "lesson".
fn item_entity(path: &str) -> &str {
    let leaf = changes::leaf(path);
    leaf.strip_suffix('s').unwrap_or(leaf)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(entity: &str, action: &str, id: Option<i64>, before: Option<Value>, after: Option<Value>) -> AuditEvent {
        AuditEvent {
            id: 1,
            at: time::macros::datetime!(2026-06-05 07:03),
            actor_user_id: Some(1),
            actor_label: "admin@boiduong.test".into(),
            entity: entity.into(),
            entity_id: id,
            action: action.into(),
            before_json: before.map(|b| b.to_string()),
            after_json: after.map(|a| a.to_string()),
            reason: None,
        }
    }

    fn names() -> Names {
        let mut n = Names::default();
        n.accounts.insert(1, "Lê Thị Thu Hà".into());
        n.people.insert(7, "Nguyễn Văn An".into());
        n.org_units.insert(3, "Chi bộ thôn 1".into());
        n.org_units.insert(4, "Chi bộ Sở Y tế".into());
        n
    }

    #[test]
    fn a_person_update_reads_as_a_sentence() {
        let parsed = parse(event(
            "person",
            "update",
            Some(7),
            Some(
                json!({ "org_unit_id": 3, "date_of_birth": "1998-06-05", "status": "candidate", "full_name": "Nguyễn Văn An" }),
            ),
            Some(
                json!({ "org_unit_id": 4, "date_of_birth": "1998-05-06", "status": "probationary", "full_name": "Nguyễn Văn An" }),
            ),
        ));
        let m = mentioned(std::slice::from_ref(&parsed));
        assert_eq!((m.accounts, m.people, m.org_units), (vec![1], vec![7], vec![3, 4]));
        let names = names();
        let view = Reader { lang: Lang::Vi, names: &names }.event(&parsed);
        assert_eq!(view.sentence, "Lê Thị Thu Hà đã sửa hồ sơ Nguyễn Văn An");
        assert_eq!(
            view.changes,
            [
                "Ngày sinh: 05/06/1998 → 06/05/1998",
                "Chi bộ: Chi bộ thôn 1 → Chi bộ Sở Y tế",
                "Tình trạng: Quần chúng ưu tú → Đảng viên dự bị",
            ]
        );
        assert_eq!(view.at, "05/06/2026 14:03");
    }

    #[test]
    fn program_rules_and_lessons_read_the_vietnamese_way() {
        let lesson = |id: i64, title: &str, required: bool| json!({ "id": id, "position": id, "title": title, "required": required });
        let parsed = parse(event(
            "program",
            "update",
            Some(2),
            Some(
                json!({ "program": { "max_absence_permille": 200, "pass_mark_tenths": 50, "certificate_validity_months": 60, "unexcused_disqualifies": false },
                         "lessons": [lesson(1, "Bài một", true), lesson(2, "Bài hai", true)] }),
            ),
            Some(
                json!({ "program": { "max_absence_permille": 125, "pass_mark_tenths": 55, "certificate_validity_months": null, "unexcused_disqualifies": true },
                         "lessons": [lesson(2, "Bài hai", false), lesson(3, "Lịch sử Đảng bộ tỉnh", true)] }),
            ),
        ));
        let mut names = names();
        names.programs.insert(2, "Lớp bồi dưỡng nhận thức về Đảng".into());
        let view = Reader { lang: Lang::Vi, names: &names }.event(&parsed);
        assert_eq!(view.sentence, "Lê Thị Thu Hà đã sửa chương trình Lớp bồi dưỡng nhận thức về Đảng");
        assert_eq!(
            view.changes,
            [
                "Tỷ lệ vắng tối đa: 20% → 12,5%",
                "Vắng không phép thì không đủ điều kiện viết thu hoạch: Không → Có",
                "Điểm đạt: 5,0 → 5,5",
                "Thời hạn giấy chứng nhận: 60 tháng → Không thời hạn",
                "Các bài: bỏ «Bài một»",
                "Các bài: «Bài hai» — Bắt buộc: Có → Không",
                "Các bài: thêm «Lịch sử Đảng bộ tỉnh»",
            ]
        );
    }

    #[test]
    fn new_records_unknown_fields_and_system_actors() {
        let mut e = event(
            "account",
            "create",
            Some(9),
            None,
            Some(
                json!({ "email": "lan@boiduong.test", "roles": ["staff", "secretary"], "secretary_units": [4], "ghi_chu": "x" }),
            ),
        );
        e.actor_user_id = None;
        e.actor_label = "dữ liệu mẫu".into();
        let names = names();
        let view = Reader { lang: Lang::Vi, names: &names }.event(&parse(e));
        assert_eq!(view.sentence, "Hệ thống (dữ liệu mẫu) đã tạo tài khoản #9");
        assert_eq!(
            view.changes,
            [
                "Email: lan@boiduong.test",
                "Vai trò: Giáo vụ, Bí thư chi bộ",
                "Chi bộ phụ trách: Chi bộ Sở Y tế",
                "ghi_chu: x"
            ]
        );
    }

    #[test]
    fn an_unknown_action_still_reads() {
        let names = names();
        let view = Reader { lang: Lang::Vi, names: &names }.event(&parse(event("class", "lock", Some(5), None, None)));
        assert!(view.sentence.starts_with("Lê Thị Thu Hà"), "{}", view.sentence);
        assert!(view.sentence.contains("#5"), "{}", view.sentence);
    }
}
